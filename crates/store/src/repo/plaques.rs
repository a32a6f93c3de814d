//! Plaques and their removal tasks: the lists of the registries and the counts per unit.
//!
//! The domain validates the filters, decides where the user may look (a [`Scope`] or one unit
//! it has checked) and passes the stored texts of its states (`PlaqueStatus::…::as_str()`);
//! these functions only turn that into statements, the same on both databases. The writes take
//! the connection of the caller's transaction (`WriteTx::conn`), so a change and its audit
//! entry commit together.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{campaign, campaign_unit, plaque, removal_task};
use crate::scope::Scope;
use crate::{Store, StoreError};

pub use crate::entity::plaque::Listed as PlaqueRow;
pub use crate::entity::removal_task::Listed as TaskRow;

/// Where a list looks: every unit of a scope, or one unit the caller has already checked.
#[derive(Clone, Copy, Debug)]
pub enum Where<'a> {
    Scope(&'a Scope),
    Unit(i64),
}

impl Where<'_> {
    fn condition(self, unit_column: impl ColumnTrait) -> sea_orm::Condition {
        match self {
            Where::Scope(s) => s.holds(unit_column),
            Where::Unit(id) => sea_orm::Condition::all().add(unit_column.eq(id)),
        }
    }
}

/// The plaque list's filters, as the domain validated them.
#[derive(Clone, Copy, Debug)]
pub struct PlaqueQuery<'a> {
    pub place: Where<'a>,
    /// The stored status to keep, or `None` for every status.
    pub status: Option<&'a str>,
    pub compliant: Option<bool>,
    /// Part of the plaque's text, or empty.
    pub name_contains: &'a str,
}

/// One page of plaques (by unit, then id) and how many there are in all.
pub async fn list(
    store: &Store,
    q: PlaqueQuery<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<PlaqueRow>, u64), StoreError> {
    let mut s = plaque::Entity::find().filter(q.place.condition(plaque::Column::UnitNodeId));
    if let Some(status) = q.status {
        s = s.filter(plaque::Column::Status.eq(status));
    }
    if let Some(c) = q.compliant {
        s = s.filter(plaque::Column::Compliant.eq(c));
    }
    if !q.name_contains.is_empty() {
        s = s.filter(plaque::Column::Name.contains(q.name_contains));
    }
    let s = s
        .order_by_asc(plaque::Column::UnitNodeId)
        .order_by_asc(plaque::Column::Id);
    let total = s.clone().count(store.db()).await?;
    let rows = s
        .offset(offset)
        .limit(limit)
        .into_partial_model::<PlaqueRow>()
        .all(store.db())
        .await?;
    Ok((rows, total))
}

