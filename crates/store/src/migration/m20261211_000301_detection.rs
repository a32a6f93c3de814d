//! Detectors on data (issue 14 §2, 4.1-8): what each detector matched, one row per (kind,
//! subject row), and the day a certificate type was discontinued.
//!
//! `detection` is the detectors' idempotency key and their evidence: the unique index on
//! (kind, subject_id) lets a second run — in this process or another — insert nothing, and the
//! row keeps which row matched which (the discontinued type, the removed plaque, the revoked
//! demand), the likeness or date that triggered it and the clauses, for the case page.
//!
//! `certificate_type.discontinued_on` is the day a type was put on the discontinued list
//! (不再保留, 4.5-12): the catalogue had no such date. The types already listed get the
//! (Beijing) day their row was recorded, the only date the platform knows for them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CertificateType {
    Table,
    DiscontinuedOn,
}

#[derive(DeriveIden)]
enum Detection {
    Table,
    Id,
    Kind,
    SubjectId,
    CaseId,
    MatchedId,
    SubjectLabel,
    MatchedLabel,
    Similarity,
    SubjectOn,
    MatchedOn,
    Clauses,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Detection as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(big_pk_auto(D::Id))
                .col(string_len(D::Kind, 40))
                .col(big_integer(D::SubjectId))
                .col(big_integer_null(D::CaseId))
                .col(big_integer(D::MatchedId))
                .col(text(D::SubjectLabel))
                .col(text(D::MatchedLabel))
                .col(integer_null(D::Similarity))
                .col(string_len(D::SubjectOn, 10))
                .col(string_len(D::MatchedOn, 10))
                .col(text(D::Clauses))
                .col(big_integer(D::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(D::Table, D::CaseId)
                        .to(SupervisionCase::Table, SupervisionCase::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("detection_subject")
                .table(D::Table)
                .col(D::Kind)
                .col(D::SubjectId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("detection_case")
                .table(D::Table)
                .col(D::CaseId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CertificateType::Table)
                .add_column(string_len_null(CertificateType::DiscontinuedOn, 10))
                .to_owned(),
        )
        .await?;
        let day = match m.get_database_backend() {
            DbBackend::Postgres => {
                "to_char(to_timestamp(created_at / 1000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            }
            _ => "date(created_at / 1000 + 28800, 'unixepoch')",
        };
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE certificate_type SET discontinued_on = {day} WHERE listing = 'discontinued'"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CertificateType::Table)
                .drop_column(CertificateType::DiscontinuedOn)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Detection::Table).to_owned())
            .await
    }
}
