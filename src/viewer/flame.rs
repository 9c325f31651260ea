//! The flame graph tab (an icicle: roots on top). Two modes:
//! - merged: spans folded by their path of service and operation (the worker folds; see
//!   `viewer_session::flame`), width = total time, children widest first;
//! - time order: every span at its start time, stacked by depth, unlabelled and dense.
//!
//! Drawn on a canvas at the level of detail of `viewer_core::flame_layout` (boxes thinner than a
//! pixel merged per pixel), with Ctrl+wheel zoom at the pointer, Shift+wheel and drag to pan,
//! the keyboard's zoom and pan keys, and double-click to zoom to a box. Hover shows a tooltip;
//! clicking a merged frame lists its spans (links to the timeline), clicking a span in time
//! order selects it. A search lights up the boxes of the spans it matches.

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;
use trace_core::time::format_duration;
use viewer_core::bitset::BitSet;
use viewer_core::charts::truncate;
use viewer_core::flame_layout::{in_order, layout, pan, zoom, FlameLayout, FlameRect};
use viewer_core::keymap::Action;
use viewer_core::palette::{text_color_on, Rgb};
use viewer_core::share::ViewTab;
use viewer_session::flame::FlameData;

use crate::viewer::canvas::{prepare, rgb, use_theme_colours, ThemeColours};
use crate::viewer::controller::{use_controller, Controller};
use crate::viewer::resize::observe_size;
use crate::viewer::state::{use_viewer, Matches, OpenTrace, Viewer};

/// Height of one level, in CSS px.
const ROW_H: f64 = 18.0;
/// Narrower boxes carry no label.
const LABEL_MIN_PX: f64 = 36.0;
/// Roughly the width of a character of the 11 px label font, to cut labels without measuring.
const CHAR_PX: f64 = 6.2;
const ZOOM_STEP: f64 = 1.5;
const PAN_STEP: f64 = 0.2;
/// The narrowest view, as a fraction of the graph: deep enough for a nanosecond of a day.
const MIN_WINDOW: f64 = 1e-9;
/// Spans listed under a chosen frame.
const LISTED_SPANS: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Merged,
    TimeOrder,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Merged => "merged",
            Mode::TimeOrder => "time",
        }
    }
}

/// The keyboard's zoom and pan keys while the flame graph is shown.
pub fn on_key(viewer: Viewer, action: Action) {
    let w = viewer.flame_window.get_untracked();
    let next = match action {
        Action::ZoomIn => zoom(w, ZOOM_STEP, 0.5, MIN_WINDOW),
        Action::ZoomOut => zoom(w, 1.0 / ZOOM_STEP, 0.5, MIN_WINDOW),
        Action::PanLeft => pan(w, -PAN_STEP),
        Action::PanRight => pan(w, PAN_STEP),
        _ => (0.0, 1.0),
    };
    viewer.set_flame_window(next);
}

/// The spans in the tree's preorder as boxes: start and duration (ns from the trace's start)
/// and depth, by preorder position. Built once per view.
struct TimeItems {
    view_id: u64,
    start: Vec<u64>,
    len: Vec<u64>,
}

impl TimeItems {
    fn of(open: &OpenTrace) -> Self {
        let order = open.tree.order();
        TimeItems {
            view_id: open.view_id,
            start: in_order(order, &open.data.start),
            len: in_order(order, &open.data.dur),
        }
    }
}

/// What the pointer is over: the box, and where (for the tooltip).
#[derive(Clone, Copy, PartialEq)]
struct Hover {
    item: u32,
    x: f64,
    y: f64,
}

