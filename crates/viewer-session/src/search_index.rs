//! What the filter reads of span details, decoded once per shown trace.
//!
//! Attribute terms (`http.status_code=500`) and free text (`timeout`) need each span's
//! attributes, which live undecoded in the file until asked for. Decoding a million spans' details
//! takes seconds, so the first such search builds this index from them, and every later search
//! reads it: the attribute pairs of each span as interned (key, value) ids, and every text a free
//! search looks in as interned ids. A free-text search tests each distinct text once, not once
//! per span that carries it.
//!
//! The filter's meaning stays in one place: [`SearchIndex::build`] writes down exactly what
//! `attr` and `any_attr_value_contains` answer from (attributes, then resource; values, event
//! names and values, the status message), and [`IndexedSpan`] answers from it.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use trace_core::{KeyValue, SpanDetails, Trace, Value};
use viewer_core::bitset::BitSet;
use viewer_core::filter::{contains_ci, SpanFields};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The searchable text of every span of one trace.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Every distinct key, value and free text, by id.
    texts: Vec<Box<str>>,
    /// Attribute keys by text (few: a filter looks its key up once per search).
    key_ids: FastMap<Box<str>, u32>,
    /// Span i's attribute pairs are `pairs[pair_start[i]..pair_start[i + 1]]`, attributes
    /// before resource, in file order (the first pair with a key wins, as in the details).
    pair_start: Vec<u32>,
    pairs: Vec<Pair>,
    /// Span i's free texts are `free[free_start[i]..free_start[i + 1]]`.
    free_start: Vec<u32>,
    free: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Pair {
    key: u32,
    value: u32,
}

/// Interns texts while the index is built.
#[derive(Default)]
struct Interner {
    ids: FastMap<Box<str>, u32>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(text.into(), id);
        id
    }

    /// The texts in id order (the map's keys are moved, not copied).
    fn into_texts(self) -> Vec<Box<str>> {
        let mut texts: Vec<(u32, Box<str>)> = self.ids.into_iter().map(|(t, id)| (id, t)).collect();
        texts.sort_unstable_by_key(|(id, _)| *id);
        texts.into_iter().map(|(_, t)| t).collect()
    }
}

impl SearchIndex {
    /// Decodes every span's details once.
    pub fn build(t: &Trace) -> SearchIndex {
        IndexBuilder::new(t).finish(t)
    }

    fn add_pairs(&mut self, d: &SpanDetails, texts: &mut Interner) {
        for kv in d.attributes.iter().chain(&d.resource) {
            let key = texts.id(&kv.key);
            if !self.key_ids.contains_key(kv.key.as_str()) {
                self.key_ids.insert(kv.key.as_str().into(), key);
            }
            let value = texts.id(&value_text(&kv.value));
            self.pairs.push(Pair { key, value });
        }
    }

    /// The text with id `id` (a key, a value or a free text).
    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id as usize).map_or("", |t| t)
    }

    /// The id of attribute key `key`, if any span carries it.
    pub fn key_id(&self, key: &str) -> Option<u32> {
        self.key_ids.get(key).copied()
    }

    /// Span `i`'s value of the attribute with key id `key`, as a text id (the first pair with
    /// the key, as searches and cells read it).
    pub fn attribute(&self, i: u32, key: u32) -> Option<u32> {
        self.span_pairs(i)
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value)
    }

    fn span_pairs(&self, i: u32) -> &[Pair] {
        span_range(&self.pair_start, &self.pairs, i)
    }

    fn span_free(&self, i: u32) -> &[u32] {
        span_range(&self.free_start, &self.free, i)
    }

    /// Which texts contain `needle_lowercase`: each distinct text is tested once.
    fn texts_containing(&self, needle_lowercase: &str) -> BitSet {
        let mut hits = BitSet::new(self.texts.len());
        for (id, text) in self.texts.iter().enumerate() {
            if contains_ci(text, needle_lowercase) {
                hits.set(id as u32, true);
            }
        }
        hits
    }

    /// Heap bytes held (for the benchmark's memory figures).
    pub fn heap_bytes(&self) -> usize {
        let texts: usize = self.texts.iter().map(|t| t.len() + 16).sum();
        texts
            + self.key_ids.len() * 32
            + (self.pair_start.len() + self.free_start.len() + self.free.len()) * 4
            + self.pairs.len() * std::mem::size_of::<Pair>()
    }
}

fn span_range<'a, T>(start: &[u32], items: &'a [T], i: u32) -> &'a [T] {
    let from = start.get(i as usize).copied().unwrap_or(0) as usize;
    let to = start.get(i as usize + 1).copied().unwrap_or(0) as usize;
    items.get(from..to).unwrap_or(&[])
}

