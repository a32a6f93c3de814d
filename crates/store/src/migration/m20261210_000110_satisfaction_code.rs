//! One-time satisfaction codes (issue 12 §2): a community hands printed codes to residents
//! without an account; each code answers the campaign's satisfaction survey once, for the
//! community that issued it. Only the code's SM3 hash is stored (unique), with who issued it
//! and when, and the day it was used — never which response it gave, so a used code cannot
//! be matched to an answer. The district audits issued and used counts per community.

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
enum SatisfactionCode {
    Table,
    Id,
    CampaignId,
    CommunityNodeId,
    CodeHash,
    IssuedBy,
    IssuedAt,
    UsedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SatisfactionCode as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::CampaignId))
                .col(big_integer(S::CommunityNodeId))
                .col(string_len(S::CodeHash, 64))
                .col(big_integer(S::IssuedBy))
                .col(big_integer(S::IssuedAt))
                // The day only (China time), as the response keeps it.
                .col(string_len_null(S::UsedOn, 10))
                .foreign_key(
                    ForeignKey::create()
                        .from(S::Table, S::CampaignId)
                        .to(ComprehensiveCampaign::Table, ComprehensiveCampaign::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(S::Table, S::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("satisfaction_code_hash")
                .table(S::Table)
                .col(S::CodeHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("satisfaction_code_community")
                .table(S::Table)
                .col(S::CampaignId)
                .col(S::CommunityNodeId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SatisfactionCode::Table).to_owned())
            .await
    }
}