/// Which removal tasks a list shows, and in which order.
#[derive(Clone, Copy, Debug)]
pub enum TaskSelection<'a> {
    /// Tasks in the stored status `status`, by deadline.
    ByDeadline { status: &'a str },
    /// Tasks in `status` whose deadline lies before `today` (`YYYY-MM-DD`), by deadline.
    DueBefore { status: &'a str, today: &'a str },
    /// Tasks in `status`, the last changed first.
    LastChanged { status: &'a str },
    /// Every task, the newest first.
    All,
}

/// One page of removal tasks and how many there are in all.
pub async fn tasks(
    store: &Store,
    place: Where<'_>,
    which: TaskSelection<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<TaskRow>, u64), StoreError> {
    use removal_task::Column as C;
    let s = removal_task::Entity::find().filter(place.condition(C::UnitNodeId));
    let s = match which {
        TaskSelection::ByDeadline { status } => {
            s.filter(C::Status.eq(status)).order_by_asc(C::Deadline)
        }
        TaskSelection::DueBefore { status, today } => s
            .filter(C::Status.eq(status))
            .filter(C::Deadline.lt(today))
            .order_by_asc(C::Deadline),
        TaskSelection::LastChanged { status } => {
            s.filter(C::Status.eq(status)).order_by_desc(C::UpdatedAt)
        }
        TaskSelection::All => s.order_by_desc(C::Id),
    };
    let s = s.order_by_asc(C::Id);
    let total = s.clone().count(store.db()).await?;
    let rows = s
        .offset(offset)
        .limit(limit)
        .into_partial_model::<TaskRow>()
        .all(store.db())
        .await?;
    Ok((rows, total))
}

/// Per unit of `scope`: how many plaques in the stored status `hanging` it has, compliant and
/// not, as `(unit, compliant, count)`.
pub async fn hanging_by_unit(
    store: &Store,
    scope: &Scope,
    hanging: &str,
) -> Result<Vec<(i64, bool, i64)>, StoreError> {
    Ok(plaque::Entity::find()
        .select_only()
        .column(plaque::Column::UnitNodeId)
        .column(plaque::Column::Compliant)
        .column_as(Expr::col(plaque::Column::Id).count(), "n")
        .filter(plaque::Column::Status.eq(hanging))
        .filter(scope.holds(plaque::Column::UnitNodeId))
        .group_by(plaque::Column::UnitNodeId)
        .group_by(plaque::Column::Compliant)
        .into_tuple()
        .all(store.db())
        .await?)
}

/// Per unit of `scope`: how many removal tasks in the stored status `open` it has.
pub async fn open_tasks_by_unit(
    store: &Store,
    scope: &Scope,
    open: &str,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(removal_task::Entity::find()
        .select_only()
        .column(removal_task::Column::UnitNodeId)
        .column_as(Expr::col(removal_task::Column::Id).count(), "n")
        .filter(removal_task::Column::Status.eq(open))
        .filter(scope.holds(removal_task::Column::UnitNodeId))
        .group_by(removal_task::Column::UnitNodeId)
        .into_tuple()
        .all(store.db())
        .await?)
}

// ---------------------------------------------------------------- single rows

/// One plaque without its photo.
pub async fn plaque<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<PlaqueRow>, StoreError> {
    Ok(plaque::Entity::find_by_id(id)
        .into_partial_model::<PlaqueRow>()
        .one(conn)
        .await?)
}

/// One plaque's unit and photo `(unit, bytes, content type)`.
pub async fn plaque_photo<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<(i64, Option<Vec<u8>>, Option<String>)>, StoreError> {
    Ok(plaque::Entity::find_by_id(id)
        .select_only()
        .columns([
            plaque::Column::UnitNodeId,
            plaque::Column::Photo,
            plaque::Column::PhotoType,
        ])
        .into_tuple()
        .one(conn)
        .await?)
}

/// One removal task without its evidence photo.
pub async fn task<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<TaskRow>, StoreError> {
    Ok(removal_task::Entity::find_by_id(id)
        .into_partial_model::<TaskRow>()
        .one(conn)
        .await?)
}

/// One removal task's unit and evidence photo `(unit, bytes, content type)`.
pub async fn task_evidence<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<(i64, Option<Vec<u8>>, Option<String>)>, StoreError> {
    Ok(removal_task::Entity::find_by_id(id)
        .select_only()
        .columns([
            removal_task::Column::UnitNodeId,
            removal_task::Column::Evidence,
            removal_task::Column::EvidenceType,
        ])
        .into_tuple()
        .one(conn)
        .await?)
}

// ---------------------------------------------------------------- reads of several rows

/// Plaques in the stored status `status` at the units of `place`, by id.
pub async fn plaques_in<C: ConnectionTrait>(
    conn: &C,
    place: Where<'_>,
    status: &str,
) -> Result<Vec<PlaqueRow>, StoreError> {
    Ok(plaque::Entity::find()
        .filter(plaque::Column::Status.eq(status))
        .filter(place.condition(plaque::Column::UnitNodeId))
        .order_by_asc(plaque::Column::Id)
        .into_partial_model::<PlaqueRow>()
        .all(conn)
        .await?)
}

/// A unit's registry: its plaques by stored status, the newest first, at most `limit`.
pub async fn unit_plaques<C: ConnectionTrait>(
    conn: &C,
    unit_id: i64,
    limit: u64,
) -> Result<Vec<PlaqueRow>, StoreError> {
    Ok(plaque::Entity::find()
        .filter(plaque::Column::UnitNodeId.eq(unit_id))
        .order_by_asc(plaque::Column::Status)
        .order_by_desc(plaque::Column::Id)
        .limit(limit)
        .into_partial_model::<PlaqueRow>()
        .all(conn)
        .await?)
}

/// `(id, name, placement, since)` of the plaques `ids`, for the lines of task lists.
pub async fn plaque_briefs<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<(i64, String, String, String)>, StoreError> {
    Ok(plaque::Entity::find()
        .select_only()
        .columns([
            plaque::Column::Id,
            plaque::Column::Name,
            plaque::Column::Placement,
            plaque::Column::Since,
        ])
        .filter(plaque::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The removal tasks in the stored status `status` of the plaques `ids`.
pub async fn tasks_of_plaques<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
    status: &str,
) -> Result<Vec<TaskRow>, StoreError> {
    Ok(removal_task::Entity::find()
        .filter(removal_task::Column::PlaqueId.is_in(ids))
        .filter(removal_task::Column::Status.eq(status))
        .into_partial_model::<TaskRow>()
        .all(conn)
        .await?)
}

// ---------------------------------------------------------------- writes

/// What the rules found at a plaque's check, as stored.
#[derive(Clone, Copy, Debug)]
pub struct Judged<'a> {
    /// The decision as JSON.
    pub decision: &'a str,
    pub compliant: bool,
    pub matched_key: Option<&'a str>,
    /// When the check ran (Unix ms).
    pub at: i64,
}

/// What a plaque says and where it hangs, as stored.
#[derive(Clone, Copy, Debug)]
pub struct Described<'a> {
    pub name: &'a str,
    pub placement: &'a str,
    pub kind: Option<&'a str>,
    pub location: &'a str,
    pub since: &'a str,
    /// A new photo and its content type (on edit, `None` keeps the old one).
    pub photo: Option<(&'a [u8], &'a str)>,
}

/// Stores a new plaque in the stored status `status`; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_plaque<C: ConnectionTrait>(
    conn: &C,
    unit_id: i64,
    d: &Described<'_>,
    status: &str,
    temporary_demand_id: Option<i64>,
    j: &Judged<'_>,
    created_by: Option<i64>,
) -> Result<i64, StoreError> {
    let row = plaque::ActiveModel {
        unit_node_id: Set(unit_id),
        name: Set(d.name.to_owned()),
        placement: Set(d.placement.to_owned()),
        kind: Set(d.kind.map(str::to_owned)),
        location: Set(d.location.to_owned()),
        since: Set(d.since.to_owned()),
        status: Set(status.to_owned()),
        removed_on: Set(None),
        photo: Set(d.photo.map(|p| p.0.to_vec())),
        photo_type: Set(d.photo.map(|p| p.1.to_owned())),
        temporary_demand_id: Set(temporary_demand_id),
        decision: Set(j.decision.to_owned()),
        compliant: Set(j.compliant),
        matched_key: Set(j.matched_key.map(str::to_owned)),
        checked_at: Set(j.at),
        created_by: Set(created_by),
        created_at: Set(j.at),
        updated_at: Set(j.at),
        ..Default::default()
    };
    Ok(plaque::Entity::insert(row).exec(conn).await?.last_insert_id)
}

