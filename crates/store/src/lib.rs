//! jianfu's persistence: one `Store` over SQLite (embedded, default) or PostgreSQL, the schema
//! migrations, and the audit chain that every write transaction must extend before it commits.

pub mod anchor;
pub mod audit;
mod checkpoint;
pub mod entity;
mod group;
mod migration;
pub mod personal;
pub mod private_files;
pub mod reads;
pub mod repo;
pub mod scope;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    Statement, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use anchor::Anchor;
pub use audit::{AuditKey, AuditOutcome, NewAuditEntry, VerifyReport};
pub use group::WriteStats;
pub use scope::Scope;
/// The ORM, re-exported so that the domain uses exactly this version through the store.
pub use sea_orm as orm;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("无法连接数据库 {url}：{reason}")]
    Connect { url: String, reason: String },
    #[error("配置错误：{0}")]
    Config(String),
    #[error("数据完整性错误：{0}")]
    Integrity(String),
    #[error("数据库繁忙（等待写入超时），请稍后重试")]
    Busy,
    /// The group commit this write was part of failed: nothing of it was saved.
    #[error("数据库提交失败，本次更改未保存：{0}")]
    Commit(String),
}

impl StoreError {
    /// True when the database refused the write because of a UNIQUE constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Db(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))))
    }
    /// True when the database refused the write because of a FOREIGN KEY constraint.
    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(self, Self::Db(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))))
    }
}

/// Milliseconds since the Unix epoch: the one time unit stored in the database.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Hides the password of a database URL before it is printed or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    key: Arc<AuditKey>,
    /// Where committed checkpoints are published outside the database ([`anchor`]).
    anchors: Arc<anchor::Anchors>,
    /// The keys of personal data at rest ([`personal`]) and the file they were read from.
    /// (The keys, the file, its modification time when read.)
    data_keys: Arc<std::sync::RwLock<DataKeySlot>>,
    /// Inline read-only access for the hottest public reads (SQLite files only).
    reads: Option<reads::SqliteReads>,
    /// SQLite: the write transactions of this process take turns here, first come first
    /// served, instead of colliding on the database's write lock and backing off in SQLite's
    /// busy handler (which sleeps for milliseconds at a time), and writes that queue up are
    /// committed together (see [`group`]). Other processes on the same file still meet the
    /// busy timeout. PostgreSQL queues on the audit checkpoint's row lock.
    writer: Option<Arc<group::Writer>>,
    /// SQLite files: the thread that checkpoints the write-ahead log (see [`checkpoint`]).
    checkpointer: Option<Arc<checkpoint::Checkpointer>>,
}

type DataKeySlot = (
    Arc<personal::DataKeys>,
    Option<std::path::PathBuf>,
    Option<std::time::SystemTime>,
);

/// How long a write waits for its turn before it is refused (SQLite's busy timeout too).
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// How long a request waits for a pooled connection before it is refused (`database_busy`).
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The connection pool's size and how long a request waits for a connection; `None` for the
/// defaults (8 connections on SQLite, 16 on PostgreSQL; [`DEFAULT_ACQUIRE_TIMEOUT`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolSettings {
    pub max_connections: Option<u32>,
    pub acquire_timeout: Option<Duration>,
}

/// The pool's figures at one moment, for `/metrics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolFigures {
    /// Which pool (`primary`).
    pub pool: &'static str,
    /// The most connections it opens.
    pub max: u32,
    /// Connections open now, in use or idle.
    pub size: u32,
    pub idle: u32,
    pub in_use: u32,
    /// Requests that waited for a connection longer than the pool's wait and were refused
    /// (`database_busy`), since the process started.
    pub acquire_timeouts: u64,
}

/// Requests refused because no pooled connection came in time, since the process started.
static ACQUIRE_TIMEOUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Whether the error is a pooled connection that did not come in time; counts it once for
/// [`PoolFigures::acquire_timeouts`] when `count` is set.
pub fn is_pool_timeout(e: &sea_orm::DbErr, count: bool) -> bool {
    let timeout = match e {
        sea_orm::DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => true,
        sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(x))
        | sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(x))
        | sea_orm::DbErr::Query(sea_orm::RuntimeErr::SqlxError(x)) => {
            matches!(x.as_ref(), sea_orm::sqlx::Error::PoolTimedOut)
        }
        _ => false,
    };
    if timeout && count {
        ACQUIRE_TIMEOUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    timeout
}

