//! Report forms as demands (填表报数, 4.8-3 and 4.9-2 … 4.9-4; issue 13 §2): a department that
//! wants communities or villages to fill a form files it as a demand of kind `form` before it
//! reaches any of them — its title, purpose, fields chosen from the data dictionary, the
//! respondent level, frequency, period, legal basis, and whether it is agricultural and which
//! rural-revitalisation work it dispatches. The rules of [`jianfu_rules::report_form`] decide at
//! once (each reason citing its clause); one they allow goes to the authority of the
//! department's level, who admits it with a number like every demand.
//!
//! A field is **pre-filled** (not asked) when its authoritative source is a department, so the
//! platform holds the value, and its sharing class lets the filing department read it
//! ([`SharingClass::readable`]; no 有条件 request is granted yet, so only 无条件 items and the
//! department's own are read). A 不予共享 item of another source is refused outright: a
//! department never reads one.
//!
//! The burden — minutes per field type × fields left to fill × target communities × returns
//! in the period — is computed before submission ([`App::assess_report_form`], the page's
//! 计算负担) and enters the burden ledger on admission as minutes per return × returns per year.
//! The admitted form's corner carries 表号 (its admission number), 制定机关, 批准机关, 批准文号
//! and 有效期限, statistics-law style ([`FormCorner`]), on its page and in the public lookup.

use std::collections::{BTreeMap, BTreeSet};

use jianfu_rules::{
    DistrictCap, FieldKind, FormField, Frequency, Outcome, ProperRespondent, ReportFormFacts,
    RuralWork, SharingClass, burden_minutes, check_report_form,
};
use jianfu_store::repo::{data_items, report_forms};
use serde::{Deserialize, Serialize};

use crate::clock::rules_date;
use crate::demand::{DecisionView, DemandKind, DemandStatus, DemandView, Level, LevelRoles};
use crate::demand_kinds::{Decided, period};
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::tree::NodeView;
use crate::{App, Ctx, text};

/// The most fields one form asks.
pub const MAX_FIELDS: usize = 50;

/// Who fills the form: communities (社区) or villages (村).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RespondentLevel {
    Community,
    Village,
}

impl RespondentLevel {
    pub const ALL: [RespondentLevel; 2] = [Self::Community, Self::Village];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Community => "community",
            Self::Village => "village",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Community => "社区",
            Self::Village => "村",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The tree's kind of node that fills it.
    fn node_kind(self) -> NodeKind {
        match self {
            Self::Community => NodeKind::Community,
            Self::Village => NodeKind::Village,
        }
    }
}

/// Returns of a frequency in one year (a one-off form: one).
pub const fn returns_per_year(f: Frequency) -> u32 {
    match f {
        Frequency::Once | Frequency::Yearly => 1,
        Frequency::Weekly => 52,
        Frequency::Monthly => 12,
        Frequency::Quarterly => 4,
        Frequency::HalfYearly => 2,
    }
}

/// The form a department files (page and API alike).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportFormForm {
    /// The department filing it; the caller's own when 0.
    pub requester_node_id: i64,
    pub title: String,
    /// What the data is collected for (用途).
    pub purpose: String,
    /// The data dictionary codes of its fields, in order.
    pub item_codes: Vec<String>,
    /// [`RespondentLevel::as_str`].
    pub respondent_level: String,
    /// [`ProperRespondent::as_str`]: who should properly fill it (4.9-4).
    pub proper_respondent: String,
    /// [`Frequency::as_str`].
    pub frequency: String,
    pub period_start: String,
    pub period_end: String,
    /// The law, regulation or document the form rests on (制表依据).
    pub legal_basis: String,
    /// An agricultural form (涉农报表, counted by 4.9-2).
    #[serde(deserialize_with = "crate::form::flag")]
    pub agricultural: bool,
    /// [`RuralWork::as_str`] of the 生产经营, 人居环境整治 or 生态文明建设 work it dispatches
    /// (4.9-3), or empty for none.
    pub rural_work: String,
    /// `scope`, `streets` or `communities`, as for work items.
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

