//! The shared data dictionary (数据字典, 4.8-3; issue 13 §1): the data items a community may be
//! asked for, each with its authoritative source (一数一源), update cycle, sharing class and
//! personal-data flag. `data_item` holds the current version of each item; every version,
//! the first included, is kept whole in `data_item_version` (a JSON snapshot), so the history
//! shows what an item said at any time.

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
enum DataItem {
    Table,
    Id,
    Code,
    Name,
    Kind,
    Options,
    Unit,
    Definition,
    SourceNodeId,
    UpdateCycle,
    SharingClass,
    SharingBasis,
    Personal,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DataItemVersion {
    Table,
    Id,
    ItemId,
    Version,
    Body,
    ChangedBy,
    ChangedByName,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DataItem::Table)
                .col(big_pk_auto(DataItem::Id))
                .col(string_len_uniq(DataItem::Code, 64))
                .col(text(DataItem::Name))
                // FieldKind::as_str: integer, decimal, text, date, choice, person_record.
                .col(string_len(DataItem::Kind, 32))
                // The choice list's options, a JSON array of texts (`[]` for other kinds).
                .col(text(DataItem::Options))
                .col(text(DataItem::Unit))
                .col(text(DataItem::Definition))
                // The department that owns the value; NULL: the community itself.
                .col(big_integer_null(DataItem::SourceNodeId))
                .col(string_len(DataItem::UpdateCycle, 32))
                // SharingClass::as_str.
                .col(string_len(DataItem::SharingClass, 32))
                // The condition of 有条件共享, the legal reason of 不予共享, empty for 无条件.
                .col(text(DataItem::SharingBasis))
                .col(boolean(DataItem::Personal))
                .col(integer(DataItem::Version))
                .col(big_integer(DataItem::CreatedAt))
                .col(big_integer(DataItem::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DataItem::Table, DataItem::SourceNodeId)
                        .to(Node::Table, Node::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DataItemVersion::Table)
                .col(big_pk_auto(DataItemVersion::Id))
                .col(big_integer(DataItemVersion::ItemId))
                .col(integer(DataItemVersion::Version))
                // The item as it read in this version (JSON).
                .col(text(DataItemVersion::Body))
                .col(big_integer_null(DataItemVersion::ChangedBy))
                .col(text(DataItemVersion::ChangedByName))
                .col(big_integer(DataItemVersion::ChangedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DataItemVersion::Table, DataItemVersion::ItemId)
                        .to(DataItem::Table, DataItem::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("data_item_version_item")
                .table(DataItemVersion::Table)
                .col(DataItemVersion::ItemId)
                .col(DataItemVersion::Version)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DataItemVersion::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(DataItem::Table).to_owned())
            .await
    }
}
