//! Evaluations aimed at communities and villages (考核评比, 4.3): a department's 达标, 检查,
//! 评比, 示范创建 or 督查 activity, filed as a demand before it reaches any community.
//!
//! Three rules, each citing its clause:
//!
//! - **4.3-2** the activity needs an explicit mandate of 党中央/国务院, 省委/省政府 or
//!   市委/市政府, recorded with its document number; anything else is cancelled.
//! - **4.3-3** a functional department does not organise a community-level assessment (达标,
//!   评比: the kinds that score or rank communities) on its own: it may only enter the district's
//!   comprehensive evaluation (4.3-4) as an indicator.
//! - **4.3-5** no one-vote veto (一票否决): neither an indicator flagged so, nor a text that says
//!   a single item decides the whole result ("实行一票否决", "总分记零", "直接评为不合格",
//!   "取消评优评先资格" …). The reason quotes the text that matched and where.
//!
//! And at the community's door, [`on_site_check`] (4.2-5 with 4.3-2): an on-site check whose
//! activity shows no admitted number in force for this community may be refused and reported.

use serde::{Deserialize, Serialize};

use crate::plaque::Mandate;
use crate::{ClauseId, Decision, Outcome, Reason, clause};

/// The kind of activity (4.3-2 names 达标、检查评比和示范创建; 督查 is the 2024 central rules'
/// word for the inspections that come with them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationKind {
    /// 达标: communities are measured against a standard.
    Compliance,
    /// 检查: an inspection.
    Inspection,
    /// 评比: communities are compared and ranked.
    Appraisal,
    /// 示范创建: a model-community campaign.
    Demonstration,
    /// 督查: a supervisory inspection.
    Supervision,
}

impl EvaluationKind {
    pub const ALL: [EvaluationKind; 5] = [
        Self::Compliance,
        Self::Inspection,
        Self::Appraisal,
        Self::Demonstration,
        Self::Supervision,
    ];

    /// The text stored and sent (stable).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Compliance => "compliance",
            Self::Inspection => "inspection",
            Self::Appraisal => "appraisal",
            Self::Demonstration => "demonstration",
            Self::Supervision => "supervision",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Compliance => "达标",
            Self::Inspection => "检查",
            Self::Appraisal => "评比",
            Self::Demonstration => "示范创建",
            Self::Supervision => "督查",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the activity scores or ranks communities (考核评比 in the sense of 4.3-3).
    #[must_use]
    pub const fn assesses(self) -> bool {
        matches!(self, Self::Compliance | Self::Appraisal)
    }
}

/// How the department means to run it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organisation {
    /// 本部门单独组织.
    Separate,
    /// 作为指标纳入区(市、县)社区(村)工作综合考评 (4.3-3, 4.3-4).
    Comprehensive,
}

impl Organisation {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Separate => "separate",
            Self::Comprehensive => "comprehensive",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Separate => "本部门单独组织",
            Self::Comprehensive => "纳入区(市、县)社区(村)工作综合考评",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Separate, Self::Comprehensive]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// One indicator: its name, its scoring method and whether it is flagged as a veto.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Indicator<'a> {
    pub name: &'a str,
    /// 评分方法 / 评分标准.
    pub method: &'a str,
    /// Marked 一票否决 on the form.
    pub veto: bool,
}

/// An evaluation demand as the rules read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EvaluationFacts<'a> {
    pub kind: EvaluationKind,
    pub organisation: Organisation,
    /// The mandate (明确要求) it rests on, if any.
    pub mandate: Option<Mandate<'a>>,
    pub indicators: &'a [Indicator<'a>],
    /// The activity's own rules (考核办法 / 评分规则), free text.
    pub rules_text: &'a str,
}

/// Where a veto wording was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VetoSource {
    /// Indicator `n` (0-based): its name.
    IndicatorName(usize),
    /// Indicator `n` (0-based): its scoring method.
    IndicatorMethod(usize),
    /// The activity's rules text.
    Rules,
}

