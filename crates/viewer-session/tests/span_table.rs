//! The span table against real trace files: every column's order, ties in tree order, the
//! filter, and the CSV download.

use viewer_session::protocol::{Request, Response};
use viewer_session::span_table::{SortBy, TableColumn};
use viewer_session::wire::{OrderData, ViewData};
use viewer_session::{Outgoing, Session};

fn opened(name: &str) -> (Session, ViewData) {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut s = Session::new();
    match s.import(vec![(name.to_string(), bytes)]) {
        Response::Loaded { .. } => {}
        other => panic!("import failed: {other:?}"),
    }
    let v = s.select(0).expect("select");
    (s, v)
}

fn order(s: &mut Session, column: TableColumn, descending: bool) -> OrderData {
    sorted(s, SortBy::Column(column), descending)
}

fn sorted(s: &mut Session, by: SortBy, descending: bool) -> OrderData {
    match s.handle(Request::SortSpans {
        by: by.clone(),
        descending,
    }) {
        Outgoing::Order(o) => o,
        other => panic!("{by:?}: {other:?}"),
    }
}

fn csv_of(s: &mut Session, column: TableColumn, descending: bool, query: &str) -> String {
    let request = Request::ExportTable {
        by: SortBy::Column(column),
        descending,
        query: query.to_string(),
        keys: Vec::new(),
    };
    match s.handle(request) {
        Outgoing::Export { name, bytes } => {
            assert!(name.ends_with("-spans.csv"), "{name}");
            String::from_utf8(bytes).expect("UTF-8")
        }
        other => panic!("{other:?}"),
    }
}

/// Where each span sits in the tree's preorder.
fn preorder_place(v: &ViewData) -> Vec<usize> {
    let mut place = vec![0; v.len()];
    for (p, &s) in v.order.iter().enumerate() {
        place[s as usize] = p;
    }
    place
}

#[test]
fn every_column_orders_every_span_once_and_ties_keep_the_tree_order() {
    let (mut s, v) = opened("smartthings-oauth-authorization.json");
    let place = preorder_place(&v);
    for column in TableColumn::ALL {
        for descending in [false, true] {
            let o = order(&mut s, column, descending);
            assert_eq!(o.column, column.as_str());
            assert_eq!(o.descending, descending);
            let mut seen = o.spans.clone();
            seen.sort_unstable();
            assert_eq!(
                seen,
                (0..v.len() as u32).collect::<Vec<_>>(),
                "{column:?}: a permutation"
            );
            let key = |i: u32| -> (u64, String) {
                let i = i as usize;
                match column {
                    TableColumn::Service => (0, v.string(v.service[i]).to_string()),
                    TableColumn::Operation => (0, v.string(v.name[i]).to_string()),
                    TableColumn::Start => (v.start[i], String::new()),
                    TableColumn::Duration => (v.dur[i], String::new()),
                    TableColumn::SelfTime => (v.self_time[i], String::new()),
                    // Errors first; the page's flags know only failed or not.
                    TableColumn::Status => (u64::from(v.flags[i] & 1 == 0), String::new()),
                    TableColumn::Kind => (0, kind_name(v.kind[i]).to_string()),
                }
            };
            for pair in o.spans.windows(2) {
                let (a, b) = (key(pair[0]), key(pair[1]));
                let in_order = if descending { a >= b } else { a <= b };
                assert!(in_order, "{column:?} desc={descending}: {a:?} then {b:?}");
                if a == b {
                    assert!(
                        place[pair[0] as usize] < place[pair[1] as usize],
                        "{column:?}: equal keys keep the tree order"
                    );
                }
            }
        }
    }
}

fn kind_name(code: u8) -> &'static str {
    trace_core::SpanKind::from_code(code).as_str()
}

#[test]
fn the_csv_has_a_header_and_one_record_per_kept_span_in_table_order() {
    let (mut s, v) = opened("graph-testTrace.json");
    let all = csv_of(&mut s, TableColumn::Duration, true, "");
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(
        lines[0],
        "span_id,parent_span_id,service,operation,start_offset_ns,duration_ns,self_time_ns,status,kind"
    );
    assert_eq!(lines.len(), v.len() + 1);
    let durations: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert!(durations.windows(2).all(|w| w[0] >= w[1]), "{durations:?}");

    let errors = csv_of(&mut s, TableColumn::Start, false, "status=error");
    let expected = v.flags.iter().filter(|&&f| f & 1 != 0).count();
    assert!(expected > 0);
    assert_eq!(errors.lines().count(), expected + 1);
    assert!(errors.lines().skip(1).all(|l| l.contains(",error,")));
}

#[test]
fn csv_fields_with_commas_quotes_and_newlines_read_back_whole() {
    let name = "GET /a,b \"quoted\"\nnext line";
    let doc = serde_json::json!({"data": [{
        "traceID": "t1",
        "spans": [{"traceID": "t1", "spanID": "s1", "operationName": name,
                   "startTime": 1_000_000, "duration": 5, "processID": "p1"}],
        "processes": {"p1": {"serviceName": "svc, with comma"}}
    }]});
    let mut s = Session::new();
    let loaded = s.import(vec![("t.json".into(), doc.to_string().into_bytes())]);
    assert!(matches!(loaded, Response::Loaded { .. }), "{loaded:?}");
    s.select(0).expect("select");
    let csv = csv_of(&mut s, TableColumn::Start, false, "");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = r.records().map(|rec| rec.expect("valid CSV")).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][2], "svc, with comma");
    assert_eq!(&records[0][3], name);
    assert_eq!(&records[0][5], "5000");
}

