//! Rate limits per client address, in the database every server shares (issue 17 §3): one
//! fixed window per limit ("bucket") and address. A window begins at the address's first hit
//! and lasts the limit's length; a hit after it begins a new one. Counting is one upsert that
//! returns the new count, so hits from several servers at once all count; when a hit begins a
//! new window, the bucket's ended windows are deleted (the table holds only live windows).

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::StoreError;

fn placeholders(backend: DbBackend, sql: &str) -> String {
    // The statements are written with `$n`; SQLite takes `?n`.
    match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    }
}

/// Hits of `subject` in its current window of `bucket` at `now` (a window that began after
/// `now - window_ms`); 0 when it has none.
pub async fn hits<C: ConnectionTrait>(
    conn: &C,
    bucket: &str,
    subject: &str,
    now: i64,
    window_ms: i64,
) -> Result<i64, StoreError> {
    let backend = conn.get_database_backend();
    let sql = placeholders(
        backend,
        "SELECT hits FROM rate_window WHERE bucket = $1 AND subject = $2 AND window_start > $3",
    );
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into(), subject.into(), (now - window_ms).into()],
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get_by_index::<i64>(0)?,
        None => 0,
    })
}

/// Counts one hit of `subject` in `bucket` at `now` and returns the count of its current window
/// (1 when this hit began a new one, which also deletes the bucket's ended windows).
pub async fn hit<C: ConnectionTrait>(
    conn: &C,
    bucket: &str,
    subject: &str,
    now: i64,
    window_ms: i64,
) -> Result<i64, StoreError> {
    let backend = conn.get_database_backend();
    let ended = now - window_ms;
    let sql = placeholders(
        backend,
        "INSERT INTO rate_window (bucket, subject, window_start, hits) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (bucket, subject) DO UPDATE SET \
         hits = CASE WHEN rate_window.window_start <= $4 THEN 1 ELSE rate_window.hits + 1 END, \
         window_start = CASE WHEN rate_window.window_start <= $4 THEN $3 \
                        ELSE rate_window.window_start END \
         RETURNING hits",
    );
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into(), subject.into(), now.into(), ended.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::Integrity(format!("限流计数 {bucket} 未返回新值")))?;
    let count = row.try_get_by_index::<i64>(0)?;
    if count == 1 {
        let sql = placeholders(
            backend,
            "DELETE FROM rate_window WHERE bucket = $1 AND window_start <= $2",
        );
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [bucket.into(), ended.into()],
        ))
        .await?;
    }
    Ok(count)
}