/// **4.3-2** 按照鞍山市关于评比达标表彰活动的工作要求,市级各部门、各区(市、县)要全面梳理面向社区(村)的各类达标、检查评比和示范创建活动项目,除党中央、国务院,省委、省政府和市委、市政府明确要求开展外,其他一律取消。
///
/// Cites 4.3-2 always. Allowed with a mandate of one of the three levels and its document
/// number (`evaluation_mandate_cited`); otherwise rejected: `mandate_without_document`,
/// `mandate_level_insufficient` (a district's or another body's document), or
/// `evaluation_without_mandate`.
#[must_use]
pub fn mandate_required(mandate: Option<Mandate<'_>>) -> Decision {
    let c = clause!("4.3-2");
    let mut d = Decision::allow();
    d.cite(c);
    match mandate {
        Some(m) if m.level.suffices() && !m.document.trim().is_empty() => d.push(
            Reason::new(
                c,
                "evaluation_mandate_cited",
                [
                    "依据：",
                    m.level.label_zh(),
                    "明确要求开展（",
                    m.document.trim(),
                    "）",
                ]
                .concat(),
            ),
            Outcome::Allow,
        ),
        Some(m) if !m.level.suffices() => d.push(
            Reason::new(
                c,
                "mandate_level_insufficient",
                [
                    "面向社区(村)的达标、检查评比和示范创建活动，除党中央、国务院，省委、省政府和市委、市政府明确要求开展外，一律取消；",
                    m.level.label_zh(),
                    "的文件不足以作为依据",
                ]
                .concat(),
            ),
            Outcome::Reject,
        ),
        Some(_) => d.push(
            Reason::new(
                c,
                "mandate_without_document",
                "党委、政府的明确要求须记录文件文号，未记录文号的不视为明确要求",
            ),
            Outcome::Reject,
        ),
        None => d.push(
            Reason::new(
                c,
                "evaluation_without_mandate",
                "没有党中央、国务院，省委、省政府或市委、市政府的明确要求，面向社区(村)的达标、检查评比和示范创建活动一律取消",
            ),
            Outcome::Reject,
        ),
    }
    d
}

/// **4.3-3** 各职能部门不再单独组织社区(村)层面的考核评比活动。
///
/// Cited for every assessment (达标, 评比); one a department organises on its own is rejected
/// (`department_own_assessment`), one it brings into the district's comprehensive evaluation is
/// allowed. Inspections, model campaigns and 督查 do not score communities: nothing cited.
#[must_use]
pub fn no_separate_assessment(kind: EvaluationKind, organisation: Organisation) -> Decision {
    let mut d = Decision::allow();
    if !kind.assesses() {
        return d;
    }
    let c = clause!("4.3-3");
    d.cite(c);
    if organisation == Organisation::Separate {
        d.push(
            Reason::new(
                c,
                "department_own_assessment",
                [
                    "职能部门不再单独组织社区(村)层面的考核评比活动；",
                    kind.label_zh(),
                    "只能作为指标纳入区(市、县)社区(村)工作综合考评（4.3-4）",
                ]
                .concat(),
            ),
            Outcome::Reject,
        );
    }
    d
}

/// Texts that make one item decide the whole result. Matched after [`normalise`]; an
/// occurrence right after a negation ("不实行一票否决", "取消一票否决") does not count, one
/// after other words does ("考核不合格的实行一票否决").
pub const VETO_WORDINGS: &[&str] = &[
    "一票否决",
    "一票否定",
    "实行否决",
    "一律否决",
    "直接评为不合格",
    "直接定为不合格",
    "直接确定为不合格",
    "直接判定为不合格",
    "一律评为不合格",
    "考核结果为不合格",
    "考核等次为不合格",
    "取消评优评先资格",
    "取消评先评优资格",
    "取消评优资格",
    "取消评先资格",
    "不得评为先进",
    "不得评为优秀",
    "不得参加评优",
];

/// What the whole score is called, for the zeroing rule ("总分记零").
const TOTALS: &[&str] = &[
    "总分",
    "总成绩",
    "总得分",
    "考核得分",
    "考核成绩",
    "全部得分",
];

