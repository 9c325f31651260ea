//! `Session` against real trace files: import, select, details, filter, stats, skew.

use viewer_session::library::SourceKind;
use viewer_session::protocol::{Request, Response, ShareLinkView, ShareScope, ValueView};
use viewer_session::session::FileImport;
use viewer_session::trace_pages::TracePage;
use viewer_session::wire::{flag, MatchData, ViewData, NO_PARENT};
use viewer_session::{Outgoing, Session};

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (name.to_string(), bytes)
}

fn loaded(files: &[&str]) -> Session {
    let mut s = Session::new();
    match s.import(files.iter().map(|f| fixture(f)).collect()) {
        Response::Loaded { .. } => s,
        other => panic!("import failed: {other:?}"),
    }
}

/// The span index whose details carry this span id.
fn span_by_id(s: &Session, v: &ViewData, id: &str) -> u32 {
    (0..v.len() as u32)
        .find(|&i| matches!(s.details(i), Response::Details(d) if d.span_id == id))
        .unwrap_or_else(|| panic!("no span {id}"))
}

/// Preorder invariants: every span once, parents before children, depth = parent depth + 1,
/// each subtree a contiguous run.
fn check_preorder(v: &ViewData) {
    let n = v.len();
    assert_eq!(v.order.len(), n);
    let mut pos = vec![usize::MAX; n];
    for (p, &s) in v.order.iter().enumerate() {
        assert_eq!(pos[s as usize], usize::MAX, "span {s} twice");
        pos[s as usize] = p;
    }
    for (p, &s) in v.order.iter().enumerate() {
        let parent = v.parent[s as usize];
        if parent == NO_PARENT {
            assert_eq!(v.depth[p], 0);
        } else {
            let pp = pos[parent as usize];
            assert!(pp < p, "parent after child");
            assert_eq!(v.depth[p], v.depth[pp] + 1);
            assert!(
                p < pp + v.subtree_len[pp] as usize,
                "child outside parent's run"
            );
        }
    }
}

#[test]
fn jaeger_select_gives_consistent_tree_and_flags() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let v = s.select(0).expect("select");
    assert_eq!(v.len(), 11);
    assert_eq!(v.trace_id, "trace-123");
    check_preorder(&v);
    // The view survives its own wire format.
    assert_eq!(ViewData::decode(&v.encode()).as_ref(), Ok(&v));
    let root = span_by_id(&s, &v, "span-1");
    assert_eq!(v.order[0], root);
    assert_eq!(v.parent[root as usize], NO_PARENT);
    assert_eq!(v.start[root as usize], 0);
    assert_eq!(v.string(v.name[root as usize]), "op1");
    assert_eq!(v.kind[root as usize], 2, "server");
    // Durations are µs in Jaeger, ns here.
    assert_eq!(v.dur[root as usize], 390_000_000);
    assert_eq!(v.duration_ns, 1_000_000_000);

    let err = span_by_id(&s, &v, "span-2");
    assert_eq!(v.flags[err as usize] & flag::ERROR, flag::ERROR);
    let errors = v.flags.iter().filter(|f| *f & flag::ERROR != 0).count();
    assert_eq!(errors, 1);

    for on in ["span-1", "span-2", "span-3", "span-4", "span-12"] {
        let i = span_by_id(&s, &v, on);
        assert_ne!(
            v.flags[i as usize] & flag::CRITICAL,
            0,
            "{on} should be critical"
        );
    }
    // The consumer does not block its producer: never on the critical path.
    let consumer = span_by_id(&s, &v, "span-7");
    assert_eq!(v.flags[consumer as usize] & flag::CRITICAL, 0);
    assert_eq!(v.kind[consumer as usize], 5);

    // Self time: the root minus its (merged) children.
    let covered = 33 + 37 + 66 + 20 + 10; // ms, children do not overlap
    assert_eq!(v.self_time[root as usize], (390 - covered) * 1_000_000);

    let names: Vec<&str> = v.services.iter().map(|&i| v.string(i)).collect();
    assert_eq!(names, ["service1", "service2"]);
    assert!(!v.skew_corrected);
}

