//! Service colours.
//!
//! Colours are handed out per trace, in the order services first appear walking the span tree
//! from the root: the services a person sees together (a root and its callees) take the
//! palette's first, most distinct colours, and no two of the first 20 services share one.
//! (Hashing names, as before, gave three services of the shop sample the same brown.)
//!
//! The 20 colours were chosen by a greedy max-min search in CIELAB over sRGB colours whose
//! contrast is at least 3:1 (WCAG 1.4.11, non-text graphics) against both a white page and a
//! near-black one, so every bar reads in light and dark mode. The first six are also kept
//! apart under simulated deuteranopia and protanopia (Machado et al. 2009); the first 14 are
//! vivid, the last six muted. Tests check contrast and the pairwise CIEDE2000 distance.
//! Labels drawn on a bar use black or white, whichever contrasts more (>= 4.5:1 here).

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// The service palette, in the order colours are handed out.
pub const PALETTE: [Rgb; 20] = [
    [0x3c, 0x73, 0xc5], // blue
    [0x92, 0x9b, 0x1c], // olive yellow
    [0xa8, 0x3f, 0x5c], // raspberry
    [0xde, 0x70, 0x8b], // pink
    [0x43, 0x72, 0x00], // green
    [0x99, 0x44, 0x87], // plum
    [0xd4, 0x6b, 0x01], // orange
    [0x02, 0xa6, 0x71], // jade
    [0xd9, 0x5f, 0xfc], // orchid
    [0xc2, 0x1b, 0x0d], // red
    [0x71, 0x42, 0xee], // violet
    [0xfb, 0x5a, 0x46], // coral
    [0x25, 0x9c, 0xde], // sky blue
    [0x8f, 0x82, 0xe2], // lavender
    [0x14, 0x71, 0x74], // teal
    [0x73, 0x5f, 0x4b], // brown
    [0xa8, 0x8b, 0x7f], // taupe
    [0x76, 0x9a, 0x9b], // grey teal
    [0x62, 0x60, 0x79], // slate
    [0x6e, 0x79, 0x60], // moss
];

/// Black and white, for labels.
pub const BLACK: Rgb = [0, 0, 0];
/// White.
pub const WHITE: Rgb = [0xff, 0xff, 0xff];

/// One colour per service id (`id_count` ids), handed out in the order the ids first occur in
/// `ids_in_order` (for a trace: each span's service id in tree preorder). Past the palette's
/// end the colours repeat. Ids that never occur get the first colour.
pub fn colors_by_first_appearance(
    ids_in_order: impl IntoIterator<Item = u32>,
    id_count: usize,
) -> Vec<Rgb> {
    let mut out: Vec<Option<Rgb>> = vec![None; id_count];
    let mut next = 0usize;
    for id in ids_in_order {
        if let Some(slot @ None) = out.get_mut(id as usize) {
            *slot = Some(PALETTE[next % PALETTE.len()]);
            next += 1;
        }
    }
    out.into_iter().map(|c| c.unwrap_or(PALETTE[0])).collect()
}

/// An sRGB channel in linear light (0..=1).
fn linear(v: u8) -> f64 {
    let v = v as f64 / 255.0;
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// WCAG relative luminance of an sRGB colour.
pub fn relative_luminance(c: Rgb) -> f64 {
    0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
}

/// WCAG contrast ratio (1..=21).
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Black or white, whichever is more readable on `background`.
pub fn text_color_on(background: Rgb) -> Rgb {
    if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) {
        BLACK
    } else {
        WHITE
    }
}

