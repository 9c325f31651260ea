//! The timeline: one row per span in tree order. Labels are DOM rows, but only the rows in
//! view exist; bars, ruler and minimap are drawn on canvases, per frame O(visible rows + px).

use leptos::html;
use leptos::prelude::*;
use std::collections::HashMap;

use trace_core::time::format_duration;
use viewer_core::hidden::{self, HiddenSpans};
use viewer_core::lod::DrawRect;
use viewer_core::palette::text_color_on;
use viewer_core::rows::{row_of_span, row_range, scroll_to_row, Collapsed};
use viewer_core::ticks::{ticks, DEFAULT_MIN_SPACING_PX};
use viewer_core::time_scale::TimeScale;
use viewer_session::wire::flag;

use crate::viewer::canvas::{prepare, rgb, use_theme_colours, ThemeColours};
use crate::viewer::controller::use_controller;
use crate::viewer::resize::observe_size;
use crate::viewer::splitter::Splitter;
use crate::viewer::state::{use_viewer, OpenTrace, Viewer};

pub const ROW_H: f64 = 24.0;
const INDENT_PX: usize = 12;
const MAX_INDENT_LEVELS: usize = 24;
/// Bounds of the name column when dragged.
const MIN_LABEL_PX: f64 = 120.0;
const MAX_LABEL_PX: f64 = 1600.0;

/// The time scale for the current window and a canvas width.
pub fn scale_for(open: &OpenTrace, window: (u64, u64), width: f64) -> TimeScale {
    let mut s = TimeScale::new(open.extent(), width.max(1.0)).with_min_window(10);
    s.set_window(window.0, window.1);
    s
}

/// Zooms the window by `factor` (>1 zooms in) around `anchor` (0..1 across the view).
pub fn zoom(viewer: Viewer, factor: f64, anchor: f64) {
    viewer.open.with_untracked(|o| {
        if let Some(o) = o {
            let mut s = scale_for(o, viewer.window.get_untracked(), 1000.0);
            s.zoom_at(anchor.clamp(0.0, 1.0) * 1000.0, factor);
            viewer.set_window((s.start_ns(), s.end_ns()));
        }
    });
}

/// Pans the window by a fraction of its width (positive: later).
pub fn pan(viewer: Viewer, fraction: f64) {
    viewer.open.with_untracked(|o| {
        if let Some(o) = o {
            let mut s = scale_for(o, viewer.window.get_untracked(), 1000.0);
            s.pan_by_px(fraction * 1000.0);
            viewer.set_window((s.start_ns(), s.end_ns()));
        }
    });
}

#[component]
pub fn Timeline() -> impl IntoView {
    let viewer = use_viewer();
    let scroll_ref = NodeRef::<html::Div>::new();
    let bars_ref = NodeRef::<html::Canvas>::new();
    let scroll_top = RwSignal::new(0.0f64);
    // The rows' box decides how many rows are in view and the bar canvas's CSS height; the
    // canvas's own observed size makes every change of layout redraw at the new size.
    let rows_box = observe_size(scroll_ref);
    let viewport_h = Memo::new(move |_| rows_box.get().1);
    let pointer = RwSignal::new((0.0f64, 0.0f64));
    let range = Memo::new(move |_| {
        let total = viewer.rows.with(|r| r.len());
        row_range(scroll_top.get(), viewport_h.get(), ROW_H, total, 6)
    });
    keep_selected_row_in_sight(viewer, viewport_h);
    scroll_requested_row_into_view(viewer, scroll_ref, viewport_h, scroll_top);
    redraw_bars_on_change(viewer, bars_ref, range, scroll_top);
    let label_w = RwSignal::new(None::<f64>);
    let timeline_ref = NodeRef::<html::Div>::new();
    let total_h = move || format!("{}px", viewer.rows.with(|r| r.len()) as f64 * ROW_H);
    view! {
        <div class="timeline" data-testid="timeline" node_ref=timeline_ref
            style=("--label-w", move || label_w.get().map(|w| format!("{w}px")))>
            <TimelineToolbar/>
            <Legend/>
            <TimelineTop label_w=label_w timeline_ref=timeline_ref/>
            <div
                class="tl-scroll"
                node_ref=scroll_ref
                data-testid="timeline-rows"
                on:scroll=move |_| {
                    if let Some(el) = scroll_ref.get_untracked() {
                        scroll_top.set(el.scroll_top() as f64);
                    }
                }
            >
                <div class="tl-sticky">
                    <BarsCanvas bars_ref=bars_ref viewport_h=viewport_h scroll_top=scroll_top pointer=pointer/>
                </div>
                <div class="tl-spacer" style:height=total_h role="tree" aria-label="Spans">
                    <For
                        each=move || {
                            let r = range.get();
                            // A new view of the trace (skew switched) can put other spans or
                            // flags at the same position: its identity is part of the key.
                            let view = viewer.open.with(|o| o.as_ref().map_or(0, |o| o.view_id));
                            viewer.rows.with(|rows| r.filter_map(|i| rows.get(i).map(|p| (i, *p, view))).collect::<Vec<_>>())
                        }
                        key=|row| *row
                        children=move |(row, pos, _)| view! { <SpanRow row=row pos=pos/> }
                    />
                </div>
            </div>
            <Tooltip pointer=pointer/>
        </div>
    }
}

