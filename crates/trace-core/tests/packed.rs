//! Share-link codec: every fixture survives encode -> decode unchanged; scopes select the right
//! spans; and damaged or hostile link text gives an error, never a panic.

mod common;

use common::{body_link, ok_fixtures, Body};
use proptest::prelude::*;
use trace_core::packed::{self, EncodeError, LinkError, MAX_BODY_BYTES};
use trace_core::scope::{self, Scope};
use trace_core::{import, Trace};

const NO_LIMIT: usize = usize::MAX / 2;

fn pack(t: &Trace, scope: &Scope) -> String {
    packed::encode(t, scope, NO_LIMIT).expect("encodes").text
}

/// Everything the viewer reads of a span, compared one span at a time for a useful message.
fn assert_same_trace(a: &Trace, b: &Trace, what: &str) {
    assert_eq!(a.trace_id(), b.trace_id(), "{what}: trace id");
    assert_eq!(a.format(), b.format(), "{what}: format");
    assert_eq!(a.len(), b.len(), "{what}: span count");
    assert_eq!(a.services(), b.services(), "{what}: services");
    assert_eq!(a.warnings(), b.warnings(), "{what}: warnings");
    assert_eq!(
        (a.trace_start_ns(), a.trace_end_ns()),
        (b.trace_start_ns(), b.trace_end_ns()),
        "{what}: bounds"
    );
    for i in a.spans() {
        let w = format!("{what}: span {i}");
        assert_eq!(a.span_id(i), b.span_id(i), "{w}: id");
        assert_eq!(a.parent(i), b.parent(i), "{w}: parent");
        assert_eq!(a.name(i), b.name(i), "{w}: name");
        assert_eq!(a.service(i), b.service(i), "{w}: service");
        assert_eq!(a.start_ns(i), b.start_ns(i), "{w}: start");
        assert_eq!(a.duration_ns(i), b.duration_ns(i), "{w}: duration");
        assert_eq!(a.kind(i), b.kind(i), "{w}: kind");
        assert_eq!(a.status(i), b.status(i), "{w}: status");
        assert_eq!(a.follows_from(i), b.follows_from(i), "{w}: follows_from");
        // Debug text, not ==: a NaN attribute is never equal to itself.
        assert_eq!(
            format!("{:?}", a.span_details(i)),
            format!("{:?}", b.span_details(i)),
            "{w}: details"
        );
    }
}

#[test]
fn every_fixture_round_trips_with_every_detail() {
    let mut traces = 0;
    for (path, bytes) in ok_fixtures() {
        let imp = import(&bytes, None).expect("ok fixture imports");
        // Traces without spans have nothing to share (the viewer does not list them).
        for t in imp.traces.iter().filter(|t| !t.is_empty()) {
            let link = pack(t, &Scope::Whole);
            let back = packed::decode(&link).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_same_trace(t, &back, &path);
            traces += 1;
        }
    }
    assert!(traces > 50, "only {traces} traces checked");
}

#[test]
fn links_are_url_safe_and_start_with_the_version() {
    let (_, bytes) = ok_fixtures().into_iter().next().expect("fixtures");
    let t = &import(&bytes, None).expect("imports").traces[0];
    let link = pack(t, &Scope::Whole);
    assert!(link
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    // Version 1 in the first byte: base64 of 0x01 starts with "AQ" or "AR"/"AS"/"AT".
    assert!(link.starts_with('A'), "{}", &link[..8]);
}

fn shop() -> Trace {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../public/samples/shop-checkout.json"
    ))
    .expect("the bundled shop sample");
    import(&bytes, None).expect("imports").traces.remove(0)
}

#[test]
fn subtree_scope_keeps_the_subtree_as_its_own_tree() {
    let t = shop();
    // A span that has a parent and children of its own.
    let root = t
        .spans()
        .filter_map(|i| t.parent(i))
        .find(|&p| t.parent(p).is_some())
        .expect("a middle span");
    let keep = scope::select(&t, &Scope::Subtree(root));
    assert!(keep.len() > 1 && keep.len() < t.len() as usize);
    let back = packed::decode(&pack(&t, &Scope::Subtree(root))).expect("decodes");
    assert_eq!(back.len() as usize, keep.len());
    let names: Vec<&str> = keep.iter().map(|&i| t.name(i)).collect();
    let back_names: Vec<&str> = back.spans().map(|i| back.name(i)).collect();
    assert_eq!(names, back_names);
    // The subtree's root lost its parent; everything else kept theirs.
    assert_eq!(
        back.spans().filter(|&i| back.parent(i).is_none()).count(),
        1
    );
    assert_eq!(back.span_id(0), t.span_id(keep[0]));
}

