//! A second login factor (issue 15 item 4, 等保 level 3 asks two kinds of authentication for
//! administrators): each account's TOTP secret (RFC 6238), encrypted at rest, with the last
//! time step it accepted so that no code is accepted twice; single-use recovery codes (argon2id
//! hashes); and the half-finished logins that have passed the password and wait for the code.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SecondFactor {
    Table,
    AccountId,
    Secret,
    ConfirmedAt,
    LastStep,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    AccountId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LoginChallenge {
    Table,
    TokenHash,
    AccountId,
    CreatedAt,
    ExpiresAt,
    Ip,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per account that has started or finished enrolment. The secret is SM4-GCM
        // ciphertext bound to the account id (never the base32 text); `confirmed_at` is null
        // until the owner has typed a first code, and only a confirmed factor is asked for at
        // login. `last_step` is the RFC 6238 time step of the last code accepted.
        m.create_table(
            Table::create()
                .table(SecondFactor::Table)
                .col(big_integer(SecondFactor::AccountId).primary_key())
                .col(text(SecondFactor::Secret))
                .col(big_integer_null(SecondFactor::ConfirmedAt))
                .col(big_integer_null(SecondFactor::LastStep))
                .col(big_integer(SecondFactor::CreatedAt))
                .col(big_integer(SecondFactor::UpdatedAt))
                .to_owned(),
        )
        .await?;

        // Recovery codes: shown once at enrolment, kept only as argon2id hashes, each used once.
        m.create_table(
            Table::create()
                .table(RecoveryCode::Table)
                .col(big_pk_auto(RecoveryCode::Id))
                .col(big_integer(RecoveryCode::AccountId))
                .col(string(RecoveryCode::CodeHash))
                .col(big_integer_null(RecoveryCode::UsedAt))
                .col(big_integer(RecoveryCode::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("recovery_code_account")
                .table(RecoveryCode::Table)
                .col(RecoveryCode::AccountId)
                .to_owned(),
        )
        .await?;

        // A login that passed the password and waits for the code: the cookie carries a random
        // token, only its SM3 digest is stored; it lapses after a few minutes. No session exists
        // until the code is right.
        m.create_table(
            Table::create()
                .table(LoginChallenge::Table)
                .col(string_len(LoginChallenge::TokenHash, 64).primary_key())
                .col(big_integer(LoginChallenge::AccountId))
                .col(big_integer(LoginChallenge::CreatedAt))
                .col(big_integer(LoginChallenge::ExpiresAt))
                .col(string_len_null(LoginChallenge::Ip, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_challenge_account")
                .table(LoginChallenge::Table)
                .col(LoginChallenge::AccountId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