/// A [`SearchIndex`] built a slice of spans at a time, so the worker can build it between
/// the page's requests once a trace is open.
#[derive(Default)]
pub struct IndexBuilder {
    next: u32,
    texts: Interner,
    index: SearchIndex,
}

impl IndexBuilder {
    pub fn new(t: &Trace) -> Self {
        let spans = t.len() as usize + 1;
        IndexBuilder {
            index: SearchIndex {
                pair_start: Vec::with_capacity(spans),
                free_start: Vec::with_capacity(spans),
                ..SearchIndex::default()
            },
            ..IndexBuilder::default()
        }
    }

    /// Indexes up to `spans` more spans of `t`; true once every span is indexed.
    pub fn step(&mut self, t: &Trace, spans: u32) -> bool {
        let end = self.next.saturating_add(spans).min(t.len());
        for i in self.next..end {
            let index = &mut self.index;
            index.pair_start.push(index.pairs.len() as u32);
            index.free_start.push(index.free.len() as u32);
            let d = t.span_details(i);
            index.add_pairs(&d, &mut self.texts);
            let texts = &mut self.texts;
            free_texts(&d, |text| index.free.push(texts.id(text)));
        }
        self.next = end;
        self.is_done(t)
    }

    pub fn is_done(&self, t: &Trace) -> bool {
        self.next >= t.len()
    }

    /// Indexes what is left and returns the index.
    pub fn finish(mut self, t: &Trace) -> SearchIndex {
        self.step(t, u32::MAX);
        let mut index = self.index;
        index.pair_start.push(index.pairs.len() as u32);
        index.free_start.push(index.free.len() as u32);
        index.texts = self.texts.into_texts();
        index
    }
}

/// The index of the shown trace, as far as it is built.
#[derive(Default)]
pub enum IndexState {
    #[default]
    NotStarted,
    Building(Box<IndexBuilder>),
    Ready(Rc<SearchIndex>),
}

impl IndexState {
    /// Indexes up to `spans` more spans; true while work is left.
    pub fn step(&mut self, t: &Trace, spans: u32) -> bool {
        match self {
            IndexState::Ready(_) => false,
            IndexState::NotStarted => {
                *self = IndexState::Building(Box::new(IndexBuilder::new(t)));
                self.step(t, spans)
            }
            IndexState::Building(b) => {
                if b.step(t, spans) {
                    self.ready(t);
                    false
                } else {
                    true
                }
            }
        }
    }

    /// The whole index, built now if it is not yet.
    pub fn ready(&mut self, t: &Trace) -> Rc<SearchIndex> {
        let index = match std::mem::take(self) {
            IndexState::Ready(index) => index,
            IndexState::Building(b) => Rc::new(b.finish(t)),
            IndexState::NotStarted => Rc::new(SearchIndex::build(t)),
        };
        *self = IndexState::Ready(index.clone());
        index
    }
}

/// An attribute value as filter text: strings bare (not quoted, unlike `Display`).
fn value_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::Str(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// Every text of a span that free text looks in, given to `each`: values (the leaves of arrays
/// and maps) of its attributes and resource, its events' names and values, its status message.
/// An error message often lives only in a log.
fn free_texts(d: &SpanDetails, mut each: impl FnMut(&str)) {
    let values = |kvs: &[KeyValue], each: &mut dyn FnMut(&str)| {
        for kv in kvs {
            value_leaves(&kv.value, each);
        }
    };
    values(&d.attributes, &mut each);
    values(&d.resource, &mut each);
    for e in &d.events {
        each(&e.name);
        values(&e.attributes, &mut each);
    }
    if let Some(m) = &d.status_message {
        each(m);
    }
}

fn value_leaves(v: &Value, each: &mut dyn FnMut(&str)) {
    match v {
        Value::Str(s) => each(s),
        Value::Array(a) => a.iter().for_each(|x| value_leaves(x, each)),
        Value::Map(m) => m.iter().for_each(|kv| value_leaves(&kv.value, each)),
        other => each(&other.to_string()),
    }
}

/// One filter run over the shown trace: the index (built by the first span that needs
/// details) and what this run already worked out per key and per needle.
pub struct Search<'a> {
    pub trace: &'a Trace,
    state: &'a RefCell<IndexState>,
    index: OnceCell<Rc<SearchIndex>>,
    keys: RefCell<Vec<(String, Option<u32>)>>,
    needles: RefCell<Vec<(String, BitSet)>>,
}

impl<'a> Search<'a> {
    pub fn new(trace: &'a Trace, state: &'a RefCell<IndexState>) -> Self {
        Search {
            trace,
            state,
            index: OnceCell::new(),
            keys: RefCell::default(),
            needles: RefCell::default(),
        }
    }

