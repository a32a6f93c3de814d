//! The runs of the server's scheduled jobs (`job_run`), shown at `/admin/jobs`.

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
};

use crate::StoreError;
use crate::entity::job_run;

/// One finished run of a job, as recorded.
pub struct NewRun<'a> {
    pub job: &'a str,
    pub started_at: i64,
    pub finished_at: i64,
    pub examined: i64,
    pub changed: i64,
    pub error: Option<String>,
}

/// Inserts the run inside the caller's transaction; its id.
pub async fn insert<C: ConnectionTrait>(conn: &C, r: NewRun<'_>) -> Result<i64, StoreError> {
    let row = job_run::ActiveModel {
        job: Set(r.job.to_owned()),
        started_at: Set(r.started_at),
        finished_at: Set(Some(r.finished_at)),
        examined: Set(r.examined),
        changed: Set(r.changed),
        error: Set(r.error),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// One page of the runs, newest first, and how many there are.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    offset: u64,
    limit: u64,
) -> Result<(Vec<job_run::Model>, u64), StoreError> {
    let q = job_run::Entity::find()
        .order_by_desc(job_run::Column::StartedAt)
        .order_by_desc(job_run::Column::Id);
    let total = q.clone().count(conn).await?;
    Ok((q.offset(offset).limit(limit).all(conn).await?, total))
}
