//! The rectification loop of a supervision case (整改, 5.3-3; issue 14 slice 2): the notice a
//! supervisor issues to the responsible unit (one per case, sealed as a PDF like certificates),
//! the unit's answers with their evidence files, and the supervisor's review of each answer
//! (accepted or sent back with a reason). A case sent back is answered again, so answers are
//! rows of their own, never overwritten.

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
enum RectificationNotice {
    Table,
    Id,
    CaseId,
    Serial,
    CheckCode,
    UnitNodeId,
    IssuerNodeId,
    SealId,
    Facts,
    Clauses,
    ActionRequired,
    DeadlineDays,
    DueOn,
    Document,
    Pdf,
    IssuedBy,
    IssuedAt,
}

#[derive(DeriveIden)]
enum RectificationAnswer {
    Table,
    Id,
    NoticeId,
    Body,
    AnsweredBy,
    AnsweredAt,
    Review,
    ReviewReason,
    ReviewedBy,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum RectificationEvidence {
    Table,
    Id,
    AnswerId,
    FileName,
    ContentType,
    SizeBytes,
    Sm3,
    Content,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use RectificationNotice as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .col(big_pk_auto(N::Id))
                // One notice per case: a second is refused by the database as well.
                .col(big_integer(N::CaseId).unique_key())
                .col(string_len(N::Serial, 32).unique_key())
                .col(string_len(N::CheckCode, 16))
                // The department, street or community that must rectify.
                .col(big_integer(N::UnitNodeId))
                // The supervising department whose seal is on the notice.
                .col(big_integer(N::IssuerNodeId))
                .col(big_integer(N::SealId))
                .col(text(N::Facts))
                // JSON array of clause IDs.
                .col(text(N::Clauses))
                .col(text(N::ActionRequired))
                .col(integer(N::DeadlineDays))
                // YYYY-MM-DD, the last working day of the deadline.
                .col(string_len(N::DueOn, 10))
                // The sealed notice (content, seal record, signature) as JSON.
                .col(text(N::Document))
                .col(blob(N::Pdf))
                .col(big_integer(N::IssuedBy))
                .col(big_integer(N::IssuedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(N::Table, N::CaseId)
                        .to(SupervisionCase::Table, SupervisionCase::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(N::Table, N::UnitNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("rectification_notice_unit")
                .table(N::Table)
                .col(N::UnitNodeId)
                .to_owned(),
        )
        .await?;

        use RectificationAnswer as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::NoticeId))
                .col(text(A::Body))
                .col(big_integer(A::AnsweredBy))
                .col(big_integer(A::AnsweredAt))
                // NULL while awaiting review; `accepted` or `sent_back`.
                .col(string_len_null(A::Review, 16))
                .col(text_null(A::ReviewReason))
                .col(big_integer_null(A::ReviewedBy))
                .col(big_integer_null(A::ReviewedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::NoticeId)
                        .to(N::Table, N::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("rectification_answer_notice")
                .table(A::Table)
                .col(A::NoticeId)
                .to_owned(),
        )
        .await?;

        use RectificationEvidence as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::AnswerId))
                .col(string_len(E::FileName, 200))
                .col(string_len(E::ContentType, 32))
                .col(big_integer(E::SizeBytes))
                .col(string_len(E::Sm3, 64))
                .col(blob(E::Content))
                .col(big_integer(E::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::AnswerId)
                        .to(A::Table, A::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("rectification_evidence_answer")
                .table(E::Table)
                .col(E::AnswerId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RectificationEvidence::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RectificationAnswer::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RectificationNotice::Table).to_owned())
            .await?;
        Ok(())
    }
}