/// Corrects a plaque still in the stored status `hanging` and stores its new check; false when
/// it is no longer hanging (nothing changed).
pub async fn correct_plaque<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    hanging: &str,
    d: &Described<'_>,
    j: &Judged<'_>,
) -> Result<bool, StoreError> {
    let mut update = judged(plaque::Entity::update_many(), j)
        .col_expr(plaque::Column::Name, Expr::value(d.name))
        .col_expr(plaque::Column::Placement, Expr::value(d.placement))
        .col_expr(plaque::Column::Kind, Expr::value(d.kind))
        .col_expr(plaque::Column::Location, Expr::value(d.location))
        .col_expr(plaque::Column::Since, Expr::value(d.since));
    if let Some((bytes, kind)) = d.photo {
        update = update
            .col_expr(plaque::Column::Photo, Expr::value(bytes.to_vec()))
            .col_expr(plaque::Column::PhotoType, Expr::value(kind));
    }
    let n = update
        .filter(plaque::Column::Id.eq(id))
        .filter(plaque::Column::Status.eq(hanging))
        .exec(conn)
        .await?;
    Ok(n.rows_affected == 1)
}

/// Stores a new check of a plaque still in the stored status `hanging`.
pub async fn rejudge_plaque<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    hanging: &str,
    j: &Judged<'_>,
) -> Result<(), StoreError> {
    judged(plaque::Entity::update_many(), j)
        .filter(plaque::Column::Id.eq(id))
        .filter(plaque::Column::Status.eq(hanging))
        .exec(conn)
        .await?;
    Ok(())
}

