//! Certificates issued by communities (社区(村)组织出具证明, item 4.5): which certificate types a
//! catalogue may list, what a community does when a resident applies, what must be on record
//! before the seal is applied, and what a department must supply when it requires a certificate.
//!
//! Each sentence of 4.5 that decides something is one function below, its text quoted above it.
//! Four entry points apply them, each keeping every finding (as [`crate::work_item`] does):
//!
//! | entry point | when | clauses |
//! |---|---|---|
//! | [`check_certificate_type`] | a type is listed in the city or a district catalogue | 4.5-2 (district), 4.5-3 (always), 4.5-6 (district) |
//! | [`check_application`] | a resident applies | 4.5-9 (listed), 4.5-10 (not listed), 4.5-12 and 4.5-13 (no longer retained), 4.5-5 (public interest) |
//! | [`check_issue`] | before the seal is applied | 4.5-5, 4.5-9, 4.5-12, 4.5-13 as they apply |
//! | [`check_certificate_demand`] | a department requires communities to issue a certificate | 4.5-4 (always), 4.5-10 (not listed) |
//!
//! A clause is cited when it was applied, and only then: 4.5-2 and 4.5-6 address the districts,
//! so a type of the city catalogue does not cite them. Time limits are counted in working days on
//! the holiday calendar, see [`crate::calendar`]; the caller computes the due date with
//! [`crate::calendar::Calendar::due_date`] and passes it to [`check_issue`].
//!
//! Not encoded here: 4.5-1 (the heading), 4.5-7 (publishing the guides on portals, Weibo and
//! WeChat happens outside this crate; the product's public pages publish every catalogue entry
//! with its guide), 4.5-8 (an exhortation to simplify, with no checkable condition) and 4.5-11
//! (a legislative process). See `policy/NOT_ENCODED.md`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::{ClauseId, Date, Decision, Outcome, Reason, clause};

// The legal-basis types are shared with work-item admission: one concept, one name.
pub use crate::work_item::{LegalBasis, LegalBasisKind};

/// How fast a certificate type is issued (4.5-9): 当场办结 or 限时办结 within N working days.
///
/// Serialises as `"same_day"` or `{"working_days": 5}`. `WorkingDays(0)` is read as
/// [`Processing::SameDay`] everywhere (labels, due dates), but a service guide may not state it
/// ([`service_guide`] rejects it), so stored data always says which class it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Processing {
    /// 当场办结: a simple certificate, issued when the application is received.
    SameDay,
    /// 限时办结: a complex certificate, issued within this many working days after receipt.
    WorkingDays(u8),
}

impl Processing {
    /// The time limit in working days; 0 for [`Processing::SameDay`].
    #[must_use]
    pub const fn working_days(self) -> u8 {
        match self {
            Processing::SameDay => 0,
            Processing::WorkingDays(n) => n,
        }
    }

    /// The class in the words of 4.5-9: 当场办结 or 限时办结.
    #[must_use]
    pub const fn class_zh(self) -> &'static str {
        match self.working_days() {
            0 => "当场办结",
            _ => "限时办结",
        }
    }

    /// The label shown to users: 当场办结, or 限时办结（N个工作日）.
    ///
    /// ```
    /// use jianfu_rules::Processing;
    /// assert_eq!(Processing::SameDay.label_zh(), "当场办结");
    /// assert_eq!(Processing::WorkingDays(5).label_zh(), "限时办结（5个工作日）");
    /// ```
    #[must_use]
    pub fn label_zh(self) -> Cow<'static, str> {
        match self.working_days() {
            0 => Cow::Borrowed("当场办结"),
            n => Cow::Owned(format!("限时办结（{n}个工作日）")),
        }
    }
}

/// Who approved the retained list (保留证明事项清单) a type is on: 4.5-3 names 国家和省、市.
/// A district's own list is not a basis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetainedListApprover {
    /// 国家.
    State,
    /// 省.
    Province,
    /// 市.
    City,
}

impl RetainedListApprover {
    /// 国家, 省 or 市.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            RetainedListApprover::State => "国家",
            RetainedListApprover::Province => "省",
            RetainedListApprover::City => "市",
        }
    }
}

/// Why a community may issue a certificate (4.5-3): a law, regulation or rule, or a retained list
/// approved by the state, the province or the city.
///
/// Serialises externally tagged: `{"legal": {"kind": "law", "title": …, "article": …}}` or
/// `{"retained_list": {"approver": "province", "list": …}}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateBasis<'a> {
    /// 法律法规依据: title and article.
    Legal(LegalBasis<'a>),
    /// 经国家和省、市批准列入保留证明事项清单: who approved it and the list's name.
    RetainedList {
        approver: RetainedListApprover,
        /// The list's title, e.g. 《辽宁省保留的证明事项清单》.
        list: &'a str,
    },
}