/// One field of a form as stored and shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFieldDetails {
    pub code: String,
    pub name: String,
    /// [`FieldKind::as_str`].
    pub kind: String,
    pub unit: String,
    /// Pre-filled from shared data (4.8-3), not asked.
    pub prefilled: bool,
    /// The authoritative source whose data pre-fills it (or 社区(村) for an asked field).
    pub source_name: String,
    /// Minutes one return of this field costs when asked ([`FieldKind::minutes`]).
    pub minutes: u32,
}

impl FormFieldDetails {
    pub fn kind_zh(&self) -> &'static str {
        FieldKind::parse(&self.kind).map_or("—", FieldKind::label_zh)
    }
}

/// A form's own fields (the demand's JSON column).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFormDetails {
    pub purpose: String,
    pub fields: Vec<FormFieldDetails>,
    pub respondent_level: String,
    pub proper_respondent: String,
    pub frequency: String,
    pub legal_basis: String,
    pub agricultural: bool,
    pub rural_work: String,
    /// Minutes one return costs one community (the fields left to fill).
    pub minutes_per_return: u32,
    /// Returns over the whole period.
    pub returns: u32,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

impl ReportFormDetails {
    pub fn frequency_zh(&self) -> &'static str {
        Frequency::parse(&self.frequency).map_or("—", Frequency::label_zh)
    }
    pub fn respondent_level_zh(&self) -> &'static str {
        RespondentLevel::parse(&self.respondent_level).map_or("—", RespondentLevel::label_zh)
    }
    pub fn proper_respondent_zh(&self) -> &'static str {
        ProperRespondent::parse(&self.proper_respondent).map_or("—", ProperRespondent::label_zh)
    }
    /// 涉农 and its work, or 否.
    pub fn agricultural_zh(&self) -> String {
        match (self.agricultural, RuralWork::parse(&self.rural_work)) {
            (_, Some(w)) => format!("是（调度{}工作）", w.label_zh()),
            (true, None) => "是".into(),
            (false, None) => "否".into(),
        }
    }
    pub fn prefilled(&self) -> usize {
        self.fields.iter().filter(|f| f.prefilled).count()
    }
    /// A weekly or monthly agricultural form: what 4.9-2 counts against a district's cap.
    pub fn counts_against_cap(&self) -> bool {
        self.agricultural
            && Frequency::parse(&self.frequency).is_some_and(Frequency::more_often_than_quarterly)
    }
}

/// The statistics-law corner of an admitted form (表号, 制定机关, 批准机关, 批准文号, 有效期限).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormCorner {
    /// 表号: the admission number.
    pub form_number: String,
    /// 制定机关: the department that filed it.
    pub maker: String,
    /// 批准机关: the authority that admitted it.
    pub approver: String,
    /// 批准文号: the admission it was given (the admission number under the approver's name).
    pub approval_number: String,
    /// 有效期限 (YYYY-MM-DD, both days included).
    pub valid_from: String,
    pub valid_to: String,
}

impl FormCorner {
    /// The corner of an admitted (or once admitted) form; `None` before admission.
    pub fn of(d: &DemandView) -> Option<Self> {
        if d.kind != DemandKind::Form {
            return None;
        }
        Some(Self::new(
            d.admission_number.as_deref()?,
            &d.requester_name,
            d.authority_zh,
            d.valid_from.as_deref()?,
            d.valid_to.as_deref()?,
        ))
    }

    pub(crate) fn new(
        number: &str,
        maker: &str,
        approver: &str,
        valid_from: &str,
        valid_to: &str,
    ) -> Self {
        Self {
            form_number: number.to_owned(),
            maker: maker.to_owned(),
            approver: approver.to_owned(),
            approval_number: format!("准入编号 {number}"),
            valid_from: valid_from.to_owned(),
            valid_to: valid_to.to_owned(),
        }
    }
}

/// What a filed form would be: its fields (pre-filled ones marked with their source), its
/// burden and the rules' decision — shown before submission and stored on submission.
#[derive(Clone, Debug, Serialize)]
pub struct ReportFormAssessment {
    pub fields: Vec<FormFieldDetails>,
    /// Target communities (or villages) that fill it.
    pub respondents: u32,
    /// Returns over the period.
    pub returns: u32,
    /// Returns in one year (at most the period's).
    pub returns_per_year: u32,
    /// Minutes one return costs one community.
    pub minutes_per_return: u32,
    /// Minutes over the period, every community (the rules' [`burden_minutes`]).
    pub burden_minutes: u64,
    /// Hours per year for one community, and across every target community.
    pub hours_per_community: f64,
    pub hours_per_year: f64,
    /// Minutes the pre-filled fields save over the period, every community.
    pub minutes_saved: u64,
    pub decision: DecisionView,
}