/// When the rows' box changes height (a window resize, the details sheet opening on a phone),
/// the selected row stays in sight.
fn keep_selected_row_in_sight(viewer: Viewer, viewport_h: Memo<f64>) {
    Effect::new(move |_| {
        viewport_h.track();
        let Some(span) = viewer.selected.get_untracked() else {
            return;
        };
        let row = viewer.open.with_untracked(|o| {
            o.as_ref().and_then(|o| {
                viewer
                    .rows
                    .with_untracked(|r| row_of_span(&o.tree, r, span))
            })
        });
        if row.is_some() {
            viewer.request_scroll(row);
        }
    });
}

/// Scrolls a requested row into view (centred when it had to move).
fn scroll_requested_row_into_view(
    viewer: Viewer,
    scroll_ref: NodeRef<html::Div>,
    viewport_h: Memo<f64>,
    scroll_top: RwSignal<f64>,
) {
    Effect::new(move |_| {
        let Some(row) = viewer.scroll_request.get() else {
            return;
        };
        if let Some(el) = scroll_ref.get_untracked() {
            let top = scroll_to_row(
                row,
                el.scroll_top() as f64,
                viewport_h.get_untracked(),
                ROW_H,
            );
            el.set_scroll_top(top as i32);
            scroll_top.set(top);
        }
        viewer.request_scroll(None);
    });
}

/// How many large roots get their hidden spans built ahead (a file of orphans can have
/// thousands of roots; the first few are what a person collapses).
const LARGE_ROOTS_PREPARED: usize = 8;

/// Roots hiding more spans than this are left to the first collapse: built in one go, their
/// coverage would itself hold the main thread past 50 ms (~30 ms a million spans here).
const PREPARED_UP_TO_SPANS: u32 = 1_200_000;

/// Collapsed rows draw their hidden descendants, aggregated per pixel (`viewer_core::hidden`).
/// They are built once per collapsed span (and per view of the trace), so each frame costs
/// O(width) per row.
#[derive(Default)]
struct HiddenCache {
    view_id: u64,
    by_span: HashMap<u32, HiddenSpans>,
}

impl HiddenCache {
    /// Builds the hidden intervals of the collapsed rows in `range` not built yet.
    fn fill(
        &mut self,
        open: &OpenTrace,
        rows: &[u32],
        collapsed: &Collapsed,
        range: std::ops::Range<usize>,
    ) {
        // A new trace (or skew view) invalidates the cache.
        if self.view_id != open.view_id {
            self.view_id = open.view_id;
            self.by_span.clear();
        }
        for row in range {
            let Some(&pos) = rows.get(row) else { continue };
            let Some(&span) = open.tree.order().get(pos as usize) else {
                continue;
            };
            if collapsed.is_collapsed(span) && open.tree.has_children(pos) {
                self.by_span.entry(span).or_insert_with(|| {
                    HiddenSpans::of_subtree(&open.tree, pos, &open.data.start, &open.data.dur)
                });
            }
        }
    }

    /// Builds ahead what the large roots hide, so "collapse all" on a big trace only flips
    /// bits (a million-span root's coverage takes ~20 ms, better spent while idle).
    fn prepare_large_roots(&mut self, open: &OpenTrace) {
        if self.view_id != open.view_id {
            self.view_id = open.view_id;
            self.by_span.clear();
        }
        let tree = &open.tree;
        for pos in hidden::large_roots(tree, LARGE_ROOTS_PREPARED, PREPARED_UP_TO_SPANS) {
            let span = tree.order()[pos as usize];
            self.by_span.entry(span).or_insert_with(|| {
                HiddenSpans::of_subtree(tree, pos, &open.data.start, &open.data.dur)
            });
        }
    }

    fn hidden(&self, collapsed: &Collapsed, span: u32) -> Hidden<'_> {
        if collapsed.is_collapsed(span) {
            self.by_span.get(&span)
        } else {
            None
        }
    }
}

/// Draws the bars whenever anything they show changes, and says on the canvas what is on
/// screen (tests wait on these attributes, not on pixels).
fn redraw_bars_on_change(
    viewer: Viewer,
    bars_ref: NodeRef<html::Canvas>,
    range: Memo<std::ops::Range<usize>>,
    scroll_top: RwSignal<f64>,
) {
    let colours = use_theme_colours();
    let bars_box = observe_size(bars_ref);
    let cache: StoredValue<HiddenCache, LocalStorage> =
        StoredValue::new_local(HiddenCache::default());
    Effect::new(move |_| {
        viewer.open.track();
        crate::browser::when_idle(move || {
            viewer.open.with_untracked(|open| {
                if let Some(open) = open {
                    cache.try_update_value(|c| c.prepare_large_roots(open));
                }
            });
        });
    });
    Effect::new(move |_| {
        let colours = colours.get();
        // Drawn at the canvas's laid-out size, so this runs again once layout changed it.
        bars_box.track();
        let range = range.get();
        let window = viewer.window.get();
        let top = scroll_top.get();
        let selected = viewer.selected.get();
        let hovered = viewer.hovered.get();
        let critical = viewer.critical.get();
        let selected_events: Vec<i64> = viewer.details.with(|d| {
            d.as_ref()
                .filter(|d| Some(d.span) == selected)
                .map(|d| d.events.iter().map(|e| e.offset_ns).collect())
                .unwrap_or_default()
        });
        let Some(canvas) = bars_ref.get() else { return };
        viewer.open.with(|open| {
            let Some(open) = open else { return };
            viewer.collapsed.with(|collapsed| {
                viewer.rows.with(|rows| {
                    viewer.matches.with(|m| {
                        let frame = Frame {
                            open,
                            rows,
                            window,
                            scroll_top: top,
                            selected,
                            hovered,
                            critical,
                            matches: m.as_deref(),
                            selected_events: &selected_events,
                            size: bars_box.get_untracked(),
                            colours: &colours,
                        };
                        cache.update_value(|c| c.fill(open, rows, collapsed, range.clone()));
                        let drawn = cache.with_value(|c| {
                            draw_bars(&canvas, &frame, range, &|span| c.hidden(collapsed, span))
                        });
                        let _ = canvas.set_attribute("data-bars", &drawn.bars.to_string());
                        let _ = canvas
                            .set_attribute("data-event-marks", &drawn.event_marks.to_string());
                    })
                })
            })
        });
    });
}