impl CertificateBasis<'_> {
    /// True when every text is filled in: title and article, or the list's name.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        match self {
            CertificateBasis::Legal(b) => {
                !b.title.trim().is_empty() && !b.article.trim().is_empty()
            }
            CertificateBasis::RetainedList { list, .. } => !list.trim().is_empty(),
        }
    }

    /// The basis as shown to users: `《…》 第三条`, or `经省批准列入《…》`.
    #[must_use]
    pub fn describe_zh(&self) -> String {
        match self {
            CertificateBasis::Legal(b) => [b.title.trim(), " ", b.article.trim()].concat(),
            CertificateBasis::RetainedList { approver, list } => {
                ["经", approver.label_zh(), "批准列入", list.trim()].concat()
            }
        }
    }
}

/// Which catalogue a type is listed in and, for a district, where the type comes from (4.5-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CatalogueOrigin<'a> {
    /// A type of the city catalogue (市级清单), the base the districts build on.
    City,
    /// A district type taken over from the city catalogue (在市级清单的基础上).
    FromCity {
        /// The city type it is based on (key or name), as recorded.
        city_type: &'a str,
        /// Whether that city type is in the city catalogue in force; the caller looks it up.
        city_type_listed: bool,
    },
    /// A type the district adds to fit local conditions (符合本地区实际), on a basis of its own.
    Local,
}

impl CatalogueOrigin<'_> {
    /// True for the district catalogue's types, which 4.5-2 and 4.5-6 govern.
    #[must_use]
    pub const fn is_district(self) -> bool {
        !matches!(self, CatalogueOrigin::City)
    }
}

/// A part of the service guide (办事指南) that 4.5-6 requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuideField {
    /// 办理条件 (part of 办理程序和操作规范).
    Conditions,
    /// 申请材料 (part of 办理程序和操作规范); "无需提供材料" must be written if none.
    Materials,
    /// 证明的具体式样 and the uniform blank form (统一规范的表单样本).
    Template,
    /// 出具时限.
    TimeLimit,
    /// 办理用途.
    Purpose,
    /// 具体流程.
    Steps,
    /// 法律法规依据 as stated to residents.
    Basis,
}

impl GuideField {
    /// Every field, in the order the guide lists them.
    pub const ALL: [GuideField; 7] = [
        GuideField::Conditions,
        GuideField::Materials,
        GuideField::Template,
        GuideField::TimeLimit,
        GuideField::Purpose,
        GuideField::Steps,
        GuideField::Basis,
    ];

    /// The field's name in the guide.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            GuideField::Conditions => "办理条件",
            GuideField::Materials => "申请材料",
            GuideField::Template => "证明式样及表单样本",
            GuideField::TimeLimit => "出具时限",
            GuideField::Purpose => "办理用途",
            GuideField::Steps => "办理流程",
            GuideField::Basis => "法律法规依据",
        }
    }
}

/// The service guide (办事指南) of a district catalogue entry, as entered. A blank text counts as
/// missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceGuide<'a> {
    /// 办理条件.
    pub conditions: &'a str,
    /// 申请材料.
    pub materials: &'a str,
    /// 证明式样及表单样本: the wording of the certificate, or a reference to the stored blank form.
    pub template: &'a str,
    /// 出具时限.
    pub time_limit: Option<Processing>,
    /// 办理用途.
    pub purpose: &'a str,
    /// 办理流程.
    pub steps: &'a str,
    /// 法律法规依据, as the guide states it to residents.
    pub basis: &'a str,
}

impl ServiceGuide<'_> {
    /// The fields that are blank or absent, in [`GuideField::ALL`] order.
    pub fn missing(&self) -> impl Iterator<Item = GuideField> + '_ {
        GuideField::ALL.into_iter().filter(move |field| {
            let text = match field {
                GuideField::Conditions => self.conditions,
                GuideField::Materials => self.materials,
                GuideField::Template => self.template,
                GuideField::TimeLimit => return self.time_limit.is_none(),
                GuideField::Purpose => self.purpose,
                GuideField::Steps => self.steps,
                GuideField::Basis => self.basis,
            };
            text.trim().is_empty()
        })
    }
}

/// What a catalogue entry declares, for [`check_certificate_type`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateTypeFacts<'a> {
    pub origin: CatalogueOrigin<'a>,
    /// For a type taken over from the city, the city type's basis, copied by the caller.
    pub basis: Option<CertificateBasis<'a>>,
    /// The type lies within the community's duties (属于社区(村)组织职责范围), as the district
    /// declares.
    pub within_community_duty: bool,
    /// Required for district types (4.5-6); not read for city types.
    pub guide: Option<ServiceGuide<'a>>,
}

