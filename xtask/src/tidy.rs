//! `cargo xtask tidy`: the architecture's invariants, checked mechanically (after
//! rust-analyzer's `xtask/src/tidy.rs`). Each check names the file and line it objects to.
//!
//! - the pure crates' direct dependencies contain no web crate;
//! - our site's paths are spelled only in `site::routes`;
//! - time units are converted only in `trace_core::time`;
//! - no `unwrap`/`expect` outside tests;
//! - ARCHITECTURE.md names every module file;
//! - no function outside tests is longer than [`MAX_FUNCTION_LINES`];
//! - the viewer's state is written only by its own methods and the controller.
//!
//! Sources are parsed with syn, so "outside tests" means outside `#[cfg(test)]` items and
//! `#[test]` functions, and function lengths come from the parser, not from counting braces.

use crate::run::{root, Result};
use site::routes;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

/// The longest function the house allows (most are under 60 lines).
pub const MAX_FUNCTION_LINES: usize = 120;

/// Crates that must build and test natively, without a browser.
const PURE_CRATES: [&str; 3] = ["site", "trace-core", "viewer-core"];

/// Crates that only make sense in a browser.
const WEB_CRATES: [&str; 8] = [
    "leptos",
    "leptos_router",
    "web-sys",
    "wasm-bindgen",
    "wasm-bindgen-futures",
    "js-sys",
    "gloo",
    "console_error_panic_hook",
];

/// Folders holding the product's and the tools' Rust sources (tests and examples live
/// elsewhere and may unwrap).
const SOURCE_ROOTS: [&str; 3] = ["src", "crates", "xtask/src"];

/// The one module allowed to spell our site's paths, and the one allowed to convert time units.
const ROUTES_FILE: &str = "crates/site/src/routes.rs";
const TIME_MODULE: &str = "crates/trace-core/src/time/";
/// The only writers of the viewer's signals: `Viewer`'s methods and the `Controller`.
const VIEWER_WRITERS: [&str; 2] = ["src/viewer/state.rs", "src/viewer/controller.rs"];
/// This file spells the patterns it looks for.
const TIDY_FILE: &str = "xtask/src/tidy.rs";

pub fn tidy() -> Result {
    let files = source_files()?;
    let architecture = read(&root().join("ARCHITECTURE.md"))?;
    let mut problems = pure_crates_have_no_web_dependency()?;
    for file in &files {
        problems.extend(site_paths_only_in_routes(file));
        problems.extend(time_units_only_in_time(file));
        problems.extend(no_unwrap_outside_tests(file));
        problems.extend(no_long_functions(file));
        problems.extend(named_in_architecture(file, &architecture));
        problems.extend(viewer_written_through_methods(file));
    }
    if problems.is_empty() {
        println!("tidy: {} source files follow the invariants", files.len());
        return Ok(());
    }
    for p in &problems {
        eprintln!("tidy: {p}");
    }
    Err(format!("tidy: {} problems", problems.len()))
}

/// One Rust source file: its text, where its tests are and its functions outside tests.
struct Source {
    /// Relative to the project root, with `/` separators.
    path: String,
    lines: Vec<String>,
    test_lines: Vec<RangeInclusive<usize>>,
    functions: Vec<Function>,
}

struct Function {
    name: String,
    lines: RangeInclusive<usize>,
}

impl Source {
    /// Lines outside tests and comments, numbered from 1.
    fn code_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, line)| (i + 1, line.as_str()))
            .filter(|(n, line)| {
                !line.trim_start().starts_with("//")
                    && !self.test_lines.iter().any(|r| r.contains(n))
            })
    }

    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.path)
    }
}

fn source_files() -> Result<Vec<Source>> {
    let mut paths = Vec::new();
    for dir in SOURCE_ROOTS {
        collect_rs(&root().join(dir), &mut paths)?;
    }
    paths.sort();
    paths.iter().map(|p| parse(p)).collect()
}