/// The flame tab's own state (what it shows and what the pointer does), shared by its parts.
#[derive(Clone, Copy)]
struct FlameState {
    mode: RwSignal<Mode>,
    /// The merged frame the person clicked.
    chosen: RwSignal<Option<u32>>,
    hover: RwSignal<Option<Hover>>,
    drawn: RwSignal<bool>,
    canvas_ref: NodeRef<html::Canvas>,
    size: ReadSignal<(f64, f64)>,
    laid_out: StoredValue<FlameLayout, LocalStorage>,
    time_items: StoredValue<Option<Arc<TimeItems>>, LocalStorage>,
    /// Drag to pan: where the button went down and the window then; a drag is not a click.
    drag: StoredValue<Option<(f64, (f64, f64))>>,
    dragged: StoredValue<bool>,
}

impl FlameState {
    fn new() -> Self {
        let canvas_ref = NodeRef::<html::Canvas>::new();
        FlameState {
            mode: RwSignal::new(Mode::Merged),
            chosen: RwSignal::new(None),
            hover: RwSignal::new(None),
            drawn: RwSignal::new(false),
            canvas_ref,
            size: observe_size(canvas_ref),
            laid_out: StoredValue::new_local(FlameLayout::default()),
            time_items: StoredValue::new_local(None),
            drag: StoredValue::new(None),
            dragged: StoredValue::new(false),
        }
    }

    /// The drawn box under the pointer, and where the pointer is.
    fn item_at(&self, ev: &web_sys::MouseEvent) -> Option<(u32, f64, f64)> {
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let row = (y / ROW_H).floor() as u16;
        self.laid_out
            .with_value(|l| l.hit(x, row).map(|r| (r.item, x, y)))
    }

    fn on_move(&self, viewer: Viewer, ev: &web_sys::MouseEvent) {
        if let Some((x0, w0)) = self.drag.get_value() {
            let width = self.size.get_untracked().0.max(1.0);
            let dx = ev.offset_x() as f64 - x0;
            if dx.abs() > 3.0 {
                self.dragged.set_value(true);
                viewer.set_flame_window(pan(w0, -dx / width));
            }
            return;
        }
        self.hover
            .set(self.item_at(ev).map(|(item, x, y)| Hover { item, x, y }));
    }

    fn on_click(&self, viewer: Viewer, controller: Controller, ev: &web_sys::MouseEvent) {
        if self.dragged.get_value() {
            return;
        }
        let Some((item, _, _)) = self.item_at(ev) else {
            return;
        };
        match self.mode.get_untracked() {
            Mode::Merged => self.chosen.set(Some(item)),
            Mode::TimeOrder => {
                let span = viewer.open.with_untracked(|o| {
                    o.as_ref()
                        .and_then(|o| o.tree.order().get(item as usize).copied())
                });
                controller.select_span(span);
            }
        }
    }

    /// Zooms to the box double-clicked.
    fn on_dblclick(&self, viewer: Viewer, ev: &web_sys::MouseEvent) {
        let Some((item, _, _)) = self.item_at(ev) else {
            return;
        };
        let extent = match self.mode.get_untracked() {
            Mode::Merged => viewer
                .flame
                .with_untracked(|f| f.as_ref().and_then(|f| frame_extent(f, item))),
            Mode::TimeOrder => viewer
                .open
                .with_untracked(|o| o.as_ref().map(|o| span_extent(o, item))),
        };
        if let Some(w) = extent {
            viewer.set_flame_window(w);
        }
    }

    /// Ctrl (or Cmd) + wheel zooms at the pointer; Shift + wheel or a sideways wheel pans; a
    /// plain wheel scrolls the page.
    fn on_wheel(&self, viewer: Viewer, ev: &web_sys::WheelEvent) {
        let width = self.size.get_untracked().0.max(1.0);
        let w = viewer.flame_window.get_untracked();
        if ev.ctrl_key() || ev.meta_key() {
            ev.prevent_default();
            let factor = if ev.delta_y() < 0.0 {
                ZOOM_STEP
            } else {
                1.0 / ZOOM_STEP
            };
            viewer.set_flame_window(zoom(w, factor, ev.offset_x() as f64 / width, MIN_WINDOW));
        } else if ev.shift_key() || ev.delta_x().abs() > ev.delta_y().abs() {
            ev.prevent_default();
            let d = if ev.delta_x() != 0.0 {
                ev.delta_x()
            } else {
                ev.delta_y()
            };
            viewer.set_flame_window(pan(w, d / width));
        }
    }

