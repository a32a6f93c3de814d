//! Accountability records (追究责任, 4.1-9; issue 14, slice 4). 4.1-9 asks that those who carry
//! the policy out badly be held to account "依法依规": a disciplinary decision taken by people
//! (a Party committee, a discipline inspection body, an appointing authority). The software
//! decides nothing: on a case that is at least verified, a supervisor of its jurisdiction
//! records the decision taken — who decided (a person and the body), what (约谈, 通报批评, 诫勉,
//! 党纪政务处分, or another measure in words), its document number and date — and the case page
//! and timeline show it, citing 4.1-9.

use jianfu_store::repo::{accountability as repo, cases};
use serde::Serialize;

use crate::authz::Action;
use crate::certificate::text_field;
use crate::demand::{CaseStatus, CaseView};
use crate::error::{DomainError, Problems, Result};
use crate::{App, Ctx};

/// The clause the records serve.
const CLAUSE: &str = jianfu_rules::clause!("4.1-9").as_str();

/// The measure people decided on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 约谈.
    Interview,
    /// 通报批评.
    Criticism,
    /// 诫勉.
    Admonition,
    /// 党纪政务处分.
    Discipline,
    /// Another measure, named in words.
    Other,
}

impl Measure {
    pub const ALL: [Self; 5] = [
        Self::Interview,
        Self::Criticism,
        Self::Admonition,
        Self::Discipline,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interview => "interview",
            Self::Criticism => "criticism",
            Self::Admonition => "admonition",
            Self::Discipline => "discipline",
            Self::Other => "other",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Interview => "约谈",
            Self::Criticism => "通报批评",
            Self::Admonition => "诫勉",
            Self::Discipline => "党纪政务处分",
            Self::Other => "其他",
        }
    }
    /// The measure a form or request names.
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        if t.is_empty() {
            return Err(DomainError::field("measure", "required", "请选择处理措施"));
        }
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == t)
            .ok_or_else(|| {
                DomainError::field(
                    "measure",
                    "measure_invalid",
                    "处理措施应为约谈、通报批评、诫勉、党纪政务处分或其他",
                )
            })
    }
    fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .unwrap_or(Self::Other)
    }
}

/// What a supervisor fills in.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountabilityForm {
    /// The person who decided.
    pub decider_name: String,
    /// The body they decided for (e.g. 中共铁东区纪律检查委员会).
    pub decider_body: String,
    /// `interview`, `criticism`, `admonition`, `discipline` or `other`.
    pub measure: String,
    /// The measure in words: required for `other`, an optional detail otherwise.
    pub measure_text: String,
    pub document_number: String,
    /// `YYYY-MM-DD`, not after today.
    pub decided_on: String,
}

// One record, as the case page and the API show it.
/// An accountability decision (4.1-9), recorded: the platform decides nothing.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AccountabilityOut)]
pub struct AccountabilityView {
    pub id: i64,
    pub decider_name: String,
    pub decider_body: String,
    /// `interview` (约谈), `criticism` (通报批评), `admonition` (诫勉), `discipline`
    /// (党纪政务处分) or `other`.
    #[schema(value_type = String)]
    pub measure: Measure,
    #[schema(value_type = String)]
    pub measure_zh: &'static str,
    pub measure_text: String,
    pub document_number: String,
    /// `YYYY-MM-DD`.
    pub decided_on: String,
    pub recorded_at: i64,
    #[schema(value_type = String)]
    pub clause: &'static str,
}

/// Whether a case in `status` may carry accountability records: once its facts are verified
/// (a case still open or dismissed found nobody wanting).
pub fn may_record(status: CaseStatus) -> bool {
    !matches!(status, CaseStatus::Open | CaseStatus::Dismissed)
}

