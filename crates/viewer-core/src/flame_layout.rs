//! Where a flame graph's boxes fall on a canvas, for the part of the graph in view. Boxes at
//! least a pixel wide are drawn one by one; thinner ones are merged per pixel column and row
//! (level of detail) and neighbouring columns of a row into one run, so a million spans cost a
//! pass over the columns and a few thousand rectangles, whatever the zoom.

use crate::bitset::BitSet;

/// A box wide enough to draw (and to point at) on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlameRect {
    /// The item (frame or span) it shows.
    pub item: u32,
    pub x: f64,
    pub w: f64,
    pub depth: u16,
}

/// Neighbouring pixel columns of one row where only boxes thinner than a pixel fall: drawn as
/// one rectangle (a dense row zoomed in has thousands of such columns, and each call into the
/// canvas costs more than the pixels it fills).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThinRun {
    pub depth: u16,
    /// The first column.
    pub x: u32,
    /// How many columns.
    pub w: u32,
}

/// What to draw for one view of the graph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlameLayout {
    pub rects: Vec<FlameRect>,
    pub thin: Vec<ThinRun>,
}

impl FlameLayout {
    /// The box under a point (`row` is the depth), if one was drawn there.
    pub fn hit(&self, x: f64, row: u16) -> Option<&FlameRect> {
        self.rects
            .iter()
            .find(|r| r.depth == row && r.x <= x && x < r.x + r.w)
    }
}

/// The boxes of items `start[i]..start[i] + len[i]` (in the graph's units, `0..total`) at
/// `depth[i]`, for the view `window` (fractions of `total`, left and right) on a canvas
/// `width_px` wide.
pub fn layout(
    start: &[u64],
    len: &[u64],
    depth: &[u16],
    total: u64,
    window: (f64, f64),
    width_px: f64,
) -> FlameLayout {
    let mut out = FlameLayout::default();
    let span = (window.1 - window.0).max(f64::MIN_POSITIVE) * total.max(1) as f64;
    let origin = window.0 * total.max(1) as f64;
    let px_per_unit = width_px / span;
    let columns = width_px.ceil().max(1.0) as usize;
    let rows = depth.iter().copied().max().map_or(0, |d| d as usize + 1);
    let mut thin = BitSet::new(columns * rows);
    let n = start.len().min(len.len()).min(depth.len());
    for i in 0..n {
        let x = (start[i] as f64 - origin) * px_per_unit;
        let w = len[i] as f64 * px_per_unit;
        if x + w < 0.0 || x >= width_px {
            continue;
        }
        if w >= 1.0 {
            let left = x.max(0.0);
            let right = (x + w).min(width_px);
            out.rects.push(FlameRect {
                item: i as u32,
                x: left,
                w: right - left,
                depth: depth[i],
            });
        } else {
            let column = (x.max(0.0) as usize).min(columns - 1);
            thin.set((depth[i] as usize * columns + column) as u32, true);
        }
    }
    out.thin = runs(&thin, columns);
    out
}

/// The set cells of a rows × `columns` grid (row-major), as runs along each row.
fn runs(cells: &BitSet, columns: usize) -> Vec<ThinRun> {
    let mut out: Vec<ThinRun> = Vec::new();
    for bit in cells.iter() {
        let bit = bit as usize;
        let depth = (bit / columns) as u16;
        let x = (bit % columns) as u32;
        match out.last_mut() {
            Some(run) if run.depth == depth && run.x + run.w == x => run.w += 1,
            _ => out.push(ThinRun { depth, x, w: 1 }),
        }
    }
    out
}

/// `values[order[k]]` for each position `k`: a span column in the tree's preorder (what the
/// time-order flame graph lays out), built once per trace.
pub fn in_order(order: &[u32], values: &[u64]) -> Vec<u64> {
    order
        .iter()
        .map(|&span| values.get(span as usize).copied().unwrap_or(0))
        .collect()
}

/// The view after zooming by `factor` (above 1: in) around `at` (a fraction of the canvas
/// width), kept inside the graph and no narrower than `min_width` of it.
pub fn zoom(window: (f64, f64), factor: f64, at: f64, min_width: f64) -> (f64, f64) {
    let width = window.1 - window.0;
    let pivot = window.0 + width * at.clamp(0.0, 1.0);
    let new_width = (width / factor).clamp(min_width, 1.0);
    let left = (pivot - (pivot - window.0) * new_width / width).clamp(0.0, 1.0 - new_width);
    (left, left + new_width)
}

