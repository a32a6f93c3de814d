//! Reading the audit log (`/audit`): the administrator's filtered list and export. Writing
//! goes through `WriteTx::audit` and `Store::audit_only`, which chain every entry.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::StoreError;
use crate::entity::audit_entry;

/// The audit list's filter, already validated: text in the actor's name, the start of the
/// action, the outcome, and a time window in milliseconds (from inclusive, to exclusive).
#[derive(Debug, Default)]
pub struct AuditQuery<'a> {
    pub actor: Option<&'a str>,
    pub action_prefix: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl AuditQuery<'_> {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(a) = self.actor {
            c = c.add(audit_entry::Column::ActorName.contains(a));
        }
        if let Some(a) = self.action_prefix {
            c = c.add(audit_entry::Column::Action.starts_with(a));
        }
        if let Some(o) = self.outcome {
            c = c.add(audit_entry::Column::Outcome.eq(o));
        }
        if let Some(f) = self.from {
            c = c.add(audit_entry::Column::At.gte(f));
        }
        if let Some(t) = self.to {
            c = c.add(audit_entry::Column::At.lt(t));
        }
        c
    }
}

/// One page of the entries `q` finds, newest first, and how many there are.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    q: &AuditQuery<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_entry::Model>, u64), StoreError> {
    let select = audit_entry::Entity::find().filter(q.condition());
    let total = select.clone().count(conn).await?;
    let rows = select
        .order_by_desc(audit_entry::Column::Seq)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// The newest `limit` entries `q` finds, newest first (an export).
pub async fn newest<C: ConnectionTrait>(
    conn: &C,
    q: &AuditQuery<'_>,
    limit: u64,
) -> Result<Vec<audit_entry::Model>, StoreError> {
    Ok(audit_entry::Entity::find()
        .filter(q.condition())
        .order_by_desc(audit_entry::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?)
}
