//! Group commit for SQLite: write transactions of this process that queue up behind each other
//! are committed together, with one durable commit (one fsync of the log) instead of one each.
//!
//! The writes take turns on a first-come-first-served lock. The first write of a group opens the
//! database transaction (and takes the audit chain's lock); a write that finds a group open joins
//! it inside a savepoint, so that its rollback undoes only its own changes. When a write commits
//! it releases its savepoint, gives the turn to the next in the queue and joins the queue again
//! itself; whoever comes round first commits the group and tells every write in it the outcome.
//! So a write alone is committed at once, and writes that arrive while one is in progress share
//! the next commit. A write's `commit` returns only after the group's commit is durable, and a
//! failed group commit is an error for every write in it: nothing acknowledged is lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::anchor::Anchors;
use crate::audit::{self, ChainHead};
use crate::{AuditKey, StoreError, WRITE_WAIT, now_ms};

/// Counters of what the group commit did, since the store was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Write transactions committed.
    pub writes: u64,
    /// Database commits that saved them.
    pub commits: u64,
}

pub(crate) struct Writer {
    /// The open group, if any; holding the lock is having the turn to write.
    slot: Arc<Mutex<Option<Group>>>,
    key: Arc<AuditKey>,
    anchors: Arc<Anchors>,
    writes: AtomicU64,
    commits: AtomicU64,
}

/// An open database transaction holding the writes released into it so far.
struct Group {
    txn: DatabaseTransaction,
    /// The audit chain's head after the last write released into the group.
    head: ChainHead,
    /// The writes released into the group, waiting for its commit.
    waiting: Vec<oneshot::Sender<Result<(), String>>>,
}

/// One write's turn: it holds the lock, and with it the open group.
pub(crate) struct Turn {
    guard: OwnedMutexGuard<Option<Group>>,
    writer: Arc<Writer>,
}

/// How a write takes part in the group.
pub(crate) enum Member {
    /// It opened the group's transaction: nothing else is in it, and rolling back is rolling
    /// the whole transaction back.
    Opened(DatabaseTransaction),
    /// It joined a group that holds other writes, in a savepoint of its own.
    Joined(DatabaseTransaction),
}

impl Member {
    pub(crate) fn conn(&self) -> &DatabaseTransaction {
        match self {
            Member::Opened(txn) | Member::Joined(txn) => txn,
        }
    }
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("stats", &self.stats())
            .finish()
    }
}

impl Writer {
    pub(crate) fn new(key: Arc<AuditKey>, anchors: Arc<Anchors>) -> Self {
        Self {
            slot: Default::default(),
            key,
            anchors,
            writes: AtomicU64::new(0),
            commits: AtomicU64::new(0),
        }
    }

    pub(crate) fn stats(&self) -> WriteStats {
        WriteStats {
            writes: self.writes.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
        }
    }

    /// Waits for the turn (at most [`WRITE_WAIT`]) and starts a write: in a savepoint of the
    /// open group, or in a new transaction (which takes the audit chain's lock). Returns the
    /// turn, the write's part in the group and the chain head it continues from.
    pub(crate) async fn begin(
        self: &Arc<Self>,
        db: &DatabaseConnection,
    ) -> Result<(Turn, Member, ChainHead), StoreError> {
        let guard = tokio::time::timeout(WRITE_WAIT, self.slot.clone().lock_owned())
            .await
            .map_err(|_| StoreError::Busy)?;
        let (member, head) = match &*guard {
            Some(group) => (Member::Joined(group.txn.begin().await?), group.head.clone()),
            None => {
                let txn = db.begin().await?;
                let head = audit::lock_head(&txn).await?;
                (Member::Opened(txn), head)
            }
        };
        let turn = Turn {
            guard,
            writer: self.clone(),
        };
        Ok((turn, member, head))
    }

    /// Commits the open group, if there is one, once it is this caller's turn.
    async fn commit_open(self: Arc<Self>) {
        let mut guard = self.slot.clone().lock_owned().await;
        let Some(Group { txn, head, waiting }) = guard.take() else {
            return;
        };
        let at = now_ms();
        let result = async {
            audit::save_head(&txn, &self.key, &head, at).await?;
            txn.commit().await?;
            Ok::<_, StoreError>(())
        }
        .await;
        if result.is_ok() {
            // Before the turn is given back, so that the anchor lines come in chain order.
            self.anchors.publish(&self.key, &head, at);
        }
        drop(guard);
        if result.is_ok() {
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.writes
                .fetch_add(waiting.len() as u64, Ordering::Relaxed);
        }
        let result = result.map_err(|e| e.to_string());
        for w in waiting {
            // A write whose caller stopped waiting has nobody to tell.
            let _ = w.send(result.clone());
        }
    }
}