/// Why a resident still needs a certificate that is no longer retained (4.5-12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionalNeed {
    /// 政策措施衔接不到位: a procedure elsewhere still asks for it.
    PolicyGap,
    /// 各类民商事主体明确要求: a bank, employer or other civil or commercial party requires it.
    CounterpartyRequires,
}

impl TransitionalNeed {
    /// The reason in the words of 4.5-12.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            TransitionalNeed::PolicyGap => "政策措施衔接不到位",
            TransitionalNeed::CounterpartyRequires => "各类民商事主体明确要求",
        }
    }
}

/// Another way to get what a refused certificate would have proved (4.5-10 refusals point to
/// it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlternativeRoute {
    /// 部门核查: the department checks its own or shared data.
    DataCheck,
    /// 告知承诺制: the applicant promises in writing; the department checks afterwards.
    WrittenPromise,
    /// 部门核实: the department verifies the facts itself.
    DepartmentVerification,
}

impl AlternativeRoute {
    /// 部门核查, 告知承诺制 or 部门核实.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            AlternativeRoute::DataCheck => "部门核查",
            AlternativeRoute::WrittenPromise => "告知承诺制",
            AlternativeRoute::DepartmentVerification => "部门核实",
        }
    }

    /// One sentence for residents: what happens instead.
    #[must_use]
    pub const fn explain_zh(self) -> &'static str {
        match self {
            AlternativeRoute::DataCheck => "由办事部门通过信息共享、数据比对自行核查",
            AlternativeRoute::WrittenPromise => "由申请人书面承诺符合条件，办事部门事后核查",
            AlternativeRoute::DepartmentVerification => "由办事部门自行调查核实",
        }
    }
}

/// Where the requested type stands in the community's (district) catalogue on the day of the
/// application, with the facts each case needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CatalogueStatus<'a> {
    /// A retained type (保留的证明事项) of the catalogue in force.
    Retained {
        /// From the type's service guide.
        processing: Processing,
        /// The type needs investigation (需要调查核实) before it is issued.
        needs_investigation: bool,
    },
    /// A type the catalogue lists as no longer retained (不再保留的证明事项, 4.5-12).
    Discontinued {
        /// Why the resident still needs it; `None` when the application gives no such reason.
        need: Option<TransitionalNeed>,
        /// The matter lies within the community's own duties (属于自身职责范围内).
        within_duty: bool,
        /// The community can verify it (能够核实).
        verifiable: bool,
        /// Issuing may carry legal risk (可能涉及法律风险, 4.5-13).
        legal_risk: bool,
    },
    /// In neither part of the catalogue.
    NotListed {
        /// Where the resident can turn instead, if the catalogue records one.
        alternative: Option<AlternativeRoute>,
        /// The department that offers it; blank for 相关部门.
        department: &'a str,
    },
}

/// A resident's application, for [`check_application`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ApplicationFacts<'a> {
    pub status: CatalogueStatus<'a>,
    /// The matter concerns the community's public interest or the vital interests of most
    /// residents (涉及社区(村)公共利益或者本辖区多数居民群众切身利益, 4.5-5).
    pub public_interest: bool,
}

/// How the certificate is being issued, for [`check_issue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "path", rename_all = "snake_case")]
pub enum IssuePath {
    /// A retained type of the catalogue.
    Retained {
        /// The type needs investigation (需要调查核实) before it is issued (4.5-9).
        needs_investigation: bool,
    },
    /// A type no longer retained, issued under 4.5-12.
    Transitional {
        /// Issuing may carry legal risk (4.5-13).
        legal_risk: bool,
    },
}

/// The outcome of residents' deliberation (议事协商) as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliberationOutcome {
    /// 居民群众讨论同意.
    Consented,
    /// Held, but the residents did not consent.
    NotConsented,
}

/// What is on record when the seal is about to be applied, for [`check_issue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IssueFacts<'a> {
    pub path: IssuePath,
    /// As in [`ApplicationFacts::public_interest`].
    pub public_interest: bool,
    /// The deliberation record of this application, if one was held.
    pub deliberation: Option<DeliberationOutcome>,
    /// The community head has signed (社区(村)组织负责人签字).
    pub head_signature: bool,
    /// An investigation record (调查核实记录) is attached.
    pub investigation_recorded: bool,
    /// A risk assessment with precautions (充分评估并预先防范) is attached (4.5-13).
    pub risk_assessed: bool,
    /// The day the certificate is issued.
    pub issued_on: Date,
    /// The due date from the time limit ([`crate::calendar::Calendar::due_date`]); `None` when
    /// no time limit applies (a transitional certificate has no guide).
    pub due: Option<Date>,
    /// Why the certificate is late, if it is.
    pub delay_note: Option<&'a str>,
}

