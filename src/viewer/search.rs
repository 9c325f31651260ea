//! Search and filter box: the query runs in the worker (it needs attribute values); the page
//! highlights matches, counts them and moves between them.

use leptos::html;
use leptos::prelude::*;
use viewer_core::filter::{match_ordinal, next_match, prev_match};
use viewer_core::rows::{matched_rows, row_of_span};

use viewer_core::filter::term_with_op;
use viewer_core::suggest::{examples, step_active, suggest, Suggestion, TraceFacts, Vocab};
use viewer_session::vocabulary::Vocabulary;
use viewer_session::wire::flag;

use crate::viewer::controller::{use_controller, Controller};
use crate::viewer::state::{use_viewer, OpenTrace, Viewer};

/// Rows of the visible matches, ascending.
fn match_rows(viewer: crate::viewer::state::Viewer) -> Vec<usize> {
    viewer.open.with_untracked(|o| {
        let Some(o) = o else { return Vec::new() };
        viewer.matches.with_untracked(|m| {
            let Some(m) = m else { return Vec::new() };
            viewer
                .rows
                .with_untracked(|rows| matched_rows(&o.tree, rows, &m.set))
        })
    })
}

/// Selects the next (or previous) match after the selected row.
pub fn step_match(forward: bool) {
    let viewer = use_viewer();
    let controller = use_controller();
    let rows = match_rows(viewer);
    let current = viewer.selected.get_untracked().and_then(|s| {
        viewer.open.with_untracked(|o| {
            o.as_ref()
                .and_then(|o| viewer.rows.with_untracked(|r| row_of_span(&o.tree, r, s)))
        })
    });
    let target = if forward {
        next_match(&rows, current)
    } else {
        prev_match(&rows, current)
    };
    if let Some(row) = target {
        let span = viewer.open.with_untracked(|o| {
            o.as_ref().and_then(|o| {
                viewer.rows.with_untracked(|r| {
                    r.get(row)
                        .and_then(|&p| o.tree.order().get(p as usize).copied())
                })
            })
        });
        if let Some(span) = span {
            controller.select_span(Some(span));
            viewer.request_scroll(Some(row));
        }
    }
}

/// Suggestions listed at most.
const MAX_SUGGESTIONS: usize = 8;

/// The open trace's services (in order of first appearance) and operation names, for
/// suggestions and examples.
#[derive(Clone, PartialEq, Default)]
struct Names {
    services: Vec<String>,
    operations: Vec<String>,
    root_service: String,
    root_name: String,
    duration_ns: u64,
    has_errors: bool,
}

fn names_of(o: &OpenTrace) -> Names {
    let mut seen_service = vec![false; o.data.strings.len()];
    let mut seen_name = vec![false; o.data.strings.len()];
    let mut names = Names {
        duration_ns: o.data.duration_ns,
        ..Names::default()
    };
    for &span in o.tree.order() {
        let i = span as usize;
        if let Some(&id) = o.data.service.get(i) {
            if let Some(seen @ false) = seen_service.get_mut(id as usize) {
                *seen = true;
                names.services.push(o.service(span).to_string());
            }
        }
        if let Some(&id) = o.data.name.get(i) {
            if let Some(seen @ false) = seen_name.get_mut(id as usize) {
                *seen = true;
                names.operations.push(o.name(span).to_string());
            }
        }
        names.has_errors |= o.flags(span) & flag::ERROR != 0;
    }
    if let Some(&root) = o.tree.order().first() {
        names.root_service = o.service(root).to_string();
        names.root_name = o.name(root).to_string();
    }
    names
}

/// The suggestions for the word at `caret` of `query`, from the open trace's names and keys.
fn suggestions_for(
    query: &str,
    caret: usize,
    names: &Names,
    vocabulary: Option<&Vocabulary>,
) -> Vec<Suggestion> {
    let services: Vec<&str> = names.services.iter().map(String::as_str).collect();
    let operations: Vec<&str> = names.operations.iter().map(String::as_str).collect();
    let keys: Vec<&str> = vocabulary.map_or_else(Vec::new, |v| {
        v.keys.iter().map(|k| k.key.as_str()).collect()
    });
    let vocab = Vocab {
        services: &services,
        names: &operations,
        keys: &keys,
    };
    suggest(query, caret, &vocab, MAX_SUGGESTIONS)
}

/// Filters that find spans of the open trace, for the syntax help.
fn examples_for(names: &Names) -> Vec<String> {
    let services: Vec<&str> = names.services.iter().map(String::as_str).collect();
    examples(&TraceFacts {
        root_service: &names.root_service,
        root_name: &names.root_name,
        services: &services,
        duration_ns: names.duration_ns,
        has_errors: names.has_errors,
    })
}