#[test]
fn loaded_summary_names_files_and_traces() {
    let mut s = Session::new();
    let r = s.import(vec![
        fixture("graph-testTrace.json"),
        fixture("otel-proto-example-trace.json"),
    ]);
    let Response::Loaded {
        files,
        list: TracePage { rows: traces, .. },
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].format, "jaeger");
    assert_eq!(files[1].format, "otlp");
    assert_eq!(files[1].format_label, "OTLP JSON");
    assert_eq!(traces.len(), 2);
    assert_eq!(traces[0].root_name, "op1");
    assert_eq!(traces[0].root_service, "service1");
    assert_eq!(traces[0].services, ["service1", "service2"]);
    assert_eq!(traces[0].spans, 11);
    assert_eq!(traces[0].errors, 1);
    assert_eq!(traces[0].file, 0);
    assert_eq!(traces[1].file, 1);
    assert_eq!(traces[1].index, 1);
    assert!(traces[0].start_unix_ns > 1_500_000_000_000_000_000);
    // The second file's trace opens too.
    assert!(s.select(1).is_ok());
    assert!(s.select(2).is_err());
}

#[test]
fn failed_import_names_file_and_position_and_keeps_state() {
    let mut s = loaded(&["graph-testTrace.json"]);
    s.select(0).expect("select");
    let broken = (
        "broken.json".to_string(),
        b"{\"data\": [{\"traceID\": \"x\",\n  \"spans\": [ }".to_vec(),
    );
    let r = s.import(vec![fixture("skew.json"), broken]);
    let Response::Failed { message } = r else {
        panic!("{r:?}")
    };
    assert!(message.starts_with("broken.json: "), "{message}");
    assert!(message.contains("line 2"), "{message}");
    assert!(message.contains("column"), "{message}");
    // Nothing new was kept: the open trace still answers.
    assert_eq!(s.traces().len(), 1);
    assert!(matches!(s.details(0), Response::Details(_)));

    let metrics = (
        "metrics.json".to_string(),
        br#"{"resourceMetrics": []}"#.to_vec(),
    );
    let r = s.import(vec![metrics]);
    let Response::Failed { message } = r else {
        panic!("{r:?}")
    };
    assert!(message.starts_with("metrics.json: "), "{message}");

    let r = s.import(vec![("empty.json".into(), b"  ".to_vec())]);
    assert!(matches!(r, Response::Failed { message } if message.starts_with("empty.json: ")));
    let r = s.import(vec![]);
    assert!(matches!(r, Response::Failed { .. }));
}

#[test]
fn resource_without_service_name_opens_as_unknown_service() {
    // jaeger-ui's otlp2jaeger-in-error: no resource has `service.name`, as real API answers have.
    let mut s = Session::new();
    let r = s.import(vec![fixture("otlp2jaeger-in-error.json")]);
    let Response::Loaded {
        files,
        list: TracePage { rows: traces, .. },
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!(traces[0].root_service, "unknown_service");
    assert_eq!(files[0].warnings[0].kind, "missing-service");
    assert!(files[0].warnings[0].examples[0]
        .message
        .contains("unknown_service"));
}

#[test]
fn details_keep_attributes_beside_one_nested_too_deep() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let file = format!(
        r#"[{{"name":"x","ph":"X","ts":0,"dur":1,"pid":1,"tid":1,"args":{{"a":1,"deep":{deep},"z":2}}}}]"#
    );
    let mut s = Session::new();
    let r = s.import(vec![("deep.json".to_string(), file.into_bytes())]);
    assert!(matches!(r, Response::Loaded { .. }), "{r:?}");
    s.select(0).expect("select");
    let Response::Details(d) = s.details(0) else {
        panic!("no details")
    };
    let keys: Vec<&str> = d.attributes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["a", "deep", "z"]);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert_eq!(d.warnings[0].kind, "bad-value");
    assert!(d.warnings[0].message.contains("\"deep\""));
}

#[test]
fn the_search_index_is_built_between_requests_and_answers_as_before() {
    let mut s = loaded(&["graph-testTrace.json"]);
    assert!(!s.index_step(4), "no trace open: nothing to index");
    s.select(0).expect("select");
    let before = s.filter("hostname=foobar.org").spans;
    let mut s = loaded(&["graph-testTrace.json"]);
    s.select(0).expect("select");
    let mut slices = 1;
    while s.index_step(4) {
        slices += 1;
    }
    assert!(slices > 1, "built in {slices} slices");
    assert_eq!(s.filter("hostname=foobar.org").spans, before);
    // A newly opened trace starts a new index.
    s.select(0).expect("select");
    assert!(s.index_step(4));
}

