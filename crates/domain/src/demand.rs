//! Demands (事项) and their admission (准入): the one lifecycle every kind of demand goes
//! through — draft → submitted → (rules) → admitted | rejected → expired | revoked — with
//! admission numbers, public lookup, community refusal reports and the burden ledger.
//!
//! A work item that a law, regulation or rule clearly provides for needs no approval (4.2-4);
//! it enters the list (清单管理, 4.2-2) by registration (备案) instead: draft → for_registration
//! → admitted (the list keeper of its level, 民政, checked the cited article and gave the
//! number) | back to draft (returned: the article does not exist or does not apply).
//!
//! The lifecycle is generic over the kind; a kind adds its details (a JSON column), its form
//! fields and its rules (a function in the rules crate). The first kind is the work item
//! (工作事项, clause 4.2).

use crate::text;
use std::collections::HashMap;

use jianfu_rules::{Decision, Outcome};
use jianfu_store::entity::{demand, node, supervision_case};
use jianfu_store::repo::demands::{self as repo, BurdenBy};
use jianfu_store::repo::{cases, tree};
use serde::{Deserialize, Serialize};

use crate::admission::AdmissionNumber;
use crate::authz::{self, Action, Principal, Role, Scope, Target, authorize};
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::inbox::{PER_PROVIDER, TodoFuture, TodoItem, TodoProvider};
use crate::page::{Page, PageRequest};
use crate::supervision::CaseVisibility;
use crate::timeline::Annotation;
pub use crate::timeline::TimelineEntry;
use crate::tree::NodeView;
use crate::{App, Ctx};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    /// 工作事项 (4.2), placed by a department on communities.
    WorkItem,
    /// 临时加挂牌子 (4.1-5), requested by a street or town, approved by the staffing office.
    TemporaryPlaque,
    /// A department's requirement that communities set up an agency, venue, post or plaque
    /// (4.4-3).
    AgencyRequirement,
    /// A department's requirement that communities issue a certificate (4.5-4).
    CertificateDemand,
    /// A department's 达标, 检查, 评比, 示范创建 or 督查 activity aimed at communities (4.3).
    Evaluation,
    /// A department's report form communities or villages fill (填表报数, 4.8-3, 4.9).
    Form,
}

impl DemandKind {
    pub const ALL: [DemandKind; 6] = [
        Self::WorkItem,
        Self::TemporaryPlaque,
        Self::AgencyRequirement,
        Self::CertificateDemand,
        Self::Evaluation,
        Self::Form,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkItem => "work_item",
            Self::TemporaryPlaque => "temporary_plaque",
            Self::AgencyRequirement => "agency_requirement",
            Self::CertificateDemand => "certificate_demand",
            Self::Evaluation => "evaluation",
            Self::Form => "form",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::WorkItem => "工作事项",
            Self::TemporaryPlaque => "临时加挂牌子",
            Self::AgencyRequirement => "机构场所人员要求",
            Self::CertificateDemand => "出具证明要求",
            Self::Evaluation => "考核评比",
            Self::Form => "报表",
        }
    }
    /// Who admits a demand of this kind and level, the action they take, and their name.
    pub fn authority(self, level: Level) -> (Role, Action, &'static str) {
        match self {
            Self::TemporaryPlaque => (
                Role::StaffingOffice,
                Action::ApproveTemporaryPlaque,
                "区(市、县)编制部门",
            ),
            Self::WorkItem
            | Self::AgencyRequirement
            | Self::CertificateDemand
            | Self::Evaluation
            | Self::Form => {
                let (role, action) = level.authority();
                (role, action, level.authority_zh())
            }
        }
    }

    /// The clauses an admission of this kind applies.
    pub fn admission_clauses(self) -> Vec<jianfu_rules::ClauseId> {
        match self {
            Self::WorkItem => vec![
                jianfu_rules::clause!("4.2-2"),
                jianfu_rules::clause!("4.2-4"),
            ],
            Self::TemporaryPlaque => vec![jianfu_rules::clause!("4.1-5")],
            Self::AgencyRequirement => vec![jianfu_rules::clause!("4.4-3")],
            Self::CertificateDemand => vec![jianfu_rules::clause!("4.5-4")],
            Self::Evaluation => vec![
                jianfu_rules::clause!("4.3-2"),
                jianfu_rules::clause!("4.3-5"),
            ],
            Self::Form => vec![
                jianfu_rules::clause!("4.8-3"),
                jianfu_rules::clause!("4.9-4"),
            ],
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "work_item" => Ok(Self::WorkItem),
            "temporary_plaque" => Ok(Self::TemporaryPlaque),
            "agency_requirement" => Ok(Self::AgencyRequirement),
            "certificate_demand" => Ok(Self::CertificateDemand),
            "evaluation" => Ok(Self::Evaluation),
            "form" => Ok(Self::Form),
            _ => Err(DomainError::invalid("demand_kind_unknown", "事项类型无效")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandStatus {
    Draft,
    Submitted,
    /// A work item with a legal basis, waiting for the list keeper's registration (备案,
    /// 4.2-2, 4.2-4). Stored as `for_registration` (the status column holds 16 characters).
    ForRegistration,
    Admitted,
    Rejected,
    Revoked,
    /// Admitted, but its validity ended: derived from the date, never stored, so expiry needs
    /// no background job.
    Expired,
}

impl DemandStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::ForRegistration => "for_registration",
            Self::Admitted => "admitted",
            Self::Rejected => "rejected",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "待审批",
            Self::ForRegistration => "待备案",
            Self::Admitted => "已准入",
            Self::Rejected => "不予准入",
            Self::Revoked => "已撤销",
            Self::Expired => "已过期",
        }
    }
    /// The label of a stored status.
    pub fn stored_label(s: &str) -> &'static str {
        Self::stored(s).label_zh()
    }

    fn stored(s: &str) -> Self {
        match Self::parse(s) {
            Some(Self::Expired) | None => Self::Draft,
            Some(status) => status,
        }
    }

    /// The status its stable text names (`expired` included, for filters), if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    pub const ALL: [Self; 7] = [
        Self::Draft,
        Self::Submitted,
        Self::ForRegistration,
        Self::Admitted,
        Self::Rejected,
        Self::Revoked,
        Self::Expired,
    ];
}

/// Where a supervision case stands (stored as `as_str`): received → verified (or dismissed) →
/// rectifying (the notice is issued) → rectified (an answer awaits review; sent back, it is
/// rectifying again) → accepted → closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Filed (reported or detected), waiting for a supervisor to verify it.
    Open,
    /// A supervisor found the facts true (5.3-2); the notice and rectification follow.
    Verified,
    /// A supervisor found nothing to pursue, with the reason.
    Dismissed,
    /// The rectification notice is issued (or an answer was sent back): the unit must act (5.3-3).
    Rectifying,
    /// The unit answered with its evidence; the supervisor reviews it.
    Rectified,
    /// The supervisor accepted the rectification; closing it is the last step.
    Accepted,
    /// Dealt with.
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        Self::Open,
        Self::Verified,
        Self::Dismissed,
        Self::Rectifying,
        Self::Rectified,
        Self::Accepted,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Verified => "verified",
            Self::Dismissed => "dismissed",
            Self::Rectifying => "rectifying",
            Self::Rectified => "rectified",
            Self::Accepted => "accepted",
            Self::Closed => "closed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "待核实",
            Self::Verified => "已核实",
            Self::Dismissed => "不予立案",
            Self::Rectifying => "整改中",
            Self::Rectified => "已整改（待验收）",
            Self::Accepted => "已验收",
            Self::Closed => "已办结",
        }
    }
    /// The badge class of the state: waiting on someone (`warn`), finished (`ok`), dropped.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Open | Self::Rectifying | Self::Rectified => "warn",
            Self::Dismissed => "muted",
            Self::Verified | Self::Accepted | Self::Closed => "ok",
        }
    }
    /// The status of a stored row (an unknown text reads as closed).
    pub fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or(Self::Closed)
    }
    /// The status a filter names, `None` for anything else (no filter).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Level of the requesting department: the rules' own type, stored as `as_str`.
pub use jianfu_rules::work_item::Level;

/// A demand's level as stored (the column holds [`Level::as_str`]).
fn stored_level(s: &str) -> Result<Level> {
    Level::parse(s).ok_or_else(DomainError::internal)
}

/// Who acts for a department's level: the authority that admits its demands (4.2-4) and the
/// keeper of its work-item list (4.2-2).
pub trait LevelRoles {
    /// The role that admits demands of this level (4.2-4) and the action it takes.
    fn authority(self) -> (Role, Action);
    fn authority_zh(self) -> &'static str;
    /// Who keeps the work-item list of this level and registers (备案) the items a law provides
    /// for (4.2-2, 4.2-4): the civil-affairs department of the city or district, through its
    /// supervisor role.
    fn keeper_zh(self) -> &'static str;
}

impl LevelRoles for Level {
    fn authority(self) -> (Role, Action) {
        match self {
            Self::City => (Role::CityApprover, Action::AdmitCityDemand),
            Self::District => (Role::DistrictApprover, Action::AdmitDistrictDemand),
        }
    }
    fn authority_zh(self) -> &'static str {
        match self {
            Self::City => "市委、市政府",
            Self::District => "区(市、县)党(工)委、政府(管委会)",
        }
    }
    fn keeper_zh(self) -> &'static str {
        match self {
            Self::City => "市民政局",
            Self::District => "区(市、县)民政局",
        }
    }
}

/// Where the rules send a submitted work item: refused; registered by the list keeper when a
/// law, regulation or rule provides for it (4.2-4 exempts it from approval; it enters the list,
/// 4.2-2); otherwise approved by the Party committee and government of its level (4.2-4).
pub fn route_of(outcome: Outcome, has_legal_basis: bool) -> DemandStatus {
    match outcome {
        Outcome::Reject => DemandStatus::Rejected,
        Outcome::Allow if has_legal_basis => DemandStatus::ForRegistration,
        _ => DemandStatus::Submitted,
    }
}

/// Why a keeper sends a work item back instead of registering it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnGround {
    /// The cited article exists but does not provide for this item.
    BasisNotApplicable,
    /// The cited law, regulation or rule has no such article.
    ArticleNotFound,
}

impl ReturnGround {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim() {
            "basis_not_applicable" => Ok(Self::BasisNotApplicable),
            "article_not_found" => Ok(Self::ArticleNotFound),
            _ => Err(DomainError::field(
                "ground",
                "return_ground_invalid",
                "请选择退回理由：所引条款不适用（basis_not_applicable）或查无所引条款（article_not_found）",
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BasisNotApplicable => "basis_not_applicable",
            Self::ArticleNotFound => "article_not_found",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::BasisNotApplicable => "所引条款不适用于该事项",
            Self::ArticleNotFound => "查无所引条款",
        }
    }
}

/// The keeper's registration (备案) of a work item, or its return, as the decision records it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegistrationView {
    /// `registered` or `returned`.
    pub outcome: String,
    /// The keeper, e.g. 区(市、县)民政局 · 铁东区.
    pub keeper: String,
    /// Display name of the person who registered or returned it.
    pub by: String,
    pub at: String,
    /// A return's ground (`basis_not_applicable`, `article_not_found`) and its words.
    pub ground: Option<String>,
    pub ground_zh: Option<String>,
    /// The keeper's opinion (registration) or reason (return).
    pub note: Option<String>,
    pub clauses: Vec<String>,
}

/// The work item's own fields (the `details` JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItemDetails {
    pub category: String,
    /// `responsible` (责任主体) or `assisting` (协助).
    pub community_role: String,
    pub within_own_duty: bool,
    pub public_interest: bool,
    pub professional: bool,
    pub technical: bool,
    /// `scope` (all communities of the district / city), `streets` or `communities`.
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

/// What the draft form (or the API, or an import row) sends. Numbers arrive as text so that
/// bad input gets a Chinese message next to its field rather than a parser's complaint.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DemandForm {
    pub requester_node_id: i64,
    pub title: String,
    pub description: String,
    pub category: String,
    pub community_role: String,
    #[serde(deserialize_with = "crate::form::flag")]
    pub within_own_duty: bool,
    pub legal_basis_kind: String,
    pub legal_basis_title: String,
    pub legal_basis_article: String,
    pub funding_yuan: String,
    pub funding_source: String,
    #[serde(deserialize_with = "crate::form::flag")]
    pub public_interest: bool,
    #[serde(deserialize_with = "crate::form::flag")]
    pub professional: bool,
    #[serde(deserialize_with = "crate::form::flag")]
    pub technical: bool,
    pub minutes_per_occurrence: String,
    pub occurrences_per_year: String,
    pub period_start: String,
    pub period_end: String,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

