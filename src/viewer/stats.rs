//! Statistics view: the per-service and per-operation table (sortable) and two plotters charts
//! rendered to inline SVG (plotters escapes text, and the names come from the user's file).

use leptos::prelude::*;
use plotters::prelude::*;
use trace_core::time::format_duration;
use viewer_core::charts::{
    duration_histogram_buckets_themed, self_time_by_service_themed, Bucket, ChartTheme, ServiceTime,
};
use viewer_core::palette::PALETTE;
use viewer_session::protocol::{StatRow, StatsView};
use viewer_session::stat_table::{sorted, StatColumn as Col};

use crate::components::theme_toggle::use_theme;
use crate::viewer::controller::use_controller;
use crate::viewer::resize::observe_size;
use crate::viewer::state::use_viewer;
use site::theme::Theme;
use viewer_core::filter::equals_term;
use viewer_core::share::ViewTab;
use viewer_core::sort::{after_click, aria_sort};

fn chart_theme(dark: bool) -> ChartTheme {
    let mut t = if dark {
        ChartTheme::dark()
    } else {
        ChartTheme::default()
    };
    t.background = None;
    t
}

/// `color_of` gives a service the colour its spans have on the timeline.
fn self_time_svg(
    stats: &StatsView,
    theme: &ChartTheme,
    width: u32,
    color_of: impl Fn(&str) -> [u8; 3],
) -> String {
    let data: Vec<ServiceTime> = stats
        .services
        .iter()
        .map(|r| ServiceTime {
            service: r.service.clone(),
            self_ns: r.self_ns,
            colour: color_of(&r.service),
        })
        .collect();
    let height = (60 + 22 * data.len().min(20)) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        if let Err(e) = self_time_by_service_themed(root, &data, theme) {
            leptos::logging::warn!("self-time chart: {e:?}");
        }
    }
    svg
}

fn histogram_svg(stats: &StatsView, theme: &ChartTheme, width: u32) -> String {
    let buckets: Vec<Bucket> = stats
        .histogram
        .iter()
        .map(|b| Bucket {
            lo: b.lo_ns,
            hi: b.hi_ns,
            count: b.count,
        })
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 260)).into_drawing_area();
        if let Err(e) = duration_histogram_buckets_themed(root, &buckets, theme) {
            leptos::logging::warn!("histogram: {e:?}");
        }
    }
    svg
}

/// Charts are drawn at their box's width (not scaled), so labels stay 12 px on any screen.
const DEFAULT_CHART_PX: u32 = 640;
const MIN_CHART_PX: u32 = 280;

fn chart_width(observed: f64) -> u32 {
    if observed <= 0.0 {
        DEFAULT_CHART_PX
    } else {
        (observed.floor() as u32).max(MIN_CHART_PX)
    }
}

#[component]
pub fn StatsView() -> impl IntoView {
    let viewer = use_viewer();
    move || match viewer.stats.get() {
        None => view! { <p class="muted" data-testid="stats-loading">"Computing statistics…"</p> }
            .into_any(),
        Some(s) => view! {
            <div class="stats" data-testid="stats">
                <Charts stats=s.clone()/>
                <p class="muted">"Click a row to show its spans on the timeline."</p>
                <h3>"By service"</h3>
                <StatTable rows=s.services.clone() testid="stats-services"/>
                <h3>"By operation"</h3>
                <StatTable rows=s.operations.clone() testid="stats-operations"/>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Charts(stats: std::sync::Arc<StatsView>) -> impl IntoView {
    let viewer = use_viewer();
    let theme = use_theme();
    let self_ref = NodeRef::<leptos::html::Div>::new();
    let hist_ref = NodeRef::<leptos::html::Div>::new();
    let self_w = observe_size(self_ref);
    let hist_w = observe_size(hist_ref);
    let stats = StoredValue::new(stats);
    // Charts are drawn in the theme's colours: redraw when it changes, or when resized.
    let colours = Memo::new(move |_| chart_theme(theme.get() == Theme::Dark));
    let self_width = Memo::new(move |_| chart_width(self_w.get().0));
    let hist_width = Memo::new(move |_| chart_width(hist_w.get().0));
    let self_svg = move || {
        let (theme, width) = (colours.get(), self_width.get());
        stats.with_value(|s| {
            viewer.open.with_untracked(|o| {
                self_time_svg(s, &theme, width, |name| {
                    o.as_ref().map_or(PALETTE[0], |o| o.service_color(name))
                })
            })
        })
    };
    let hist_svg = move || {
        let (theme, width) = (colours.get(), hist_width.get());
        stats.with_value(|s| histogram_svg(s, &theme, width))
    };
    view! {
        <div class="charts">
            <figure>
                <figcaption>"Self time by service"</figcaption>
                <div class="chart" node_ref=self_ref data-testid="chart-self-time" role="img" aria-label="Bar chart of self time per service" inner_html=self_svg></div>
            </figure>
            <figure>
                <figcaption>"Span durations"</figcaption>
                <div class="chart" node_ref=hist_ref data-testid="chart-histogram" role="img" aria-label="Histogram of span durations" inner_html=hist_svg></div>
            </figure>
        </div>
    }
}

/// The filter that shows a statistics row's spans.
fn row_filter(row: &StatRow) -> String {
    let service = equals_term("service", &row.service);
    match &row.operation {
        Some(op) => format!("{service} {}", equals_term("name", op)),
        None => service,
    }
}

#[component]
fn StatTable(rows: Vec<StatRow>, testid: &'static str) -> impl IntoView {
    let controller = use_controller();
    // A row shows its spans: the timeline, filtered to them.
    let show_spans = move |query: String| {
        controller.filter(query);
        controller.show_tab(ViewTab::Timeline);
    };
    let sort = RwSignal::new((Col::SelfTime, true));
    let header = move |label: &'static str, col: Col| {
        let aria = move || sort.with(|s| aria_sort(s, &col));
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="th-sort"
                    on:click=move |_| sort.update(|s| *s = after_click(*s, col, col.descending_by_default()))>{label}</button>
            </th>
        }
    };
    let rows = StoredValue::new(rows);
    view! {
        <div class="table-wrap">
            <table class="stat-table" data-testid=testid>
                <thead><tr>
                    {header("Name", Col::Name)}
                    {header("Count", Col::Count)}
                    {header("Total", Col::Total)}
                    {header("Self", Col::SelfTime)}
                    {header("Mean", Col::Mean)}
                    {header("p95", Col::P95)}
                    {header("Max", Col::Max)}
                    {header("Errors", Col::Errors)}
                </tr></thead>
                <tbody>
                    {move || {
                        let (col, desc) = sort.get();
                        rows.with_value(|r| sorted(r, col, desc)).into_iter().map(|r| {
                            let query = row_filter(&r);
                            view! {
                            <tr class="clickable" data-testid="stat-row" on:click=move |_| show_spans(query.clone())>
                                <th scope="row">
                                    <button type="button" class="linklike row-link" title="Show these spans on the timeline">
                                        {r.service.clone()}{r.operation.clone().map(|o| view! { <span class="muted">" · " {o}</span> })}
                                    </button>
                                </th>
                                <td>{r.count}</td>
                                <td>{format_duration(r.total_ns)}</td>
                                <td>{format_duration(r.self_ns)}</td>
                                <td>{format_duration(r.mean_ns)}</td>
                                <td>{format_duration(r.p95_ns)}</td>
                                <td>{format_duration(r.max_ns)}</td>
                                <td class:errors={r.errors > 0}>{r.errors}</td>
                            </tr>
                        }}).collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}
