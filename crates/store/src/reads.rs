//! Hot public reads on SQLite, run inline on a read-only connection kept per thread.
//!
//! The public lookup of an admission number and the verification of a certificate are the
//! reads anyone can send at any rate. Through the pool, each statement is a hand-off to the
//! connection's worker thread and back (measured at 20–25 µs, more than the statement itself);
//! here the statement runs on the calling thread, on a read-only connection that thread keeps
//! open (WAL lets readers run beside the writer; each statement sees the latest commit). Only
//! short single-statement reads belong here. PostgreSQL deployments and in-memory SQLite keep
//! the pool ([`crate::Store::sqlite_reads`] is `None`).

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use crate::StoreError;

/// The SQL library these reads use, re-exported so that callers use exactly this version.
pub use rusqlite;

thread_local! {
    static CONN: RefCell<Option<(Arc<str>, rusqlite::Connection)>> = const { RefCell::new(None) };
}

/// Read-only access to one SQLite database file, a connection per thread.
#[derive(Clone, Debug)]
pub struct SqliteReads {
    path: Arc<str>,
}

impl SqliteReads {
    pub(crate) fn new(path: &str) -> Self {
        Self {
            path: Arc::from(path),
        }
    }

    /// Runs `f` on this thread's read-only connection to the database (opened on first use).
    pub fn query<T>(
        &self,
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        CONN.with(|cell| {
            let mut slot = cell.borrow_mut();
            let reuse = matches!(&*slot, Some((p, _)) if **p == *self.path);
            if !reuse {
                *slot = Some((self.path.clone(), open(&self.path)?));
            }
            match &*slot {
                Some((_, c)) => f(c).map_err(read_error),
                None => Err(StoreError::Config("只读连接不可用".into())),
            }
        })
    }
}

fn open(path: &str) -> Result<rusqlite::Connection, StoreError> {
    use rusqlite::OpenFlags;
    let c = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(read_error)?;
    c.busy_timeout(Duration::from_secs(5)).map_err(read_error)?;
    // The same memory-mapped reads as the pool's connections.
    c.execute_batch("PRAGMA mmap_size = 2147418112; PRAGMA query_only = 1;")
        .map_err(read_error)?;
    Ok(c)
}

fn read_error(e: rusqlite::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("只读查询失败：{e}")))
}
