//! Self-contained share links: the open trace (or the part a scope selects) packed into the
//! URL fragment's `data=` value by `trace_core::packed`, and links opened back into a trace.

use crate::protocol::{ShareLinkView, ShareScope};
use trace_core::packed::{self, EncodeError, Packed};
use trace_core::scope::Scope;
use trace_core::Trace;
use viewer_core::rows::Collapsed;
use viewer_core::share::{ViewState, MAX_TRACE_DATA_CHARS};

/// What the person chose to share, before it is tied to a span or a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShareChoice {
    #[default]
    Whole,
    /// The selected span's subtree.
    Subtree,
    /// The spans the current filter matches, with their ancestors.
    Filtered,
}

impl ShareChoice {
    pub const ALL: [ShareChoice; 3] = [
        ShareChoice::Whole,
        ShareChoice::Subtree,
        ShareChoice::Filtered,
    ];

    /// The form value and the label of the choice.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareChoice::Whole => "whole",
            ShareChoice::Subtree => "subtree",
            ShareChoice::Filtered => "filtered",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ShareChoice::Whole => "the whole trace",
            ShareChoice::Subtree => "the selected span and its children",
            ShareChoice::Filtered => "the spans the filter matches",
        }
    }

    pub fn parse(s: &str) -> Option<ShareChoice> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The request's scope, or what the person must do first.
    pub fn scope(self, selected: Option<u32>, query: &str) -> Result<ShareScope, &'static str> {
        match self {
            ShareChoice::Whole => Ok(ShareScope::Whole),
            ShareChoice::Subtree => selected
                .map(|span| ShareScope::Subtree { span })
                .ok_or("select a span to share its subtree"),
            ShareChoice::Filtered if query.trim().is_empty() => {
                Err("type a filter to share the spans it matches")
            }
            ShareChoice::Filtered => Ok(ShareScope::Matches {
                query: query.to_string(),
            }),
        }
    }
}

/// The folded spans the worker must renumber for a link of `scope`: none when the whole trace
/// is shared while the folds are exactly a level (the link then says `depth=`; listing a
/// million-span trace's folds would cost the page and the link megabytes).
pub fn folds_to_send(scope: &ShareScope, collapsed: &Collapsed) -> Vec<u32> {
    let folds = collapsed.in_link();
    if *scope == ShareScope::Whole && folds.depth.is_some() {
        Vec::new()
    } else {
        collapsed.spans().collect()
    }
}

/// The view state of a self-contained link: the current view with the trace data and the
/// folded spans renumbered for the link's trace. Times are relative to the trace's start,
/// which moves when only part of the trace is shared, so a part keeps no time window.
pub fn trace_link_state(view: ViewState, link: &ShareLinkView) -> Option<ViewState> {
    let data = link.data.clone()?;
    let whole = link.scope == ShareScope::Whole;
    // The trace is in the link: nothing else names where it came from.
    Some(ViewState {
        window: view.window.filter(|_| whole),
        sample: None,
        url: None,
        lib: None,
        // A part's folds are listed, renumbered: a level would count depths from roots the
        // part may not have. The whole trace keeps its depths, so a level stays a level.
        collapsed_depth: view.collapsed_depth.filter(|_| whole),
        fold: link.fold.clone(),
        data: Some(data),
        ..view
    })
}

/// One packed link, kept so that folding a span (which changes only `fold`) does not pack the
/// trace again.
pub(crate) struct CachedLink {
    pub trace: u32,
    pub scope: ShareScope,
    pub packed: Result<Packed, EncodeError>,
}

impl CachedLink {
    /// Packs the spans `core_scope` selects of `t` (trace `trace` of the list), asked for as
    /// `scope`; None when the scope cannot be resolved (an invalid filter).
    pub fn pack(t: &Trace, trace: u32, scope: ShareScope, core_scope: Option<Scope>) -> Self {
        let packed = match core_scope {
            Some(s) => packed::encode(t, &s, MAX_TRACE_DATA_CHARS),
            None => Err(EncodeError::Empty),
        };
        CachedLink {
            trace,
            scope,
            packed,
        }
    }

    /// The answer for the page, with `collapsed` (span indexes of the trace) renumbered for
    /// the link; folded spans the scope left out are dropped.
    pub fn view(&self, collapsed: &[u32]) -> ShareLinkView {
        match &self.packed {
            Ok(p) => ShareLinkView {
                scope: self.scope.clone(),
                spans: p.spans,
                data: Some(p.text.clone()),
                problem: None,
                fold: collapsed
                    .iter()
                    .filter_map(|&s| p.index_map.get(s as usize).copied().flatten())
                    .collect(),
            },
            Err(e) => ShareLinkView {
                scope: self.scope.clone(),
                spans: match e {
                    EncodeError::TooBig { spans, .. } => *spans,
                    _ => 0,
                },
                data: None,
                problem: Some(problem(&self.scope, e)),
                fold: Vec::new(),
            },
        }
    }
}