/// How a total is zeroed, shortly after one of [`TOTALS`].
const ZEROED: &[&str] = &[
    "为零",
    "记零",
    "计零",
    "清零",
    "归零",
    "按零分",
    "为0",
    "记0",
    "计0",
    "按0分",
];

/// Words that, just before a wording, say the opposite ("不实行一票否决", "取消一票否决").
const NEGATIONS: &[&str] = &[
    "不", "不再", "不得", "不予", "取消", "禁止", "严禁", "杜绝", "无", "没有", "未",
];

/// A verb that may stand between a negation and the wording ("不**实行**一票否决").
const VERBS: &[&str] = &[
    "实行", "采取", "采用", "使用", "适用", "设置", "搞", "设", "作",
];

/// How many characters before a wording are read for its negation.
const NEGATION_REACH: usize = 6;

/// How many characters after a total its zeroing may stand ("总分一律记零").
const ZERO_REACH: usize = 6;

/// Whitespace removed, full-width digits and letters made half-width.
#[must_use]
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF5A}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Whether the text just before `at` (a char index) negates what follows: it ends with a
/// negation, or with a negation and a verb.
fn negated(chars: &[char], at: usize) -> bool {
    let before: String = chars[at.saturating_sub(NEGATION_REACH)..at]
        .iter()
        .collect();
    let before = VERBS
        .iter()
        .find_map(|v| before.strip_suffix(v))
        .unwrap_or(&before);
    NEGATIONS.iter().any(|n| before.ends_with(n))
}

/// Char indices where `needle` occurs in `chars`.
fn occurrences(chars: &[char], needle: &str) -> Vec<usize> {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || n.len() > chars.len() {
        return Vec::new();
    }
    (0..=chars.len() - n.len())
        .filter(|&i| chars[i..i + n.len()] == n[..])
        .collect()
}

/// The veto wording `text` contains, as it reads in the text (normalised), or `None`.
#[must_use]
pub fn veto_wording(text: &str) -> Option<String> {
    let chars: Vec<char> = normalise(text).chars().collect();
    for w in VETO_WORDINGS {
        if occurrences(&chars, w)
            .into_iter()
            .any(|i| !negated(&chars, i))
        {
            return Some((*w).to_owned());
        }
    }
    for t in TOTALS {
        let len = t.chars().count();
        for i in occurrences(&chars, t) {
            let start = i + len;
            let end = (start + ZERO_REACH).min(chars.len());
            let after: String = chars[start..end].iter().collect();
            for z in ZEROED {
                if let Some(pos) = after.find(z) {
                    let tail = &after[pos + z.len()..];
                    // "总分为0" zeroes; "总分为05 …" or "为0.5" is a number, not a zero.
                    if z.ends_with('0')
                        && tail.starts_with(|c: char| c.is_ascii_digit() || c == '.')
                    {
                        continue;
                    }
                    let upto: String = after[..pos + z.len()].to_owned();
                    return Some([*t, upto.as_str()].concat());
                }
            }
        }
    }
    None
}