/// A department's requirement that communities issue a certificate, for
/// [`check_certificate_demand`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateDemandFacts<'a> {
    /// The basis the department supplies for communities to issue it.
    pub basis: Option<CertificateBasis<'a>>,
    /// The type is a retained type of the catalogue in force of the communities concerned.
    pub in_catalogue: bool,
}

// Catalogue entries.

/// Applies 4.5-2, 4.5-3 and 4.5-6 to a type about to be listed in a catalogue.
#[must_use]
pub fn check_certificate_type(facts: &CertificateTypeFacts<'_>) -> Decision {
    let mut decision = district_catalogue(facts.origin);
    decision.merge(basis_and_duty(
        facts.basis.as_ref(),
        facts.within_community_duty,
    ));
    if facts.origin.is_district() {
        decision.merge(service_guide(facts.guide.as_ref()));
    }
    decision
}

/// **4.5-2** 各区(市、县)要深入贯彻落实民政部等6部委、省民政厅等6部门关于改进和规范基层群众性自治组织出具证明工作的相关文件精神,结合本地区实际,在市级清单的基础上依法依规制定修订符合本地区实际的,社区(村)组织出具证明事项清单。
///
/// A district type is either taken over from a city type that is in the city catalogue in force,
/// or a local type (its own basis is then checked by [`basis_and_duty`]). A type taken over from
/// a city type that is not (or no longer) listed, or from none named, is rejected
/// (`city_type_not_listed`). City types are not governed by this clause and cite nothing here.
#[must_use]
pub fn district_catalogue(origin: CatalogueOrigin<'_>) -> Decision {
    let mut decision = Decision::allow();
    let message = match origin {
        CatalogueOrigin::City => return decision,
        CatalogueOrigin::Local => {
            decision.cite(clause!("4.5-2"));
            return decision;
        }
        CatalogueOrigin::FromCity { city_type, .. } if city_type.trim().is_empty() => {
            Cow::Borrowed(
                "区(市、县)证明事项清单在市级清单的基础上制定：未写明所依据的市级证明事项",
            )
        }
        CatalogueOrigin::FromCity {
            city_type,
            city_type_listed: false,
        } => Cow::Owned(
            [
                "区(市、县)证明事项清单在市级清单的基础上制定：所依据的市级证明事项“",
                city_type.trim(),
                "”不在施行中的市级清单中；如为本地区增加的事项，须以本地事项列入并具备自身依据",
            ]
            .concat(),
        ),
        CatalogueOrigin::FromCity { .. } => {
            decision.cite(clause!("4.5-2"));
            return decision;
        }
    };
    decision.with(
        Reason::new(clause!("4.5-2"), "city_type_not_listed", message),
        Outcome::Reject,
    )
}

/// **4.5-3** 社区(村)组织出具证明的事项,必须是有明确法律法规依据或经国家和省、市批准列入保留证明事项清单、属于社区(村)组织职责范围的事项。
///
/// Both conditions: a basis, shown when given (`basis_cited`), rejected when absent
/// (`no_basis`) or missing its title, article or list name (`basis_incomplete`); and the
/// community's duties (`outside_duty`). Always cited.
#[must_use]
pub fn basis_and_duty(basis: Option<&CertificateBasis<'_>>, within_duty: bool) -> Decision {
    let mut decision = Decision::allow();
    let (reason, outcome) = basis_finding(
        clause!("4.5-3"),
        basis,
        "no_basis",
        "社区(村)组织出具证明的事项，必须有明确法律法规依据或经国家和省、市批准列入保留证明事项清单：未提供依据",
    );
    decision.push(reason, outcome);
    if !within_duty {
        decision.push(
            Reason::new(
                clause!("4.5-3"),
                "outside_duty",
                "社区(村)组织出具证明的事项，必须属于社区(村)组织职责范围：该事项不属于社区(村)组织职责范围",
            ),
            Outcome::Reject,
        );
    }
    decision
}

