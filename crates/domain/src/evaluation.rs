//! Evaluation demands (考核评比, 4.3; issue 12 §1): a city or district department that wants to
//! run a 达标, 检查, 评比, 示范创建 or 督查 activity aimed at communities files it as a demand of
//! kind `evaluation` before it reaches any community. The rules decide at once
//! ([`jianfu_rules::check_evaluation`]: a mandate of the three levels, 4.3-2; no assessment a
//! department runs on its own, 4.3-3; no one-vote veto, 4.3-5); one they allow goes to the
//! authority of the department's level, who admits it with a number like every demand.
//!
//! What the activity costs each community enters the burden ledger: the materials it must
//! supply (minutes each) and the days of on-site visits, counted as [`VISIT_DAY_MINUTES`] each,
//! once for the period.

use jianfu_rules::evaluation::{VisitNumber, on_site_check};
use jianfu_rules::plaque::{Mandate, MandateLevel};
use jianfu_rules::{EvaluationFacts, EvaluationKind, Indicator, Organisation, check_evaluation};
use serde::{Deserialize, Serialize};

use crate::authz::Action;
use crate::demand::{DecisionView, DemandKind, DemandView, LevelRoles, LookupResult};
use crate::demand_kinds::{Decided, period};
use crate::error::{DomainError, Result};
use crate::{App, Ctx, text};

/// What one day of an on-site visit costs a community in the ledger: a working day of one
/// worker (8 hours). The policy sets no figure; this is the product's reading, shown on the form.
pub const VISIT_DAY_MINUTES: i32 = 480;

/// The most indicators and materials one evaluation lists.
pub const MAX_ROWS: usize = 50;

/// One indicator as filed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorForm {
    pub name: String,
    /// Percent, a whole number 0–100; the weights add up to 100.
    pub weight: String,
    /// 评分方法.
    pub method: String,
    /// Marked 一票否决 (which 4.3-5 refuses).
    pub veto: bool,
}

/// One material communities must supply, with what it costs them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaterialForm {
    pub name: String,
    /// Minutes of a community's work to prepare it.
    pub minutes: String,
}

/// The form a department files.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EvaluationForm {
    /// The department filing it; the caller's own when 0.
    pub requester_node_id: i64,
    pub title: String,
    /// [`EvaluationKind::as_str`].
    pub evaluation_kind: String,
    /// [`Organisation::as_str`].
    pub organisation: String,
    /// [`MandateLevel::as_str`], or empty for none.
    pub mandate_level: String,
    pub mandate_document: String,
    pub mandate_title: String,
    pub indicators: Vec<IndicatorForm>,
    /// The activity's own rules (考核办法).
    pub rules_text: String,
    pub materials: Vec<MaterialForm>,
    /// Days of on-site visits in each community.
    pub visit_days: String,
    pub period_start: String,
    pub period_end: String,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

/// An indicator as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorDetails {
    pub name: String,
    pub weight: u32,
    pub method: String,
    pub veto: bool,
}

/// A material as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialDetails {
    pub name: String,
    pub minutes: u32,
}

/// An evaluation demand's own fields (the demand's JSON column).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationDetails {
    pub evaluation_kind: String,
    pub organisation: String,
    pub mandate_level: String,
    pub mandate_document: String,
    pub mandate_title: String,
    pub indicators: Vec<IndicatorDetails>,
    pub rules_text: String,
    pub materials: Vec<MaterialDetails>,
    pub visit_days: u32,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

impl EvaluationDetails {
    pub fn kind_zh(&self) -> &'static str {
        EvaluationKind::parse(&self.evaluation_kind).map_or("—", EvaluationKind::label_zh)
    }
    pub fn organisation_zh(&self) -> &'static str {
        Organisation::parse(&self.organisation).map_or("—", Organisation::label_zh)
    }
    /// The mandate in words, or 无.
    pub fn mandate_zh(&self) -> String {
        match MandateLevel::parse(&self.mandate_level) {
            Some(l) => format!(
                "{}《{}》（{}）",
                l.label_zh(),
                self.mandate_title,
                self.mandate_document
            ),
            None => "无".into(),
        }
    }
    /// Minutes of materials plus visit days, per community, once for the period.
    pub fn burden_minutes(&self) -> i64 {
        let materials: i64 = self.materials.iter().map(|m| i64::from(m.minutes)).sum();
        materials + i64::from(self.visit_days) * i64::from(VISIT_DAY_MINUTES)
    }
}

