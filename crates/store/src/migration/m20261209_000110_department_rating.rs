//! Communities rate the departments and streets that place work on them (社区评议部门, 5.3-2;
//! issue 12 §3): one rating per community, unit and year — the five answers and an optional
//! comment — replaced by a correction while the year's round is open.

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
enum DepartmentRating {
    Table,
    Id,
    Year,
    CommunityNodeId,
    UnitNodeId,
    Answers,
    Comment,
    RatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use DepartmentRating as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(integer(R::Year))
                .col(big_integer(R::CommunityNodeId))
                .col(big_integer(R::UnitNodeId))
                // JSON: {"question code": "rating code", …} (the five questions of 5.3-2)
                .col(text(R::Answers))
                .col(text(R::Comment))
                .col(big_integer(R::RatedBy))
                .col(big_integer(R::CreatedAt))
                .col(big_integer(R::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::UnitNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // One rating per community, unit and year, even with two requests racing.
        m.create_index(
            Index::create()
                .name("department_rating_once")
                .table(R::Table)
                .col(R::Year)
                .col(R::CommunityNodeId)
                .col(R::UnitNodeId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("department_rating_unit")
                .table(R::Table)
                .col(R::Year)
                .col(R::UnitNodeId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DepartmentRating::Table).to_owned())
            .await
    }
}
