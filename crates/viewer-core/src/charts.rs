//! Statistics charts, generic over any plotters [`DrawingBackend`]: the browser draws them to
//! a canvas or inline SVG, native tests render them with `SVGBackend::with_string` and assert
//! on the SVG.
//!
//! # Fonts: why text is drawn the way it is
//! plotters' `ttf` feature (font-kit, system fonts) does not build for wasm and there are no
//! system fonts to find offline anyway, so this crate turns default features off. Without a
//! font feature, plotters has no rasteriser: native builds use a "naive" font that can only
//! *estimate* text size, and wasm builds measure text through the DOM (`web.rs`, which needs
//! `window`, so it fails in a Web Worker). Drawing text still works on backends that draw text
//! themselves: the SVG backend writes `<text>` elements and the canvas backend calls
//! `fillText`, and the browser brings the font.
//!
//! So the charts (1) draw all text as plotters `Text` elements through the backend's own
//! `draw_text`, and (2) never ask plotters to measure text: no caption, no `configure_mesh`,
//! fixed label areas, and our own width estimate (0.6 em per char) to truncate labels. This is
//! deterministic across native and wasm and never touches the DOM for layout. The catch:
//! a raster backend that cannot draw text itself (plotters' `BitMapBackend`) would need the
//! `ab_glyph` feature and a bundled font; the viewer does not use one. The alternative
//! (geometry only, labels as HTML by the caller) was rejected because the charts would then
//! need a second layout channel and could not be tested as one SVG.
//!
//! Each chart returns the pixel boxes of its bars (relative to the drawing area), so the UI
//! can hit-test hovers for tooltips without re-deriving the layout.

use crate::palette::{text_color_on, Rgb};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use trace_core::time::format_duration;

/// Error type of the chart functions: plotters' drawing error for the backend.
pub type ChartError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// Colours and font size of a chart, so the same function serves light and dark themes.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartTheme {
    /// Background fill; `None` leaves the area transparent (inline SVG over the page).
    pub background: Option<Rgb>,
    /// Labels and axis text.
    pub text: Rgb,
    /// Axis lines.
    pub axis: Rgb,
    /// Histogram bar colour.
    pub bar: Rgb,
    /// Font size in px.
    pub font_px: u32,
}

impl Default for ChartTheme {
    fn default() -> Self {
        ChartTheme {
            background: Some([0xff, 0xff, 0xff]),
            text: [0x22, 0x22, 0x22],
            axis: [0x88, 0x88, 0x88],
            bar: [0x28, 0x7e, 0xbc],
            font_px: 12,
        }
    }
}

impl ChartTheme {
    /// A theme for dark pages.
    pub fn dark() -> Self {
        ChartTheme {
            background: Some([0x12, 0x12, 0x12]),
            text: [0xe6, 0xe6, 0xe6],
            axis: [0x77, 0x77, 0x77],
            bar: [0x50, 0x73, 0xda],
            font_px: 12,
        }
    }
}

/// The pixel box of one drawn bar, relative to the chart's drawing area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarBox {
    /// Index into the input (`data` row, or histogram bucket).
    pub index: usize,
    /// Left, top, right, bottom in px.
    pub rect: (i32, i32, i32, i32),
}

impl BarBox {
    /// True when `(x, y)` (px, relative to the area) is inside the bar.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        let (l, t, r, b) = self.rect;
        x >= l && x < r && y >= t && y < b
    }
}

/// Text shown when there is nothing to chart.
pub const NO_DATA: &str = "no data";

/// A histogram bucket: durations in `[lo, hi)` (the last bucket includes `hi - 1`, the max).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Inclusive lower bound, ns.
    pub lo: u64,
    /// Exclusive upper bound, ns.
    pub hi: u64,
    /// Number of durations in the bucket.
    pub count: u64,
}

