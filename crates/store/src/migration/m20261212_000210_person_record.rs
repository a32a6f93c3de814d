//! Person-level records and who read them (issue 13 §4, 4.8-3): a community's records of
//! persons for `person_record` data items (低保 households, elderly living alone …), the full
//! ID number sealed like an applicant's (SM4-GCM, bound to its row) with its masked form and
//! blind index in clear; the access log of every read of a record by anyone but the holding
//! community (the person found by the blind index, never the clear number); and a resident
//! account's identity (the blind index of the ID number an administrator checked), by which a
//! resident finds the reads of their own data.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonRecord {
    Table,
    Id,
    CommunityNodeId,
    ItemCode,
    Name,
    IdNumber,
    IdMasked,
    IdIndex,
    Details,
    CreatedBy,
    CreatedByName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DataAccess {
    Table,
    Id,
    At,
    ReaderAccountId,
    ReaderName,
    ReaderUnitId,
    ReaderUnitName,
    CommunityNodeId,
    CommunityName,
    ItemCode,
    ItemName,
    PersonRecordId,
    PersonIndex,
    Purpose,
    Channel,
    ClearId,
}

#[derive(DeriveIden)]
enum ResidentIdentity {
    Table,
    AccountId,
    IdMasked,
    IdIndex,
    SetBy,
    SetAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use PersonRecord as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(big_pk_auto(P::Id))
                .col(big_integer(P::CommunityNodeId))
                .col(string_len(P::ItemCode, 64))
                .col(string_len(P::Name, 100))
                // `jf1:<key id>:<base64>`: sealed, bound to the row (see `personal.rs`).
                .col(text(P::IdNumber))
                .col(string_len(P::IdMasked, 32))
                // HMAC-SM3 blind index, hex: the same person has the same index everywhere.
                .col(string_len(P::IdIndex, 64))
                .col(text(P::Details))
                .col(big_integer(P::CreatedBy))
                .col(string_len(P::CreatedByName, 100))
                .col(big_integer(P::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("person_record_community_item")
                .table(P::Table)
                .col(P::CommunityNodeId)
                .col(P::ItemCode)
                .to_owned(),
        )
        .await?;
        // One record of a person per item and community.
        m.create_index(
            Index::create()
                .name("person_record_unique")
                .table(P::Table)
                .col(P::CommunityNodeId)
                .col(P::ItemCode)
                .col(P::IdIndex)
                .unique()
                .to_owned(),
        )
        .await?;
        use DataAccess as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(big_pk_auto(D::Id))
                .col(big_integer(D::At))
                .col(big_integer(D::ReaderAccountId))
                .col(string_len(D::ReaderName, 100))
                .col(big_integer(D::ReaderUnitId))
                .col(string_len(D::ReaderUnitName, 200))
                .col(big_integer(D::CommunityNodeId))
                .col(string_len(D::CommunityName, 200))
                .col(string_len(D::ItemCode, 64))
                .col(string_len(D::ItemName, 200))
                .col(big_integer(D::PersonRecordId))
                .col(string_len(D::PersonIndex, 64))
                .col(text(D::Purpose))
                // `api_read`, `page_read`, `export`.
                .col(string_len(D::Channel, 16))
                .col(boolean(D::ClearId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("data_access_person")
                .table(D::Table)
                .col(D::PersonIndex)
                .col(D::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("data_access_at")
                .table(D::Table)
                .col(D::At)
                .to_owned(),
        )
        .await?;
        use ResidentIdentity as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_integer(R::AccountId).primary_key())
                .col(string_len(R::IdMasked, 32))
                .col(string_len(R::IdIndex, 64))
                .col(big_integer(R::SetBy))
                .col(big_integer(R::SetAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ResidentIdentity::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(DataAccess::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(PersonRecord::Table).to_owned())
            .await
    }
}
