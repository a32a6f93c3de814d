//! The files a public report brings (举报佐证材料, issue 14 §1): a resident's anonymous report
//! may carry evidence (photos, PDFs), checked by content like rectification evidence and kept
//! in the database beside its case.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseAttachment {
    Table,
    Id,
    CaseId,
    FileName,
    ContentType,
    SizeBytes,
    Sm3,
    Content,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CaseAttachment as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::CaseId))
                .col(string_len(E::FileName, 200))
                .col(string_len(E::ContentType, 32))
                .col(big_integer(E::SizeBytes))
                .col(string_len(E::Sm3, 64))
                .col(blob(E::Content))
                .col(big_integer(E::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::CaseId)
                        .to(SupervisionCase::Table, SupervisionCase::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_attachment_case")
                .table(E::Table)
                .col(E::CaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseAttachment::Table).to_owned())
            .await
    }
}
