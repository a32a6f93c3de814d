//! Repositories: the SQL of one aggregate each, returning typed rows.
//!
//! Every statement whose text depends on the database (PostgreSQL or SQLite), every raw
//! statement, and the inline SQLite reads of the hottest public pages live here, so that the
//! domain never names a backend. The domain calls these functions with values it has already
//! validated and maps the rows to its own view types.
//!
//! Issue 11 moves the aggregates here one at a time: the counters, the demands' public lookup and
//! burden sums, the certificates' verification read, the unfinished forms (`form_drafts`,
//! the first aggregate wholly here) and the plaque registries' lists and counts (`plaques`) are
//! here; the rest of each aggregate's
//! queries still sit in its domain module (`demand.rs`, `plaque/registry.rs`,
//! `certificate/issue.rs`) and move in the next slices.

pub mod certificates;
pub mod counters;
pub mod data_items;
pub mod demands;
pub mod form_drafts;
pub mod history;
pub mod monitoring;
pub mod plaques;