/// The bars' canvas: hover shows a tooltip, a click selects, Ctrl+wheel zooms, Shift+wheel (or
/// a sideways wheel) pans.
#[component]
fn BarsCanvas(
    bars_ref: NodeRef<html::Canvas>,
    viewport_h: Memo<f64>,
    scroll_top: RwSignal<f64>,
    pointer: RwSignal<(f64, f64)>,
) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    // The span under the pointer.
    let hit = move |ev: &web_sys::MouseEvent| -> Option<u32> {
        let y = ev.offset_y() as f64 + scroll_top.get_untracked();
        let row = (y / ROW_H).floor();
        if row < 0.0 {
            return None;
        }
        let pos = viewer
            .rows
            .with_untracked(|r| r.get(row as usize).copied())?;
        viewer.open.with_untracked(|o| {
            o.as_ref()
                .and_then(|o| o.tree.order().get(pos as usize).copied())
        })
    };
    view! {
        <canvas
            class="tl-bars"
            node_ref=bars_ref
            data-testid="timeline-canvas"
            aria-label="Span bars"
            style:height=move || format!("{}px", viewport_h.get())
            on:mousemove=move |ev| {
                pointer.set((ev.client_x() as f64, ev.client_y() as f64));
                viewer.hover(hit(&ev));
            }
            on:mouseleave=move |_| viewer.hover(None)
            on:click=move |ev| {
                if let Some(span) = hit(&ev) {
                    controller.select_span(Some(span));
                }
            }
            on:wheel=move |ev| {
                if ev.ctrl_key() || ev.meta_key() {
                    ev.prevent_default();
                    let w = bars_ref.get_untracked().map_or(1.0, |c| c.client_width() as f64);
                    let factor = if ev.delta_y() < 0.0 { 1.25 } else { 0.8 };
                    zoom(viewer, factor, ev.offset_x() as f64 / w.max(1.0));
                } else if ev.shift_key() || ev.delta_x().abs() > ev.delta_y().abs() {
                    ev.prevent_default();
                    let d = if ev.delta_x() != 0.0 { ev.delta_x() } else { ev.delta_y() };
                    pan(viewer, d.signum() * 0.1);
                }
            }
        ></canvas>
    }
}

/// Above the rows: the name column's heading with its divider, the minimap and the ruler.
/// `label_w` is the name column's width once the person dragged the divider (else the
/// stylesheet's).
#[component]
fn TimelineTop(label_w: RwSignal<Option<f64>>, timeline_ref: NodeRef<html::Div>) -> impl IntoView {
    let label_w_at_drag = StoredValue::new(0.0f64);
    let label_ref = NodeRef::<html::Div>::new();
    let label_box = observe_size(label_ref);
    let resize_labels = move |dx: f64| {
        let total = timeline_ref
            .get_untracked()
            .map_or(1000.0, |t| t.client_width() as f64);
        let w = (label_w_at_drag.get_value() + dx).clamp(
            MIN_LABEL_PX,
            (total - 160.0).clamp(MIN_LABEL_PX, MAX_LABEL_PX),
        );
        label_w.set(Some(w.round()));
    };
    view! {
        <div class="tl-top">
            <div class="tl-top-label" node_ref=label_ref>"Service · operation"</div>
            <Splitter label="Resize the name column" testid="label-splitter"
                value=Signal::derive(move || label_w.get().unwrap_or_else(|| label_box.get().0))
                min=MIN_LABEL_PX max=MAX_LABEL_PX
                on_start=move || label_w_at_drag.set_value(label_ref.get_untracked().map_or(300.0, |l| l.get_bounding_client_rect().width()))
                on_move=resize_labels/>
            <div class="tl-top-right">
                <Minimap/>
                <Ruler/>
            </div>
        </div>
    }
}