#[test]
fn filter_status_service_and_attributes() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let v = s.select(0).expect("select");
    let m = s.filter("status=error");
    assert_eq!(m.error, None);
    let errors: Vec<u32> = v
        .order
        .iter()
        .copied()
        .filter(|&i| v.flags[i as usize] & flag::ERROR != 0)
        .collect();
    assert_eq!(m.spans, errors);
    assert_eq!(m.query, "status=error");

    let m = s.filter("service=service2");
    assert_eq!(m.spans.len(), 3);
    assert!(m
        .spans
        .iter()
        .all(|&i| v.string(v.service[i as usize]) == "service2"));
    // Matches come in drawing order.
    let pos = |i: u32| v.order.iter().position(|&x| x == i);
    assert!(m.spans.windows(2).all(|w| pos(w[0]) < pos(w[1])));

    let m = s.filter("db.type=sql");
    assert_eq!(m.spans, vec![span_by_id(&s, &v, "span-5")]);
    // Resource (process) tags are attributes too.
    assert_eq!(s.filter("hostname=foobar.org").spans.len(), 11);
    assert_eq!(s.filter("-status=error").spans.len(), 10);
    assert_eq!(s.filter("").spans, v.order);
    assert_eq!(s.filter("kind=consumer").spans.len(), 1);
    assert_eq!(s.filter("duration>100ms").spans.len(), 2);

    let mut s = loaded(&["flamegraph-testTrace.json"]);
    let v = s.select(0).expect("select");
    let get = s.filter("http.method=GET");
    assert!(!get.spans.is_empty());
    for &i in &get.spans {
        let Response::Details(d) = s.details(i) else {
            panic!()
        };
        assert!(d
            .attributes
            .iter()
            .any(|a| a.key == "http.method" && a.value == ValueView::Str("GET".into())));
    }
    // Free text finds names, services and attribute values (case-insensitive).
    let bike = s.filter("bikehandler");
    assert!(bike
        .spans
        .iter()
        .all(|&i| v.string(v.name[i as usize]) == "BikeHandler"));
    assert!(!bike.spans.is_empty());
    assert!(s.filter("ap-south:5000").spans.len() >= get.spans.len());
    assert!(s.filter("ride-sharing").spans.len() > 1);
}

#[test]
fn bad_filter_reports_position_and_no_spans() {
    let mut s = loaded(&["graph-testTrace.json"]);
    s.select(0).expect("select");
    let m = s.filter("status=error duration>10xs");
    assert!(m.spans.is_empty());
    let e = m.error.expect("error");
    assert!(e.contains("column 23"), "{e}");
    // The error survives the wire.
    let back = MatchData::decode(&s.filter("duration>10xs").encode()).expect("decode");
    assert!(back.error.is_some());
}

#[test]
fn requests_without_an_open_trace_are_errors() {
    let mut s = Session::new();
    assert!(matches!(s.details(0), Response::Error { .. }));
    assert!(matches!(s.stats(), Response::Error { .. }));
    assert!(s.filter("x").error.is_some());
    assert!(s.set_skew(true).is_err());
    assert!(s.select(0).is_err());
    let mut s = loaded(&["graph-testTrace.json"]);
    s.select(0).expect("select");
    assert!(matches!(s.details(11), Response::Error { .. }));
    assert!(matches!(s.details(u32::MAX), Response::Error { .. }));
}

#[test]
fn details_show_tags_process_and_parent() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let v = s.select(0).expect("select");
    let i = span_by_id(&s, &v, "span-2");
    let Response::Details(d) = s.details(i) else {
        panic!()
    };
    assert_eq!(d.name, "op2");
    assert_eq!(d.service, "service1");
    assert_eq!(d.kind, "client");
    assert_eq!(d.status, trace_core::StatusCode::Error);
    assert_eq!(d.parent_span_id.as_deref(), Some("span-1"));
    assert_eq!(d.start_offset_ns, 125_000_000);
    assert_eq!(d.duration_ns, 33_000_000);
    assert_eq!(d.self_ns, 33_000_000);
    assert_eq!(d.trace_id, "trace-123");
    assert!(d.attributes.iter().any(|a| a.key == "error"));
    assert!(d
        .resource
        .iter()
        .any(|a| a.key == "hostname" && a.value == ValueView::Str("foobar.org".into())));
    assert_eq!(d.skew_shift_ns, None);
    // The JSON form the worker posts round-trips.
    let json = serde_json::to_string(&Response::Details(d.clone())).expect("json");
    let back: Response = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, Response::Details(d));
}

