//! Data-driven fixture test: every file under tests/fixtures/<format>/{ok,err}/ is detected
//! WITHOUT its file name, imported, and its stable text dump (or error text) snapshotted.

use std::path::Path;
use trace_core::{dump::dump, import, Format};

fn expected_format(path: &Path) -> Option<Format> {
    let dir = path.parent()?.parent()?.file_name()?.to_str()?;
    Format::ALL.into_iter().find(|f| f.as_str() == dir)
}

#[test]
fn check() {
    insta::glob!("fixtures/*/*/*", |path| {
        let bytes = std::fs::read(path).unwrap();
        let want = expected_format(path);
        let ok = path
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == "ok");
        // Detection must not depend on the name: no hint is given.
        match (ok, import(&bytes, None)) {
            (true, Ok(imp)) => {
                assert_eq!(
                    Some(imp.format),
                    want,
                    "{} detected as {:?}",
                    path.display(),
                    imp.format
                );
                insta::assert_snapshot!(dump(&imp));
            }
            (true, Err(e)) => panic!("{} should import: {e}", path.display()),
            (false, Ok(imp)) => panic!(
                "{} should be rejected, got {} traces",
                path.display(),
                imp.traces.len()
            ),
            (false, Err(e)) => {
                assert_eq!(
                    e.format,
                    want,
                    "{}: error names format {:?}",
                    path.display(),
                    e.format
                );
                insta::assert_snapshot!(e.to_string());
            }
        }
    });
}