/// **4.5-6** 各区(市、县)要以办事指南的形式细化实化证明的具体式样、办理程序和操作规范,明确出具时限、办理用途、具体流程及法律法规依据,并提供统一规范的表单样本。
///
/// A district type needs a complete guide: every [`GuideField`] filled in, else
/// `incomplete_guide` naming what is missing; a time limit of 0 working days is rejected
/// (`time_limit_zero`: same-day processing is its own class). Whether the texts are *good* is
/// for the reviewer.
#[must_use]
pub fn service_guide(guide: Option<&ServiceGuide<'_>>) -> Decision {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.5-6"));
    let missing: Vec<&'static str> = match guide {
        None => GuideField::ALL.iter().map(|f| f.label_zh()).collect(),
        Some(g) => g.missing().map(GuideField::label_zh).collect(),
    };
    if !missing.is_empty() {
        decision.push(
            Reason::new(
                clause!("4.5-6"),
                "incomplete_guide",
                [
                    "办事指南须明确证明的具体式样、办理程序、出具时限、办理用途、具体流程及法律法规依据，并提供统一规范的表单样本；缺少：",
                    &missing.join("、"),
                ]
                .concat(),
            ),
            Outcome::Reject,
        );
    }
    if guide.and_then(|g| g.time_limit) == Some(Processing::WorkingDays(0)) {
        decision.push(
            Reason::new(
                clause!("4.5-6"),
                "time_limit_zero",
                "限时办结的出具时限须至少为1个工作日；当场出具的请选择当场办结",
            ),
            Outcome::Reject,
        );
    }
    decision
}

// Applications.

/// Applies 4.5-9, 4.5-10, 4.5-12 and 4.5-13 to a resident's application, by where the type
/// stands in the catalogue, and tells in advance what 4.5-5 will require of a public-interest
/// matter that is not refused.
#[must_use]
pub fn check_application(facts: &ApplicationFacts<'_>) -> Decision {
    let mut decision = match facts.status {
        CatalogueStatus::Retained {
            processing,
            needs_investigation,
        } => processing_class(processing, needs_investigation),
        CatalogueStatus::Discontinued {
            need,
            within_duty,
            verifiable,
            legal_risk,
        } => {
            let mut d = discontinued(need, within_duty, verifiable);
            if legal_risk && d.outcome != Outcome::Reject {
                d.merge(legal_risk_ahead());
            }
            d
        }
        CatalogueStatus::NotListed {
            alternative,
            department,
        } => not_in_catalogue(alternative, department),
    };
    if facts.public_interest && decision.outcome != Outcome::Reject {
        decision.merge(deliberation_ahead());
    }
    decision
}

/// **4.5-9** 大力推行简单证明当场办结、复杂证明限时办结制,符合出具证明条件的,社区(村)组织应当在接到申请时根据掌握的信息,依法及时出具;需要调查核实的,应当及时完成调查核实工作并据实出具,最大限度地缩短办理时间,确保居民群众能办事、办成事。
///
/// A retained type is accepted, and the decision tells its processing class (`processing_class`):
/// on the spot, or within N working days after the day of receipt, with investigation first where
/// the type needs it.
#[must_use]
pub fn processing_class(processing: Processing, needs_investigation: bool) -> Decision {
    let class: Cow<'static, str> = match processing.working_days() {
        0 => Cow::Borrowed("当场办结：符合出具证明条件的，接到申请时根据掌握的信息依法及时出具"),
        n => Cow::Owned(format!("限时办结：自接到申请的次日起{n}个工作日内出具")),
    };
    let message = if needs_investigation {
        Cow::Owned(
            [
                &*class,
                "；需要调查核实的，应当及时完成调查核实工作并据实出具",
            ]
            .concat(),
        )
    } else {
        class
    };
    Decision::allow().with(
        Reason::new(clause!("4.5-9"), "processing_class", message),
        Outcome::Allow,
    )
}

/// **4.5-10** 凡是没有法律法规依据或未经国家和省、市批准列入保留证明事项清单的证明事项,社区(村)组织不予出具。
///
/// A type in neither part of the catalogue is refused (`not_in_catalogue`). The catalogue is
/// where 4.5-3 is checked, so a type not in it has, for the community, no basis. Where the
/// catalogue records another route (部门核查、告知承诺制、部门核实), the refusal names it.
#[must_use]
pub fn not_in_catalogue(alternative: Option<AlternativeRoute>, department: &str) -> Decision {
    const REFUSAL: &str = "该证明事项没有法律法规依据，也未经国家和省、市批准列入保留证明事项清单，不在社区(村)组织出具证明事项清单中，社区(村)组织不予出具";
    let message: Cow<'static, str> = match alternative {
        None => Cow::Borrowed(REFUSAL),
        Some(route) => {
            let department = match department.trim() {
                "" => "相关部门",
                named => named,
            };
            Cow::Owned(
                [
                    REFUSAL,
                    "。可改由",
                    department,
                    "通过",
                    route.label_zh(),
                    "办理：",
                    route.explain_zh(),
                ]
                .concat(),
            )
        }
    };
    Decision::allow().with(
        Reason::new(clause!("4.5-10"), "not_in_catalogue", message),
        Outcome::Reject,
    )
}