#[test]
fn otlp_details_have_typed_nested_values_events_and_scope() {
    let mut s = loaded(&["otel-proto-example-trace.json"]);
    let v = s.select(0).expect("select");
    let Response::Details(d) = s.details(v.order[0]) else {
        panic!()
    };
    assert!(!d.attributes.is_empty(), "{d:?}");
    assert!(d.scope.is_some(), "{d:?}");
    assert!(!d.resource.is_empty(), "{d:?}");
}

#[test]
fn orphans_are_flagged_and_warned() {
    let mut s = loaded(&["messaging2.json"]);
    let v = s.select(0).expect("select");
    check_preorder(&v);
    let orphans: Vec<usize> = (0..v.len())
        .filter(|&i| v.flags[i] & flag::ORPHAN != 0)
        .collect();
    assert!(!orphans.is_empty());
    for &i in &orphans {
        assert_eq!(v.parent[i], NO_PARENT);
        assert_ne!(v.flags[i] & flag::WARNED, 0);
        let Response::Details(d) = s.details(i as u32) else {
            panic!()
        };
        assert!(d.warnings.iter().any(|w| w.kind == "orphan"));
        // trace-core keeps a Zipkin orphan's missing parent id only in the warning text.
        assert_eq!(d.parent_span_id, None);
    }
    assert!(v.warnings.iter().any(|w| w.kind == "orphan"));
    // Kind names are kebab-case.
    assert!(v.warnings.iter().all(|w| !w.kind.contains('_')));
}

#[test]
fn skew_correction_moves_the_server_span_and_back() {
    let mut s = loaded(&["skew.json"]);
    let plain = s.select(0).expect("select");
    let fixed = s.set_skew(true).expect("skew on");
    assert!(fixed.skew_corrected);
    check_preorder(&fixed);
    let moved: Vec<usize> = (0..fixed.len())
        .filter(|&i| fixed.flags[i] & flag::SKEW_ADJUSTED != 0)
        .collect();
    assert!(!moved.is_empty());
    assert!(fixed.warnings.iter().any(|w| w.kind == "skew-adjusted"));
    let shifted = moved.iter().any(|&i| {
        let Response::Details(d) = s.details(i as u32) else {
            return false;
        };
        d.skew_shift_ns.is_some_and(|x| x != 0)
    });
    assert!(shifted);
    let unmoved = (0..fixed.len()).find(|i| !moved.contains(i)).expect("one");
    let Response::Details(d) = s.details(unmoved as u32) else {
        panic!()
    };
    assert_eq!(d.skew_shift_ns, Some(0));
    let back = s.set_skew(false).expect("skew off");
    assert_eq!(back, plain);
}

#[test]
fn skew_is_shown_before_it_is_corrected() {
    let mut s = loaded(&["skew.json"]);
    let plain = s.select(0).expect("select");
    // Off: the server span that needs moving is badged and warned, and nothing moved.
    let detected: Vec<usize> = (0..plain.len())
        .filter(|&i| plain.flags[i] & flag::SKEW_DETECTED != 0)
        .collect();
    assert_eq!(detected.len(), 1, "{:?}", plain.flags);
    assert!(plain.flags.iter().all(|f| f & flag::SKEW_ADJUSTED == 0));
    let group = plain
        .warnings
        .iter()
        .find(|g| g.kind == "clock-skew")
        .expect("a clock-skew group");
    assert_eq!(group.total, 1);
    assert_eq!(group.examples[0].span, Some(detected[0] as u32));
    assert!(group.examples[0].message.contains("starts before"));
    // On: moved and warned as adjusted; no longer "detected".
    let fixed = s.set_skew(true).expect("skew on");
    assert!(fixed.flags.iter().all(|f| f & flag::SKEW_DETECTED == 0));
    assert!(fixed.warnings.iter().all(|g| g.kind != "clock-skew"));
    assert_ne!(fixed.flags[detected[0]] & flag::SKEW_ADJUSTED, 0);
}