/// A reviewer's recorded overrule of banned-wording findings (4.2-6).
#[derive(Clone, Debug, Serialize)]
pub struct WordingOverrule {
    /// The findings judged false, with the words they matched.
    pub findings: Vec<ReasonView>,
    pub reason: String,
    /// Display name of the reviewer.
    pub overruled_by: String,
    pub overruled_at: String,
}

/// The clean, validated draft.
#[derive(Clone, Debug)]
struct Draft {
    requester: NodeView,
    level: Level,
    scope: NodeView,
    title: String,
    description: String,
    details: WorkItemDetails,
    legal_basis: Option<(String, String, String)>,
    funding: Option<(i64, String)>,
    minutes: i32,
    occurrences: i32,
    period_start: chrono::NaiveDate,
    period_end: chrono::NaiveDate,
    targets: Vec<i64>,
}

impl Draft {
    /// What the draft writes into its row.
    fn content(&self) -> Result<repo::Content> {
        Ok(repo::Content {
            title: self.title.clone(),
            description: self.description.clone(),
            details: serde_json::to_string(&self.details).map_err(|_| DomainError::internal())?,
            legal_basis_kind: self.legal_basis.as_ref().map(|l| l.0.clone()),
            legal_basis_title: self.legal_basis.as_ref().map(|l| l.1.clone()),
            legal_basis_article: self.legal_basis.as_ref().map(|l| l.2.clone()),
            funding_fen: self.funding.as_ref().map(|f| f.0),
            funding_source: self.funding.as_ref().map(|f| f.1.clone()),
            minutes_per_occurrence: self.minutes,
            occurrences_per_year: self.occurrences,
            period_start: self.period_start.to_string(),
            period_end: self.period_end.to_string(),
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReasonView {
    pub clause: String,
    pub code: String,
    pub message: String,
}

impl ReasonView {
    /// A rule's reason as pages and stored findings show it.
    pub fn of(r: &jianfu_rules::Reason) -> Self {
        Self {
            clause: r.clause.as_str().to_owned(),
            code: r.code.to_owned(),
            message: r.message.to_string(),
        }
    }

    /// The reason as a case stores its finding (JSON).
    pub(crate) fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|_| DomainError::internal())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DecisionView {
    pub outcome: String,
    pub clauses: Vec<String>,
    pub reasons: Vec<ReasonView>,
    /// The list keeper's registration or return (work items with a legal basis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<RegistrationView>,
}

impl DecisionView {
    pub fn outcome_zh(&self) -> &'static str {
        match self.outcome.as_str() {
            "allow" => "符合准入条件",
            "needs_approval" => "须报请审批",
            _ => "不予准入",
        }
    }
    pub fn from_decision(d: &Decision) -> Self {
        Self {
            outcome: match d.outcome {
                Outcome::Allow => "allow",
                Outcome::NeedsApproval => "needs_approval",
                Outcome::Reject => "reject",
            }
            .to_owned(),
            clauses: d.clauses.iter().map(|c| c.as_str().to_owned()).collect(),
            reasons: d.reasons.iter().map(ReasonView::of).collect(),
            registration: None,
        }
    }
}

/// What a caller may do next with one demand ([`App::demand_moves`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemandMoves {
    /// Edit the draft (its own department).
    pub edit: bool,
    /// Admit or reject it (the authority of its level and place, 4.2-4).
    pub review: bool,
    /// Revoke the admitted item (4.2-6).
    pub revoke: bool,
    /// Register it (备案, the list keeper of its level, 4.2-2).
    pub register: bool,
    /// Overrule a rejection that rests on wordings alone.
    pub overrule: bool,
    /// Read the communities' returns of the admitted report form (its own department, 4.9-2).
    pub returns: bool,
}

/// A demand as pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct DemandView {
    pub id: i64,
    pub kind: DemandKind,
    pub kind_zh: &'static str,
    pub title: String,
    pub description: String,
    pub requester_node_id: i64,
    pub requester_name: String,
    pub level: Level,
    pub level_zh: &'static str,
    pub scope_node_id: i64,
    pub scope_name: String,
    pub status: DemandStatus,
    pub status_zh: &'static str,
    pub details: WorkItemDetails,
    /// The temporary plaque's own fields (kind `temporary_plaque`).
    pub temporary_plaque: Option<crate::demand_kinds::TemporaryPlaqueDetails>,
    /// The agency requirement's own fields (kind `agency_requirement`).
    pub agency: Option<crate::demand_kinds::AgencyDetails>,
    /// The certificate demand's own fields (kind `certificate_demand`).
    pub certificate: Option<crate::demand_kinds::CertificateDemandDetails>,
    /// The evaluation's own fields (kind `evaluation`).
    pub evaluation: Option<crate::evaluation::EvaluationDetails>,
    /// The report form's own fields (kind `form`).
    pub report_form: Option<crate::report_form::ReportFormDetails>,
    pub category_name: String,
    pub legal_basis_kind: Option<String>,
    pub legal_basis_title: Option<String>,
    pub legal_basis_article: Option<String>,
    pub funding_fen: Option<i64>,
    pub funding_source: Option<String>,
    pub minutes_per_occurrence: i32,
    pub occurrences_per_year: i32,
    /// Standard Cost Model hours per target community per year.
    pub hours_per_community: f64,
    pub total_hours: f64,
    pub period_start: String,
    pub period_end: String,
    pub decision: Option<DecisionView>,
    /// Who admits it: the approving authority, or for a work item with a legal basis the list
    /// keeper who registers it (备案机关, see `by_registration`).
    pub authority_zh: &'static str,
    /// The demand goes (or went) through registration (备案) by the list keeper rather than
    /// approval (4.2-4).
    pub by_registration: bool,
    pub admission_number: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub review_note: Option<String>,
    pub revoke_reason: Option<String>,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub targets: Vec<(i64, String)>,
    /// A reviewer's overrule of banned-wording findings (4.2-6), when one was made.
    pub wording_overrule: Option<WordingOverrule>,
}

impl DemandView {
    pub fn funding_text(&self) -> String {
        match self.funding_fen {
            Some(f) => format!("{}.{:02} 元", f / 100, f % 100),
            None => "—".to_owned(),
        }
    }
}

/// What the public lookup says of an admission number (its validity is a date, so it is worked
/// out on the day, never stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupState {
    Valid,
    NotYetValid,
    Expired,
    Revoked,
    Unknown,
}

impl LookupState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::NotYetValid => "not_yet_valid",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Unknown => "unknown",
        }
    }
    /// The sentence the lookup page shows.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Valid => "有效：该事项已经准入",
            Self::NotYetValid => "尚未生效：准入有效期尚未开始",
            Self::Expired => "已过期：准入有效期已届满",
            Self::Revoked => "已撤销：该事项已被撤销或终止，社区(村)不再承担",
            Self::Unknown => "查无此号：该编号未经准入，社区(村)可拒绝承接并举报",
        }
    }
}

/// What anyone sees when looking up an admission number.
#[derive(Clone, Debug, Serialize)]
pub struct LookupResult {
    pub number: String,
    /// `valid`, `not_yet_valid`, `expired`, `revoked` or `unknown`.
    pub state: &'static str,
    pub state_zh: &'static str,
    pub title: Option<String>,
    pub kind_zh: Option<&'static str>,
    pub requester_name: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub revoke_reason: Option<String>,
    pub target_count: usize,
    /// The first targets by name (all when few).
    pub targets: Vec<String>,
    pub hours_per_community: Option<f64>,
    pub clauses: Vec<String>,
    /// A report form's statistics-law corner (表号, 制定机关, 批准文号, 有效期限).
    pub form_corner: Option<crate::report_form::FormCorner>,
}

/// Filters of the demand list.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DemandFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    /// [`DemandKind::as_str`]; empty: every kind.
    pub kind: Option<String>,
    /// A year whose days the demand's period touches (an annual plan: the admitted
    /// evaluations of a year); empty: any.
    pub year: Option<String>,
}

/// A community's refusal report of a demand without a valid admission number.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub community_id: i64,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: String,
}

/// The case list's filter: a state (`CaseStatus::as_str`), `overdue` (整改中 past the notice's
/// due day, escalated or not), or empty for every case.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CaseFilter {
    pub status: String,
}

/// The case list's filter value for overdue rectifications (not a state of its own).
pub const CASE_FILTER_OVERDUE: &str = "overdue";

#[derive(Clone, Debug, Serialize)]
pub struct CaseView {
    pub id: i64,
    pub kind_zh: &'static str,
    pub status: CaseStatus,
    pub community_id: i64,
    pub community_name: String,
    pub reporter: String,
    /// The reader is the unit the case is about (its notice names it): who reported the case
    /// is not shown to it (`reporter` is empty).
    pub reporter_hidden: bool,
    /// Where the case came from.
    pub source: crate::supervision::CaseSource,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: Option<String>,
    pub finding: ReasonView,
    pub created_at: i64,
    /// Where the case leads: the plaque for a plaque case, the unit's published list otherwise.
    pub link: String,
    /// 逾期: the notice's due day has passed while the case is 整改中.
    pub overdue: bool,
    /// 已上报: the overdue rectification was escalated to the next level's supervisors.
    pub escalated: bool,
    /// The node it was escalated to (the city), empty until then.
    pub escalated_to: String,
}

/// One row of the burden ledger.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LedgerRow {
    pub node_id: i64,
    pub name: String,
    /// The street/town (for communities) or the level (for departments).
    pub parent: String,
    pub demands: i64,
    pub hours_per_year: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Ledger {
    pub scope: NodeView,
    pub by_community: Vec<LedgerRow>,
    pub by_department: Vec<LedgerRow>,
    pub total_hours: f64,
    pub as_of: String,
}

const MAX_MINUTES: i64 = 2400;
const MAX_OCCURRENCES: i64 = 366;
const MAX_FUNDING_YUAN: i64 = 10_000_000_000;

pub(crate) fn parse_date(s: &str, field: &'static str) -> Result<chrono::NaiveDate> {
    parse_named_date(s, field, "日期")
}

/// [`parse_date`] for a field whose name the message says (`开始日期`).
pub(crate) fn parse_named_date(
    s: &str,
    field: &'static str,
    label: &str,
) -> Result<chrono::NaiveDate> {
    let message = if s.trim().is_empty() {
        format!("请填写{label}（YYYY-MM-DD）")
    } else {
        format!("{label}格式应为 YYYY-MM-DD")
    };
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::field(field, "date_invalid", message))
}

fn parse_int(s: &str, field: &'static str, label: &str, max: i64) -> Result<i32> {
    let n: i64 = s.trim().parse().map_err(|_| {
        let message = if s.trim().is_empty() {
            format!("请填写{label}")
        } else {
            format!("{label}应为整数")
        };
        DomainError::field(field, "burden_invalid", message)
    })?;
    if n < 1 || n > max {
        return Err(DomainError::field(
            field,
            "burden_out_of_range",
            format!("{label}应在 1–{max} 之间"),
        ));
    }
    Ok(n as i32)
}

/// Yuan as typed ("1200", "1,200.50") to fen.
pub fn parse_yuan(s: &str) -> Result<Option<i64>> {
    let t = s.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        DomainError::field(
            "funding_yuan",
            "funding_invalid",
            "经费金额应为不小于 0 的数字，最多两位小数",
        )
    };
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t.as_str(), ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let yuan: i64 = int.parse().map_err(|_| bad())?;
    if yuan > MAX_FUNDING_YUAN {
        return Err(DomainError::field(
            "funding_yuan",
            "funding_invalid",
            "经费金额过大，请核对",
        ));
    }
    let fen: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    Ok(Some(yuan * 100 + fen))
}