/// The search box's placeholder: its service example is the open trace's own root service.
fn placeholder_for(names: &Names) -> String {
    let service = if names.root_service.is_empty() {
        "api"
    } else {
        names.root_service.as_str()
    };
    format!(
        "Search: text, {}, duration>10ms, status=error, a OR b",
        term_with_op("service", "=", service)
    )
}

/// "3 of 12" when the selected span is a match, else "12 matches"; empty without a filter.
fn match_summary(viewer: Viewer) -> String {
    viewer.matches.with(|m| match m {
        None => String::new(),
        Some(m) if m.error.is_some() => String::new(),
        Some(m) => {
            let current = viewer.selected.get().and_then(|s| {
                viewer.open.with(|o| {
                    o.as_ref()
                        .and_then(|o| viewer.rows.with(|r| row_of_span(&o.tree, r, s)))
                })
            });
            // The visible matches are listed only when a selected row needs its ordinal.
            match current.and_then(|c| match_ordinal(&match_rows(viewer), c)) {
                Some((i, n)) => format!("{i} of {n}"),
                None => {
                    let n = m.spans.len();
                    format!("{n} {}", if n == 1 { "match" } else { "matches" })
                }
            }
        }
    })
}

/// The search box's state and what its keys do.
#[derive(Clone, Copy)]
struct SearchBoxState {
    viewer: Viewer,
    controller: Controller,
    input: NodeRef<html::Input>,
    /// Where the caret is, in characters.
    caret: RwSignal<usize>,
    /// Whether the suggestion list is open.
    listing: RwSignal<bool>,
    /// The suggestion the arrow keys point at.
    active: RwSignal<Option<usize>>,
    suggestions: Memo<Vec<Suggestion>>,
}

impl SearchBoxState {
    fn run(&self, query: String) {
        self.controller.filter(query);
    }

    fn track_caret(&self) {
        if let Some(el) = self.input.get_untracked() {
            let at = el.selection_start().ok().flatten().unwrap_or(0) as usize;
            self.caret.set(at);
        }
    }

    fn typed(&self, text: String) {
        self.track_caret();
        self.listing.set(true);
        self.active.set(None);
        self.run(text);
    }

    /// Puts a suggestion in the box, caret after it.
    fn accept(&self, s: Suggestion) {
        self.run(s.query.clone());
        self.listing.set(false);
        self.active.set(None);
        if let Some(el) = self.input.get_untracked() {
            el.set_value(&s.query);
            let _ = el.set_selection_range(s.caret as u32, s.caret as u32);
            let _ = el.focus();
        }
        self.caret.set(s.caret);
    }

    /// Arrows move in the suggestions, Enter/Tab take one (Enter otherwise steps through the
    /// matches), Escape closes the list, then clears the filter, then leaves the box.
    fn key(&self, ev: leptos::ev::KeyboardEvent) {
        let count = self.suggestions.with_untracked(Vec::len);
        let chosen = self
            .active
            .get_untracked()
            .and_then(|i| self.suggestions.with_untracked(|s| s.get(i).cloned()));
        match ev.key().as_str() {
            key @ ("ArrowDown" | "ArrowUp") if count > 0 => {
                ev.prevent_default();
                let down = key == "ArrowDown";
                self.active
                    .update(|a| *a = Some(step_active(*a, count, down)));
            }
            "Enter" | "Tab" if chosen.is_some() => {
                ev.prevent_default();
                if let Some(s) = chosen {
                    self.accept(s);
                }
            }
            "Enter" => {
                ev.prevent_default();
                self.listing.set(false);
                step_match(!ev.shift_key());
            }
            "Escape" => {
                ev.prevent_default();
                if count > 0 {
                    self.listing.set(false);
                    self.active.set(None);
                } else if !self.viewer.query.get_untracked().is_empty() {
                    self.run(String::new());
                } else if let Some(el) = self.input.get_untracked() {
                    let _ = el.blur();
                }
            }
            _ => {}
        }
    }
}