fn judged(
    u: sea_orm::UpdateMany<plaque::Entity>,
    j: &Judged<'_>,
) -> sea_orm::UpdateMany<plaque::Entity> {
    u.col_expr(plaque::Column::Decision, Expr::value(j.decision))
        .col_expr(plaque::Column::Compliant, Expr::value(j.compliant))
        .col_expr(plaque::Column::MatchedKey, Expr::value(j.matched_key))
        .col_expr(plaque::Column::CheckedAt, Expr::value(j.at))
        .col_expr(plaque::Column::UpdatedAt, Expr::value(j.at))
}

/// Moves a plaque from the stored status `from` to `to` (taken down on `date`); false when it
/// was not in `from` (nothing changed).
pub async fn take_down_plaque<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    from: &str,
    to: &str,
    date: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let n = plaque::Entity::update_many()
        .col_expr(plaque::Column::Status, Expr::value(to))
        .col_expr(plaque::Column::RemovedOn, Expr::value(date))
        .col_expr(plaque::Column::UpdatedAt, Expr::value(now))
        .filter(plaque::Column::Id.eq(id))
        .filter(plaque::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(n.rows_affected == 1)
}

/// The id of a plaque's removal task in the stored status `status`, if it has one.
pub async fn task_of_plaque<C: ConnectionTrait>(
    conn: &C,
    plaque_id: i64,
    status: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(removal_task::Entity::find()
        .select_only()
        .column(removal_task::Column::Id)
        .filter(removal_task::Column::PlaqueId.eq(plaque_id))
        .filter(removal_task::Column::Status.eq(status))
        .into_tuple()
        .one(conn)
        .await?)
}

/// A rule's finding as a removal task stores it.
#[derive(Clone, Copy, Debug)]
pub struct Finding<'a> {
    pub code: &'a str,
    pub clause: &'a str,
    pub message: &'a str,
    /// The stored placement the plaque should move to, if moving it is the remedy.
    pub move_to: Option<&'a str>,
}

/// Opens a removal task (stored status `status`) for a plaque; returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_task<C: ConnectionTrait>(
    conn: &C,
    plaque_id: i64,
    unit_id: i64,
    f: &Finding<'_>,
    deadline: &str,
    status: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let row = removal_task::ActiveModel {
        plaque_id: Set(plaque_id),
        unit_node_id: Set(unit_id),
        reason_code: Set(f.code.to_owned()),
        clause: Set(f.clause.to_owned()),
        message: Set(f.message.to_owned()),
        move_to: Set(f.move_to.map(str::to_owned)),
        deadline: Set(deadline.to_owned()),
        status: Set(status.to_owned()),
        resolution: Set(None),
        closed_on: Set(None),
        closed_by: Set(None),
        evidence: Set(None),
        evidence_type: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(removal_task::Entity::insert(row)
        .exec(conn)
        .await?
        .last_insert_id)
}

