//! The seal authority, the communities' and supervising departments' seals, and the seal-use
//! ledger (用印登记). The domain signs, seals and decrypts; these functions only build the
//! statements, the same on both databases.

use std::collections::HashMap;

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::StoreError;
use crate::entity::{account, certificate, node, role_grant, seal, seal_authority, seal_use};
use crate::scope::Scope;

/// The seal authority's row (there is one, id 1, once the first seal is made).
pub async fn authority<C: ConnectionTrait>(
    conn: &C,
) -> Result<Option<seal_authority::Model>, StoreError> {
    Ok(seal_authority::Entity::find_by_id(1).one(conn).await?)
}

/// Creates the seal authority inside the caller's write transaction.
pub async fn insert_authority<C: ConnectionTrait>(
    conn: &C,
    name: &str,
    public_key: &str,
    key_blob: &str,
    now: i64,
) -> Result<(), StoreError> {
    seal_authority::ActiveModel {
        id: Set(1),
        name: Set(name.to_owned()),
        public_key: Set(public_key.to_owned()),
        key_blob: Set(key_blob.to_owned()),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The accounts holding one of `roles` at node `node_id`: the signers of its seal.
pub async fn signer_accounts<C: ConnectionTrait>(
    conn: &C,
    node_id: i64,
    roles: &[&str],
) -> Result<Vec<account::Model>, StoreError> {
    let ids: Vec<i64> = role_grant::Entity::find()
        .filter(role_grant::Column::NodeId.eq(node_id))
        .filter(role_grant::Column::Role.is_in(roles.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.account_id)
        .collect();
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(conn)
        .await?)
}

/// How many seals node `node_id` has had (the next seal's code counts on from it).
pub async fn count_of_node<C: ConnectionTrait>(conn: &C, node_id: i64) -> Result<u64, StoreError> {
    Ok(seal::Entity::find()
        .filter(seal::Column::CommunityNodeId.eq(node_id))
        .count(conn)
        .await?)
}

/// What a new seal row stores.
pub struct NewSeal {
    pub node_id: i64,
    pub seal_code: String,
    pub record: String,
    pub key_blob: String,
    pub status: String,
    pub valid_from: String,
    pub valid_to: String,
    pub es_seal: Vec<u8>,
    pub now: i64,
}

/// Retires node `node_id`'s seals in `active` (sets `retired`) and inserts `new`, inside the
/// caller's write transaction; the new row.
pub async fn replace<C: ConnectionTrait>(
    conn: &C,
    active: &str,
    retired: &str,
    new: NewSeal,
) -> Result<seal::Model, StoreError> {
    seal::Entity::update_many()
        .col_expr(seal::Column::Status, Expr::value(retired))
        .col_expr(seal::Column::UpdatedAt, Expr::value(new.now))
        .filter(seal::Column::CommunityNodeId.eq(new.node_id))
        .filter(seal::Column::Status.eq(active))
        .exec(conn)
        .await?;
    Ok(seal::ActiveModel {
        community_node_id: Set(new.node_id),
        seal_code: Set(new.seal_code),
        record: Set(new.record),
        key_blob: Set(new.key_blob),
        status: Set(new.status),
        valid_from: Set(new.valid_from),
        valid_to: Set(new.valid_to),
        created_at: Set(new.now),
        updated_at: Set(new.now),
        es_seal: Set(Some(new.es_seal)),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Node `node_id`'s seal in state `active`, if it has one.
pub async fn active_of<C: ConnectionTrait>(
    conn: &C,
    node_id: i64,
    active: &str,
) -> Result<Option<seal::Model>, StoreError> {
    Ok(seal::Entity::find()
        .filter(seal::Column::CommunityNodeId.eq(node_id))
        .filter(seal::Column::Status.eq(active))
        .one(conn)
        .await?)
}

/// Every seal of the nodes `ids`, by node, newest first within a node.
pub async fn of_nodes<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<seal::Model>, StoreError> {
    Ok(seal::Entity::find()
        .filter(seal::Column::CommunityNodeId.is_in(ids))
        .order_by_asc(seal::Column::CommunityNodeId)
        .order_by_desc(seal::Column::Id)
        .all(conn)
        .await?)
}

/// The seal-use ledger's filter, already validated: a time window in milliseconds (from
/// inclusive, to exclusive) and a text to find in a certificate's serial or a signer's name.
#[derive(Default)]
pub struct LedgerFilter<'a> {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub needle: Option<&'a str>,
}

/// One page of the uses of the seals of the nodes in `scope`, newest first, how many there
/// are, and those seals by id.
pub async fn ledger_page<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    f: &LedgerFilter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<seal_use::Model>, u64, HashMap<i64, seal::Model>), StoreError> {
    let node_ids: Vec<i64> = node::Entity::find()
        .select_only()
        .column(node::Column::Id)
        .filter(scope.path_condition())
        .into_tuple()
        .all(conn)
        .await?;
    let seals: HashMap<i64, seal::Model> = seal::Entity::find()
        .filter(seal::Column::CommunityNodeId.is_in(node_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut q = seal_use::Entity::find()
        .filter(seal_use::Column::SealId.is_in(seals.keys().copied().collect::<Vec<_>>()));
    if let Some(from) = f.from {
        q = q.filter(seal_use::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(seal_use::Column::At.lt(to));
    }
    if let Some(needle) = f.needle {
        let certs: Vec<i64> = certificate::Entity::find()
            .select_only()
            .column(certificate::Column::Id)
            .filter(certificate::Column::Serial.contains(needle))
            .into_tuple()
            .all(conn)
            .await?;
        let accounts: Vec<i64> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .filter(
                Condition::any()
                    .add(account::Column::Username.contains(needle))
                    .add(account::Column::DisplayName.contains(needle)),
            )
            .into_tuple()
            .all(conn)
            .await?;
        q = q.filter(
            Condition::any()
                .add(seal_use::Column::CertificateId.is_in(certs))
                .add(seal_use::Column::AccountId.is_in(accounts)),
        );
    }
    let q = q.order_by_desc(seal_use::Column::Id);
    let total = q.clone().count(conn).await?;
    let rows = q.offset(offset).limit(limit).all(conn).await?;
    Ok((rows, total, seals))
}

/// A certificate as the ledger lists it: id, application, serial, status and the stored
/// (encrypted) document — never the PDF.
pub type LedgerCertificate = (i64, i64, String, String, String);

/// The ledger's columns of the certificates `ids`.
pub async fn ledger_certificates<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<LedgerCertificate>, StoreError> {
    Ok(certificate::Entity::find()
        .select_only()
        .columns([
            certificate::Column::Id,
            certificate::Column::ApplicationId,
            certificate::Column::Serial,
            certificate::Column::Status,
            certificate::Column::Document,
        ])
        .filter(certificate::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The accounts `ids` by id, to name the signers in the ledger.
pub async fn accounts<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<account::Model>, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(conn)
        .await?)
}

/// Whether seal `id` is still in state `active` (read inside the issuing transaction).
pub async fn is_in_state<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    active: &str,
) -> Result<bool, StoreError> {
    Ok(seal::Entity::find_by_id(id)
        .filter(seal::Column::Status.eq(active))
        .one(conn)
        .await?
        .is_some())
}

/// Records one use of seal `seal_id` on certificate `certificate_id` (用印登记).
pub async fn record_use<C: ConnectionTrait>(
    conn: &C,
    seal_id: i64,
    certificate_id: i64,
    account_id: i64,
    at: i64,
    approval: String,
) -> Result<(), StoreError> {
    seal_use::ActiveModel {
        seal_id: Set(seal_id),
        certificate_id: Set(certificate_id),
        account_id: Set(account_id),
        at: Set(at),
        approval: Set(approval),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