/// A whole number in `range` read from a form field, or the field's error.
fn whole(
    s: &str,
    range: std::ops::RangeInclusive<u32>,
    field: &'static str,
    code: &'static str,
    message: &str,
) -> Result<u32> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| DomainError::field(field, code, message.to_owned()))
}

/// The indicators filled in (blank rows dropped), each checked, the weights adding up to 100.
fn indicators(p: &mut crate::Problems, rows: &[IndicatorForm]) -> Vec<IndicatorDetails> {
    let rows: Vec<&IndicatorForm> = rows
        .iter()
        .filter(|r| {
            !(text::visible(&r.name).is_empty()
                && r.weight.trim().is_empty()
                && text::visible(&r.method).is_empty()
                && !r.veto)
        })
        .collect();
    let field = "indicators";
    if rows.is_empty() {
        p.push(DomainError::field(
            field,
            "indicators_required",
            "请至少填写一项考核指标（名称、权重、评分方法）",
        ));
        return Vec::new();
    }
    if rows.len() > MAX_ROWS {
        p.push(DomainError::field(
            field,
            "indicators_too_many",
            format!("考核指标不超过 {MAX_ROWS} 项"),
        ));
        return Vec::new();
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        let name = text::visible(&r.name);
        let method = text::visible(&r.method);
        if name.is_empty() || name.chars().count() > 100 || method.chars().count() > 1000 {
            p.push(DomainError::field(
                field,
                "indicator_invalid",
                format!("第 {n} 项指标须有名称（不超过 100 字），评分方法不超过 1000 字"),
            ));
            return Vec::new();
        }
        let Some(weight) = p.take(whole(
            &r.weight,
            0..=100,
            field,
            "weight_invalid",
            &format!("第 {n} 项指标“{name}”的权重应为 0 至 100 的整数（百分比）"),
        )) else {
            return Vec::new();
        };
        out.push(IndicatorDetails {
            name: name.to_owned(),
            weight,
            method: method.to_owned(),
            veto: r.veto,
        });
    }
    let sum: u32 = out.iter().map(|i| i.weight).sum();
    if sum != 100 {
        p.push(DomainError::field(
            field,
            "weights_sum_invalid",
            format!("各项指标权重之和须为 100，现为 {sum}"),
        ));
    }
    out
}

/// The materials filled in (blank rows dropped), each with its minutes.
fn materials(p: &mut crate::Problems, rows: &[MaterialForm]) -> Vec<MaterialDetails> {
    let rows: Vec<&MaterialForm> = rows
        .iter()
        .filter(|r| !(text::visible(&r.name).is_empty() && r.minutes.trim().is_empty()))
        .collect();
    let field = "materials";
    if rows.len() > MAX_ROWS {
        p.push(DomainError::field(
            field,
            "materials_too_many",
            format!("报送材料不超过 {MAX_ROWS} 项"),
        ));
        return Vec::new();
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let n = i + 1;
        let name = text::visible(&r.name);
        if name.is_empty() || name.chars().count() > 100 {
            p.push(DomainError::field(
                field,
                "material_invalid",
                format!("第 {n} 项材料须有名称（不超过 100 字）"),
            ));
            return Vec::new();
        }
        let Some(minutes) = p.take(whole(
            &r.minutes,
            1..=10_000,
            field,
            "material_minutes_invalid",
            &format!("第 {n} 项材料“{name}”须写明社区(村)准备所需分钟数（1 至 10000）"),
        )) else {
            return Vec::new();
        };
        out.push(MaterialDetails {
            name: name.to_owned(),
            minutes,
        });
    }
    out
}