#[test]
fn many_warnings_reach_the_page_as_bounded_groups() {
    // JSON Lines with 5,000 broken lines after a good one: one warning per line in trace-core.
    let good = String::from_utf8(fixture("otel-proto-example-trace.json").1).expect("utf8");
    let mut text = good.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    for i in 0..5_000 {
        text.push_str(&format!("\n{{broken {i}"));
    }
    let mut s = Session::new();
    let r = s.import(vec![("many.jsonl".to_string(), text.into_bytes())]);
    let Response::Loaded { files, .. } = r else {
        panic!("{r:?}")
    };
    let skipped = files[0]
        .warnings
        .iter()
        .find(|g| g.kind == "skipped")
        .expect("skipped");
    assert_eq!(skipped.total, 5_000);
    assert_eq!(
        skipped.examples.len(),
        viewer_session::warning_groups::MAX_EXAMPLES_PER_KIND
    );
    for g in &files[0].warnings {
        assert!(g.examples.len() <= viewer_session::warning_groups::MAX_EXAMPLES_PER_KIND);
        assert!(g.examples.iter().all(|w| w.kind == g.kind));
    }
}

#[test]
fn stats_have_services_operations_and_histogram() {
    let mut s = loaded(&["smartthings-oauth-authorization.json"]);
    let v = s.select(0).expect("select");
    let Response::Stats(st) = s.stats() else {
        panic!()
    };
    let total: u64 = st.services.iter().map(|r| r.count).sum();
    assert_eq!(total as usize, v.len());
    assert!(st.services.iter().all(|r| r.operation.is_none()));
    assert!(st.operations.iter().all(|r| r.operation.is_some()));
    let ops: u64 = st.operations.iter().map(|r| r.count).sum();
    assert_eq!(ops, total);
    assert!(!st.histogram.is_empty() && st.histogram.len() <= 24);
    let in_hist: u64 = st.histogram.iter().map(|b| b.count).sum();
    assert_eq!(in_hist, total);
    let errors: u64 = st.services.iter().map(|r| r.errors).sum();
    assert_eq!(errors as usize, s.filter("status=error").spans.len());
}

#[test]
fn chrome_trace_has_no_wall_clock() {
    let mut s = loaded(&["devtools-chrome69-simple.json"]);
    let v = s.select(0).expect("select");
    assert_eq!(v.start_unix_ns, 0);
    check_preorder(&v);
}

#[test]
fn handle_dispatches_by_kind() {
    let mut s = loaded(&["graph-testTrace.json"]);
    assert!(matches!(
        s.handle(Request::SelectTrace { trace: 0 }),
        Outgoing::View(_)
    ));
    assert!(matches!(
        s.handle(Request::Filter { query: "op2".into() }),
        Outgoing::Matches(m) if m.spans.len() == 3
    ));
    assert!(matches!(
        s.handle(Request::Details { span: 1 }),
        Outgoing::Json(Response::Details(_))
    ));
    assert!(matches!(
        s.handle(Request::Stats),
        Outgoing::Json(Response::Stats(_))
    ));
    assert!(matches!(
        s.handle(Request::SetSkew { on: true }),
        Outgoing::View(v) if v.skew_corrected
    ));
    assert!(matches!(
        s.handle(Request::SelectTrace { trace: 9 }),
        Outgoing::Json(Response::Error { .. })
    ));
    assert!(matches!(
        s.handle(Request::OpenPasted),
        Outgoing::Json(Response::Error { .. })
    ));
}

#[test]
fn find_span_answers_with_the_details_of_that_span() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let v = s.select(0).expect("select");
    let i = span_by_id(&s, &v, "span-2");
    match s.handle(Request::FindSpan {
        span_id: "span-2".into(),
    }) {
        Outgoing::Json(Response::Details(d)) => {
            assert_eq!(d.span, i);
            assert_eq!(d.name, "op2");
        }
        _ => panic!("expected details"),
    }
    match s.handle(Request::FindSpan {
        span_id: "nope".into(),
    }) {
        Outgoing::Json(Response::Error { message }) => assert!(message.contains("nope")),
        _ => panic!("expected an error"),
    }
}

fn share(s: &mut Session, scope: ShareScope, collapsed: Vec<u32>) -> ShareLinkView {
    match s.handle(Request::ShareLink { scope, collapsed }) {
        Outgoing::Json(Response::ShareLink(v)) => *v,
        other => panic!("expected a share link, got {other:?}"),
    }
}