#[test]
fn a_bad_filter_or_no_open_trace_is_an_error_not_a_file() {
    let (mut s, _) = opened("graph-testTrace.json");
    let bad = s.handle(Request::ExportTable {
        by: SortBy::Column(TableColumn::Start),
        descending: false,
        query: "duration>".into(),
        keys: Vec::new(),
    });
    assert!(
        matches!(bad, Outgoing::Json(Response::Error { .. })),
        "{bad:?}"
    );
    let mut empty = Session::new();
    let none = empty.handle(Request::SortSpans {
        by: SortBy::Column(TableColumn::Start),
        descending: false,
    });
    assert!(
        matches!(none, Outgoing::Json(Response::Error { .. })),
        "{none:?}"
    );
}

#[test]
fn attribute_columns_read_span_then_resource_values_and_go_into_the_csv() {
    let (mut s, v) = opened("graph-testTrace.json");
    let keys = vec![
        "span.kind".to_string(),
        "hostname".to_string(),
        "no.such.key".to_string(),
    ];
    let spans: Vec<u32> = (0..v.len() as u32).collect();
    let answer = s.handle(Request::TableCells {
        spans: spans.clone(),
        keys: keys.clone(),
    });
    let Outgoing::Json(Response::TableCells {
        keys: k,
        spans: sp,
        values,
    }) = answer
    else {
        panic!("{answer:?}");
    };
    assert_eq!((k, sp), (keys.clone(), spans));
    // Every span has a kind tag or not; the process tag hostname is the resource's.
    assert!(values.iter().any(|row| row[0].as_deref() == Some("server")));
    assert!(values
        .iter()
        .all(|row| row[1].as_deref() == Some("foobar.org")));
    assert!(values.iter().all(|row| row[2].is_none()));

    let csv = match s.handle(Request::ExportTable {
        by: SortBy::Column(TableColumn::Start),
        descending: false,
        query: String::new(),
        keys,
    }) {
        Outgoing::Export { bytes, .. } => String::from_utf8(bytes).unwrap(),
        other => panic!("{other:?}"),
    };
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let header = r.headers().unwrap().clone();
    assert_eq!(&header[9], "span.kind");
    assert_eq!(&header[11], "no.such.key");
    for rec in r.records() {
        let rec = rec.unwrap();
        assert_eq!(&rec[10], "foobar.org");
        assert_eq!(&rec[11], "");
    }
}

/// A Jaeger trace of five spans whose tag `n` is 9, 10, 2 and missing, and `word` is text.
fn tagged_trace() -> Vec<u8> {
    let span = |id: u32, tags: &str| {
        format!(
            r#"{{"traceID":"1","spanID":"{id}","operationName":"op{id}","startTime":{},"duration":5,"processID":"p","tags":[{tags}]}}"#,
            1000 + id
        )
    };
    let int = |v: i64| format!(r#"{{"key":"n","type":"int64","value":{v}}}"#);
    let word = |w: &str| format!(r#"{{"key":"word","type":"string","value":"{w}"}}"#);
    let spans = [
        span(1, &format!("{},{}", int(9), word("pear"))),
        span(2, &format!("{},{}", int(10), word("apple"))),
        span(3, &int(2)),
        span(4, &word("fig")),
        span(5, &int(10)),
    ];
    format!(
        r#"{{"data":[{{"traceID":"1","spans":[{}],"processes":{{"p":{{"serviceName":"s","tags":[]}}}}}}]}}"#,
        spans.join(",")
    )
    .into_bytes()
}

#[test]
fn an_attribute_column_sorts_numbers_as_numbers_text_as_text_and_missing_values_last() {
    let mut s = Session::new();
    match s.import(vec![("tagged.json".to_string(), tagged_trace())]) {
        Response::Loaded { .. } => {}
        other => panic!("import failed: {other:?}"),
    }
    let v = s.select(0).expect("select");
    let op = |o: &OrderData| -> Vec<String> {
        o.spans
            .iter()
            .map(|&i| v.string(v.name[i as usize]).to_string())
            .collect()
    };
    let by_n = sorted(&mut s, SortBy::Attribute("n".into()), false);
    assert_eq!(by_n.column, "attr:n");
    // 2 < 9 < 10 (numbers, not text); the two tens keep the tree's order; op4 has no `n`.
    assert_eq!(op(&by_n), ["op3", "op1", "op2", "op5", "op4"]);
    let by_n_desc = sorted(&mut s, SortBy::Attribute("n".into()), true);
    assert_eq!(op(&by_n_desc), ["op2", "op5", "op1", "op3", "op4"]);
    let by_word = sorted(&mut s, SortBy::Attribute("word".into()), false);
    assert_eq!(op(&by_word), ["op2", "op4", "op1", "op3", "op5"]);
    let unknown = sorted(&mut s, SortBy::Attribute("nope".into()), false);
    assert_eq!(
        op(&unknown),
        ["op1", "op2", "op3", "op4", "op5"],
        "the tree's order"
    );

    let csv = match s.handle(Request::ExportTable {
        by: SortBy::Attribute("n".into()),
        descending: false,
        query: "n>=9".into(),
        keys: vec!["n".into()],
    }) {
        Outgoing::Export { bytes, .. } => String::from_utf8(bytes).unwrap(),
        other => panic!("{other:?}"),
    };
    let values: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[9].to_string())
        .collect();
    assert_eq!(
        values,
        ["9", "10", "10"],
        "the download keeps the filter and the order"
    );
}
