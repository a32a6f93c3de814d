//! Report forms asked of communities and villages (填表报数, 4.8 and 4.9): a department's form,
//! filed as a demand before it reaches any community, and the data dictionary it draws on.
//!
//! What this module decides, each citing its clause:
//!
//! - **4.8-3** data is collected once: a field whose value the platform already holds with a
//!   sharing class that lets the filing department read it is pre-filled, not asked again; a
//!   form all of whose fields are shared is rejected ("use the shared data").
//! - **4.9-2** weekly and monthly agricultural report forms (涉农报表, `agri_report_form`)
//!   count against a cap each district sets (dated data; the policy gives no number); over the
//!   cap, or with no cap set, the form is rejected for that district.
//! - **4.9-3** a form dispatching 生产经营, 人居环境整治 or 生态文明建设 work is filled quarterly
//!   or half-yearly (or less often); weekly and monthly ones are rejected.
//! - **4.9-4** a form whose proper respondent is a new agricultural entity (新型农业经营主体,
//!   `new_agri_entity`: 家庭农场, 农民合作社, 农业企业) or whose work belongs to the street/town
//!   government is not passed to communities.
//!
//! And two computations the decision rests on: how often a frequency falls in a period
//! ([`occurrences`], an error when it does not fit once), and the burden in minutes
//! ([`burden_minutes`]: minutes per field type × fields left to fill × respondents ×
//! occurrences).

use serde::{Deserialize, Serialize};

use crate::{Date, Decision, Outcome, Reason, clause};

/// How often a form is filled (填报频度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// 一次性.
    Once,
    /// 周报.
    Weekly,
    /// 月报.
    Monthly,
    /// 季报.
    Quarterly,
    /// 半年报.
    HalfYearly,
    /// 年报.
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 6] = [
        Self::Once,
        Self::Weekly,
        Self::Monthly,
        Self::Quarterly,
        Self::HalfYearly,
        Self::Yearly,
    ];

    /// The text stored and sent (stable).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Once => "once",
            Self::Weekly => "weekly",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::HalfYearly => "half_yearly",
            Self::Yearly => "yearly",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Once => "一次性",
            Self::Weekly => "周报",
            Self::Monthly => "月报",
            Self::Quarterly => "季报",
            Self::HalfYearly => "半年报",
            Self::Yearly => "年报",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Weekly or monthly: the reports 4.9-2 caps and 4.9-3 forbids for rural-revitalisation
    /// dispatches (more often than quarterly).
    #[must_use]
    pub const fn more_often_than_quarterly(self) -> bool {
        matches!(self, Self::Weekly | Self::Monthly)
    }
}

/// Why a period does not fit a frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// The period ends before it starts.
    Reversed,
    /// The period is shorter than one cycle of the frequency (a weekly form over two days).
    TooShort,
}

impl PeriodError {
    /// Stable code for the API.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Reversed => "period_reversed",
            Self::TooShort => "frequency_period_mismatch",
        }
    }

    /// Chinese message for users.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::Reversed => "填报期间的结束日期早于开始日期",
            Self::TooShort => "填报期间短于一个填报周期，频度与期间不相符",
        }
    }
}

/// Whole calendar months from `start` up to the day after `end` (both inclusive): January 1 to
/// January 31 is one month, January 15 to February 13 is none.
fn whole_months(start: Date, end: Date) -> i32 {
    let after = end.next_day().unwrap_or(end);
    let months =
        (after.year() - start.year()) * 12 + i32::from(after.month()) - i32::from(start.month());
    if after.day() < start.day() {
        months - 1
    } else {
        months
    }
}

/// How many times a form of `frequency` is filled over `start..=end`: once for a one-off form,
/// otherwise the whole cycles (weeks of seven days, months, quarters, half years, years) the
/// period holds. An error when the period is reversed or holds no whole cycle.
pub fn occurrences(frequency: Frequency, start: Date, end: Date) -> Result<u32, PeriodError> {
    let days = Date::days_between(start, end) + 1;
    if days < 1 {
        return Err(PeriodError::Reversed);
    }
    let months = whole_months(start, end);
    let n = match frequency {
        Frequency::Once => 1,
        Frequency::Weekly => days / 7,
        Frequency::Monthly => months,
        Frequency::Quarterly => months / 3,
        Frequency::HalfYearly => months / 6,
        Frequency::Yearly => months / 12,
    };
    u32::try_from(n)
        .ok()
        .filter(|n| *n > 0)
        .ok_or(PeriodError::TooShort)
}

