//! Critical path, self time, statistics and skew on real fixtures, against values worked out by
//! hand in the comments (times in microseconds from the trace start).

use trace_core::skew;
use trace_core::stats;
use trace_core::{critical_path, import, self_time, Trace, Tree};

fn load(path: &str) -> Trace {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut imp = import(&bytes, None).unwrap();
    assert_eq!(imp.traces.len(), 1);
    imp.traces.remove(0)
}

fn by_name(t: &Trace, name: &str) -> u32 {
    t.spans()
        .find(|&i| t.name(i) == name)
        .unwrap_or_else(|| panic!("no span {name}"))
}

/// Critical path as (span name, start us, end us) relative to the trace start.
fn path(t: &Trace) -> Vec<(String, i64, i64)> {
    let tree = Tree::build(t);
    let t0 = t.trace_start_ns();
    critical_path(t, &tree)
        .into_iter()
        .map(|s| {
            (
                t.name(s.span).to_string(),
                (s.start_ns - t0) / 1000,
                (s.end_ns - t0) / 1000,
            )
        })
        .collect()
}

fn self_us(t: &Trace, name: &str) -> i64 {
    let tree = Tree::build(t);
    self_time(t, &tree)[by_name(t, name) as usize] / 1000
}

fn seg(n: &str, a: i64, b: i64) -> (String, i64, i64) {
    (n.to_string(), a, b)
}

#[test]
fn three_short_overlapping_children() {
    // send [0,36]; child 1 [3,15]; child 2 [9,17]; child 3 [13,19].
    // Path from the root's end backwards: child 3 ends last (19), so send is critical over [19,36];
    // child 3 over [13,19]; back in send before 13 no child ends (15 and 17 are >= 13): send [0,13].
    let t = load("jaeger/ok/16_stats-traceWithThreeShortOverlappingChildren.json");
    assert_eq!(
        path(&t),
        vec![
            seg("send", 0, 13),
            seg("overlapping child 3", 13, 19),
            seg("send", 19, 36)
        ]
    );
    // Self time of send: 36 minus the union of [3,15],[9,17],[13,19] = [3,19] = 16 -> 20.
    assert_eq!(self_us(&t, "send"), 20);
    assert_eq!(self_us(&t, "overlapping child 2"), 8);
}

#[test]
fn child_starting_after_parent_end_is_not_critical() {
    // send [0,40]; async task 1 [100,400] starts after send ends: dropped from the path.
    let t =
        load("jaeger/ok/14_stats-traceWithSingleChildLongerThanParentAndStartsAfterParent.json");
    assert_eq!(path(&t), vec![seg("send", 0, 40)]);
    // The child lies outside send, so send has no covered time: self 40; the child keeps 300.
    assert_eq!(self_us(&t, "send"), 40);
    assert_eq!(self_us(&t, "async task 1"), 300);
}

#[test]
fn children_longer_than_parent() {
    // send [0,40]; short child [15,25]; async 1 [100,400] and async 2 [200,300] are after send.
    // Path: send [25,40], short child [15,25], send [0,15].
    let t = load("jaeger/ok/13_stats-traceWithOverlappingChildrenLongerThanParent.json");
    assert_eq!(
        path(&t),
        vec![
            seg("send", 0, 15),
            seg("short child span", 15, 25),
            seg("send", 25, 40)
        ]
    );
    assert_eq!(self_us(&t, "send"), 30);
}

#[test]
fn two_non_overlapping_children() {
    // send [0,40]; child [10,20]; async task 2 [400,500] is after send: path send/child/send.
    let t = load("jaeger/ok/18_stats-traceWithTwoNonOverlappingChildren.json");
    assert_eq!(
        path(&t),
        vec![
            seg("send", 0, 10),
            seg("non-overlapping child", 10, 20),
            seg("send", 20, 40)
        ]
    );
    assert_eq!(self_us(&t, "send"), 30);
}

#[test]
fn children_started_at_trace_start() {
    // send [0,36]; async 1 [0,79182] is clipped to [0,36]; async 2 [0,12].
    // async 1 ends last and covers all of send: the path is async 1 alone (send's part is empty).
    let t = load("jaeger/ok/17_stats-traceWithTwoChildrenStartedAtTraceStart.json");
    assert_eq!(path(&t), vec![seg("async task 1", 0, 36)]);
    assert_eq!(self_us(&t, "send"), 0);
}

