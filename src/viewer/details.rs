//! The span detail panel. Every string from the file is rendered as text, never as HTML.

use leptos::prelude::*;
use trace_core::time::format_duration;
use trace_core::StatusCode;
use viewer_core::detail_text::{key_segments, pretty_json};
use viewer_session::protocol::{AttrView, DetailsView, ValueView};

use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;

#[component]
pub fn DetailPanel() -> impl IntoView {
    let viewer = use_viewer();
    move || {
        match viewer.details.get() {
        None => view! {
            <aside class="details empty" data-testid="details" aria-label="Span details">
                <p>{move || if viewer.selected.get().is_some() { "Loading span…" } else { "Select a span to see its attributes, events and links." }}</p>
            </aside>
        }
        .into_any(),
        Some(d) => view! { <Details d=d/> }.into_any(),
    }
    }
}

/// A button that copies `text` and says whether it worked.
#[component]
fn CopyButton(text: String, #[prop(into)] what: String) -> impl IntoView {
    // None: not tried; Some(true): copied; Some(false): the browser refused.
    let outcome = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let Some(w) = web_sys::window() else { return };
        let promise = w.navigator().clipboard().write_text(&text);
        wasm_bindgen_futures::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            outcome.set(Some(ok));
        });
    };
    view! {
        <button type="button" class="copy copy-value" data-testid="copy-value" aria-label=format!("Copy {what}") on:click=copy>
            {move || match outcome.get() {
                None => "Copy",
                Some(true) => "Copied",
                Some(false) => "Copy failed",
            }}
        </button>
    }
}

#[component]
fn CopyField(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="kv">
            <dt>{label}</dt>
            <dd>
                <code data-testid=testid>{value.clone()}</code>
                " "
                <CopyButton text=value what=label/>
            </dd>
        </div>
    }
}

/// An attribute key that line-breaks only after its dots.
#[component]
fn KeyLabel(key: String) -> impl IntoView {
    let parts: Vec<String> = key_segments(&key).into_iter().map(str::to_string).collect();
    parts
        .into_iter()
        .map(|p| view! { {p}<wbr/> })
        .collect_view()
}