/// Every `.rs` file under `dir`, skipping test, example, bench and build-output folders.
fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "tests" | "examples" | "benches" | "target") {
                collect_rs(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse(path: &Path) -> Result<Source> {
    let text = read(path)?;
    let relative = path
        .strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let file = syn::parse_file(&text).map_err(|e| {
        let at = e.span().start();
        format!("{relative}:{}:{}: cannot parse: {e}", at.line, at.column)
    })?;
    let mut items = Items::default();
    items.visit_file(&file);
    Ok(Source {
        path: relative,
        lines: text.lines().map(str::to_string).collect(),
        test_lines: items.test_lines,
        functions: items.functions,
    })
}

/// Walks a file's items: test items are noted and not entered; other functions are listed.
#[derive(Default)]
struct Items {
    test_lines: Vec<RangeInclusive<usize>>,
    functions: Vec<Function>,
}

impl Items {
    fn function(&mut self, name: String, attrs: &[syn::Attribute], span: proc_macro2::Span) {
        let lines = span.start().line..=span.end().line;
        if is_test(attrs) {
            self.test_lines.push(lines);
        } else {
            self.functions.push(Function { name, lines });
        }
    }
}

impl<'ast> Visit<'ast> for Items {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if is_test(&m.attrs) {
            self.test_lines
                .push(m.span().start().line..=m.span().end().line);
        } else {
            visit::visit_item_mod(self, m);
        }
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(f.sig.ident.to_string(), &f.attrs, f.span());
        if !is_test(&f.attrs) {
            visit::visit_item_fn(self, f);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(f.sig.ident.to_string(), &f.attrs, f.span());
        if !is_test(&f.attrs) {
            visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.function(f.sig.ident.to_string(), &f.attrs, f.span());
        visit::visit_trait_item_fn(self, f);
    }
}

/// `#[test]`, or a `cfg` that mentions `test` (`#[cfg(test)]`, `#[cfg(all(test, ...))]`).
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        path.is_ident("test")
            || (path.is_ident("cfg") && {
                let tokens = quote::ToTokens::to_token_stream(&a.meta).to_string();
                tokens
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == "test")
            })
    })
}

fn pure_crates_have_no_web_dependency() -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for name in PURE_CRATES {
        let manifest = root().join("crates").join(name).join("Cargo.toml");
        let table: toml::Table = read(&manifest)?
            .parse()
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
        let deps = table.get("dependencies").and_then(|d| d.as_table());
        for dep in deps.into_iter().flat_map(|d| d.keys()) {
            if WEB_CRATES.contains(&dep.as_str()) || dep.starts_with("gloo") {
                problems.push(format!(
                    "crates/{name}/Cargo.toml: `{dep}` is a web crate; {name} must stay pure"
                ));
            }
        }
    }
    Ok(problems)
}

fn site_paths_only_in_routes(file: &Source) -> Vec<String> {
    if file.path == ROUTES_FILE || file.path == TIDY_FILE {
        return Vec::new();
    }
    let prefixes = [
        routes::VIEWER.to_string(),
        routes::SAMPLES_DIR.to_string(),
        format!("/{}", routes::TALKS_SEGMENT),
        "/trace_worker".to_string(),
    ];
    file.code_lines()
        .filter(|(_, line)| {
            line.contains("href=\"/") || prefixes.iter().any(|p| line.contains(&format!("\"{p}")))
        })
        .map(|(n, _)| format!("{}: a site path outside site::routes", file.at(n)))
        .collect()
}

fn time_units_only_in_time(file: &Source) -> Vec<String> {
    if file.path.starts_with(TIME_MODULE) {
        return Vec::new();
    }
    file.code_lines()
        .filter(|(_, line)| scales_by_a_unit(line) && mentions_time(line))
        .map(|(n, _)| {
            format!(
                "{}: a time unit converted outside trace_core::time",
                file.at(n)
            )
        })
        .collect()
}

/// Multiplies or divides by 10^3, 10^6 or 10^9 (`* 1000`, `/ 1_000_000`, `1e9 *` ...).
fn scales_by_a_unit(line: &str) -> bool {
    const FACTORS: [&str; 9] = [
        "1000",
        "1_000",
        "1000000",
        "1_000_000",
        "1000000000",
        "1_000_000_000",
        "1e3",
        "1e6",
        "1e9",
    ];
    let is_number_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    FACTORS.iter().any(|factor| {
        line.match_indices(factor).any(|(at, _)| {
            let before = line[..at].trim_end();
            let after = line[at + factor.len()..].trim_start();
            let whole_number = !line[..at].ends_with(is_number_char)
                && !line[at + factor.len()..].starts_with(is_number_char);
            whole_number && (before.ends_with(['*', '/']) || after.starts_with(['*', '/']))
        })
    })
}

/// Whether a line is about time (names such as `ns`, `start_us`, `elapsed`, `duration`).
fn mentions_time(line: &str) -> bool {
    const WORDS: [&str; 10] = [
        "ns", "us", "ms", "nanos", "micros", "millis", "secs", "ts", "elapsed", "duration",
    ];
    line.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|word| word.split('_'))
        .any(|part| WORDS.contains(&part.to_ascii_lowercase().as_str()))
}

fn no_unwrap_outside_tests(file: &Source) -> Vec<String> {
    if file.path == TIDY_FILE {
        return Vec::new();
    }
    file.code_lines()
        .filter(|(_, line)| line.contains(".unwrap()") || line.contains(".expect("))
        .map(|(n, _)| {
            format!(
                "{}: unwrap/expect outside tests (a panic in wasm kills the page)",
                file.at(n)
            )
        })
        .collect()
}