/// `#rrggbb`, for CSS and SVG.
pub fn to_hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_contrasts_with_light_and_dark_pages() {
        let dark = [0x12, 0x12, 0x12];
        for c in PALETTE {
            assert!(contrast_ratio(c, WHITE) >= 3.0, "{} on white", to_hex(c));
            assert!(contrast_ratio(c, dark) >= 3.0, "{} on dark", to_hex(c));
            let t = text_color_on(c);
            assert!(contrast_ratio(c, t) >= 4.5, "label on {}", to_hex(c));
        }
        let mut uniq = PALETTE.to_vec();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), PALETTE.len());
    }

    #[test]
    fn text_colour_picks_the_readable_one() {
        assert_eq!(text_color_on([0xff, 0xff, 0x00]), BLACK);
        assert_eq!(text_color_on([0x00, 0x00, 0x80]), WHITE);
        assert!((contrast_ratio(BLACK, WHITE) - 21.0).abs() < 1e-9);
        assert_eq!(to_hex([0xd7, 0x45, 0x05]), "#d74505");
    }

    #[test]
    fn services_get_colours_in_order_of_first_appearance() {
        // Service ids per span in preorder: 2 first, then 0, then 1; id 3 never occurs.
        let colors = colors_by_first_appearance([2, 2, 0, 2, 1, 0], 4);
        assert_eq!(colors, vec![PALETTE[1], PALETTE[2], PALETTE[0], PALETTE[0]]);
        // Twenty services, twenty different colours; the 21st repeats the first.
        let colors = colors_by_first_appearance(0..21, 21);
        let mut first20 = colors[..20].to_vec();
        first20.sort();
        first20.dedup();
        assert_eq!(first20.len(), 20);
        assert_eq!(colors[20], colors[0]);
        // Ids beyond the count are ignored, not a panic.
        assert_eq!(colors_by_first_appearance([7], 1), vec![PALETTE[0]]);
    }

    /// CIELAB (D65) of an sRGB colour.
    fn lab(c: Rgb) -> [f64; 3] {
        let (r, g, b) = (linear(c[0]), linear(c[1]), linear(c[2]));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// CIEDE2000 colour difference (Sharma, Wu and Dalal 2005).
    fn delta_e2000(c1: Rgb, c2: Rgb) -> f64 {
        let ([l1, a1, b1], [l2, a2, b2]) = (lab(c1), lab(c2));
        let c_bar = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - (c_bar.powi(7) / (c_bar.powi(7) + 25f64.powi(7))).sqrt());
        let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
        let hue = |b: f64, a: f64| b.atan2(a).to_degrees().rem_euclid(360.0);
        let (h1, h2) = (hue(b1, a1p), hue(b2, a2p));
        let mut dh = h2 - h1;
        if c1p * c2p == 0.0 {
            dh = 0.0;
        } else if dh > 180.0 {
            dh -= 360.0;
        } else if dh < -180.0 {
            dh += 360.0;
        }
        let d_l = l2 - l1;
        let d_c = c2p - c1p;
        let d_h = 2.0 * (c1p * c2p).sqrt() * (dh / 2.0).to_radians().sin();
        let l_bar = (l1 + l2) / 2.0;
        let cp_bar = (c1p + c2p) / 2.0;
        let h_bar = if c1p * c2p == 0.0 {
            h1 + h2
        } else if (h1 - h2).abs() > 180.0 {
            if h1 + h2 < 360.0 {
                (h1 + h2 + 360.0) / 2.0
            } else {
                (h1 + h2 - 360.0) / 2.0
            }
        } else {
            (h1 + h2) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(h_bar - 30.0)
            + 0.24 * cos(2.0 * h_bar)
            + 0.32 * cos(3.0 * h_bar + 6.0)
            - 0.20 * cos(4.0 * h_bar - 63.0);
        let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
        let r_c = 2.0 * (cp_bar.powi(7) / (cp_bar.powi(7) + 25f64.powi(7))).sqrt();
        let s_l = 1.0 + 0.015 * (l_bar - 50.0).powi(2) / (20.0 + (l_bar - 50.0).powi(2)).sqrt();
        let s_c = 1.0 + 0.045 * cp_bar;
        let s_h = 1.0 + 0.015 * cp_bar * t;
        let r_t = -(2.0 * d_theta).to_radians().sin() * r_c;
        ((d_l / s_l).powi(2)
            + (d_c / s_c).powi(2)
            + (d_h / s_h).powi(2)
            + r_t * (d_c / s_c) * (d_h / s_h))
            .sqrt()
    }

    #[test]
    fn delta_e_matches_published_pairs() {
        // Identical colours differ by 0; black and white by CIEDE2000's 100.
        assert!(delta_e2000(PALETTE[0], PALETTE[0]).abs() < 1e-9);
        assert!((delta_e2000(BLACK, WHITE) - 100.0).abs() < 0.1);
    }

    #[test]
    fn every_pair_of_palette_colours_is_clearly_different() {
        // 10 is "clearly different at a glance"; a just-noticeable difference is about 2.3.
        for (i, &a) in PALETTE.iter().enumerate() {
            for &b in &PALETTE[i + 1..] {
                let d = delta_e2000(a, b);
                assert!(d >= 12.0, "{} vs {}: {d:.1}", to_hex(a), to_hex(b));
            }
        }
    }

    /// A colour as seen with full deuteranopia or protanopia (Machado, Oliveira and Fernandes
    /// 2009, severity 1.0), applied in linear RGB.
    fn simulate(c: Rgb, m: [[f64; 3]; 3]) -> Rgb {
        let encode = |x: f64| {
            let x = x.clamp(0.0, 1.0);
            let v = if x <= 0.003_130_8 {
                12.92 * x
            } else {
                1.055 * x.powf(1.0 / 2.4) - 0.055
            };
            (v * 255.0).round() as u8
        };
        let l = [linear(c[0]), linear(c[1]), linear(c[2])];
        let row = |r: [f64; 3]| encode(r[0] * l[0] + r[1] * l[1] + r[2] * l[2]);
        [row(m[0]), row(m[1]), row(m[2])]
    }

    #[test]
    fn the_first_colours_stay_apart_for_red_green_colour_blindness() {
        const DEUTERANOPIA: [[f64; 3]; 3] = [
            [0.367_322, 0.860_646, -0.227_968],
            [0.280_085, 0.672_501, 0.047_413],
            [-0.011_820, 0.042_940, 0.968_881],
        ];
        const PROTANOPIA: [[f64; 3]; 3] = [
            [0.152_286, 1.052_583, -0.204_868],
            [0.114_503, 0.786_281, 0.099_216],
            [-0.003_882, -0.048_116, 1.051_998],
        ];
        for m in [DEUTERANOPIA, PROTANOPIA] {
            for (i, &a) in PALETTE[..6].iter().enumerate() {
                for &b in &PALETTE[i + 1..6] {
                    let d = delta_e2000(simulate(a, m), simulate(b, m));
                    assert!(d >= 10.0, "{} vs {}: {d:.1}", to_hex(a), to_hex(b));
                }
            }
        }
    }
}
