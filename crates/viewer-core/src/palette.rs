//! Stable service colours.
//!
//! A service keeps its colour across reloads, machines and viewer versions, so people can say
//! "the purple one" in a call. That rules out std's `RandomState` (seeded per process): the
//! name is hashed with FNV-1a 64, whose output is fixed by its spec.
//!
//! The 16 colours were picked at evenly spread hues with a relative luminance of ~0.16-0.24,
//! which gives every bar a contrast of at least 3:1 (WCAG 1.4.11, non-text graphics) against
//! both a white page and a near-black (#121212) one; tests check that. Labels drawn on a bar
//! use black or white, whichever contrasts more: with this luminance band that is >= 4.5:1.

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// The service palette.
pub const PALETTE: [Rgb; 16] = [
    [0xd7, 0x45, 0x45], // red
    [0xb6, 0x63, 0x27], // orange
    [0x92, 0x76, 0x1f], // ochre
    [0x52, 0x87, 0x1d], // olive green
    [0x1d, 0x8b, 0x39], // green
    [0x1d, 0x89, 0x65], // teal green
    [0x1e, 0x85, 0x8e], // teal
    [0x28, 0x7e, 0xbc], // blue
    [0x50, 0x73, 0xda], // indigo
    [0x7a, 0x66, 0xdf], // violet
    [0xa2, 0x53, 0xdb], // purple
    [0xcc, 0x2b, 0xcc], // magenta
    [0xd5, 0x38, 0x93], // pink
    [0xd7, 0x40, 0x66], // rose
    [0x8b, 0x8b, 0x28], // khaki
    [0xa8, 0x5a, 0x40], // brown
];

/// Black and white, for labels.
pub const BLACK: Rgb = [0, 0, 0];
/// White.
pub const WHITE: Rgb = [0xff, 0xff, 0xff];

/// FNV-1a, 64 bit: tiny, fast on short names, and identical on every platform.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Palette slot of a service name.
pub fn service_color_index(service: &str) -> usize {
    (fnv1a64(service.as_bytes()) % PALETTE.len() as u64) as usize
}

/// The colour of a service: the same name always gets the same colour.
pub fn service_color(service: &str) -> Rgb {
    PALETTE[service_color_index(service)]
}

/// Colours for a known set of services that avoid collisions while the palette lasts: each
/// service (in name order, so the result does not depend on input order) takes its hashed slot
/// or the next free one. Stable for the same set of services; use [`service_color`] where a
/// colour must not depend on the other services in view. Returned in input order.
pub fn assign_colors(services: &[&str]) -> Vec<Rgb> {
    let mut sorted: Vec<(usize, &str)> = services.iter().copied().enumerate().collect();
    sorted.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
    let mut taken = [false; PALETTE.len()];
    let mut by_name: Vec<(&str, usize)> = Vec::new();
    let mut out = vec![BLACK; services.len()];
    for (i, name) in sorted {
        // Duplicated names share one colour.
        if let Some(&(_, slot)) = by_name.iter().find(|(n, _)| *n == name) {
            out[i] = PALETTE[slot];
            continue;
        }
        let home = service_color_index(name);
        let slot = (0..PALETTE.len())
            .map(|k| (home + k) % PALETTE.len())
            .find(|&s| !taken[s])
            .unwrap_or(home);
        taken[slot] = true;
        by_name.push((name, slot));
        out[i] = PALETTE[slot];
    }
    out
}

/// WCAG relative luminance of an sRGB colour.
pub fn relative_luminance(c: Rgb) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
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
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn colours_are_stable_and_deterministic() {
        // Pinned: changing the palette or hash would recolour everyone's services.
        assert_eq!(
            service_color_index("frontend"),
            (fnv1a64(b"frontend") % 16) as usize
        );
        assert_eq!(service_color("frontend"), service_color("frontend"));
        assert_eq!(
            service_color_index("a"),
            (0xaf63_dc4c_8601_ec8cu64 % 16) as usize
        );
        let names = ["api", "db", "cache", "auth", "frontend", "payments"];
        let idx: Vec<usize> = names.iter().map(|n| service_color_index(n)).collect();
        assert!(
            idx.iter().any(|&i| i != idx[0]),
            "hash spreads names: {idx:?}"
        );
    }

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
    fn assignment_avoids_collisions_and_ignores_order() {
        let names: Vec<String> = (0..16).map(|i| format!("svc-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let cols = assign_colors(&refs);
        let mut uniq = cols.clone();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), 16, "16 services, 16 distinct colours");
        let mut rev = refs.clone();
        rev.reverse();
        let mut cols_rev = assign_colors(&rev);
        cols_rev.reverse();
        assert_eq!(cols, cols_rev, "independent of input order");
        let dup = assign_colors(&["x", "y", "x"]);
        assert_eq!(dup[0], dup[2]);
        assert_ne!(dup[0], dup[1]);
        // More services than colours: no panic, everyone gets a palette colour.
        let many: Vec<String> = (0..40).map(|i| format!("s{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(assign_colors(&many).iter().all(|c| PALETTE.contains(c)));
    }
}