/// Who sees which demands, from the authorization table ([`authz::visible`],
/// [`authz::own_units`]). One value answers a single demand ([`DemandVisibility::admits`]) and
/// becomes the list's SQL ([`DemandVisibility::stored`], `repo::demands::Visible`), so the
/// list shows exactly the demands a direct fetch allows.
pub(crate) struct DemandVisibility {
    /// The units the caller drafts or requests for: their demands, in any state.
    own: Vec<i64>,
    /// Every demand submitted in these jurisdictions (the authorities and supervisors).
    reviewing: Scope,
    /// Temporary plaque requests submitted in these jurisdictions (the staffing offices, 4.1-5).
    approving_plaques: Scope,
    /// Admitted demands (and those expired or revoked since) placed on a community in these
    /// subtrees.
    placed: Scope,
}

/// What decides whether a demand is visible: who requested it, its kind and state, the
/// jurisdiction it belongs to and the communities it is placed on.
pub(crate) struct DemandPlace<'a> {
    pub requester_node_id: i64,
    pub kind: DemandKind,
    pub status: DemandStatus,
    pub scope_path: &'a str,
    pub target_paths: &'a [String],
}

impl DemandVisibility {
    pub(crate) fn of(p: &Principal) -> Self {
        let mut own = authz::own_units(p, Action::DraftDemand);
        own.extend(authz::own_units(p, Action::RequestTemporaryPlaque));
        Self {
            own,
            reviewing: authz::visible(p, Action::ReviewDemands),
            approving_plaques: authz::visible(p, Action::ApproveTemporaryPlaque),
            placed: authz::visible(p, Action::ViewDemands),
        }
    }

    /// Whether the demand is visible.
    pub(crate) fn admits(&self, d: &DemandPlace<'_>) -> bool {
        if self.own.contains(&d.requester_node_id) {
            return true;
        }
        if d.status == DemandStatus::Draft {
            return false;
        }
        self.reviewing.covers(d.scope_path)
            || (d.kind == DemandKind::TemporaryPlaque
                && self.approving_plaques.covers(d.scope_path))
            || (matches!(
                d.status,
                DemandStatus::Admitted | DemandStatus::Expired | DemandStatus::Revoked
            ) && d.target_paths.iter().any(|t| self.placed.covers(t)))
    }

    /// The same, as the repository turns it into SQL (expired demands are stored as admitted).
    pub(crate) fn stored(self) -> repo::Visible<'static> {
        repo::Visible {
            own: self.own,
            reviewing: self.reviewing,
            approving_plaques: self.approving_plaques,
            placed: self.placed,
            draft: DemandStatus::Draft.as_str(),
            plaque_kind: DemandKind::TemporaryPlaque.as_str(),
            placed_states: vec![
                DemandStatus::Admitted.as_str(),
                DemandStatus::Revoked.as_str(),
            ],
        }
    }
}

use crate::clock::rules_date;
use chrono::NaiveDate;

/// The demand module's to-dos: decisions waiting for the caller (admission 4.2-4, registration
/// 4.2-2, a temporary plaque 4.1-5), the caller's own drafts (a returned one says so), and its
/// admitted items whose validity ends within [`EXPIRY_NOTICE_DAYS`].
pub(crate) struct DemandTodos;

/// How long before the end of its validity a department is reminded of an admitted item.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

impl TodoProvider for DemandTodos {
    fn items<'a>(&'a self, app: &'a App, ctx: &'a Ctx, today: NaiveDate) -> TodoFuture<'a> {
        Box::pin(app.demand_todos(ctx, today))
    }
}

/// The kind of a case that reports a demand made without admission (4.2-5), whoever reports it.
pub(crate) const UNADMITTED_KIND: &str = "unadmitted_demand";

/// What a case is about, in Chinese, from its stored kind.
pub(crate) fn case_kind_zh(kind: &str) -> &'static str {
    if let Some(zh) = crate::monitoring::case_kind_zh(kind) {
        return zh;
    }
    if let Some(zh) = crate::detection::case_kind_zh(kind) {
        return zh;
    }
    match kind {
        "temporary_plaque_overdue" => "临时挂牌逾期未清理",
        _ => "未经准入事项",
    }
}

/// The supervisors' to-dos: cases of their jurisdiction to verify, rectifications to review
/// (待验收) and accepted cases to close (4.2-5, 5.3).
pub(crate) struct CaseTodos;

impl TodoProvider for CaseTodos {
    fn items<'a>(&'a self, app: &'a App, ctx: &'a Ctx, _today: NaiveDate) -> TodoFuture<'a> {
        Box::pin(app.case_todos(ctx))
    }
}

/// Runs the kind's rules on a validated draft. The one place that dispatches on the kind.
fn rule(d: &Draft, on: chrono::NaiveDate) -> Result<Decision> {
    let text = [d.title.as_str(), d.description.as_str()].join("\n");
    rule_of(
        &RuleInput {
            level: d.level,
            details: &d.details,
            legal_basis: d.legal_basis.as_ref(),
            funding: d.funding.as_ref(),
        },
        Some(&text),
        on,
    )
}

/// What the work-item rules read of a demand, from a draft or from a stored demand.
struct RuleInput<'a> {
    level: Level,
    details: &'a WorkItemDetails,
    legal_basis: Option<&'a (String, String, String)>,
    funding: Option<&'a (i64, String)>,
}

/// The rules of 4.2 on `d`; with `text` (title and description) also its banned wordings.
fn rule_of(d: &RuleInput<'_>, text: Option<&str>, on: chrono::NaiveDate) -> Result<Decision> {
    use jianfu_rules as r;
    let lists = r::Lists::official().map_err(|_| DomainError::internal())?;
    // Both were checked when the draft was saved; anything else in a stored row is a fault.
    let legal_basis = match d.legal_basis {
        Some((k, t, a)) => Some(r::LegalBasis {
            kind: r::LegalBasisKind::parse(k).ok_or_else(DomainError::internal)?,
            title: t,
            article: a,
        }),
        None => None,
    };
    let facts = r::WorkItemFacts {
        level: d.level,
        category: &d.details.category,
        community_role: r::CommunityRole::parse(&d.details.community_role)
            .ok_or_else(DomainError::internal)?,
        within_own_duty: d.details.within_own_duty,
        legal_basis,
        funding: d.funding.map(|(amount_fen, source)| r::Funding {
            amount_fen: *amount_fen,
            source,
        }),
        service: r::ServiceNature {
            public_interest: d.details.public_interest,
            professional: d.details.professional,
            technical: d.details.technical,
        },
    };
    let on = rules_date(on)?;
    Ok(match text {
        Some(text) => r::check_work_item_text(&facts, text, lists, on).decision,
        None => r::check_work_item(&facts, lists, on).decision,
    })
}

impl App {
    /// The department (and its level and scope) a user drafts for.
    pub(crate) async fn requester_for(
        &self,
        ctx: &Ctx,
        requester_node_id: i64,
    ) -> Result<(NodeView, Level, NodeView)> {
        let Some(g) = authz::acting_for(&ctx.principal, Action::DraftDemand, requester_node_id)
        else {
            self.record_denial(ctx, Action::DraftDemand, Some(requester_node_id))
                .await;
            return Err(DomainError::forbidden(
                "只有本部门人员能以本部门名义起草或修改事项",
            ));
        };
        if let Some(e) = ctx.principal.blocked() {
            return Err(e);
        }
        let level = if g.role == Role::CityDepartment {
            Level::City
        } else {
            Level::District
        };
        Ok((
            self.find_node(g.node_id).await?,
            level,
            self.find_node(g.scope_node_id).await?,
        ))
    }