/// Everything a checked form holds, for the preview and for storing.
struct Assessed {
    requester: NodeView,
    level: Level,
    scope: NodeView,
    title: String,
    targets: Vec<i64>,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
    details: ReportFormDetails,
    assessment: ReportFormAssessment,
}

/// The weekly and monthly agricultural forms among `running` that reach district `district_id`.
fn counted_in(running: &[report_forms::RunningTarget], district_id: i64) -> u32 {
    let marker = format!("/{district_id}/");
    let counted: BTreeSet<i64> = running
        .iter()
        .filter(|r| r.path.contains(&marker))
        .filter(|r| {
            serde_json::from_str::<ReportFormDetails>(&r.details)
                .is_ok_and(|x| x.counts_against_cap())
        })
        .map(|r| r.demand_id)
        .collect();
    u32::try_from(counted.len()).unwrap_or(u32::MAX)
}

/// The most a district's cap may be.
pub const MAX_AGRI_CAP: u32 = 100;

/// A district sets its cap (page and API alike).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AgriCapForm {
    /// Weekly and monthly agricultural forms allowed at once, 0–[`MAX_AGRI_CAP`].
    pub cap: String,
    /// The first day it is in force (`YYYY-MM-DD`), today or later.
    pub effective_from: String,
    /// The district's document or reason.
    pub note: String,
}

/// One value a district set.
#[derive(Clone, Debug, Serialize)]
pub struct AgriCapView {
    pub cap: i32,
    pub effective_from: String,
    pub note: String,
    pub set_by: String,
    pub set_at: String,
    /// The value in force today.
    pub in_force: bool,
}

/// A district's cap: the value in force today, the forms counted against it, every value set.
#[derive(Clone, Debug, Serialize)]
pub struct AgriCapsView {
    pub district: NodeView,
    pub in_force: Option<AgriCapView>,
    /// Weekly and monthly agricultural forms admitted and running there today.
    pub counted: u32,
    /// Every value, the latest effective day first.
    pub history: Vec<AgriCapView>,
    /// The reader may set a new value.
    pub can_set: bool,
    pub as_of: String,
}

fn choice<T>(
    p: &mut crate::Problems,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    field: &'static str,
    code: &'static str,
    message: &'static str,
) -> Option<T> {
    p.take(parse(value.trim()).ok_or_else(|| DomainError::field(field, code, message)))
}

impl App {
    /// The fields chosen, each read from the dictionary: pre-filled when a department's data
    /// the filer may read holds it; a 不予共享 item of another source refused.
    async fn form_fields(
        &self,
        p: &mut crate::Problems,
        codes: &[String],
        requester: &NodeView,
    ) -> Result<Vec<FormFieldDetails>> {
        let mut seen = BTreeSet::new();
        let codes: Vec<&str> = codes
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty() && seen.insert(*c))
            .collect();
        if codes.is_empty() {
            p.push(DomainError::field(
                "item_codes",
                "fields_required",
                "请至少从数据字典中选择一个字段",
            ));
            return Ok(Vec::new());
        }
        if codes.len() > MAX_FIELDS {
            p.push(DomainError::field(
                "item_codes",
                "fields_too_many",
                format!("一张报表不超过 {MAX_FIELDS} 个字段"),
            ));
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(codes.len());
        let mut names: BTreeMap<i64, String> = BTreeMap::new();
        for code in codes {
            let Some(item) = data_items::by_code(self.store.db(), code).await? else {
                p.push(DomainError::field(
                    "item_codes",
                    "data_item_unknown",
                    format!("数据字典中没有编码为 {code} 的数据项"),
                ));
                continue;
            };
            let (Some(kind), Some(class)) = (
                FieldKind::parse(&item.kind),
                SharingClass::parse(&item.sharing_class),
            ) else {
                return Err(DomainError::internal());
            };
            let own = item.source_node_id == Some(requester.id);
            if class == SharingClass::NotShared && !own {
                p.push(DomainError::field(
                    "item_codes",
                    "field_not_shared",
                    format!(
                        "数据项“{}”不予共享（{}），本部门不能采集或读取",
                        item.name, item.sharing_basis
                    ),
                ));
                continue;
            }
            let (prefilled, source_name) = match item.source_node_id {
                Some(id) if class.readable(own, false) => {
                    let name = match names.get(&id) {
                        Some(n) => n.clone(),
                        None => {
                            let n = self.find_node(id).await?.name;
                            names.insert(id, n.clone());
                            n
                        }
                    };
                    (true, name)
                }
                _ => (false, "社区(村)".to_owned()),
            };
            out.push(FormFieldDetails {
                code: item.code,
                name: item.name,
                kind: kind.as_str().to_owned(),
                unit: item.unit,
                prefilled,
                source_name,
                minutes: kind.minutes(),
            });
        }
        Ok(out)
    }