impl Store {
    /// Connects, applies the SQLite durability settings (and checks they took), and runs
    /// pending migrations.
    pub async fn open(url: &str, key: AuditKey) -> Result<Self, StoreError> {
        Self::open_with(url, key, PoolSettings::default()).await
    }

    /// [`Store::open`] with the connection pool's size and wait set.
    pub async fn open_with(
        url: &str,
        key: AuditKey,
        pool: PoolSettings,
    ) -> Result<Self, StoreError> {
        let store = Self::connect_with(url, key, pool).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating (for `jianfu migrate` and checks).
    pub async fn connect(url: &str, key: AuditKey) -> Result<Self, StoreError> {
        Self::connect_with(url, key, PoolSettings::default()).await
    }

    /// [`Store::connect`] with the connection pool's size and wait set.
    pub async fn connect_with(
        url: &str,
        key: AuditKey,
        pool: PoolSettings,
    ) -> Result<Self, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            DbBackend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DbBackend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "不支持的数据库地址 {}：请使用 sqlite:// 或 postgres://",
                redact_url(url)
            )));
        };
        let mut sqlite_file: Option<String> = None;
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(pool.acquire_timeout.unwrap_or(DEFAULT_ACQUIRE_TIMEOUT));
        if backend == DbBackend::Sqlite {
            use sea_orm::sqlx::sqlite::{
                SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous,
            };
            // Validate the URL here so that a bad path is a clear error, not a pool timeout.
            let parsed = SqliteConnectOptions::from_str(url).map_err(|e| StoreError::Connect {
                url: redact_url(url),
                reason: e.to_string(),
            })?;
            let file = parsed.get_filename().to_string_lossy().into_owned();
            if !file.is_empty() && !file.contains(":memory:") && !url.contains("mode=memory") {
                private_files::sqlite(std::path::Path::new(&file))?;
                sqlite_file = Some(file);
            }
            // No ping before handing out a pooled connection: an embedded database has no
            // server that could have dropped it, and the ping is one more round trip to the
            // connection's worker thread per query (measured with `--bench lookup`). No
            // memory-mapped I/O on these connections: they write, and in WAL mode a connection
            // unmaps the whole mapping at the start of every read transaction that follows a
            // change to the database (a munmap with its cross-core TLB flush per query under
            // writes, ≈ 4 % of an issue's CPU in `--bench certificates`). The inline read-only
            // connections of `reads`, for the hottest public reads, keep it.
            let autocheckpoint = if sqlite_file.is_some() { "0" } else { "1000" };
            opts.max_connections(pool.max_connections.unwrap_or(8))
                .test_before_acquire(false)
                .map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(WRITE_WAIT)
                        // Checkpoints run on their own thread (`checkpoint`), not in commits.
                        .pragma("wal_autocheckpoint", autocheckpoint)
                });
        } else {
            opts.max_connections(pool.max_connections.unwrap_or(16));
        }
        let key = Arc::new(key);
        let anchors = Arc::new(anchor::Anchors::default());
        let db = Database::connect(opts)
            .await
            .map_err(|e| StoreError::Connect {
                url: redact_url(url),
                reason: e.to_string(),
            })?;
        let mut store = Self {
            db,
            key: key.clone(),
            anchors: anchors.clone(),
            data_keys: Arc::new(std::sync::RwLock::new((
                Arc::new(personal::DataKeys::derived(&key)),
                None,
                None,
            ))),
            reads: sqlite_file.as_deref().map(reads::SqliteReads::new),
            writer: (backend == DbBackend::Sqlite)
                .then(|| Arc::new(group::Writer::new(key.clone(), anchors.clone()))),
            checkpointer: None,
        };
        if backend == DbBackend::Sqlite {
            // First, so that a database that cannot run as required (in memory, say) is
            // refused for that reason before anything else is started on it.
            store.check_sqlite_pragmas().await?;
        }
        if let Some(f) = sqlite_file.as_deref() {
            let thread = checkpoint::Checkpointer::start(f)
                .map_err(|e| StoreError::Config(format!("无法启动 SQLite 检查点线程：{e}")))?;
            store.checkpointer = Some(Arc::new(thread));
        }
        Ok(store)
    }

    /// WAL, foreign keys and synchronous=FULL are what make acknowledged writes survive a crash
    /// and keep references whole; refuse to run without them.
    async fn check_sqlite_pragmas(&self) -> Result<(), StoreError> {
        for (pragma, want) in [
            ("journal_mode", "wal"),
            ("foreign_keys", "1"),
            ("synchronous", "2"),
        ] {
            let row = self
                .db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA {pragma}"),
                ))
                .await?;
            let got = match row {
                Some(r) => r
                    .try_get_by_index::<String>(0)
                    .or_else(|_| r.try_get_by_index::<i64>(0).map(|v| v.to_string()))
                    .unwrap_or_default(),
                None => String::new(),
            };
            if !got.eq_ignore_ascii_case(want) {
                return Err(StoreError::Config(format!(
                    "SQLite 设置 {pragma} 为 {got}，应为 {want}"
                )));
            }
        }
        Ok(())
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        migration::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Names of migrations applied so far.
    pub async fn applied_migrations(&self) -> Result<Vec<String>, StoreError> {
        let list = migration::Migrator::get_applied_migrations(&self.db).await?;
        Ok(list.into_iter().map(|m| m.name().to_owned()).collect())
    }

    /// Read access. Writes go through [`Store::begin_write`].
    /// Inline read-only access to the SQLite file, for the hottest public reads; `None` on
    /// PostgreSQL and in-memory SQLite (use [`Store::db`]).
    pub fn sqlite_reads(&self) -> Option<&reads::SqliteReads> {
        self.reads.as_ref()
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The connection pool's figures now (see [`PoolFigures`]).
    pub fn pool_figures(&self) -> Vec<PoolFigures> {
        let (max, size, idle) = match self.backend() {
            DbBackend::Postgres => {
                let p = self.db.get_postgres_connection_pool();
                (p.options().get_max_connections(), p.size(), p.num_idle())
            }
            DbBackend::Sqlite => {
                let p = self.db.get_sqlite_connection_pool();
                (p.options().get_max_connections(), p.size(), p.num_idle())
            }
            _ => return Vec::new(),
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
        vec![PoolFigures {
            pool: "primary",
            max,
            size,
            idle,
            in_use: size - idle,
            acquire_timeouts: ACQUIRE_TIMEOUTS.load(std::sync::atomic::Ordering::Relaxed),
        }]
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn audit_key(&self) -> &AuditKey {
        &self.key
    }

    /// Starts a write transaction holding the audit-chain lock. Whatever it changes must be
    /// recorded with [`WriteTx::audit`] before [`WriteTx::commit`], or the commit is refused.
    /// Do not start another write while holding one: on SQLite it waits for this one and is
    /// refused after [`WRITE_WAIT`].
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let (txn, head) = match &self.writer {
            Some(writer) => {
                let (turn, member, head) = writer.begin(&self.db).await?;
                (Txn::Group { member, turn }, head)
            }
            None => {
                let txn = self.db.begin().await?;
                let head = audit::lock_head(&txn).await?;
                let key = self.key.clone();
                let anchors = self.anchors.clone();
                (Txn::Own { txn, key, anchors }, head)
            }
        };
        Ok(WriteTx {
            txn,
            head,
            appended: 0,
        })
    }

    /// Write transactions committed and database commits made for them since the store was
    /// opened (SQLite; `None` on PostgreSQL). Fewer commits than writes means writes that
    /// arrived together were committed together.
    pub fn write_stats(&self) -> Option<WriteStats> {
        self.writer.as_ref().map(|w| w.stats())
    }

    /// Convenience for writes that are only an audit entry (failed logins, denials, exports).
    pub async fn audit_only(&self, entry: NewAuditEntry) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.audit(entry).await?;
        tx.commit().await
    }

    pub async fn verify_audit(
        &self,
        progress: impl FnMut(i64),
    ) -> Result<VerifyReport, StoreError> {
        audit::verify(&self.db, &self.key, &[], progress).await
    }

    /// [`Store::verify_audit`], and the chain checked against anchors published outside the
    /// database (see [`anchor`]): detects a rollback of the database.
    pub async fn verify_audit_with_anchors(
        &self,
        anchors: &[Anchor],
        progress: impl FnMut(i64),
    ) -> Result<VerifyReport, StoreError> {
        audit::verify(&self.db, &self.key, anchors, progress).await
    }

    /// Uses `keys` (read from `file`, which is read again when a value names a key this
    /// process does not have: another process rotated them) for personal data at rest.
    pub fn use_data_keys(&self, keys: personal::DataKeys, file: Option<std::path::PathBuf>) {
        let modified = file
            .as_ref()
            .and_then(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok());
        if let Ok(mut slot) = self.data_keys.write() {
            *slot = (Arc::new(keys), file, modified);
        }
    }

    /// Reads the data-key file again if it changed since it was read (another process
    /// rotated the keys), so that new values are encrypted under the newest key.
    pub fn refresh_data_keys(&self) -> Result<(), StoreError> {
        let (file, seen) = match self.data_keys.read() {
            Ok(s) => (s.1.clone(), s.2),
            Err(_) => return Ok(()),
        };
        let Some(file) = file else {
            return Ok(());
        };
        let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
        if modified != seen {
            let keys = personal::DataKeys::load(&file)?;
            self.use_data_keys(keys, Some(file));
        }
        Ok(())
    }

    /// The current data keys.
    pub fn data_keys(&self) -> Arc<personal::DataKeys> {
        match self.data_keys.read() {
            Ok(slot) => slot.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// Decrypts `field` of `row` (its id, or [`personal::certificate_row`]). A value under a
    /// key this process lacks makes it read its key file again once (keys rotated by
    /// `jianfu keys rotate-data` meanwhile).
    pub fn open_personal(
        &self,
        field: personal::Field,
        row: impl std::fmt::Display,
        stored: &str,
    ) -> Result<String, StoreError> {
        self.with_fresh_keys(field, &row, |keys| keys.decrypt(field, &row, stored))
    }

    /// [`Store::open_personal`] for a binary column.
    pub fn open_personal_bytes(
        &self,
        field: personal::Field,
        row: impl std::fmt::Display,
        stored: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        self.with_fresh_keys(field, &row, |keys| keys.decrypt_bytes(field, &row, stored))
    }

    fn with_fresh_keys<T>(
        &self,
        field: personal::Field,
        row: &dyn std::fmt::Display,
        open: impl Fn(&personal::DataKeys) -> Result<T, personal::DecryptError>,
    ) -> Result<T, StoreError> {
        let keys = self.data_keys();
        let result = match open(&keys) {
            Err(personal::DecryptError::UnknownKey(_)) => {
                let file = self.data_keys.read().ok().and_then(|s| s.1.clone());
                match file.map(|f| personal::DataKeys::load(&f).map(|k| (k, f))) {
                    Some(Ok((fresh, f))) => {
                        let r = open(&fresh);
                        self.use_data_keys(fresh, Some(f));
                        r
                    }
                    Some(Err(e)) => return Err(e),
                    None => open(&keys),
                }
            }
            r => r,
        };
        result.map_err(|e| {
            StoreError::Integrity(format!(
                "{} 第 {row} 行的 {} 无法读取：{e}",
                field.table, field.column
            ))
        })
    }

    /// From now on, appends every committed checkpoint to the file `path` (created with mode
    /// 0600 if missing) and logs it (target `jianfu_audit_anchor`).
    pub fn publish_anchors(&self, path: &std::path::Path) -> Result<(), StoreError> {
        self.anchors.open(path).map_err(|e| {
            StoreError::Config(format!("无法打开审计锚点文件 {}：{e}", path.display()))
        })
    }

    /// The current checkpoint as an anchor line for an external witness, after checking the
    /// chain it closes; `None` while the chain is empty. A broken chain is refused.
    pub async fn current_anchor(&self) -> Result<Option<Anchor>, StoreError> {
        let report = self.verify_audit(|_| {}).await?;
        if let Some(b) = report.broken {
            return Err(StoreError::Integrity(format!(
                "审计日志被篡改，不能发布锚点：{}",
                b.describe()
            )));
        }
        use sea_orm::EntityTrait;
        let cp = entity::audit_checkpoint::Entity::find_by_id(1)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Integrity("审计检查点缺失".into()))?;
        if cp.seq == 0 {
            return Ok(None);
        }
        Ok(Some(Anchor {
            format: anchor::FORMAT.to_owned(),
            seq: cp.seq,
            hash: cp.hash,
            at: cp.updated_at,
            mac: cp.mac,
        }))
    }

    /// Copies a consistent snapshot of a SQLite database to `path` (`VACUUM INTO`, which works
    /// while the server runs).
    pub async fn backup_sqlite(&self, path: &str) -> Result<(), StoreError> {
        if self.backend() != DbBackend::Sqlite {
            return Err(StoreError::Config(
                "只有 SQLite 数据库能用此命令备份".into(),
            ));
        }
        // The copy holds everything the database does: it is created empty, readable by the
        // owner only, before SQLite writes into it (VACUUM INTO accepts an empty file).
        // `create_new` also makes "never overwrite" atomic.
        match private_files::create_new(std::path::Path::new(path)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::Config(format!(
                    "备份文件 {path} 已存在，不会覆盖"
                )));
            }
            Err(e) => {
                return Err(StoreError::Config(format!("无法创建备份文件 {path}：{e}")));
            }
        }
        let copied = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [path.into()],
            ))
            .await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(path);
            return Err(e.into());
        }
        Ok(())
    }

    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }
}