    /// Validates a form into a draft: fields, dates, burden, funding, and targets inside the
    /// requester's jurisdiction.
    async fn validate_draft(&self, ctx: &Ctx, f: &DemandForm) -> Result<Draft> {
        let (requester, level, scope) = self.requester_for(ctx, f.requester_node_id).await?;
        // Every problem of the form at once (issue 16), in the order of its fields.
        let mut problems = crate::Problems::new();
        let title = text::visible(&f.title).to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            problems.push(DomainError::field(
                "title",
                "title_invalid",
                "请填写事项名称（不超过 200 字）",
            ));
        }
        let description = text::visible(&f.description).to_owned();
        if description.chars().count() > 5000 {
            problems.push(DomainError::field(
                "description",
                "description_too_long",
                "事项内容不超过 5000 字",
            ));
        }
        if text::visible(&f.category).is_empty() {
            problems.push(DomainError::field(
                "category",
                "category_required",
                "请选择事项类别",
            ));
        }
        if jianfu_rules::CommunityRole::parse(&f.community_role).is_none() {
            problems.push(DomainError::field(
                "community_role",
                "community_role_invalid",
                "请选择社区(村)在该事项中的角色：责任主体或协助",
            ));
        }
        let legal_basis = match f.legal_basis_kind.trim() {
            "" => {
                if !text::visible(&f.legal_basis_title).is_empty() {
                    problems.push(DomainError::field(
                        "legal_basis_kind",
                        "legal_basis_kind_required",
                        "填写了依据名称，请选择依据类别（法律、法规或规章）",
                    ));
                }
                None
            }
            k if jianfu_rules::LegalBasisKind::parse(k).is_some() => Some((
                k.to_owned(),
                text::visible(&f.legal_basis_title).to_owned(),
                text::visible(&f.legal_basis_article).to_owned(),
            )),
            _ => {
                problems.push(DomainError::field(
                    "legal_basis_kind",
                    "legal_basis_kind_invalid",
                    "依据类别只能是法律、法规或规章",
                ));
                None
            }
        };
        let amount = problems.take(parse_yuan(&f.funding_yuan)).flatten();
        let source = text::visible(&f.funding_source).to_owned();
        if amount.is_some() && source.is_empty() {
            problems.push(DomainError::field(
                "funding_source",
                "funding_source_required",
                "填写了经费金额，请同时写明经费来源渠道（费随事转）",
            ));
        }
        if amount.is_none() && !problems.has("funding_yuan") && !source.is_empty() {
            problems.push(DomainError::field(
                "funding_yuan",
                "funding_amount_required",
                "写明了经费来源，请同时填写金额",
            ));
        }
        let funding = amount.map(|a| (a, source));
        let minutes = problems.take(parse_int(
            &f.minutes_per_occurrence,
            "minutes_per_occurrence",
            "每次耗时（分钟）",
            MAX_MINUTES,
        ));
        let occurrences = problems.take(parse_int(
            &f.occurrences_per_year,
            "occurrences_per_year",
            "每年次数",
            MAX_OCCURRENCES,
        ));
        let period_start = problems.take(parse_named_date(
            &f.period_start,
            "period_start",
            "开始日期",
        ));
        let period_end = problems.take(parse_named_date(&f.period_end, "period_end", "结束日期"));
        if let (Some(start), Some(end)) = (period_start, period_end) {
            if end < start {
                problems.push(DomainError::field(
                    "period_end",
                    "period_end_before_start",
                    "结束日期不能早于开始日期",
                ));
            } else if (end - start).num_days() > 366 * 5 {
                problems.push(DomainError::field(
                    "period_end",
                    "period_too_long",
                    "事项期限最长 5 年",
                ));
            }
        }
        let targets = problems.take(
            self.resolve_targets(ctx, &scope, &f.target_mode, &f.target_ids)
                .await,
        );
        problems.finish()?;
        let (Some(minutes), Some(occurrences), Some(period_start), Some(period_end), Some(targets)) =
            (minutes, occurrences, period_start, period_end, targets)
        else {
            return Err(DomainError::internal());
        };
        Ok(Draft {
            requester,
            level,
            scope,
            title,
            description,
            details: WorkItemDetails {
                category: text::visible(&f.category).to_owned(),
                community_role: f.community_role.clone(),
                within_own_duty: f.within_own_duty,
                public_interest: f.public_interest,
                professional: f.professional,
                technical: f.technical,
                target_mode: f.target_mode.clone(),
                target_ids: f.target_ids.clone(),
            },
            legal_basis,
            funding,
            minutes,
            occurrences,
            period_start,
            period_end,
            targets,
        })
    }

    /// Turns a target choice into community ids. Every target must lie in the requester's
    /// jurisdiction (a district department cannot reach another district's communities).
    pub(crate) async fn resolve_targets(
        &self,
        ctx: &Ctx,
        scope: &NodeView,
        mode: &str,
        ids: &[i64],
    ) -> Result<Vec<i64>> {
        let communities = |nodes: Vec<node::Model>| -> Vec<node::Model> {
            nodes
                .into_iter()
                .filter(|n| NodeKind::parse(&n.kind).is_ok_and(NodeKind::is_community))
                .collect()
        };
        let picked: Vec<node::Model> = match mode {
            "scope" => communities(tree::under_path(self.store.db(), &scope.path).await?),
            "streets" | "communities" => {
                if ids.is_empty() {
                    return Err(DomainError::field(
                        "target_ids",
                        "targets_required",
                        "请选择派发对象",
                    ));
                }
                let chosen = tree::by_ids(self.store.db(), ids.to_vec()).await?;
                if chosen.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
                    return Err(DomainError::field(
                        "target_ids",
                        "target_not_found",
                        "所选派发对象中有不存在的单位",
                    ));
                }
                for n in &chosen {
                    authorize(
                        &ctx.principal,
                        Action::DraftDemand,
                        &Target {
                            node_id: n.id,
                            path: &n.path,
                        },
                    )
                    .map_err(|_| {
                        DomainError::forbidden(format!(
                            "“{}”不在本部门管辖范围内，不能向其派发事项",
                            n.name
                        ))
                    })?;
                    let kind = NodeKind::parse(&n.kind)?;
                    let ok = if mode == "streets" {
                        kind.is_subdistrict()
                    } else {
                        kind.is_community()
                    };
                    if !ok {
                        return Err(DomainError::field(
                            "target_ids",
                            "target_kind_invalid",
                            format!(
                                "“{}”不是{}",
                                n.name,
                                if mode == "streets" {
                                    "街道或乡镇"
                                } else {
                                    "社区或村"
                                }
                            ),
                        ));
                    }
                }
                if mode == "streets" {
                    let mut all = Vec::new();
                    for s in &chosen {
                        all.extend(communities(
                            tree::under_path(self.store.db(), &s.path).await?,
                        ));
                    }
                    all
                } else {
                    chosen
                }
            }
            _ => {
                return Err(DomainError::field(
                    "target_mode",
                    "target_mode_invalid",
                    "请选择派发范围",
                ));
            }
        };
        let mut out: Vec<i64> = picked.iter().map(|n| n.id).collect();
        out.sort_unstable();
        out.dedup();
        if out.is_empty() {
            return Err(DomainError::field(
                "target_ids",
                "targets_empty",
                "所选范围内没有社区或村",
            ));
        }
        Ok(out)
    }

    /// The problems of a work-item form as saving it would report them (every one at once);
    /// `Ok` when it would save. Reopening a stashed form (暂存) shows what is still missing.
    pub async fn check_demand_form(&self, ctx: &Ctx, form: &DemandForm) -> Result<()> {
        self.validate_draft(ctx, form).await.map(|_| ())
    }

    /// Saves a new draft; with `submit`, runs the rules at once.
    pub async fn create_demand(
        &self,
        ctx: &Ctx,
        form: &DemandForm,
        submit: bool,
    ) -> Result<DemandView> {
        let d = self.validate_draft(ctx, form).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let id = repo::insert(
            tx.conn(),
            repo::NewDemand {
                kind: DemandKind::WorkItem.as_str(),
                content: d.content()?,
                requester_node_id: d.requester.id,
                requester_account_id: ctx.principal.account_id,
                level: d.level.as_str(),
                scope_node_id: d.scope.id,
                status: DemandStatus::Draft.as_str(),
                now,
                ..Default::default()
            },
            &d.targets,
        )
        .await?;
        tx.audit(ctx.entry(
            "demand.create",
            "demand",
            Some(id.to_string()),
            serde_json::json!({ "title": d.title, "requester": d.requester.name, "targets": d.targets.len() }),
        ))
        .await?;
        if submit {
            submit_in(&mut tx, ctx, id, &d, now, self.today()).await?;
        }
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// Replaces a draft's content. Only the requesting department, only while a draft.
    pub async fn update_demand(
        &self,
        ctx: &Ctx,
        id: i64,
        form: &DemandForm,
        submit: bool,
    ) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let mut form = form.clone();
        form.requester_node_id = row.requester_node_id;
        let d = self.validate_draft(ctx, &form).await?;
        if row.status != DemandStatus::Draft.as_str() {
            return Err(DomainError::conflict(
                "demand_not_draft",
                "只有草稿可以修改",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        if !repo::replace_draft(
            tx.conn(),
            id,
            DemandStatus::Draft.as_str(),
            d.content()?,
            &d.targets,
            now,
        )
        .await?
        {
            return Err(DomainError::conflict(
                "demand_not_draft",
                "只有草稿可以修改",
            ));
        }
        tx.audit(ctx.entry(
            "demand.update",
            "demand",
            Some(id.to_string()),
            serde_json::json!({ "title": d.title, "targets": d.targets.len() }),
        ))
        .await?;
        if submit {
            submit_in(&mut tx, ctx, id, &d, now, self.today()).await?;
        }
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// Submits a saved draft: the rules decide, the decision (with its clauses) is stored.
    pub async fn submit_demand(&self, ctx: &Ctx, id: i64) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let view = self.demand_view(row.clone()).await?;
        let form = form_of(&view);
        self.update_demand(ctx, id, &form, true).await
    }

    pub(crate) async fn demand_row(&self, id: i64) -> Result<demand::Model> {
        repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("事项"))
    }

    async fn demand_view(&self, row: demand::Model) -> Result<DemandView> {
        let kind = DemandKind::parse(&row.kind)?;
        let details: WorkItemDetails = if kind == DemandKind::WorkItem {
            serde_json::from_str(&row.details).unwrap_or_default()
        } else {
            WorkItemDetails::default()
        };
        // The kind's own fields, for the kind they belong to.
        fn own<T: serde::de::DeserializeOwned>(
            row: &demand::Model,
            kind: DemandKind,
            of: DemandKind,
        ) -> Option<T> {
            (kind == of)
                .then(|| serde_json::from_str(&row.details).ok())
                .flatten()
        }
        let temporary_plaque = own(&row, kind, DemandKind::TemporaryPlaque);
        let agency = own(&row, kind, DemandKind::AgencyRequirement);
        let certificate = own(&row, kind, DemandKind::CertificateDemand);
        let evaluation = own(&row, kind, DemandKind::Evaluation);
        let report_form = own(&row, kind, DemandKind::Form);
        let names: Vec<(i64, String)> = repo::targets(self.store.db(), row.id)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect();
        let requester = self.find_node(row.requester_node_id).await?;
        let scope = self.find_node(row.scope_node_id).await?;
        let level = stored_level(&row.level)?;
        let status = stored_status_on(&row, self.today());
        let category_name = jianfu_rules::Lists::official()
            .ok()
            .and_then(|l| {
                l.categories()
                    .iter()
                    .find(|c| c.key == details.category)
                    .map(|c| c.name.clone())
            })
            .unwrap_or_else(|| details.category.clone());
        let hours =
            f64::from(row.minutes_per_occurrence) * f64::from(row.occurrences_per_year) / 60.0;
        let wording_overrule = if kind == DemandKind::WorkItem {
            self.wording_overrule(row.id).await?
        } else {
            None
        };
        let by_registration = row.authority.as_deref() == Some(Role::Supervisor.as_str());
        Ok(DemandView {
            id: row.id,
            kind,
            kind_zh: kind.label_zh(),
            title: row.title,
            description: row.description,
            requester_node_id: requester.id,
            requester_name: requester.name,
            level,
            level_zh: level.label_zh(),
            scope_node_id: scope.id,
            scope_name: scope.name,
            status,
            status_zh: status.label_zh(),
            category_name,
            details,
            temporary_plaque,
            agency,
            certificate,
            evaluation,
            report_form,
            legal_basis_kind: row.legal_basis_kind,
            legal_basis_title: row.legal_basis_title,
            legal_basis_article: row.legal_basis_article,
            funding_fen: row.funding_fen,
            funding_source: row.funding_source,
            minutes_per_occurrence: row.minutes_per_occurrence,
            occurrences_per_year: row.occurrences_per_year,
            hours_per_community: hours,
            total_hours: hours * names.len() as f64,
            period_start: row.period_start,
            period_end: row.period_end,
            decision: row
                .decision
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
            authority_zh: if by_registration {
                level.keeper_zh()
            } else {
                kind.authority(level).2
            },
            by_registration,
            admission_number: row.admission_number,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            review_note: row.review_note,
            revoke_reason: row.revoke_reason,
            created_at: row.created_at,
            submitted_at: row.submitted_at,
            reviewed_at: row.reviewed_at,
            revoked_at: row.revoked_at,
            targets: names,
            wording_overrule,
        })
    }

    pub async fn demand_detail(&self, ctx: &Ctx, id: i64) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let v = self.demand_view(row).await?;
        let scope = self.find_node(v.scope_node_id).await?;
        let target_paths: Vec<String> = repo::targets(self.store.db(), v.id)
            .await?
            .into_iter()
            .map(|n| n.path)
            .collect();
        let seen = DemandVisibility::of(&ctx.principal).admits(&DemandPlace {
            requester_node_id: v.requester_node_id,
            kind: v.kind,
            status: v.status,
            scope_path: &scope.path,
            target_paths: &target_paths,
        });
        if !seen {
            self.record_denial(ctx, Action::ViewDemands, Some(v.scope_node_id))
                .await;
            return Err(DomainError::forbidden("您无权查看该事项"));
        }
        Ok(v)
    }

    async fn demand_todos(&self, ctx: &Ctx, today: NaiveDate) -> Result<Vec<TodoItem>> {
        let p = &ctx.principal;
        let db = self.store.db();
        let mut out = Vec::new();
        let mut nodes: HashMap<i64, NodeView> = HashMap::new();
        let waiting = repo::waiting(
            db,
            &DemandVisibility::of(p).stored(),
            &[
                DemandStatus::Submitted.as_str(),
                DemandStatus::ForRegistration.as_str(),
            ],
            PER_PROVIDER,
        )
        .await?;
        for r in waiting {
            for id in [r.scope_node_id, r.requester_node_id] {
                if let std::collections::hash_map::Entry::Vacant(e) = nodes.entry(id) {
                    e.insert(self.find_node(id).await?);
                }
            }
            let scope = &nodes[&r.scope_node_id];
            let kind_zh = if r.status == DemandStatus::ForRegistration.as_str() {
                if authorize(p, Action::RegisterDemand, &scope.target()).is_err() {
                    continue;
                }
                "待备案"
            } else {
                let (_, action, _) = DemandKind::parse(&r.kind)?.authority(stored_level(&r.level)?);
                if !authz::holds_authority(p, action, scope.id) {
                    continue;
                }
                "待审批"
            };
            out.push(TodoItem::new(
                "事项",
                kind_zh,
                r.title,
                format!(
                    "{} · {} 提交",
                    nodes[&r.requester_node_id].name,
                    crate::clock::fmt_ms(r.submitted_at.unwrap_or(r.created_at))
                ),
                format!("/demands/{}", r.id),
            ));
        }
        let mut own = authz::own_units(p, Action::DraftDemand);
        own.extend(authz::own_units(p, Action::RequestTemporaryPlaque));
        if own.is_empty() {
            return Ok(out);
        }
        let drafts =
            repo::own_in_state(db, &own, DemandStatus::Draft.as_str(), PER_PROVIDER).await?;
        for r in drafts {
            let returned = r.review_note.as_deref().is_some_and(|n| !n.is_empty());
            out.push(TodoItem::new(
                "事项",
                if returned { "已退回" } else { "待提交" },
                r.title,
                if returned {
                    format!("退回理由：{}", r.review_note.unwrap_or_default())
                } else {
                    format!("草稿 · {} 保存", crate::clock::fmt_ms(r.updated_at))
                },
                format!("/demands/{}", r.id),
            ));
        }
        let horizon = today + chrono::Duration::days(EXPIRY_NOTICE_DAYS);
        let ending = repo::own_ending(
            db,
            &own,
            DemandStatus::Admitted.as_str(),
            &today.to_string(),
            &horizon.to_string(),
            PER_PROVIDER,
        )
        .await?;
        for r in ending {
            let due = r.valid_to.as_deref().and_then(|d| d.parse().ok());
            out.push(
                TodoItem::new(
                    "事项",
                    "即将到期",
                    r.title,
                    format!(
                        "准入编号 {}：到期后如需继续，须重新申请准入",
                        r.admission_number.unwrap_or_default()
                    ),
                    format!("/demands/{}", r.id),
                )
                .due_on(due, today),
            );
        }
        Ok(out)
    }

    async fn case_todos(&self, ctx: &Ctx) -> Result<Vec<TodoItem>> {
        let scope = authz::visible(&ctx.principal, Action::ViewCases);
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let rows = cases::waiting(
            self.store.db(),
            &scope,
            &[
                CaseStatus::Open,
                CaseStatus::Rectified,
                CaseStatus::Accepted,
            ]
            .map(CaseStatus::as_str),
            PER_PROVIDER,
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let community = self.find_node(r.community_node_id).await?;
            out.push(TodoItem::new(
                "问题线索",
                match CaseStatus::stored(&r.status) {
                    CaseStatus::Rectified => "待验收",
                    CaseStatus::Accepted => "待办结",
                    _ => "待核实",
                },
                format!("{}：{}", community.name, case_kind_zh(&r.kind)),
                format!(
                    "{} · {} 报告",
                    r.demanding_unit,
                    crate::clock::fmt_ms(r.created_at)
                ),
                format!("/cases/{}", r.id),
            ));
        }
        Ok(out)
    }

    /// What the caller may do next with the demand `d` — the buttons its page shows. Each
    /// answer is the check of the use case it leads to (`update_demand`, `admit_demand` and
    /// `reject_demand`, `revoke_demand`, `register_demand`, `overrule_wording`) together with
    /// the state that use case requires, so a page never offers what would be refused.
    pub async fn demand_moves(&self, ctx: &Ctx, d: &DemandView) -> Result<DemandMoves> {
        let p = &ctx.principal;
        let scope = self.find_node(d.scope_node_id).await?;
        let (_, admit, _) = d.kind.authority(d.level);
        let authority = authz::holds_authority(p, admit, scope.id);
        let work_item = d.kind == DemandKind::WorkItem;
        let keeper = work_item && authorize(p, Action::RegisterDemand, &scope.target()).is_ok();
        let wording_only = d.decision.as_ref().is_some_and(|v| {
            v.reasons
                .iter()
                .any(|r| r.code.starts_with("banned_wording_"))
        });
        Ok(DemandMoves {
            edit: d.status == DemandStatus::Draft
                && work_item
                && p.blocked().is_none()
                && d.requester_node_id != 0
                && authz::acting_for(p, Action::DraftDemand, d.requester_node_id).is_some(),
            review: d.status == DemandStatus::Submitted && authority,
            revoke: d.status == DemandStatus::Admitted
                && authorize(p, Action::RevokeDemand, &scope.target()).is_ok(),
            register: d.status == DemandStatus::ForRegistration && keeper,
            overrule: d.status == DemandStatus::Rejected
                && wording_only
                && if work_item && d.legal_basis_kind.is_some() {
                    keeper
                } else {
                    authority
                },
            returns: d.kind == DemandKind::Form
                && d.status == DemandStatus::Admitted
                && authz::own_units(p, Action::ViewFormReturns).contains(&d.requester_node_id),
        })
    }

    /// The demand's history, oldest first: every change recorded in the audit log (who, when,
    /// what), with the opinion or reason given and the clauses applied. Takes the view that
    /// [`App::demand_detail`] returned, so only those who may see the demand see its history.
    pub async fn demand_timeline(&self, d: &DemandView) -> Result<Vec<TimelineEntry>> {
        let actions = crate::timeline::actions_of("demand.", &["demand.export"]);
        self.timeline(&[("demand", d.id.to_string())], &actions, |s| {
            Annotation {
                // A submission says where the rules sent it (待审批, 待备案, 不予准入).
                outcome: match (s.action.as_str(), s.details["status"].as_str()) {
                    ("demand.submit", Some(status)) => Some(DemandStatus::stored_label(status)),
                    _ => None,
                },
                // The opinion of an admission or registration is the demand's own review note.
                opinion: match s.action.as_str() {
                    "demand.admit" | "demand.register" => {
                        d.review_note.clone().filter(|n| !n.is_empty())
                    }
                    _ => None,
                },
            }
        })
        .await
    }

    /// Demands the caller may see, newest first.
    pub async fn list_demands(
        &self,
        ctx: &Ctx,
        filter: &DemandFilter,
        page: PageRequest,
    ) -> Result<Page<DemandView>> {
        let p = &ctx.principal;
        if !p.may(Action::ViewDemands) {
            self.record_denial(ctx, Action::ViewDemands, None).await;
            return Err(DomainError::forbidden("您的角色不能查看事项"));
        }
        let mut f = repo::ListFilter {
            text: filter
                .q
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| (t.to_owned(), t.to_uppercase())),
            ..Default::default()
        };
        if let Some(k) = filter
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            let kind = DemandKind::parse(k)
                .map_err(|_| DomainError::field("kind", "kind_invalid", "事项类型筛选无效"))?;
            f.kind = Some(kind.as_str());
        }
        if let Some(y) = filter
            .year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty())
        {
            let year: i32 = y
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| {
                    DomainError::field("year", "year_invalid", "年度应为 2000 至 2100 的年份")
                })?;
            f.year = Some(year);
        }
        let admitted = DemandStatus::Admitted.as_str();
        let today = self.today().to_string();
        f.state = match filter.status.as_deref().unwrap_or("") {
            "" => None,
            s => Some(match DemandStatus::parse(s) {
                // Expiry is derived from the date, never stored.
                Some(DemandStatus::Expired) => repo::StateFilter::EndedBefore { admitted, today },
                Some(DemandStatus::Admitted) => repo::StateFilter::ValidFrom { admitted, today },
                Some(stored) => repo::StateFilter::Is(stored.as_str()),
                None => {
                    return Err(DomainError::field(
                        "status",
                        "status_invalid",
                        "状态筛选无效",
                    ));
                }
            }),
        };
        let (total, rows) = repo::list(
            self.store.db(),
            &DemandVisibility::of(p).stored(),
            &f,
            page.offset(),
            page.per_page,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.demand_view(r).await?);
        }
        Ok(page.page(items, total))
    }

    async fn authority_check(&self, ctx: &Ctx, row: &demand::Model) -> Result<()> {
        let kind = DemandKind::parse(&row.kind)?;
        let (_, action, authority_zh) = kind.authority(stored_level(&row.level)?);
        let scope = self.find_node(row.scope_node_id).await?;
        // Exactly the authority of the demand's level and place: a city approver's jurisdiction
        // covers the districts, but district demands are the district's to admit (4.2-4). A
        // staffing office is a department: its grant's scope is its district (4.1-5).
        if !authz::holds_authority(&ctx.principal, action, scope.id) {
            self.record_denial(ctx, action, Some(scope.id)).await;
            return Err(DomainError::forbidden(format!(
                "该事项须由{}（{}）审批",
                authority_zh, scope.name
            )));
        }
        Ok(())
    }

    /// Demand `id`, for its approver's decision: refused unless the caller is the authority of
    /// its level, and unless it waits for approval (`refusal` says why not, on its state).
    async fn awaiting_approval(
        &self,
        ctx: &Ctx,
        id: i64,
        refusal: impl FnOnce(&demand::Model, NaiveDate) -> String,
    ) -> Result<demand::Model> {
        let row = self.demand_row(id).await?;
        self.authority_check(ctx, &row).await?;
        not_for_registration(&row)?;
        if row.status != DemandStatus::Submitted.as_str() {
            return Err(DomainError::conflict(
                "demand_not_submitted",
                refusal(&row, self.today()),
            ));
        }
        Ok(row)
    }

    /// Admits a submitted demand: assigns its admission number and validity.
    pub async fn admit_demand(
        &self,
        ctx: &Ctx,
        id: i64,
        valid_from: &str,
        valid_to: &str,
        note: &str,
    ) -> Result<DemandView> {
        let row = self
            .awaiting_approval(ctx, id, |row, today| {
                format!(
                    "该事项当前为“{}”，只有待审批的事项可以准入",
                    stored_status_on(row, today).label_zh()
                )
            })
            .await?;
        // Both dates are read (each reports its own problem) before they are compared.
        let mut p = crate::Problems::new();
        let from = p.take(if valid_from.trim().is_empty() {
            parse_date(&row.period_start, "valid_from")
        } else {
            parse_date(valid_from, "valid_from")
        });
        let to = p.take(if valid_to.trim().is_empty() {
            parse_date(&row.period_end, "valid_to")
        } else {
            parse_date(valid_to, "valid_to")
        });
        p.finish()?;
        let (Some(from), Some(to)) = (from, to) else {
            return Err(DomainError::internal());
        };
        if to < from {
            return Err(DomainError::field(
                "valid_to",
                "period_end_before_start",
                "有效期结束日期不能早于开始日期",
            ));
        }
        check_validity(
            from,
            to,
            parse_date(&row.period_start, "valid_from")?,
            parse_date(&row.period_end, "valid_to")?,
            self.today(),
        )?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        give_number(
            &mut tx,
            ctx,
            &row,
            NumberGiven {
                from,
                to,
                note,
                waiting: DemandStatus::Submitted,
                decision: None,
                now,
                audit: (
                    "demand.admit",
                    serde_json::json!({ "clauses": DemandKind::parse(&row.kind)?.admission_clauses() }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// The list keeper of the demand's level (民政, 4.2-2): exactly that level and place, as
    /// [`authorize`] decides for [`Action::RegisterDemand`].
    async fn keeper_check(&self, ctx: &Ctx, row: &demand::Model) -> Result<NodeView> {
        let scope = self.find_node(row.scope_node_id).await?;
        if crate::authz::authorize(&ctx.principal, Action::RegisterDemand, &scope.target()).is_err()
        {
            self.record_denial(ctx, Action::RegisterDemand, Some(scope.id))
                .await;
            if let Some(e) = ctx.principal.blocked() {
                return Err(e);
            }
            return Err(DomainError::forbidden(format!(
                "该事项由{}（{}）备案",
                stored_level(&row.level)?.keeper_zh(),
                scope.name
            )));
        }
        Ok(scope)
    }

    /// Registers (备案) a work item that cites a law, regulation or rule (4.2-4: no approval; it
    /// enters the list, 4.2-2). The keeper of its level confirms that the cited article exists
    /// and applies (`basis_checked`); the admission number is then given as on admission, for
    /// the demand's own period, and the decision records the clauses and who registered it.
    pub async fn register_demand(
        &self,
        ctx: &Ctx,
        id: i64,
        basis_checked: bool,
        opinion: &str,
    ) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let scope = self.keeper_check(ctx, &row).await?;
        awaiting_registration(&row, self.today())?;
        let mut p = crate::Problems::new();
        if !basis_checked {
            p.push(DomainError::field(
                "basis_checked",
                "basis_not_checked",
                "请确认已核对所引法律法规条款存在且适用",
            ));
        }
        let opinion = text::visible(opinion);
        if opinion.chars().count() > 500 {
            p.push(DomainError::field(
                "opinion",
                "opinion_too_long",
                "备案意见不能超过 500 字",
            ));
        }
        p.finish()?;
        let from = parse_date(&row.period_start, "valid_from")?;
        let to = parse_date(&row.period_end, "valid_to")?;
        check_validity(from, to, from, to, self.today())?;
        let now = self.now_ms();
        let level = stored_level(&row.level)?;
        // The kind's own clauses (4.4-3 for an agency requirement), and those of the list it
        // enters by registration (4.2-2, 4.2-4).
        let mut clauses = DemandKind::parse(&row.kind)?.admission_clauses();
        for c in DemandKind::WorkItem.admission_clauses() {
            if !clauses.contains(&c) {
                clauses.push(c);
            }
        }
        let mut decision = stored_decision(&row);
        for c in &clauses {
            if !decision.clauses.iter().any(|x| x == c.as_str()) {
                decision.clauses.push(c.as_str().to_owned());
            }
        }
        decision.registration = Some(RegistrationView {
            outcome: "registered".into(),
            keeper: format!("{} · {}", level.keeper_zh(), scope.name),
            by: ctx.principal.display_name.clone(),
            at: crate::clock::fmt_ms(now),
            ground: None,
            ground_zh: None,
            note: Some(opinion.to_owned()).filter(|o| !o.is_empty()),
            clauses: clauses.iter().map(|c| c.as_str().to_owned()).collect(),
        });
        let mut tx = self.store.begin_write().await?;
        give_number(
            &mut tx,
            ctx,
            &row,
            NumberGiven {
                from,
                to,
                note: opinion,
                waiting: DemandStatus::ForRegistration,
                decision: Some(&decision),
                now,
                audit: (
                    "demand.register",
                    serde_json::json!({
                        "basis": [row.legal_basis_title, row.legal_basis_article],
                        "basis_checked": true,
                        "clauses": clauses,
                    }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// Returns a work item waiting for registration to its drafter: the cited article does not
    /// exist (`article_not_found`) or does not apply (`basis_not_applicable`). It goes back to
    /// draft, so the department can correct the citation, or drop it and seek approval with
    /// funding (4.2-4); the ground and reason stay on the decision and in the audit log.
    pub async fn return_registration(
        &self,
        ctx: &Ctx,
        id: i64,
        ground: &str,
        reason: &str,
    ) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let scope = self.keeper_check(ctx, &row).await?;
        awaiting_registration(&row, self.today())?;
        let ground = ReturnGround::parse(ground)?;
        let reason = text::visible(reason);
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(DomainError::field(
                "reason",
                "reason_required",
                "请写明退回理由（不超过 2000 字）",
            ));
        }
        let now = self.now_ms();
        let level = stored_level(&row.level)?;
        // A work item goes back to its drafter as a draft to correct; the other kinds have no
        // draft (they are checked when filed), so a returned one ends refused and its department
        // files it again with the right basis.
        let back_to = if DemandKind::parse(&row.kind)? == DemandKind::WorkItem {
            DemandStatus::Draft
        } else {
            DemandStatus::Rejected
        };
        let mut decision = stored_decision(&row);
        decision.reasons.push(ReasonView {
            clause: "4.2-4".into(),
            code: format!("registration_returned_{}", ground.as_str()),
            message: format!("备案退回：{}。{}", ground.label_zh(), reason),
        });
        decision.registration = Some(RegistrationView {
            outcome: "returned".into(),
            keeper: format!("{} · {}", level.keeper_zh(), scope.name),
            by: ctx.principal.display_name.clone(),
            at: crate::clock::fmt_ms(now),
            ground: Some(ground.as_str().to_owned()),
            ground_zh: Some(ground.label_zh().to_owned()),
            note: Some(reason.to_owned()),
            clauses: vec!["4.2-2".into(), "4.2-4".into()],
        });
        let mut tx = self.store.begin_write().await?;
        let moved = repo::apply(
            tx.conn(),
            id,
            Some(DemandStatus::ForRegistration.as_str()),
            repo::Move {
                to: back_to.as_str(),
                decision: Some(decision_json(&decision)?),
                reviewed: Some((ctx.principal.account_id, Some(reason.to_owned()))),
                ..Default::default()
            },
            now,
        )
        .await?;
        if !moved {
            return Err(not_awaiting_registration("该事项已被他人处理，请刷新"));
        }
        tx.audit(ctx.entry(
            "demand.return_registration",
            "demand",
            Some(id.to_string()),
            serde_json::json!({
                "ground": ground.as_str(),
                "reason": reason,
                "basis": [row.legal_basis_title, row.legal_basis_article],
                "clauses": ["4.2-2", "4.2-4"],
            }),
        ))
        .await?;
        tx.commit().await?;
        // Back in draft it is its department's alone (`DemandVisibility`); the keeper who returned it
        // still gets the result of the return.
        self.demand_view(self.demand_row(id).await?).await
    }

    /// Overrules the banned-wording findings (4.2-6) of a demand rejected on its words: the
    /// authority that admits it judges the match false (招商银行 is no 招商引资) and says why.
    /// Only that authority, only with a reason, and only when the words were the sole ground:
    /// the rest of the rules, run again without reading the text, must not reject. The demand
    /// then waits in the authority's queue with the rest of the decision; the overruled findings,
    /// the reason, who and when are kept ([`WordingOverrule`]) and shown on the demand.
    ///
    /// A work item that cites a legal basis is not the approver's but the list keeper's (4.2-4):
    /// the keeper of its level overrules, and the item then waits for registration.
    pub async fn overrule_wording(&self, ctx: &Ctx, id: i64, reason: &str) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let has_basis = row.kind == DemandKind::WorkItem.as_str() && row.legal_basis_kind.is_some();
        if has_basis {
            self.keeper_check(ctx, &row).await?;
        } else {
            self.authority_check(ctx, &row).await?;
        }
        let reason = reason.trim();
        let length = reason.chars().count();
        if !(5..=500).contains(&length) {
            return Err(DomainError::field(
                "reason",
                "overrule_reason_required",
                "请写明认定为误判的理由（5–500 字）",
            ));
        }
        let stored: Option<DecisionView> = row
            .decision
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok());
        let findings: Vec<ReasonView> = stored
            .iter()
            .flat_map(|d| d.reasons.iter())
            .filter(|r| r.code.starts_with("banned_wording_"))
            .cloned()
            .collect();
        if row.status != DemandStatus::Rejected.as_str() || findings.is_empty() {
            return Err(DomainError::conflict(
                "no_wording_match",
                "只有因事项名称或内容命中 4.2-6 取消事项的用语而不予准入的事项可以复核",
            ));
        }
        let view = self.demand_view(row.clone()).await?;
        let legal_basis = view.legal_basis_kind.clone().map(|k| {
            (
                k,
                view.legal_basis_title.clone().unwrap_or_default(),
                view.legal_basis_article.clone().unwrap_or_default(),
            )
        });
        let funding = view
            .funding_fen
            .map(|f| (f, view.funding_source.clone().unwrap_or_default()));
        let rest = rule_of(
            &RuleInput {
                level: view.level,
                details: &view.details,
                legal_basis: legal_basis.as_ref(),
                funding: funding.as_ref(),
            },
            None,
            self.today(),
        )?;
        if rest.outcome == Outcome::Reject {
            return Err(DomainError::conflict(
                "rejected_on_other_grounds",
                "该事项除用语命中外另有不予准入的结论，复核用语不能改变",
            ));
        }
        let next = route_of(rest.outcome, has_basis);
        let authority = if next == DemandStatus::ForRegistration {
            Role::Supervisor.as_str()
        } else {
            view.level.authority().0.as_str()
        };
        let rest = DecisionView::from_decision(&rest);
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let moved = repo::apply(
            tx.conn(),
            id,
            Some(DemandStatus::Rejected.as_str()),
            repo::Move {
                to: next.as_str(),
                authority: Some(authority),
                decision: Some(decision_json(&rest)?),
                ..Default::default()
            },
            now,
        )
        .await?;
        if !moved {
            return Err(DomainError::conflict(
                "no_wording_match",
                "该事项已被他人处理，请刷新",
            ));
        }
        repo::insert_wording_overrule(
            tx.conn(),
            id,
            serde_json::to_string(&findings).map_err(|_| DomainError::internal())?,
            reason,
            ctx.principal.account_id,
            now,
        )
        .await?;
        tx.audit(ctx.entry(
            "demand.overrule_wording",
            "demand",
            Some(id.to_string()),
            serde_json::json!({
                "reason": reason,
                "overruled": findings.iter().map(|f| &f.message).collect::<Vec<_>>(),
                "clauses": ["4.2-6"],
                "outcome": rest.outcome,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// The recorded overrule of `id`'s banned-wording findings, if a reviewer made one.
    async fn wording_overrule(&self, id: i64) -> Result<Option<WordingOverrule>> {
        let Some((row, by)) = repo::wording_overrule(self.store.db(), id).await? else {
            return Ok(None);
        };
        Ok(Some(WordingOverrule {
            findings: serde_json::from_str(&row.findings).unwrap_or_default(),
            reason: row.reason,
            overruled_by: by,
            overruled_at: crate::clock::fmt_ms(row.overruled_at),
        }))
    }

    /// Rejects a submitted demand with a reason (and, optionally, the clause it offends).
    pub async fn reject_demand(
        &self,
        ctx: &Ctx,
        id: i64,
        reason: &str,
        clause: &str,
    ) -> Result<DemandView> {
        let row = self
            .awaiting_approval(ctx, id, |_, _| "只有待审批的事项可以驳回".to_owned())
            .await?;
        let mut p = crate::Problems::new();
        let reason = text::visible(reason);
        if reason.is_empty() {
            p.push(DomainError::field(
                "reason",
                "reason_required",
                "请写明不予准入的理由",
            ));
        }
        let clause = clause.trim();
        let clause =
            if clause.is_empty() {
                None
            } else {
                p.take(jianfu_rules::ClauseId::lookup(clause).ok_or_else(|| {
                    DomainError::field("clause", "clause_unknown", "条款编号不存在")
                }))
            };
        p.finish()?;
        let mut decision: DecisionView = row
            .decision
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or(DecisionView {
                outcome: "reject".into(),
                clauses: vec![],
                reasons: vec![],
                registration: None,
            });
        decision.outcome = "reject".into();
        if let Some(c) = clause {
            if !decision.clauses.iter().any(|x| x == c.as_str()) {
                decision.clauses.push(c.as_str().to_owned());
            }
            decision.reasons.push(ReasonView {
                clause: c.as_str().to_owned(),
                code: "reviewer_finding".into(),
                message: reason.to_owned(),
            });
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        repo::apply(
            tx.conn(),
            id,
            None,
            repo::Move {
                to: DemandStatus::Rejected.as_str(),
                reviewed: Some((ctx.principal.account_id, Some(reason.to_owned()))),
                decision: Some(decision_json(&decision)?),
                ..Default::default()
            },
            now,
        )
        .await?;
        tx.audit(ctx.entry(
            "demand.reject",
            "demand",
            Some(id.to_string()),
            serde_json::json!({ "reason": reason, "clause": clause.map(|c| c.as_str()) }),
        ))
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// Revokes or terminates an admitted demand (4.2-5): supervisors and the authorities.
    pub async fn revoke_demand(&self, ctx: &Ctx, id: i64, reason: &str) -> Result<DemandView> {
        let row = self.demand_row(id).await?;
        let scope = self.find_node(row.scope_node_id).await?;
        self.check(ctx, Action::RevokeDemand, &scope.target())
            .await?;
        if row.status != DemandStatus::Admitted.as_str() {
            return Err(DomainError::conflict(
                "demand_not_admitted",
                "只有已准入的事项可以撤销",
            ));
        }
        let reason = text::visible(reason);
        if reason.is_empty() {
            return Err(DomainError::field(
                "reason",
                "reason_required",
                "请写明撤销理由",
            ));
        }
        let finding = jianfu_rules::work_item::revocation_reason();
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        repo::apply(
            tx.conn(),
            id,
            None,
            repo::Move {
                to: DemandStatus::Revoked.as_str(),
                revoked: Some((ctx.principal.account_id, reason.to_owned())),
                ..Default::default()
            },
            now,
        )
        .await?;
        tx.audit(ctx.entry(
            "demand.revoke",
            "demand",
            Some(id.to_string()),
            serde_json::json!({ "reason": reason, "admission_number": row.admission_number, "clause": finding.clause.as_str() }),
        ))
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// Public lookup of an admission number (no login).
    pub async fn lookup(&self, number: &str) -> Result<LookupResult> {
        let n = AdmissionNumber::parse(number)?;
        let row = jianfu_store::repo::demands::lookup(&self.store, n.as_str()).await?;
        let Some(row) = row else {
            return Ok(LookupResult {
                number: n.to_string(),
                state: LookupState::Unknown.as_str(),
                state_zh: LookupState::Unknown.label_zh(),
                title: None,
                kind_zh: None,
                requester_name: None,
                valid_from: None,
                valid_to: None,
                revoke_reason: None,
                target_count: 0,
                targets: vec![],
                hours_per_community: None,
                clauses: vec![jianfu_rules::clause!("4.2-5").as_str().into()],
                form_corner: None,
            });
        };
        let today = self.today().to_string();
        let state = if row.status == DemandStatus::Revoked.as_str() {
            LookupState::Revoked
        } else if row.valid_to.as_deref().is_some_and(|v| v < today.as_str()) {
            LookupState::Expired
        } else if row
            .valid_from
            .as_deref()
            .is_some_and(|v| v > today.as_str())
        {
            LookupState::NotYetValid
        } else {
            LookupState::Valid
        };
        let count = usize::try_from(row.target_count).map_err(|_| DomainError::internal())?;
        let requester_name = row
            .requester_name
            .ok_or_else(|| DomainError::not_found("节点"))?;
        let decision: Option<DecisionView> = row
            .decision
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok());
        let form_corner = match (&row.valid_from, &row.valid_to) {
            (Some(from), Some(to)) if row.kind == DemandKind::Form.as_str() => {
                Some(crate::report_form::FormCorner::new(
                    n.as_str(),
                    &requester_name,
                    stored_level(&row.level)?.authority_zh(),
                    from,
                    to,
                ))
            }
            _ => None,
        };
        Ok(LookupResult {
            form_corner,
            number: n.to_string(),
            state: state.as_str(),
            state_zh: state.label_zh(),
            title: Some(row.title),
            kind_zh: DemandKind::parse(&row.kind).ok().map(DemandKind::label_zh),
            requester_name: Some(requester_name),
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            revoke_reason: row.revoke_reason,
            target_count: count,
            targets: row.target_names,
            hours_per_community: Some(
                f64::from(row.minutes_per_occurrence) * f64::from(row.occurrences_per_year) / 60.0,
            ),
            clauses: {
                let mut c = decision.map(|d| d.clauses).unwrap_or_default();
                let revocation = jianfu_rules::clause!("4.2-5").as_str();
                if state == LookupState::Revoked && !c.iter().any(|x| x == revocation) {
                    c.push(revocation.into());
                }
                c
            },
        })
    }

    /// The published work-item list of one community: demands admitted and in force (public).
    pub async fn community_list(
        &self,
        community_id: i64,
    ) -> Result<(NodeView, Vec<DemandView>, f64)> {
        let c = self.find_node(community_id).await?;
        if !c.kind.is_community() {
            return Err(DomainError::not_found("社区(村)"));
        }
        let today = self.today().to_string();
        let rows = repo::in_force(
            self.store.db(),
            DemandStatus::Admitted.as_str(),
            &today,
            None,
            Some(community_id),
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.demand_view(r).await?);
        }
        let hours = out.iter().map(|d| d.hours_per_community).sum();
        Ok((c, out, hours))
    }

    /// A community refuses a demand that has no valid admission number and reports it; the
    /// report becomes a supervision case for the district's and city's supervisors.
    pub async fn report_unadmitted(&self, ctx: &Ctx, f: &ReportForm) -> Result<i64> {
        let mut p = crate::Problems::new();
        let c = match self.find_node(f.community_id).await {
            Ok(c) if c.kind.is_community() => {
                self.check(ctx, Action::ReportUnadmitted, &c.target())
                    .await?;
                Some(c)
            }
            _ => {
                p.push(DomainError::field(
                    "community_id",
                    "community_invalid",
                    "请选择本社区(村)",
                ));
                None
            }
        };
        let unit = text::visible(&f.demanding_unit);
        if unit.is_empty() || unit.chars().count() > 200 {
            p.push(DomainError::field(
                "demanding_unit",
                "demanding_unit_required",
                "请写明下派事项的单位",
            ));
        }
        let description = text::visible(&f.description);
        if description.is_empty() || description.chars().count() > 5000 {
            p.push(DomainError::field(
                "description",
                "description_required",
                "请写明事项内容（不超过 5000 字）",
            ));
        }
        let claimed = f.claimed_number.trim();
        let mut demand_id = None;
        if !claimed.is_empty() {
            // A number that is valid and placed on this community is no ground for refusal.
            if let Ok(n) = AdmissionNumber::parse(claimed)
                && let Some(row) = repo::by_number(self.store.db(), n.as_str()).await?
            {
                demand_id = Some(row.id);
                let result = self.lookup(n.as_str()).await?;
                let placed_here = match &c {
                    Some(c) => repo::is_placed_on(self.store.db(), row.id, c.id).await?,
                    None => false,
                };
                if result.state == LookupState::Valid.as_str() && placed_here {
                    p.push(DomainError::field(
                        "claimed_number",
                        "demand_is_admitted",
                        format!("编号 {n} 有效，且该事项已准入本社区，不属于未经准入事项"),
                    ));
                }
            }
        }
        p.finish()?;
        let c = c.ok_or_else(DomainError::internal)?;
        let finding = jianfu_rules::work_item::unadmitted_demand_finding();
        let finding = ReasonView::of(&finding);
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        // The same violation already reported: listed on its case, or its closed case reopened.
        let report = crate::case_grouping::NewCaseReport {
            community: c.id,
            community_name: &c.name,
            demanding_unit: unit,
            description,
            claimed_number: Some(claimed).filter(|s| !s.is_empty()),
            now,
        };
        if let Some(g) = self.group_report(&mut tx, ctx, &report).await? {
            tx.commit().await?;
            return Ok(g.case_id);
        }
        let case_id = jianfu_store::repo::cases::insert(
            tx.conn(),
            jianfu_store::repo::cases::NewCase {
                kind: UNADMITTED_KIND,
                status: CaseStatus::Open.as_str(),
                source: crate::supervision::CaseSource::CommunityReport.as_str(),
                node_id: c.id,
                reported_by: Some(ctx.principal.account_id),
                demanding_unit: unit.to_owned(),
                description: description.to_owned(),
                claimed_number: Some(claimed.to_owned()).filter(|s| !s.is_empty()),
                demand_id,
                finding: finding.to_json()?,
                now,
                ..Default::default()
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "case.report",
            "supervision_case",
            Some(case_id.to_string()),
            serde_json::json!({ "community": c.name, "demanding_unit": unit, "claimed_number": claimed, "clause": finding.clause }),
        ))
        .await?;
        self.list_first_report(&mut tx, ctx, case_id, &report)
            .await?;
        tx.commit().await?;
        Ok(case_id)
    }

    /// A case row as pages show it; without who reported it unless `with_reporter` (the unit
    /// its notice names reads it so).
    pub(crate) async fn case_view(
        &self,
        r: supervision_case::Model,
        community: NodeView,
        with_reporter: bool,
    ) -> Result<CaseView> {
        let source = crate::supervision::CaseSource::stored(&r.source);
        let reporter = match (with_reporter, r.reported_by) {
            (false, _) => String::new(),
            (true, Some(account)) => jianfu_store::repo::accounts::by_id(self.store.db(), account)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_default(),
            // An anonymous report stays anonymous (its address is in the audit log only).
            (true, None) if source == crate::supervision::CaseSource::PublicComplaint => {
                "匿名举报人（不公开）".into()
            }
            (true, None) => format!("系统（{}）", source.label_zh()),
        };
        let status = CaseStatus::stored(&r.status);
        let overdue = match self.notice_row(r.id).await? {
            Some(n) => crate::escalation::is_overdue(status, &n.due_on, self.today()),
            None => false,
        };
        let escalated_to = match r.escalated_to_node_id {
            Some(n) => self.find_node(n).await?.name,
            None => String::new(),
        };
        Ok(CaseView {
            id: r.id,
            kind_zh: case_kind_zh(&r.kind),
            status,
            community_id: community.id,
            community_name: community.name,
            reporter,
            reporter_hidden: !with_reporter,
            source,
            overdue,
            escalated: r.escalated_at.is_some(),
            escalated_to,
            demanding_unit: r.demanding_unit,
            description: r.description,
            claimed_number: r.claimed_number,
            link: match r.plaque_id {
                Some(p) => format!("/plaques/{p}"),
                None => format!("/communities/{}/work-items", community.id),
            },
            finding: serde_json::from_str(&r.finding).unwrap_or(ReasonView {
                clause: jianfu_rules::clause!("4.2-5").as_str().into(),
                code: UNADMITTED_KIND.into(),
                message: String::new(),
            }),
            created_at: r.created_at,
        })
    }

    /// The supervision cases the caller sees ([`CaseVisibility`]: those of its jurisdiction,
    /// or, for a notified unit, those whose notice names it, without their reporter), newest
    /// first; only those in the state `f.status` names, or overdue ones, when it names one.
    pub async fn list_cases(
        &self,
        ctx: &Ctx,
        f: &CaseFilter,
        page: PageRequest,
    ) -> Result<Page<CaseView>> {
        let visibility = CaseVisibility::of(&ctx.principal);
        if visibility.is_empty() {
            self.record_denial(ctx, Action::ViewCases, None).await;
            return Err(ctx.principal.blocked().unwrap_or_else(|| {
                DomainError::forbidden("只有监督人员和被通知整改的单位能查看问题线索")
            }));
        }
        let state = if f.status == CASE_FILTER_OVERDUE {
            cases::StateFilter::Overdue {
                rectifying: CaseStatus::Rectifying.as_str(),
                today: self.today().to_string(),
            }
        } else if !f.status.is_empty() {
            let status = CaseStatus::parse(&f.status).ok_or_else(|| {
                DomainError::field("status", "status_invalid", "请选择有效的问题线索状态")
            })?;
            cases::StateFilter::Is(status.as_str())
        } else {
            cases::StateFilter::Any
        };
        let (total, rows) = cases::list(
            self.store.db(),
            &visibility.stored(),
            &state,
            page.offset(),
            page.per_page,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let community = self.find_node(r.community_node_id).await?;
            let whole = visibility.supervises(&community.path);
            items.push(self.case_view(r, community, whole).await?);
        }
        Ok(page.page(items, total))
    }

    /// The burden ledger of a district or the city: admitted demands in force, hours per year
    /// per community and per requesting department (Standard Cost Model).
    pub async fn ledger(&self, ctx: &Ctx, scope_id: Option<i64>) -> Result<Ledger> {
        let visible = self
            .visible_or_deny(ctx, Action::ViewLedger, "您的角色不能查看负担台账")
            .await?;
        let Some(first) = visible.subtrees().first() else {
            return Err(DomainError::forbidden("您的角色不能查看负担台账"));
        };
        let scope = match scope_id {
            Some(id) => self.find_node(id).await?,
            None => {
                let row = tree::by_path(self.store.db(), first)
                    .await?
                    .ok_or_else(|| DomainError::not_found("节点"))?;
                NodeView::from_row(row)?
            }
        };
        self.check(ctx, Action::ViewLedger, &scope.target()).await?;
        let today = self.today().to_string();
        let db = self.store.db();
        let in_force = DemandStatus::Admitted.as_str();
        let burden = |by| {
            jianfu_store::repo::demands::burden(&self.store, by, in_force, &today, &scope.path)
        };
        let rows = burden(BurdenBy::Community).await?;
        let mut per_community: HashMap<i64, (i64, i64)> = HashMap::new();
        for r in rows {
            per_community.insert(r.node_id, (r.demands, r.minutes_per_year));
        }
        let communities = tree::under_path(db, &scope.path).await?;
        let by_id: HashMap<i64, &node::Model> = communities.iter().map(|n| (n.id, n)).collect();
        let mut by_community: Vec<LedgerRow> = communities
            .iter()
            .filter(|n| NodeKind::parse(&n.kind).is_ok_and(NodeKind::is_community))
            .map(|n| {
                let (count, minutes) = per_community.get(&n.id).copied().unwrap_or((0, 0));
                LedgerRow {
                    node_id: n.id,
                    name: n.name.clone(),
                    parent: n
                        .parent_id
                        .and_then(|p| by_id.get(&p))
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    demands: count,
                    hours_per_year: minutes as f64 / 60.0,
                }
            })
            .collect();
        by_community.sort_by(|a, b| {
            b.hours_per_year
                .total_cmp(&a.hours_per_year)
                .then(a.name.cmp(&b.name))
        });
        let rows = burden(BurdenBy::Requester).await?;
        let mut by_department = Vec::new();
        for r in rows {
            let (id, n, m) = (r.node_id, r.demands, r.minutes_per_year);
            let dept = self.find_node(id).await?;
            let parent = match dept.parent_id {
                Some(p) => self.find_node(p).await?.name,
                None => String::new(),
            };
            by_department.push(LedgerRow {
                node_id: id,
                name: dept.name,
                parent,
                demands: n,
                hours_per_year: m as f64 / 60.0,
            });
        }
        by_department.sort_by(|a, b| {
            b.hours_per_year
                .total_cmp(&a.hours_per_year)
                .then(a.name.cmp(&b.name))
        });
        let total_hours = by_community.iter().map(|r| r.hours_per_year).sum();
        Ok(Ledger {
            scope,
            by_community,
            by_department,
            total_hours,
            as_of: today,
        })
    }

    /// Categories the form offers today, as (key, name, banned?).
    pub fn demand_categories(&self) -> Vec<(String, String, bool)> {
        let on = self.today();
        let Ok(lists) = jianfu_rules::Lists::official() else {
            return Vec::new();
        };
        let Ok(d) = rules_date(on) else {
            return Vec::new();
        };
        lists
            .categories_on(d)
            .map(|c| {
                (
                    c.key.clone(),
                    c.name.clone(),
                    !matches!(c.kind, jianfu_rules::CategoryKind::Ordinary),
                )
            })
            .collect()
    }

    /// Departments the user drafts for, and the places they may target (streets/towns and
    /// communities/villages of their scope).
    pub async fn drafting_context(&self, ctx: &Ctx) -> Result<(Vec<NodeView>, Vec<NodeView>)> {
        let mut depts = Vec::new();
        for id in authz::own_units(&ctx.principal, Action::DraftDemand) {
            depts.push(self.find_node(id).await?);
        }
        let places = self
            .nodes_under(&authz::visible(&ctx.principal, Action::DraftDemand))
            .await?
            .into_iter()
            .filter(|n| n.kind.is_subdistrict() || n.kind.is_community())
            .collect();
        Ok((depts, places))
    }
}

/// The form that reproduces a stored demand (for editing and re-submitting).
pub fn form_of(v: &DemandView) -> DemandForm {
    DemandForm {
        requester_node_id: v.requester_node_id,
        title: v.title.clone(),
        description: v.description.clone(),
        category: v.details.category.clone(),
        community_role: v.details.community_role.clone(),
        within_own_duty: v.details.within_own_duty,
        legal_basis_kind: v.legal_basis_kind.clone().unwrap_or_default(),
        legal_basis_title: v.legal_basis_title.clone().unwrap_or_default(),
        legal_basis_article: v.legal_basis_article.clone().unwrap_or_default(),
        funding_yuan: v
            .funding_fen
            .map(|f| format!("{}.{:02}", f / 100, f % 100))
            .unwrap_or_default(),
        funding_source: v.funding_source.clone().unwrap_or_default(),
        public_interest: v.details.public_interest,
        professional: v.details.professional,
        technical: v.details.technical,
        minutes_per_occurrence: v.minutes_per_occurrence.to_string(),
        occurrences_per_year: v.occurrences_per_year.to_string(),
        period_start: v.period_start.clone(),
        period_end: v.period_end.clone(),
        target_mode: v.details.target_mode.clone(),
        target_ids: v.details.target_ids.clone(),
    }
}

/// A decision as its demand stores it (JSON).
pub(crate) fn decision_json(d: &DecisionView) -> Result<String> {
    serde_json::to_string(d).map_err(|_| DomainError::internal())
}

/// What [`give_number`] writes: the validity, the reviewer's note, the status the demand must
/// still be in, (registration) the decision with the keeper's record, and the audit entry's
/// action and details (the number and validity are added to them).
struct NumberGiven<'a> {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    note: &'a str,
    waiting: DemandStatus,
    decision: Option<&'a DecisionView>,
    now: i64,
    audit: (&'static str, serde_json::Value),
}

/// Gives a waiting demand its admission number and validity, the one way admission and
/// registration both do it, and audits it; refuses if someone else moved it meanwhile.
async fn give_number(
    tx: &mut jianfu_store::WriteTx,
    ctx: &Ctx,
    row: &demand::Model,
    g: NumberGiven<'_>,
) -> Result<AdmissionNumber> {
    let year = crate::clock::cst_date(g.now)
        .map(|d| chrono::Datelike::year(&d))
        .unwrap_or(2026);
    let seq = jianfu_store::repo::counters::next(tx.conn(), &format!("admission:{year}")).await?;
    let number = AdmissionNumber::new(year, seq)?;
    let moved = repo::apply(
        tx.conn(),
        row.id,
        Some(g.waiting.as_str()),
        repo::Move {
            to: DemandStatus::Admitted.as_str(),
            numbered: Some((
                number.as_str().to_owned(),
                g.from.to_string(),
                g.to.to_string(),
            )),
            reviewed: Some((
                ctx.principal.account_id,
                Some(text::visible(g.note).to_owned()).filter(|n| !n.is_empty()),
            )),
            decision: g.decision.map(decision_json).transpose()?,
            ..Default::default()
        },
        g.now,
    )
    .await?;
    if !moved {
        return Err(if g.waiting == DemandStatus::ForRegistration {
            not_awaiting_registration("该事项已被他人处理，请刷新")
        } else {
            DomainError::conflict("demand_not_submitted", "该事项已被他人处理，请刷新")
        });
    }
    let (action, mut details) = g.audit;
    if let Some(d) = details.as_object_mut() {
        d.insert("admission_number".into(), serde_json::json!(number));
        d.insert("valid_from".into(), serde_json::json!(g.from.to_string()));
        d.insert("valid_to".into(), serde_json::json!(g.to.to_string()));
    }
    tx.audit(ctx.entry(action, "demand", Some(row.id.to_string()), details))
        .await?;
    Ok(number)
}

fn not_awaiting_registration(message: impl Into<String>) -> DomainError {
    DomainError::conflict("demand_not_awaiting_registration", message)
}

/// Registration and its return act only on a demand waiting for registration.
fn awaiting_registration(row: &demand::Model, today: chrono::NaiveDate) -> Result<()> {
    if row.status == DemandStatus::ForRegistration.as_str() {
        return Ok(());
    }
    Err(not_awaiting_registration(format!(
        "该事项当前为“{}”，只有待备案的事项可以备案或退回",
        stored_status_on(row, today).label_zh()
    )))
}

/// An approver's admission or rejection does not reach a work item waiting for registration:
/// a law provides for it, so it needs no approval (4.2-4); its level's list keeper registers it.
fn not_for_registration(row: &demand::Model) -> Result<()> {
    if row.status != DemandStatus::ForRegistration.as_str() {
        return Ok(());
    }
    Err(DomainError::conflict(
        "demand_awaiting_registration",
        format!(
            "该事项有法律法规规章依据，无须审批（4.2-4），由{}备案",
            stored_level(&row.level)?.keeper_zh()
        ),
    ))
}

/// The decision stored on submission (an empty allow when there is none).
fn stored_decision(row: &demand::Model) -> DecisionView {
    row.decision
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(DecisionView {
            outcome: "allow".into(),
            clauses: vec![],
            reasons: vec![],
            registration: None,
        })
}

/// A demand's status on `today`: the stored one, except that an admitted demand whose validity
/// ended before `today` is expired (never stored, so expiry needs no background job).
fn stored_status_on(row: &demand::Model, today: chrono::NaiveDate) -> DemandStatus {
    let status = DemandStatus::stored(&row.status);
    let ended = row
        .valid_to
        .as_deref()
        .is_some_and(|v| v < today.to_string().as_str());
    if status == DemandStatus::Admitted && ended {
        DemandStatus::Expired
    } else {
        status
    }
}

/// The validity an authority gives on admission (`from`..=`to`) must lie within the demand's
/// own period — an admission cannot reach beyond what was asked for and checked — and must not
/// end before `today`, or the admission number would be expired the moment it is issued.
fn check_validity(
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    period_start: chrono::NaiveDate,
    period_end: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<()> {
    if from < period_start {
        return Err(DomainError::field(
            "valid_from",
            "validity_outside_period",
            format!(
                "有效期须在事项期限（{period_start} 至 {period_end}）之内：开始日期早于事项开始日期"
            ),
        ));
    }
    if to > period_end {
        return Err(DomainError::field(
            "valid_to",
            "validity_outside_period",
            format!(
                "有效期须在事项期限（{period_start} 至 {period_end}）之内：结束日期晚于事项结束日期"
            ),
        ));
    }
    if to < today {
        return Err(DomainError::field(
            "valid_to",
            "validity_in_past",
            format!("有效期结束日期（{to}）早于今天（{today}），准入编号一经生成即已过期"),
        ));
    }
    Ok(())
}

/// A demand whose period ended before `today` cannot be submitted: there is nothing left to
/// admit, and an admission would be expired at birth.
pub(crate) fn check_period_not_past(
    period_end: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<()> {
    if period_end < today {
        return Err(DomainError::field(
            "period_end",
            "period_in_past",
            format!("事项期限已于 {period_end} 结束，早于今天（{today}），不能提交已过去的期限"),
        ));
    }
    Ok(())
}

/// Runs the rules on a draft and stores the decision: rejected, or submitted to the authority.
async fn submit_in(
    tx: &mut jianfu_store::WriteTx,
    ctx: &Ctx,
    id: i64,
    d: &Draft,
    now: i64,
    on: chrono::NaiveDate,
) -> Result<()> {
    check_period_not_past(d.period_end, on)?;
    let decision = rule(d, on)?;
    let view = DecisionView::from_decision(&decision);
    let status = route_of(decision.outcome, d.legal_basis.is_some());
    let authority = if status == DemandStatus::ForRegistration {
        Role::Supervisor.as_str()
    } else {
        d.level.authority().0.as_str()
    };
    repo::apply(
        tx.conn(),
        id,
        None,
        repo::Move {
            to: status.as_str(),
            decision: Some(decision_json(&view)?),
            authority: Some(authority),
            submitted: true,
            ..Default::default()
        },
        now,
    )
    .await?;
    tx.audit(ctx.entry(
            "demand.submit",
            "demand",
            Some(id.to_string()),
            serde_json::json!({ "outcome": view.outcome, "clauses": view.clauses, "status": status.as_str() }),
        ))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 4.2-4: a work item a law provides for goes to registration, one without a basis to
    /// approval, a refused one nowhere; a basis does not save a refused item.
    #[test]
    fn the_rules_outcome_routes_to_registration_or_approval() {
        let cases = [
            (Outcome::Allow, true, DemandStatus::ForRegistration),
            (Outcome::Allow, false, DemandStatus::Submitted),
            (Outcome::NeedsApproval, false, DemandStatus::Submitted),
            (Outcome::NeedsApproval, true, DemandStatus::Submitted),
            (Outcome::Reject, true, DemandStatus::Rejected),
            (Outcome::Reject, false, DemandStatus::Rejected),
        ];
        for (outcome, basis, want) in cases {
            assert_eq!(route_of(outcome, basis), want, "{outcome:?} basis={basis}");
        }
    }

    #[test]
    fn registration_status_fits_its_column_and_reads_back() {
        let s = DemandStatus::ForRegistration;
        assert!(s.as_str().len() <= 16, "status column is VARCHAR(16)");
        assert_eq!(DemandStatus::stored(s.as_str()), s);
        assert_eq!(DemandStatus::stored_label("for_registration"), "待备案");
        assert_eq!(Level::City.keeper_zh(), "市民政局");
        assert_eq!(Level::District.keeper_zh(), "区(市、县)民政局");
    }

    #[test]
    fn return_grounds_are_the_two_named_ones() {
        for g in [
            ReturnGround::BasisNotApplicable,
            ReturnGround::ArticleNotFound,
        ] {
            assert_eq!(ReturnGround::parse(g.as_str()).unwrap(), g);
            assert!(!g.label_zh().is_empty());
        }
        let e = ReturnGround::parse("other").unwrap_err();
        assert_eq!(e.code, "return_ground_invalid");
        assert_eq!(e.field, Some("ground"));
    }

    #[test]
    fn yuan_parsing() {
        assert_eq!(parse_yuan("").unwrap(), None);
        assert_eq!(parse_yuan("1200").unwrap(), Some(120_000));
        assert_eq!(parse_yuan("1,200.5").unwrap(), Some(120_050));
        assert_eq!(parse_yuan("0.05").unwrap(), Some(5));
        for bad in ["-1", "1.234", "abc", "1e5", ".5", "１２"] {
            assert_eq!(
                parse_yuan(bad).unwrap_err().code,
                "funding_invalid",
                "{bad}"
            );
        }
    }

    #[test]
    fn burden_bounds() {
        assert!(parse_int("0", "m", "x", 10).is_err());
        assert!(parse_int("-3", "m", "x", 10).is_err());
        assert!(parse_int("11", "m", "x", 10).is_err());
        assert!(parse_int("abc", "m", "x", 10).is_err());
        assert_eq!(parse_int(" 7 ", "m", "x", 10).unwrap(), 7);
    }
}