#[test]
fn a_shared_link_opens_the_same_trace_in_a_fresh_session() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let original = s.select(0).expect("select");
    let link = share(&mut s, ShareScope::Whole, vec![2, 5]);
    assert_eq!((link.spans, link.fold.as_slice()), (11, &[2, 5][..]));
    let data = link.data.expect("fits");

    let mut fresh = Session::new();
    match fresh.handle(Request::OpenLink { data }) {
        Outgoing::Json(Response::Loaded {
            files,
            list: TracePage { rows: traces, .. },
        }) => {
            assert_eq!(files[0].name, "shared link");
            assert!(files[0].format_label.contains("from a shared link"));
            assert_eq!((traces.len(), traces[0].spans), (1, 11));
        }
        other => panic!("link did not open: {other:?}"),
    }
    let reopened = fresh.select(0).expect("select");
    assert_eq!(reopened.trace_id, original.trace_id);
    assert_eq!(reopened.start, original.start);
    assert_eq!(reopened.dur, original.dur);
    assert_eq!(reopened.parent, original.parent);
    assert_eq!(reopened.order, original.order);
}

#[test]
fn subtree_links_renumber_folded_spans_and_drop_the_rest() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let v = s.select(0).expect("select");
    // The first span in preorder that has children, and the one after it (its first child).
    let root_pos = (0..v.len())
        .find(|&p| v.subtree_len[p] > 2 && v.depth[p] > 0)
        .unwrap_or(0);
    let root = v.order[root_pos];
    let child = v.order[root_pos + 1];
    let outside = v.order[0];
    let link = share(
        &mut s,
        ShareScope::Subtree { span: root },
        vec![outside, child],
    );
    assert_eq!(link.spans, v.subtree_len[root_pos]);
    assert_eq!(
        link.fold.len(),
        1,
        "the span outside the subtree is dropped"
    );
    let t = trace_core::packed::decode(link.data.as_deref().expect("fits")).expect("decodes");
    let folded = link.fold[0];
    assert_eq!(
        t.parent(folded).map(|p| t.name(p)),
        Some(v.strings[v.name[root as usize] as usize].as_str())
    );
}

