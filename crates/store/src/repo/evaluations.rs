//! Evaluation demands (考核评比, 4.3; issue 12 §1): what a community's on-site check needs to
//! know of an admission number — the kind of the demand behind it and whether it is aimed at
//! the community. The rest of the evaluation demands' queries are the demands' (`demands`).

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::StoreError;
use crate::entity::{demand, demand_target};

/// The demand behind an admission number as a community's check sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberFor {
    pub demand_id: i64,
    /// The demand's kind as stored.
    pub kind: String,
    /// The demand names `community` among its targets.
    pub aimed_here: bool,
}

/// The demand admitted under `number`, with whether it is aimed at `community`.
pub async fn number_for(
    conn: &impl ConnectionTrait,
    number: &str,
    community: i64,
) -> Result<Option<NumberFor>, StoreError> {
    let Some((demand_id, kind)) = demand::Entity::find()
        .select_only()
        .column(demand::Column::Id)
        .column(demand::Column::Kind)
        .filter(demand::Column::AdmissionNumber.eq(number))
        .into_tuple::<(i64, String)>()
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let aimed_here = demand::Entity::find()
        .select_only()
        .column(demand::Column::Id)
        .filter(demand::Column::Id.eq(demand_id))
        .filter(
            demand::Column::Id.in_subquery(
                Query::select()
                    .column(demand_target::Column::DemandId)
                    .from(demand_target::Entity)
                    .and_where(demand_target::Column::CommunityNodeId.eq(community))
                    .to_owned(),
            ),
        )
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .is_some();
    Ok(Some(NumberFor {
        demand_id,
        kind,
        aimed_here,
    }))
}