    /// The canvas is as tall as the graph is deep.
    fn height(&self, viewer: Viewer) -> String {
        let levels = match self.mode.get() {
            Mode::Merged => viewer.flame.with(|f| {
                f.as_ref().map_or(1, |f| {
                    f.depth.iter().copied().max().unwrap_or(0) as usize + 1
                })
            }),
            Mode::TimeOrder => viewer
                .open
                .with(|o| o.as_ref().map_or(1, |o| o.tree.max_depth() as usize + 1)),
        };
        format!("{}px", levels as f64 * ROW_H)
    }
}

/// Draws whenever what is shown changes; a new trace or mode starts from the whole graph.
fn redraw_on_change(state: FlameState, viewer: Viewer) {
    let colours = use_theme_colours();
    Effect::new(move |_| {
        state.mode.track();
        viewer.flame.track();
        state.chosen.set(None);
        viewer.set_flame_window((0.0, 1.0));
    });
    Effect::new(move |_| {
        let colours = colours.get();
        let window = viewer.flame_window.get();
        let (mode, chosen) = (state.mode.get(), state.chosen.get());
        let selected = viewer.selected.get();
        state.size.track();
        let Some(canvas) = state.canvas_ref.get() else {
            return;
        };
        viewer.open.with(|open| {
            let Some(open) = open else { return };
            viewer.matches.with(|m| {
                let flame = viewer.flame.get_untracked();
                let lit = lit_items(mode, open, flame.as_deref(), m.as_deref());
                let t0 = crate::browser::now_ms();
                let painter = Painter {
                    canvas: &canvas,
                    size: state.size.get_untracked(),
                    colours: &colours,
                    open,
                    lit: lit.as_ref(),
                };
                let result = match mode {
                    Mode::Merged => flame.map(|f| painter.merged(&f, window, chosen)),
                    Mode::TimeOrder => {
                        let items = time_items_of(open, state.time_items);
                        Some(painter.time_order(&items, window, selected))
                    }
                };
                if let Some(l) = result {
                    mark_drawn(&canvas, &l, lit.as_ref(), crate::browser::now_ms() - t0);
                    state.laid_out.set_value(l);
                    state.drawn.set(true);
                }
            })
        });
    });
}

/// What tests and benchmarks read of a drawing: boxes, boxes the search lit, and its time.
fn mark_drawn(canvas: &web_sys::HtmlCanvasElement, l: &FlameLayout, lit: Option<&BitSet>, ms: f64) {
    let lit_boxes = lit.map_or(0, |lit| {
        l.rects.iter().filter(|r| lit.contains(r.item)).count()
    });
    let _ = canvas.set_attribute("data-boxes", &(l.rects.len() + l.thin.len()).to_string());
    let _ = canvas.set_attribute("data-lit", &lit_boxes.to_string());
    let _ = canvas.set_attribute("data-draw-ms", &format!("{ms:.1}"));
}

