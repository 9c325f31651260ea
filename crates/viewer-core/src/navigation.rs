//! What a change of the address's fragment means for the open viewer (Back, Forward, or a link
//! pasted into the address bar): open another source, show the trace list, show a trace of the
//! files already open, or only re-apply the view. Choosing a trace from a list pushes a
//! history entry; this is how Back comes back to the list instead of leaving the viewer. A trace
//! the loaded files do not hold is the worker's to say (it holds the list).

use crate::share::ViewState;

/// What is open now, as far as links can name it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenSource<'a> {
    /// Files are loaded (a user's own file, a sample, a link or a fetched URL).
    pub loaded: bool,
    pub sample: Option<&'a str>,
    pub data: Option<&'a str>,
    pub url: Option<&'a str>,
    pub lib: Option<&'a str>,
    /// How many traces the loaded files hold.
    pub trace_count: usize,
    /// Id of the open trace, if one is open.
    pub open_trace: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Navigation {
    /// The link names another source: open it as a new page load would.
    OpenSource,
    /// Back to the list of the loaded file's traces.
    ShowList,
    /// Show the loaded trace with this id (the worker finds it), then apply the rest of the link.
    ShowTrace(String),
    /// The open trace stays: apply the rest of the link to it.
    ApplyView,
}

/// Decides what a new fragment asks of the viewer.
pub fn navigate(link: &ViewState, now: &OpenSource) -> Navigation {
    let names_other_source = differs(link.sample.as_deref(), now.sample)
        || differs(link.data.as_deref(), now.data)
        || differs(link.url.as_deref(), now.url)
        || differs(link.lib.as_deref(), now.lib);
    if !now.loaded || names_other_source {
        return Navigation::OpenSource;
    }
    let Some(want) = &link.trace else {
        // A list of one trace has nothing to go back to.
        return if now.trace_count > 1 {
            Navigation::ShowList
        } else {
            Navigation::ApplyView
        };
    };
    match now.open_trace {
        Some(open) if open.eq_ignore_ascii_case(want) => Navigation::ApplyView,
        _ => Navigation::ShowTrace(want.clone()),
    }
}

/// What to do with a waiting link once a trace is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkStep {
    /// The shown trace is not the one the link names: keep waiting.
    Wait,
    /// The link asks for skew correction: switch it on; the corrected view comes back as a new
    /// view, and the rest of the link applies then (to `rest`, which no longer asks).
    CorrectSkewFirst { rest: ViewState },
    /// Apply these parts of the link, in this order, and forget it.
    Apply(LinkParts),
}

/// The parts of a link to apply to the shown trace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkParts {
    pub collapsed_depth: Option<u16>,
    pub fold: Vec<u32>,
    /// The time window, already checked against the trace's extent.
    pub window: Option<(u64, u64)>,
    pub filter: Option<String>,
    pub span: Option<String>,
    pub view: Option<crate::share::ViewTab>,
}

/// Decides what a waiting `link` does to the shown trace `shown_id` whose extent ends at
/// `extent_end`, with skew correction `skew_on` or not.
pub fn apply_step(link: &ViewState, shown_id: &str, extent_end: u64, skew_on: bool) -> LinkStep {
    let names_shown = link
        .trace
        .as_deref()
        .is_none_or(|want| want.eq_ignore_ascii_case(shown_id));
    if !names_shown {
        return LinkStep::Wait;
    }
    if link.skew && !skew_on {
        let rest = ViewState {
            skew: false,
            ..link.clone()
        };
        return LinkStep::CorrectSkewFirst { rest };
    }
    // A window outside the trace (a link to another version of it) is left out, not clamped
    // into nonsense; one running past the end is cut at the end.
    let window = link
        .window
        .filter(|&(a, b)| a < b && a < extent_end)
        .map(|(a, b)| (a, b.min(extent_end)));
    LinkStep::Apply(LinkParts {
        collapsed_depth: link.collapsed_depth,
        fold: link.fold.clone(),
        window,
        filter: link.filter.clone(),
        span: link.span.clone(),
        view: link.view,
    })
}

/// A source key that the link sets to something else than what is open. A link without the
/// key keeps what is open (links to a user's own file carry no source).
fn differs(link: Option<&str>, now: Option<&str>) -> bool {
    link.is_some() && link != now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(trace: Option<&str>) -> ViewState {
        ViewState {
            trace: trace.map(str::to_string),
            ..ViewState::default()
        }
    }

    fn file_with_three(open: Option<&'static str>) -> OpenSource<'static> {
        OpenSource {
            loaded: true,
            trace_count: 3,
            open_trace: open,
            ..OpenSource::default()
        }
    }

    #[test]
    fn back_from_a_trace_shows_the_list() {
        assert_eq!(
            navigate(&link(None), &file_with_three(Some("bb"))),
            Navigation::ShowList
        );
    }

    #[test]
    fn forward_to_a_trace_of_the_file_shows_it() {
        assert_eq!(
            navigate(&link(Some("CC")), &file_with_three(None)),
            Navigation::ShowTrace("CC".into())
        );
        assert_eq!(
            navigate(&link(Some("BB")), &file_with_three(Some("bb"))),
            Navigation::ApplyView
        );
    }

    #[test]
    fn links_to_other_sources_open_them() {
        let mut sample = link(Some("aa"));
        sample.sample = Some("other.json".into());
        assert_eq!(
            navigate(&sample, &file_with_three(Some("aa"))),
            Navigation::OpenSource
        );
        assert_eq!(
            navigate(&link(None), &OpenSource::default()),
            Navigation::OpenSource
        );
        // The same sample again is not a reload.
        let now = OpenSource {
            sample: Some("other.json"),
            ..file_with_three(Some("aa"))
        };
        assert_eq!(navigate(&sample, &now), Navigation::ApplyView);
    }

    #[test]
    fn a_single_trace_has_no_list_to_go_back_to() {
        let one = OpenSource {
            loaded: true,
            trace_count: 1,
            open_trace: Some("aa"),
            ..OpenSource::default()
        };
        assert_eq!(navigate(&link(None), &one), Navigation::ApplyView);
    }

    #[test]
    fn a_waiting_link_applies_to_its_trace_only_after_skew_is_on() {
        let mut l = link(Some("AA"));
        l.window = Some((10, 5_000));
        l.filter = Some("service=x".into());
        l.skew = true;
        assert_eq!(apply_step(&l, "bb", 1_000, false), LinkStep::Wait);
        let LinkStep::CorrectSkewFirst { rest } = apply_step(&l, "aa", 1_000, false) else {
            panic!()
        };
        assert!(!rest.skew);
        let LinkStep::Apply(parts) = apply_step(&rest, "aa", 1_000, true) else {
            panic!()
        };
        assert_eq!(parts.window, Some((10, 1_000)), "cut at the trace's end");
        assert_eq!(parts.filter.as_deref(), Some("service=x"));
        // A window that starts after the end, or is empty, is left out.
        let mut late = link(None);
        late.window = Some((2_000, 3_000));
        let LinkStep::Apply(parts) = apply_step(&late, "any", 1_000, false) else {
            panic!()
        };
        assert_eq!(parts.window, None);
    }
}
