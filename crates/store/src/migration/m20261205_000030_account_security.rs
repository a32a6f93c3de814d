//! Account security (issue 15): the password history that keeps an owner from cycling back to
//! one of their last passwords, and the dual-control requests that reset an administrator's
//! credentials.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PasswordHistory {
    Table,
    Id,
    AccountId,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CredentialReset {
    Table,
    Id,
    AccountId,
    Kind,
    TargetRole,
    State,
    RequestedBy,
    RequestedByName,
    RequestedRole,
    RequestedAt,
    DecidedBy,
    DecidedByName,
    DecidedRole,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per password an account has left behind (argon2id PHC strings, like the
        // account's own); only the newest few are kept.
        m.create_table(
            Table::create()
                .table(PasswordHistory::Table)
                .col(big_pk_auto(PasswordHistory::Id))
                .col(big_integer(PasswordHistory::AccountId))
                .col(string(PasswordHistory::PasswordHash))
                .col(big_integer(PasswordHistory::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("password_history_account")
                .table(PasswordHistory::Table)
                .col(PasswordHistory::AccountId)
                .col(PasswordHistory::Id)
                .to_owned(),
        )
        .await?;

        // A reset of an administrator's password or second factor: asked for by one
        // administrator, decided by another (state pending → approved | rejected), or done from
        // the shell (state shell, no people). The rows stay, so that the account's owner and
        // the audit administrator see every reset; names are copied so they read as they were.
        m.create_table(
            Table::create()
                .table(CredentialReset::Table)
                .col(big_pk_auto(CredentialReset::Id))
                .col(big_integer(CredentialReset::AccountId))
                .col(string_len(CredentialReset::Kind, 32))
                .col(string_len_null(CredentialReset::TargetRole, 32))
                .col(string_len(CredentialReset::State, 16))
                .col(big_integer_null(CredentialReset::RequestedBy))
                .col(string_len(CredentialReset::RequestedByName, 100))
                .col(string_len_null(CredentialReset::RequestedRole, 32))
                .col(big_integer(CredentialReset::RequestedAt))
                .col(big_integer_null(CredentialReset::DecidedBy))
                .col(string_len_null(CredentialReset::DecidedByName, 100))
                .col(string_len_null(CredentialReset::DecidedRole, 32))
                .col(big_integer_null(CredentialReset::DecidedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("credential_reset_account")
                .table(CredentialReset::Table)
                .col(CredentialReset::AccountId)
                .col(CredentialReset::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
