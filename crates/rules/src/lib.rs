//! Rules-as-code for 鞍民发〔2021〕18号: every decision the product makes about a demand on the
//! grassroots is computed here, as pure functions that cite the clauses they apply.
//!
//! The crate has no IO. Three building blocks are shared by every rule:
//!
//! - [`ClauseId`] and the [`clause!`] macro: the only way code cites the policy. The macro checks
//!   at compile time that the ID is well formed and present in `policy/anshan-2021-18.md`, and the
//!   coverage test (`tests/coverage.rs`) finds citations by scanning source for `clause!("`.
//! - [`Decision`], [`Outcome`] and [`Reason`]: what a rule returns.
//! - [`policy::Policy`]: the clause-numbered policy text, parsed and validated, for display
//!   (quoting a clause next to a decision) and for the coverage test.
//! - [`Lists`] and [`Date`]: values the policy leaves to decree (categories, banned kinds), as
//!   dated data from `data/`, read as in force on the date a decision is made.
//!
//! The rules themselves, one module per item of the policy:
//!
//! - [`work_item`]: work-item admission (工作事项准入, 4.2), [`check_work_item`].
//! - [`plaque`]: plaques of streets, towns, communities and villages (挂牌, 4.1 and 4.4) against
//!   the street plaque list and the community whitelist, temporary plaques, self-inspection and
//!   agency demands, [`check_plaque`], [`check_temporary_plaque`], [`check_self_inspection`],
//!   [`check_agency_requirement`].
//! - [`certificate`]: certificates issued by communities (出具证明, 4.5): catalogue entries,
//!   applications, issue and departments' demands, [`check_certificate_type`],
//!   [`check_application`], [`check_issue`], [`check_certificate_demand`].
//! - [`evaluation`]: evaluations aimed at communities (考核评比, 4.3): mandate, no separate
//!   assessment by a department, no one-vote veto, [`check_evaluation`].
//! - [`comprehensive`]: the district's comprehensive evaluation of communities (4.3-4): the
//!   design's weights, resident satisfaction, totals and ranking, [`comprehensive::check_design`].
//! - [`report_form`]: report forms asked of communities (填表报数, 4.8-3, 4.9-2 … 4.9-4): data
//!   collected once, rural-revitalisation dispatches quarterly, the district's cap on weekly and
//!   monthly agricultural forms, the proper respondent, and the burden,
//!   [`check_report_form`], [`burden_minutes`].
//! - [`monitoring`]: monitoring points (减负监测点, 4.1-8): the monthly checklist, each "yes"
//!   a finding under the clause that cleared it, which months may be answered and which are
//!   missed, [`monitoring::answerable`], [`monitoring::missed`].
//! - [`person_data`]: person-level records (人员明细, 4.8-3): which reads are written to the
//!   access log, and what an export of personal data needs, [`person_data::check_export`].
//! - [`calendar`]: working days (工作日) on the State Council's holiday calendar, dated data
//!   from `data/holidays/`, for the time limits of 4.5-9, [`Calendar::due_date`].
//! - [`grouping`]: whether a report is the same violation as a filed case (5.3-2, 5.3-3):
//!   joined to it, reopening it, or apart, [`grouping::same_violation`].

pub mod calendar;
pub mod certificate;
pub mod clause;
pub mod comprehensive;
pub mod date;
pub mod decision;
pub mod department_rating;
pub mod detection;
pub mod evaluation;
pub mod form_return;
pub mod grouping;
pub mod lists;
pub mod monitoring;
pub mod person_data;
pub mod plaque;
pub mod policy;
pub mod report_form;
pub mod supervision;
pub mod work_item;

pub use calendar::{Calendar, CalendarError, Holiday, HolidayCalendar};
pub use certificate::{
    AlternativeRoute, ApplicationFacts, CatalogueOrigin, CatalogueStatus, CertificateBasis,
    CertificateDemandFacts, CertificateTypeFacts, DeliberationOutcome, GuideField, IssueFacts,
    IssuePath, Processing, RetainedListApprover, ServiceGuide, TransitionalNeed, check_application,
    check_certificate_demand, check_certificate_type, check_issue,
};
pub use clause::ClauseId;
pub use date::{Date, DateError, Weekday};
pub use decision::{Decision, Outcome, Reason};
pub use evaluation::{
    EvaluationFacts, EvaluationKind, Indicator, Organisation, check_evaluation, veto_wording,
};
pub use lists::{Category, CategoryKind, ListError, Lists};
pub use plaque::{
    AgencyDemands, AgencyRequirementFacts, Mandate, MandateLevel, Placement, PlaqueEntry,
    PlaqueFacts, PlaqueFile, PlaqueKind, PlaqueListError, PlaqueListProblem, PlaqueLists,
    PlaqueRuling, SelfInspectionFacts, StaffingApproval, TemporaryPlaqueFacts, UnitKind,
    UnitPlaces, check_agency_requirement, check_plaque, check_self_inspection,
    check_temporary_plaque, self_inspection_deadline,
};
pub use policy::{Policy, PolicyError};
pub use report_form::{
    DistrictCap, FieldKind, FormField, Frequency, PeriodError, ProperRespondent, ReportFormFacts,
    RuralWork, SharingClass, burden_minutes, check_report_form,
};
pub use work_item::{
    Authority, CommunityRole, Funding, LegalBasis, LegalBasisKind, Level, ServiceNature,
    WorkItemFacts, WorkItemRuling, check_work_item, check_work_item_text,
};