/// Replaces an open task's finding.
pub async fn refind_task<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    f: &Finding<'_>,
    now: i64,
) -> Result<(), StoreError> {
    use removal_task::Column as C;
    removal_task::Entity::update_many()
        .col_expr(C::ReasonCode, Expr::value(f.code))
        .col_expr(C::Clause, Expr::value(f.clause))
        .col_expr(C::Message, Expr::value(f.message))
        .col_expr(C::MoveTo, Expr::value(f.move_to))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// How a task closes: its stored status and resolution, the day, who, and the evidence photo.
#[derive(Clone, Copy, Debug)]
pub struct Closing<'a> {
    pub status: &'a str,
    pub resolution: &'a str,
    pub on: &'a str,
    pub by: Option<i64>,
    pub evidence: Option<(&'a [u8], &'a str)>,
}

/// Closes a removal task.
pub async fn close_task<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    c: &Closing<'_>,
    now: i64,
) -> Result<(), StoreError> {
    use removal_task::Column as Col;
    let mut update = removal_task::Entity::update_many()
        .col_expr(Col::Status, Expr::value(c.status))
        .col_expr(Col::Resolution, Expr::value(c.resolution))
        .col_expr(Col::ClosedOn, Expr::value(c.on))
        .col_expr(Col::ClosedBy, Expr::value(c.by))
        .col_expr(Col::UpdatedAt, Expr::value(now));
    if let Some((bytes, kind)) = c.evidence {
        update = update
            .col_expr(Col::Evidence, Expr::value(bytes.to_vec()))
            .col_expr(Col::EvidenceType, Expr::value(kind));
    }
    update.filter(Col::Id.eq(id)).exec(conn).await?;
    Ok(())
}

// ---------------------------------------------------------------- self-inspection campaigns

/// The district's campaign ending last on or after `from` (`YYYY-MM-DD`), if any.
pub async fn latest_campaign<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    from: &str,
) -> Result<Option<campaign::Model>, StoreError> {
    Ok(campaign::Entity::find()
        .filter(campaign::Column::DistrictNodeId.eq(district_id))
        .filter(campaign::Column::Deadline.gte(from))
        .order_by_desc(campaign::Column::Deadline)
        .one(conn)
        .await?)
}

/// What a new campaign records.
#[derive(Clone, Copy, Debug)]
pub struct NewCampaign<'a> {
    pub district_id: i64,
    pub title: &'a str,
    pub launched_on: &'a str,
    pub deadline: &'a str,
    pub launched_by: i64,
    pub now: i64,
    /// The streets and towns that owe their self-inspection.
    pub units: &'a [i64],
}

