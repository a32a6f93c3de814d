//! Personal data at rest (issue 15): an application's full ID number is kept encrypted
//! (`jianfu_store::personal`), so the column becomes unbounded text on PostgreSQL (it was
//! VARCHAR(18); SQLite has no lengths). Beside it, the masked form for lists and an HMAC-SM3
//! blind index for exact search, both filled by the start-up step that encrypts existing
//! plaintext rows (it needs the data key, which a migration does not have).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CertificateApplication {
    Table,
    ApplicantIdNumber,
    ApplicantIdMasked,
    ApplicantIdIndex,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CertificateApplication as A;
        if m.get_database_backend() == DbBackend::Postgres {
            m.alter_table(
                Table::alter()
                    .table(A::Table)
                    .modify_column(ColumnDef::new(A::ApplicantIdNumber).text().not_null())
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(A::Table)
                .add_column(string_len(A::ApplicantIdMasked, 18).default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(A::Table)
                .add_column(string_len_null(A::ApplicantIdIndex, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_certificate_application_id_index")
                .table(A::Table)
                .col(A::ApplicantIdIndex)
                .to_owned(),
        )
        .await
    }
}
