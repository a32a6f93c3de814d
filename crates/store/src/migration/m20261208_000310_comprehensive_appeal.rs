//! Appeals (申诉) against a published comprehensive evaluation (4.3-4; issue 12 §2): a
//! community appeals its score within the appeal period after the district closes the
//! campaign, with a reason and optional evidence files; the district upholds it (the score is
//! corrected, the old and new totals kept here) or rejects it, each with a reason.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Node {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ComprehensiveCampaign {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ComprehensiveAppeal {
    Table,
    Id,
    CampaignId,
    CommunityNodeId,
    Reason,
    Status,
    FiledBy,
    FiledAt,
    FiledOn,
    Answer,
    AnsweredBy,
    AnsweredAt,
    OldTotal,
    NewTotal,
}

#[derive(DeriveIden)]
enum ComprehensiveAppealEvidence {
    Table,
    Id,
    AppealId,
    FileName,
    ContentType,
    SizeBytes,
    Sm3,
    Content,
    CreatedBy,
    CreatedAt,
}

fn fk(
    table: impl IntoIden,
    col: impl IntoIden,
    to: impl IntoIden,
    to_id: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, to_id)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ComprehensiveAppeal as A;
        use ComprehensiveCampaign as C;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::CampaignId))
                .col(big_integer(A::CommunityNodeId))
                .col(text(A::Reason))
                // `open`, `upheld` or `rejected`.
                .col(string_len(A::Status, 16))
                .col(big_integer(A::FiledBy))
                .col(big_integer(A::FiledAt))
                // YYYY-MM-DD, the day it was filed (within the appeal period).
                .col(string_len(A::FiledOn, 10))
                .col(text_null(A::Answer))
                .col(big_integer_null(A::AnsweredBy))
                .col(big_integer_null(A::AnsweredAt))
                // The community's published total before and after an upheld appeal, in
                // points with two decimals (None while incomplete).
                .col(string_len_null(A::OldTotal, 16))
                .col(string_len_null(A::NewTotal, 16))
                .foreign_key(&mut fk(
                    A::Table,
                    A::CampaignId,
                    C::Table,
                    C::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    A::Table,
                    A::CommunityNodeId,
                    Node::Table,
                    Node::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comprehensive_appeal_community")
                .table(A::Table)
                .col(A::CampaignId)
                .col(A::CommunityNodeId)
                .to_owned(),
        )
        .await?;
        use ComprehensiveAppealEvidence as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::AppealId))
                .col(string_len(E::FileName, 200))
                .col(string_len(E::ContentType, 64))
                .col(big_integer(E::SizeBytes))
                .col(string_len(E::Sm3, 64))
                .col(blob(E::Content))
                .col(big_integer(E::CreatedBy))
                .col(big_integer(E::CreatedAt))
                .foreign_key(&mut fk(
                    E::Table,
                    E::AppealId,
                    A::Table,
                    A::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comprehensive_appeal_evidence_appeal")
                .table(E::Table)
                .col(E::AppealId)
                .to_owned(),
        )
        .await
    }
}