#[test]
fn overlapping_children_longer_than_parent() {
    // send [0,36] (producer); async task 1 [3,43] clipped to [3,36]; shorter than parent [5,13].
    // Path: async task 1 ends at the clip point 36 = send's end (no send section), async 1 [3,36],
    // then send [0,3]. Self time of send: 36 - |[3,36]| = 3.
    let t = load("jaeger/ok/12_stats-traceWithOverlappingChildren.json");
    assert_eq!(
        path(&t),
        vec![seg("send", 0, 3), seg("async task 1", 3, 36)]
    );
    assert_eq!(self_us(&t, "send"), 3);
    assert_eq!(self_us(&t, "async task 1"), 40);
}

#[test]
fn follows_from_does_not_block() {
    // root [0,100]; async-after [50,250] by FOLLOWS_FROM; sync [10,30].
    // FOLLOWS_FROM is dropped: path root [30,100], sync [10,30], root [0,10].
    let t = load("jaeger/ok/25_follows-from-reference.json");
    assert_eq!(
        path(&t),
        vec![
            seg("root", 0, 10),
            seg("sync", 10, 30),
            seg("root", 30, 100)
        ]
    );
}

#[test]
fn statistics_per_service_and_operation() {
    // Three short overlapping children: service-one has send (36us, self 20us); service-two has the
    // three children 12, 8, 6 (self = duration): total 26, mean 8 (26/3 = 8.67 truncated to 8666ns
    // in ns), p50 = 8 (nearest rank 2 of 3), p95 = 12 (rank 3), max 12.
    let t = load("jaeger/ok/16_stats-traceWithThreeShortOverlappingChildren.json");
    let s = stats::compute(&t, &Tree::build(&t));
    let names: Vec<&str> = s.services.iter().map(|x| x.service.as_str()).collect();
    assert_eq!(names, ["service-one", "service-two"]);
    let one = &s.services[0].stat;
    assert_eq!((one.count, one.total_ns, one.self_ns), (1, 36_000, 20_000));
    let two = &s.services[1].stat;
    assert_eq!((two.count, two.total_ns, two.self_ns), (3, 26_000, 26_000));
    assert_eq!(
        (two.mean_ns, two.p50_ns, two.p95_ns, two.max_ns, two.errors),
        (8_666, 8_000, 12_000, 12_000, 0)
    );
    assert_eq!(s.operations.len(), 4);
}

#[test]
fn no_skew_without_client_server_pairs() {
    // The stats fixtures have PRODUCER roots with CLIENT children: skew correction must not touch
    // them (only CLIENT -> SERVER pairs on different hosts are adjusted).
    for f in [
        "jaeger/ok/12_stats-traceWithOverlappingChildren.json",
        "jaeger/ok/13_stats-traceWithOverlappingChildrenLongerThanParent.json",
        "jaeger/ok/14_stats-traceWithSingleChildLongerThanParentAndStartsAfterParent.json",
    ] {
        let mut t = load(f);
        let tree = Tree::build(&t);
        let before: Vec<i64> = t.spans().map(|i| t.start_ns(i)).collect();
        assert!(skew::correct(&mut t, &tree).is_empty(), "{f}");
        assert_eq!(before, t.spans().map(|i| t.start_ns(i)).collect::<Vec<_>>());
    }
}

#[test]
fn skew_shifts_server_subtree_into_its_client() {
    // zipkin skew.json (us from the server half's start): client post [65441, 159980] (94539us,
    // 127.0.0.0); its server half [0, 93577] on 192.0.0.0 starts before the client. The server is
    // shorter, so it is centred: delta = 65441 + (94539 - 93577) / 2 - 0 = 65441 + 481 = 65922us.
    // Its child "async" [1, 65001] moves with it.
    let mut t = load("zipkin/ok/07_skew.json");
    let tree = Tree::build(&t);
    let server = t
        .spans()
        .find(|&i| t.name(i) == "post" && t.service(i) == "serviceb")
        .unwrap();
    let child = by_name(&t, "async");
    let (s0, c0) = (t.start_ns(server), t.start_ns(child));
    // Detection names the same adjustment and moves nothing.
    let detected = skew::detect(&t, &tree);
    assert_eq!(t.start_ns(server), s0);
    let adj = skew::correct(&mut t, &tree);
    assert_eq!(detected, adj);
    assert_eq!(adj.len(), 1, "{adj:?}");
    assert_eq!(adj[0].span, server);
    assert_eq!(adj[0].delta_ns, 65_922_000);
    assert!(adj[0].reason.contains("starts before"), "{}", adj[0].reason);
    assert_eq!(t.start_ns(server) - s0, 65_922_000);
    assert_eq!(t.start_ns(child) - c0, 65_922_000);
    // Applying it again finds nothing more to do.
    let tree = Tree::build(&t);
    assert!(skew::correct(&mut t, &tree).is_empty());
}