    /// Span `i` as the filter sees it.
    pub fn span(&self, i: u32) -> IndexedSpan<'_, 'a> {
        IndexedSpan { search: self, i }
    }

    fn index(&self) -> &SearchIndex {
        self.index
            .get_or_init(|| self.state.borrow_mut().ready(self.trace))
    }

    fn key_id(&self, key: &str) -> Option<u32> {
        if let Some((_, id)) = self.keys.borrow().iter().find(|(k, _)| k == key) {
            return *id;
        }
        let id = self.index().key_id(key);
        self.keys.borrow_mut().push((key.to_string(), id));
        id
    }

    fn has_text_containing(&self, ids: &[u32], needle_lowercase: &str) -> bool {
        let mut needles = self.needles.borrow_mut();
        let at = match needles.iter().position(|(n, _)| n == needle_lowercase) {
            Some(at) => at,
            None => {
                let hits = self.index().texts_containing(needle_lowercase);
                needles.push((needle_lowercase.to_string(), hits));
                needles.len() - 1
            }
        };
        let hits = &needles[at].1;
        ids.iter().any(|&id| hits.contains(id))
    }
}

/// A span read from the trace's columns and, for attributes and free text, from the index.
pub struct IndexedSpan<'s, 'a> {
    search: &'s Search<'a>,
    i: u32,
}

