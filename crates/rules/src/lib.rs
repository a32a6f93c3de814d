//! Rules-as-code for 鞍民发〔2021〕18号: every decision the product makes about a demand on the
//! grassroots is computed here, as pure functions that cite the clauses they apply.
//!
//! The crate has no IO. Three building blocks are shared by every rule:
//!
//! - [`ClauseId`] and the [`clause!`] macro: the only way code cites the policy. The macro checks
//!   at compile time that the ID is well formed and present in `policy/anshan-2021-18.md`, and the
//!   coverage test (`tests/coverage.rs`) finds citations by scanning source for `clause!("`.
//! - [`Decision`], [`Outcome`] and [`Reason`]: what a rule returns.
//! - [`policy::Policy`]: the clause-numbered policy text, parsed and validated, for display
//!   (quoting a clause next to a decision) and for the coverage test.
//! - [`Lists`] and [`Date`]: values the policy leaves to decree (categories, banned kinds), as
//!   dated data from `data/`, read as in force on the date a decision is made.
//!
//! The rules themselves, one module per item of the policy:
//!
//! - [`work_item`]: work-item admission (工作事项准入, 4.2), [`check_work_item`].

pub mod clause;
pub mod date;
pub mod decision;
pub mod lists;
pub mod policy;
pub mod work_item;

pub use clause::ClauseId;
pub use date::{Date, DateError};
pub use decision::{Decision, Outcome, Reason};
pub use lists::{Category, CategoryKind, ListError, Lists};
pub use policy::{Policy, PolicyError};
pub use work_item::{
    Authority, CommunityRole, Funding, LegalBasis, LegalBasisKind, Level, ServiceNature,
    WorkItemFacts, WorkItemRuling, check_work_item,
};
