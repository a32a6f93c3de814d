//! The annual burden report's own figures (issue 14 §5, 1.0-4, 5.3-4): what the overview's
//! counts (`repo::overview`, with a [`Span`]) do not already give — the clauses of the year's
//! decisions, the plaques removed, the certificate types discontinued, the monitoring points'
//! months and findings, and the first year with data. Counted in SQL over one subtree (`path`);
//! the same statements on SQLite and PostgreSQL.

use sea_orm::{ConnectionTrait, Statement, Value};

use crate::repo::overview::{AreaCount, Count, Span, area_counts};
use crate::{Store, StoreError};

async fn all(
    store: &Store,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<sea_orm::QueryResult>, StoreError> {
    let db = store.db();
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?)
}

fn counts(rows: Vec<sea_orm::QueryResult>) -> Result<Vec<Count>, StoreError> {
    rows.into_iter()
        .map(|r| {
            Ok(Count {
                key: r.try_get("", "k")?,
                n: r.try_get("", "n")?,
            })
        })
        .collect()
}

/// The stored decisions (JSON with their clauses; empty when none was stored) of the demands
/// in one of `statuses` reviewed (admitted, registered or rejected) in `span` and aimed at a
/// community of the subtree `path`, each with how many demands share it.
pub async fn decisions(
    store: &Store,
    statuses: &[&str],
    span: Span<'_>,
    path: &str,
) -> Result<Vec<Count>, StoreError> {
    let mut values: Vec<Value> = vec![
        format!("{path}%").into(),
        span.from_ms.into(),
        span.to_ms.into(),
    ];
    let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 4)).collect();
    values.extend(statuses.iter().map(|s| Value::from(*s)));
    let sql = format!(
        "SELECT COALESCE(d.decision, '') AS k, COUNT(*) AS n FROM demand d \
         WHERE d.status IN ({}) AND d.reviewed_at >= $2 AND d.reviewed_at < $3 \
         AND EXISTS (SELECT 1 FROM demand_target t JOIN node c ON c.id = t.community_node_id \
         WHERE t.demand_id = d.id AND c.path LIKE $1) GROUP BY d.decision",
        marks.join(", ")
    );
    counts(all(store, &sql, values).await?)
}

/// The plaques removed (state `removed`, `removed_on` in the span's days) under each child
/// area of the node `scope_id` (the city's districts, a district's streets), as the bucket
/// `removed`.
pub async fn plaques_removed(
    store: &Store,
    scope_id: i64,
    removed: &str,
    span: Span<'_>,
) -> Result<Vec<AreaCount>, StoreError> {
    let sql = "SELECT g.id AS gid, g.name AS gname, 'removed' AS bucket, COUNT(*) AS n \
         FROM plaque p JOIN node u ON u.id = p.unit_node_id \
         JOIN node g ON g.parent_id = $1 AND u.path LIKE g.path || '%' \
         WHERE p.status = $2 AND p.removed_on >= $3 AND p.removed_on <= $4 \
         GROUP BY g.id, g.name ORDER BY g.name, g.id";
    let rows = all(
        store,
        sql,
        vec![
            scope_id.into(),
            removed.into(),
            span.from_day.into(),
            span.to_day.into(),
        ],
    )
    .await?;
    area_counts(rows)
}

/// A certificate type put on the discontinued list (不再保留, 4.5-12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discontinued {
    pub code: String,
    pub name: String,
    pub discontinued_on: String,
    /// The catalogue it belonged to (the city's, or a district's).
    pub catalogue: String,
}

/// The certificate types discontinued in the span's days that apply to the subtree `path`: the
/// catalogues of its own nodes and of the levels above it.
pub async fn discontinued_types(
    store: &Store,
    path: &str,
    span: Span<'_>,
) -> Result<Vec<Discontinued>, StoreError> {
    let sql = "SELECT t.code AS code, t.name AS name, t.discontinued_on AS d, s.name AS s \
         FROM certificate_type t JOIN node s ON s.id = t.scope_node_id \
         WHERE t.discontinued_on >= $1 AND t.discontinued_on <= $2 \
         AND (s.path LIKE $3 OR $4 LIKE s.path || '%') \
         ORDER BY t.discontinued_on, t.code";
    let rows = all(
        store,
        sql,
        vec![
            span.from_day.into(),
            span.to_day.into(),
            format!("{path}%").into(),
            path.into(),
        ],
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Discontinued {
                code: r.try_get("", "code")?,
                name: r.try_get("", "name")?,
                discontinued_on: r.try_get("", "d")?,
                catalogue: r.try_get("", "s")?,
            })
        })
        .collect()
}

/// The monitoring points' months `from_month..=to_month` (`YYYY-MM`) in the subtree `path`:
/// how many were answered or recorded missed (per stored state), and how many points they
/// came from.
pub async fn monitoring_months(
    store: &Store,
    path: &str,
    (from_month, to_month): (&str, &str),
) -> Result<(Vec<Count>, i64), StoreError> {
    let values = || -> Vec<Value> {
        vec![
            format!("{path}%").into(),
            from_month.into(),
            to_month.into(),
        ]
    };
    let from = "FROM monitoring_answer a JOIN node c ON c.id = a.community_node_id \
         WHERE c.path LIKE $1 AND a.month >= $2 AND a.month <= $3";
    let by_state = counts(
        all(
            store,
            &format!(
                "SELECT a.status AS k, COUNT(*) AS n {from} GROUP BY a.status ORDER BY a.status"
            ),
            values(),
        )
        .await?,
    )?;
    let points = all(
        store,
        &format!("SELECT COUNT(DISTINCT a.point_id) AS n {from}"),
        values(),
    )
    .await?;
    let points = match points.first() {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok((by_state, points))
}

/// The cases the monitoring points' months `from_month..=to_month` opened in the subtree
/// `path` (a "yes" of the checklist, or a missed month), counted per case kind.
pub async fn monitoring_findings(
    store: &Store,
    path: &str,
    (from_month, to_month): (&str, &str),
) -> Result<Vec<Count>, StoreError> {
    let sql = "SELECT sc.kind AS k, COUNT(*) AS n FROM supervision_case sc \
         JOIN monitoring_answer a ON a.id = sc.monitoring_answer_id \
         JOIN node c ON c.id = sc.community_node_id \
         WHERE c.path LIKE $1 AND a.month >= $2 AND a.month <= $3 \
         GROUP BY sc.kind ORDER BY COUNT(*) DESC, sc.kind";
    counts(
        all(
            store,
            sql,
            vec![
                format!("{path}%").into(),
                from_month.into(),
                to_month.into(),
            ],
        )
        .await?,
    )
}

/// When the first demand was created (milliseconds), if any: the report's first year.
pub async fn first_demand_at(store: &Store) -> Result<Option<i64>, StoreError> {
    let rows = all(store, "SELECT MIN(created_at) AS t FROM demand", Vec::new()).await?;
    Ok(match rows.first() {
        Some(r) => r.try_get("", "t")?,
        None => None,
    })
}
