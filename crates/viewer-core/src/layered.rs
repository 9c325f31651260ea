//! A small layered (Sugiyama-style) layout for the service map: each node gets a layer (its
//! distance from the root services along the calls, left to right) and a slot in its layer;
//! slots are ordered by the average slot of each node's callers (the barycenter heuristic, two
//! sweeps) to keep edges from crossing. A node has a slot of its own, so boxes never overlap.
//!
//! Written here rather than taken from a crate: the layout crates on crates.io either draw to
//! their own SVG (layout-rs) or need a graph library and a solver; the map has at most a few
//! hundred nodes and needs only this.

/// Where a node goes: its layer (column) and its place in the layer (row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub layer: u32,
    pub slot: u32,
}

/// Places `n` nodes joined by directed `edges` (from, to), starting from `roots` (layer 0).
/// Nodes no root reaches start new columns after the reached ones, from the first of them.
pub fn layered(n: usize, edges: &[(u32, u32)], roots: &[u32]) -> Vec<Place> {
    let layer = layers(n, edges, roots);
    let layers = layer.iter().copied().max().map_or(0, |l| l as usize + 1);
    // Initial order in each layer: by node index.
    let mut columns: Vec<Vec<u32>> = vec![Vec::new(); layers];
    for (node, &l) in layer.iter().enumerate() {
        columns[l as usize].push(node as u32);
    }
    for _ in 0..2 {
        for l in 1..layers {
            let slots = slots_of(n, &columns);
            sort_by_barycenter(
                &mut columns[l],
                |node| neighbours(edges, node, true),
                &slots,
            );
        }
        for l in (0..layers.saturating_sub(1)).rev() {
            let slots = slots_of(n, &columns);
            sort_by_barycenter(
                &mut columns[l],
                |node| neighbours(edges, node, false),
                &slots,
            );
        }
    }
    let slots = slots_of(n, &columns);
    (0..n)
        .map(|node| Place {
            layer: layer[node],
            slot: slots[node],
        })
        .collect()
}

/// Breadth-first distance from the roots; nodes left over start from the lowest unplaced index.
fn layers(n: usize, edges: &[(u32, u32)], roots: &[u32]) -> Vec<u32> {
    let mut layer = vec![u32::MAX; n];
    let mut frontier: Vec<u32> = roots
        .iter()
        .copied()
        .filter(|&r| (r as usize) < n)
        .collect();
    let mut base = 0;
    loop {
        for &r in &frontier {
            layer[r as usize] = base;
        }
        let mut depth = base;
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for &(from, to) in edges {
                let (f, t) = (from as usize, to as usize);
                if f < n && t < n && frontier.contains(&from) && layer[t] == u32::MAX {
                    layer[t] = depth + 1;
                    next.push(to);
                }
            }
            if !next.is_empty() {
                depth += 1;
            }
            frontier = next;
        }
        match layer.iter().position(|&l| l == u32::MAX) {
            Some(unplaced) => {
                base = layer
                    .iter()
                    .filter(|&&l| l != u32::MAX)
                    .max()
                    .map_or(0, |&m| m + 1);
                frontier = vec![unplaced as u32];
            }
            None => return layer,
        }
    }
}

fn slots_of(n: usize, columns: &[Vec<u32>]) -> Vec<u32> {
    let mut slot = vec![0u32; n];
    for column in columns {
        for (k, &node) in column.iter().enumerate() {
            slot[node as usize] = k as u32;
        }
    }
    slot
}

/// The nodes joined to `node`: its callers (`incoming`) or its callees.
fn neighbours(edges: &[(u32, u32)], node: u32, incoming: bool) -> Vec<u32> {
    edges
        .iter()
        .filter_map(|&(from, to)| match incoming {
            true if to == node && from != node => Some(from),
            false if from == node && to != node => Some(to),
            _ => None,
        })
        .collect()
}

/// Orders a layer by the mean slot of each node's neighbours; nodes without any keep their
/// place relative to each other (a stable sort on their current slot).
fn sort_by_barycenter(column: &mut [u32], neighbours: impl Fn(u32) -> Vec<u32>, slots: &[u32]) {
    let key = |node: u32| -> f64 {
        let ns = neighbours(node);
        if ns.is_empty() {
            slots[node as usize] as f64
        } else {
            ns.iter().map(|&m| slots[m as usize] as f64).sum::<f64>() / ns.len() as f64
        }
    };
    let mut keyed: Vec<(f64, u32)> = column.iter().map(|&node| (key(node), node)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (slot, (_, node)) in column.iter_mut().zip(keyed) {
        *slot = node;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_two_share_a_place(places: &[Place]) {
        for (a, pa) in places.iter().enumerate() {
            for pb in &places[a + 1..] {
                assert_ne!(pa, pb, "two nodes at {pa:?}");
            }
        }
    }

    #[test]
    fn a_chain_goes_left_to_right_and_a_fan_out_stacks() {
        // 0 -> 1 -> 2, 0 -> 3, 1 -> 4
        let p = layered(5, &[(0, 1), (1, 2), (0, 3), (1, 4)], &[0]);
        assert_eq!(p[0].layer, 0);
        assert_eq!([p[1].layer, p[3].layer], [1, 1]);
        assert_eq!([p[2].layer, p[4].layer], [2, 2]);
        no_two_share_a_place(&p);
    }

    #[test]
    fn a_cycle_and_an_unreached_part_still_get_places() {
        // 0 -> 1 -> 0 (a call back), and 2 -> 3 that no root reaches.
        let p = layered(4, &[(0, 1), (1, 0), (2, 3)], &[0]);
        assert_eq!([p[0].layer, p[1].layer], [0, 1]);
        assert!(p[2].layer >= 2 && p[3].layer == p[2].layer + 1, "{p:?}");
        no_two_share_a_place(&p);
    }

    #[test]
    fn barycenters_uncross_two_parallel_chains() {
        // Roots 0 and 1; 0 -> 3 and 1 -> 2: the slots in layer 1 follow their callers.
        let p = layered(4, &[(0, 3), (1, 2)], &[0, 1]);
        assert!(p[0].slot < p[1].slot);
        assert!(p[3].slot < p[2].slot, "{p:?}");
    }

    #[test]
    fn fifty_services_all_placed_apart() {
        let edges: Vec<(u32, u32)> = (1..50).map(|k| ((k - 1) / 3, k)).collect();
        let p = layered(50, &edges, &[0]);
        no_two_share_a_place(&p);
        for &(from, to) in &edges {
            assert!(p[to as usize].layer > p[from as usize].layer);
        }
    }
}
