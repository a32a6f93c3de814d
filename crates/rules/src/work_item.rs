//! Work-item admission (工作事项准入, item 4.2): whether a department may place a work item on a
//! community, who must admit it, and whether funding must come with it.
//!
//! Each sentence of 4.2 that decides something is one function below, its text quoted above it;
//! [`check_work_item`] applies them all and keeps every finding, so a department sees at once
//! every reason its demand fails. Which clauses a decision cites: 4.2-2 always (the admission
//! system is what is being applied), 4.2-4 always (it either names the legal basis or requires
//! approval), and 4.2-3, 4.2-6, 4.2-7 only when they found something. A satisfied 4.2-3 (the
//! department says the item is not its own duty) is not cited, so the clause list stays the
//! list of clauses a reader needs to look up.
//!
//! The categories (and which of them 4.2-6 bans) are data, see [`crate::lists`]. 4.2-5
//! (revocation of unapproved items) is enforced by the domain over time; this module gives it
//! the [`Reason`]s to record.

use serde::{Deserialize, Serialize};

use crate::{Decision, Outcome, Reason, clause};

// The data and date types the rules read, also reachable from here so that
// `jianfu_rules::work_item::*` is the whole interface of work-item admission.
pub use crate::date::Date;
pub use crate::lists::{Category, CategoryKind, ListError, Lists};

/// Level of the requesting department.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 市级部门.
    City,
    /// 区(市、县)级部门, including development zones.
    District,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::City, Level::District];

    /// The stable text stored and sent for it (its serde name).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::District => "district",
        }
    }

    /// The word shown to users: 市级, 区级.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Level::City => "市级",
            Level::District => "区级",
        }
    }

    /// The level whose [`Level::as_str`] is `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Whether the community would be the responsible subject (责任主体) of the matter, or assists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityRole {
    /// The community would answer for the matter (责任主体).
    Responsible,
    /// The community helps a department that remains responsible (协助).
    Assisting,
}

impl CommunityRole {
    pub const ALL: [CommunityRole; 2] = [CommunityRole::Responsible, CommunityRole::Assisting];

    /// The stable text stored and sent for it (its serde name).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            CommunityRole::Responsible => "responsible",
            CommunityRole::Assisting => "assisting",
        }
    }

    /// The role whose [`CommunityRole::as_str`] is `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The rank of a legal basis, in the words of 4.2-4 (法律法规规章).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasisKind {
    /// 法律.
    Law,
    /// 法规, including local regulations (地方性法规).
    Regulation,
    /// 规章.
    Rule,
}

impl LegalBasisKind {
    pub const ALL: [LegalBasisKind; 3] = [
        LegalBasisKind::Law,
        LegalBasisKind::Regulation,
        LegalBasisKind::Rule,
    ];

    /// The stable text stored and sent for it (its serde name).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            LegalBasisKind::Law => "law",
            LegalBasisKind::Regulation => "regulation",
            LegalBasisKind::Rule => "rule",
        }
    }

    /// The kind whose [`LegalBasisKind::as_str`] is `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The word shown to users: 法律, 法规, 规章.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            LegalBasisKind::Law => "法律",
            LegalBasisKind::Regulation => "法规",
            LegalBasisKind::Rule => "规章",
        }
    }
}

/// The law, regulation or rule that mandates the work item (法律法规依据).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LegalBasis<'a> {
    pub kind: LegalBasisKind,
    /// Title, e.g. 《中华人民共和国城市居民委员会组织法》.
    pub title: &'a str,
    /// Article, e.g. 第三条.
    pub article: &'a str,
}

/// Money that comes with the work item (费随事转): amount in fen and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Funding<'a> {
    /// 金额, in fen (分).
    pub amount_fen: i64,
    /// 来源渠道, e.g. 区财政专项资金.
    pub source: &'a str,
}