/// The view moved by `by` (a fraction of its own width; negative: to the left), kept inside.
pub fn pan(window: (f64, f64), by: f64) -> (f64, f64) {
    let width = window.1 - window.0;
    let left = (window.0 + by * width).clamp(0.0, 1.0 - width);
    (left, left + width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(item: u32, x: f64, w: f64, depth: u16) -> FlameRect {
        FlameRect { item, x, w, depth }
    }

    #[test]
    fn wide_boxes_are_rects_clipped_to_the_canvas_and_thin_ones_merge_per_pixel() {
        // Units 0..1000 on 100 px: 10 units a pixel.
        let start = [0, 0, 500, 501, 502, 990];
        let len = [1000, 400, 3, 3, 3, 20];
        let depth = [0, 1, 1, 1, 2, 1];
        let l = layout(&start, &len, &depth, 1000, (0.0, 1.0), 100.0);
        assert_eq!(l.rects.len(), 3);
        assert_eq!(l.rects[0], rect(0, 0.0, 100.0, 0));
        assert_eq!(l.rects[1], rect(1, 0.0, 40.0, 1));
        assert_eq!(l.rects[2].item, 5);
        // Items 2 and 3 share row 1 and column 50; item 4 is alone in row 2.
        let cell = |depth, x| ThinRun { depth, x, w: 1 };
        assert_eq!(l.thin, vec![cell(1, 50), cell(2, 50)]);
        assert_eq!(l.hit(20.0, 1).map(|r| r.item), Some(1));
        assert_eq!(l.hit(60.0, 1), None);
    }

    #[test]
    fn thin_columns_side_by_side_in_a_row_are_one_run() {
        // 100 units on 100 px; half-pixel boxes at columns 10-12 and 14 of row 1, 11 of row 2,
        // and the last column of row 1 next to the first of row 2 (not one run: other rows).
        let start = [10, 11, 12, 14, 11, 99, 0];
        let len = [0, 0, 0, 0, 0, 0, 0];
        let depth = [1, 1, 1, 1, 2, 1, 2];
        let l = layout(&start, &len, &depth, 100, (0.0, 1.0), 100.0);
        let run = |depth, x, w| ThinRun { depth, x, w };
        assert_eq!(
            l.thin,
            vec![
                run(1, 10, 3),
                run(1, 14, 1),
                run(1, 99, 1),
                run(2, 0, 1),
                run(2, 11, 1)
            ]
        );
    }

    #[test]
    fn zoomed_in_only_the_window_is_laid_out() {
        let start = [0, 100, 600];
        let len = [1000, 50, 100];
        let depth = [0, 1, 1];
        // The right half, 500 units on 100 px.
        let l = layout(&start, &len, &depth, 1000, (0.5, 1.0), 100.0);
        assert_eq!(l.rects.len(), 2, "item 1 is left of the window");
        assert_eq!(l.rects[0], rect(0, 0.0, 100.0, 0));
        assert_eq!(l.rects[1], rect(2, 20.0, 20.0, 1));
    }

    #[test]
    fn a_column_in_tree_order() {
        assert_eq!(in_order(&[2, 0, 1, 9], &[10, 20, 30]), vec![30, 10, 20, 0]);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_stays_inside() {
        let w = zoom((0.0, 1.0), 2.0, 0.5, 1e-6);
        assert!((w.0 - 0.25).abs() < 1e-12 && (w.1 - 0.75).abs() < 1e-12);
        let edge = zoom((0.0, 1.0), 4.0, 0.0, 1e-6);
        assert_eq!(edge, (0.0, 0.25));
        assert_eq!(
            zoom((0.2, 0.4), 0.1, 0.5, 1e-6),
            (0.0, 1.0),
            "zoomed out to the whole"
        );
        let narrow = zoom((0.5, 0.5 + 1e-6), 10.0, 0.5, 1e-6);
        assert!((narrow.1 - narrow.0 - 1e-6).abs() < 1e-12);
        assert_eq!(pan((0.0, 0.5), -1.0), (0.0, 0.5));
        assert_eq!(pan((0.0, 0.5), 3.0), (0.5, 1.0));
    }
}