/// **4.5-12** 同时,对于属于《社区(村)组织出具证明事项清单》所列的不再保留的证明事项,现阶段如因政策措施衔接不到位或各类民商事主体明确要求,居民群众仍需办理的,社区(村)组织应本着便利居民群众办事创业的原则,对于属于自身职责范围内、且能够核实的,据实为居民群众出具相关证明。
///
/// A type the catalogue lists as no longer retained may still be issued, on the facts
/// (`transitional_path`, needs approval: the community decides after investigating, and
/// [`check_issue`] requires the investigation record). It is refused when the resident gives
/// neither reason of the clause (`transitional_need_not_stated`), when the matter is outside the
/// community's duties (`discontinued_outside_duty`) or when the community cannot verify it
/// (`discontinued_not_verifiable`).
#[must_use]
pub fn discontinued(
    need: Option<TransitionalNeed>,
    within_duty: bool,
    verifiable: bool,
) -> Decision {
    let mut decision = Decision::allow();
    let mut refuse = |code: &'static str, message: &'static str| {
        decision.push(
            Reason::new(clause!("4.5-12"), code, message),
            Outcome::Reject,
        );
    };
    if need.is_none() {
        refuse(
            "transitional_need_not_stated",
            "该证明事项已不再保留，只有因政策措施衔接不到位或各类民商事主体明确要求、居民群众仍需办理的，方可出具：申请未说明原因",
        );
    }
    if !within_duty {
        refuse(
            "discontinued_outside_duty",
            "该证明事项已不再保留，且不属于社区(村)组织自身职责范围，社区(村)组织不予出具",
        );
    }
    if !verifiable {
        refuse(
            "discontinued_not_verifiable",
            "该证明事项已不再保留，且社区(村)组织无法核实，不予出具",
        );
    }
    if let (Some(need), true) = (need, decision.reasons.is_empty()) {
        decision.push(
            Reason::new(
                clause!("4.5-12"),
                "transitional_path",
                [
                    "该证明事项已不再保留；因",
                    need.label_zh(),
                    "，居民群众仍需办理，属于社区(村)组织自身职责范围且能够核实，经调查核实后据实出具",
                ]
                .concat(),
            ),
            Outcome::NeedsApproval,
        );
    }
    decision
}

/// **4.5-13** 对于出具相关证明可能涉及法律风险的,社区(村)组织可在详细调查核实情况、采取灵活多样方式组织居民群众议事协商的基础上,予以充分评估并预先防范后出具。
///
/// At application: tells in advance what a transitional certificate with legal risk needs before
/// issue (`legal_risk_precautions`, no change of outcome); [`legal_risk_precautions`] enforces it.
#[must_use]
pub fn legal_risk_ahead() -> Decision {
    Decision::allow().with(
        Reason::new(
            clause!("4.5-13"),
            "legal_risk_precautions",
            "出具该证明可能涉及法律风险：须在详细调查核实情况、组织居民群众议事协商的基础上，予以充分评估并预先防范后方可出具",
        ),
        Outcome::Allow,
    )
}

/// **4.5-5** 凡是涉及社区(村)公共利益或者本辖区多数居民群众切身利益的事项需出具证明时,社区(村)组织应当通过组织居民群众议事协商等方式,经居民群众讨论同意并经社区(村)组织负责人签字后方可出具,从根本上解决社区(村)“万能章”问题。
///
/// At application: tells in advance that a public-interest matter needs deliberation with
/// consent and the head's signature (`deliberation_ahead`, no change of outcome);
/// [`deliberation_and_signature`] enforces it.
#[must_use]
pub fn deliberation_ahead() -> Decision {
    Decision::allow().with(
        Reason::new(
            clause!("4.5-5"),
            "deliberation_ahead",
            "该事项涉及社区(村)公共利益或者本辖区多数居民群众切身利益：须组织居民群众议事协商，经讨论同意并经社区(村)组织负责人签字后方可出具",
        ),
        Outcome::Allow,
    )
}

// Issue.

/// Applies 4.5-5, 4.5-9, 4.5-12 and 4.5-13 before the seal is applied: what must be on record.
#[must_use]
pub fn check_issue(facts: &IssueFacts<'_>) -> Decision {
    let mut decision = deliberation_and_signature(
        facts.public_interest,
        facts.deliberation,
        facts.head_signature,
    );
    match facts.path {
        IssuePath::Retained {
            needs_investigation,
        } => decision.merge(investigation(
            needs_investigation,
            facts.investigation_recorded,
        )),
        IssuePath::Transitional { legal_risk } => {
            decision.merge(transitional_investigation(facts.investigation_recorded));
            if legal_risk {
                decision.merge(legal_risk_precautions(
                    facts.deliberation,
                    facts.risk_assessed,
                ));
            }
        }
    }
    if let Some(due) = facts.due {
        decision.merge(time_limit(facts.issued_on, due, facts.delay_note));
    }
    decision
}