/// Professional/technical/public-interest nature of the service asked for (4.2-7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceNature {
    /// 公益性.
    pub public_interest: bool,
    /// 专业性.
    pub professional: bool,
    /// 技术性.
    pub technical: bool,
}

impl ServiceNature {
    /// True when any of the three natures of 4.2-7 applies.
    #[must_use]
    pub const fn any(self) -> bool {
        self.public_interest || self.professional || self.technical
    }
}

/// What a department declares about a work item it wants a community to carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WorkItemFacts<'a> {
    pub level: Level,
    /// Key from the category list, e.g. `"investment_attraction"`.
    pub category: &'a str,
    pub community_role: CommunityRole,
    /// The department declares the item lies within its own (or the street's/town's) duties.
    pub within_own_duty: bool,
    pub legal_basis: Option<LegalBasis<'a>>,
    pub funding: Option<Funding<'a>>,
    pub service: ServiceNature,
}

/// Which authority must admit the demand (4.2-4); the domain maps it to a role and node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// 市委、市政府, for city departments.
    CityPartyAndGovernment,
    /// 区(市、县)党(工)委、区(市、县)政府(管委会), for district departments.
    DistrictPartyAndGovernment,
}

impl Authority {
    /// The authority 4.2-4 names for a department of `level`.
    #[must_use]
    pub const fn for_level(level: Level) -> Authority {
        match level {
            Level::City => Authority::CityPartyAndGovernment,
            Level::District => Authority::DistrictPartyAndGovernment,
        }
    }

    /// The authority in the words of 4.2-4.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Authority::CityPartyAndGovernment => "市委、市政府",
            Authority::DistrictPartyAndGovernment => "区(市、县)党(工)委、区(市、县)政府(管委会)",
        }
    }
}

/// The result of [`check_work_item`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkItemRuling {
    /// Outcome, clauses applied and reasons.
    pub decision: Decision,
    /// Who must admit the demand: set by level even when no approval is needed, so the domain
    /// always knows whose list (工作事项清单) the item joins.
    pub authority: Authority,
    /// True when the item has no legal basis, so 4.2-4 requires funding with a source.
    pub needs_funding: bool,
}

/// Applies every rule of 4.2 to a work item on date `on` (the day the demand is filed or
/// reviewed; categories are read as in force that day).
///
/// The outcome is the strictest of the rules; every finding is kept (see the module docs for
/// which clauses are cited).
#[must_use]
pub fn check_work_item(facts: &WorkItemFacts<'_>, lists: &Lists, on: Date) -> WorkItemRuling {
    let category = lists.category(facts.category, on);
    let mut decision = admission_system(facts.category, category, on);
    if let Some(category) = category {
        decision.merge(banned_category(category, facts.community_role));
    }
    decision.merge(own_duty(facts.within_own_duty));
    decision.merge(legal_basis_or_approval(
        facts.level,
        facts.legal_basis.as_ref(),
    ));
    if facts.legal_basis.is_none() {
        decision.merge(funding_follows_task(facts.funding.as_ref()));
    }
    decision.merge(service_purchase(facts.service));
    WorkItemRuling {
        decision,
        authority: Authority::for_level(facts.level),
        needs_funding: facts.legal_basis.is_none(),
    }
}

/// Applies [`check_work_item`] and also reads the work item's own words: `text` (its title and
/// description) is searched for the wordings of the banned categories ([`banned_wording`]), so
/// that 4.2-6 holds whatever category the drafter picked.
#[must_use]
pub fn check_work_item_text(
    facts: &WorkItemFacts<'_>,
    text: &str,
    lists: &Lists,
    on: Date,
) -> WorkItemRuling {
    let mut ruling = check_work_item(facts, lists, on);
    ruling.decision.merge(banned_wording(
        text,
        facts.category,
        facts.community_role,
        lists,
        on,
    ));
    ruling
}