#[component]
fn SpanRow(row: usize, pos: u32) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let info = viewer.open.with_untracked(|o| {
        o.as_ref().and_then(|o| {
            let span = *o.tree.order().get(pos as usize)?;
            let depth = *o.tree.depth().get(pos as usize)? as usize;
            Some((
                span,
                depth,
                o.tree.has_children(pos),
                o.service(span).to_string(),
                o.name(span).to_string(),
                o.flags(span),
                o.color(span),
                o.errors_below(pos),
            ))
        })
    });
    let Some((span, depth, has_children, service, name, flags, color, errors_below)) = info else {
        return ().into_any();
    };
    let indent = depth.min(MAX_INDENT_LEVELS) * INDENT_PX;
    // Labels are cut to the column: the whole name shows on hover.
    let full_name = format!("{service} · {name}");
    let color = rgb(color);
    let collapsed = move || viewer.collapsed.with(|c| c.is_collapsed(span));
    let selected = move || viewer.selected.get() == Some(span);
    let matched = move || {
        viewer.matches.with(|m| {
            m.as_ref()
                .is_some_and(|m| m.error.is_none() && m.set.contains(span))
        })
    };
    let select = move |_| {
        controller.select_span(Some(span));
    };
    view! {
        <div
            class="tl-row"
            class:selected=selected
            class:matched=matched
            class:error={flags & flag::ERROR != 0}
            role="treeitem"
            aria-selected=move || selected().to_string()
            aria-expanded=move || has_children.then(|| (!collapsed()).to_string())
            data-testid="span-row"
            data-span=span
            title=full_name
            style:top=format!("{}px", row as f64 * ROW_H)
            on:click=select
        >
            <span class="tl-indent" style:width=format!("{indent}px")></span>
            {has_children.then(|| view! {
                <button
                    type="button"
                    class="tl-toggle"
                    data-testid="collapse-toggle"
                    aria-label=move || if collapsed() { "Expand" } else { "Collapse" }
                    on:click=move |ev| {
                        ev.stop_propagation();
                        viewer.toggle_collapse(span);
                    }
                >{move || if collapsed() { "▸" } else { "▾" }}</button>
            })}
            {(!has_children).then(|| view! { <span class="tl-toggle-space"></span> })}
            <span class="swatch" style:background=color.clone()></span>
            <span class="tl-service">{service}</span>
            <span class="tl-name">{name}</span>
            {(flags & flag::ERROR != 0).then(|| view! { <span class="badge badge-error" title="Error status">"error"</span> })}
            {(flags & flag::ORPHAN != 0).then(|| view! { <span class="badge badge-warn" title="Parent span not in the file">"orphan"</span> })}
            {move || (collapsed() && errors_below > 0).then(|| view! {
                <span class="badge badge-error-hidden" data-testid="hidden-errors"
                    title=format!("{errors_below} failed {} inside this collapsed span", if errors_below == 1 { "span" } else { "spans" })>
                    {format!("{errors_below} inside")}
                </span>
            })}
            {(flags & flag::SKEW_DETECTED != 0).then(|| view! { <span class="badge badge-warn" data-skew="detected"
                title="Clock skew: this server span starts before or ends after its client, on another host. Turn on “Correct clock skew” to line it up.">"skew"</span> })}
            {(flags & flag::SKEW_ADJUSTED != 0).then(|| view! { <span class="badge badge-warn" data-skew="adjusted" title="Moved by clock-skew correction">"skew fixed"</span> })}
        </div>
    }
    // The macro knows no `aria-level`; a custom attribute renders it by its real name.
    .attr("aria-level", (depth + 1).to_string())
    .into_any()
}

/// What one frame of the bars shows.
struct Frame<'a> {
    open: &'a OpenTrace,
    rows: &'a [u32],
    window: (u64, u64),
    scroll_top: f64,
    selected: Option<u32>,
    hovered: Option<u32>,
    critical: bool,
    matches: Option<&'a crate::viewer::state::Matches>,
    /// Offsets (from its start) of the selected span's events, once its details arrived.
    selected_events: &'a [i64],
    /// The canvas's CSS size.
    size: (f64, f64),
    colours: &'a ThemeColours,
}

/// A collapsed row's hidden descendants.
type Hidden<'a> = Option<&'a HiddenSpans>;

/// What one frame drew.
#[derive(Default)]
struct Drawn {
    bars: usize,
    /// Event ticks on the selected span's bar.
    event_marks: usize,
}

fn draw_bars<'c>(
    canvas: &web_sys::HtmlCanvasElement,
    frame: &Frame,
    range: std::ops::Range<usize>,
    hidden: &dyn Fn(u32) -> Hidden<'c>,
) -> Drawn {
    let Some((ctx, w, h)) = prepare(canvas, frame.size) else {
        return Drawn::default();
    };
    let scale = scale_for(frame.open, frame.window, w);
    let pen = Pen {
        ctx: &ctx,
        scale: &scale,
        width: w,
        colours: frame.colours,
    };
    draw_grid(&pen, h);
    ctx.set_font("12px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    let order = frame.open.tree.order();
    let mut drawn = Drawn::default();
    let mut scratch = Scratch::default();
    for row in range {
        let Some(&span) = frame.rows.get(row).and_then(|&pos| order.get(pos as usize)) else {
            continue;
        };
        let y = row as f64 * ROW_H - frame.scroll_top;
        if y + ROW_H < 0.0 || y > h {
            continue;
        }
        draw_row_highlight(&pen, frame, span, y);
        if let Some(spans) = hidden(span) {
            draw_hidden(&pen, frame.open.color(span), spans, y, &mut scratch);
        }
        if draw_bar(&pen, frame, span, y) {
            drawn.bars += 1;
            if frame.selected == Some(span) {
                drawn.event_marks = frame.selected_events.len();
            }
        }
    }
    drawn
}

/// What every row of one frame is drawn with.
struct Pen<'a> {
    ctx: &'a web_sys::CanvasRenderingContext2d,
    scale: &'a TimeScale,
    width: f64,
    colours: &'a ThemeColours,
}

