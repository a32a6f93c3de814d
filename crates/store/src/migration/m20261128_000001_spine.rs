//! The spine: administrative tree, accounts and roles, sessions and API tokens, settings, and
//! the audit chain with its checkpoint row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Node {
    Table,
    Id,
    Kind,
    Subtype,
    Name,
    DivisionCode,
    ParentId,
    Path,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Username,
    DisplayName,
    HomeNodeId,
    PasswordHash,
    PasswordChangedAt,
    MustChangePassword,
    FailedAttempts,
    LockedUntil,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RoleGrant {
    Table,
    Id,
    AccountId,
    Role,
    NodeId,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    TokenHash,
    AccountId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    AccountId,
    Name,
    TokenHash,
    Prefix,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginAttempt {
    Table,
    Id,
    Ip,
    At,
}

#[derive(DeriveIden)]
enum Setting {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Seq,
    At,
    ActorId,
    ActorName,
    Action,
    Outcome,
    TargetType,
    TargetId,
    Summary,
    Ip,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditCheckpoint {
    Table,
    Id,
    Seq,
    Hash,
    Mac,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The tree. A node's parent must exist (RESTRICT: a parent with children cannot go).
        m.create_table(
            Table::create()
                .table(Node::Table)
                .col(big_pk_auto(Node::Id))
                .col(string_len(Node::Kind, 16))
                .col(string_len_null(Node::Subtype, 32))
                .col(string_len(Node::Name, 100))
                .col(string_len_null(Node::DivisionCode, 12).unique_key())
                .col(big_integer_null(Node::ParentId))
                // Materialized path of ids, "/1/4/17/": jurisdiction is a prefix test and a
                // subtree is one indexed LIKE. Nodes never move, so paths never change.
                .col(string_len(Node::Path, 255))
                .col(big_integer(Node::CreatedAt))
                .col(big_integer(Node::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Node::Table, Node::ParentId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("node_path")
                .table(Node::Table)
                .col(Node::Path)
                .to_owned(),
        )
        .await?;
        // Names are unique among siblings so that lists and imports are unambiguous.
        m.create_index(
            Index::create()
                .name("node_parent_name")
                .table(Node::Table)
                .col(Node::ParentId)
                .col(Node::Name)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Account::Table)
                .col(big_pk_auto(Account::Id))
                .col(string_len(Account::Username, 64).unique_key())
                .col(string_len(Account::DisplayName, 100))
                // The unit the person works for: the system administrator's jurisdiction over
                // the account, and one of the things that keep a node from being deleted.
                .col(big_integer(Account::HomeNodeId))
                .col(string(Account::PasswordHash))
                .col(big_integer(Account::PasswordChangedAt))
                .col(boolean(Account::MustChangePassword))
                .col(integer(Account::FailedAttempts))
                .col(big_integer_null(Account::LockedUntil))
                .col(boolean(Account::Disabled))
                .col(big_integer(Account::CreatedAt))
                .col(big_integer(Account::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Account::Table, Account::HomeNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;

        // A grant pins its node: a node that still has users cannot be deleted.
        m.create_table(
            Table::create()
                .table(RoleGrant::Table)
                .col(big_pk_auto(RoleGrant::Id))
                .col(big_integer(RoleGrant::AccountId))
                .col(string_len(RoleGrant::Role, 32))
                .col(big_integer(RoleGrant::NodeId))
                .col(big_integer_null(RoleGrant::GrantedBy))
                .col(big_integer(RoleGrant::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(RoleGrant::Table, RoleGrant::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(RoleGrant::Table, RoleGrant::NodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("role_grant_unique")
                .table(RoleGrant::Table)
                .col(RoleGrant::AccountId)
                .col(RoleGrant::Role)
                .col(RoleGrant::NodeId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("role_grant_node")
                .table(RoleGrant::Table)
                .col(RoleGrant::NodeId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(string_len(Session::TokenHash, 64).primary_key())
                .col(big_integer(Session::AccountId))
                .col(string_len(Session::CsrfToken, 64))
                .col(big_integer(Session::CreatedAt))
                .col(big_integer(Session::LastSeenAt))
                .col(big_integer(Session::ExpiresAt))
                .col(string_len_null(Session::Ip, 64))
                .foreign_key(
                    ForeignKey::create()
                        .from(Session::Table, Session::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiToken::Table)
                .col(big_pk_auto(ApiToken::Id))
                .col(big_integer(ApiToken::AccountId))
                .col(string_len(ApiToken::Name, 100))
                .col(string_len(ApiToken::TokenHash, 64).unique_key())
                .col(string_len(ApiToken::Prefix, 16))
                .col(big_integer(ApiToken::CreatedAt))
                .col(big_integer_null(ApiToken::ExpiresAt))
                .col(big_integer_null(ApiToken::LastUsedAt))
                .col(big_integer_null(ApiToken::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiToken::Table, ApiToken::AccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginAttempt::Table)
                .col(big_pk_auto(LoginAttempt::Id))
                .col(string_len(LoginAttempt::Ip, 64))
                .col(big_integer(LoginAttempt::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("login_attempt_ip_at")
                .table(LoginAttempt::Table)
                .col(LoginAttempt::Ip)
                .col(LoginAttempt::At)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Setting::Table)
                .col(string_len(Setting::Key, 64).primary_key())
                .col(text(Setting::Value))
                .col(big_integer(Setting::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEntry::Table)
                .col(big_integer(AuditEntry::Seq).primary_key())
                .col(big_integer(AuditEntry::At))
                .col(big_integer_null(AuditEntry::ActorId))
                .col(string_len(AuditEntry::ActorName, 100))
                .col(string_len(AuditEntry::Action, 64))
                .col(string_len(AuditEntry::Outcome, 16))
                .col(string_len(AuditEntry::TargetType, 32))
                .col(string_len_null(AuditEntry::TargetId, 64))
                .col(text(AuditEntry::Summary))
                .col(string_len_null(AuditEntry::Ip, 64))
                .col(string_len(AuditEntry::PrevHash, 64))
                .col(string_len(AuditEntry::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_entry_at")
                .table(AuditEntry::Table)
                .col(AuditEntry::At)
                .to_owned(),
        )
        .await?;

        // The genesis checkpoint: seq 0, hash of nothing. Its MAC is written on the first append
        // (the key is not known to migrations).
        m.create_table(
            Table::create()
                .table(AuditCheckpoint::Table)
                .col(integer(AuditCheckpoint::Id).primary_key())
                .col(big_integer(AuditCheckpoint::Seq))
                .col(string_len(AuditCheckpoint::Hash, 64))
                .col(string_len(AuditCheckpoint::Mac, 64))
                .col(big_integer(AuditCheckpoint::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditCheckpoint::Table)
                .columns([
                    AuditCheckpoint::Id,
                    AuditCheckpoint::Seq,
                    AuditCheckpoint::Hash,
                    AuditCheckpoint::Mac,
                    AuditCheckpoint::UpdatedAt,
                ])
                .values_panic([
                    1.into(),
                    0i64.into(),
                    crate::audit::GENESIS_HASH.into(),
                    "".into(),
                    0i64.into(),
                ])
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