#[component]
pub fn FlameGraph() -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let state = FlameState::new();
    redraw_on_change(state, viewer);
    let mode = state.mode;
    let mode_button = move |m: Mode, label: &'static str| {
        view! {
            <button type="button" class="copy" data-testid=format!("flame-mode-{}", m.as_str())
                aria-pressed=move || (mode.get() == m).to_string() on:click=move |_| mode.set(m)>{label}</button>
        }
    };
    let waiting = move || mode.get() == Mode::Merged && viewer.flame.with(Option::is_none);
    view! {
        <div class="tab-panel flame" data-view="flame" role="tabpanel" data-mode=move || mode.get().as_str()
            data-ready=move || (state.drawn.get() && !waiting()).then_some("")
            data-window=move || { let (a, b) = viewer.flame_window.get(); format!("{a:.9}-{b:.9}") }>
            <div class="flame-bar" role="group" aria-label="Flame graph mode">
                {mode_button(Mode::Merged, "Merged by path")}
                {mode_button(Mode::TimeOrder, "Time order")}
                <span class="muted">"Ctrl + wheel: zoom · drag or Shift + wheel: pan · double-click: zoom to a box · 0: whole graph"</span>
            </div>
            {move || waiting().then(|| view! { <p class="muted" data-testid="flame-loading">"Folding the spans…"</p> })}
            <div class="flame-area">
                <canvas class="flame-canvas" data-testid="flame-canvas" node_ref=state.canvas_ref
                    style:height=move || state.height(viewer) role="img" aria-label="Flame graph of the trace"
                    on:mousemove=move |ev| state.on_move(viewer, &ev)
                    on:mouseleave=move |_| { state.hover.set(None); state.drag.set_value(None); }
                    on:mousedown=move |ev: web_sys::MouseEvent| {
                        state.dragged.set_value(false);
                        state.drag.set_value(Some((ev.offset_x() as f64, viewer.flame_window.get_untracked())));
                    }
                    on:mouseup=move |_| state.drag.set_value(None)
                    on:click=move |ev| state.on_click(viewer, controller, &ev)
                    on:dblclick=move |ev| state.on_dblclick(viewer, &ev)
                    on:wheel=move |ev| state.on_wheel(viewer, &ev)></canvas>
                {move || state.hover.get().map(|h| view! { <Tooltip hover=h mode=mode.get_untracked()/> })}
            </div>
            {move || state.chosen.get().map(|f| view! { <ChosenFrame frame=f/> })}
        </div>
    }
}

/// The spans in time order, cached per view (a pass over every span).
fn time_items_of(
    open: &OpenTrace,
    cache: StoredValue<Option<Arc<TimeItems>>, LocalStorage>,
) -> Arc<TimeItems> {
    if let Some(items) = cache
        .with_value(|c| c.clone())
        .filter(|c| c.view_id == open.view_id)
    {
        return items;
    }
    let items = Arc::new(TimeItems::of(open));
    cache.set_value(Some(Arc::clone(&items)));
    items
}

/// Boxes a search lights up: frames holding a matched span, or matched spans' positions.
fn lit_items(
    mode: Mode,
    open: &OpenTrace,
    flame: Option<&FlameData>,
    m: Option<&Matches>,
) -> Option<BitSet> {
    let m = m.filter(|m| m.error.is_none() && !m.query.trim().is_empty())?;
    match mode {
        Mode::Merged => {
            let flame = flame?;
            let mut lit = BitSet::new(flame.len());
            for &s in &m.spans {
                if let Some(&f) = flame.span_frame.get(s as usize) {
                    lit.set(f, true);
                }
            }
            Some(lit)
        }
        Mode::TimeOrder => {
            let mut lit = BitSet::new(open.span_count());
            for &s in &m.spans {
                if let Some(pos) = open.tree.position_of(s) {
                    lit.set(pos, true);
                }
            }
            Some(lit)
        }
    }
}

/// A frame's extent as a window, with a little room either side.
fn frame_extent(f: &FlameData, frame: u32) -> Option<(f64, f64)> {
    let width = f.width().max(1) as f64;
    let fr = f.frame(frame)?;
    Some(padded(
        fr.start as f64 / width,
        (fr.start + fr.total) as f64 / width,
    ))
}

fn span_extent(open: &OpenTrace, pos: u32) -> (f64, f64) {
    let span = open.tree.order().get(pos as usize).copied().unwrap_or(0);
    let total = open.extent().1.max(1) as f64;
    padded(
        open.start(span) as f64 / total,
        (open.start(span) + open.dur(span)) as f64 / total,
    )
}

