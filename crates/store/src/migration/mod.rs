//! Schema migrations, written once with sea-query so the same steps run on SQLite and
//! PostgreSQL. Each migration is append-only: never edit one that has shipped, add the next.

use sea_orm_migration::prelude::*;

mod m20261128_000001_spine;
mod m20261128_000002_demand;
mod m20261128_000003_certificate;
mod m20261128_000004_plaque;
mod m20261205_000030_account_security;
mod m20261205_000040_wording_overrule;
mod m20261205_000050_personal_data;
mod m20261206_000010_second_factor;
mod m20261206_000020_form_draft;
mod m20261206_000030_rectification;
mod m20261206_000040_application_demand;
mod m20261206_000050_escalation;
mod m20261206_000060_material_request;
mod m20261207_000110_data_dictionary;
mod m20261207_000210_comprehensive;
mod m20261207_000310_bulletin;
mod m20261207_000320_accountability;
mod m20261208_000110_report_form;
mod m20261208_000210_monitoring;
mod m20261208_000310_comprehensive_appeal;
mod m20261208_000410_pki;
mod m20261209_000110_department_rating;
mod m20261209_000210_public_report;
mod m20261209_000310_form_return;
mod m20261210_000110_satisfaction_code;
mod m20261210_000310_case_report;
mod m20261211_000110_data_request;
mod m20261211_000301_detection;
mod m20261212_000210_person_record;
mod m20261212_000401_rate_window;
mod m20261212_000501_pki_revoked_index;
mod m20261213_000210_case_attachment;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_spine::Migration),
            Box::new(m20261128_000002_demand::Migration),
            Box::new(m20261128_000003_certificate::Migration),
            Box::new(m20261128_000004_plaque::Migration),
            Box::new(m20261205_000030_account_security::Migration),
            Box::new(m20261205_000040_wording_overrule::Migration),
            Box::new(m20261205_000050_personal_data::Migration),
            Box::new(m20261206_000010_second_factor::Migration),
            Box::new(m20261206_000020_form_draft::Migration),
            Box::new(m20261206_000030_rectification::Migration),
            Box::new(m20261206_000040_application_demand::Migration),
            Box::new(m20261206_000050_escalation::Migration),
            Box::new(m20261206_000060_material_request::Migration),
            Box::new(m20261207_000110_data_dictionary::Migration),
            Box::new(m20261207_000210_comprehensive::Migration),
            Box::new(m20261207_000310_bulletin::Migration),
            Box::new(m20261207_000320_accountability::Migration),
            Box::new(m20261208_000110_report_form::Migration),
            Box::new(m20261208_000210_monitoring::Migration),
            Box::new(m20261208_000310_comprehensive_appeal::Migration),
            Box::new(m20261208_000410_pki::Migration),
            Box::new(m20261209_000210_public_report::Migration),
            Box::new(m20261209_000110_department_rating::Migration),
            Box::new(m20261209_000310_form_return::Migration),
            Box::new(m20261210_000110_satisfaction_code::Migration),
            Box::new(m20261210_000310_case_report::Migration),
            Box::new(m20261211_000110_data_request::Migration),
            Box::new(m20261211_000301_detection::Migration),
            Box::new(m20261212_000210_person_record::Migration),
            Box::new(m20261212_000401_rate_window::Migration),
            Box::new(m20261212_000501_pki_revoked_index::Migration),
            Box::new(m20261213_000210_case_attachment::Migration),
        ]
    }
}
