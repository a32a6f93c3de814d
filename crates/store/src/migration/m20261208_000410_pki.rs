//! The seal authority's PKI in the database (issue 18, slice 3): the self-signed SM2 root, the
//! seal maker's and the signers' X.509 certificates with their keys (encrypted at rest like the
//! seal keys), the revocation of a signer's certificate; each seal's GB/T 38540 `SESeal`; and
//! each certificate's signed OFD and its format.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PkiCertificate {
    Table,
    Id,
    Role,
    Serial,
    Subject,
    AccountId,
    Der,
    KeyBlob,
    NotBefore,
    NotAfter,
    RevokedAt,
    RevokedBy,
    RevokeReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Seal {
    Table,
    EsSeal,
}

#[derive(DeriveIden)]
enum Certificate {
    Table,
    Ofd,
    Format,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use PkiCertificate as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(big_pk_auto(P::Id))
                // root | seal_maker | signer
                .col(string_len(P::Role, 16))
                // Hex, lowercase, unique within the one authority.
                .col(string_len_uniq(P::Serial, 40))
                // "CN=…, O=…" as the certificate says it.
                .col(string_len(P::Subject, 400))
                // The signer's account; NULL for the root and the seal maker.
                .col(big_integer_null(P::AccountId))
                .col(blob(P::Der))
                // The private key sealed with the seal KEK (hex), as seal keys are.
                .col(text(P::KeyBlob))
                // Milliseconds since the epoch.
                .col(big_integer(P::NotBefore))
                .col(big_integer(P::NotAfter))
                .col(big_integer_null(P::RevokedAt))
                .col(big_integer_null(P::RevokedBy))
                .col(text_null(P::RevokeReason))
                .col(big_integer(P::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_pki_certificate_account")
                .table(P::Table)
                .col(P::AccountId)
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite alters one column at a time.
        m.alter_table(
            Table::alter()
                .table(Seal::Table)
                .add_column(blob_null(Seal::EsSeal))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Certificate::Table)
                .add_column(blob_null(Certificate::Ofd))
                .to_owned(),
        )
        .await?;
        // json-v1: the JSON seal record and the PDF's own file signature (before this slice);
        // ses-v4: also a GB/T 38540 seal, the PDF's /Sig field and a signed OFD.
        m.alter_table(
            Table::alter()
                .table(Certificate::Table)
                .add_column(string_len(Certificate::Format, 16).default("json-v1"))
                .to_owned(),
        )
        .await
    }
}