    /// The caps of the districts `targets` lie in, in force on `today`, and the weekly and
    /// monthly agricultural forms admitted and running there (4.9-2).
    async fn district_caps(
        &self,
        targets: &[report_forms::PlaceRow],
    ) -> Result<Vec<(String, Option<u32>, u32)>> {
        let db = self.store.db();
        let paths: Vec<&str> = targets.iter().map(|t| t.path.as_str()).collect();
        let districts =
            report_forms::ancestors_of_kind(db, &paths, NodeKind::District.as_str()).await?;
        let today = self.today().to_string();
        let running = report_forms::running_targets(
            db,
            DemandKind::Form.as_str(),
            DemandStatus::Admitted.as_str(),
            &today,
        )
        .await?;
        let mut out = Vec::with_capacity(districts.len());
        for d in districts {
            let cap = report_forms::cap_in_force(db, d.id, &today)
                .await?
                .map(|c| u32::try_from(c.cap).unwrap_or(0));
            let counted = counted_in(&running, d.id);
            out.push((d.name, cap, counted));
        }
        Ok(out)
    }

    /// Checks a form (every problem at once) and runs the rules on it: what it would be.
    async fn assess(&self, ctx: &Ctx, f: &ReportFormForm) -> Result<Assessed> {
        let (requester, level, scope) = self.requester_for(ctx, f.requester_node_id).await?;
        let mut p = crate::Problems::new();
        let title = text::visible(&f.title).to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            p.push(DomainError::field(
                "title",
                "title_invalid",
                "请填写报表名称（不超过 200 字）",
            ));
        }
        let purpose = text::visible(&f.purpose).to_owned();
        if purpose.is_empty() || purpose.chars().count() > 500 {
            p.push(DomainError::field(
                "purpose",
                "purpose_required",
                "请写明采集这些数据的用途（不超过 500 字）",
            ));
        }
        let fields = self.form_fields(&mut p, &f.item_codes, &requester).await?;
        let respondent_level = choice(
            &mut p,
            &f.respondent_level,
            RespondentLevel::parse,
            "respondent_level",
            "respondent_level_invalid",
            "请选择填报对象：社区或村",
        );
        let proper = choice(
            &mut p,
            &f.proper_respondent,
            ProperRespondent::parse,
            "proper_respondent",
            "proper_respondent_invalid",
            "请选择数据应当由谁填制",
        );
        let frequency = choice(
            &mut p,
            &f.frequency,
            Frequency::parse,
            "frequency",
            "frequency_invalid",
            "请选择填报频度：一次性、周报、月报、季报、半年报或年报",
        );
        let legal_basis = text::visible(&f.legal_basis).to_owned();
        if legal_basis.is_empty() || legal_basis.chars().count() > 200 {
            p.push(DomainError::field(
                "legal_basis",
                "legal_basis_required",
                "请填写制表依据（法律法规或文件名称及文号，不超过 200 字）",
            ));
        }
        let rural_work = match f.rural_work.trim() {
            "" => None,
            w => choice(
                &mut p,
                w,
                RuralWork::parse,
                "rural_work",
                "rural_work_invalid",
                "调度的乡村振兴工作只能是生产经营、人居环境整治、生态文明建设或其他涉农工作",
            ),
        };
        let (start, end) = period(&mut p, &f.period_start, &f.period_end);
        let returns = match (frequency, start, end) {
            (Some(fr), Some(s), Some(e)) if e >= s => {
                match jianfu_rules::report_form::occurrences(fr, rules_date(s)?, rules_date(e)?) {
                    Ok(n) => Some(n),
                    Err(err) => {
                        p.push(DomainError::field("period_end", err.code(), err.message()));
                        None
                    }
                }
            }
            _ => None,
        };
        let targets = p.take(
            self.resolve_targets(ctx, &scope, &f.target_mode, &f.target_ids)
                .await,
        );
        // The targets of the respondent level only.
        let places = match (&targets, respondent_level) {
            (Some(ids), Some(l)) => {
                let kind = l.node_kind().as_str();
                let mut rows = report_forms::places(self.store.db(), ids).await?;
                rows.retain(|r| r.kind == kind);
                if rows.is_empty() {
                    p.push(DomainError::field(
                        "target_ids",
                        "respondents_none",
                        format!("所选范围内没有{}，请调整填报对象或派发范围", l.label_zh()),
                    ));
                }
                rows.sort_by_key(|r| r.id);
                rows
            }
            _ => Vec::new(),
        };
        p.finish()?;
        let (
            Some(respondent_level),
            Some(proper),
            Some(frequency),
            Some(start),
            Some(end),
            Some(returns),
        ) = (respondent_level, proper, frequency, start, end, returns)
        else {
            return Err(DomainError::internal());
        };
        crate::demand::check_period_not_past(end, self.today())?;
        // A form dispatching rural-revitalisation work is agricultural.
        let agricultural = f.agricultural || rural_work.is_some();
        let rules_work = rural_work.or(agricultural.then_some(RuralWork::Other));
        let caps = self.district_caps(&places).await?;
        let district_facts: Vec<DistrictCap<'_>> = caps
            .iter()
            .map(|(name, cap, counted)| DistrictCap {
                district: name,
                cap: *cap,
                counted: *counted,
            })
            .collect();
        let rule_fields: Vec<FormField<'_>> = fields
            .iter()
            .map(|x| FormField {
                name: &x.name,
                kind: FieldKind::parse(&x.kind).unwrap_or(FieldKind::Text),
                shared: x.prefilled,
            })
            .collect();
        let decision = check_report_form(&ReportFormFacts {
            frequency,
            rural_work: rules_work,
            proper_respondent: proper,
            fields: &rule_fields,
            districts: &district_facts,
        });
        let respondents = u32::try_from(places.len()).map_err(|_| DomainError::internal())?;
        let minutes_per_return: u32 = fields
            .iter()
            .filter(|x| !x.prefilled)
            .map(|x| x.minutes)
            .sum();
        let all_minutes: u32 = fields.iter().map(|x| x.minutes).sum();
        let per_year = returns.min(returns_per_year(frequency));
        let burden = burden_minutes(&rule_fields, respondents, returns);
        let asked = u64::from(all_minutes) * u64::from(respondents) * u64::from(returns);
        let hours_per_community = f64::from(minutes_per_return) * f64::from(per_year) / 60.0;
        let details = ReportFormDetails {
            purpose,
            fields: fields.clone(),
            respondent_level: respondent_level.as_str().to_owned(),
            proper_respondent: proper.as_str().to_owned(),
            frequency: frequency.as_str().to_owned(),
            legal_basis,
            agricultural,
            rural_work: rural_work
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
            minutes_per_return,
            returns,
            target_mode: f.target_mode.clone(),
            target_ids: f.target_ids.clone(),
        };
        Ok(Assessed {
            requester,
            level,
            scope,
            title,
            targets: places.iter().map(|r| r.id).collect(),
            start,
            end,
            details,
            assessment: ReportFormAssessment {
                fields,
                respondents,
                returns,
                returns_per_year: per_year,
                minutes_per_return,
                burden_minutes: burden,
                hours_per_community,
                hours_per_year: hours_per_community * f64::from(respondents),
                minutes_saved: asked.saturating_sub(burden),
                decision: DecisionView::from_decision(&decision),
            },
        })
    }

    /// What the form would be if filed now — its fields (pre-filled ones with their source),
    /// its burden and the rules' decision — without storing anything (the page's 计算负担).
    pub async fn assess_report_form(
        &self,
        ctx: &Ctx,
        f: &ReportFormForm,
    ) -> Result<ReportFormAssessment> {
        Ok(self.assess(ctx, f).await?.assessment)
    }

    /// A department files a report form aimed at communities or villages: every problem of
    /// the form at once; then the rules decide at once — rejected with the clauses, or
    /// submitted to the authority of the department's level, who admits it with a number. Its
    /// burden enters the ledger once admitted.
    pub async fn create_report_form(&self, ctx: &Ctx, f: &ReportFormForm) -> Result<DemandView> {
        let a = self.assess(ctx, f).await?;
        let status = crate::demand::route_of(
            if a.assessment.decision.outcome == "reject" {
                Outcome::Reject
            } else {
                Outcome::Allow
            },
            false,
        );
        let minutes =
            i32::try_from(a.details.minutes_per_return).map_err(|_| DomainError::internal())?;
        let per_year =
            i32::try_from(a.assessment.returns_per_year).map_err(|_| DomainError::internal())?;
        let description = format!(
            "{}报表：{} 个字段（{} 个由共享数据预填），{} 份/年",
            a.details.frequency_zh(),
            a.details.fields.len(),
            a.details.prefilled(),
            a.assessment.returns_per_year
        );
        self.store_decided(
            ctx,
            Decided {
                kind: DemandKind::Form,
                action: "demand.create_report_form",
                title: &a.title,
                description: &description,
                requester: &a.requester,
                level: a.level,
                scope: &a.scope,
                status,
                authority: a.level.authority().0.as_str(),
                details: serde_json::to_string(&a.details).map_err(|_| DomainError::internal())?,
                legal_basis: (None, Some(a.details.legal_basis.clone()), None),
                start: a.start,
                end: a.end,
                decision: &a.assessment.decision,
                targets: &a.targets,
                burden: (minutes, per_year),
            },
        )
        .await
    }

    /// The data items a form may ask, for the page's multi-select: (code, name, type, source,
    /// sharing class) of every item, by code.
    pub async fn form_items(&self, ctx: &Ctx) -> Result<Vec<crate::data_dictionary::DataItemView>> {
        let req = crate::page::PageRequest {
            page: 1,
            per_page: 200,
        };
        Ok(self
            .list_data_items(ctx, &Default::default(), req)
            .await?
            .items)
    }
}