impl Turn {
    /// Releases the write into the group, gives the turn to the next write, and returns once
    /// the group is committed.
    pub(crate) async fn release(self, member: Member, head: ChainHead) -> Result<(), StoreError> {
        let Turn { mut guard, writer } = self;
        let (tx, rx) = oneshot::channel();
        match member {
            Member::Opened(txn) => {
                *guard = Some(Group {
                    txn,
                    head,
                    waiting: vec![tx],
                });
            }
            Member::Joined(savepoint) => {
                savepoint.commit().await?;
                let Some(group) = guard.as_mut() else {
                    return Err(StoreError::Integrity(
                        "写入组已不存在，本次更改未保存".into(),
                    ));
                };
                group.head = head;
                group.waiting.push(tx);
            }
        }
        drop(guard);
        // Come round again after the writes already queued (they join the group) and commit
        // it — on a task of its own, so that a caller who stops waiting (a closed connection)
        // cannot leave the group open.
        tokio::spawn(writer.commit_open());
        match rx.await {
            Ok(result) => result.map_err(StoreError::Commit),
            Err(_) => Err(StoreError::Commit("提交任务意外中止".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use crate::{AuditKey, AuditOutcome, NewAuditEntry, Store, TestDir, WriteStats, WriteTx};

    /// A store on a file of its own (the store is dropped before the directory).
    struct TempStore {
        store: Store,
        dir: TestDir,
    }

    async fn temp_store(name: &str) -> TempStore {
        let dir = TestDir::new(&format!("group-{name}"));
        let store = Store::open(&dir.url(), AuditKey::new(vec![7; 32]).unwrap())
            .await
            .unwrap();
        store
            .db()
            .execute_unprepared("CREATE TABLE t (name TEXT PRIMARY KEY)")
            .await
            .unwrap();
        TempStore { store, dir }
    }

    /// Starts a write that inserts `name` and records it in the audit chain.
    async fn write(store: &Store, name: &str) -> WriteTx {
        let mut tx = store.begin_write().await.unwrap();
        tx.conn()
            .execute_raw(Statement::from_sql_and_values(
                store.backend(),
                "INSERT INTO t (name) VALUES (?)",
                [name.into()],
            ))
            .await
            .unwrap();
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: "test".into(),
            action: "test.write".into(),
            outcome: AuditOutcome::Ok,
            target_type: "test".into(),
            target_id: None,
            summary: serde_json::json!({ "name": name }),
            ip: None,
        })
        .await
        .unwrap();
        tx
    }

    async fn names(store: &Store) -> Vec<String> {
        store
            .db()
            .query_all_raw(Statement::from_string(
                store.backend(),
                "SELECT name FROM t ORDER BY name",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    }

    async fn audit_entries(store: &Store) -> i64 {
        let report = store.verify_audit(|_| {}).await.unwrap();
        assert!(report.broken.is_none(), "audit chain broken: {report:?}");
        report.entries
    }

    /// Sixteen writes started at once: every one is saved and chained, in fewer commits.
    #[tokio::test]
    async fn writes_that_queue_up_share_commits() {
        let t = temp_store("share").await;
        let entries = audit_entries(&t.store).await;
        let stats = t.store.write_stats().unwrap();
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let store = t.store.clone();
                tokio::spawn(async move { write(&store, &format!("w{i:02}")).await.commit().await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(names(&t.store).await.len(), 16);
        assert_eq!(audit_entries(&t.store).await, entries + 16);
        let now = t.store.write_stats().unwrap();
        let (writes, commits) = (now.writes - stats.writes, now.commits - stats.commits);
        assert_eq!(writes, 16);
        assert!(
            (1..16).contains(&commits),
            "16 writes queued together took {commits} commits"
        );
    }

    /// A write that rolls back inside a group takes only its own change (and its audit entry)
    /// with it; the writes before and after it in the group are saved, chained without a gap.
    #[tokio::test]
    async fn a_write_rolled_back_in_a_group_leaves_the_others() {
        let t = temp_store("rollback").await;
        let entries = audit_entries(&t.store).await;
        let stats = t.store.write_stats().unwrap();
        let a = write(&t.store, "a").await;
        // B and C queue behind A (this runtime has one thread: each runs until it waits).
        let store = t.store.clone();
        let b = tokio::spawn(async move { drop(write(&store, "b").await) });
        tokio::task::yield_now().await;
        let store = t.store.clone();
        let c = tokio::spawn(async move { write(&store, "c").await.commit().await });
        tokio::task::yield_now().await;
        a.commit().await.unwrap();
        b.await.unwrap();
        c.await.unwrap().unwrap();
        assert_eq!(names(&t.store).await, ["a", "c"]);
        assert_eq!(audit_entries(&t.store).await, entries + 2);
        let now = t.store.write_stats().unwrap();
        assert_eq!(
            WriteStats {
                writes: now.writes - stats.writes,
                commits: now.commits - stats.commits
            },
            WriteStats {
                writes: 2,
                commits: 1
            },
            "A and C should have shared one commit"
        );
    }

    /// A lone write that is dropped rolls its transaction back at once: another process can
    /// write to the file, and the next write starts afresh.
    #[tokio::test]
    async fn a_lone_write_dropped_leaves_the_file_unlocked() {
        let t = temp_store("unlocked").await;
        drop(write(&t.store, "x").await);
        let other = rusqlite::Connection::open(t.dir.file()).unwrap();
        other
            .busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO t (name) VALUES ('other'); COMMIT;")
            .expect("the dropped write still holds the database's write lock");
        write(&t.store, "y").await.commit().await.unwrap();
        assert_eq!(names(&t.store).await, ["other", "y"]);
        audit_entries(&t.store).await;
    }
}