/// **4.2-2** 根据国家法律、法规和地方性法规有关规定,社区(村)工作事项内容实行清单管理,建立社区(村)工作准入制度。
///
/// The admission system itself: every work-item decision cites this clause. 清单管理 means a
/// work item belongs to a listed category: a key that is not in the list, or whose category is
/// not in force on `on`, is rejected (`category_unknown`).
#[must_use]
pub fn admission_system(key: &str, category: Option<&Category>, on: Date) -> Decision {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.2-2"));
    if category.is_none() {
        decision.push(
            Reason::new(
                clause!("4.2-2"),
                "category_unknown",
                format!(
                    "工作事项类别“{key}”不在{on}施行的社区(村)工作事项清单类别中，社区(村)工作事项实行清单管理"
                ),
            ),
            Outcome::Reject,
        );
    }
    decision
}

/// **4.2-3** 属于各级职能部门、街道办事处、乡镇政府职责范围内的事项,不得转嫁给社区(村)。
///
/// Rests on the department's own declaration (`within_own_duty`): software cannot know a
/// department's duties, but it records who declared what.
#[must_use]
pub fn own_duty(within_own_duty: bool) -> Decision {
    if !within_own_duty {
        return Decision::allow();
    }
    Decision::allow().with(
        Reason::new(
            clause!("4.2-3"),
            "within_own_duty",
            "属于职能部门、街道办事处、乡镇政府职责范围内的事项，不得转嫁给社区(村)",
        ),
        Outcome::Reject,
    )
}

/// **4.2-4** 除法律法规规章有明确规定外,其他需要社区(村)协助的工作事项,市级部门的须经市委、市政府批准,区(市、县)级部门的须经区(市、县)党(工)委、区(市、县)政府(管委会)批准,同时按照“费随事转”的原则,为社区(村)提供必要的经费保障,并明确其来源渠道。
///
/// First half: with a legal basis (title and article both given) the item is allowed and the
/// basis is shown (`legal_basis_cited`); a basis missing its title or article is rejected
/// (`legal_basis_incomplete`); without one the item needs the approval of the authority of the
/// department's level (`needs_party_government_approval`). The second half, funding, is
/// [`funding_follows_task`].
#[must_use]
pub fn legal_basis_or_approval(level: Level, basis: Option<&LegalBasis<'_>>) -> Decision {
    let (reason, outcome) = match basis {
        Some(b) if b.title.trim().is_empty() || b.article.trim().is_empty() => (
            Reason::new(
                clause!("4.2-4"),
                "legal_basis_incomplete",
                "法律法规规章依据须写明名称和具体条款",
            ),
            Outcome::Reject,
        ),
        Some(b) => (
            Reason::new(
                clause!("4.2-4"),
                "legal_basis_cited",
                ["依据：", b.title.trim(), " ", b.article.trim()].concat(),
            ),
            Outcome::Allow,
        ),
        None => (
            Reason::new(
                clause!("4.2-4"),
                "needs_party_government_approval",
                match level {
                    Level::City => {
                        "无法律法规规章明确规定的工作事项，市级部门的须经市委、市政府批准"
                    }
                    Level::District => {
                        "无法律法规规章明确规定的工作事项，区(市、县)级部门的须经区(市、县)党(工)委、区(市、县)政府(管委会)批准"
                    }
                },
            ),
            Outcome::NeedsApproval,
        ),
    };
    Decision::allow().with(reason, outcome)
}

/// **4.2-4** (second half) ……同时按照“费随事转”的原则,为社区(村)提供必要的经费保障,并明确其来源渠道。
///
/// Applies to work items without a legal basis: funding must be given, with an amount above
/// zero and a named source, else the demand is rejected (`funding_required`). Whether the amount
/// is *enough* (必要) is for the approver to judge.
#[must_use]
pub fn funding_follows_task(funding: Option<&Funding<'_>>) -> Decision {
    let message: &'static str = match funding {
        None => "按照“费随事转”的原则，须为社区(村)提供必要的经费保障并明确来源渠道：未提供经费",
        Some(f) if f.amount_fen <= 0 => {
            "按照“费随事转”的原则，须为社区(村)提供必要的经费保障并明确来源渠道：经费金额须大于零"
        }
        Some(f) if f.source.trim().is_empty() => {
            "按照“费随事转”的原则，须为社区(村)提供必要的经费保障并明确来源渠道：未写明来源渠道"
        }
        Some(_) => return Decision::allow(),
    };
    Decision::allow().with(
        Reason::new(clause!("4.2-4"), "funding_required", message),
        Outcome::Reject,
    )
}