#[test]
fn matches_scope_keeps_matches_and_their_ancestors() {
    let t = shop();
    let deepest = t
        .spans()
        .max_by_key(|&i| std::iter::successors(Some(i), |&s| t.parent(s)).count())
        .expect("spans");
    let chain: Vec<u32> = std::iter::successors(Some(deepest), |&s| t.parent(s)).collect();
    let back =
        packed::decode(&pack(&t, &Scope::WithAncestors(vec![deepest, u32::MAX]))).expect("decodes");
    assert_eq!(back.len() as usize, chain.len());
    let leaf = back.find_span(&t.span_id(deepest)).expect("match kept");
    let depth = std::iter::successors(Some(leaf), |&s| back.parent(s)).count();
    assert_eq!(depth, chain.len(), "the path from the root is whole");
}

#[test]
fn a_link_over_the_limit_is_refused_with_the_span_count() {
    let t = shop();
    match packed::encode(&t, &Scope::Whole, 10_000) {
        Err(EncodeError::TooBig { limit, spans }) => {
            assert_eq!((limit, spans), (10_000, t.len()));
        }
        other => panic!("expected TooBig, got {other:?}"),
    }
    assert_eq!(
        packed::encode(&t, &Scope::WithAncestors(vec![]), NO_LIMIT),
        Err(EncodeError::Empty)
    );
}

#[test]
fn the_shop_sample_fits_in_150_kb() {
    let link = pack(&shop(), &Scope::Whole);
    assert!(link.len() <= 150_000, "{} characters", link.len());
}

#[test]
fn damaged_links_say_what_is_wrong() {
    let t = shop();
    let link = pack(&t, &Scope::Whole);
    let err = |s: &str| packed::decode(s).err().map(|e| e.to_string());
    assert_eq!(packed::decode("").err(), Some(LinkError::Empty));
    assert!(matches!(
        packed::decode("AQ$$"),
        Err(LinkError::NotBase64 { position: 2 })
    ));
    // Cut off, as a chat client or a careless copy does.
    for keep in [1, 2, 10, link.len() / 2, link.len() - 3] {
        let e = err(&link[..keep]).unwrap_or_else(|| panic!("prefix {keep} decoded"));
        assert!(e.contains("damaged") || e.contains("no trace"), "{e}");
    }
    // A newer viewer's link: version 2 in the first byte.
    let mut v2 = String::from("Ag");
    v2.push_str(&link[2..]);
    assert!(err(&v2).is_some_and(|e| e.contains("newer version")));
}

#[test]
fn a_decompression_bomb_is_refused_quickly() {
    let zeros = vec![0u8; MAX_BODY_BYTES * 4];
    let started = std::time::Instant::now();
    let e = packed::decode(&body_link(&zeros)).expect_err("bomb refused");
    assert_eq!(e, LinkError::TooLarge);
    assert!(e.to_string().contains("more than 24 MB"), "{e}");
    // Not a timing assertion on the machine's speed: a bomb must not be inflated in full.
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn absurd_counts_and_cycles_are_corrupt_not_allocations() {
    let huge = Body::new().header(1_000_000_000_000).finish();
    assert!(matches!(
        packed::decode(&body_link(&huge)),
        Err(LinkError::Corrupt {
            what: "span count",
            ..
        })
    ));
    // Two spans, each the other's parent.
    let cycle = Body::new().two_spans_with_parents(1, 2).finish();
    assert!(matches!(
        packed::decode(&body_link(&cycle)),
        Err(LinkError::Corrupt { what: "parent", .. })
    ));
    // A parent pointing past the last span.
    let outside = Body::new().two_spans_with_parents(0, 5).finish();
    assert!(packed::decode(&body_link(&outside)).is_err());
    // A well-formed two-span body decodes: the builder above writes valid bodies.
    let fine = Body::new().two_spans_with_parents(0, 2).finish();
    let t = packed::decode(&body_link(&fine)).expect("valid body");
    assert_eq!((t.len(), t.parent(1)), (2, Some(0)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(s in "[A-Za-z0-9_=-]{0,400}") {
        let _ = packed::decode(&s);
    }

    /// Bodies that decompress fine but are damaged inside exercise every field's checks.
    #[test]
    fn damaged_bodies_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut body = common::shop_body();
        for (at, byte) in flips {
            let k = at % body.len();
            body[k] = byte;
        }
        let _ = packed::decode(&body_link(&body));
    }

    #[test]
    fn truncated_bodies_never_panic(cut in any::<usize>()) {
        let body = common::shop_body();
        let _ = packed::decode(&body_link(&body[..cut % body.len()]));
    }
}
