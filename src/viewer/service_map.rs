//! The service map tab: the trace's services laid out in layers from the root service, left to
//! right (`viewer_core::layered`), with the calls between them. An edge says how many calls,
//! their p50/p95 and errors; messaging is dashed. Clicking a node or an edge puts its spans in
//! the search, which every other view follows.

use leptos::prelude::*;
use trace_core::time::format_duration;
use viewer_core::charts::truncate;
use viewer_core::layered::{layered, Place};
use viewer_core::trace_list::group_thousands;
use viewer_session::service_map::{ServiceEdge, ServiceMapView};

use crate::viewer::canvas::rgb;
use crate::viewer::controller::use_controller;
use crate::viewer::state::use_viewer;

const NODE_W: f64 = 200.0;
const NODE_H: f64 = 58.0;
const LAYER_GAP: f64 = 130.0;
const SLOT_GAP: f64 = 26.0;
const MARGIN: f64 = 16.0;

fn origin(p: Place) -> (f64, f64) {
    (
        MARGIN + p.layer as f64 * (NODE_W + LAYER_GAP),
        MARGIN + p.slot as f64 * (NODE_H + SLOT_GAP),
    )
}

/// A search term for a name: quoted when it holds a space or a quote.
fn quoted(name: &str) -> String {
    if name.chars().any(|c| c.is_whitespace() || c == '"') {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

#[component]
pub fn ServiceMap() -> impl IntoView {
    let viewer = use_viewer();
    move || match viewer.service_map.get() {
        None => view! { <p class="muted" data-testid="map-loading">"Drawing the service map…"</p> }
            .into_any(),
        Some(map) => view! { <MapDrawing map=map/> }.into_any(),
    }
}

#[component]
fn MapDrawing(map: std::sync::Arc<ServiceMapView>) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let pairs: Vec<(u32, u32)> = map.edges.iter().map(|e| (e.from, e.to)).collect();
    let places = layered(map.nodes.len(), &pairs, &map.roots);
    let width = places
        .iter()
        .map(|p| origin(*p).0 + NODE_W + MARGIN)
        .fold(0.0, f64::max);
    let height = places
        .iter()
        .map(|p| origin(*p).1 + NODE_H + MARGIN)
        .fold(0.0, f64::max);
    let search = move |query: String| controller.filter(query);
    let edges = map
        .edges
        .iter()
        .map(|e| {
            let name_of = |k: u32| map.nodes.get(k as usize).map_or(String::new(), |n| n.name.clone());
            let query = format!("caller={} service={}", quoted(&name_of(e.from)), quoted(&name_of(e.to)));
            let (from, to) = (places.get(e.from as usize)?, places.get(e.to as usize)?);
            Some(view! { <Edge edge=e.clone() from=*from to=*to on_pick=move || search(query.clone())/> })
        })
        .collect_view();
    let nodes = map
        .nodes
        .iter()
        .zip(&places)
        .map(|(node, &place)| {
            let (x, y) = origin(place);
            let colour = viewer.open.with_untracked(|o| o.as_ref().map(|o| rgb(o.service_color(&node.name)))).unwrap_or_default();
            let query = format!("service={}", quoted(&node.name));
            let facts = format!(
                "{} span{} · self {}",
                group_thousands(node.spans),
                if node.spans == 1 { "" } else { "s" },
                format_duration(node.self_ns)
            );
            let errors = (node.errors > 0).then(|| format!("{} error{}", node.errors, if node.errors == 1 { "" } else { "s" }));
            let label = format!("{}: {facts}{}", node.name, errors.as_ref().map_or(String::new(), |e| format!(", {e}")));
            view! {
                <g class="map-node" data-testid="map-node" data-service=node.name.clone() role="button" tabindex="0"
                    aria-label=label on:click={let q = query.clone(); move |_| search(q.clone())}
                    on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { search(query.clone()) }>
                    <rect x=x y=y width=NODE_W height=NODE_H rx="8" class:failed={node.errors > 0}/>
                    <rect x=x y=y width="6" height=NODE_H rx="3" style:fill=colour/>
                    <text x=x + 14.0 y=y + 22.0 class="map-name">{truncate(&node.name, 22)}</text>
                    <text x=x + 14.0 y=y + 42.0 class="map-facts">{facts}{errors.map(|e| view! { <tspan class="map-errors">" · " {e}</tspan> })}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="service-map" data-testid="service-map">
            <Legend/>
            <div class="map-scroll">
                <svg width=width height=height viewBox=format!("0 0 {width} {height}") role="group"
                    aria-label="Service map: services and the calls between them">
                    <defs>
                        <marker id="map-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="map-arrowhead"/>
                        </marker>
                    </defs>
                    {edges}
                    {nodes}
                </svg>
            </div>
        </div>
    }
}

/// One edge: a curve from the caller's right side to the callee's left side (a call back to an
/// earlier layer loops below), with its numbers at the middle.
#[component]
fn Edge(
    edge: ServiceEdge,
    from: Place,
    to: Place,
    on_pick: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let (fx, fy) = origin(from);
    let (tx, ty) = origin(to);
    let (x1, y1) = (fx + NODE_W, fy + NODE_H / 2.0);
    let (x2, y2) = (tx, ty + NODE_H / 2.0);
    let path = if x2 > x1 {
        let bend = (x2 - x1) / 2.0;
        format!(
            "M {x1} {y1} C {} {y1}, {} {y2}, {x2} {y2}",
            x1 + bend,
            x2 - bend
        )
    } else {
        let low = fy.max(ty) + NODE_H + SLOT_GAP / 2.0;
        format!(
            "M {x1} {y1} C {} {low}, {} {low}, {x2} {y2}",
            x1 + 60.0,
            x2 - 60.0
        )
    };
    let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 6.0);
    let text = format!(
        "{} call{} · p50 {} · p95 {}",
        group_thousands(edge.calls),
        if edge.calls == 1 { "" } else { "s" },
        format_duration(edge.p50_ns),
        format_duration(edge.p95_ns)
    );
    let count = format!("{}×", group_thousands(edge.calls));
    let errors = (edge.errors > 0).then(|| format!("{} failed", edge.errors));
    let label = format!(
        "{text}{}",
        errors.as_ref().map_or(String::new(), |e| format!(" · {e}"))
    );
    let pick = on_pick.clone();
    view! {
        <g class="map-edge" data-testid="map-edge" data-calls=edge.calls data-messaging=edge.messaging.to_string()
            role="button" tabindex="0" aria-label=label on:click=move |_| on_pick()
            on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { pick() }>
            <title>{label.clone()}</title>
            <path d=path.clone() class="map-hit"/>
            <path d=path class="map-line" class:messaging=edge.messaging class:failed={edge.errors > 0} marker-end="url(#map-arrow)"/>
            // The count always, near the arrow; the rest while the edge is pointed at, so
            // labels of a fan-out never pile up.
            <text x=x2 - 8.0 y=y2 - 6.0 text-anchor="end" class="map-edge-count">{count}</text>
            <text x=mx y=my text-anchor="middle" class="map-edge-label">{text}{errors.map(|e| view! { <tspan class="map-errors">" · " {e}</tspan> })}</text>
        </g>
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <p class="map-legend muted" data-testid="map-legend">
            <span><svg width="34" height="10" aria-hidden="true"><line x1="0" y1="5" x2="34" y2="5" class="map-line"/></svg>" call (the caller waits)"</span>
            <span><svg width="34" height="10" aria-hidden="true"><line x1="0" y1="5" x2="34" y2="5" class="map-line messaging"/></svg>" messaging (producer/consumer, follows-from)"</span>
            <span><svg width="34" height="10" aria-hidden="true"><line x1="0" y1="5" x2="34" y2="5" class="map-line failed"/></svg>" with failed calls"</span>
            <span>"Click a service or a call to search for its spans."</span>
        </p>
    }
}