/// **4.2-5** 未经批准的工作事项,一律不得交由社区(村)落实,一经发现,立即撤销、终止。
///
/// The reason the domain records when it revokes or terminates a work item that was placed on
/// a community without admission (or whose admission was withdrawn).
#[must_use]
pub fn revocation_reason() -> Reason {
    Reason::new(
        clause!("4.2-5"),
        "revoked_unapproved",
        "未经批准的工作事项，一律不得交由社区(村)落实，一经发现，立即撤销、终止",
    )
}

/// **4.2-5** 未经批准的工作事项,一律不得交由社区(村)落实,一经发现,立即撤销、终止。
///
/// The finding a community's report produces when a demand reaches it without a valid
/// admission number (准入编号): the community may refuse it, and the report opens a case.
#[must_use]
pub fn unadmitted_demand_finding() -> Reason {
    Reason::new(
        clause!("4.2-5"),
        "unadmitted_demand",
        "该事项无有效准入编号，属未经批准的工作事项，社区(村)可拒绝落实",
    )
}

/// **4.2-6** 社区(村)承担的招商引资、协税护税、经济创收等任务指标,以及社区(村)作为责任主体的执法、拆迁拆违、环境整治、城市管理等事项,原则上一律取消。
///
/// A task-indicator category is rejected whatever the community's role
/// (`banned_task_indicator`); a responsible-subject category is rejected when the community
/// would be responsible (`banned_responsible_subject`) and allowed with a reminder
/// (`assisting_only`) when it assists. Ordinary categories are not touched, and 4.2-6 is not
/// cited for them.
///
/// 原则上 ("in principle") leaves room for exceptions, but the policy names no one who may grant
/// them: the software rejects, and an approver under 4.2-4 cannot override the rejection. An
/// exception would need a decision of the product owner and a new rule citing its authority.
#[must_use]
pub fn banned_category(category: &Category, role: CommunityRole) -> Decision {
    // Messages are built with `concat`, which sizes the string once: `format!` here and in
    // `legal_basis_or_approval` made a decision about twice as slow (benches/decisions.rs).
    let name = category.name.as_str();
    let (code, message, outcome) = match (category.kind, role) {
        (CategoryKind::Ordinary, _) => return Decision::allow(),
        (CategoryKind::TaskIndicator, _) => (
            "banned_task_indicator",
            [
                name,
                "属于社区(村)承担的招商引资、协税护税、经济创收等任务指标，已一律取消",
            ]
            .concat(),
            Outcome::Reject,
        ),
        (CategoryKind::ResponsibleSubject, CommunityRole::Responsible) => (
            "banned_responsible_subject",
            [
                "社区(村)作为责任主体的执法、拆迁拆违、环境整治、城市管理等事项已一律取消：社区(村)不得作为",
                name,
                "事项的责任主体",
            ]
            .concat(),
            Outcome::Reject,
        ),
        (CategoryKind::ResponsibleSubject, CommunityRole::Assisting) => (
            "assisting_only",
            [
                name,
                "事项的责任主体须为提出部门，社区(村)只能协助，不得作为责任主体",
            ]
            .concat(),
            Outcome::Allow,
        ),
    };
    Decision::allow().with(Reason::new(clause!("4.2-6"), code, message), outcome)
}