impl App {
    /// A department files an evaluation aimed at communities (4.3): every problem of the form
    /// at once; then the rules decide at once — rejected with the clauses, or submitted to the
    /// authority of the department's level, who admits it with a number.
    pub async fn create_evaluation(&self, ctx: &Ctx, f: &EvaluationForm) -> Result<DemandView> {
        let (requester, level, scope) = self.requester_for(ctx, f.requester_node_id).await?;
        let mut p = crate::Problems::new();
        let title = text::visible(&f.title);
        if title.is_empty() || title.chars().count() > 200 {
            p.push(DomainError::field(
                "title",
                "title_invalid",
                "请填写活动名称（不超过 200 字）",
            ));
        }
        let kind = p.take(
            EvaluationKind::parse(f.evaluation_kind.trim()).ok_or_else(|| {
                DomainError::field(
                    "evaluation_kind",
                    "evaluation_kind_invalid",
                    "请选择活动类型：达标、检查、评比、示范创建或督查",
                )
            }),
        );
        let organisation = p.take(Organisation::parse(f.organisation.trim()).ok_or_else(|| {
            DomainError::field(
                "organisation",
                "organisation_invalid",
                "请选择组织方式：本部门单独组织，或纳入区(市、县)社区(村)工作综合考评",
            )
        }));
        let document = text::visible(&f.mandate_document);
        let mandate_title = text::visible(&f.mandate_title);
        let mandate = match f.mandate_level.trim() {
            "" => None,
            l => {
                let level = p.take(MandateLevel::parse(l).ok_or_else(|| {
                    DomainError::field("mandate_level", "mandate_level_invalid", "请选择发文机关")
                }));
                if document.is_empty() || document.chars().count() > 100 {
                    p.push(DomainError::field(
                        "mandate_document",
                        "mandate_document_required",
                        "请填写要求开展该活动的文件文号（不超过 100 字）",
                    ));
                }
                if mandate_title.is_empty() || mandate_title.chars().count() > 200 {
                    p.push(DomainError::field(
                        "mandate_title",
                        "mandate_title_required",
                        "请填写该文件的标题（不超过 200 字）",
                    ));
                }
                level.map(|level| Mandate { level, document })
            }
        };
        let indicators = indicators(&mut p, &f.indicators);
        let rules_text = text::visible(&f.rules_text);
        if rules_text.chars().count() > 5000 {
            p.push(DomainError::field(
                "rules_text",
                "rules_text_too_long",
                "考核办法不超过 5000 字",
            ));
        }
        let materials = materials(&mut p, &f.materials);
        let visit_days = if f.visit_days.trim().is_empty() {
            Some(0)
        } else {
            p.take(whole(
                &f.visit_days,
                0..=30,
                "visit_days",
                "visit_days_invalid",
                "实地检查天数应为 0 至 30 的整数",
            ))
        };
        let (start, end) = period(&mut p, &f.period_start, &f.period_end);
        let targets = p.take(
            self.resolve_targets(ctx, &scope, &f.target_mode, &f.target_ids)
                .await,
        );
        p.finish()?;
        let (
            Some(kind),
            Some(organisation),
            Some(visit_days),
            Some(start),
            Some(end),
            Some(targets),
        ) = (kind, organisation, visit_days, start, end, targets)
        else {
            return Err(DomainError::internal());
        };
        crate::demand::check_period_not_past(end, self.today())?;
        let facts: Vec<Indicator<'_>> = indicators
            .iter()
            .map(|i| Indicator {
                name: &i.name,
                method: &i.method,
                veto: i.veto,
            })
            .collect();
        let decision = check_evaluation(&EvaluationFacts {
            kind,
            organisation,
            mandate,
            indicators: &facts,
            rules_text,
        });
        let view = DecisionView::from_decision(&decision);
        let status = crate::demand::route_of(decision.outcome, false);
        let details = EvaluationDetails {
            evaluation_kind: kind.as_str().to_owned(),
            organisation: organisation.as_str().to_owned(),
            mandate_level: f.mandate_level.trim().to_owned(),
            mandate_document: document.to_owned(),
            mandate_title: mandate_title.to_owned(),
            rules_text: rules_text.to_owned(),
            visit_days,
            target_mode: f.target_mode.clone(),
            target_ids: f.target_ids.clone(),
            indicators,
            materials,
        };
        let burden =
            i32::try_from(details.burden_minutes()).map_err(|_| DomainError::internal())?;
        let description = format!(
            "{}：{} 项指标，报送材料 {} 项，实地检查 {} 天",
            kind.label_zh(),
            details.indicators.len(),
            details.materials.len(),
            details.visit_days
        );
        self.store_decided(
            ctx,
            Decided {
                kind: DemandKind::Evaluation,
                action: "demand.create_evaluation",
                title,
                description: &description,
                requester: &requester,
                level,
                scope: &scope,
                status,
                authority: level.authority().0.as_str(),
                details: serde_json::to_string(&details).map_err(|_| DomainError::internal())?,
                legal_basis: (None, None, None),
                start,
                end,
                decision: &view,
                targets: &targets,
                burden: (burden, i32::from(burden > 0)),
            },
        )
        .await
    }
}