/// A vertical line at every ruler tick.
fn draw_grid(pen: &Pen, height: f64) {
    let ctx = pen.ctx;
    ctx.set_stroke_style_str(&pen.colours.border);
    ctx.set_line_width(1.0);
    for t in ticks(pen.scale, DEFAULT_MIN_SPACING_PX) {
        let x = t.px.round() + 0.5;
        ctx.begin_path();
        ctx.move_to(x, 0.0);
        ctx.line_to(x, height);
        ctx.stroke();
    }
}

/// Search matches, the selected and the hovered row are tinted across the whole width.
fn draw_row_highlight(pen: &Pen, frame: &Frame, span: u32, y: f64) {
    let ctx = pen.ctx;
    if frame
        .matches
        .is_some_and(|m| m.error.is_none() && m.set.contains(span))
    {
        ctx.set_fill_style_str(&pen.colours.highlight);
        ctx.fill_rect(0.0, y, pen.width, ROW_H);
    }
    if frame.selected == Some(span) || frame.hovered == Some(span) {
        ctx.set_fill_style_str(if frame.selected == Some(span) {
            "rgba(0, 120, 200, 0.14)"
        } else {
            "rgba(127, 127, 127, 0.10)"
        });
        ctx.fill_rect(0.0, y, pen.width, ROW_H);
    }
}

/// A collapsed row's hidden descendants: at most one rect per pixel column, in the row's own
/// colour, faint.
fn draw_hidden(pen: &Pen, colour: [u8; 3], spans: &HiddenSpans, y: f64, scratch: &mut Scratch) {
    spans.ranges(pen.scale, &mut scratch.rects, &mut scratch.ranges);
    let ctx = pen.ctx;
    ctx.set_fill_style_str(&rgb(colour));
    ctx.set_global_alpha(0.35);
    for &(x0, x1) in &scratch.ranges {
        ctx.fill_rect(x0, y + 8.0, (x1 - x0).max(1.0), ROW_H - 16.0);
    }
    ctx.set_global_alpha(1.0);
}

/// Buffers reused by every row of a frame.
#[derive(Default)]
struct Scratch {
    rects: Vec<DrawRect>,
    ranges: Vec<(f64, f64)>,
}

/// The span's bar with its marks and duration label; false when it is outside the window.
fn draw_bar(pen: &Pen, frame: &Frame, span: u32, y: f64) -> bool {
    let (open, scale, ctx) = (frame.open, pen.scale, pen.ctx);
    let start = open.start(span);
    let dur = open.dur(span);
    if !scale.overlaps(start, dur) {
        return false;
    }
    let x0 = scale.ns_to_px(start).max(-1.0);
    let x1 = scale
        .ns_to_px(start.saturating_add(dur))
        .min(pen.width + 1.0);
    // Narrower than a pixel still shows as one pixel: a span never disappears.
    let bar = Bar {
        x0,
        width: (x1 - x0).max(1.0),
        y,
    };
    let flags = open.flags(span);
    ctx.set_fill_style_str(&rgb(open.color(span)));
    // With the critical path on, spans off the path step back.
    let on_path = flags & flag::CRITICAL != 0;
    if frame.critical && !on_path {
        ctx.set_global_alpha(0.3);
    }
    ctx.fill_rect(bar.x0, y + 5.0, bar.width, ROW_H - 10.0);
    ctx.set_global_alpha(1.0);
    if frame.critical && on_path {
        ctx.set_fill_style_str(&pen.colours.text);
        ctx.fill_rect(bar.x0, y + ROW_H - 7.0, bar.width, 3.0);
    }
    draw_flag_outlines(pen, flags, &bar);
    if frame.selected == Some(span) {
        ctx.set_stroke_style_str(&pen.colours.accent);
        ctx.set_line_width(2.0);
        ctx.stroke_rect(bar.x0 - 1.0, y + 4.0, bar.width + 2.0, ROW_H - 8.0);
        draw_event_marks(
            ctx,
            scale,
            start,
            frame.selected_events,
            y,
            &pen.colours.text,
        );
    }
    draw_duration_label(pen, open.color(span), dur, &bar);
    true
}

/// Where a span's bar landed on the canvas.
struct Bar {
    x0: f64,
    width: f64,
    y: f64,
}