/// The type of a data item (数据项类型).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// 整数.
    Integer,
    /// 小数.
    Decimal,
    /// 文本.
    Text,
    /// 日期.
    Date,
    /// 选项 (a choice list with its options).
    Choice,
    /// 人员明细 (a list of person-level records).
    PersonRecord,
}

impl FieldKind {
    pub const ALL: [FieldKind; 6] = [
        Self::Integer,
        Self::Decimal,
        Self::Text,
        Self::Date,
        Self::Choice,
        Self::PersonRecord,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Text => "text",
            Self::Date => "date",
            Self::Choice => "choice",
            Self::PersonRecord => "person_record",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Integer => "整数",
            Self::Decimal => "小数",
            Self::Text => "文本",
            Self::Date => "日期",
            Self::Choice => "选项",
            Self::PersonRecord => "人员明细",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Minutes a community worker spends finding and entering one value of this type once:
    /// a count or a date is looked up (2 and 1), a decimal is measured or summed (3), a text is
    /// written (5), a choice is ticked (1), a person-level list is compiled record by record
    /// (30). The product's estimate; the policy names no figure.
    #[must_use]
    pub const fn minutes(self) -> u32 {
        match self {
            Self::Integer => 2,
            Self::Decimal => 3,
            Self::Text => 5,
            Self::Date | Self::Choice => 1,
            Self::PersonRecord => 30,
        }
    }
}

/// The sharing class of a data item (共享属性, 国发〔2016〕51号).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharingClass {
    /// 无条件共享: every department may read it.
    Unconditional,
    /// 有条件共享: read once the owner has granted a request stating its purpose.
    Conditional,
    /// 不予共享: only its authoritative source reads it; the item records the legal reason.
    NotShared,
}

impl SharingClass {
    pub const ALL: [SharingClass; 3] = [Self::Unconditional, Self::Conditional, Self::NotShared];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unconditional => "unconditional",
            Self::Conditional => "conditional",
            Self::NotShared => "not_shared",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Unconditional => "无条件共享",
            Self::Conditional => "有条件共享",
            Self::NotShared => "不予共享",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether a department may read an item of this class: its own items always; an
    /// unconditional item always; a conditional one once its request was granted; a 不予共享
    /// item never.
    #[must_use]
    pub const fn readable(self, reader_is_source: bool, granted: bool) -> bool {
        reader_is_source
            || match self {
                Self::Unconditional => true,
                Self::Conditional => granted,
                Self::NotShared => false,
            }
    }
}

/// The rural-revitalisation work an agricultural (涉农) form dispatches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuralWork {
    /// 生产经营.
    Production,
    /// 人居环境整治.
    LivingEnvironment,
    /// 生态文明建设.
    Ecology,
    /// 其他涉农工作: agricultural, so capped by 4.9-2, but none of the works 4.9-3 names.
    Other,
}

impl RuralWork {
    pub const ALL: [RuralWork; 4] = [
        Self::Production,
        Self::LivingEnvironment,
        Self::Ecology,
        Self::Other,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::LivingEnvironment => "living_environment",
            Self::Ecology => "ecology",
            Self::Other => "other",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Production => "生产经营",
            Self::LivingEnvironment => "人居环境整治",
            Self::Ecology => "生态文明建设",
            Self::Other => "其他涉农工作",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// One of the dispatches 4.9-3 names.
    #[must_use]
    pub const fn dispatched_quarterly(self) -> bool {
        !matches!(self, Self::Other)
    }
}

/// Who should properly fill the form (应当由谁填制).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProperRespondent {
    /// 社区(村)组织: the data is the community's own.
    Community,
    /// 家庭农场.
    FamilyFarm,
    /// 农民合作社.
    Cooperative,
    /// 农业企业.
    AgriculturalEnterprise,
    /// 街道(乡镇)政府: collecting, sorting and summing it is the street's or town's work.
    StreetGovernment,
}