fn padded(a: f64, b: f64) -> (f64, f64) {
    let room = ((b - a) * 0.02).max(MIN_WINDOW);
    let (a, b) = ((a - room).max(0.0), (b + room).min(1.0));
    if b - a < MIN_WINDOW {
        (a, (a + MIN_WINDOW).min(1.0))
    } else {
        (a, b)
    }
}

/// Draws one view of the graph.
struct Painter<'a> {
    canvas: &'a web_sys::HtmlCanvasElement,
    size: (f64, f64),
    colours: &'a ThemeColours,
    open: &'a OpenTrace,
    lit: Option<&'a BitSet>,
}

impl Painter<'_> {
    fn merged(&self, f: &FlameData, window: (f64, f64), chosen: Option<u32>) -> FlameLayout {
        let l = layout(&f.start, &f.total, &f.depth, f.width(), window, self.size.0);
        self.paint(
            &l,
            chosen,
            |item| {
                let i = item as usize;
                let service = f.string(f.service.get(i).copied().unwrap_or(0));
                (
                    self.open.service_color(service),
                    f.string(f.name.get(i).copied().unwrap_or(0)).to_string(),
                )
            },
            true,
        );
        l
    }

    fn time_order(
        &self,
        items: &TimeItems,
        window: (f64, f64),
        selected: Option<u32>,
    ) -> FlameLayout {
        let depth = self.open.tree.depth();
        let l = layout(
            &items.start,
            &items.len,
            depth,
            self.open.extent().1,
            window,
            self.size.0,
        );
        let selected_pos = selected.and_then(|s| self.open.tree.position_of(s));
        let order = self.open.tree.order();
        self.paint(
            &l,
            selected_pos,
            |pos| {
                let span = order.get(pos as usize).copied().unwrap_or(0);
                (self.open.color(span), String::new())
            },
            false,
        );
        l
    }

    /// Boxes in their service's colour (dimmed when a search lights up others), labels where
    /// they fit, merged slivers in the muted colour, the chosen box outlined.
    fn paint(
        &self,
        l: &FlameLayout,
        chosen: Option<u32>,
        look: impl Fn(u32) -> (Rgb, String),
        labels: bool,
    ) {
        let Some((ctx, _w, _h)) = prepare(self.canvas, self.size) else {
            return;
        };
        // One fill style per colour: setting it parses a CSS colour, which costs more than
        // filling a box.
        let mut groups: std::collections::HashMap<(Rgb, bool), Vec<usize>> = Default::default();
        let mut labelled = Vec::new();
        for (k, r) in l.rects.iter().enumerate() {
            let (colour, label) = look(r.item);
            let dim = self.lit.is_some_and(|lit| !lit.contains(r.item));
            groups.entry((colour, dim)).or_default().push(k);
            if labels && r.w >= LABEL_MIN_PX {
                labelled.push((k, colour, label));
            }
        }
        for ((colour, dim), members) in groups {
            ctx.set_global_alpha(if dim { 0.25 } else { 1.0 });
            ctx.set_fill_style_str(&rgb(colour));
            for k in members {
                let r = &l.rects[k];
                ctx.fill_rect(
                    r.x,
                    r.depth as f64 * ROW_H,
                    (r.w - 1.0).max(1.0),
                    ROW_H - 1.0,
                );
            }
        }
        ctx.set_global_alpha(1.0);
        ctx.set_font("11px system-ui, sans-serif");
        ctx.set_text_baseline("middle");
        for (k, colour, label) in labelled {
            let r = &l.rects[k];
            let fits = ((r.w - 6.0) / CHAR_PX).floor().max(0.0) as usize;
            ctx.set_fill_style_str(&rgb(text_color_on(colour)));
            let y = r.depth as f64 * ROW_H + ROW_H / 2.0;
            let _ = ctx.fill_text(&truncate(&label, fits), r.x + 3.0, y);
        }
        ctx.set_global_alpha(1.0);
        ctx.set_fill_style_str(&self.colours.muted);
        for run in &l.thin {
            let y = run.depth as f64 * ROW_H;
            ctx.fill_rect(run.x as f64, y, run.w as f64, ROW_H - 1.0);
        }
        if let Some(r) = chosen.and_then(|c| l.rects.iter().find(|r| r.item == c)) {
            outline(&ctx, r, &self.colours.accent);
        }
    }
}

