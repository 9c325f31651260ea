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
}
