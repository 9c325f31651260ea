//! The trace viewer's Web Worker, minus the browser: `protocol` (the messages between the page
//! and the worker), `wire` (the compact binary form of a trace's drawing columns) and `session`
//! (the state the worker keeps: imported traces, the open one, and the answers to requests).
//! The worker binary is a thin shell over `Session`, so all of this is tested natively.

pub mod compare;
pub mod flame;
pub mod library;
pub mod protocol;
pub mod remote;
pub mod search_index;
pub mod service_map;
pub mod session;
pub mod share_link;
pub mod span_table;
pub mod stat_table;
pub mod trace_pages;
pub mod vocabulary;
pub mod warm_up;
pub mod warning_groups;
pub mod wire;

pub use session::{Outgoing, Session};