/// Log-scale buckets over `durations`: at most `n` (fewer when the range is too narrow to
/// give distinct integer edges), edges spaced geometrically from the smallest to the largest
/// duration, so 1 µs and 10 s spans are both visible. Zero durations count in the first
/// bucket. Empty input gives no buckets. O(len log n).
pub fn histogram_buckets(durations: &[u64], n: usize) -> Vec<Bucket> {
    let n = n.max(1);
    let (Some(&min), Some(&max)) = (durations.iter().min(), durations.iter().max()) else {
        return Vec::new();
    };
    let lo = min.max(1);
    let hi = max.max(lo).saturating_add(1);
    let ratio = hi as f64 / lo as f64;
    let mut edges: Vec<u64> = Vec::with_capacity(n + 1);
    edges.push(lo);
    for i in 1..n {
        let e = (lo as f64 * ratio.powf(i as f64 / n as f64)).round() as u64;
        if e > *edges.last().unwrap_or(&0) && e < hi {
            edges.push(e);
        }
    }
    edges.push(hi);
    let mut buckets: Vec<Bucket> = edges
        .windows(2)
        .map(|w| Bucket {
            lo: w[0],
            hi: w[1],
            count: 0,
        })
        .collect();
    let last = buckets.len() - 1; // edges has lo and hi, lo < hi: at least one bucket
    for &d in durations {
        let d = d.max(lo);
        // Index of the last edge <= d; d < hi always, so it is a valid bucket.
        let i = edges.partition_point(|&e| e <= d).saturating_sub(1);
        if let Some(b) = buckets.get_mut(i.min(last)) {
            b.count += 1;
        }
    }
    buckets
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// plotters' SVG backend writes font sizes divided by this.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

/// Axis titles of the duration histogram.
pub const HISTOGRAM_X_TITLE: &str = "Span duration (log scale)";
pub const HISTOGRAM_Y_TITLE: &str = "Spans";
/// Axis title of the self-time chart.
pub const SELF_TIME_X_TITLE: &str = "Self time (sum over each service)";

/// Our own text width estimate (plotters cannot measure without fonts, see module docs).
fn text_width_px(chars: usize, font_px: u32) -> i32 {
    (chars as f64 * font_px as f64 * 0.6).ceil() as i32
}

/// `label` cut to `max_chars` with an ellipsis (also for the page's canvas and SVG labels).
pub fn truncate(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_string()
    } else if max_chars == 0 {
        String::new()
    } else {
        let mut s: String = label.chars().take(max_chars - 1).collect();
        s.push('…');
        s
    }
}

fn draw_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    pos: Pos,
    colour: Rgb,
    font_px: u32,
) -> Result<(), ChartError<DB>> {
    let c = rgb(colour);
    // plotters writes a font's size divided by 1.24 (its points-to-pixels factor) into the
    // SVG; scale up so the browser draws `font_px` CSS pixels.
    let size = f64::from(font_px) * PLOTTERS_FONT_SCALE;
    let style = TextStyle::from(("sans-serif", size).into_font())
        .color(&c)
        .pos(pos);
    area.draw(&Text::new(text.to_string(), at, style))
}

fn no_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &ChartTheme,
) -> Result<(), ChartError<DB>> {
    let (w, h) = root.dim_in_pixel();
    draw_text(
        root,
        NO_DATA,
        (w as i32 / 2, h as i32 / 2),
        Pos::new(HPos::Center, VPos::Center),
        theme.text,
        theme.font_px,
    )
}

fn prepare<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    theme: &ChartTheme,
) -> Result<(), ChartError<DB>> {
    if let Some(bg) = theme.background {
        root.fill(&rgb(bg))?;
    }
    Ok(())
}

/// [`self_time_by_service_themed`] with the light theme.
pub fn self_time_by_service<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    data: &[ServiceTime],
) -> Result<Vec<BarBox>, ChartError<DB>> {
    self_time_by_service_themed(root, data, &ChartTheme::default())
}

/// One service's bar in the self-time chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTime {
    pub service: String,
    pub self_ns: u64,
    /// The service's colour on the timeline.
    pub colour: Rgb,
}

/// [`BarBox::index`] of the bar that sums the services that did not fit.
pub const OTHER_BAR: usize = usize::MAX;

