//! SeaORM entities: one module per table. Timestamps are Unix milliseconds (`i64`) so that
//! SQLite and PostgreSQL store, compare and hash them identically.

pub mod account;
pub mod api_token;
pub mod audit_checkpoint;
pub mod audit_entry;
pub mod counter;
pub mod demand;
pub mod demand_target;
pub mod login_attempt;
pub mod node;
pub mod role_grant;
pub mod session;
pub mod setting;
pub mod supervision_case;
