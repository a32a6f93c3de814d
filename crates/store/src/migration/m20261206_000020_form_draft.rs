//! Unfinished forms (暂存, issue 16): a user may save a form that does not yet pass its checks
//! and come back to it; the checks run when it is saved as a real draft or submitted. One row
//! per unfinished form, owned by the account that saved it and seen by nobody else. The body is
//! the form as its module's form type serialises it (JSON); forms holding personal data are not
//! stashed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FormDraft {
    Table,
    Id,
    AccountId,
    Kind,
    Title,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FormDraft::Table)
                .col(big_pk_auto(FormDraft::Id))
                .col(big_integer(FormDraft::AccountId))
                // Which form: `demand` (the work-item draft form); modules add theirs.
                .col(string_len(FormDraft::Kind, 32))
                // What the owner's lists show (the form's title as typed, possibly empty).
                .col(text(FormDraft::Title))
                .col(text(FormDraft::Body))
                .col(big_integer(FormDraft::CreatedAt))
                .col(big_integer(FormDraft::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(FormDraft::Table, FormDraft::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("form_draft_account")
                .table(FormDraft::Table)
                .col(FormDraft::AccountId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FormDraft::Table).to_owned())
            .await
    }
}