/// Horizontal bars of self time per service, longest first. Services that do not fit at
/// 10 px per bar are summed into a last "other (N)" bar (its `BarBox::index` is
/// [`OTHER_BAR`]). Labels: service name left of the bar (truncated to the label column),
/// duration right of the bar, or inside it when there is no room. Empty data or all-zero times
/// draw "no data".
pub fn self_time_by_service_themed<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    data: &[ServiceTime],
    theme: &ChartTheme,
) -> Result<Vec<BarBox>, ChartError<DB>> {
    prepare(&root, theme)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let fp = theme.font_px.max(1);
    if data.iter().all(|d| d.self_ns == 0) {
        no_data(&root, theme)?;
        root.present()?;
        return Ok(Vec::new());
    }
    let margin = 8;
    let rows = bar_rows(data, (((h - 2 * margin) / 10).max(1)) as usize, theme);
    let max_v = rows.iter().map(|r| r.value).max().unwrap_or(1).max(1) as f64;
    let longest = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_w = (text_width_px(longest, fp) + 8).clamp(40, (w * 2 / 5).max(40));
    let value_w = text_width_px(8, fp) + 6; // "123.4 ms"
    let layout = BarLayout {
        // At most ~28 px per row: few services stack from the top instead of becoming slabs.
        rows: (rows.len() as f64).max(((h - 2 * margin) / 28) as f64),
        label_chars: ((label_w - 8) as f64 / (fp as f64 * 0.6)).floor() as usize,
        font_px: fp,
        width: w,
    };
    let chart = ChartBuilder::on(&root)
        .margin(margin)
        .margin_right(margin + value_w)
        .y_label_area_size(label_w)
        .x_label_area_size(fp as i32 + 8)
        .build_cartesian_2d(0f64..max_v, 0f64..layout.rows)?;
    let mut boxes = Vec::with_capacity(rows.len());
    for (k, row) in rows.iter().enumerate() {
        boxes.push(draw_bar_row(&root, &chart, k, row, &layout, theme)?);
    }
    let (x0, bottom) = local(&root, chart.backend_coord(&(0.0, 0.0)));
    draw_text(
        &root,
        SELF_TIME_X_TITLE,
        (x0, bottom + 4),
        Pos::new(HPos::Left, VPos::Top),
        theme.text,
        fp,
    )?;
    root.present()?;
    Ok(boxes)
}

/// One bar of the self-time chart.
struct BarRow {
    /// Into the chart's data, or [`OTHER_BAR`].
    index: usize,
    label: String,
    value: u64,
    colour: Rgb,
}

/// How the self-time chart's rows are laid out.
struct BarLayout {
    /// Row slots on the y axis (at least the number of bars).
    rows: f64,
    label_chars: usize,
    font_px: u32,
    width: i32,
}

/// Services with time, longest first (ties by name); past `max_rows`, the rest become one
/// "other (N)" bar.
fn bar_rows(data: &[ServiceTime], max_rows: usize, theme: &ChartTheme) -> Vec<BarRow> {
    let mut order: Vec<usize> = (0..data.len()).filter(|&i| data[i].self_ns > 0).collect();
    order.sort_by(|&a, &b| {
        (data[b].self_ns.cmp(&data[a].self_ns)).then(data[a].service.cmp(&data[b].service))
    });
    let keep = if order.len() > max_rows {
        max_rows.saturating_sub(1)
    } else {
        order.len()
    };
    let mut rows: Vec<BarRow> = order[..keep]
        .iter()
        .map(|&i| BarRow {
            index: i,
            label: data[i].service.clone(),
            value: data[i].self_ns,
            colour: data[i].colour,
        })
        .collect();
    let rest = &order[keep..];
    if !rest.is_empty() {
        rows.push(BarRow {
            index: OTHER_BAR,
            label: format!("other ({})", rest.len()),
            value: rest
                .iter()
                .map(|&i| data[i].self_ns)
                .fold(0u64, u64::saturating_add),
            colour: theme.axis,
        });
    }
    rows
}

/// A pixel of the chart relative to the drawing area (which may be a split of a larger one).
fn local<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, p: (i32, i32)) -> (i32, i32) {
    let base = root.get_base_pixel();
    (p.0 - base.0, p.1 - base.1)
}