/// **4.2-6** 社区(村)承担的招商引资、协税护税、经济创收等任务指标,以及社区(村)作为责任主体的执法、拆迁拆违、环境整治、城市管理等事项,原则上一律取消。
///
/// The same ban, read in the work item's own words: 4.2-6 bans the matter, not the category
/// label, so `text` (title and description) is searched for the `wordings` of every banned
/// category in force on `on` (data, see [`crate::lists`]). A match is treated as the category
/// would be by [`banned_category`], naming the words found: a task indicator is rejected
/// (`banned_wording_task_indicator`); a responsible-subject matter is rejected
/// (`banned_wording_responsible_subject`) when the community is responsible — by the role
/// picked, or because the text itself says so with one of the list's responsible markers
/// (社区负责…) — and otherwise allowed with a reminder (`assisting_only`). The category the
/// drafter picked is [`banned_category`]'s to judge and is skipped here, so one matter gives one
/// finding. A false match is for a reviewer to overrule, with a recorded reason.
#[must_use]
pub fn banned_wording(
    text: &str,
    picked: &str,
    role: CommunityRole,
    lists: &Lists,
    on: Date,
) -> Decision {
    let marker = lists
        .responsible_markers()
        .iter()
        .find(|m| text.contains(m.as_str()));
    let mut decision = Decision::allow();
    for category in lists.categories_on(on) {
        if category.key == picked {
            continue;
        }
        let Some(wording) = category.wordings.iter().find(|w| text.contains(w.as_str())) else {
            continue;
        };
        let (wording, name) = (wording.as_str(), category.name.as_str());
        let (code, message, outcome) = match (category.kind, role, marker) {
            (CategoryKind::Ordinary, _, _) => continue,
            (CategoryKind::TaskIndicator, _, _) => (
                "banned_wording_task_indicator",
                [
                    "事项名称或内容中的“",
                    wording,
                    "”属于",
                    name,
                    "，为社区(村)承担的招商引资、协税护税、经济创收等任务指标，已一律取消",
                ]
                .concat(),
                Outcome::Reject,
            ),
            (CategoryKind::ResponsibleSubject, CommunityRole::Responsible, _) => (
                "banned_wording_responsible_subject",
                [
                    "事项名称或内容中的“",
                    wording,
                    "”属于",
                    name,
                    "事项，社区(村)不得作为其责任主体，已一律取消",
                ]
                .concat(),
                Outcome::Reject,
            ),
            (CategoryKind::ResponsibleSubject, CommunityRole::Assisting, Some(marker)) => (
                "banned_wording_responsible_subject",
                [
                    "事项名称或内容中的“",
                    wording,
                    "”属于",
                    name,
                    "事项，且写明“",
                    marker.as_str(),
                    "”，即社区(村)作为责任主体，已一律取消",
                ]
                .concat(),
                Outcome::Reject,
            ),
            (CategoryKind::ResponsibleSubject, CommunityRole::Assisting, None) => (
                "assisting_only",
                [
                    "事项名称或内容中的“",
                    wording,
                    "”属于",
                    name,
                    "事项，其责任主体须为提出部门，社区(村)只能协助，不得作为责任主体",
                ]
                .concat(),
                Outcome::Allow,
            ),
        };
        decision.push(Reason::new(clause!("4.2-6"), code, message), outcome);
    }
    decision
}

/// **4.2-7** 委托社区(村)承接和办理的公益性、专业性、技术性服务等相关事项,可通过政府购买服务方式,交由社会组织、企事业单位、社工机构等社会力量承担。
///
/// 可 ("may") is permissive: a public-interest, professional or technical service gets advice
/// (`service_purchase_possible`), never a rejection.
#[must_use]
pub fn service_purchase(service: ServiceNature) -> Decision {
    if !service.any() {
        return Decision::allow();
    }
    Decision::allow().with(
        Reason::new(
            clause!("4.2-7"),
            "service_purchase_possible",
            "可通过政府购买服务方式，交由社会组织、企事业单位、社工机构等社会力量承担",
        ),
        Outcome::Allow,
    )
}