/// **4.5-5** 凡是涉及社区(村)公共利益或者本辖区多数居民群众切身利益的事项需出具证明时,社区(村)组织应当通过组织居民群众议事协商等方式,经居民群众讨论同意并经社区(村)组织负责人签字后方可出具,从根本上解决社区(村)“万能章”问题。
///
/// For a public-interest matter, a deliberation record with consent (`deliberation_required`
/// when there is none or the residents did not consent) and the head's signature
/// (`head_signature_required`) come before the seal. Other matters cite nothing here.
#[must_use]
pub fn deliberation_and_signature(
    public_interest: bool,
    deliberation: Option<DeliberationOutcome>,
    head_signature: bool,
) -> Decision {
    let mut decision = Decision::allow();
    if !public_interest {
        return decision;
    }
    decision.cite(clause!("4.5-5"));
    let missing_consent = match deliberation {
        Some(DeliberationOutcome::Consented) => None,
        Some(DeliberationOutcome::NotConsented) => Some(
            "涉及公共利益或者多数居民群众切身利益的事项，须经居民群众讨论同意后方可出具：议事协商未获同意",
        ),
        None => Some(
            "涉及公共利益或者多数居民群众切身利益的事项，须组织居民群众议事协商、经讨论同意后方可出具：无议事协商记录",
        ),
    };
    if let Some(message) = missing_consent {
        decision.push(
            Reason::new(clause!("4.5-5"), "deliberation_required", message),
            Outcome::Reject,
        );
    }
    if !head_signature {
        decision.push(
            Reason::new(
                clause!("4.5-5"),
                "head_signature_required",
                "涉及公共利益或者多数居民群众切身利益的事项，须经社区(村)组织负责人签字后方可出具",
            ),
            Outcome::Reject,
        );
    }
    decision
}

/// **4.5-9** 大力推行简单证明当场办结、复杂证明限时办结制,符合出具证明条件的,社区(村)组织应当在接到申请时根据掌握的信息,依法及时出具;需要调查核实的,应当及时完成调查核实工作并据实出具,最大限度地缩短办理时间,确保居民群众能办事、办成事。
///
/// 需要调查核实的……据实出具: a type that needs investigation is issued only with the
/// investigation record (`investigation_required`). Other types cite nothing here.
#[must_use]
pub fn investigation(needs_investigation: bool, recorded: bool) -> Decision {
    let mut decision = Decision::allow();
    if !needs_investigation {
        return decision;
    }
    decision.cite(clause!("4.5-9"));
    if !recorded {
        decision.push(
            Reason::new(
                clause!("4.5-9"),
                "investigation_required",
                "该证明事项需要调查核实：须完成调查核实并留存记录后据实出具",
            ),
            Outcome::Reject,
        );
    }
    decision
}

/// **4.5-9** 大力推行简单证明当场办结、复杂证明限时办结制,符合出具证明条件的,社区(村)组织应当在接到申请时根据掌握的信息,依法及时出具;需要调查核实的,应当及时完成调查核实工作并据实出具,最大限度地缩短办理时间,确保居民群众能办事、办成事。
///
/// 及时出具: issuing after the due date needs a recorded reason for the delay
/// (`overdue_without_delay_note`, rejected until it is recorded, so the ledger shows why); with
/// one, the delay is shown (`overdue_with_delay_note`) and the certificate goes out. Always
/// cited: the time limit is checked whenever there is one.
#[must_use]
pub fn time_limit(issued_on: Date, due: Date, delay_note: Option<&str>) -> Decision {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.5-9"));
    if issued_on <= due {
        return decision;
    }
    let due_text = due.to_string();
    match delay_note.map(str::trim).filter(|n| !n.is_empty()) {
        None => decision.push(
            Reason::new(
                clause!("4.5-9"),
                "overdue_without_delay_note",
                [
                    "已超过出具时限（应于",
                    &due_text,
                    "前出具）：须先登记延期原因",
                ]
                .concat(),
            ),
            Outcome::Reject,
        ),
        Some(note) => decision.push(
            Reason::new(
                clause!("4.5-9"),
                "overdue_with_delay_note",
                [
                    "超过出具时限（应于",
                    &due_text,
                    "前出具），延期原因：",
                    note,
                ]
                .concat(),
            ),
            Outcome::Allow,
        ),
    }
    decision
}