/// A failed span gets a red outline; a span moved (or to be moved) for clock skew a dashed one.
fn draw_flag_outlines(pen: &Pen, flags: u8, bar: &Bar) {
    let (ctx, y) = (pen.ctx, bar.y);
    if flags & flag::ERROR != 0 {
        ctx.set_stroke_style_str(&pen.colours.error);
        ctx.set_line_width(2.0);
        ctx.stroke_rect(bar.x0, y + 5.0, bar.width, ROW_H - 10.0);
    }
    if flags & (flag::SKEW_ADJUSTED | flag::SKEW_DETECTED) != 0 {
        ctx.set_stroke_style_str(if flags & flag::SKEW_DETECTED != 0 {
            &pen.colours.warn
        } else {
            &pen.colours.accent
        });
        ctx.set_line_width(1.0);
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&3.into(), &2.into()));
        ctx.stroke_rect(bar.x0 - 2.0, y + 3.0, bar.width + 4.0, ROW_H - 6.0);
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
}

/// Duration label right of the bar; else left of it; else inside it, in a colour that reads on
/// the service colour; a label is never cut.
fn draw_duration_label(pen: &Pen, colour: [u8; 3], dur: u64, bar: &Bar) {
    let (ctx, w, x0, bw) = (pen.ctx, pen.width, bar.x0, bar.width);
    let label = format_duration(dur);
    let label_w = ctx
        .measure_text(&label)
        .map(|m| m.width())
        .unwrap_or(f64::MAX);
    let after = x0 + bw + 4.0;
    let mid = bar.y + ROW_H / 2.0;
    ctx.set_fill_style_str(&pen.colours.text);
    if after + label_w <= w {
        let _ = ctx.fill_text(&label, after, mid);
    } else if label_w + 4.0 <= x0 {
        ctx.set_text_align("right");
        let _ = ctx.fill_text(&label, x0 - 4.0, mid);
        ctx.set_text_align("left");
    } else if label_w + 8.0 <= bw.min(w - x0.max(0.0)) {
        ctx.set_fill_style_str(&rgb(text_color_on(colour)));
        ctx.set_text_align("right");
        let _ = ctx.fill_text(&label, (x0 + bw).min(w) - 4.0, mid);
        ctx.set_text_align("left");
    }
}

/// The selected span's events as small ticks across its bar (a span's log lines and
/// exceptions, as Jaeger marks them).
fn draw_event_marks(
    ctx: &web_sys::CanvasRenderingContext2d,
    scale: &TimeScale,
    span_start: u64,
    offsets: &[i64],
    y: f64,
    color: &str,
) {
    ctx.set_fill_style_str(color);
    for &offset in offsets {
        let at = (span_start as i128 + offset as i128).clamp(0, u64::MAX as i128) as u64;
        let x = scale.ns_to_px(at).round();
        ctx.fill_rect(x - 1.0, y + 2.0, 2.0, ROW_H - 4.0);
    }
}

#[component]
fn Ruler() -> impl IntoView {
    let viewer = use_viewer();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    // Drag-select: start and current x in px while the button is down.
    let drag = RwSignal::new(None::<(f64, f64)>);
    let colours = use_theme_colours();
    let size = observe_size(canvas_ref);
    Effect::new(move |_| {
        size.track();
        colours.track();
        let window = viewer.window.get();
        let drag = drag.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        viewer.open.with(|open| {
            let Some(open) = open else { return };
            let Some((ctx, w, h)) = prepare(&canvas, size.get_untracked()) else {
                return;
            };
            let scale = scale_for(open, window, w);
            colours.with(|c| {
                ctx.set_fill_style_str(&c.muted);
                ctx.set_stroke_style_str(&c.border);
            });
            ctx.set_font("11px system-ui, sans-serif");
            ctx.set_text_baseline("middle");
            // The rightmost pixel any label reaches (tests check none is cut).
            let mut labels_right = 0.0f64;
            for t in ticks(&scale, DEFAULT_MIN_SPACING_PX) {
                let x = t.px.round() + 0.5;
                ctx.begin_path();
                ctx.move_to(x, h * 0.55);
                ctx.line_to(x, h);
                ctx.stroke();
                // A label that would run off the right edge goes left of its tick instead.
                let label_w = ctx.measure_text(&t.label).map_or(0.0, |m| m.width());
                if x + 3.0 + label_w > w {
                    ctx.set_text_align("right");
                    let _ = ctx.fill_text(&t.label, x - 3.0, h * 0.35);
                    ctx.set_text_align("left");
                    labels_right = labels_right.max(x - 3.0);
                } else {
                    let _ = ctx.fill_text(&t.label, x + 3.0, h * 0.35);
                    labels_right = labels_right.max(x + 3.0 + label_w);
                }
            }
            let _ = canvas.set_attribute("data-labels-right", &labels_right.ceil().to_string());
            if let Some((a, b)) = drag {
                ctx.set_fill_style_str("rgba(0, 120, 200, 0.25)");
                ctx.fill_rect(a.min(b), 0.0, (a - b).abs(), h);
            }
        });
    });
    let finish = move |x: f64| {
        if let Some((a, _)) = drag.get_untracked() {
            drag.set(None);
            let w = canvas_ref
                .get_untracked()
                .map_or(1.0, |c| c.client_width() as f64);
            if (x - a).abs() >= 3.0 {
                viewer.open.with_untracked(|o| {
                    if let Some(o) = o {
                        let s = scale_for(o, viewer.window.get_untracked(), w);
                        let (l, r) = (a.min(x), a.max(x));
                        viewer.set_window((s.px_to_ns(l), s.px_to_ns(r)));
                    }
                });
            }
        }
    };
    view! {
        <canvas
            class="tl-ruler"
            node_ref=canvas_ref
            data-testid="ruler"
            aria-label="Time ruler: drag to zoom into a range"
            on:mousedown=move |ev| drag.set(Some((ev.offset_x() as f64, ev.offset_x() as f64)))
            on:mousemove=move |ev| {
                if let Some((a, _)) = drag.get_untracked() {
                    drag.set(Some((a, ev.offset_x() as f64)));
                }
            }
            on:mouseup=move |ev| finish(ev.offset_x() as f64)
            on:mouseleave=move |_| drag.set(None)
            on:wheel=move |ev| {
                ev.prevent_default();
                let w = canvas_ref.get_untracked().map_or(1.0, |c| c.client_width() as f64);
                zoom(viewer, if ev.delta_y() < 0.0 { 1.25 } else { 0.8 }, ev.offset_x() as f64 / w.max(1.0));
            }
        ></canvas>
    }
}

