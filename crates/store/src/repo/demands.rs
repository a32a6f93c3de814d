//! Demands wholly: the public lookup of an admission number, the burden sums of the ledger, a
//! demand by id or number with its targets, the scoped list ([`Visible`], [`ListFilter`]) and
//! the to-dos' reads, the insert of every kind ([`NewDemand`]), a draft's replacement and each
//! decision as one guarded [`Move`] applied by [`apply`]. The domain passes the stored texts of
//! its states and kinds; these functions only build the statements.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};

use crate::entity::{account, demand, demand_target, demand_wording_overrule, node};
use crate::scope::Scope;
use crate::{Store, StoreError};

/// What the public lookup shows of the demand behind an admission number.
#[derive(Clone, Debug)]
pub struct LookupRow {
    pub kind: String,
    /// `city` or `district`: whose authority admitted it.
    pub level: String,
    pub title: String,
    pub status: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub revoke_reason: Option<String>,
    pub minutes_per_occurrence: i32,
    pub occurrences_per_year: i32,
    pub decision: Option<String>,
    pub requester_name: Option<String>,
    pub target_count: i64,
    /// The first 20 target communities (by id), in tree order.
    pub target_names: Vec<String>,
}

/// Everything the public lookup shows of the demand behind an admission number — its
/// requester's name, its number of target communities and the names of the first 20 (by id,
/// in tree order) — in one statement: the lookup is the hottest public read, and each statement
/// is a round trip to a database connection.
///
/// Raw SQL rather than `.one()`: that binds `LIMIT ?`, and SQLite (since 3.47) re-prepares a
/// statement whose LIMIT is a bound parameter on every execution, which was most of a lookup's
/// cost (`cargo bench -p jianfu-server --bench lookup`). On a SQLite file the statement runs
/// inline on this thread's read-only connection ([`crate::reads`]).
pub async fn lookup(store: &Store, number: &str) -> Result<Option<LookupRow>, StoreError> {
    let db = store.db();
    let backend = db.get_database_backend();
    // The names as a JSON array of [name, path] pairs, in tree order: PostgreSQL sorts by its
    // collation as before; for SQLite, whose BINARY collation is byte order, sorting the few
    // pairs here is the same order and cheaper than a sorter in the statement.
    let postgres = backend == DbBackend::Postgres;
    let names = if postgres {
        "json_agg(json_build_array(x.name, x.path) ORDER BY x.path)"
    } else {
        "json_group_array(json_array(x.name, x.path))"
    };
    let sql = format!(
        "SELECT d.kind, d.level, d.title, d.status, d.valid_from, d.valid_to, d.revoke_reason, \
         d.minutes_per_occurrence, d.occurrences_per_year, d.decision, \
         r.name AS requester_name, \
         (SELECT COUNT(*) FROM demand_target t WHERE t.demand_id = d.id) AS target_count, \
         (SELECT CAST({names} AS TEXT) FROM \
           (SELECT c.name, c.path FROM demand_target t \
            JOIN node c ON c.id = t.community_node_id \
            WHERE t.demand_id = d.id ORDER BY t.community_node_id LIMIT 20) x) AS target_names \
         FROM demand d LEFT JOIN node r ON r.id = d.requester_node_id \
         WHERE d.admission_number = $1"
    );
    let names_in_order = |names: Option<String>| -> Result<Vec<String>, StoreError> {
        let mut pairs: Vec<(String, String)> = match names {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::Integrity(format!("查询结果格式错误：{e}")))?,
            None => Vec::new(),
        };
        if !postgres {
            pairs.sort_by(|a, b| a.1.cmp(&b.1));
        }
        Ok(pairs.into_iter().map(|(name, _)| name).collect())
    };
    if let Some(reads) = store.sqlite_reads() {
        use rusqlite::OptionalExtension;
        let raw = reads.query(|c| {
            let mut st = c.prepare_cached(&sql)?;
            st.query_row([number], |r| {
                Ok((
                    LookupRow {
                        kind: r.get("kind")?,
                        level: r.get("level")?,
                        title: r.get("title")?,
                        status: r.get("status")?,
                        valid_from: r.get("valid_from")?,
                        valid_to: r.get("valid_to")?,
                        revoke_reason: r.get("revoke_reason")?,
                        minutes_per_occurrence: r.get("minutes_per_occurrence")?,
                        occurrences_per_year: r.get("occurrences_per_year")?,
                        decision: r.get("decision")?,
                        requester_name: r.get("requester_name")?,
                        target_count: r.get("target_count")?,
                        target_names: Vec::new(),
                    },
                    r.get::<_, Option<String>>("target_names")?,
                ))
            })
            .optional()
        })?;
        return match raw {
            Some((mut row, names)) => {
                row.target_names = names_in_order(names)?;
                Ok(Some(row))
            }
            None => Ok(None),
        };
    }
    let Some(r) = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [number.into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    let target_names = names_in_order(r.try_get("", "target_names")?)?;
    Ok(Some(LookupRow {
        kind: r.try_get("", "kind")?,
        level: r.try_get("", "level")?,
        title: r.try_get("", "title")?,
        status: r.try_get("", "status")?,
        valid_from: r.try_get("", "valid_from")?,
        valid_to: r.try_get("", "valid_to")?,
        revoke_reason: r.try_get("", "revoke_reason")?,
        minutes_per_occurrence: r.try_get("", "minutes_per_occurrence")?,
        occurrences_per_year: r.try_get("", "occurrences_per_year")?,
        decision: r.try_get("", "decision")?,
        requester_name: r.try_get("", "requester_name")?,
        target_count: r.try_get("", "target_count")?,
        target_names,
    }))
}