impl SpanFields for IndexedSpan<'_, '_> {
    fn name(&self) -> &str {
        self.search.trace.name(self.i)
    }
    fn service(&self) -> &str {
        self.search.trace.service(self.i)
    }
    fn caller(&self) -> &str {
        let t = self.search.trace;
        t.parent(self.i).map_or("", |p| t.service(p))
    }
    fn duration_ns(&self) -> u64 {
        crate::session::nonneg(self.search.trace.duration_ns(self.i))
    }
    fn is_error(&self) -> bool {
        self.search.trace.is_error(self.i)
    }
    fn status(&self) -> &str {
        self.search.trace.status(self.i).as_str()
    }
    fn kind(&self) -> &str {
        self.search.trace.kind(self.i).as_str()
    }
    /// Span attributes first, then resource (Jaeger process tags, OTLP resource), so
    /// `host.name=x` works whichever side the exporter put it on.
    fn attr(&self, key: &str) -> Option<Cow<'_, str>> {
        let key = self.search.key_id(key)?;
        let index = self.search.index();
        index
            .attribute(self.i, key)
            .map(|value| Cow::Borrowed(index.text(value)))
    }
    fn any_attr_value_contains(&self, needle_lowercase: &str) -> bool {
        let ids = self.search.index().span_free(self.i);
        !ids.is_empty() && self.search.has_text_containing(ids, needle_lowercase)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use viewer_core::filter::{equals_term, term_with_op, Filter};

    /// The filter's answers straight from each span's decoded details: what the index must
    /// reproduce exactly.
    struct Decoded<'a> {
        t: &'a Trace,
        i: u32,
        d: SpanDetails,
    }

    impl SpanFields for Decoded<'_> {
        fn name(&self) -> &str {
            self.t.name(self.i)
        }
        fn service(&self) -> &str {
            self.t.service(self.i)
        }
        fn duration_ns(&self) -> u64 {
            crate::session::nonneg(self.t.duration_ns(self.i))
        }
        fn is_error(&self) -> bool {
            self.t.is_error(self.i)
        }
        fn status(&self) -> &str {
            self.t.status(self.i).as_str()
        }
        fn kind(&self) -> &str {
            self.t.kind(self.i).as_str()
        }
        fn attr(&self, key: &str) -> Option<Cow<'_, str>> {
            let d = &self.d;
            d.attributes
                .iter()
                .chain(&d.resource)
                .find(|kv| kv.key == key)
                .map(|kv| value_text(&kv.value))
        }
        fn any_attr_value_contains(&self, needle: &str) -> bool {
            let mut hit = false;
            free_texts(&self.d, |t| hit |= contains_ci(t, needle));
            hit
        }
    }

    fn fixtures() -> Vec<Trace> {
        let roots = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"),
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../trace-core/tests/fixtures/jaeger/ok"
            ),
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../trace-core/tests/fixtures/otlp/ok"
            ),
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../trace-core/tests/fixtures/zipkin/ok"
            ),
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../trace-core/tests/fixtures/chrome/ok"
            ),
        ];
        let mut traces = Vec::new();
        for root in roots {
            let mut paths: Vec<_> = std::fs::read_dir(root)
                .expect("fixture folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "gz"))
                .collect();
            paths.sort();
            for p in paths {
                let bytes = std::fs::read(&p).expect("fixture");
                if let Ok(import) = trace_core::import(&bytes, p.to_str()) {
                    traces.extend(import.traces);
                }
            }
        }
        assert!(traces.len() > 20, "only {} fixture traces", traces.len());
        traces
    }

    /// Queries made of what the trace holds: every key with its first value (equal, contains,
    /// compared as a number), pieces of values and event names as free text, and misses.
    fn queries(t: &Trace) -> Vec<String> {
        let mut q = vec![
            "no-such-text-anywhere".to_string(),
            "no.such.key=1".to_string(),
            "error".to_string(),
            "-error".to_string(),
        ];
        for i in t.spans().take(40) {
            let d = t.span_details(i);
            for kv in d.attributes.iter().chain(&d.resource).take(6) {
                let v = value_text(&kv.value);
                q.push(equals_term(&kv.key, &v));
                q.push(format!("-{}", equals_term(&kv.key, &v)));
                let piece: String = v.chars().skip(1).take(4).collect();
                q.push(term_with_op(&kv.key, "~", &piece));
                q.push(term_with_op(&kv.key, ">=", "1"));
                if piece.chars().all(char::is_alphanumeric) && !piece.is_empty() {
                    q.push(piece.to_lowercase());
                    q.push(format!("{} OR {}", piece.to_uppercase(), t.name(i)));
                }
            }
            for e in d.events.iter().take(2) {
                let word: String = e.name.chars().take_while(|c| c.is_alphanumeric()).collect();
                if !word.is_empty() {
                    q.push(word);
                }
            }
        }
        q.sort();
        q.dedup();
        q
    }

    #[test]
    fn the_index_answers_every_search_as_the_decoded_details_do() {
        let mut checked = 0;
        for t in fixtures() {
            let index = RefCell::default();
            let details: Vec<SpanDetails> = t.spans().map(|i| t.span_details(i)).collect();
            for query in queries(&t) {
                let Ok(f) = Filter::parse(&query) else {
                    continue;
                };
                let search = Search::new(&t, &index);
                let by_index: Vec<u32> =
                    t.spans().filter(|&i| f.matches(&search.span(i))).collect();
                let decoded: Vec<u32> = t
                    .spans()
                    .filter(|&i| {
                        let d = details[i as usize].clone();
                        f.matches(&Decoded { t: &t, i, d })
                    })
                    .collect();
                assert_eq!(by_index, decoded, "trace {}, query {query:?}", t.trace_id());
                checked += 1;
            }
        }
        assert!(checked > 500, "only {checked} searches compared");
    }

    #[test]
    fn searches_without_attributes_do_not_build_the_index() {
        let t = fixtures().remove(0);
        let index = RefCell::default();
        let search = Search::new(&t, &index);
        let f = Filter::parse("status=error OR duration>1ms service~a").expect("filter");
        let _ = t.spans().filter(|&i| f.matches(&search.span(i))).count();
        assert!(matches!(*index.borrow(), IndexState::NotStarted));
        let f = Filter::parse("anything").expect("filter");
        let _ = t.spans().filter(|&i| f.matches(&search.span(i))).count();
        assert!(matches!(*index.borrow(), IndexState::Ready(_)));
    }

    #[test]
    fn an_index_built_in_slices_is_the_index_built_at_once() {
        for t in fixtures().iter().filter(|t| t.len() > 10) {
            let mut state = IndexState::default();
            let mut slices = 0;
            while state.step(t, 3) {
                slices += 1;
                assert!(matches!(state, IndexState::Building(_)));
            }
            assert_eq!(
                slices,
                (t.len() as usize).div_ceil(3) - 1,
                "{}",
                t.trace_id()
            );
            let IndexState::Ready(sliced) = state else {
                panic!("not ready after the last slice")
            };
            let whole = SearchIndex::build(t);
            assert_eq!(sliced.texts, whole.texts);
            assert_eq!(sliced.pair_start, whole.pair_start);
            assert_eq!(sliced.free_start, whole.free_start);
            assert_eq!(sliced.free, whole.free);
            let pairs =
                |x: &SearchIndex| x.pairs.iter().map(|p| (p.key, p.value)).collect::<Vec<_>>();
            assert_eq!(pairs(&sliced), pairs(&whole));
            assert_eq!(sliced.key_ids, whole.key_ids);
        }
    }

    #[test]
    fn a_search_during_the_build_finishes_it() {
        let t = fixtures()
            .into_iter()
            .find(|t| t.len() > 10)
            .expect("a trace");
        let state = RefCell::new(IndexState::default());
        assert!(state.borrow_mut().step(&t, 2));
        let search = Search::new(&t, &state);
        let f = Filter::parse("a").expect("filter");
        let _ = t.spans().filter(|&i| f.matches(&search.span(i))).count();
        assert!(matches!(*state.borrow(), IndexState::Ready(_)));
        assert!(!state.borrow_mut().step(&t, 2), "nothing left to build");
    }
}
