//! Returns of admitted report forms (issue 13 §3), wholly here: the forms reaching a set of
//! communities, every version of each community's return of each period, the guarded writes
//! of a draft and of a submission, and the communities' current values of the data items
//! ("最多报一次", 4.8-3). Writes take the caller's `tx.conn()` so the audit entry commits with
//! them.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::StoreError;
use crate::entity::{community_value, demand, demand_target, form_return, node};

pub use crate::entity::community_value::Model as CommunityValueRow;
pub use crate::entity::form_return::Model as FormReturnRow;

/// An admitted form and one community it reaches.
#[derive(Clone, Debug)]
pub struct FormTarget {
    pub demand_id: i64,
    pub title: String,
    pub requester_node_id: i64,
    /// The form's own fields (JSON).
    pub details: String,
    pub admission_number: Option<String>,
    pub period_start: String,
    pub period_end: String,
    pub valid_to: Option<String>,
    pub community_node_id: i64,
    pub community_name: String,
    pub community_path: String,
}

/// Every demand of kind `kind` in status `admitted` with its targets, each target as one row;
/// only the targets among `communities` when given, only the demand `demand_id` when given.
/// By demand, then community path.
pub async fn form_targets<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    admitted: &str,
    demand_id: Option<i64>,
    communities: Option<&[i64]>,
) -> Result<Vec<FormTarget>, StoreError> {
    let mut q = demand::Entity::find()
        .filter(demand::Column::Kind.eq(kind))
        .filter(demand::Column::Status.eq(admitted));
    if let Some(id) = demand_id {
        q = q.filter(demand::Column::Id.eq(id));
    }
    let forms = q.order_by_asc(demand::Column::Id).all(conn).await?;
    if forms.is_empty() {
        return Ok(Vec::new());
    }
    let mut tq = demand_target::Entity::find()
        .filter(demand_target::Column::DemandId.is_in(forms.iter().map(|f| f.id)));
    if let Some(ids) = communities {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        tq = tq.filter(demand_target::Column::CommunityNodeId.is_in(ids.iter().copied()));
    }
    let targets = tq.all(conn).await?;
    let nodes: std::collections::HashMap<i64, node::Model> = node::Entity::find()
        .filter(node::Column::Id.is_in(targets.iter().map(|t| t.community_node_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mut out = Vec::new();
    for f in &forms {
        let mut rows: Vec<FormTarget> = targets
            .iter()
            .filter(|t| t.demand_id == f.id)
            .filter_map(|t| {
                let n = nodes.get(&t.community_node_id)?;
                Some(FormTarget {
                    demand_id: f.id,
                    title: f.title.clone(),
                    requester_node_id: f.requester_node_id,
                    details: f.details.clone(),
                    admission_number: f.admission_number.clone(),
                    period_start: f.period_start.clone(),
                    period_end: f.period_end.clone(),
                    valid_to: f.valid_to.clone(),
                    community_node_id: n.id,
                    community_name: n.name.clone(),
                    community_path: n.path.clone(),
                })
            })
            .collect();
        rows.sort_by(|a, b| a.community_path.cmp(&b.community_path));
        out.extend(rows);
    }
    Ok(out)
}

/// Every version of every return of form `demand_id`, of the `communities` when given; by
/// community, period and version.
pub async fn returns_of<C: ConnectionTrait>(
    conn: &C,
    demand_ids: &[i64],
    communities: Option<&[i64]>,
) -> Result<Vec<FormReturnRow>, StoreError> {
    use form_return::Column as R;
    if demand_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = form_return::Entity::find().filter(R::DemandId.is_in(demand_ids.iter().copied()));
    if let Some(ids) = communities {
        q = q.filter(R::CommunityNodeId.is_in(ids.iter().copied()));
    }
    Ok(q.order_by_asc(R::DemandId)
        .order_by_asc(R::CommunityNodeId)
        .order_by_asc(R::PeriodKey)
        .order_by_asc(R::Version)
        .all(conn)
        .await?)
}

/// Every version of one community's return of one period, the first first.
pub async fn versions<C: ConnectionTrait>(
    conn: &C,
    demand_id: i64,
    community_id: i64,
    period_key: &str,
) -> Result<Vec<FormReturnRow>, StoreError> {
    use form_return::Column as R;
    Ok(form_return::Entity::find()
        .filter(R::DemandId.eq(demand_id))
        .filter(R::CommunityNodeId.eq(community_id))
        .filter(R::PeriodKey.eq(period_key))
        .order_by_asc(R::Version)
        .all(conn)
        .await?)
}

/// Who saves a return, and when.
#[derive(Clone, Copy, Debug)]
pub struct Saver<'a> {
    pub by: i64,
    pub by_name: &'a str,
    pub at: i64,
}

/// Stores a new version of a return in state `state` (`row.id` and the saver's columns
/// ignored); its id. The unique (form, community, period, version) index refuses a second row
/// for the same version.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    row: &FormReturnRow,
    saver: Saver<'_>,
) -> Result<i64, StoreError> {
    let saved = form_return::ActiveModel {
        demand_id: Set(row.demand_id),
        community_node_id: Set(row.community_node_id),
        period_key: Set(row.period_key.clone()),
        version: Set(row.version),
        state: Set(row.state.clone()),
        field_values: Set(row.field_values.clone()),
        saved_by: Set(saver.by),
        saved_by_name: Set(saver.by_name.to_owned()),
        saved_at: Set(saver.at),
        submitted_by: Set(row.submitted_by),
        submitted_by_name: Set(row.submitted_by_name.clone()),
        submitted_at: Set(row.submitted_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(saved.id)
}

/// Replaces the values of return `id` if it is still in state `draft`, submitting it when
/// `submit`; false when it is not (already submitted by another save).
pub async fn save_draft<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    draft: &str,
    new_state: &str,
    values: &str,
    saver: Saver<'_>,
    submit: bool,
) -> Result<bool, StoreError> {
    use form_return::Column as R;
    let mut q = form_return::Entity::update_many()
        .col_expr(R::FieldValues, values.into())
        .col_expr(R::State, new_state.into())
        .col_expr(R::SavedBy, saver.by.into())
        .col_expr(R::SavedByName, saver.by_name.into())
        .col_expr(R::SavedAt, saver.at.into());
    if submit {
        q = q
            .col_expr(R::SubmittedBy, saver.by.into())
            .col_expr(R::SubmittedByName, saver.by_name.into())
            .col_expr(R::SubmittedAt, saver.at.into());
    }
    let res = q
        .filter(R::Id.eq(id))
        .filter(R::State.eq(draft))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The current values of `codes` held for community `community_id`.
pub async fn current_values<C: ConnectionTrait>(
    conn: &C,
    community_id: i64,
    codes: &[String],
) -> Result<Vec<CommunityValueRow>, StoreError> {
    use community_value::Column as V;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(community_value::Entity::find()
        .filter(V::CommunityNodeId.eq(community_id))
        .filter(V::ItemCode.is_in(codes.iter().cloned()))
        .order_by_asc(V::ItemCode)
        .all(conn)
        .await?)
}

/// Makes `row` the community's current value of its item (replacing the one held).
pub async fn set_current_value<C: ConnectionTrait>(
    conn: &C,
    row: &CommunityValueRow,
) -> Result<(), StoreError> {
    use community_value::Column as V;
    let held = community_value::Entity::find()
        .filter(V::CommunityNodeId.eq(row.community_node_id))
        .filter(V::ItemCode.eq(row.item_code.as_str()))
        .one(conn)
        .await?;
    match held {
        Some(h) => {
            community_value::ActiveModel {
                id: Set(h.id),
                value: Set(row.value.clone()),
                source_demand_id: Set(row.source_demand_id),
                source_return_id: Set(row.source_return_id),
                as_of: Set(row.as_of.clone()),
                updated_at: Set(row.updated_at),
                ..Default::default()
            }
            .update(conn)
            .await?;
        }
        None => {
            community_value::ActiveModel {
                community_node_id: Set(row.community_node_id),
                item_code: Set(row.item_code.clone()),
                value: Set(row.value.clone()),
                source_demand_id: Set(row.source_demand_id),
                source_return_id: Set(row.source_return_id),
                as_of: Set(row.as_of.clone()),
                updated_at: Set(row.updated_at),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    Ok(())
}

/// The titles of these demands, by id (the source form of a pre-filled value).
pub async fn demand_titles<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(demand::Entity::find()
        .filter(demand::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|d| (d.id, d.title))
        .collect())
}

pub use crate::entity::form_return_reminder::Model as ReminderRow;

/// Stores a reminder (`row.id` ignored).
pub async fn insert_reminder<C: ConnectionTrait>(
    conn: &C,
    row: &ReminderRow,
) -> Result<(), StoreError> {
    crate::entity::form_return_reminder::ActiveModel {
        demand_id: Set(row.demand_id),
        community_node_id: Set(row.community_node_id),
        period_key: Set(row.period_key.clone()),
        sent_by: Set(row.sent_by),
        sent_by_name: Set(row.sent_by_name.clone()),
        sent_at: Set(row.sent_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The reminders sent to these communities, the latest first.
pub async fn reminders_to<C: ConnectionTrait>(
    conn: &C,
    communities: &[i64],
) -> Result<Vec<ReminderRow>, StoreError> {
    use crate::entity::form_return_reminder::{Column as M, Entity};
    if communities.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(M::CommunityNodeId.is_in(communities.iter().copied()))
        .order_by_desc(M::SentAt)
        .all(conn)
        .await?)
}