impl ProperRespondent {
    pub const ALL: [ProperRespondent; 5] = [
        Self::Community,
        Self::FamilyFarm,
        Self::Cooperative,
        Self::AgriculturalEnterprise,
        Self::StreetGovernment,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Community => "community",
            Self::FamilyFarm => "family_farm",
            Self::Cooperative => "cooperative",
            Self::AgriculturalEnterprise => "agricultural_enterprise",
            Self::StreetGovernment => "street_government",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Community => "社区(村)组织",
            Self::FamilyFarm => "家庭农场",
            Self::Cooperative => "农民合作社",
            Self::AgriculturalEnterprise => "农业企业",
            Self::StreetGovernment => "街道(乡镇)政府",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One field of a form as the rules read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FormField<'a> {
    /// The data item's name, quoted in messages.
    pub name: &'a str,
    pub kind: FieldKind,
    /// The platform already holds the value and the department may read it (its sharing class
    /// lets it, see [`SharingClass::readable`]): pre-filled, not asked.
    pub shared: bool,
}

/// A district the form reaches and its cap on weekly and monthly agricultural forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DistrictCap<'a> {
    /// The district's name, quoted in messages.
    pub district: &'a str,
    /// The cap in force on the day of the decision; `None` when the district has set none.
    pub cap: Option<u32>,
    /// Weekly and monthly agricultural forms already admitted and still running there.
    pub counted: u32,
}

/// A report form as the rules read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReportFormFacts<'a> {
    pub frequency: Frequency,
    /// `Some` for an agricultural form (涉农报表), naming the work it dispatches.
    pub rural_work: Option<RuralWork>,
    pub proper_respondent: ProperRespondent,
    pub fields: &'a [FormField<'a>],
    /// The districts the form reaches, with their caps.
    pub districts: &'a [DistrictCap<'a>],
}