/// Draws bar `k` (from the top) with its label and duration; returns where it landed.
fn draw_bar_row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    k: usize,
    row: &BarRow,
    layout: &BarLayout,
    theme: &ChartTheme,
) -> Result<BarBox, ChartError<DB>> {
    // Row k from the top occupies y in [rows-k-1, rows-k]; 15% padding each side.
    let y_top = layout.rows - k as f64 - 0.15;
    let y_bot = layout.rows - k as f64 - 0.85;
    let value = row.value as f64;
    chart.plotting_area().draw(&Rectangle::new(
        [(0.0, y_bot), (value, y_top)],
        rgb(row.colour).filled(),
    ))?;
    let (l, t) = local(root, chart.backend_coord(&(0.0, y_top)));
    let (r, b) = local(root, chart.backend_coord(&(value, y_bot)));
    let (r, b) = (r.max(l + 1), b.max(t + 1));
    let (fp, mid) = (layout.font_px, (t + b) / 2);
    draw_text(
        root,
        &truncate(&row.label, layout.label_chars),
        (l - 6, mid),
        Pos::new(HPos::Right, VPos::Center),
        theme.text,
        fp,
    )?;
    let v = format_duration(row.value);
    let vw = text_width_px(v.chars().count(), fp);
    // Inside the bar when the text would leave the chart on the right and the bar can hold it.
    if r - l > vw + 8 && r + 4 + vw > layout.width {
        let inside = Pos::new(HPos::Right, VPos::Center);
        draw_text(
            root,
            &v,
            (r - 4, mid),
            inside,
            text_color_on(row.colour),
            fp,
        )?;
    } else {
        let after = Pos::new(HPos::Left, VPos::Center);
        draw_text(root, &v, (r + 4, mid), after, theme.text, fp)?;
    }
    Ok(BarBox {
        index: row.index,
        rect: (l, t, r, b),
    })
}

/// [`duration_histogram_themed`] with the light theme.
pub fn duration_histogram<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    durations_ns: &[u64],
    buckets: usize,
) -> Result<Vec<BarBox>, ChartError<DB>> {
    duration_histogram_themed(root, durations_ns, buckets, &ChartTheme::default())
}

/// Histogram of span durations over log-scale buckets ([`histogram_buckets`]), equal-width
/// columns, x labels at bucket edges via `format_duration` (thinned so they do not overlap),
/// y labels 0 and the largest count. Empty input draws "no data".
pub fn duration_histogram_themed<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    durations_ns: &[u64],
    buckets: usize,
    theme: &ChartTheme,
) -> Result<Vec<BarBox>, ChartError<DB>> {
    duration_histogram_buckets_themed(root, &histogram_buckets(durations_ns, buckets), theme)
}

