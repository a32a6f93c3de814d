//! The history of one thing (a demand, an application and its certificate …) as the audit chain
//! recorded it: the successful changes, oldest first, with the name of whoever made each.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{account, audit_entry};
use crate::{AuditOutcome, Store, StoreError};

/// One recorded change.
#[derive(Clone, Debug)]
pub struct Step {
    pub at: i64,
    /// The account's current display name, or the name recorded at the time (a system job, a
    /// deleted account).
    pub who: String,
    pub action: String,
    /// The entry's JSON summary (`Null` when it is not JSON).
    pub details: serde_json::Value,
}

/// The successful entries about any of `targets` (`(target type, target id)`) whose action is
/// one of `actions`, oldest first, at most `limit`.
pub async fn of(
    store: &Store,
    targets: &[(&str, String)],
    actions: &[&str],
    limit: u64,
) -> Result<Vec<Step>, StoreError> {
    if targets.is_empty() || actions.is_empty() {
        return Ok(Vec::new());
    }
    let mut which = Condition::any();
    for (kind, id) in targets {
        which = which.add(
            Condition::all()
                .add(audit_entry::Column::TargetType.eq(*kind))
                .add(audit_entry::Column::TargetId.eq(id.as_str())),
        );
    }
    let rows = audit_entry::Entity::find()
        .filter(which)
        .filter(audit_entry::Column::Outcome.eq(AuditOutcome::Ok.as_str()))
        .filter(audit_entry::Column::Action.is_in(actions.iter().copied()))
        .order_by_asc(audit_entry::Column::Seq)
        .limit(limit)
        .all(store.db())
        .await?;
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        account::Entity::find()
            .select_only()
            .columns([account::Column::Id, account::Column::DisplayName])
            .filter(account::Column::Id.is_in(ids))
            .into_tuple::<(i64, String)>()
            .all(store.db())
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| Step {
            at: r.at,
            who: r
                .actor_id
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or(r.actor_name),
            details: serde_json::from_str(&r.summary).unwrap_or(serde_json::Value::Null),
            action: r.action,
        })
        .collect())
}
