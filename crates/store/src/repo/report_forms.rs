//! Report forms (填表报数, issue 13): the districts' caps on weekly and monthly agricultural
//! forms (4.9-2, dated data with every value kept) and the admitted forms still running, which
//! count against those caps. The forms themselves are demands of kind `form`.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::StoreError;
use crate::entity::{agri_form_cap, demand, demand_target, node};

pub use crate::entity::agri_form_cap::Model as AgriCapRow;

/// The cap of district `district_id` in force on `day` (`YYYY-MM-DD`): the value with the
/// latest effective day not after it; `None` when the district has set none by then.
pub async fn cap_in_force<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    day: &str,
) -> Result<Option<AgriCapRow>, StoreError> {
    use agri_form_cap::Column as C;
    Ok(agri_form_cap::Entity::find()
        .filter(C::DistrictNodeId.eq(district_id))
        .filter(C::EffectiveFrom.lte(day))
        .order_by_desc(C::EffectiveFrom)
        .one(conn)
        .await?)
}

/// Every value district `district_id` has set, the latest effective day first.
pub async fn cap_history<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
) -> Result<Vec<AgriCapRow>, StoreError> {
    use agri_form_cap::Column as C;
    Ok(agri_form_cap::Entity::find()
        .filter(C::DistrictNodeId.eq(district_id))
        .order_by_desc(C::EffectiveFrom)
        .all(conn)
        .await?)
}

/// The value district `district_id` set for `day`, if any (one per day).
pub async fn cap_on_day<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    day: &str,
) -> Result<Option<AgriCapRow>, StoreError> {
    use agri_form_cap::Column as C;
    Ok(agri_form_cap::Entity::find()
        .filter(C::DistrictNodeId.eq(district_id))
        .filter(C::EffectiveFrom.eq(day))
        .one(conn)
        .await?)
}

/// Stores a new value (`row.id` ignored); its id.
pub async fn insert_cap<C: ConnectionTrait>(conn: &C, row: AgriCapRow) -> Result<i64, StoreError> {
    let saved = agri_form_cap::ActiveModel {
        district_node_id: Set(row.district_node_id),
        cap: Set(row.cap),
        effective_from: Set(row.effective_from),
        note: Set(row.note),
        set_by: Set(row.set_by),
        set_by_name: Set(row.set_by_name),
        set_at: Set(row.set_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(saved.id)
}

/// One target of a running form: the form, its details (JSON) and the target's tree path.
#[derive(Clone, Debug)]
pub struct RunningTarget {
    pub demand_id: i64,
    pub details: String,
    pub path: String,
}

/// The targets of every demand of kind `kind` in status `admitted` whose validity has not ended
/// before `day` (`YYYY-MM-DD`), with the target's path: what the cap counts.
pub async fn running_targets<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    admitted: &str,
    day: &str,
) -> Result<Vec<RunningTarget>, StoreError> {
    let forms = demand::Entity::find()
        .filter(demand::Column::Kind.eq(kind))
        .filter(demand::Column::Status.eq(admitted))
        .filter(demand::Column::ValidTo.gte(day))
        .all(conn)
        .await?;
    if forms.is_empty() {
        return Ok(Vec::new());
    }
    let targets = demand_target::Entity::find()
        .filter(demand_target::Column::DemandId.is_in(forms.iter().map(|f| f.id)))
        .all(conn)
        .await?;
    let paths: std::collections::HashMap<i64, String> = node::Entity::find()
        .filter(node::Column::Id.is_in(targets.iter().map(|t| t.community_node_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|n| (n.id, n.path))
        .collect();
    let details: std::collections::HashMap<i64, &str> =
        forms.iter().map(|f| (f.id, f.details.as_str())).collect();
    Ok(targets
        .iter()
        .filter_map(|t| {
            Some(RunningTarget {
                demand_id: t.demand_id,
                details: (*details.get(&t.demand_id)?).to_owned(),
                path: paths.get(&t.community_node_id)?.clone(),
            })
        })
        .collect())
}

/// A place a form reaches: its id, name, kind and tree path.
#[derive(Clone, Debug)]
pub struct PlaceRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub path: String,
}

/// The nodes with these ids (any order).
pub async fn places<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<Vec<PlaceRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(node::Entity::find()
        .filter(node::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|n| PlaceRow {
            id: n.id,
            name: n.name,
            kind: n.kind,
            path: n.path,
        })
        .collect())
}

/// The nodes of kind `kind` among the ancestors named in `paths` (the districts of a form's
/// targets), by path.
pub async fn ancestors_of_kind<C: ConnectionTrait>(
    conn: &C,
    paths: &[&str],
    kind: &str,
) -> Result<Vec<PlaceRow>, StoreError> {
    let mut ids: Vec<i64> = paths
        .iter()
        .flat_map(|p| p.split('/').filter_map(|s| s.parse::<i64>().ok()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows: Vec<PlaceRow> = places(conn, &ids)
        .await?
        .into_iter()
        .filter(|p| p.kind == kind)
        .collect();
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(rows)
}

/// Every node of kind `kind` (the districts whose caps may be read), by path.
pub async fn nodes_of_kind<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
) -> Result<Vec<PlaceRow>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Kind.eq(kind))
        .order_by_asc(node::Column::Path)
        .all(conn)
        .await?
        .into_iter()
        .map(|n| PlaceRow {
            id: n.id,
            name: n.name,
            kind: n.kind,
            path: n.path,
        })
        .collect())
}