impl App {
    async fn district_node(&self, district_id: i64) -> Result<NodeView> {
        let n = self.find_node(district_id).await?;
        if n.kind != NodeKind::District {
            return Err(DomainError::not_found("区(市、县)"));
        }
        Ok(n)
    }

    /// District `district_id`'s cap on weekly and monthly agricultural forms (4.9-2): the value
    /// in force today, the forms it counts, and every value set. Staff who see demands in the
    /// district or over it read it.
    pub async fn agri_caps(&self, ctx: &Ctx, district_id: i64) -> Result<AgriCapsView> {
        let district = self.district_node(district_id).await?;
        // Staff who see demands anywhere in the district (its streets and communities too) or
        // over it read the cap that governs the forms reaching it.
        let scope = self
            .visible_or_deny(
                ctx,
                crate::authz::Action::ViewDemands,
                "您的角色不能查看报表上限",
            )
            .await?;
        if !reads_cap_of(&scope, &district.path) {
            self.record_denial(ctx, crate::authz::Action::ViewDemands, Some(district.id))
                .await;
            return Err(DomainError::forbidden(format!(
                "{}不在您的管辖范围内",
                district.name
            )));
        }
        let db = self.store.db();
        let today = self.today().to_string();
        let current = report_forms::cap_in_force(db, district.id, &today).await?;
        let view = |r: &report_forms::AgriCapRow| AgriCapView {
            cap: r.cap,
            effective_from: r.effective_from.clone(),
            note: r.note.clone(),
            set_by: r.set_by_name.clone(),
            set_at: crate::clock::fmt_ms(r.set_at),
            in_force: current.as_ref().is_some_and(|c| c.id == r.id),
        };
        let history = report_forms::cap_history(db, district.id)
            .await?
            .iter()
            .map(view)
            .collect();
        let running = report_forms::running_targets(
            db,
            DemandKind::Form.as_str(),
            DemandStatus::Admitted.as_str(),
            &today,
        )
        .await?;
        Ok(AgriCapsView {
            in_force: current.as_ref().map(view),
            counted: counted_in(&running, district.id),
            history,
            can_set: crate::authz::authorize(
                &ctx.principal,
                crate::authz::Action::SetAgriFormCap,
                &district.target(),
            )
            .is_ok(),
            district,
            as_of: today,
        })
    }