/// A write transaction that holds the chain lock. Dropping it without commit rolls back.
pub struct WriteTx {
    txn: Txn,
    head: audit::ChainHead,
    appended: u32,
}

enum Txn {
    /// PostgreSQL: a transaction of its own, and the key that signs its checkpoint (on
    /// SQLite the group's writer holds it).
    Own {
        txn: DatabaseTransaction,
        key: Arc<AuditKey>,
        anchors: Arc<anchor::Anchors>,
    },
    /// SQLite: part of a group of writes committed together ([`group`]). The member is
    /// declared first so that a dropped write rolls back before the turn is given back.
    Group {
        member: group::Member,
        turn: group::Turn,
    },
}

impl Txn {
    fn conn(&self) -> &DatabaseTransaction {
        match self {
            Txn::Own { txn, .. } => txn,
            Txn::Group { member, .. } => member.conn(),
        }
    }
}

impl WriteTx {
    pub fn conn(&self) -> &DatabaseTransaction {
        self.txn.conn()
    }

    /// Appends an audit entry to the chain, in this transaction. Returns its seq.
    pub async fn audit(&mut self, entry: NewAuditEntry) -> Result<i64, StoreError> {
        let seq = audit::append(self.txn.conn(), &mut self.head, entry, now_ms()).await?;
        self.appended += 1;
        Ok(seq)
    }

