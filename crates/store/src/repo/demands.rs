//! Demands: the public lookup of an admission number and the burden sums of the ledger.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

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
