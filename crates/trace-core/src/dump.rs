//! A stable text dump of an import, for snapshot tests and `tracecheck dump`.
//! Spans in tree preorder, indented by depth, with self time and a `*` on the critical path;
//! details (attributes, events, links, resource, the warnings found in them) for the first spans of
//! each trace.

use crate::critical_path::on_critical_path;
use crate::import::Import;
use crate::model::{KeyValue, Trace};
use crate::time::format_duration_exact;
use crate::tree::{self_time, Tree};
use std::fmt::Write;

/// How many spans per trace get their details written (keeps snapshots of big files readable).
const DETAIL_SPANS: usize = 40;
/// How many span lines per trace.
const MAX_SPANS: usize = 400;

fn clip(s: String) -> String {
    if s.chars().count() <= 100 {
        return s;
    }
    let mut c: String = s.chars().take(100).collect();
    c.push('…');
    c
}

fn kvs(out: &mut String, pad: &str, label: &str, kv: &[KeyValue]) {
    for a in kv {
        let _ = writeln!(
            out,
            "{pad}{label} {} = {}",
            a.key,
            clip(a.value.to_string())
        );
    }
}

pub fn dump(imp: &Import) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "format: {}", imp.format.as_str());
    for w in &imp.warnings {
        let _ = writeln!(out, "file warning: {w}");
    }
    for t in &imp.traces {
        dump_trace(&mut out, t);
    }
    out
}

pub fn dump_trace(out: &mut String, t: &Trace) {
    let tree = Tree::build(t);
    let selfs = self_time(t, &tree);
    let crit = on_critical_path(t, &tree);
    let _ = writeln!(
        out,
        "trace {}: {} spans, {} roots, services [{}], duration {}, errors {}",
        t.trace_id(),
        t.len(),
        tree.roots().len(),
        t.services().join(", "),
        format_duration_exact(t.trace_duration_ns()),
        t.error_count()
    );
    for w in t.warnings() {
        match w.span {
            Some(s) => {
                let _ = writeln!(out, "  warning [{}] {w}", t.span_id(s));
            }
            None => {
                let _ = writeln!(out, "  warning {w}");
            }
        }
    }
    let t0 = t.trace_start_ns();
    let mut last_resource = None;
    for (k, &i) in tree.preorder().iter().enumerate() {
        if k == MAX_SPANS {
            let _ = writeln!(
                out,
                "  ... {} more spans",
                tree.preorder().len() - MAX_SPANS
            );
            break;
        }
        let pad = "  ".repeat(tree.depth(i) as usize + 1);
        let _ = writeln!(
            out,
            "{pad}{}{} ({}) [{}] {} {} +{} dur {} self {}",
            if crit.get(i as usize) == Some(&true) {
                "* "
            } else {
                "- "
            },
            t.name(i),
            t.service(i),
            t.span_id(i),
            t.kind(i).as_str(),
            t.status(i).as_str(),
            format_duration_exact(t.start_ns(i).saturating_sub(t0)),
            format_duration_exact(t.duration_ns(i)),
            format_duration_exact(selfs.get(i as usize).copied().unwrap_or(0)),
        );
        if k >= DETAIL_SPANS {
            continue;
        }
        let d = t.span_details(i);
        let pad = format!("{pad}    ");
        kvs(out, &pad, "attr", &d.attributes);
        for e in &d.events {
            let attrs: Vec<String> = e
                .attributes
                .iter()
                .map(|a| format!("{}={}", a.key, a.value))
                .collect();
            let sign = if e.offset_ns < 0 { "" } else { "+" };
            let _ = writeln!(
                out,
                "{pad}event {sign}{} {:?} {}",
                format_duration_exact(e.offset_ns),
                e.name,
                clip(attrs.join(", "))
            );
        }
        for l in &d.links {
            let target = l
                .target
                .map(|x| format!(" -> {}", t.name(x)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{pad}link {} {}/{}{target}",
                l.kind.as_str(),
                l.trace_id,
                l.span_id
            );
            kvs(out, &format!("{pad}  "), "attr", &l.attributes);
        }
        // Resource and scope only when they change, so shared resources are written once.
        let here = Some((d.resource.clone(), d.scope.clone()));
        if here != last_resource {
            kvs(out, &pad, "resource", &d.resource);
            if let Some(s) = &d.scope {
                let _ = writeln!(
                    out,
                    "{pad}scope {} {}",
                    s.name,
                    s.version.as_deref().unwrap_or("")
                );
            }
            last_resource = here;
        }
        if let Some(m) = &d.status_message {
            let _ = writeln!(out, "{pad}status message {m:?}");
        }
        // Warnings found in the span's own data (written by the tracer, or met decoding the
        // details); the trace's warnings about the span, listed last, are printed above.
        let own = t.warnings().iter().filter(|w| w.span == Some(i)).count();
        let found = d.warnings.len().saturating_sub(own);
        for w in d.warnings.iter().take(found) {
            let _ = writeln!(out, "{pad}warning {w}");
        }
    }
}
