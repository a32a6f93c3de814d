//! Plaques and their removal tasks: the lists of the registries and the counts per unit.
//!
//! The domain validates the filters, decides where the user may look (a [`Scope`] or one unit
//! it has checked) and passes the stored texts of its states (`PlaqueStatus::…::as_str()`);
//! these functions only turn that into statements, the same on both databases.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{plaque, removal_task};
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