#[test]
fn a_filter_scope_with_no_match_says_so_and_a_bad_link_keeps_the_session() {
    let mut s = loaded(&["graph-testTrace.json"]);
    s.select(0).expect("select");
    let none = share(
        &mut s,
        ShareScope::Matches {
            query: "service=no-such-service".into(),
        },
        vec![],
    );
    assert_eq!(none.data, None);
    assert!(none.problem.expect("a reason").contains("no span matches"));
    match s.handle(Request::OpenLink {
        data: "AQ-broken".into(),
    }) {
        Outgoing::Json(Response::Failed { message }) => {
            assert!(message.starts_with("Shared link: "), "{message}")
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(s.traces().len(), 1, "the open list is kept");
    assert!(matches!(
        s.handle(Request::Stats),
        Outgoing::Json(Response::Stats(_))
    ));
}

#[test]
fn export_writes_a_file_that_imports_with_the_same_spans() {
    let mut s = loaded(&["smartthings-oauth-authorization.json"]);
    let v = s.select(0).expect("select");
    for format in ["otlp", "jaeger", "zipkin"] {
        let scope = ShareScope::Whole;
        let (name, bytes) = match s.handle(Request::Export {
            scope,
            format: format.into(),
        }) {
            Outgoing::Export { name, bytes } => (name, bytes),
            other => panic!("{format}: expected a file, got {other:?}"),
        };
        assert!(name.ends_with(&format!(".{format}.json")), "{name}");
        let back = trace_core::import(&bytes, Some(&name)).expect("re-imports");
        assert_eq!(back.traces[0].len() as usize, v.len(), "{format}");
    }
    match s.handle(Request::Export {
        scope: ShareScope::Whole,
        format: "pdf".into(),
    }) {
        Outgoing::Json(Response::Error { message }) => assert!(message.contains("pdf")),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn a_fetched_file_is_listed_by_name_and_host_and_errors_name_the_url() {
    let mut s = Session::new();
    let (_, bytes) = fixture("graph-testTrace.json");
    let url = "https://traces.example:8443/shared/graph.json?sig=abc";
    match s.import_remote(url, FileImport::whole(url.to_string(), bytes, None)) {
        Response::Loaded {
            files,
            list: TracePage { rows: traces, .. },
        } => {
            assert_eq!(files[0].name, "graph.json");
            assert_eq!(files[0].source.as_deref(), Some("traces.example:8443"));
            assert_eq!(traces[0].spans, 11);
        }
        other => panic!("expected Loaded, got {other:?}"),
    }
    match s.import_remote(
        "https://h.example/page.html",
        FileImport::whole("page".to_string(), b"<html>".to_vec(), None),
    ) {
        Response::Failed { message } => {
            assert!(
                message.starts_with("https://h.example/page.html: not JSON"),
                "{message}"
            )
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(s.traces().len(), 1, "a failed fetch keeps the list");
}

#[test]
fn remember_gives_the_content_id_and_gzip_of_the_file_or_the_link_text() {
    let mut s = loaded(&["graph-testTrace.json"]);
    let (_, original) = fixture("graph-testTrace.json");
    let (id, stored) = s.remember(0, SourceKind::File).expect("remembers");
    assert_eq!(id, viewer_session::library::content_id(&original));
    let back = trace_core::import(&stored, None).expect("stored form imports");
    assert_eq!(back.traces[0].len(), 11);
    assert!(s.remember(7, SourceKind::File).is_err());

    s.select(0).expect("select");
    let data = share(&mut s, ShareScope::Whole, vec![]).data.expect("fits");
    let mut fresh = Session::new();
    fresh.open_link(&data);
    let (_, stored) = fresh
        .remember(0, SourceKind::Link)
        .expect("remembers the link");
    assert_eq!(stored, data.as_bytes());
}

#[test]
fn vocabulary_lists_the_attribute_keys_of_the_open_trace() {
    let mut s = loaded(&["smartthings-oauth-authorization.json"]);
    let v = s.select(0).expect("select");
    let Outgoing::Json(Response::Vocabulary(voc)) = s.handle(Request::Vocabulary) else {
        panic!()
    };
    assert!(!voc.sampled, "a small trace is read whole");
    assert_eq!(voc.spans_read as usize, v.len());
    assert!(voc.keys.windows(2).all(|w| w[0].spans >= w[1].spans));
    // Every key of every span's details is offered.
    for span in 0..v.len() as u32 {
        let Response::Details(d) = s.details(span) else {
            panic!()
        };
        for a in d.attributes.iter().chain(&d.resource) {
            assert!(voc.keys.iter().any(|k| k.key == a.key), "{} missing", a.key);
        }
    }
}

/// A Zipkin v2 file of `n` traces, trace `i` holding `i % 5 + 1` spans.
fn many_traces(n: usize) -> (String, Vec<u8>) {
    let mut spans = Vec::new();
    for i in 0..n {
        for k in 0..(i % 5 + 1) {
            spans.push(format!(
                r#"{{"traceId":"{:032x}","id":"{:016x}","name":"op{k}","timestamp":{},"duration":{},"localEndpoint":{{"serviceName":"svc{}"}}}}"#,
                i + 1,
                i * 8 + k + 1,
                1_700_000_000_000_000u64 + (n - i) as u64,
                100 + i,
                k % 3
            ));
        }
    }
    (
        "many.json".to_string(),
        format!("[{}]", spans.join(",")).into_bytes(),
    )
}

#[test]
fn the_trace_list_comes_a_page_at_a_time() {
    let mut s = Session::new();
    let Response::Loaded { files, list } = s.import(vec![many_traces(500)]) else {
        panic!()
    };
    assert_eq!(files[0].traces, 500);
    assert_eq!(files[0].spans, (0..500).map(|i| i % 5 + 1).sum::<u64>());
    assert_eq!(list.total, 500);
    assert_eq!(
        list.rows.len(),
        viewer_session::trace_pages::PAGE_ROWS as usize
    );
    // Sorted by start: the file lists later traces with earlier starts.
    assert!(list
        .rows
        .windows(2)
        .all(|w| w[0].start_unix_ns <= w[1].start_unix_ns));
    let page = |s: &mut Session, sort: &str, descending: bool, offset: u32, limit: u32| {
        let req = Request::TracePage {
            sort: sort.to_string(),
            descending,
            offset,
            limit,
        };
        match s.handle(req) {
            Outgoing::Json(Response::TracePage(p)) => *p,
            other => panic!("{other:?}"),
        }
    };
    let tail = page(&mut s, "spans", true, 450, 100);
    assert_eq!((tail.offset, tail.rows.len(), tail.total), (450, 50, 500));
    assert!(tail.rows.windows(2).all(|w| w[0].spans >= w[1].spans));
    let past_end = page(&mut s, "spans", true, 9_999, 10);
    assert!(past_end.rows.is_empty());
    let capped = page(&mut s, "root", false, 0, 100_000);
    assert_eq!(
        capped.rows.len(),
        viewer_session::trace_pages::PAGE_ROWS as usize
    );
    assert!(matches!(
        s.handle(Request::TracePage {
            sort: "nope".into(),
            descending: false,
            offset: 0,
            limit: 1
        }),
        Outgoing::Json(Response::Error { .. })
    ));
    // A trace by id, as links name them.
    let id = tail.rows[0].trace_id.clone();
    let Outgoing::View(v) = s.handle(Request::SelectTraceById {
        trace_id: id.to_uppercase(),
    }) else {
        panic!()
    };
    assert_eq!(v.trace_id, id);
    assert!(matches!(
        s.handle(Request::SelectTraceById {
            trace_id: "ffff".into()
        }),
        Outgoing::Json(Response::Error { .. })
    ));
}

/// A file read back by range, as the worker reads the user's `File`; counts its reads.
#[derive(Debug)]
struct FileLike(Vec<u8>, std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl trace_core::source::BlockReader for FileLike {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, start: u64, len: usize) -> Option<Vec<u8>> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.0
            .get(start as usize..start as usize + len)
            .map(<[u8]>::to_vec)
    }
}

fn read_back_session(
    files: Vec<(String, Vec<u8>)>,
) -> (Session, Vec<std::sync::Arc<std::sync::atomic::AtomicUsize>>) {
    let mut s = Session::new();
    let reads: Vec<_> = files.iter().map(|_| Default::default()).collect();
    let sources = files
        .iter()
        .zip(&reads)
        .map(|((_, bytes), reads)| {
            let file = FileLike(bytes.clone(), std::sync::Arc::clone(reads));
            let src = trace_core::source::BlockSource::with_block(file, 256);
            Some(std::sync::Arc::new(src) as std::sync::Arc<dyn trace_core::source::Source>)
        })
        .collect();
    match s.import_reading_back(files, sources) {
        Response::Loaded { .. } => (s, reads),
        other => panic!("import failed: {other:?}"),
    }
}

#[test]
fn a_session_reading_back_from_the_file_answers_as_one_that_kept_the_bytes() {
    let (name, otlp) = fixture("otel-proto-example-trace.json");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &otlp).unwrap();
    let files = vec![
        fixture("graph-testTrace.json"),
        (format!("{name}.gz"), gz.finish().unwrap()),
    ];
    let mut kept = Session::new();
    assert!(matches!(
        kept.import(files.clone()),
        Response::Loaded { .. }
    ));
    let (mut back, reads) = read_back_session(files);
    for trace in 0..kept.traces().len() as u32 {
        let view = kept.select(trace).expect("select");
        back.select(trace).expect("select");
        for span in 0..view.len() as u32 {
            let ask = || Request::Details { span };
            assert_eq!(
                format!("{:?}", kept.handle(ask())),
                format!("{:?}", back.handle(ask()))
            );
        }
        let search = || Request::Filter {
            query: "http.status_code=200 OR GET".to_string(),
        };
        assert_eq!(
            format!("{:?}", kept.handle(search())),
            format!("{:?}", back.handle(search()))
        );
    }
    assert!(reads[0].load(std::sync::atomic::Ordering::Relaxed) > 0);
    assert_eq!(
        reads[1].load(std::sync::atomic::Ordering::Relaxed),
        0,
        "a gzip file's details come from its decompressed bytes, never from the file"
    );
    assert_eq!(
        kept.remember(0, SourceKind::File),
        back.remember(0, SourceKind::File),
        "the library copy reads the file back"
    );
}

#[test]
fn a_streamed_file_opens_as_the_same_file_imported_whole() {
    let (name, bytes) = fixture("graph-testTrace.json");
    let mut whole = Session::new();
    let loaded_whole = whole.import(vec![(name.clone(), bytes.clone())]);
    let mut stream = trace_core::StreamImport::detecting_after(1000);
    for chunk in bytes.chunks(100) {
        stream.feed(chunk).expect("streams");
    }
    let source: std::sync::Arc<dyn trace_core::source::Source> = std::sync::Arc::new(bytes.clone());
    let file = FileImport {
        name,
        size: bytes.len() as u64,
        result: Ok(stream
            .finish(std::sync::Arc::clone(&source))
            .expect("streams")),
        read_back: Some(source),
    };
    let mut streamed = Session::new();
    let loaded_streamed = streamed.open_files(vec![file]);
    assert_eq!(format!("{loaded_whole:?}"), format!("{loaded_streamed:?}"));
    let view = whole.select(0).expect("select");
    streamed.select(0).expect("select");
    for span in 0..view.len() as u32 {
        assert_eq!(
            format!("{:?}", whole.handle(Request::Details { span })),
            format!("{:?}", streamed.handle(Request::Details { span }))
        );
    }
}
