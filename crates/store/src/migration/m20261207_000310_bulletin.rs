//! Bulletins (通报, 5.3-3; issue 14 slice 4): a district's or the city's supervisor drafts a
//! bulletin of the closed cases of a period in its jurisdiction, the approver of that level
//! signs it off, and only then is it published: a sealed PDF (serial `TB-`) and a public page.
//! Each line is a snapshot of one case taken when the bulletin was drafted (unit, violation,
//! clauses, outcome), so a published bulletin never changes under its readers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Node {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Bulletin {
    Table,
    Id,
    ScopeNodeId,
    IssuerNodeId,
    Title,
    PeriodFrom,
    PeriodTo,
    Status,
    DraftedBy,
    DraftedAt,
    SignedOffBy,
    SignedOffAt,
    SignOffOpinion,
    PublishedBy,
    PublishedAt,
    Serial,
    CheckCode,
    SealId,
    Document,
    Pdf,
}

#[derive(DeriveIden)]
enum BulletinLine {
    Table,
    Id,
    BulletinId,
    Position,
    CaseId,
    UnitName,
    Violation,
    Clauses,
    Outcome,
    ClosedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Bulletin as B;
        use BulletinLine as L;
        m.create_table(
            Table::create()
                .table(B::Table)
                .col(big_pk_auto(B::Id))
                // The district or the city whose bulletin it is (the drafter's level).
                .col(big_integer(B::ScopeNodeId))
                // The supervising department whose seal goes on the PDF.
                .col(big_integer(B::IssuerNodeId))
                .col(string_len(B::Title, 200))
                // YYYY-MM-DD, the period whose closed cases it lists.
                .col(string_len(B::PeriodFrom, 10))
                .col(string_len(B::PeriodTo, 10))
                // draft → signed_off → published.
                .col(string_len(B::Status, 16))
                .col(big_integer(B::DraftedBy))
                .col(big_integer(B::DraftedAt))
                .col(big_integer_null(B::SignedOffBy))
                .col(big_integer_null(B::SignedOffAt))
                .col(text_null(B::SignOffOpinion))
                .col(big_integer_null(B::PublishedBy))
                .col(big_integer_null(B::PublishedAt))
                .col(string_len_null(B::Serial, 32).unique_key())
                .col(string_len_null(B::CheckCode, 16))
                .col(big_integer_null(B::SealId))
                // The sealed bulletin (content, seal record, signature) as JSON, and its PDF.
                .col(text_null(B::Document))
                .col(blob_null(B::Pdf))
                .foreign_key(
                    ForeignKey::create()
                        .from(B::Table, B::ScopeNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bulletin_scope_status")
                .table(B::Table)
                .col(B::ScopeNodeId)
                .col(B::Status)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(L::Table)
                .col(big_pk_auto(L::Id))
                .col(big_integer(L::BulletinId))
                .col(integer(L::Position))
                .col(big_integer(L::CaseId))
                .col(string_len(L::UnitName, 200))
                .col(text(L::Violation))
                // JSON array of clause IDs.
                .col(text(L::Clauses))
                .col(text(L::Outcome))
                .col(string_len(L::ClosedOn, 10))
                .foreign_key(
                    ForeignKey::create()
                        .from(L::Table, L::BulletinId)
                        .to(B::Table, B::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(L::Table, L::CaseId)
                        .to(SupervisionCase::Table, SupervisionCase::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bulletin_line_bulletin")
                .table(L::Table)
                .col(L::BulletinId)
                .col(L::Position)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BulletinLine::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Bulletin::Table).to_owned())
            .await
    }
}