/// The burden of demands in force on one node (a community, or a requesting department): how
/// many demands, and their minutes per year summed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Burden {
    pub node_id: i64,
    pub demands: i64,
    pub minutes_per_year: i64,
}

/// Whom [`burden`] sums by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BurdenBy {
    /// Per target community.
    Community,
    /// Per requesting department (a demand aimed at several communities counts once).
    Requester,
}

/// The burden of the demands in status `in_force` whose validity covers `today` (YYYY-MM-DD),
/// over the target communities whose path starts with `path`, summed per community or per
/// requester. Aggregated in SQL so that a million demands do not travel to the server.
pub async fn burden(
    store: &Store,
    by: BurdenBy,
    in_force: &str,
    today: &str,
    path: &str,
) -> Result<Vec<Burden>, StoreError> {
    burden_where(
        store,
        by,
        "d.status = $1",
        vec![in_force.into(), today.into(), format!("{path}%").into()],
    )
    .await
}

/// The burden per community on the past day `day` (YYYY-MM-DD), whose end is `day_end_ms`: the
/// demands in status `admitted` whose validity covered it, and those in status `revoked` since
/// that day ended (they were in force then), over the subtree `path`. What a year-over-year
/// comparison needs ([`burden`] reads today's).
pub async fn burden_on(
    store: &Store,
    (admitted, revoked): (&str, &str),
    day: &str,
    day_end_ms: i64,
    path: &str,
) -> Result<Vec<Burden>, StoreError> {
    burden_where(
        store,
        BurdenBy::Community,
        "(d.status = $1 OR (d.status = $4 AND d.revoked_at >= $5))",
        vec![
            admitted.into(),
            day.into(),
            format!("{path}%").into(),
            revoked.into(),
            day_end_ms.into(),
        ],
    )
    .await
}