/// The text a value copies as: strings as they are, the rest as JSON would write them.
pub fn value_text(v: &ValueView) -> String {
    match v {
        ValueView::Null => "null".into(),
        ValueView::Str(s) => s.clone(),
        ValueView::Bool(b) => b.to_string(),
        ValueView::Int(i) => i.to_string(),
        ValueView::Float(f) => f.to_string(),
        ValueView::Bytes(h) => h.clone(),
        ValueView::Array(items) => format!(
            "[{}]",
            items.iter().map(value_json).collect::<Vec<_>>().join(", ")
        ),
        ValueView::Map(kvs) => format!(
            "{{{}}}",
            kvs.iter()
                .map(|a| format!(
                    "{}: {}",
                    serde_json::Value::from(a.key.as_str()),
                    value_json(&a.value)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A value inside an array or map, written as JSON (strings quoted).
fn value_json(v: &ValueView) -> String {
    match v {
        ValueView::Str(s) | ValueView::Bytes(s) => serde_json::Value::from(s.as_str()).to_string(),
        other => value_text(other),
    }
}

#[component]
fn Details(d: DetailsView) -> impl IntoView {
    let controller = use_controller();
    let viewer = use_viewer();
    let status_class = if d.status == StatusCode::Error {
        "status status-error"
    } else {
        "status"
    };
    let links = d.links.clone();
    view! {
        <aside class="details" data-testid="details" aria-label="Span details">
            <h2 data-testid="details-name">{d.name.clone()}</h2>
            <p class="muted">{d.service.clone()} " · " {d.kind.clone()}</p>
            <dl class="kvs">
                <div class="kv"><dt>"Status"</dt><dd class=status_class>{d.status.as_str()}
                    {d.status_message.clone().map(|m| view! { " — " {m} })}</dd></div>
                <div class="kv"><dt>"Start"</dt><dd>"+" {format_duration(d.start_offset_ns)}</dd></div>
                <div class="kv"><dt>"Duration"</dt><dd data-testid="details-duration">{format_duration(d.duration_ns)}</dd></div>
                <div class="kv"><dt>"Self time"</dt><dd>{format_duration(d.self_ns)}</dd></div>
                {d.skew_shift_ns.map(|s| view! { <div class="kv"><dt>"Skew shift"</dt><dd>{format_duration(s)}</dd></div> })}
                <CopyField label="Trace id" value=d.trace_id.clone() testid="trace-id"/>
                <CopyField label="Span id" value=d.span_id.clone() testid="span-id"/>
                {d.parent_span_id.clone().map(|p| view! { <div class="kv"><dt>"Parent id"</dt><dd><code>{p}</code></dd></div> })}
            </dl>
            {(!d.warnings.is_empty()).then(|| view! {
                <section class="warnings">
                    <h3>"Warnings"</h3>
                    <ul>{d.warnings.iter().map(|w| view! { <li><span class="badge badge-warn">{w.kind.clone()}</span> " " {w.message.clone()}</li> }).collect_view()}</ul>
                </section>
            })}
            <section>
                <h3>"Attributes " <span class="count">{d.attributes.len()}</span></h3>
                <Attrs attrs=d.attributes.clone() testid="attributes"/>
            </section>
            {(!d.events.is_empty()).then(|| view! {
                <section>
                    <h3>"Events " <span class="count">{d.events.len()}</span></h3>
                    <ol class="events">
                        {d.events.iter().map(|e| view! {
                            <li>
                                <span class="offset">"+" {format_duration(e.offset_ns)}</span> " "
                                <strong>{e.name.clone()}</strong>
                                <Attrs attrs=e.attributes.clone() testid="event-attributes"/>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
            {(!links.is_empty()).then(|| view! {
                <section>
                    <h3>"Links " <span class="count">{links.len()}</span></h3>
                    <ul class="links">
                        {links.iter().map(|l| {
                            let target = l.target;
                            let label = format!("{} {}", l.kind, l.span_id);
                            view! {
                                <li>
                                    {match target {
                                        Some(t) => view! {
                                            <button type="button" class="linklike" data-testid="link-jump" on:click=move |_| {
                                                viewer.reveal(t);
                                                controller.select_span(Some(t))
                                            }>{label.clone()}</button>
                                        }.into_any(),
                                        None => view! { <span>{label.clone()} <span class="muted">" (not in this file)"</span></span> }.into_any(),
                                    }}
                                    <Attrs attrs=l.attributes.clone() testid="link-attributes"/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!d.resource.is_empty()).then(|| view! {
                <section>
                    <h3>"Resource / process " <span class="count">{d.resource.len()}</span></h3>
                    <Attrs attrs=d.resource.clone() testid="resource"/>
                </section>
            })}
            {d.scope.clone().map(|(name, version)| view! {
                <p class="muted">"Scope: " {name} {version.map(|v| format!(" {v}"))}</p>
            })}
        </aside>
    }
}

#[component]
fn Attrs(attrs: Vec<AttrView>, testid: &'static str) -> impl IntoView {
    (!attrs.is_empty()).then(|| {
        view! {
            <dl class="attrs" data-testid=testid>
                {attrs.into_iter().map(|a| {
                    let text = value_text(&a.value);
                    let what = a.key.clone();
                    view! {
                        <div class="kv">
                            <dt><KeyLabel key=a.key/></dt>
                            <dd><Value v=a.value/><CopyButton text=text what=what/></dd>
                        </div>
                    }
                }).collect_view()}
            </dl>
        }
    })
}

#[component]
fn Value(v: ValueView) -> impl IntoView {
    match v {
        ValueView::Null => view! { <span class="v-null">"null"</span> }.into_any(),
        ValueView::Str(s) => match pretty_json(&s) {
            Some(pretty) => view! { <pre class="v-json" data-testid="json-value">{pretty}</pre> }.into_any(),
            None => view! { <span class="v-str">{s}</span> }.into_any(),
        },
        ValueView::Bool(b) => view! { <span class="v-bool">{b.to_string()}</span> }.into_any(),
        ValueView::Int(i) => view! { <span class="v-num">{i.to_string()}</span> }.into_any(),
        ValueView::Float(f) => view! { <span class="v-num">{f.to_string()}</span> }.into_any(),
        ValueView::Bytes(h) => view! { <code class="v-bytes">{h}</code> }.into_any(),
        ValueView::Array(items) => view! {
            <ol class="v-array">{items.into_iter().map(|i| view! { <li><Value v=i/></li> }).collect_view()}</ol>
        }
        .into_any(),
        ValueView::Map(kvs) => view! {
            <dl class="v-map">{kvs.into_iter().map(|a| view! { <div class="kv"><dt><KeyLabel key=a.key/></dt><dd><Value v=a.value/></dd></div> }).collect_view()}</dl>
        }
        .into_any(),
    }
}
