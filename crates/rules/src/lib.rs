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

pub mod clause;
pub mod decision;
pub mod policy;

pub use clause::ClauseId;
pub use decision::{Decision, Outcome, Reason};
pub use policy::{Policy, PolicyError};