fn no_long_functions(file: &Source) -> Vec<String> {
    file.functions
        .iter()
        .filter(|f| f.lines.clone().count() > MAX_FUNCTION_LINES)
        .map(|f| {
            format!(
                "{}: fn {} is {} lines (at most {MAX_FUNCTION_LINES}): name its phases",
                file.at(*f.lines.start()),
                f.name,
                f.lines.clone().count()
            )
        })
        .collect()
}

/// `viewer.<signal>.set(…)` (or `update`/`write`) outside `Viewer`'s methods and the controller.
fn viewer_written_through_methods(file: &Source) -> Vec<String> {
    if !file.path.starts_with("src/") || VIEWER_WRITERS.contains(&file.path.as_str()) {
        return Vec::new();
    }
    file.code_lines()
        .filter(|(_, line)| writes_a_viewer_signal(line))
        .map(|(n, _)| {
            format!(
                "{}: the viewer's state is written outside Viewer's methods and the controller",
                file.at(n)
            )
        })
        .collect()
}

fn writes_a_viewer_signal(line: &str) -> bool {
    line.match_indices("viewer.").any(|(at, _)| {
        let rest = &line[at + "viewer.".len()..];
        let field_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let after = &rest[field_end..];
        field_end > 0
            && [".set(", ".update(", ".write("]
                .iter()
                .any(|w| after.starts_with(w))
    })
}

/// A module file is named in ARCHITECTURE.md as `name.rs`, `` `name` ``, `` `name:: `` or
/// `` crate::name` ``.
fn named_in_architecture(file: &Source, architecture: &str) -> Vec<String> {
    let Some(stem) = file
        .path
        .rsplit('/')
        .next()
        .and_then(|name| name.strip_suffix(".rs"))
    else {
        return Vec::new();
    };
    if matches!(stem, "lib" | "main" | "mod" | "build") {
        return Vec::new();
    }
    let named = [
        format!("{stem}.rs"),
        format!("`{stem}`"),
        format!("`{stem}::"),
        format!("::{stem}`"),
    ]
    .iter()
    .any(|spelling| architecture.contains(spelling.as_str()));
    if named {
        Vec::new()
    } else {
        vec![format!(
            "{}: not named in ARCHITECTURE.md's code map",
            file.path
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        let file = syn::parse_file(text).expect("test source parses");
        let mut items = Items::default();
        items.visit_file(&file);
        Source {
            path: "src/x.rs".into(),
            lines: text.lines().map(str::to_string).collect(),
            test_lines: items.test_lines,
            functions: items.functions,
        }
    }

    #[test]
    fn tests_are_not_code() {
        let s = source(
            "fn a() { x.unwrap(); }\n#[cfg(test)]\nmod tests {\n    fn b() { y.unwrap(); }\n}\n#[test]\nfn c() { z.unwrap(); }\n",
        );
        assert_eq!(
            no_unwrap_outside_tests(&s),
            ["src/x.rs:1: unwrap/expect outside tests (a panic in wasm kills the page)"]
        );
    }

    #[test]
    fn long_functions_are_found_with_their_length() {
        let body = "    let _ = 1;\n".repeat(MAX_FUNCTION_LINES);
        let s = source(&format!("fn short() {{}}\nfn long() {{\n{body}}}\n"));
        let found = no_long_functions(&s);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("fn long is 122 lines"), "{found:?}");
    }

    #[test]
    fn site_paths_and_time_conversions_are_spotted() {
        let s = source("fn a() { let u = \"/viewer#x\"; let ms = ns / 1_000_000; let kb = bytes / 1000; }\nfn b() { let h = \"/\"; }\n");
        assert_eq!(site_paths_only_in_routes(&s).len(), 1);
        assert_eq!(time_units_only_in_time(&s).len(), 1);
        assert!(scales_by_a_unit("x * 1e3"));
        assert!(!scales_by_a_unit("x * 10000"), "not a unit factor");
        assert!(
            !scales_by_a_unit("let n = 1_000;"),
            "a constant, not a scaling"
        );
        assert!(mentions_time("start_us"));
        assert!(!mentions_time("bytes status"));
    }

    #[test]
    fn viewer_signal_writes_are_spotted() {
        assert!(writes_a_viewer_signal("viewer.window.set((0, 1));"));
        assert!(writes_a_viewer_signal(
            "x(); viewer.rows.update(|r| r.clear())"
        ));
        assert!(!writes_a_viewer_signal("viewer.set_window((0, 1));"));
        assert!(!writes_a_viewer_signal("viewer.window.get()"));
    }

    #[test]
    fn a_module_must_be_named_in_the_code_map() {
        let s = Source {
            path: "crates/a/src/stat_table.rs".into(),
            lines: Vec::new(),
            test_lines: Vec::new(),
            functions: Vec::new(),
        };
        assert!(named_in_architecture(&s, "`stat_table` (sorting)").is_empty());
        assert!(named_in_architecture(&s, "stat_table.rs").is_empty());
        assert_eq!(named_in_architecture(&s, "stat tables").len(), 1);
    }
}
