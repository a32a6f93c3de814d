//! An index on `pki_certificate.revoked_at`: every verification of a GB/T 38540 certificate
//! counts the revoked certificates in the statement that reads the certificate (see
//! `repo::certificates::verify_row`), which with this index reads the revoked entries only,
//! not every signer of the deployment.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PkiCertificate {
    Table,
    RevokedAt,
}

const INDEX: &str = "idx_pki_certificate_revoked_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(INDEX)
                .table(PkiCertificate::Table)
                .col(PkiCertificate::RevokedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(INDEX)
                .table(PkiCertificate::Table)
                .to_owned(),
        )
        .await
    }
}