impl App {
    /// Records the accountability decision people took about case `id` (4.1-9): supervisors
    /// of its jurisdiction, on a case at least verified (`case_not_verified`, 409). Every
    /// problem at once: empty fields (`required`), an unknown measure (`measure_invalid`),
    /// `other` without words, a date in the future (`date_in_future`). Audited as
    /// `case.accountability`, so it shows on the case's timeline.
    pub async fn record_accountability(
        &self,
        ctx: &Ctx,
        id: i64,
        f: &AccountabilityForm,
    ) -> Result<CaseView> {
        let row = cases::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("问题线索"))?;
        let community = self.find_node(row.community_node_id).await?;
        self.check(ctx, Action::DecideCase, &community.target())
            .await?;
        let status = CaseStatus::stored(&row.status);
        let mut p = Problems::new();
        if !may_record(status) {
            p.push(DomainError::conflict(
                "case_not_verified",
                format!(
                    "该问题线索的状态为“{}”，须先核实属实才能记录责任追究情况",
                    status.label_zh()
                ),
            ));
        }
        let name = p.take(text_field(
            &f.decider_name,
            "decider_name",
            "决定人",
            100,
            true,
        ));
        let body = p.take(text_field(
            &f.decider_body,
            "decider_body",
            "决定机关",
            200,
            true,
        ));
        let measure = p.take(Measure::parse(&f.measure));
        let words = p.take(text_field(
            &f.measure_text,
            "measure_text",
            "处理措施说明",
            500,
            false,
        ));
        if measure == Some(Measure::Other) && words.as_deref().is_some_and(str::is_empty) {
            p.push(DomainError::field(
                "measure_text",
                "required",
                "选择“其他”时请写明处理措施",
            ));
        }
        let number = p.take(text_field(
            &f.document_number,
            "document_number",
            "文号",
            100,
            true,
        ));
        let decided_on = match f.decided_on.trim() {
            "" => {
                p.push(DomainError::field(
                    "decided_on",
                    "required",
                    "请填写决定日期",
                ));
                None
            }
            t => match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Err(_) => {
                    p.push(DomainError::field(
                        "decided_on",
                        "date_invalid",
                        "日期格式应为 YYYY-MM-DD",
                    ));
                    None
                }
                Ok(d) if d > self.today() => {
                    p.push(DomainError::field(
                        "decided_on",
                        "date_in_future",
                        "决定日期不能晚于今天：只记录已经作出的决定",
                    ));
                    None
                }
                Ok(d) => Some(d),
            },
        };
        p.finish()?;
        let (Some(name), Some(body), Some(measure), Some(number), Some(decided_on)) =
            (name, body, measure, number, decided_on)
        else {
            return Err(DomainError::internal());
        };
        let words = words.unwrap_or_default();
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let record = repo::insert(
            tx.conn(),
            repo::NewRecord {
                case_id: id,
                decider_name: &name,
                decider_body: &body,
                measure: measure.as_str(),
                measure_text: &words,
                document_number: &number,
                decided_on: &decided_on.to_string(),
                recorded_by: ctx.principal.account_id,
                recorded_at: now,
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "case.accountability",
            "supervision_case",
            Some(id.to_string()),
            serde_json::json!({
                "record": record,
                "decider": name,
                "body": body,
                "measure": measure.as_str(),
                "measure_zh": measure.label_zh(),
                "measure_text": words,
                "document_number": number,
                "decided_on": decided_on.to_string(),
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.case_detail(ctx, id).await
    }

    /// The accountability records of a case the caller may see ([`App::case_detail`]'s view),
    /// oldest first.
    pub async fn accountability(&self, c: &CaseView) -> Result<Vec<AccountabilityView>> {
        Ok(repo::of_case(self.store.db(), c.id)
            .await?
            .into_iter()
            .map(|r| {
                let measure = Measure::stored(&r.measure);
                AccountabilityView {
                    id: r.id,
                    decider_name: r.decider_name,
                    decider_body: r.decider_body,
                    measure,
                    measure_zh: measure.label_zh(),
                    measure_text: r.measure_text,
                    document_number: r.document_number,
                    decided_on: r.decided_on,
                    recorded_at: r.recorded_at,
                    clause: CLAUSE,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_parse_and_read_back() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.as_str()).unwrap(), m);
            assert_eq!(Measure::stored(m.as_str()), m);
        }
        assert_eq!(Measure::parse("").unwrap_err().code, "required");
        assert_eq!(Measure::parse("fire").unwrap_err().code, "measure_invalid");
    }

    #[test]
    fn only_verified_cases_carry_records() {
        assert!(!may_record(CaseStatus::Open));
        assert!(!may_record(CaseStatus::Dismissed));
        for s in [
            CaseStatus::Verified,
            CaseStatus::Rectifying,
            CaseStatus::Rectified,
            CaseStatus::Accepted,
            CaseStatus::Closed,
        ] {
            assert!(may_record(s), "{s:?}");
        }
    }
}