/// The histogram of already-bucketed durations (the viewer's worker buckets a trace's spans so
/// the page never receives one number per span).
pub fn duration_histogram_buckets_themed<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    hist: &[Bucket],
    theme: &ChartTheme,
) -> Result<Vec<BarBox>, ChartError<DB>> {
    prepare(&root, theme)?;
    let fp = theme.font_px.max(1);
    if hist.is_empty() {
        no_data(&root, theme)?;
        root.present()?;
        return Ok(Vec::new());
    }
    let max_count = hist.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let nb = hist.len() as f64;
    let y_label_w = text_width_px(max_count.to_string().len().max(1), fp) + 10;
    // Room below for the tick labels and the axis title, above for the y axis title.
    let chart = ChartBuilder::on(&root)
        .margin(8)
        .margin_top(8 + fp as i32 + 6)
        .margin_right(8 + text_width_px(4, fp))
        .x_label_area_size(2 * fp as i32 + 16)
        .y_label_area_size(y_label_w)
        .build_cartesian_2d(0f64..nb, 0f64..max_count as f64)?;
    let base = root.get_base_pixel();
    let to_local = |p: (i32, i32)| (p.0 - base.0, p.1 - base.1);
    let axis = rgb(theme.axis);
    let bar = rgb(theme.bar);

    let mut boxes = Vec::new();
    for (i, b) in hist.iter().enumerate() {
        if b.count == 0 {
            continue;
        }
        let (x0, x1) = (i as f64 + 0.08, i as f64 + 0.92);
        chart.plotting_area().draw(&Rectangle::new(
            [(x0, 0.0), (x1, b.count as f64)],
            bar.filled(),
        ))?;
        let (l, t) = to_local(chart.backend_coord(&(x0, b.count as f64)));
        let (r, bo) = to_local(chart.backend_coord(&(x1, 0.0)));
        boxes.push(BarBox {
            index: i,
            rect: (l, t, r.max(l + 1), bo.max(t + 1)),
        });
    }

    // Axes.
    let origin = to_local(chart.backend_coord(&(0.0, 0.0)));
    let x_end = to_local(chart.backend_coord(&(nb, 0.0)));
    let y_end = to_local(chart.backend_coord(&(0.0, max_count as f64)));
    root.draw(&PathElement::new(vec![origin, x_end], axis))?;
    root.draw(&PathElement::new(vec![origin, y_end], axis))?;

    // X labels at bucket edges, every k-th so that labels ~8 chars wide do not overlap.
    let col_px = ((x_end.0 - origin.0) as f64 / nb).max(1.0);
    let label_px = text_width_px(8, fp) as f64 + 8.0;
    let every = (label_px / col_px).ceil().max(1.0) as usize;
    for i in (0..=hist.len()).step_by(every) {
        let edge = if i < hist.len() {
            hist[i].lo
        } else {
            hist[hist.len() - 1].hi
        };
        let (x, y) = to_local(chart.backend_coord(&(i as f64, 0.0)));
        root.draw(&PathElement::new(vec![(x, y), (x, y + 3)], axis))?;
        draw_text(
            &root,
            &format_duration(edge),
            (x, y + 5),
            Pos::new(HPos::Center, VPos::Top),
            theme.text,
            fp,
        )?;
    }
    // Y labels: 0 and the maximum count.
    for (v, p) in [(0u64, origin), (max_count, y_end)] {
        draw_text(
            &root,
            &v.to_string(),
            (p.0 - 4, p.1),
            Pos::new(HPos::Right, VPos::Center),
            theme.text,
            fp,
        )?;
    }
    // Axis titles: what the columns count, and what the buckets measure.
    draw_text(
        &root,
        HISTOGRAM_Y_TITLE,
        (origin.0, y_end.1 - 6),
        Pos::new(HPos::Left, VPos::Bottom),
        theme.text,
        fp,
    )?;
    draw_text(
        &root,
        HISTOGRAM_X_TITLE,
        ((origin.0 + x_end.0) / 2, origin.1 + fp as i32 + 10),
        Pos::new(HPos::Center, VPos::Top),
        theme.text,
        fp,
    )?;
    root.present()?;
    Ok(boxes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::palette::PALETTE;

    /// `(x, y, width, height, fill)` of every `<rect>` in the SVG.
    fn rects(svg: &str) -> Vec<(i32, i32, i32, i32, String)> {
        svg.split("<rect")
            .skip(1)
            .map(|r| {
                let attr = |name: &str| -> String {
                    let pat = format!(" {name}=\"");
                    r.split(&pat)
                        .nth(1)
                        .and_then(|s| s.split('"').next())
                        .unwrap_or("")
                        .to_string()
                };
                let num = |name: &str| attr(name).parse::<i32>().unwrap_or(-1);
                (
                    num("x"),
                    num("y"),
                    num("width"),
                    num("height"),
                    attr("fill"),
                )
            })
            .collect()
    }

    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1)?.split("</text").next())
            .map(|s| s.trim().replace("&lt;", "<").replace("&amp;", "&"))
            .collect()
    }

    fn hex(c: Rgb) -> String {
        format!("#{:02X}{:02X}{:02X}", c[0], c[1], c[2])
    }

    fn st(service: &str, self_ns: u64, colour: Rgb) -> ServiceTime {
        ServiceTime {
            service: service.to_string(),
            self_ns,
            colour,
        }
    }

    fn render_self_time(data: &[ServiceTime], size: (u32, u32)) -> (String, Vec<BarBox>) {
        let mut svg = String::new();
        let boxes = {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            self_time_by_service(root, data).expect("draws")
        };
        (svg, boxes)
    }

    #[test]
    fn self_time_one_bar_per_service_sorted_desc_with_labels() {
        let data = vec![
            st("db", 2_000_000, PALETTE[0]),
            st("api", 8_000_000, PALETTE[1]),
            st("cache", 500_000, PALETTE[2]),
        ];
        let (svg, boxes) = render_self_time(&data, (600, 200));
        let bars: Vec<_> = rects(&svg)
            .into_iter()
            .filter(|r| data.iter().any(|d| hex(d.colour) == r.4))
            .collect();
        assert_eq!(bars.len(), 3, "{svg}");
        // Sorted by self time: api (PALETTE[1]) on top, then db, then cache; widths descend.
        assert_eq!(bars[0].4, hex(PALETTE[1]));
        assert_eq!(bars[1].4, hex(PALETTE[0]));
        assert!(bars[0].2 > bars[1].2 && bars[1].2 > bars[2].2);
        assert!(
            bars[0].1 < bars[1].1 && bars[1].1 < bars[2].1,
            "top to bottom"
        );
        // Width proportional to value: db is a quarter of api.
        let ratio = bars[1].2 as f64 / bars[0].2 as f64;
        assert!((ratio - 0.25).abs() < 0.02, "{ratio}");
        let t = texts(&svg);
        for s in ["api", "db", "cache", "8.00 ms", "2.00 ms", "500 µs"] {
            assert!(t.iter().any(|x| x == s), "label {s} missing in {t:?}");
        }
        assert_eq!(boxes.iter().map(|b| b.index).collect::<Vec<_>>(), [1, 0, 2]);
        let (l, t0, _, _) = boxes[0].rect;
        assert!(boxes[0].contains(l + 1, t0 + 1));
        assert!(!boxes[1].contains(l + 1, t0 + 1));
    }

    #[test]
    fn self_time_empty_and_zero_draw_no_data() {
        for data in [vec![], vec![st("idle", 0, PALETTE[3])]] {
            let (svg, boxes) = render_self_time(&data, (300, 120));
            assert!(boxes.is_empty());
            assert_eq!(texts(&svg), [NO_DATA]);
        }
    }

    #[test]
    fn self_time_many_services_fold_into_other_and_long_names_truncate() {
        let data: Vec<ServiceTime> = (0..50)
            .map(|i| {
                st(
                    &format!("service-with-a-very-long-name-{i:02}"),
                    1000 + i,
                    PALETTE[0],
                )
            })
            .collect();
        let (svg, boxes) = render_self_time(&data, (400, 100));
        assert!(boxes.len() < 50);
        assert_eq!(boxes.last().map(|b| b.index), Some(OTHER_BAR));
        let t = texts(&svg);
        assert!(t.iter().any(|s| s.starts_with("other (")), "{t:?}");
        assert!(t.iter().any(|s| s.ends_with('…')), "{t:?}");
        for b in &boxes {
            let (l, t, r, bo) = b.rect;
            assert!(l >= 0 && r <= 400 && t >= 0 && bo <= 100, "{b:?}");
        }
    }

    #[test]
    fn dark_theme_and_transparent_background() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (300, 100)).into_drawing_area();
            let theme = ChartTheme {
                background: None,
                ..ChartTheme::dark()
            };
            let data = [st("api", 10, PALETTE[4])];
            self_time_by_service_themed(root, &data, &theme).expect("draws");
        }
        assert!(rects(&svg).iter().all(|r| r.4 != "#FFFFFF"));
        assert!(svg.contains("#E6E6E6"), "dark theme text colour");
    }

    #[test]
    fn buckets_are_log_spaced_and_count_everything() {
        let d: Vec<u64> = (0..=6).map(|k| 10u64.pow(k)).collect(); // 1 ns .. 1 ms
        let b = histogram_buckets(&d, 6);
        assert_eq!(b.len(), 6);
        assert_eq!(b.iter().map(|b| b.count).sum::<u64>(), 7);
        assert_eq!(b[0].lo, 1);
        assert_eq!(b[5].hi, 1_000_001);
        for w in b.windows(2) {
            assert_eq!(w[0].hi, w[1].lo, "contiguous");
        }
        // Geometric spacing: each bucket ~10x the previous.
        for x in &b[1..5] {
            let r = x.hi as f64 / x.lo as f64;
            assert!((r - 10.0).abs() < 0.1, "{x:?}");
        }
        assert!(b.iter().all(|x| x.count >= 1));
    }

    #[test]
    fn buckets_edge_cases() {
        assert!(histogram_buckets(&[], 10).is_empty());
        let b = histogram_buckets(&[5, 5, 5], 10);
        assert_eq!(
            b,
            [Bucket {
                lo: 5,
                hi: 6,
                count: 3
            }]
        );
        let b = histogram_buckets(&[0, 0, 3], 0);
        assert_eq!(
            b,
            [Bucket {
                lo: 1,
                hi: 4,
                count: 3
            }],
            "n=0 means one bucket"
        );
        let b = histogram_buckets(&[1, 2, 3], 100);
        assert!(b.len() <= 3, "no empty duplicate edges: {b:?}");
        assert_eq!(b.iter().map(|b| b.count).sum::<u64>(), 3);
        let b = histogram_buckets(&[u64::MAX, 1], 4);
        assert_eq!(b.iter().map(|b| b.count).sum::<u64>(), 2);
        assert_eq!(b.last().map(|b| b.count), Some(1));
    }

    #[test]
    fn histogram_draws_bars_and_duration_labels() {
        let d: Vec<u64> = (0..1000).map(|i| 1_000 + i * i * 50).collect();
        let mut svg = String::new();
        let boxes = {
            let root = SVGBackend::with_string(&mut svg, (640, 240)).into_drawing_area();
            duration_histogram(root, &d, 20).expect("draws")
        };
        let bars: Vec<_> = rects(&svg)
            .into_iter()
            .filter(|r| r.4 == hex(ChartTheme::default().bar))
            .collect();
        let hist = histogram_buckets(&d, 20);
        assert_eq!(bars.len(), hist.iter().filter(|b| b.count > 0).count());
        assert_eq!(bars.len(), boxes.len());
        // The tallest bar is the bucket with the largest count.
        let tallest = bars.iter().max_by_key(|r| r.3).map(|r| r.0);
        let biggest = boxes
            .iter()
            .max_by_key(|b| hist[b.index].count)
            .map(|b| b.rect.0);
        assert_eq!(tallest, biggest);
        let t = texts(&svg);
        assert!(
            t.contains(&"1.00 µs".to_string()),
            "first edge label: {t:?}"
        );
        assert!(t.contains(&hist.iter().map(|b| b.count).max().unwrap_or(0).to_string()));
        // Labels are thinned: at most one per ~60 px of width.
        let x_labels = t.iter().filter(|s| s.ends_with('s')).count();
        assert!((3..=640 / 60).contains(&x_labels), "{t:?}");
    }

    #[test]
    fn histogram_empty_draws_no_data() {
        let mut svg = String::new();
        let boxes = {
            let root = SVGBackend::with_string(&mut svg, (200, 100)).into_drawing_area();
            duration_histogram(root, &[], 10).expect("draws")
        };
        assert!(boxes.is_empty());
        assert_eq!(texts(&svg), [NO_DATA]);
    }

    #[test]
    fn draws_into_a_sub_area() {
        // Charts must work in a split area (offset base pixel): boxes stay area-relative.
        let mut svg = String::new();
        let boxes = {
            let root = SVGBackend::with_string(&mut svg, (800, 200)).into_drawing_area();
            let (_, right) = root.split_horizontally(400);
            self_time_by_service(right, &[st("a", 5, PALETTE[7])]).expect("draws")
        };
        let bar = rects(&svg)
            .into_iter()
            .find(|r| r.4 == hex(PALETTE[7]))
            .expect("bar drawn");
        assert!(bar.0 >= 400, "drawn in the right half: {bar:?}");
        assert_eq!(boxes[0].rect.0, bar.0 - 400);
    }

    #[test]
    fn truncate_labels() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 0), "");
    }

    /// Service names come from the user's file and the SVG is put into the page: markup in
    /// them must come out as text.
    #[test]
    fn service_names_are_escaped_in_svg() {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (480, 200)).into_drawing_area();
            let data = vec![st("<img src=x onerror=alert(1)>", 10, [1, 2, 3])];
            self_time_by_service(root, &data).expect("draws");
        }
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img"), "{svg}");
    }

    #[test]
    fn bucketed_histogram_draws_one_bar_per_non_empty_bucket() {
        let hist = vec![
            Bucket {
                lo: 1,
                hi: 10,
                count: 3,
            },
            Bucket {
                lo: 10,
                hi: 100,
                count: 0,
            },
            Bucket {
                lo: 100,
                hi: 1000,
                count: 5,
            },
        ];
        let mut svg = String::new();
        let boxes = {
            let root = SVGBackend::with_string(&mut svg, (480, 200)).into_drawing_area();
            duration_histogram_buckets_themed(root, &hist, &ChartTheme::default()).expect("draws")
        };
        assert_eq!(boxes.len(), 2);
        assert_eq!(boxes[0].index, 0);
        assert_eq!(boxes[1].index, 2);
    }

    #[test]
    fn both_charts_title_their_axes_in_12_px_text() {
        let data = vec![st("api", 5_000_000, PALETTE[0])];
        let (svg, _) = render_self_time(&data, (640, 120));
        assert!(svg.contains(SELF_TIME_X_TITLE), "{svg}");
        let mut hist = String::new();
        {
            let root = SVGBackend::with_string(&mut hist, (640, 240)).into_drawing_area();
            duration_histogram(root, &[1_000, 20_000, 3_000_000], 8).expect("draws");
        }
        assert!(hist.contains(HISTOGRAM_X_TITLE) && hist.contains(HISTOGRAM_Y_TITLE));
        for svg in [&svg, &hist] {
            for size in svg.split("font-size=\"").skip(1) {
                let px: f64 = size
                    .split('"')
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0.0);
                assert!(px >= 11.99, "label of {px} px");
            }
        }
    }
}
