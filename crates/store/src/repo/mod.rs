//! Repositories: the SQL of one aggregate each, returning typed rows.
//!
//! Every statement whose text depends on the database (PostgreSQL or SQLite), every raw
//! statement, and the inline SQLite reads of the hottest public pages live here, so that the
//! domain never names a backend. The domain calls these functions with values it has already
//! validated and maps the rows to its own view types.
//!
//! Issue 11 moves the aggregates here one at a time. Wholly here: the counters, the unfinished
//! forms (`form_drafts`), the data dictionary (`data_items`), the plaque registries with their
//! removal tasks and self-inspection campaigns (`plaques`), the administrative tree (`tree`),
//! accounts and grants (`accounts`), signing in and sessions (`sessions`), second factors
//! (`second_factors`), credential resets, bulletins (`bulletins`), certificate applications
//! (`applications`), certificates and seals (`certificates`, `seals`, `pki`), the escalation
//! job (`escalations`, `jobs`), accountability records and the audit log's reads
//! (`audit_entries`), the supervision cases' decisions and visibility (`cases`), the
//! rectification loop with its typed steps (`rectification`), the monitoring points
//! (`monitoring`), the detectors' reads (`detections`), and the demands wholly (`demands`:
//! lookup, ledger sums, the scoped list, the insert of every kind, a draft's replacement and
//! each decision as one guarded `Move`). Every source of a case opens it through
//! `cases::insert`. What is left in the domain's modules moves in the next slices.

/// The most ids one statement binds (`IN (…)`): SQLite refuses more than its variable limit
/// (999 in older builds), so a read of many ids goes in batches of at most this many.
pub const IDS_PER_STATEMENT: usize = 500;

pub mod accountability;
pub mod accounts;
pub mod annual_report;
pub mod applications;
pub mod audit_entries;
pub mod bulletins;
pub mod case_reports;
pub mod cases;
pub mod catalogue;
pub mod certificates;
pub mod comprehensive;
pub mod counters;
pub mod credential_resets;
pub mod data_items;
pub mod data_requests;
pub mod demands;
pub mod department_ratings;
pub mod detections;
pub mod escalations;
pub mod evaluations;
pub mod form_drafts;
pub mod form_returns;
pub mod history;
pub mod holidays;
pub mod jobs;
pub mod monitoring;
pub mod overview;
pub mod person_records;
pub mod personal_data;
pub mod pki;
pub mod plaques;
pub mod public_reports;
pub mod rate_limits;
pub mod rectification;
pub mod report_forms;
pub mod seals;
pub mod second_factors;
pub mod sessions;
pub mod tree;