#[component]
pub fn SearchBox(input_ref: NodeRef<html::Input>) -> impl IntoView {
    let viewer = use_viewer();
    let controller = use_controller();
    let names = Memo::new(move |_| {
        viewer
            .open
            .with(|o| o.as_deref().map(names_of).unwrap_or_default())
    });
    let caret = RwSignal::new(0usize);
    let listing = RwSignal::new(false);
    let suggestions = Memo::new(move |_| {
        if !listing.get() {
            return Vec::new();
        }
        let query = viewer.query.get();
        names.with(|n| {
            viewer
                .vocabulary
                .with(|v| suggestions_for(&query, caret.get(), n, v.as_deref()))
        })
    });
    let state = SearchBoxState {
        viewer,
        controller,
        input: input_ref,
        caret,
        listing,
        active: RwSignal::new(None),
        suggestions,
    };
    let examples = Memo::new(move |_| names.with(examples_for));
    let help_open = RwSignal::new(false);
    let error = move || {
        viewer
            .matches
            .with(|m| m.as_ref().and_then(|m| m.error.clone()))
    };
    view! {
        <div class="search" role="search">
            <label class="visually-hidden" for="span-search">"Search spans"</label>
            <div class="search-field">
                <input
                    id="span-search"
                    type="search"
                    node_ref=input_ref
                    data-testid="search"
                    autocomplete="off"
                    spellcheck="false"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls="search-suggestions"
                    aria-expanded=move || (!suggestions.with(Vec::is_empty)).to_string()
                    aria-activedescendant=move || state.active.get().map(|i| format!("search-suggestion-{i}"))
                    placeholder=move || names.with(placeholder_for)
                    aria-describedby="search-status"
                    aria-invalid=move || error().is_some().to_string()
                    prop:value=move || viewer.query.get()
                    on:focus=move |_| controller.request_vocabulary()
                    on:input=move |ev| state.typed(event_target_value(&ev))
                    on:click=move |_| state.track_caret()
                    on:blur=move |_| listing.set(false)
                    on:keydown=move |ev| state.key(ev)
                />
                <SuggestionList state=state/>
            </div>
            <button type="button" aria-label="Previous match" on:click=move |_| step_match(false)>"↑"</button>
            <button type="button" aria-label="Next match" on:click=move |_| step_match(true)>"↓"</button>
            <div class="search-help-wrap">
                <button type="button" data-testid="search-help-toggle" aria-label="Search syntax"
                    aria-expanded=move || help_open.get().to_string() aria-controls="search-help"
                    on:click=move |_| help_open.update(|o| *o = !*o)>"?"</button>
                <Show when=move || help_open.get()>
                    <SearchHelp examples=examples run=move |q: String| { state.run(q); help_open.set(false); }/>
                </Show>
            </div>
            <label class="check">
                <input type="checkbox" data-testid="only-matches"
                    prop:checked=move || viewer.only_matches.get()
                    on:change=move |ev| viewer.set_only_matches(event_target_checked(&ev))/>
                " Only matches"
            </label>
            <span id="search-status" class="search-status" data-testid="match-count" aria-live="polite">{move || match_summary(viewer)}</span>
            {move || error().map(|e| view! { <span class="search-error" data-testid="search-error" role="alert">{e}</span> })}
        </div>
    }
}

/// The suggestions under the search box; a click takes one.
#[component]
fn SuggestionList(state: SearchBoxState) -> impl IntoView {
    view! {
        <ul id="search-suggestions" class="suggestions" role="listbox" data-testid="search-suggestions"
            aria-label="Suggestions" hidden=move || state.suggestions.with(Vec::is_empty)>
            {move || state.suggestions.get().into_iter().enumerate().map(|(i, s)| {
                let picked = s.clone();
                view! {
                    <li id=format!("search-suggestion-{i}") role="option" data-testid="search-suggestion"
                        aria-selected=move || (state.active.get() == Some(i)).to_string()
                        // Before the input's blur closes the list.
                        on:mousedown=move |ev| { ev.prevent_default(); state.accept(picked.clone()); }>
                        <span class="mono">{s.text.clone()}</span>
                        <span class="muted">{s.what}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The filter language in brief, with examples that find spans in the open trace.
#[component]
fn SearchHelp(
    examples: Memo<Vec<String>>,
    run: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    const SYNTAX: [(&str, &str); 9] = [
        (
            "checkout",
            "text in the name, service or any attribute value",
        ),
        ("\"two words\"", "quoted text"),
        (
            "service=api-gateway",
            "service is (case-insensitive); name=GET for the operation",
        ),
        (
            "name~order",
            "`~` means contains, for any field or attribute",
        ),
        (
            "http.status_code>=500",
            "attribute compared as a number: < <= > >=",
        ),
        ("duration>10ms", "units ns, us, ms, s, m, h"),
        (
            "status=error  kind=server",
            "status error|ok|unset; kind server|client|producer|consumer|internal",
        ),
        ("-term  !key=value  key!=value", "not"),
        ("a b  OR  c", "spaces mean AND; OR separates alternatives"),
    ];
    view! {
        <div id="search-help" class="popover-panel search-help" data-testid="search-help" role="dialog" aria-label="Search syntax">
            <p><strong>"Try on this trace:"</strong></p>
            <ul class="examples">
                {move || examples.get().into_iter().map(|e| {
                    let q = e.clone();
                    view! { <li><button type="button" class="example mono" data-testid="search-example" on:click=move |_| run(q.clone())>{e}</button></li> }
                }).collect_view()}
            </ul>
            <dl class="syntax">
                {SYNTAX.iter().map(|(k, v)| view! { <div class="kv"><dt><code>{*k}</code></dt><dd>{*v}</dd></div> }).collect_view()}
            </dl>
        </div>
    }
}
