//! The minimap's span density, made once per trace where the spans are (the worker) at a
//! fixed resolution, and fitted to the minimap's width on the page: the page's work is then
//! O(width) per draw, not O(spans) (a million spans took 33-60 ms of the main thread per
//! width).

use crate::lod::{minimap_density_iter, normalize_max};

/// Bins across the trace: more than any minimap is wide in device pixels.
pub const BINS: usize = 4096;

/// The density of `(start, duration)` spans over `extent` in [`BINS`] bins, scaled so the
/// densest is `u16::MAX`.
pub fn bins(spans: impl Iterator<Item = (u64, u64)>, extent: (u64, u64)) -> Vec<u16> {
    let mut d = minimap_density_iter(spans, extent, BINS);
    normalize_max(&mut d);
    d.iter()
        .map(|v| (v * f32::from(u16::MAX)).round() as u16)
        .collect()
}

/// The density per pixel column of a minimap `width` columns wide, from [`bins`]: each column
/// averages the bins it covers (a bin it covers in part counts in part), then the densest
/// column is 1.
pub fn columns(bins: &[u16], width: usize) -> Vec<f32> {
    if width == 0 || bins.is_empty() {
        return vec![0.0; width];
    }
    let per_column = bins.len() as f64 / width as f64;
    let mut out: Vec<f32> = (0..width)
        .map(|c| {
            let (a, b) = (c as f64 * per_column, (c + 1) as f64 * per_column);
            let mut sum = 0.0;
            let mut k = a.floor() as usize;
            while (k as f64) < b && k < bins.len() {
                let overlap = (b.min((k + 1) as f64) - a.max(k as f64)).max(0.0);
                sum += overlap * f64::from(bins[k]);
                k += 1;
            }
            (sum / per_column) as f32
        })
        .collect();
    normalize_max(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lod::minimap_density;

    fn spans() -> Vec<(u64, u64)> {
        let mut rng = 7u64;
        let mut next = move |m: u64| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 33) % m
        };
        (0..5000)
            .map(|_| (next(1_000_000), next(50_000) + 1))
            .collect()
    }

    #[test]
    fn columns_from_bins_match_the_density_computed_at_that_width() {
        let spans = spans();
        let extent = (0, 1_050_000);
        let b = bins(spans.iter().copied(), extent);
        assert_eq!(b.len(), BINS);
        assert_eq!(b.iter().copied().max(), Some(u16::MAX));
        for width in [1, 97, 300, 1024, 1400, 4096] {
            let mut direct = minimap_density(&spans, extent, width);
            normalize_max(&mut direct);
            let fitted = columns(&b, width);
            assert_eq!(fitted.len(), width);
            // A column made of whole bins is exact (but for rounding to u16); one that cuts
            // a bin assumes the bin even inside.
            let tolerance = if BINS.is_multiple_of(width) {
                1e-3
            } else {
                0.02
            };
            let worst = fitted
                .iter()
                .zip(&direct)
                .map(|(f, d)| (f - d).abs())
                .fold(0f32, f32::max);
            assert!(worst <= tolerance, "width {width}: off by {worst}");
        }
    }

    #[test]
    fn empty_and_degenerate_inputs_give_zeros() {
        assert_eq!(columns(&[], 3), vec![0.0; 3]);
        assert!(columns(&bins(std::iter::empty(), (0, 10)), 0).is_empty());
        assert!(bins(std::iter::empty(), (0, 10)).iter().all(|&v| v == 0));
        assert!(columns(&bins(std::iter::empty(), (0, 10)), 5)
            .iter()
            .all(|&v| v == 0.0));
    }
}
