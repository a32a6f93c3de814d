//! SeaORM entities: one module per table. Timestamps are Unix milliseconds (`i64`) so that
//! SQLite and PostgreSQL store, compare and hash them identically.

pub mod account;
pub mod api_token;
pub mod attachment;
pub mod audit_checkpoint;
pub mod audit_entry;
pub mod campaign;
pub mod campaign_unit;
pub mod catalogue_entry;
pub mod certificate;
pub mod certificate_application;
pub mod certificate_type;
pub mod counter;
pub mod credential_reset;
pub mod demand;
pub mod demand_target;
pub mod demand_wording_overrule;
pub mod form_draft;
pub mod holiday_year;
pub mod login_attempt;
pub mod login_challenge;
pub mod node;
pub mod password_history;
pub mod plaque;
pub mod recovery_code;
pub mod removal_task;
pub mod role_grant;
pub mod seal;
pub mod seal_authority;
pub mod seal_use;
pub mod second_factor;
pub mod session;
pub mod setting;
pub mod supervision_case;
