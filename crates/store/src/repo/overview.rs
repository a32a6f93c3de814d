//! The overview's figures (the city's and districts' dashboards, issue 14 §4): counts grouped
//! in SQL over one subtree (`path`, a node's materialized path), so that rows never travel to
//! the server one by one. The domain passes the stored texts of the states it counts; every
//! statement is the same on SQLite and PostgreSQL (no date functions: month boundaries come
//! in as millisecond bounds).

use sea_orm::{ConnectionTrait, Statement, Value};

use crate::repo::IDS_PER_STATEMENT;
use crate::{Store, StoreError};

/// A span of time the annual report counts events in: the instants `[from_ms, to_ms)` and the
/// same days `from_day..=to_day` (`YYYY-MM-DD`). The dashboards count without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span<'a> {
    pub from_ms: i64,
    pub to_ms: i64,
    pub from_day: &'a str,
    pub to_day: &'a str,
}

/// The condition that `column` (milliseconds) lies in `span`, with its two values numbered from
/// `next`; nothing without a span.
fn in_span(column: &str, span: Option<Span<'_>>, next: usize, values: &mut Vec<Value>) -> String {
    match span {
        Some(s) => {
            values.push(s.from_ms.into());
            values.push(s.to_ms.into());
            format!(" AND {column} >= ${next} AND {column} < ${}", next + 1)
        }
        None => String::new(),
    }
}

/// A count per key (a state, a unit's name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    pub key: String,
    pub n: i64,
}

/// How many communities (and villages) lie in the subtree `path`: with the burden ledger's
/// rows, the communities that carry no burden at all.
pub async fn community_count(store: &Store, path: &str, kinds: &[&str]) -> Result<i64, StoreError> {
    let marks: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT COUNT(*) AS n FROM node WHERE path LIKE $1 AND kind IN ({})",
        marks.join(", ")
    );
    let mut values: Vec<Value> = vec![format!("{path}%").into()];
    values.extend(kinds.iter().map(|k| Value::from(*k)));
    let db = store.db();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    })
}

/// Demands whose event (the column `at`, milliseconds) falls in each of the half-open windows
/// `bounds[i]..bounds[i + 1]`, among the demands in one of the stored states `statuses` aimed
/// at a community of the subtree `path` (a demand aimed at several counts once).
pub async fn demands_per_window(
    store: &Store,
    at: DemandEvent,
    statuses: &[&str],
    bounds: &[i64],
    path: &str,
) -> Result<Vec<i64>, StoreError> {
    let column = match at {
        DemandEvent::Reviewed => "d.reviewed_at",
        DemandEvent::Revoked => "d.revoked_at",
    };
    let mut values: Vec<Value> = vec![format!("{path}%").into()];
    let mut sums = Vec::new();
    for w in bounds.windows(2) {
        let (lo, hi) = (values.len() + 1, values.len() + 2);
        values.push(w[0].into());
        values.push(w[1].into());
        sums.push(format!(
            "CAST(COALESCE(SUM(CASE WHEN {column} >= ${lo} AND {column} < ${hi} THEN 1 ELSE 0 END), 0) AS BIGINT) AS w{}",
            sums.len()
        ));
    }
    if sums.is_empty() {
        return Ok(Vec::new());
    }
    let first = values.len() + 1;
    let marks: Vec<String> = (0..statuses.len())
        .map(|i| format!("${}", first + i))
        .collect();
    values.extend(statuses.iter().map(|s| Value::from(*s)));
    let sql = format!(
        "SELECT {} FROM demand d WHERE d.status IN ({}) AND EXISTS (SELECT 1 FROM demand_target t \
         JOIN node c ON c.id = t.community_node_id WHERE t.demand_id = d.id AND c.path LIKE $1)",
        sums.join(", "),
        marks.join(", ")
    );
    let db = store.db();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    let n = bounds.len() - 1;
    match row {
        Some(r) => (0..n)
            .map(|i| Ok(r.try_get::<i64>("", &format!("w{i}"))?))
            .collect(),
        None => Ok(vec![0; n]),
    }
}

/// Which moment of a demand [`demands_per_window`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemandEvent {
    /// Its admission or rejection (`reviewed_at`).
    Reviewed,
    /// Its revocation (`revoked_at`).
    Revoked,
}

