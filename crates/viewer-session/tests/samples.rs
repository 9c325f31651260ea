//! The bundled samples in `public/samples/`: `index.json` matches the files, and the generated
//! demo trace has what the demo promises (size, services, errors, skew, fan-out).

use viewer_session::protocol::Response;
use viewer_session::trace_pages::TracePage;
use viewer_session::wire::{flag, ViewData};
use viewer_session::Session;

fn samples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/samples")
}

fn load(file: &str) -> (Session, Response) {
    let bytes = std::fs::read(samples_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut s = Session::new();
    let r = s.import(vec![(file.to_string(), bytes)]);
    (s, r)
}

#[test]
fn index_lists_every_sample_with_its_format_and_span_count() {
    let text = std::fs::read_to_string(samples_dir().join("index.json")).expect("index.json");
    let index: Vec<serde_json::Value> = serde_json::from_str(&text).expect("valid JSON");
    assert!(index.len() >= 5);
    let mut formats = std::collections::BTreeSet::new();
    for e in &index {
        let file = e["file"].as_str().expect("file");
        assert!(e["label"].as_str().is_some_and(|l| !l.is_empty()));
        let (_, r) = load(file);
        let Response::Loaded {
            files,
            list: TracePage { rows: traces, .. },
        } = r
        else {
            panic!("{file}: {r:?}")
        };
        assert_eq!(
            Some(files[0].format.as_str()),
            e["format"].as_str(),
            "{file}"
        );
        let spans: u64 = traces.iter().map(|t| u64::from(t.spans)).sum();
        assert_eq!(Some(spans), e["spans"].as_u64(), "{file}");
        formats.insert(files[0].format.clone());
    }
    assert_eq!(
        formats.len(),
        trace_core::Format::ALL.len(),
        "a sample of every format"
    );
}

#[test]
fn shop_checkout_is_a_realistic_demo() {
    let (mut s, r) = load("shop-checkout.json");
    let Response::Loaded {
        list: TracePage { rows: traces, .. },
        ..
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(traces.len(), 1);
    let t = &traces[0];
    assert!((3_000..=6_000).contains(&t.spans), "{}", t.spans);
    assert!((8..=12).contains(&t.services.len()));
    assert!((2..=10).contains(&t.errors));
    assert_eq!(t.root_service, "frontend");

    let v = s.select(0).expect("select");
    assert_eq!(ViewData::decode(&v.encode()).as_ref(), Ok(&v));
    assert!(
        v.depth.iter().copied().max().unwrap_or(0) >= 4,
        "nested RPCs"
    );
    // Fan-out: the checkout server span has hundreds of direct children.
    let place = (0..v.len())
        .find(|&i| {
            v.string(v.name[i]) == "checkout.v1.CheckoutService/PlaceOrder" && v.kind[i] == 2
        })
        .expect("PlaceOrder server span");
    let children = v.parent.iter().filter(|&&p| p as usize == place).count();
    assert!(children > 100, "{children}");

    // The deadlock is only in a log message: free text finds it.
    assert_eq!(
        s.filter("deadlock").spans.len(),
        2,
        "the failed UPDATE and its server span"
    );
    assert_eq!(s.filter("status=error").spans.len(), t.errors as usize);
    assert!(s.filter("db.system=postgresql").spans.len() > 500);
    assert_eq!(s.filter("service=shipping kind=server").spans.len(), 1);

    // The shipping host's early clock is corrected.
    let fixed = s.set_skew(true).expect("skew");
    let moved = fixed
        .flags
        .iter()
        .filter(|f| *f & flag::SKEW_ADJUSTED != 0)
        .count();
    assert!(moved >= 4, "{moved}");
    assert!(fixed.warnings.iter().any(|w| w.kind == "skew-adjusted"));
}
