//! The department's demand behind a certificate application (4.5-4): a resident may say which
//! department asked for the certificate and give the admission number of that department's
//! certificate demand, so that the worker sees at once whether the demand was admitted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CertificateApplication {
    Table,
    DemandedBy,
    DemandNumber,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CertificateApplication as A;
        // One column per statement: SQLite alters one column at a time.
        m.alter_table(
            Table::alter()
                .table(A::Table)
                .add_column(string_len_null(A::DemandedBy, 100))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(A::Table)
                .add_column(string_len_null(A::DemandNumber, 32))
                .to_owned(),
        )
        .await
    }
}