/// **4.8-3** 规范各类业务应用系统的共享范围、共享方式和共享标准,实现数据一次采集、资源多方共享。
///
/// Cited always. Shared fields are pre-filled (`fields_prefilled`, allowed, naming them);
/// a form with fields all of which are shared is rejected (`use_shared_data`).
#[must_use]
pub fn collected_once(fields: &[FormField<'_>]) -> Decision {
    let c = clause!("4.8-3");
    let mut d = Decision::allow();
    d.cite(c);
    let shared: Vec<&str> = fields
        .iter()
        .filter(|f| f.shared)
        .map(|f| f.name.trim())
        .collect();
    if shared.is_empty() {
        return d;
    }
    let names = shared.join("、");
    if shared.len() == fields.len() {
        d.push(
            Reason::new(
                c,
                "use_shared_data",
                [
                    "所有字段（",
                    names.as_str(),
                    "）平台已有且本部门可共享读取，请直接使用共享数据，不再要求社区(村)填报",
                ]
                .concat(),
            ),
            Outcome::Reject,
        );
    } else {
        d.push(
            Reason::new(
                c,
                "fields_prefilled",
                [
                    "平台已有且本部门可共享读取的字段（",
                    names.as_str(),
                    "）将预先填好，不再要求社区(村)填报",
                ]
                .concat(),
            ),
            Outcome::Allow,
        );
    }
    d
}

/// **4.9-3** 对生产经营、人居环境整治、生态文明建设等乡村振兴相关工作调度的,应当按季度或者半年填报。
///
/// Cited for a form dispatching one of the three works; weekly and monthly ones are rejected
/// (`rural_dispatch_too_frequent`). Other forms: nothing cited.
#[must_use]
pub fn rural_dispatch_quarterly(frequency: Frequency, rural_work: Option<RuralWork>) -> Decision {
    let mut d = Decision::allow();
    let Some(work) = rural_work.filter(|w| w.dispatched_quarterly()) else {
        return d;
    };
    let c = clause!("4.9-3");
    d.cite(c);
    if frequency.more_often_than_quarterly() {
        d.push(
            Reason::new(
                c,
                "rural_dispatch_too_frequent",
                [
                    work.label_zh(),
                    "等乡村振兴相关工作的调度应当按季度或者半年填报，不得按",
                    frequency.label_zh(),
                    "填报",
                ]
                .concat(),
            ),
            Outcome::Reject,
        );
    }
    d
}

/// **4.9-2** 各区(市、县)要……大幅压缩社区(村)组织填制涉农材料报表频度,严格控制周、月报表数量。
///
/// Cited for a weekly or monthly agricultural form. For each district it reaches: rejected when
/// the district has set no cap (`agri_cap_unset`) or when this form would pass it
/// (`agri_cap_exceeded`, naming the cap and the forms counted). Other forms: nothing
/// cited.
#[must_use]
pub fn agri_cap(
    frequency: Frequency,
    rural_work: Option<RuralWork>,
    districts: &[DistrictCap<'_>],
) -> Decision {
    let mut d = Decision::allow();
    if rural_work.is_none() || !frequency.more_often_than_quarterly() {
        return d;
    }
    let c = clause!("4.9-2");
    d.cite(c);
    for district in districts {
        let name = district.district.trim();
        match district.cap {
            None => d.push(
                Reason::new(
                    c,
                    "agri_cap_unset",
                    [
                        name,
                        "尚未设定周、月涉农报表数量上限，不能再向其社区(村)下发周报、月报",
                    ]
                    .concat(),
                ),
                Outcome::Reject,
            ),
            Some(cap) if district.counted >= cap => d.push(
                Reason::new(
                    c,
                    "agri_cap_exceeded",
                    format!(
                        "{name}的周、月涉农报表上限为{cap}张，已有{}张在填报，不能再增加",
                        district.counted
                    ),
                ),
                Outcome::Reject,
            ),
            Some(_) => {}
        }
    }
    d
}

/// **4.9-4** 禁止将应当由家庭农场、农民合作社、农业企业等新型农业经营主体填制材料报表,转给社区(村)组织填制报送;或者应当由街道(乡镇)政府收集、整理、汇总的涉农材料报表工作,转嫁给社区(村)组织负责。
///
/// Cited always. Rejected when the proper respondent is a new agricultural entity (新型农业经营主体, `new_agri_entity`)
/// (`respondent_is_new_agri_entity`) or the street/town government
/// (`work_of_street_government`).
#[must_use]
pub fn proper_respondent(respondent: ProperRespondent) -> Decision {
    let c = clause!("4.9-4");
    let mut d = Decision::allow();
    d.cite(c);
    match respondent {
        ProperRespondent::Community => {}
        ProperRespondent::StreetGovernment => d.push(
            Reason::new(
                c,
                "work_of_street_government",
                "应当由街道(乡镇)政府收集、整理、汇总的报表工作，不得转嫁给社区(村)组织负责",
            ),
            Outcome::Reject,
        ),
        operator => d.push(
            Reason::new(
                c,
                "respondent_is_new_agri_entity",
                [
                    "应当由",
                    operator.label_zh(),
                    "等新型农业经营主体填制的报表，不得转给社区(村)组织填制报送",
                ]
                .concat(),
            ),
            Outcome::Reject,
        ),
    }
    d
}

/// Every rule on one report form: 4.9-4, 4.9-3, 4.9-2 and 4.8-3, in that order.
#[must_use]
pub fn check_report_form(facts: &ReportFormFacts<'_>) -> Decision {
    let mut d = proper_respondent(facts.proper_respondent);
    d.merge(rural_dispatch_quarterly(facts.frequency, facts.rural_work));
    d.merge(agri_cap(facts.frequency, facts.rural_work, facts.districts));
    d.merge(collected_once(facts.fields));
    d
}

/// The burden of a form in minutes: for every field left to fill (not shared), its type's
/// [`FieldKind::minutes`], times the respondents, times the occurrences in the period
/// (saturating: no real form comes near `u64::MAX` minutes).
#[must_use]
pub fn burden_minutes(fields: &[FormField<'_>], respondents: u32, occurrences: u32) -> u64 {
    let per_return: u64 = fields
        .iter()
        .filter(|f| !f.shared)
        .map(|f| u64::from(f.kind.minutes()))
        .sum();
    per_return
        .saturating_mul(u64::from(respondents))
        .saturating_mul(u64::from(occurrences))
}
