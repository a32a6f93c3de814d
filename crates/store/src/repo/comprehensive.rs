//! The district's comprehensive evaluation of communities (社区(村)工作综合考评, 4.3-4; issue 12
//! §2), wholly here: the campaigns (create, the list of the districts a reader sees, the
//! guarded close), the self-nominations with their evidence files and the street's guarded
//! review, the district's scores, the satisfaction responses kept apart from who gave them,
//! the one-time satisfaction codes (issued as hashes only, used once by a guarded write,
//! counted per community for the district's audit), and the appeals with their evidence.
//! Writes take the caller's `tx.conn()` so that the audit entry commits with them; the domain
//! validates and passes the stored texts of its states (`CampaignStatus`, `NominationStatus`,
//! `AppealStatus`).

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entity::{
    comprehensive_appeal, comprehensive_appeal_evidence, comprehensive_campaign,
    comprehensive_evidence, comprehensive_nomination, comprehensive_respondent,
    comprehensive_response, comprehensive_score, demand, node, satisfaction_code,
};
use crate::{Scope, StoreError};

// ---------------------------------------------------------------- campaigns

/// The departments (stored kind `kind`) directly under the districts `districts`, as (id, name).
pub async fn departments_of(
    conn: &impl ConnectionTrait,
    districts: &[i64],
    kind: &str,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(node::Entity::find()
        .select_only()
        .column(node::Column::Id)
        .column(node::Column::Name)
        .filter(node::Column::ParentId.is_in(districts.iter().copied()))
        .filter(node::Column::Kind.eq(kind))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The demands of kind `kind` in state `status` requested by one of `requesters`, by id.
pub async fn demands_of(
    conn: &impl ConnectionTrait,
    kind: &str,
    status: &str,
    requesters: Vec<i64>,
) -> Result<Vec<demand::Model>, StoreError> {
    Ok(demand::Entity::find()
        .filter(demand::Column::Kind.eq(kind))
        .filter(demand::Column::Status.eq(status))
        .filter(demand::Column::RequesterNodeId.is_in(requesters))
        .order_by_asc(demand::Column::Id)
        .all(conn)
        .await?)
}

/// Whether `district` already has a campaign for `year`.
pub async fn campaign_exists(
    conn: &impl ConnectionTrait,
    district: i64,
    year: i32,
) -> Result<bool, StoreError> {
    Ok(comprehensive_campaign::Entity::find()
        .filter(comprehensive_campaign::Column::DistrictNodeId.eq(district))
        .filter(comprehensive_campaign::Column::Year.eq(year))
        .one(conn)
        .await?
        .is_some())
}

/// What a new campaign stores.
pub struct NewCampaign<'a> {
    pub district: i64,
    pub name: &'a str,
    pub year: i32,
    /// The design as JSON.
    pub design: &'a str,
    pub nomination_deadline: &'a str,
    pub min_responses: i32,
    pub status: &'a str,
    pub created_by: i64,
    pub now: i64,
}

/// Creates a campaign inside the caller's transaction; its id.
pub async fn insert_campaign(
    conn: &impl ConnectionTrait,
    c: &NewCampaign<'_>,
) -> Result<i64, StoreError> {
    let row = comprehensive_campaign::ActiveModel {
        district_node_id: Set(c.district),
        name: Set(c.name.to_owned()),
        year: Set(c.year),
        design: Set(c.design.to_owned()),
        nomination_deadline: Set(c.nomination_deadline.to_owned()),
        min_responses: Set(c.min_responses),
        status: Set(c.status.to_owned()),
        created_by: Set(c.created_by),
        created_at: Set(c.now),
        closed_by: Set(None),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// One campaign.
pub async fn campaign(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<comprehensive_campaign::Model>, StoreError> {
    Ok(comprehensive_campaign::Entity::find_by_id(id)
        .one(conn)
        .await?)
}

/// One page of the campaigns of `districts`, newest year first, and how many there are.
pub async fn campaigns_of(
    conn: &impl ConnectionTrait,
    districts: Vec<i64>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<comprehensive_campaign::Model>, u64), StoreError> {
    let q = comprehensive_campaign::Entity::find()
        .filter(comprehensive_campaign::Column::DistrictNodeId.is_in(districts))
        .order_by_desc(comprehensive_campaign::Column::Year)
        .order_by_desc(comprehensive_campaign::Column::Id);
    let total = q.clone().count(conn).await?;
    let rows = q.offset(offset).limit(limit).all(conn).await?;
    Ok((rows, total))
}

/// The campaigns in state `status`, by id.
pub async fn campaigns_in_state(
    conn: &impl ConnectionTrait,
    status: &str,
) -> Result<Vec<comprehensive_campaign::Model>, StoreError> {
    Ok(comprehensive_campaign::Entity::find()
        .filter(comprehensive_campaign::Column::Status.eq(status))
        .order_by_asc(comprehensive_campaign::Column::Id)
        .all(conn)
        .await?)
}

/// Moves campaign `id` from `from` to `to` (closing it, by `by` at `now`); `false` when it was
/// no longer in `from`.
pub async fn close_campaign(
    conn: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    by: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = comprehensive_campaign::Entity::update_many()
        .col_expr(comprehensive_campaign::Column::Status, Expr::value(to))
        .col_expr(comprehensive_campaign::Column::ClosedBy, Expr::value(by))
        .col_expr(comprehensive_campaign::Column::ClosedAt, Expr::value(now))
        .filter(comprehensive_campaign::Column::Id.eq(id))
        .filter(comprehensive_campaign::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

// ---------------------------------------------------------------- self-nominations

/// Every nomination of a campaign.
pub async fn nominations_of(
    conn: &impl ConnectionTrait,
    campaign: i64,
) -> Result<Vec<comprehensive_nomination::Model>, StoreError> {
    Ok(comprehensive_nomination::Entity::find()
        .filter(comprehensive_nomination::Column::CampaignId.eq(campaign))
        .all(conn)
        .await?)
}

/// A community's nominations of a campaign.
pub async fn nominations_by(
    conn: &impl ConnectionTrait,
    campaign: i64,
    community: i64,
) -> Result<Vec<comprehensive_nomination::Model>, StoreError> {
    Ok(comprehensive_nomination::Entity::find()
        .filter(comprehensive_nomination::Column::CampaignId.eq(campaign))
        .filter(comprehensive_nomination::Column::CommunityNodeId.eq(community))
        .all(conn)
        .await?)
}

/// A community's nomination for one indicator, if any.
pub async fn nomination_for(
    conn: &impl ConnectionTrait,
    campaign: i64,
    community: i64,
    indicator: i32,
) -> Result<Option<comprehensive_nomination::Model>, StoreError> {
    Ok(comprehensive_nomination::Entity::find()
        .filter(comprehensive_nomination::Column::CampaignId.eq(campaign))
        .filter(comprehensive_nomination::Column::CommunityNodeId.eq(community))
        .filter(comprehensive_nomination::Column::Indicator.eq(indicator))
        .one(conn)
        .await?)
}

/// One nomination.
pub async fn nomination(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<comprehensive_nomination::Model>, StoreError> {
    Ok(comprehensive_nomination::Entity::find_by_id(id)
        .one(conn)
        .await?)
}

/// How many nominations of a campaign in state `status` belong to communities in `scope`.
pub async fn nominations_waiting(
    conn: &impl ConnectionTrait,
    campaign: i64,
    status: &str,
    scope: &Scope,
) -> Result<u64, StoreError> {
    Ok(comprehensive_nomination::Entity::find()
        .filter(comprehensive_nomination::Column::CampaignId.eq(campaign))
        .filter(comprehensive_nomination::Column::Status.eq(status))
        .filter(scope.holds(comprehensive_nomination::Column::CommunityNodeId))
        .count(conn)
        .await?)
}

/// The indicators of a community's nominations in state `status`.
pub async fn indicators_in_state(
    conn: &impl ConnectionTrait,
    campaign: i64,
    community: i64,
    status: &str,
) -> Result<Vec<i32>, StoreError> {
    Ok(comprehensive_nomination::Entity::find()
        .select_only()
        .column(comprehensive_nomination::Column::Indicator)
        .filter(comprehensive_nomination::Column::CampaignId.eq(campaign))
        .filter(comprehensive_nomination::Column::CommunityNodeId.eq(community))
        .filter(comprehensive_nomination::Column::Status.eq(status))
        .into_tuple()
        .all(conn)
        .await?)
}

/// A self-nomination as submitted.
pub struct Submitted<'a> {
    pub campaign: i64,
    pub community: i64,
    pub indicator: i32,
    pub report: &'a str,
    /// The stored text of the submitted state.
    pub status: &'a str,
    pub late: bool,
    pub by: i64,
    pub now: i64,
}

/// Stores a first nomination inside the caller's transaction; its id.
pub async fn insert_nomination(
    conn: &impl ConnectionTrait,
    n: &Submitted<'_>,
) -> Result<i64, StoreError> {
    let row = comprehensive_nomination::ActiveModel {
        campaign_id: Set(n.campaign),
        community_node_id: Set(n.community),
        indicator: Set(n.indicator),
        report: Set(n.report.to_owned()),
        status: Set(n.status.to_owned()),
        late: Set(n.late),
        submitted_by: Set(n.by),
        submitted_at: Set(n.now),
        review_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Resubmits nomination `id` while it is still in state `from`; `false` when it changed.
pub async fn resubmit_nomination(
    conn: &impl ConnectionTrait,
    id: i64,
    from: &str,
    n: &Submitted<'_>,
) -> Result<bool, StoreError> {
    let done = comprehensive_nomination::Entity::update_many()
        .col_expr(
            comprehensive_nomination::Column::Report,
            Expr::value(n.report),
        )
        .col_expr(
            comprehensive_nomination::Column::Status,
            Expr::value(n.status),
        )
        .col_expr(comprehensive_nomination::Column::Late, Expr::value(n.late))
        .col_expr(
            comprehensive_nomination::Column::SubmittedBy,
            Expr::value(n.by),
        )
        .col_expr(
            comprehensive_nomination::Column::SubmittedAt,
            Expr::value(n.now),
        )
        .filter(comprehensive_nomination::Column::Id.eq(id))
        .filter(comprehensive_nomination::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records the street's review of nomination `id` while it is in state `from`; `false` when
/// it changed.
pub async fn review_nomination(
    conn: &impl ConnectionTrait,
    id: i64,
    from: &str,
    to: &str,
    reason: Option<&str>,
    by: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = comprehensive_nomination::Entity::update_many()
        .col_expr(comprehensive_nomination::Column::Status, Expr::value(to))
        .col_expr(
            comprehensive_nomination::Column::ReviewReason,
            Expr::value(reason.map(str::to_owned)),
        )
        .col_expr(
            comprehensive_nomination::Column::ReviewedBy,
            Expr::value(by),
        )
        .col_expr(
            comprehensive_nomination::Column::ReviewedAt,
            Expr::value(now),
        )
        .filter(comprehensive_nomination::Column::Id.eq(id))
        .filter(comprehensive_nomination::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// An evidence file of a nomination without its content: (id, nomination id, file name,
/// content type, size).
pub type EvidenceRow = (i64, i64, String, String, i64);

/// The evidence files of the nominations `ids`, without their content, by id.
pub async fn evidence_of(
    conn: &impl ConnectionTrait,
    nominations: Vec<i64>,
) -> Result<Vec<EvidenceRow>, StoreError> {
    Ok(comprehensive_evidence::Entity::find()
        .select_only()
        .column(comprehensive_evidence::Column::Id)
        .column(comprehensive_evidence::Column::NominationId)
        .column(comprehensive_evidence::Column::FileName)
        .column(comprehensive_evidence::Column::ContentType)
        .column(comprehensive_evidence::Column::SizeBytes)
        .filter(comprehensive_evidence::Column::NominationId.is_in(nominations))
        .order_by_asc(comprehensive_evidence::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// How many evidence files nomination `id` has.
pub async fn evidence_count(
    conn: &impl ConnectionTrait,
    nomination: i64,
) -> Result<u64, StoreError> {
    Ok(comprehensive_evidence::Entity::find()
        .filter(comprehensive_evidence::Column::NominationId.eq(nomination))
        .count(conn)
        .await?)
}

/// One evidence file with its content.
pub async fn evidence(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<comprehensive_evidence::Model>, StoreError> {
    Ok(comprehensive_evidence::Entity::find_by_id(id)
        .one(conn)
        .await?)
}

/// An evidence file as stored.
pub struct NewEvidence<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sm3: &'a str,
    pub content: &'a [u8],
    pub by: i64,
    pub now: i64,
}

/// Stores an evidence file of nomination `nomination` inside the caller's transaction.
pub async fn insert_evidence(
    conn: &impl ConnectionTrait,
    nomination: i64,
    e: &NewEvidence<'_>,
) -> Result<(), StoreError> {
    comprehensive_evidence::ActiveModel {
        nomination_id: Set(nomination),
        file_name: Set(e.file_name.to_owned()),
        content_type: Set(e.content_type.to_owned()),
        size_bytes: Set(i64::try_from(e.content.len()).unwrap_or(i64::MAX)),
        sm3: Set(e.sm3.to_owned()),
        content: Set(e.content.to_vec()),
        created_by: Set(e.by),
        created_at: Set(e.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- scores and responses

/// Every score of a campaign.
pub async fn scores_of(
    conn: &impl ConnectionTrait,
    campaign: i64,
) -> Result<Vec<comprehensive_score::Model>, StoreError> {
    Ok(comprehensive_score::Entity::find()
        .filter(comprehensive_score::Column::CampaignId.eq(campaign))
        .all(conn)
        .await?)
}

/// Every response of a campaign as (community, ratings JSON): never who gave it.
pub async fn responses_of(
    conn: &impl ConnectionTrait,
    campaign: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(comprehensive_response::Entity::find()
        .select_only()
        .column(comprehensive_response::Column::CommunityNodeId)
        .column(comprehensive_response::Column::Ratings)
        .filter(comprehensive_response::Column::CampaignId.eq(campaign))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The responses of a campaign with a low rating and a comment (the district's follow-up
/// list), by community and day.
pub async fn low_with_comment(
    conn: &impl ConnectionTrait,
    campaign: i64,
) -> Result<Vec<comprehensive_response::Model>, StoreError> {
    Ok(comprehensive_response::Entity::find()
        .filter(comprehensive_response::Column::CampaignId.eq(campaign))
        .filter(comprehensive_response::Column::Low.eq(true))
        .filter(comprehensive_response::Column::Comment.is_not_null())
        .order_by_asc(comprehensive_response::Column::CommunityNodeId)
        .order_by_asc(comprehensive_response::Column::AnsweredOn)
        .all(conn)
        .await?)
}

/// Whether account `account` has answered campaign `campaign`.
pub async fn has_responded(
    conn: &impl ConnectionTrait,
    campaign: i64,
    account: i64,
) -> Result<bool, StoreError> {
    Ok(
        comprehensive_respondent::Entity::find_by_id((campaign, account))
            .one(conn)
            .await?
            .is_some(),
    )
}

/// Records that `account` answered `campaign` inside the caller's transaction; `false` when it
/// already had (the primary key refuses a second one).
pub async fn insert_respondent(
    conn: &impl ConnectionTrait,
    campaign: i64,
    account: i64,
) -> Result<bool, StoreError> {
    Ok(comprehensive_respondent::ActiveModel {
        campaign_id: Set(campaign),
        account_id: Set(account),
    }
    .insert(conn)
    .await
    .is_ok())
}

// ---------------------------------------------------------------- one-time codes

/// Stores the hashes of freshly issued codes of `community` for `campaign`.
pub async fn insert_codes(
    conn: &impl ConnectionTrait,
    campaign: i64,
    community: i64,
    hashes: &[String],
    issued_by: i64,
    now: i64,
) -> Result<(), StoreError> {
    if hashes.is_empty() {
        return Ok(());
    }
    satisfaction_code::Entity::insert_many(hashes.iter().map(|h| satisfaction_code::ActiveModel {
        campaign_id: Set(campaign),
        community_node_id: Set(community),
        code_hash: Set(h.clone()),
        issued_by: Set(issued_by),
        issued_at: Set(now),
        used_on: Set(None),
        ..Default::default()
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The code whose hash is `hash`, if any.
pub async fn code_by_hash(
    conn: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<satisfaction_code::Model>, StoreError> {
    Ok(satisfaction_code::Entity::find()
        .filter(satisfaction_code::Column::CodeHash.eq(hash))
        .one(conn)
        .await?)
}

/// Marks code `id` used on `day` unless it already is; `false` when another use came first.
pub async fn use_code(conn: &impl ConnectionTrait, id: i64, day: &str) -> Result<bool, StoreError> {
    let r = satisfaction_code::Entity::update_many()
        .col_expr(satisfaction_code::Column::UsedOn, Expr::value(day))
        .filter(satisfaction_code::Column::Id.eq(id))
        .filter(satisfaction_code::Column::UsedOn.is_null())
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Issued and used codes of one community of a campaign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodeCount {
    pub community_node_id: i64,
    pub issued: i64,
    pub used: i64,
}

/// Issued and used codes per community of `campaign`, by community id.
pub async fn code_counts(
    conn: &impl ConnectionTrait,
    campaign: i64,
) -> Result<Vec<CodeCount>, StoreError> {
    let rows: Vec<(i64, i64, i64)> = satisfaction_code::Entity::find()
        .select_only()
        .column(satisfaction_code::Column::CommunityNodeId)
        .expr(Func::count(Expr::col(satisfaction_code::Column::Id)))
        .expr(Func::count(Expr::col(satisfaction_code::Column::UsedOn)))
        .filter(satisfaction_code::Column::CampaignId.eq(campaign))
        .group_by(satisfaction_code::Column::CommunityNodeId)
        .order_by_asc(satisfaction_code::Column::CommunityNodeId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(community_node_id, issued, used)| CodeCount {
            community_node_id,
            issued,
            used,
        })
        .collect())
}

/// A satisfaction response, without who gave it.
pub struct NewResponse<'a> {
    pub campaign: i64,
    pub community: i64,
    /// JSON array of rating codes, one per question.
    pub ratings: &'a str,
    pub comment: Option<&'a str>,
    pub low: bool,
    pub answered_on: &'a str,
}

/// Inserts a satisfaction response inside the caller's transaction.
pub async fn insert_response(
    conn: &impl ConnectionTrait,
    r: &NewResponse<'_>,
) -> Result<(), StoreError> {
    comprehensive_response::ActiveModel {
        campaign_id: Set(r.campaign),
        community_node_id: Set(r.community),
        ratings: Set(r.ratings.to_owned()),
        comment: Set(r.comment.map(str::to_owned)),
        low: Set(r.low),
        answered_on: Set(r.answered_on.to_owned()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// One community's indicator scores as the district enters them.
pub struct Scored<'a> {
    pub campaign: i64,
    pub community: i64,
    /// The indicators entered (a blank clears its score).
    pub indicators: &'a [i32],
    /// (indicator, score in hundredths) of those given a score.
    pub scores: &'a [(i32, i32)],
    pub by: i64,
    pub now: i64,
}

/// Replaces the scores of `s.indicators` of one community with `s.scores`, inside the
/// caller's transaction.
pub async fn replace_scores(conn: &impl ConnectionTrait, s: &Scored<'_>) -> Result<(), StoreError> {
    comprehensive_score::Entity::delete_many()
        .filter(comprehensive_score::Column::CampaignId.eq(s.campaign))
        .filter(comprehensive_score::Column::CommunityNodeId.eq(s.community))
        .filter(comprehensive_score::Column::Indicator.is_in(s.indicators.iter().copied()))
        .exec(conn)
        .await?;
    if s.scores.is_empty() {
        return Ok(());
    }
    comprehensive_score::Entity::insert_many(s.scores.iter().map(|(no, v)| {
        comprehensive_score::ActiveModel {
            campaign_id: Set(s.campaign),
            community_node_id: Set(s.community),
            indicator: Set(*no),
            score: Set(*v),
            scored_by: Set(s.by),
            scored_at: Set(s.now),
        }
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- appeals

/// The appeals of a campaign, by id.
pub async fn appeals_of(
    conn: &impl ConnectionTrait,
    campaign: i64,
) -> Result<Vec<comprehensive_appeal::Model>, StoreError> {
    Ok(comprehensive_appeal::Entity::find()
        .filter(comprehensive_appeal::Column::CampaignId.eq(campaign))
        .order_by_asc(comprehensive_appeal::Column::Id)
        .all(conn)
        .await?)
}

/// The evidence files of the appeals `ids` without their content: (id, appeal id, file name,
/// content type, size), by id.
pub async fn appeal_evidence_of(
    conn: &impl ConnectionTrait,
    appeals: Vec<i64>,
) -> Result<Vec<EvidenceRow>, StoreError> {
    Ok(comprehensive_appeal_evidence::Entity::find()
        .select_only()
        .column(comprehensive_appeal_evidence::Column::Id)
        .column(comprehensive_appeal_evidence::Column::AppealId)
        .column(comprehensive_appeal_evidence::Column::FileName)
        .column(comprehensive_appeal_evidence::Column::ContentType)
        .column(comprehensive_appeal_evidence::Column::SizeBytes)
        .filter(comprehensive_appeal_evidence::Column::AppealId.is_in(appeals))
        .order_by_asc(comprehensive_appeal_evidence::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// How many appeals of a community in a campaign are in state `status`.
pub async fn appeals_in_state(
    conn: &impl ConnectionTrait,
    campaign: i64,
    community: i64,
    status: &str,
) -> Result<u64, StoreError> {
    Ok(comprehensive_appeal::Entity::find()
        .filter(comprehensive_appeal::Column::CampaignId.eq(campaign))
        .filter(comprehensive_appeal::Column::CommunityNodeId.eq(community))
        .filter(comprehensive_appeal::Column::Status.eq(status))
        .count(conn)
        .await?)
}

/// An appeal as filed.
pub struct NewAppeal<'a> {
    pub campaign: i64,
    pub community: i64,
    pub reason: &'a str,
    pub status: &'a str,
    pub by: i64,
    pub now: i64,
    pub filed_on: &'a str,
}

/// Files an appeal inside the caller's transaction; its id.
pub async fn insert_appeal(
    conn: &impl ConnectionTrait,
    a: &NewAppeal<'_>,
) -> Result<i64, StoreError> {
    let row = comprehensive_appeal::ActiveModel {
        campaign_id: Set(a.campaign),
        community_node_id: Set(a.community),
        reason: Set(a.reason.to_owned()),
        status: Set(a.status.to_owned()),
        filed_by: Set(a.by),
        filed_at: Set(a.now),
        filed_on: Set(a.filed_on.to_owned()),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        old_total: Set(None),
        new_total: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Stores an evidence file of appeal `appeal` inside the caller's transaction.
pub async fn insert_appeal_evidence(
    conn: &impl ConnectionTrait,
    appeal: i64,
    e: &NewEvidence<'_>,
) -> Result<(), StoreError> {
    comprehensive_appeal_evidence::ActiveModel {
        appeal_id: Set(appeal),
        file_name: Set(e.file_name.to_owned()),
        content_type: Set(e.content_type.to_owned()),
        size_bytes: Set(i64::try_from(e.content.len()).unwrap_or(i64::MAX)),
        sm3: Set(e.sm3.to_owned()),
        content: Set(e.content.to_vec()),
        created_by: Set(e.by),
        created_at: Set(e.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// One appeal.
pub async fn appeal(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<comprehensive_appeal::Model>, StoreError> {
    Ok(comprehensive_appeal::Entity::find_by_id(id)
        .one(conn)
        .await?)
}

/// One evidence file of an appeal, with its content.
pub async fn appeal_evidence(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<comprehensive_appeal_evidence::Model>, StoreError> {
    Ok(comprehensive_appeal_evidence::Entity::find_by_id(id)
        .one(conn)
        .await?)
}

/// The district's answer to an appeal.
pub struct Answered<'a> {
    pub status: &'a str,
    pub answer: &'a str,
    pub by: i64,
    pub now: i64,
    pub old_total: Option<&'a str>,
    pub new_total: Option<&'a str>,
}

/// Answers appeal `id` while it is in state `from`; `false` when it no longer was.
pub async fn answer_appeal(
    conn: &impl ConnectionTrait,
    id: i64,
    from: &str,
    a: &Answered<'_>,
) -> Result<bool, StoreError> {
    let done = comprehensive_appeal::Entity::update_many()
        .col_expr(comprehensive_appeal::Column::Status, Expr::value(a.status))
        .col_expr(comprehensive_appeal::Column::Answer, Expr::value(a.answer))
        .col_expr(comprehensive_appeal::Column::AnsweredBy, Expr::value(a.by))
        .col_expr(comprehensive_appeal::Column::AnsweredAt, Expr::value(a.now))
        .col_expr(
            comprehensive_appeal::Column::OldTotal,
            Expr::value(a.old_total.map(str::to_owned)),
        )
        .col_expr(
            comprehensive_appeal::Column::NewTotal,
            Expr::value(a.new_total.map(str::to_owned)),
        )
        .filter(comprehensive_appeal::Column::Id.eq(id))
        .filter(comprehensive_appeal::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Every appeal in state `status`, by campaign.
pub async fn appeals_in(
    conn: &impl ConnectionTrait,
    status: &str,
) -> Result<Vec<comprehensive_appeal::Model>, StoreError> {
    Ok(comprehensive_appeal::Entity::find()
        .filter(comprehensive_appeal::Column::Status.eq(status))
        .order_by_asc(comprehensive_appeal::Column::CampaignId)
        .all(conn)
        .await?)
}

/// The appeals of `communities` no longer in state `open` answered since `since` (ms), newest
/// first.
pub async fn answered_appeals(
    conn: &impl ConnectionTrait,
    open: &str,
    communities: &[i64],
    since: i64,
) -> Result<Vec<comprehensive_appeal::Model>, StoreError> {
    Ok(comprehensive_appeal::Entity::find()
        .filter(comprehensive_appeal::Column::Status.ne(open))
        .filter(comprehensive_appeal::Column::CommunityNodeId.is_in(communities.iter().copied()))
        .filter(comprehensive_appeal::Column::AnsweredAt.gte(since))
        .order_by_desc(comprehensive_appeal::Column::AnsweredAt)
        .all(conn)
        .await?)
}