/// The trace-core scope for a request's scope; `matches` are the filter's matches when the
/// scope asks for them (None when the filter is invalid).
pub(crate) fn core_scope(scope: &ShareScope, matches: Option<Vec<u32>>) -> Option<Scope> {
    match (scope, matches) {
        (ShareScope::Whole, _) => Some(Scope::Whole),
        (ShareScope::Subtree { span }, _) => Some(Scope::Subtree(*span)),
        (ShareScope::Matches { .. }, Some(spans)) => Some(Scope::WithAncestors(spans)),
        (ShareScope::Matches { .. }, None) => None,
    }
}

fn problem(scope: &ShareScope, e: &EncodeError) -> String {
    match (scope, e) {
        (ShareScope::Matches { .. }, EncodeError::Empty) => {
            "no span matches the filter, so there is nothing to put in the link".to_string()
        }
        (_, EncodeError::Empty) => "there is no span to put in the link".to_string(),
        (ShareScope::Whole, EncodeError::TooBig { spans, .. }) => format!(
            "the whole trace ({spans} spans) makes a link over {} MB, longer than browsers \
             handle well: share the selected span's subtree or the filtered spans instead",
            MAX_TRACE_DATA_CHARS / 1_000_000
        ),
        (_, e) => format!("{e}: choose a smaller part of the trace"),
    }
}

/// Opens link text as a one-trace list; the message names what is wrong with a bad link.
pub(crate) fn open(data: &str) -> Result<Trace, String> {
    packed::decode(data).map_err(|e| format!("Shared link: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use viewer_core::rows::TreeRows;

    #[test]
    fn a_level_goes_as_depth_only_for_the_whole_trace() {
        let cols = trace_core::Tree::from_parents(&[None, Some(0), Some(1)], &[0, 1, 2])
            .preorder_columns();
        let tree = TreeRows::from_preorder(cols.order, cols.depth, cols.subtree_len)
            .expect("a consistent preorder");
        let mut c = Collapsed::new(3);
        c.collapse_to_depth(&tree, 1);
        assert!(folds_to_send(&ShareScope::Whole, &c).is_empty());
        assert_eq!(folds_to_send(&ShareScope::Subtree { span: 0 }, &c), [1]);
        // Folded again by hand: the same spans, but no longer "a level".
        c.toggle(1);
        c.toggle(1);
        assert_eq!(folds_to_send(&ShareScope::Whole, &c), [1]);
    }

    #[test]
    fn choices_need_their_span_or_filter() {
        assert_eq!(ShareChoice::Whole.scope(None, ""), Ok(ShareScope::Whole));
        assert!(ShareChoice::Subtree
            .scope(None, "")
            .is_err_and(|e| e.contains("select a span")));
        assert_eq!(
            ShareChoice::Subtree.scope(Some(4), ""),
            Ok(ShareScope::Subtree { span: 4 })
        );
        assert!(ShareChoice::Filtered
            .scope(Some(4), "  ")
            .is_err_and(|e| e.contains("type a filter")));
        assert_eq!(
            ShareChoice::Filtered.scope(None, "service=api"),
            Ok(ShareScope::Matches {
                query: "service=api".into()
            })
        );
        for c in ShareChoice::ALL {
            assert_eq!(ShareChoice::parse(c.as_str()), Some(c));
        }
    }

    fn link(scope: ShareScope, data: Option<&str>) -> ShareLinkView {
        ShareLinkView {
            scope,
            spans: 3,
            data: data.map(str::to_string),
            problem: None,
            fold: vec![1, 2],
        }
    }

    #[test]
    fn the_link_state_carries_data_and_folds_and_drops_what_would_mislead() {
        let view = ViewState {
            trace: Some("t".into()),
            span: Some("s".into()),
            window: Some((10, 20)),
            sample: Some("shop-checkout.json".into()),
            fold: vec![7],
            collapsed_depth: Some(2),
            url: Some("https://h.example/t.json".into()),
            lib: Some("0123456789abcdef0123456789abcdef".into()),
            ..ViewState::default()
        };
        let whole =
            trace_link_state(view.clone(), &link(ShareScope::Whole, Some("AQx"))).expect("a link");
        assert_eq!(whole.data.as_deref(), Some("AQx"));
        assert_eq!(
            (whole.fold.as_slice(), whole.window, whole.collapsed_depth),
            (&[1, 2][..], Some((10, 20)), Some(2))
        );
        assert_eq!(
            (whole.sample, whole.url, whole.lib),
            (None, None, None),
            "the link needs no sample, URL or library"
        );
        assert_eq!(whole.span.as_deref(), Some("s"));
        let part = trace_link_state(
            view.clone(),
            &link(ShareScope::Subtree { span: 0 }, Some("AQx")),
        )
        .expect("a link");
        assert_eq!(part.window, None, "a part starts at another time");
        assert_eq!(
            part.collapsed_depth, None,
            "a part's depths start elsewhere"
        );
        assert_eq!(trace_link_state(view, &link(ShareScope::Whole, None)), None);
    }
}