/// What [`cases_by`] groups the cases of a subtree by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CasesBy {
    /// The stored state.
    Status,
    /// The unit responsible as the case names it (the department that made the demand).
    Unit,
    /// Where the case came from (a community's report, a detector, …).
    Source,
}

/// The supervision cases about the communities of the subtree `path`, counted per state or per
/// responsible unit or source, most first (then by key), at most `limit` keys; with a `span`,
/// only the cases opened in it.
pub async fn cases_by(
    store: &Store,
    by: CasesBy,
    path: &str,
    limit: u64,
    span: Option<Span<'_>>,
) -> Result<Vec<Count>, StoreError> {
    let key = match by {
        CasesBy::Status => "sc.status",
        CasesBy::Unit => "sc.demanding_unit",
        CasesBy::Source => "sc.source",
    };
    let mut values: Vec<Value> = vec![format!("{path}%").into(), (limit as i64).into()];
    let opened = in_span("sc.created_at", span, 3, &mut values);
    let sql = format!(
        "SELECT {key} AS k, COUNT(*) AS n FROM supervision_case sc \
         JOIN node c ON c.id = sc.community_node_id WHERE c.path LIKE $1{opened} \
         GROUP BY {key} ORDER BY COUNT(*) DESC, {key} LIMIT $2"
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
            Ok(Count {
                key: r.try_get("", "k")?,
                n: r.try_get("", "n")?,
            })
        })
        .collect()
}

/// One rectification notice of the subtree: its due day, its case's state and when the unit
/// first answered (if it has).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeTiming {
    pub due_on: String,
    pub case_status: String,
    pub first_answer_at: Option<i64>,
}

/// Every rectification notice about a community of the subtree `path` (with a `span`, those
/// issued in it), with its first answer (grouped per notice in SQL).
pub async fn notice_timings(
    store: &Store,
    path: &str,
    span: Option<Span<'_>>,
) -> Result<Vec<NoticeTiming>, StoreError> {
    let mut values: Vec<Value> = vec![format!("{path}%").into()];
    let issued = in_span("n.issued_at", span, 2, &mut values);
    let sql = format!(
        "SELECT n.due_on AS due_on, sc.status AS status, MIN(a.answered_at) AS first_at \
         FROM rectification_notice n JOIN supervision_case sc ON sc.id = n.case_id \
         JOIN node c ON c.id = sc.community_node_id \
         LEFT JOIN rectification_answer a ON a.notice_id = n.id \
         WHERE c.path LIKE $1{issued} GROUP BY n.id, n.due_on, sc.status"
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
            Ok(NoticeTiming {
                due_on: r.try_get("", "due_on")?,
                case_status: r.try_get("", "status")?,
                first_answer_at: r.try_get("", "first_at")?,
            })
        })
        .collect()
}

/// The names of the nodes `ids`, as (id, name, parent's name), for those that exist. However
/// many ids come, each statement binds at most [`IDS_PER_STATEMENT`] of them.
pub async fn names(store: &Store, ids: &[i64]) -> Result<Vec<(i64, String, String)>, StoreError> {
    let db = store.db();
    let mut out = Vec::with_capacity(ids.len());
    for batch in ids.chunks(IDS_PER_STATEMENT) {
        let marks: Vec<String> = (1..=batch.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT n.id AS id, n.name AS name, COALESCE(p.name, '') AS parent FROM node n \
             LEFT JOIN node p ON p.id = n.parent_id WHERE n.id IN ({})",
            marks.join(", ")
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                sql,
                batch.iter().map(|i| Value::from(*i)),
            ))
            .await?;
        for r in rows {
            out.push((
                r.try_get("", "id")?,
                r.try_get("", "name")?,
                r.try_get("", "parent")?,
            ));
        }
    }
    Ok(out)
}

/// A count per area (a district or street of the scope) and key (a bucket).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaCount {
    pub area_id: i64,
    pub area_name: String,
    pub key: String,
    pub n: i64,
}

/// The stored states a certificate application is counted in by [`certificate_timeliness`].
#[derive(Clone, Copy, Debug)]
pub struct ApplicationStates<'a> {
    /// The state of an application whose certificate was issued.
    pub issued: &'a str,
    /// The state of an application still being processed.
    pub submitted: &'a str,
}