    /// The districts whose cap `ctx` may read ([`App::agri_caps`]), by path: the report form
    /// page links each one's cap. None for a role that sees no demands.
    pub async fn agri_cap_districts(&self, ctx: &Ctx) -> Result<Vec<(i64, String)>> {
        let scope = crate::authz::visible(&ctx.principal, crate::authz::Action::ViewDemands);
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        Ok(
            report_forms::nodes_of_kind(self.store.db(), NodeKind::District.as_str())
                .await?
                .into_iter()
                .filter(|d| reads_cap_of(&scope, &d.path))
                .map(|d| (d.id, d.name))
                .collect(),
        )
    }

    /// The district's Party committee and government set its cap (4.9-2): a value in force
    /// from a day (today or later; a past day would rewrite what the rule read then), one per
    /// day, every value kept, audited. Every problem of the form at once.
    pub async fn set_agri_cap(
        &self,
        ctx: &Ctx,
        district_id: i64,
        f: &AgriCapForm,
    ) -> Result<AgriCapsView> {
        let district = self.district_node(district_id).await?;
        self.check(
            ctx,
            crate::authz::Action::SetAgriFormCap,
            &district.target(),
        )
        .await?;
        let mut p = crate::Problems::new();
        let cap = p.take(
            f.cap
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|c| *c <= MAX_AGRI_CAP)
                .ok_or_else(|| {
                    DomainError::field(
                        "cap",
                        "agri_cap_invalid",
                        format!("上限应为 0 至 {MAX_AGRI_CAP} 的整数（张）"),
                    )
                }),
        );
        let from = p.take(crate::demand::parse_named_date(
            &f.effective_from,
            "effective_from",
            "生效日期",
        ));
        let today = self.today();
        if from.is_some_and(|d| d < today) {
            p.push(DomainError::field(
                "effective_from",
                "agri_cap_backdated",
                format!("生效日期不能早于今天（{today}）：已生效的上限不能追溯修改"),
            ));
        }
        let note = text::visible(&f.note).to_owned();
        if note.is_empty() || note.chars().count() > 200 {
            p.push(DomainError::field(
                "note",
                "agri_cap_note_required",
                "请填写设定依据（文件文号或说明，不超过 200 字）",
            ));
        }
        p.finish()?;
        let (Some(cap), Some(from)) = (cap, from) else {
            return Err(DomainError::internal());
        };
        let day = from.to_string();
        let db = self.store.db();
        if report_forms::cap_on_day(db, district.id, &day)
            .await?
            .is_some()
        {
            return Err(DomainError {
                field: Some("effective_from"),
                ..DomainError::conflict(
                    "agri_cap_day_taken",
                    format!(
                        "{}已设定自 {day} 起的上限；如需调整，请另选生效日期",
                        district.name
                    ),
                )
            });
        }
        let before = report_forms::cap_in_force(db, district.id, &day).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let id = report_forms::insert_cap(
            tx.conn(),
            report_forms::AgriCapRow {
                id: 0,
                district_node_id: district.id,
                cap: i32::try_from(cap).map_err(|_| DomainError::internal())?,
                effective_from: day.clone(),
                note: note.clone(),
                set_by: ctx.principal.account_id,
                set_by_name: ctx.principal.username.clone(),
                set_at: now,
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "report_form.set_agri_cap",
            "agri_form_cap",
            Some(id.to_string()),
            serde_json::json!({
                "district": district.name, "cap": cap, "effective_from": day,
                "previous": before.map(|b| b.cap), "note": note, "clause": "4.9-2",
            }),
        ))
        .await?;
        tx.commit().await?;
        self.agri_caps(ctx, district.id).await
    }
}

/// Whether staff who see demands in `scope` read the cap of the district at `path`: the scope
/// reaches into the district (its streets and communities too) or over it.
fn reads_cap_of(scope: &crate::authz::Scope, path: &str) -> bool {
    scope
        .subtrees()
        .iter()
        .any(|s| path.starts_with(s.as_str()) || s.starts_with(path))
}