/// The burden sums of [`burden`] and [`burden_on`]: `status` is the condition on the demand's
/// state; `values` are `$1` (a state), `$2` (the day), `$3` (the path pattern) and whatever
/// `status` names further.
async fn burden_where(
    store: &Store,
    by: BurdenBy,
    status: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<Burden>, StoreError> {
    let (id, count) = match by {
        BurdenBy::Community => ("t.community_node_id", "COUNT(*)"),
        BurdenBy::Requester => ("d.requester_node_id", "COUNT(DISTINCT d.id)"),
    };
    let sql = format!(
        "SELECT {id} AS id, {count} AS n, \
         CAST(SUM(CAST(d.minutes_per_occurrence AS BIGINT) * d.occurrences_per_year) AS BIGINT) AS minutes \
         FROM demand_target t JOIN demand d ON d.id = t.demand_id JOIN node c ON c.id = t.community_node_id \
         WHERE {status} AND d.valid_to >= $2 AND d.valid_from <= $2 AND c.path LIKE $3 \
         GROUP BY {id}"
    );
    let db = store.db();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Burden {
                node_id: r.try_get("", "id")?,
                demands: r.try_get("", "n")?,
                minutes_per_year: r.try_get("", "minutes")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- the demand aggregate

/// What a demand's author writes: the same for a new demand and a draft's replacement.
#[derive(Clone, Debug, Default)]
pub struct Content {
    pub title: String,
    pub description: String,
    /// The kind's own fields as JSON.
    pub details: String,
    pub legal_basis_kind: Option<String>,
    pub legal_basis_title: Option<String>,
    pub legal_basis_article: Option<String>,
    pub funding_fen: Option<i64>,
    pub funding_source: Option<String>,
    pub minutes_per_occurrence: i32,
    pub occurrences_per_year: i32,
    /// YYYY-MM-DD.
    pub period_start: String,
    pub period_end: String,
}

/// A new demand: its content, who requests it, where and in which stored state.
#[derive(Clone, Debug, Default)]
pub struct NewDemand<'a> {
    pub kind: &'a str,
    pub content: Content,
    pub requester_node_id: i64,
    pub requester_account_id: i64,
    pub level: &'a str,
    pub scope_node_id: i64,
    pub status: &'a str,
    /// The rules' decision as JSON, for a demand decided as it is created.
    pub decision: Option<String>,
    pub authority: Option<&'a str>,
    /// Submitted as it is created (a decided kind), not a draft.
    pub submitted: bool,
    pub now: i64,
}

impl Content {
    /// The content's columns set, the others not.
    fn active(self) -> demand::ActiveModel {
        demand::ActiveModel {
            title: Set(self.title),
            description: Set(self.description),
            details: Set(self.details),
            legal_basis_kind: Set(self.legal_basis_kind),
            legal_basis_title: Set(self.legal_basis_title),
            legal_basis_article: Set(self.legal_basis_article),
            funding_fen: Set(self.funding_fen),
            funding_source: Set(self.funding_source),
            minutes_per_occurrence: Set(self.minutes_per_occurrence),
            occurrences_per_year: Set(self.occurrences_per_year),
            period_start: Set(self.period_start),
            period_end: Set(self.period_end),
            ..Default::default()
        }
    }
}

/// Inserts a demand and its target communities inside the caller's transaction; its id.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    d: NewDemand<'_>,
    targets: &[i64],
) -> Result<i64, StoreError> {
    let mut row = d.content.active();
    row.kind = Set(d.kind.to_owned());
    row.requester_node_id = Set(d.requester_node_id);
    row.requester_account_id = Set(d.requester_account_id);
    row.level = Set(d.level.to_owned());
    row.scope_node_id = Set(d.scope_node_id);
    row.status = Set(d.status.to_owned());
    row.decision = Set(d.decision);
    row.authority = Set(d.authority.map(str::to_owned));
    row.submitted_at = Set(d.submitted.then_some(d.now));
    row.created_at = Set(d.now);
    row.updated_at = Set(d.now);
    let id = demand::Entity::insert(row).exec(conn).await?.last_insert_id;
    write_targets(conn, id, targets).await?;
    Ok(id)
}

async fn write_targets<C: ConnectionTrait>(
    conn: &C,
    demand_id: i64,
    targets: &[i64],
) -> Result<(), StoreError> {
    for chunk in targets.chunks(500) {
        demand_target::Entity::insert_many(chunk.iter().map(|c| demand_target::ActiveModel {
            demand_id: Set(demand_id),
            community_node_id: Set(*c),
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Replaces the content and targets of demand `id` while it is in the stored state `draft`;
/// `false` (and nothing changed) when it no longer is.
pub async fn replace_draft<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    draft: &str,
    c: Content,
    targets: &[i64],
    now: i64,
) -> Result<bool, StoreError> {
    let mut row = c.active();
    row.updated_at = Set(now);
    let updated = demand::Entity::update_many()
        .set(row)
        .filter(demand::Column::Id.eq(id))
        .filter(demand::Column::Status.eq(draft))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(false);
    }
    demand_target::Entity::delete_many()
        .filter(demand_target::Column::DemandId.eq(id))
        .exec(conn)
        .await?;
    write_targets(conn, id, targets).await?;
    Ok(true)
}

/// One decision on a demand: the state it moves to and what the decision records. A field
/// left `None` is not written.
#[derive(Clone, Debug, Default)]
pub struct Move<'a> {
    /// The stored state it moves to.
    pub to: &'a str,
    /// The decision (JSON) replacing the stored one.
    pub decision: Option<String>,
    pub authority: Option<&'a str>,
    /// Submitted now.
    pub submitted: bool,
    /// Reviewed now by this account, with this note.
    pub reviewed: Option<(i64, Option<String>)>,
    /// The admission number and validity (YYYY-MM-DD) given.
    pub numbered: Option<(String, String, String)>,
    /// Revoked now by this account, for this reason.
    pub revoked: Option<(i64, String)>,
}

/// Moves demand `id` as `m` says, inside the caller's transaction; when `from` names a stored
/// state, only from that state (`false` when the demand is no longer in it).
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    from: Option<&str>,
    m: Move<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let mut u = demand::Entity::update_many().col_expr(demand::Column::Status, Expr::value(m.to));
    if let Some((number, valid_from, valid_to)) = m.numbered {
        u = u
            .col_expr(demand::Column::AdmissionNumber, Expr::value(number))
            .col_expr(demand::Column::ValidFrom, Expr::value(valid_from))
            .col_expr(demand::Column::ValidTo, Expr::value(valid_to));
    }
    if let Some((by, note)) = m.reviewed {
        u = u
            .col_expr(demand::Column::ReviewedBy, Expr::value(by))
            .col_expr(demand::Column::ReviewedAt, Expr::value(now))
            .col_expr(demand::Column::ReviewNote, Expr::value(note));
    }
    if let Some((by, reason)) = m.revoked {
        u = u
            .col_expr(demand::Column::RevokedBy, Expr::value(by))
            .col_expr(demand::Column::RevokedAt, Expr::value(now))
            .col_expr(demand::Column::RevokeReason, Expr::value(reason));
    }
    if let Some(decision) = m.decision {
        u = u.col_expr(demand::Column::Decision, Expr::value(decision));
    }
    if let Some(authority) = m.authority {
        u = u.col_expr(demand::Column::Authority, Expr::value(authority));
    }
    if m.submitted {
        u = u.col_expr(demand::Column::SubmittedAt, Expr::value(now));
    }
    u = u
        .col_expr(demand::Column::UpdatedAt, Expr::value(now))
        .filter(demand::Column::Id.eq(id));
    if let Some(from) = from {
        u = u.filter(demand::Column::Status.eq(from));
    }
    Ok(u.exec(conn).await?.rows_affected == 1)
}

/// A reviewer's overrule of a demand's banned-wording findings (4.2-6).
pub async fn insert_wording_overrule<C: ConnectionTrait>(
    conn: &C,
    demand_id: i64,
    findings: String,
    reason: &str,
    by: i64,
    now: i64,
) -> Result<(), StoreError> {
    demand_wording_overrule::Entity::insert(demand_wording_overrule::ActiveModel {
        demand_id: Set(demand_id),
        findings: Set(findings),
        reason: Set(reason.to_owned()),
        overruled_by: Set(by),
        overruled_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The overrule of demand `id`'s wording findings with its reviewer's name, if one was made.
pub async fn wording_overrule<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<(demand_wording_overrule::Model, String)>, StoreError> {
    let Some(row) = demand_wording_overrule::Entity::find_by_id(id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let by = account::Entity::find_by_id(row.overruled_by)
        .one(conn)
        .await?
        .map(|a| a.display_name)
        .unwrap_or_default();
    Ok(Some((row, by)))
}

/// Demand `id`, if it exists.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<demand::Model>, StoreError> {
    Ok(demand::Entity::find_by_id(id).one(conn).await?)
}

/// The demand holding admission number `number`, if any.
pub async fn by_number<C: ConnectionTrait>(
    conn: &C,
    number: &str,
) -> Result<Option<demand::Model>, StoreError> {
    Ok(demand::Entity::find()
        .filter(demand::Column::AdmissionNumber.eq(number))
        .one(conn)
        .await?)
}

/// The target communities of demand `id`, by path.
pub async fn targets<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Vec<node::Model>, StoreError> {
    let ids = Query::select()
        .column(demand_target::Column::CommunityNodeId)
        .from(demand_target::Entity)
        .and_where(demand_target::Column::DemandId.eq(id))
        .to_owned();
    Ok(node::Entity::find()
        .filter(node::Column::Id.in_subquery(ids))
        .order_by_asc(node::Column::Path)
        .all(conn)
        .await?)
}

/// Whether demand `id` is placed on community `community`.
pub async fn is_placed_on<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    community: i64,
) -> Result<bool, StoreError> {
    Ok(demand_target::Entity::find()
        .filter(demand_target::Column::DemandId.eq(id))
        .filter(demand_target::Column::CommunityNodeId.eq(community))
        .one(conn)
        .await?
        .is_some())
}

/// Who sees which demands, as the domain worked it out from the authorization table; turned
/// into SQL by [`Visible::condition`] (the domain answers a single demand with the same value).
#[derive(Clone, Debug, Default)]
pub struct Visible<'a> {
    /// The units whose demands are seen in any state.
    pub own: Vec<i64>,
    /// Every demand but drafts in these jurisdictions.
    pub reviewing: Scope,
    /// Demands of `plaque_kind` but drafts in these jurisdictions.
    pub approving_plaques: Scope,
    /// Demands in one of `placed_states` placed on a community in these subtrees.
    pub placed: Scope,
    /// The stored texts: the draft state, the temporary plaque's kind, the placed states.
    pub draft: &'a str,
    pub plaque_kind: &'a str,
    pub placed_states: Vec<&'a str>,
}

impl Visible<'_> {
    /// The visible demands as a condition on `demand` rows (false when nothing is visible).
    pub fn condition(&self) -> Condition {
        let submitted = || demand::Column::Status.ne(self.draft);
        let mut any = Condition::any().add(ExprTrait::eq(Expr::val(1), 0));
        if !self.own.is_empty() {
            any = any.add(demand::Column::RequesterNodeId.is_in(self.own.clone()));
        }
        if !self.reviewing.is_empty() {
            any = any.add(
                Condition::all()
                    .add(self.reviewing.holds(demand::Column::ScopeNodeId))
                    .add(submitted()),
            );
        }
        if !self.approving_plaques.is_empty() {
            any = any.add(
                Condition::all()
                    .add(self.approving_plaques.holds(demand::Column::ScopeNodeId))
                    .add(demand::Column::Kind.eq(self.plaque_kind))
                    .add(submitted()),
            );
        }
        if !self.placed.is_empty() {
            let placed_here = Query::select()
                .column(demand_target::Column::DemandId)
                .from(demand_target::Entity)
                .cond_where(self.placed.holds(demand_target::Column::CommunityNodeId))
                .to_owned();
            any = any.add(
                Condition::all()
                    .add(demand::Column::Id.in_subquery(placed_here))
                    .add(demand::Column::Status.is_in(self.placed_states.clone())),
            );
        }
        any
    }
}

/// A stored state the demand list filters on; validity is a date, so "admitted" and "expired"
/// are the admitted state with the validity after or before a day.
#[derive(Clone, Debug)]
pub enum StateFilter<'a> {
    /// In this stored state.
    Is(&'a str),
    /// In the admitted state `admitted`, valid on `today` (YYYY-MM-DD) or after.
    ValidFrom { admitted: &'a str, today: String },
    /// In the admitted state `admitted`, valid only before `today`.
    EndedBefore { admitted: &'a str, today: String },
}

/// The demand list's filters, already validated by the domain.
#[derive(Clone, Debug, Default)]
pub struct ListFilter<'a> {
    /// Words in the title, or a part of the admission number (upper case).
    pub text: Option<(String, String)>,
    pub kind: Option<&'a str>,
    /// The period touches this year.
    pub year: Option<i32>,
    pub state: Option<StateFilter<'a>>,
}

/// The visible demands passing `f`, newest first: the total and one window of rows.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    visible: &Visible<'_>,
    f: &ListFilter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<demand::Model>), StoreError> {
    let mut q = demand::Entity::find().filter(visible.condition());
    if let Some((title, number)) = &f.text {
        q = q.filter(
            Condition::any()
                .add(demand::Column::Title.contains(title))
                .add(demand::Column::AdmissionNumber.contains(number)),
        );
    }
    if let Some(kind) = f.kind {
        q = q.filter(demand::Column::Kind.eq(kind));
    }
    if let Some(year) = f.year {
        // The period touches the year: it starts before the year ends and ends after it
        // begins (ISO dates compare as text).
        q = q
            .filter(demand::Column::PeriodStart.lte(format!("{year}-12-31")))
            .filter(demand::Column::PeriodEnd.gte(format!("{year}-01-01")));
    }
    match &f.state {
        None => {}
        Some(StateFilter::Is(s)) => q = q.filter(demand::Column::Status.eq(*s)),
        Some(StateFilter::ValidFrom { admitted, today }) => {
            q = q
                .filter(demand::Column::Status.eq(*admitted))
                .filter(demand::Column::ValidTo.gte(today.as_str()));
        }
        Some(StateFilter::EndedBefore { admitted, today }) => {
            q = q
                .filter(demand::Column::Status.eq(*admitted))
                .filter(demand::Column::ValidTo.lt(today.as_str()));
        }
    }
    let q = q.order_by_desc(demand::Column::Id);
    let total = q.clone().count(conn).await?;
    Ok((total, q.offset(offset).limit(limit).all(conn).await?))
}

/// The first `limit` visible demands in one of `states`, the longest waiting first.
pub async fn waiting<C: ConnectionTrait>(
    conn: &C,
    visible: &Visible<'_>,
    states: &[&str],
    limit: u64,
) -> Result<Vec<demand::Model>, StoreError> {
    Ok(demand::Entity::find()
        .filter(visible.condition())
        .filter(demand::Column::Status.is_in(states.to_vec()))
        .order_by_asc(demand::Column::SubmittedAt)
        .order_by_asc(demand::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The first `limit` demands of the units `own` in the stored state `state`, the latest
/// changed first.
pub async fn own_in_state<C: ConnectionTrait>(
    conn: &C,
    own: &[i64],
    state: &str,
    limit: u64,
) -> Result<Vec<demand::Model>, StoreError> {
    Ok(demand::Entity::find()
        .filter(demand::Column::RequesterNodeId.is_in(own.to_vec()))
        .filter(demand::Column::Status.eq(state))
        .order_by_desc(demand::Column::UpdatedAt)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The first `limit` demands of the units `own` in the stored state `admitted` whose validity
/// ends between `from` and `to` (YYYY-MM-DD, both included), the soonest first.
pub async fn own_ending<C: ConnectionTrait>(
    conn: &C,
    own: &[i64],
    admitted: &str,
    from: &str,
    to: &str,
    limit: u64,
) -> Result<Vec<demand::Model>, StoreError> {
    Ok(demand::Entity::find()
        .filter(demand::Column::RequesterNodeId.is_in(own.to_vec()))
        .filter(demand::Column::Status.eq(admitted))
        .filter(demand::Column::ValidTo.gte(from))
        .filter(demand::Column::ValidTo.lte(to))
        .order_by_asc(demand::Column::ValidTo)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The demands of `kind`, or placed on community `on`, in the stored state `admitted` and
/// valid on `today` (YYYY-MM-DD): those placed on `on` valid from before today too, by
/// admission number; without `on`, every one of `kind` valid today or later.
pub async fn in_force<C: ConnectionTrait>(
    conn: &C,
    admitted: &str,
    today: &str,
    kind: Option<&str>,
    on: Option<i64>,
) -> Result<Vec<demand::Model>, StoreError> {
    let mut q = demand::Entity::find()
        .filter(demand::Column::Status.eq(admitted))
        .filter(demand::Column::ValidTo.gte(today));
    if let Some(kind) = kind {
        q = q.filter(demand::Column::Kind.eq(kind));
    }
    if let Some(community) = on {
        let ids = Query::select()
            .column(demand_target::Column::DemandId)
            .from(demand_target::Entity)
            .and_where(demand_target::Column::CommunityNodeId.eq(community))
            .to_owned();
        q = q
            .filter(demand::Column::Id.in_subquery(ids))
            .filter(demand::Column::ValidFrom.lte(today))
            .order_by_asc(demand::Column::AdmissionNumber);
    }
    Ok(q.all(conn).await?)
}