/// What a community's worker enters when inspectors arrive for an on-site check (现场检查).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct VisitCheckForm {
    /// The community visited; the caller's own when 0.
    pub community_id: i64,
    /// The admission number the inspectors show, or empty.
    pub number: String,
    /// Who came (the department or unit), as the worker writes it.
    pub unit: String,
    /// The activity as the inspectors name it.
    pub activity: String,
}

/// The answer: receive the check, or refuse it and report it with the prefilled report.
#[derive(Clone, Debug, Serialize)]
pub struct VisitCheck {
    pub community_id: i64,
    pub community_name: String,
    pub number: String,
    /// The number's public lookup, when one was entered in a valid form.
    pub lookup: Option<LookupResult>,
    pub decision: DecisionView,
    /// The check may be refused and reported.
    pub refuse: bool,
    /// The unadmitted-demand report, prefilled (for a refusal).
    pub report_href: String,
}

fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl App {
    /// A community's worker checks the admission number inspectors show for an on-site check
    /// (4.2-5 with 4.3-2): received only for an admitted evaluation in force aimed at the
    /// community; otherwise refusable, with the unadmitted-demand report prefilled. Reads only
    /// (the report, when filed, is audited as every report is).
    pub async fn check_visit(&self, ctx: &Ctx, f: &VisitCheckForm) -> Result<VisitCheck> {
        let community_id = if f.community_id == 0 {
            crate::authz::own_units(&ctx.principal, Action::ReportUnadmitted)
                .into_iter()
                .next()
                .unwrap_or(0)
        } else {
            f.community_id
        };
        let community = match self.find_node(community_id).await {
            Ok(c) if c.kind.is_community() => c,
            _ => {
                return Err(DomainError::field(
                    "community_id",
                    "community_invalid",
                    "请选择本社区(村)",
                ));
            }
        };
        self.check(ctx, Action::ReportUnadmitted, &community.target())
            .await?;
        let mut p = crate::Problems::new();
        for (value, field, label) in [
            (&f.unit, "unit", "检查单位"),
            (&f.activity, "activity", "检查的活动"),
        ] {
            if let Err(e) = text::check_chars(value, text::Lines::One, field, label) {
                p.push(e);
            } else if text::visible(value).chars().count() > 200 {
                p.push(DomainError::field(
                    field,
                    "text_too_long",
                    format!("{label}不超过 200 字"),
                ));
            }
        }
        p.finish()?;
        let number = text::visible(&f.number).to_owned();
        let (visit, lookup) = if number.is_empty() {
            (VisitNumber::Missing, None)
        } else {
            match crate::admission::AdmissionNumber::parse(&number) {
                Err(_) => (VisitNumber::Unknown, None),
                Ok(n) => {
                    let found = jianfu_store::repo::evaluations::number_for(
                        self.store.db(),
                        n.as_str(),
                        community.id,
                    )
                    .await?;
                    let lookup = self.lookup(n.as_str()).await?;
                    let visit = match found {
                        None => VisitNumber::Unknown,
                        Some(x) if x.kind != DemandKind::Evaluation.as_str() => {
                            VisitNumber::NotAnEvaluation
                        }
                        Some(_) if lookup.state != "valid" => VisitNumber::NotInForce,
                        Some(x) if !x.aimed_here => VisitNumber::NotForThisCommunity,
                        Some(_) => VisitNumber::Admitted,
                    };
                    (visit, Some(lookup))
                }
            }
        };
        let decision = on_site_check(visit);
        let refuse = !decision.is_allowed();
        let unit = text::visible(&f.unit);
        let activity = text::visible(&f.activity);
        let reason = decision
            .reasons
            .first()
            .map(|r| r.message.to_string())
            .unwrap_or_default();
        let description = format!(
            "{}到本社区(村)开展现场检查{}，{}。{}",
            self.today(),
            if activity.is_empty() {
                String::new()
            } else {
                format!("（{activity}）")
            },
            if number.is_empty() {
                "未能出示准入编号".to_owned()
            } else {
                format!("出示的编号为 {number}")
            },
            reason
        );
        let report_href = format!(
            "/reports/new?community={}&number={}&unit={}&description={}",
            community.id,
            query_escape(&number),
            query_escape(unit),
            query_escape(&description)
        );
        Ok(VisitCheck {
            community_id: community.id,
            community_name: community.name,
            number,
            lookup,
            decision: DecisionView::from_decision(&decision),
            refuse,
            report_href,
        })
    }
}