#[component]
fn Minimap() -> impl IntoView {
    let viewer = use_viewer();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let size = observe_size(canvas_ref);
    // Density per pixel column, fitted to the width from the bins the worker made.
    let width = Memo::new(move |_| size.get().0.round() as usize);
    let density = Memo::new(move |_| {
        let width = width.get();
        viewer.open.with(|o| {
            o.as_ref()
                .map(|o| viewer_core::minimap::columns(&o.data.minimap, width))
        })
    });
    // What a drag does: move the window, or resize it from one edge.
    #[derive(Clone, Copy, PartialEq)]
    enum Drag {
        Move { grab_ns: u64, window: (u64, u64) },
        Left,
        Right,
    }
    let drag = RwSignal::new(None::<Drag>);
    let colours = use_theme_colours();
    Effect::new(move |_| {
        colours.track();
        size.track();
        let window = viewer.window.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        density.with(|d| {
            let Some(d) = d else { return };
            viewer.open.with(|open| {
                let Some(open) = open else { return };
                let Some((ctx, w, h)) = prepare(&canvas, size.get_untracked()) else {
                    return;
                };
                let colours = colours.get();
                ctx.set_fill_style_str(&colours.muted);
                for (x, v) in d.iter().enumerate() {
                    if *v > 0.0 {
                        let bh = (*v as f64 * (h - 2.0)).max(1.0);
                        ctx.fill_rect(x as f64, h - bh, 1.0, bh);
                    }
                }
                let full = TimeScale::new(open.extent(), w);
                let (a, b) = (full.ns_to_px(window.0), full.ns_to_px(window.1));
                ctx.set_fill_style_str("rgba(0, 120, 200, 0.18)");
                ctx.fill_rect(a, 0.0, (b - a).max(2.0), h);
                ctx.set_stroke_style_str(&colours.accent);
                ctx.set_line_width(2.0);
                ctx.stroke_rect(a, 1.0, (b - a).max(2.0), h - 2.0);
            });
        });
    });
    let to_ns = move |x: f64| -> Option<u64> {
        let w = canvas_ref.get_untracked()?.client_width() as f64;
        viewer.open.with_untracked(|o| {
            o.as_ref()
                .map(|o| TimeScale::new(o.extent(), w.max(1.0)).px_to_ns(x))
        })
    };
    let apply = move |x: f64| {
        let (Some(d), Some(ns)) = (drag.get_untracked(), to_ns(x)) else {
            return;
        };
        let (a, b) = viewer.window.get_untracked();
        let extent_end = viewer
            .open
            .with_untracked(|o| o.as_ref().map_or(1, |o| o.extent().1));
        let next = match d {
            Drag::Move { grab_ns, window } => {
                let len = window.1 - window.0;
                let start = (window.0 as i128 + ns as i128 - grab_ns as i128)
                    .clamp(0, (extent_end - len.min(extent_end)) as i128)
                    as u64;
                (start, start + len)
            }
            Drag::Left => (ns.min(b.saturating_sub(10)), b),
            Drag::Right => (a, ns.max(a + 10)),
        };
        viewer.set_window(next);
    };
    view! {
        <canvas
            class="tl-minimap"
            node_ref=canvas_ref
            data-testid="minimap"
            aria-label="Minimap of the whole trace: drag the window to pan, its edges to resize"
            on:mousedown=move |ev| {
                let x = ev.offset_x() as f64;
                let Some(ns) = to_ns(x) else { return };
                let (a, b) = viewer.window.get_untracked();
                let (Some(pa), Some(pb)) = (to_ns(x - 4.0), to_ns(x + 4.0)) else { return };
                let d = if (pa..=pb).contains(&a) {
                    Drag::Left
                } else if (pa..=pb).contains(&b) {
                    Drag::Right
                } else if (a..=b).contains(&ns) {
                    Drag::Move { grab_ns: ns, window: (a, b) }
                } else {
                    // Outside the window: centre the window there, then drag it.
                    let len = b - a;
                    let start = ns.saturating_sub(len / 2);
                    viewer.set_window((start, start + len));
                    Drag::Move { grab_ns: ns, window: viewer.window.get_untracked() }
                };
                drag.set(Some(d));
            }
            on:mousemove=move |ev| apply(ev.offset_x() as f64)
            on:mouseup=move |_| drag.set(None)
            on:mouseleave=move |_| drag.set(None)
        ></canvas>
    }
}