fn outline(ctx: &web_sys::CanvasRenderingContext2d, r: &FlameRect, colour: &str) {
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.0);
    ctx.stroke_rect(
        r.x + 1.0,
        r.depth as f64 * ROW_H + 1.0,
        (r.w - 2.0).max(1.0),
        ROW_H - 3.0,
    );
}

#[component]
fn Tooltip(hover: Hover, mode: Mode) -> impl IntoView {
    let viewer = use_viewer();
    let lines = move || match mode {
        Mode::Merged => viewer.flame.with(|f| {
            let fr = f.as_ref()?.frame(hover.item)?;
            Some(vec![
                fr.name.to_string(),
                fr.service.to_string(),
                format!(
                    "total {} · self {}",
                    format_duration(fr.total),
                    format_duration(fr.self_time)
                ),
                format!("{} span{}", fr.count, if fr.count == 1 { "" } else { "s" }),
            ])
        }),
        Mode::TimeOrder => viewer.open.with(|o| {
            let o = o.as_ref()?;
            let span = *o.tree.order().get(hover.item as usize)?;
            Some(vec![
                o.name(span).to_string(),
                o.service(span).to_string(),
                format!(
                    "duration {} · self {}",
                    format_duration(o.dur(span)),
                    format_duration(o.self_time(span))
                ),
                format!("starts at {}", format_duration(o.start(span))),
            ])
        }),
    };
    view! {
        <div class="flame-tooltip" data-testid="flame-tooltip" role="tooltip"
            style:left=format!("{}px", hover.x + 12.0) style:top=format!("{}px", hover.y + 12.0)>
            {move || lines().unwrap_or_default().into_iter().enumerate()
                .map(|(k, l)| if k == 0 { view! { <strong>{l}</strong> }.into_any() } else { view! { <span>{l}</span> }.into_any() })
                .collect_view()}
        </div>
    }
}

/// A merged frame the person clicked: its numbers and its spans, each a way to the timeline.
#[component]
fn ChosenFrame(frame: u32) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let show = move |span: u32| {
        controller.select_span(Some(span));
        viewer.reveal(span);
        controller.show_tab(ViewTab::Timeline);
    };
    move || {
        viewer.flame.with(|f| {
            let f = f.as_ref()?;
            let fr = f.frame(frame)?;
            let spans: Vec<u32> = f
                .span_frame
                .iter()
                .enumerate()
                .filter(|(_, &x)| x == frame)
                .map(|(s, _)| s as u32)
                .take(LISTED_SPANS)
                .collect();
            let count = fr.count;
            let more = (count as usize > spans.len()).then(|| format!("… and {} more", count as usize - spans.len()));
            let rows = viewer.open.with(|o| {
                o.as_ref().map(|o| {
                    spans
                        .iter()
                        .map(|&s| {
                            let text = format!("{} · {} at {}", o.name(s), format_duration(o.dur(s)), format_duration(o.start(s)));
                            view! { <li><button type="button" class="linklike" data-testid="flame-span" data-span=s
                                on:click=move |_| show(s)>{text}</button></li> }
                        })
                        .collect_view()
                })
            });
            Some(view! {
                <section class="flame-chosen" data-testid="flame-chosen" data-spans=count aria-label="Chosen frame">
                    <h3>{fr.name.to_string()} <span class="muted">" (" {fr.service.to_string()} ")"</span></h3>
                    <p class="muted">{format!("total {} · self {} · {count} span{}", format_duration(fr.total), format_duration(fr.self_time), if count == 1 { "" } else { "s" })}</p>
                    <ul class="flame-spans">{rows}</ul>
                    {more.map(|m| view! { <p class="muted">{m}</p> })}
                </section>
            })
        })
    }
}
