//! What a change of the address's fragment means for the open viewer (Back, Forward, or a link
//! pasted into the address bar): open another source, show the trace list, show a trace of the
//! files already open, or only re-apply the view. Choosing a trace from a list pushes a
//! history entry; this is how Back comes back to the list instead of leaving the viewer.

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
    /// Trace ids of the loaded traces, in list order.
    pub trace_ids: &'a [&'a str],
    /// List index of the open trace, if one is open.
    pub open_trace: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Navigation {
    /// The link names another source: open it as a new page load would.
    OpenSource,
    /// Back to the list of the loaded file's traces.
    ShowList,
    /// Show trace `index` of the loaded list, then apply the rest of the link.
    ShowTrace(usize),
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
        return if now.trace_ids.len() > 1 {
            Navigation::ShowList
        } else {
            Navigation::ApplyView
        };
    };
    match now
        .trace_ids
        .iter()
        .position(|id| id.eq_ignore_ascii_case(want))
    {
        Some(i) if Some(i) == now.open_trace => Navigation::ApplyView,
        Some(i) => Navigation::ShowTrace(i),
        // A trace the loaded files do not hold: the link is for another file.
        None => Navigation::OpenSource,
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

    const IDS: [&str; 3] = ["aa", "bb", "cc"];

    fn file_with_three(open: Option<usize>) -> OpenSource<'static> {
        OpenSource {
            loaded: true,
            trace_ids: &IDS,
            open_trace: open,
            ..OpenSource::default()
        }
    }

    #[test]
    fn back_from_a_trace_shows_the_list() {
        assert_eq!(
            navigate(&link(None), &file_with_three(Some(1))),
            Navigation::ShowList
        );
    }

    #[test]
    fn forward_to_a_trace_of_the_file_shows_it() {
        assert_eq!(
            navigate(&link(Some("CC")), &file_with_three(None)),
            Navigation::ShowTrace(2)
        );
        assert_eq!(
            navigate(&link(Some("bb")), &file_with_three(Some(1))),
            Navigation::ApplyView
        );
    }

    #[test]
    fn links_to_other_sources_or_traces_open_them() {
        let mut sample = link(Some("aa"));
        sample.sample = Some("other.json".into());
        assert_eq!(
            navigate(&sample, &file_with_three(Some(0))),
            Navigation::OpenSource
        );
        assert_eq!(
            navigate(&link(Some("zz")), &file_with_three(Some(0))),
            Navigation::OpenSource
        );
        assert_eq!(
            navigate(&link(None), &OpenSource::default()),
            Navigation::OpenSource
        );
        // The same sample again is not a reload.
        let now = OpenSource {
            sample: Some("other.json"),
            ..file_with_three(Some(0))
        };
        assert_eq!(navigate(&sample, &now), Navigation::ApplyView);
    }

    #[test]
    fn a_single_trace_has_no_list_to_go_back_to() {
        let one = OpenSource {
            loaded: true,
            trace_ids: &["aa"],
            open_trace: Some(0),
            ..OpenSource::default()
        };
        assert_eq!(navigate(&link(None), &one), Navigation::ApplyView);
    }
}