    /// Commits the change with its audit entries and the new signed checkpoint; returns once
    /// it is durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        if self.appended == 0 {
            return Err(StoreError::Integrity(
                "写操作没有审计记录，已拒绝提交".into(),
            ));
        }
        match self.txn {
            Txn::Own { txn, key, anchors } => {
                let at = now_ms();
                audit::save_head(&txn, &key, &self.head, at).await?;
                txn.commit().await?;
                anchors.publish(&key, &self.head, at);
                Ok(())
            }
            Txn::Group { member, turn } => turn.release(member, self.head).await,
        }
    }
}

/// A new empty directory for a test's database file, removed when dropped.
#[cfg(test)]
pub(crate) struct TestDir(std::path::PathBuf);

#[cfg(test)]
impl TestDir {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "jianfu-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Self(dir)
    }

    /// The database file in it.
    pub(crate) fn file(&self) -> std::path::PathBuf {
        self.0.join("t.db")
    }

    /// The `sqlite://` URL of that file.
    pub(crate) fn url(&self) -> String {
        format!("sqlite://{}", self.file().display())
    }
}

#[cfg(test)]
impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether a statement was refused by a foreign key, on either database. SeaORM's `sql_err`
/// knows PostgreSQL's 23503 and SQLite's 787, but SQLite reports an `ON DELETE RESTRICT` key as
/// 1811 (SQLITE_CONSTRAINT_TRIGGER) with the same message.
pub fn is_foreign_key_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
    ) || e.to_string().contains("FOREIGN KEY constraint failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled SQLite is built with the query-planner stability guarantee
    /// (`.cargo/config.toml`): a statement with a bound LIMIT, as every sea-orm `.one()` has,
    /// is prepared once, not again on every execution.
    #[tokio::test]
    async fn bound_limits_do_not_re_prepare_statements() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b');")
            .unwrap();
        let mut stmt = conn
            .prepare("SELECT v FROM t WHERE id = ?1 LIMIT ?2")
            .unwrap();
        for id in [1, 2, 1, 2] {
            let _: String = stmt.query_row((id, 1), |r| r.get(0)).unwrap();
        }
        assert_eq!(
            stmt.get_status(rusqlite::StatementStatus::RePrepare),
            0,
            "SQLite re-prepared a statement because its LIMIT was bound again"
        );
        // sqlx's connections use the same library.
        let dir = TestDir::new("qpsg");
        let store = Store::connect(&dir.url(), AuditKey::new(vec![7; 32]).unwrap())
            .await
            .unwrap();
        let options = store
            .db()
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA compile_options",
            ))
            .await
            .unwrap();
        assert!(
            options
                .iter()
                .any(|r| r.try_get_by_index::<String>(0).unwrap() == "ENABLE_QPSG"),
            "the store's SQLite is built without ENABLE_QPSG"
        );
    }

    #[test]
    fn redacts_password_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://a.db"), "sqlite://a.db");
    }
}