/// **4.3-5** 取消对社区(村)的“一票否决”事项。
///
/// Cited always. Rejected (`veto_flagged`) for each indicator marked 一票否决, and
/// (`veto_wording`) for each indicator name, scoring method or rules text whose wording makes
/// one item decide the whole result; the message quotes the indicator and the words found.
#[must_use]
pub fn no_veto(indicators: &[Indicator<'_>], rules_text: &str) -> Decision {
    let c = clause!("4.3-5");
    let mut d = Decision::allow();
    d.cite(c);
    for (i, ind) in indicators.iter().enumerate() {
        let name = ind.name.trim();
        if ind.veto {
            d.push(
                Reason::new(
                    c,
                    "veto_flagged",
                    [
                        "指标“",
                        name,
                        "”设为一票否决；对社区(村)的“一票否决”事项已取消",
                    ]
                    .concat(),
                ),
                Outcome::Reject,
            );
        }
        for (source, text) in [
            (VetoSource::IndicatorName(i), ind.name),
            (VetoSource::IndicatorMethod(i), ind.method),
        ] {
            if let Some(found) = veto_wording(text) {
                d.push(veto_reason(c, source, name, &found), Outcome::Reject);
            }
        }
    }
    if let Some(found) = veto_wording(rules_text) {
        d.push(
            veto_reason(c, VetoSource::Rules, "", &found),
            Outcome::Reject,
        );
    }
    d
}

fn veto_reason(c: ClauseId, source: VetoSource, name: &str, found: &str) -> Reason {
    let place = match source {
        VetoSource::IndicatorName(_) => ["指标名称“", name, "”"].concat(),
        VetoSource::IndicatorMethod(_) => ["指标“", name, "”的评分方法"].concat(),
        VetoSource::Rules => "考核办法".to_owned(),
    };
    Reason::new(
        c,
        "veto_wording",
        [
            place.as_str(),
            "含“",
            found,
            "”，实际是一票否决；对社区(村)的“一票否决”事项已取消",
        ]
        .concat(),
    )
}

/// All three rules on one evaluation demand: 4.3-2, 4.3-3 (for assessments) and 4.3-5.
#[must_use]
pub fn check_evaluation(facts: &EvaluationFacts<'_>) -> Decision {
    let mut d = mandate_required(facts.mandate);
    d.merge(no_separate_assessment(facts.kind, facts.organisation));
    d.merge(no_veto(facts.indicators, facts.rules_text));
    d
}

/// What the inspectors of an on-site check (现场检查) show a community about their activity's
/// admission number, as the product found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitNumber {
    /// They show no admission number.
    Missing,
    /// The number is malformed or was never issued.
    Unknown,
    /// The number belongs to a demand that is not an evaluation (a work item, a form, …).
    NotAnEvaluation,
    /// The evaluation was admitted but is revoked, expired or not yet in force.
    NotInForce,
    /// The evaluation is in force but not aimed at this community.
    NotForThisCommunity,
    /// An admitted evaluation in force, aimed at this community.
    Admitted,
}

/// **4.2-5** with **4.3-2**: an on-site check of an evaluation (达标、检查评比、示范创建) is
/// received only when the activity was admitted with a number, is in force and is aimed at the
/// community; otherwise the community may refuse it and report it (`visit_*`, both clauses: an
/// evaluation enters only with an admission, and one without approval is not carried out).
#[must_use]
pub fn on_site_check(n: VisitNumber) -> Decision {
    let clause_2 = clause!("4.3-2");
    let (code, message) = match n {
        VisitNumber::Admitted => {
            let mut d = Decision::allow();
            d.cite(clause!("4.2-5"));
            d.cite(clause_2);
            return d;
        }
        VisitNumber::Missing => (
            "visit_without_number",
            "检查组不能出示准入编号：该考核评比未经准入，社区(村)可以拒绝接待并举报",
        ),
        VisitNumber::Unknown => (
            "visit_number_unknown",
            "查无此准入编号：该考核评比未经准入，社区(村)可以拒绝接待并举报",
        ),
        VisitNumber::NotAnEvaluation => (
            "visit_not_an_evaluation",
            "该编号准入的不是考核评比活动，不能据此到社区(村)检查，社区(村)可以拒绝接待并举报",
        ),
        VisitNumber::NotInForce => (
            "visit_number_not_in_force",
            "该考核评比已撤销、已过期或尚未生效，社区(村)可以拒绝接待并举报",
        ),
        VisitNumber::NotForThisCommunity => (
            "visit_not_for_community",
            "该考核评比未面向本社区(村)准入，社区(村)可以拒绝接待并举报",
        ),
    };
    Decision::allow()
        .with(
            Reason::new(clause!("4.2-5"), code, message),
            Outcome::Reject,
        )
        .with(
            Reason::new(
                clause_2,
                code,
                "面向社区(村)的达标、检查评比和示范创建活动，须经准入方可开展",
            ),
            Outcome::Reject,
        )
}