/// The China Standard Time day (`YYYY-MM-DD`) of a millisecond column, in SQL: the one place
/// the two databases differ here.
fn cst_day(backend: sea_orm::DbBackend, column: &str) -> String {
    match backend {
        sea_orm::DbBackend::Postgres => format!(
            "to_char(to_timestamp(({column} + 28800000) / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        ),
        _ => format!("date(({column} + 28800000) / 1000, 'unixepoch')"),
    }
}

/// The certificate applications with a time limit (`due_on`) about the communities under each
/// child area of the node `scope_id`, counted per bucket in SQL: `on_time` (issued on or before
/// its due day, the day of the first certificate in China Standard Time), `late` (issued
/// after), `overdue` (still processed, past its due day on `today`), `pending` (still within
/// its time). Refused applications and those without a time limit are not counted; with a
/// `span`, only the applications received in its days.
pub async fn certificate_timeliness(
    store: &Store,
    scope_id: i64,
    states: ApplicationStates<'_>,
    today: &str,
    span: Option<Span<'_>>,
) -> Result<Vec<AreaCount>, StoreError> {
    let db = store.db();
    let backend = db.get_database_backend();
    let issued_day = cst_day(
        backend,
        "(SELECT MIN(ce.issued_at) FROM certificate ce WHERE ce.application_id = a.id)",
    );
    let mut values: Vec<Value> = vec![
        scope_id.into(),
        states.issued.into(),
        states.submitted.into(),
        today.into(),
    ];
    let received = match span {
        Some(s) => {
            values.push(s.from_day.into());
            values.push(s.to_day.into());
            String::from(" AND a.received_on >= $5 AND a.received_on <= $6")
        }
        None => String::new(),
    };
    let sql = format!(
        "SELECT x.gid AS gid, x.gname AS gname, x.bucket AS bucket, COUNT(*) AS n FROM ( \
         SELECT g.id AS gid, g.name AS gname, CASE \
           WHEN a.status = $2 AND {issued_day} <= a.due_on THEN 'on_time' \
           WHEN a.status = $2 THEN 'late' \
           WHEN a.due_on < $4 THEN 'overdue' \
           ELSE 'pending' END AS bucket \
         FROM certificate_application a \
         JOIN node c ON c.id = a.community_node_id \
         JOIN node g ON g.parent_id = $1 AND c.path LIKE g.path || '%' \
         WHERE a.due_on IS NOT NULL AND a.status IN ($2, $3){received}) x \
         GROUP BY x.gid, x.gname, x.bucket ORDER BY x.gname, x.gid, x.bucket"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    area_counts(rows)
}

/// The plaques of the streets and towns of the subtree `path` (their own and their
/// communities' and villages'), counted per street in SQL: `compliant` (hanging and found
/// compliant at its last check), `non_compliant` (hanging, not compliant: to be removed or
/// corrected) and `removed`.
pub async fn plaques_per_street(
    store: &Store,
    path: &str,
    street_kinds: &[&str],
    removed: &str,
) -> Result<Vec<AreaCount>, StoreError> {
    let marks: Vec<String> = (0..street_kinds.len())
        .map(|i| format!("${}", i + 3))
        .collect();
    let sql = format!(
        "SELECT x.gid AS gid, x.gname AS gname, x.bucket AS bucket, COUNT(*) AS n FROM ( \
         SELECT s.id AS gid, s.name AS gname, CASE \
           WHEN p.status = $2 THEN 'removed' \
           WHEN p.compliant THEN 'compliant' \
           ELSE 'non_compliant' END AS bucket \
         FROM plaque p JOIN node u ON u.id = p.unit_node_id \
         JOIN node s ON u.path LIKE s.path || '%' \
         WHERE s.path LIKE $1 AND s.kind IN ({})) x \
         GROUP BY x.gid, x.gname, x.bucket ORDER BY x.gname, x.gid, x.bucket",
        marks.join(", ")
    );
    let mut values: Vec<Value> = vec![format!("{path}%").into(), removed.into()];
    values.extend(street_kinds.iter().map(|k| Value::from(*k)));
    let db = store.db();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    area_counts(rows)
}

pub(crate) fn area_counts(rows: Vec<sea_orm::QueryResult>) -> Result<Vec<AreaCount>, StoreError> {
    rows.into_iter()
        .map(|r| {
            Ok(AreaCount {
                area_id: r.try_get("", "gid")?,
                area_name: r.try_get("", "gname")?,
                key: r.try_get("", "bucket")?,
                n: r.try_get("", "n")?,
            })
        })
        .collect()
}