/// **4.5-12** 同时,对于属于《社区(村)组织出具证明事项清单》所列的不再保留的证明事项,现阶段如因政策措施衔接不到位或各类民商事主体明确要求,居民群众仍需办理的,社区(村)组织应本着便利居民群众办事创业的原则,对于属于自身职责范围内、且能够核实的,据实为居民群众出具相关证明。
///
/// 据实出具: a transitional certificate is issued only with the investigation record
/// (`transitional_investigation_required`). Always cited on the transitional path.
#[must_use]
pub fn transitional_investigation(recorded: bool) -> Decision {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.5-12"));
    if !recorded {
        decision.push(
            Reason::new(
                clause!("4.5-12"),
                "transitional_investigation_required",
                "不再保留的证明事项须据实出具：须完成调查核实并留存记录后方可出具",
            ),
            Outcome::Reject,
        );
    }
    decision
}

/// **4.5-13** 对于出具相关证明可能涉及法律风险的,社区(村)组织可在详细调查核实情况、采取灵活多样方式组织居民群众议事协商的基础上,予以充分评估并预先防范后出具。
///
/// A transitional certificate with legal risk needs, besides the investigation record that
/// [`transitional_investigation`] already requires, a deliberation record of any outcome
/// (`risk_deliberation_required`: the clause asks for consultation, not consent) and a risk
/// assessment with precautions (`risk_assessment_required`). Whether the assessment is
/// *sufficient* (充分) is for people.
#[must_use]
pub fn legal_risk_precautions(
    deliberation: Option<DeliberationOutcome>,
    risk_assessed: bool,
) -> Decision {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.5-13"));
    if deliberation.is_none() {
        decision.push(
            Reason::new(
                clause!("4.5-13"),
                "risk_deliberation_required",
                "出具该证明可能涉及法律风险：须先组织居民群众议事协商并留存记录",
            ),
            Outcome::Reject,
        );
    }
    if !risk_assessed {
        decision.push(
            Reason::new(
                clause!("4.5-13"),
                "risk_assessment_required",
                "出具该证明可能涉及法律风险：须予以充分评估并采取预先防范措施，留存评估记录",
            ),
            Outcome::Reject,
        );
    }
    decision
}

// Demands by departments.

/// Applies 4.5-4 (and 4.5-10 for an unlisted type) to a department's requirement that
/// communities issue a certificate.
#[must_use]
pub fn check_certificate_demand(facts: &CertificateDemandFacts<'_>) -> Decision {
    let mut decision = demand_basis(facts.basis.as_ref());
    if !facts.in_catalogue {
        decision.push(
            Reason::new(
                clause!("4.5-10"),
                "not_in_catalogue",
                "该证明事项不在社区(村)组织出具证明事项清单的保留事项中，社区(村)组织不予出具；确有法律法规依据的，须先由区(市、县)依法依规列入清单",
            ),
            Outcome::Reject,
        );
    }
    decision
}

/// **4.5-4** 凡是相关部门要求社区(村)组织出具证明事项的,应当同时提供由社区(村)组织出具此证明事项的有关依据。
///
/// The department supplies the basis with the requirement (`basis_cited`), else the demand is
/// rejected (`no_basis_provided`, or `basis_incomplete` without title, article or list name).
/// Always cited. Whether the basis really names the community as issuer is for the reviewer.
#[must_use]
pub fn demand_basis(basis: Option<&CertificateBasis<'_>>) -> Decision {
    let (reason, outcome) = basis_finding(
        clause!("4.5-4"),
        basis,
        "no_basis_provided",
        "相关部门要求社区(村)组织出具证明事项的，应当同时提供由社区(村)组织出具此证明事项的有关依据：未提供依据",
    );
    Decision::allow().with(reason, outcome)
}

/// The finding about a basis under `clause`: cited, incomplete, or missing with `missing_code`.
fn basis_finding(
    clause: ClauseId,
    basis: Option<&CertificateBasis<'_>>,
    missing_code: &'static str,
    missing_message: &'static str,
) -> (Reason, Outcome) {
    match basis {
        None => (
            Reason::new(clause, missing_code, missing_message),
            Outcome::Reject,
        ),
        Some(b) if !b.is_complete() => {
            let message = match b {
                CertificateBasis::Legal(_) => "法律法规依据须写明名称和具体条款",
                CertificateBasis::RetainedList { .. } => "保留证明事项清单依据须写明清单名称",
            };
            (
                Reason::new(clause, "basis_incomplete", message),
                Outcome::Reject,
            )
        }
        Some(b) => (
            Reason::new(clause, "basis_cited", ["依据：", &b.describe_zh()].concat()),
            Outcome::Allow,
        ),
    }
}
