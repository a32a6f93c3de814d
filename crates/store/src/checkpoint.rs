//! WAL checkpoints of a SQLite file, on a thread of their own.
//!
//! By default SQLite checkpoints inside whichever commit takes the write-ahead log past 1000
//! pages: that commit copies the log back into the database file and syncs it (tens of
//! milliseconds) while holding the write lock, so every write queued behind it waits. The
//! store's connections turn that off (`wal_autocheckpoint = 0`) and this thread checkpoints
//! instead, beside the writers: a PASSIVE checkpoint every [`INTERVAL`], which never blocks
//! them, and a TRUNCATE checkpoint when the log has grown past [`LOG_LIMIT_PAGES`] all the
//! same (busy readers can keep a passive one from finishing), so that the log stays bounded.
//! Durability does not depend on checkpoints: each commit is synced to the log
//! (synchronous=FULL) before it is acknowledged. The thread stops when the last clone of the
//! store is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the log is checkpointed. Each checkpoint syncs the database file, and on this
/// project's machine those syncs slow the commits' own (measured: every 100 ms, issuing with
/// four in flight 173–228/s; every second, 236–285/s); a second of writes in the log is a few
/// MiB at most.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// Log size (pages of 4 KiB, so 64 MiB) past which writers are briefly held back to reset it.
pub const LOG_LIMIT_PAGES: i64 = 16_384;

/// The running checkpointer; dropping it (with the last store clone) stops the thread.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    stop: Arc<AtomicBool>,
}

impl Checkpointer {
    /// Opens its own connection to `path` (a SQLite file in WAL mode) and starts checkpointing
    /// it every [`INTERVAL`]. An error here is an error of opening the store: without this
    /// thread the log would never be checkpointed.
    pub(crate) fn start(path: &str) -> Result<Self, String> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| {
            // Sync the log before and the database file after each checkpoint, as the
            // writers' connections do; wait for a TRUNCATE checkpoint's turn like any writer.
            c.execute_batch("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;")?;
            Ok(c)
        })
        .map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &flag))
            .map_err(|e| e.to_string())?;
        Ok(Self { stop })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn run(conn: &rusqlite::Connection, stop: &AtomicBool) {
    let mut failing = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(INTERVAL);
        match checkpoint(conn, "PASSIVE").and_then(|log| {
            if log > LOG_LIMIT_PAGES {
                checkpoint(conn, "TRUNCATE")
            } else {
                Ok(log)
            }
        }) {
            Ok(_) => failing = false,
            Err(e) => {
                // Logged once per run of failures; the next interval tries again.
                if !failing {
                    tracing::warn!(error = %e, "a WAL checkpoint failed");
                }
                failing = true;
            }
        }
    }
}

/// Runs `PRAGMA wal_checkpoint(mode)`; returns the log's size in pages.
pub(crate) fn checkpoint(conn: &rusqlite::Connection, mode: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        r.get::<_, i64>(1)
    })
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use crate::{AuditKey, Store};

    /// Commits leave their pages in the log; the checkpoint thread, not a commit, copies them
    /// into the database file soon after.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_thread_copies_the_log_into_the_database_file() {
        let dir = crate::TestDir::new("checkpoint");
        let file = dir.file();
        let store = Store::connect(&dir.url(), AuditKey::new(vec![7; 32]).unwrap())
            .await
            .unwrap();
        let db = store.db();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)")
            .await
            .unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        for i in 0..64 {
            db.execute_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "INSERT INTO t (id, b) VALUES (?, ?)",
                [i.into(), vec![i as u8; 32 * 1024].into()],
            ))
            .await
            .unwrap();
        }
        let grown = || std::fs::metadata(&file).unwrap().len() >= before + 2 * 1024 * 1024;
        let until = std::time::Instant::now() + super::INTERVAL * 5;
        while !grown() && std::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(
            grown(),
            "2 MiB committed, database file still {} bytes (was {before})",
            std::fs::metadata(&file).unwrap().len()
        );
    }
}