/// Where the tooltip goes: beside the pointer, on the side with room, so it never leaves the
/// window. Each side is a CSS length or unset.
struct Placement {
    left: Option<String>,
    right: Option<String>,
    top: Option<String>,
    bottom: Option<String>,
}

fn tooltip_placement(x: f64, y: f64) -> Placement {
    let (w, h) = web_sys::window()
        .map(|w| {
            let size = |v: Result<wasm_bindgen::JsValue, _>| {
                v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
            };
            (size(w.inner_width()), size(w.inner_height()))
        })
        .unwrap_or((0.0, 0.0));
    let px = |v: f64| Some(format!("{}px", v.max(0.0)));
    let (left, right) = if x > w / 2.0 {
        (None, px(w - x + 14.0))
    } else {
        (px(x + 14.0), None)
    };
    let (top, bottom) = if y > h / 2.0 {
        (None, px(h - y + 14.0))
    } else {
        (px(y + 14.0), None)
    };
    Placement {
        left,
        right,
        top,
        bottom,
    }
}

#[component]
fn Tooltip(pointer: RwSignal<(f64, f64)>) -> impl IntoView {
    let viewer = use_viewer();
    move || {
        let span = viewer.hovered.get()?;
        let (x, y) = pointer.get();
        let critical = viewer.critical.get();
        viewer.open.with(|o| {
            let o = o.as_ref()?;
            let on_path = o.flags(span) & flag::CRITICAL != 0;
            let placement = tooltip_placement(x, y);
            Some(view! {
                <div class="tooltip" role="tooltip" data-testid="tooltip"
                    style:left=placement.left.clone() style:right=placement.right.clone()
                    style:top=placement.top.clone() style:bottom=placement.bottom.clone()>
                    <strong>{o.name(span).to_string()}</strong>
                    <div>{o.service(span).to_string()}</div>
                    <div>"Duration " {format_duration(o.dur(span))}</div>
                    <div>"Self time " {format_duration(o.self_time(span))}</div>
                    {(critical && on_path).then(|| view! {
                        <div class="tooltip-critical">"On the critical path: its self time adds to the trace's duration"</div>
                    })}
                </div>
            })
        })
    }
}

#[component]
fn TimelineToolbar() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let max_depth = move || {
        viewer
            .open
            .with(|o| o.as_ref().map_or(0, |o| o.tree.max_depth()))
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="Timeline">
            <button type="button" data-testid="collapse-all" on:click=move |_| viewer.collapse_all()>"Collapse all"</button>
            <button type="button" data-testid="expand-all" on:click=move |_| viewer.expand_all()>"Expand all"</button>
            <label>
                "Depth "
                <select
                    data-testid="depth-select"
                    on:change=move |ev| {
                        match event_target_value(&ev).parse::<u16>() {
                            Ok(level) => viewer.collapse_to_depth(level),
                            Err(_) => viewer.expand_all(),
                        }
                    }
                >
                    <option value="all">"all"</option>
                    {move || (1..=max_depth().min(12)).map(|l| view! { <option value=l.to_string()>{l.to_string()}</option> }).collect_view()}
                </select>
            </label>
            <button type="button" on:click=move |_| zoom(viewer, 1.5, 0.5)>"Zoom in"</button>
            <button type="button" on:click=move |_| zoom(viewer, 1.0 / 1.5, 0.5)>"Zoom out"</button>
            <button type="button" data-testid="zoom-reset" on:click=move |_| {
                viewer.reset_zoom()
            }>"Reset zoom"</button>
            <label class="check">
                <input type="checkbox" data-testid="critical-toggle"
                    prop:checked=move || viewer.critical.get()
                    on:change=move |ev| viewer.set_critical(event_target_checked(&ev))/>
                " Critical path"
            </label>
            <Show when=move || viewer.critical.get()>
                <span class="critical-legend" data-testid="critical-legend">
                    <span class="critical-swatch" aria-hidden="true"></span>
                    "the chain of spans the trace waited on (underlined); others are dimmed. Hover a bar for details."
                </span>
            </Show>
            <label class="check">
                <input type="checkbox" data-testid="skew-toggle"
                    prop:checked=move || viewer.skew.get()
                    on:change=move |ev| controller.set_skew(event_target_checked(&ev))/>
                " Correct clock skew"
            </label>
        </div>
    }
}

/// Service colours; a click searches for the service's spans.
#[component]
fn Legend() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let services = move || {
        viewer.open.with(|o| {
            o.as_ref().map_or_else(Vec::new, |o| {
                o.data
                    .services
                    .iter()
                    .filter_map(|&id| o.data.strings.get(id as usize).cloned())
                    .map(|name| (o.service_color(&name), name))
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <ul class="legend" data-testid="legend" aria-label="Services">
            {move || services().into_iter().map(|(color, name)| {
                let color = rgb(color);
                let query = viewer_core::filter::equals_term("service", &name);
                view! {
                    <li>
                        <button type="button" class="legend-item" title="Search this service's spans"
                            data-testid="legend-item" data-color=color.clone()
                            on:click=move |_| controller.filter(query.clone())>
                            <span class="swatch" style:background=color.clone()></span>
                            {name.clone()}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