/// Stores a campaign and one open row per unit; returns its id.
pub async fn insert_campaign<C: ConnectionTrait>(
    conn: &C,
    c: &NewCampaign<'_>,
) -> Result<i64, StoreError> {
    let row = campaign::ActiveModel {
        district_node_id: Set(c.district_id),
        title: Set(c.title.to_owned()),
        launched_on: Set(c.launched_on.to_owned()),
        deadline: Set(c.deadline.to_owned()),
        launched_by: Set(c.launched_by),
        created_at: Set(c.now),
        ..Default::default()
    };
    let id = campaign::Entity::insert(row)
        .exec(conn)
        .await?
        .last_insert_id;
    for &unit in c.units {
        let row = campaign_unit::ActiveModel {
            campaign_id: Set(id),
            unit_node_id: Set(unit),
            completed_on: Set(None),
            completed_by: Set(None),
            note: Set(None),
        };
        campaign_unit::Entity::insert(row)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(id)
}

/// One page of the campaigns of `districts`, the newest first, and how many there are.
pub async fn campaigns<C: ConnectionTrait>(
    conn: &C,
    districts: Vec<i64>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<campaign::Model>, u64), StoreError> {
    let q = campaign::Entity::find()
        .filter(campaign::Column::DistrictNodeId.is_in(districts))
        .order_by_desc(campaign::Column::Id);
    let total = q.clone().count(conn).await?;
    let rows = q.offset(offset).limit(limit).all(conn).await?;
    Ok((rows, total))
}

/// One campaign.
pub async fn campaign<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<campaign::Model>, StoreError> {
    Ok(campaign::Entity::find_by_id(id).one(conn).await?)
}

/// The unit rows of the campaigns `ids`.
pub async fn campaign_units<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<campaign_unit::Model>, StoreError> {
    Ok(campaign_unit::Entity::find()
        .filter(campaign_unit::Column::CampaignId.is_in(ids))
        .all(conn)
        .await?)
}

/// One unit's row of a campaign.
pub async fn campaign_unit<C: ConnectionTrait>(
    conn: &C,
    campaign_id: i64,
    unit_id: i64,
) -> Result<Option<campaign_unit::Model>, StoreError> {
    Ok(campaign_unit::Entity::find_by_id((campaign_id, unit_id))
        .one(conn)
        .await?)
}

/// Records a unit's self-inspection complete, if it is not yet; false when it already was.
pub async fn complete_campaign_unit<C: ConnectionTrait>(
    conn: &C,
    campaign_id: i64,
    unit_id: i64,
    on: &str,
    by: i64,
    note: Option<&str>,
) -> Result<bool, StoreError> {
    use campaign_unit::Column as Col;
    let n = campaign_unit::Entity::update_many()
        .col_expr(Col::CompletedOn, Expr::value(on))
        .col_expr(Col::CompletedBy, Expr::value(by))
        .col_expr(Col::Note, Expr::value(note))
        .filter(Col::CampaignId.eq(campaign_id))
        .filter(Col::UnitNodeId.eq(unit_id))
        .filter(Col::CompletedOn.is_null())
        .exec(conn)
        .await?;
    Ok(n.rows_affected == 1)
}

/// Per unit of `scope`: how many plaques in the stored status `status` were checked at or after
/// `since` (Unix ms), as `(unit, count)`.
pub async fn checked_since_by_unit<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    status: &str,
    since: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(plaque::Entity::find()
        .select_only()
        .column(plaque::Column::UnitNodeId)
        .column_as(Expr::col(plaque::Column::Id).count(), "n")
        .filter(plaque::Column::Status.eq(status))
        .filter(plaque::Column::CheckedAt.gte(since))
        .filter(scope.holds(plaque::Column::UnitNodeId))
        .group_by(plaque::Column::UnitNodeId)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The names of the plaques of `scope` in the stored status `status` last checked before
/// `before` (Unix ms), by id.
pub async fn names_unchecked_since<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    status: &str,
    before: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(plaque::Entity::find()
        .select_only()
        .column(plaque::Column::Name)
        .filter(plaque::Column::Status.eq(status))
        .filter(plaque::Column::CheckedAt.lt(before))
        .filter(scope.holds(plaque::Column::UnitNodeId))
        .order_by_asc(plaque::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The campaigns in which one of `units` has not yet completed its self-inspection, at most
/// `limit` of them (a campaign once per unit that owes it).
pub async fn owed_self_inspections<C: ConnectionTrait>(
    conn: &C,
    units: Vec<i64>,
    limit: u64,
) -> Result<Vec<campaign::Model>, StoreError> {
    let pending = campaign_unit::Entity::find()
        .filter(campaign_unit::Column::UnitNodeId.is_in(units))
        .filter(campaign_unit::Column::CompletedOn.is_null())
        .limit(limit)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(pending.len());
    for u in pending {
        if let Some(c) = campaign::Entity::find_by_id(u.campaign_id)
            .one(conn)
            .await?
        {
            out.push(c);
        }
    }
    Ok(out)
}
