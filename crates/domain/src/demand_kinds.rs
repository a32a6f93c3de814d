//! Two more kinds of demand on the one lifecycle of [`crate::demand`] (rules → authority →
//! admission number → lookup → expiry or revocation):
//!
//! - a **temporary plaque** (临时加挂牌子, 4.1-5): a street or town asks the district's staffing
//!   office (编制部门) to let it hang a plaque for a major task until the task ends;
//! - an **agency requirement** (4.4-3): a department requires communities to set up a work
//!   agency, a dedicated venue, a full-time post or its plaque — allowed only with a legal basis
//!   or an explicit mandate of 党中央/国务院, 省委/省政府 or 市委/市政府 with its document number.
//!
//! - a **certificate demand** (4.5-4): a department requires communities to issue a certificate
//!   — only with the basis that makes the community its issuer, and only for a type retained in
//!   the catalogue of the communities concerned (4.5-10).
//!
//! Each kind adds its form, its details (the demand's JSON column) and its rule; creating one
//! runs the rule at once (a request is submitted, not drafted). Admission, rejection,
//! revocation, lookup and expiry are the demand module's, unchanged.

use crate::text;
use jianfu_rules::certificate::{
    CertificateBasis, CertificateDemandFacts, RetainedListApprover, check_certificate_demand,
};
use jianfu_rules::plaque::{
    AgencyDemands, AgencyRequirementFacts, Mandate, MandateLevel, Placement, TemporaryPlaqueFacts,
    UnitKind, check_agency_requirement, check_temporary_plaque,
};
use jianfu_rules::work_item::{LegalBasis, LegalBasisKind};
use jianfu_rules::{Decision, Outcome};
use jianfu_store::repo::catalogue;
use jianfu_store::repo::demands::{self as repo, Content, NewDemand};
use serde::{Deserialize, Serialize};

use crate::authz::{Action, Role};
use crate::clock::rules_date;
use crate::demand::{
    DecisionView, DemandKind, DemandStatus, DemandView, Level, LevelRoles, decision_json,
};
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// A certificate demand's own fields (4.5-4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDemandDetails {
    /// The catalogue type's code, or empty for a certificate the catalogue does not know.
    pub type_code: String,
    pub type_name: String,
    /// What the department needs the certificate for.
    pub purpose: String,
    /// `law`, `regulation`, `rule`, `retained_list`, or empty for none.
    pub basis_kind: String,
    /// The law's or list's title.
    pub basis_title: String,
    /// The article, or for a retained list its approver (`state`, `province`, `city`).
    pub basis_article: String,
    /// The catalogue of every community concerned retains the type (4.5-10).
    pub in_catalogue: bool,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

impl CertificateDemandDetails {
    /// The basis in words, or 未提供.
    pub fn basis_zh(&self) -> String {
        certificate_basis(&self.basis_kind, &self.basis_title, &self.basis_article)
            .ok()
            .flatten()
            .map_or_else(|| "未提供".to_owned(), |b| b.describe_zh())
    }
}

/// The basis a department gives for a certificate demand, from the form's three fields; `None`
/// when it gives none.
fn certificate_basis<'a>(
    kind: &str,
    title: &'a str,
    article: &'a str,
) -> Result<Option<CertificateBasis<'a>>> {
    let (title, article) = (title.trim(), article.trim());
    Ok(match kind.trim() {
        "" => None,
        "retained_list" => Some(CertificateBasis::RetainedList {
            approver: match article {
                "state" => RetainedListApprover::State,
                "province" => RetainedListApprover::Province,
                "city" => RetainedListApprover::City,
                _ => {
                    return Err(DomainError::field(
                        "basis_article",
                        "retained_list_approver_invalid",
                        "保留证明事项清单须写明批准机关：国家、省或市",
                    ));
                }
            },
            list: title,
        }),
        k => Some(CertificateBasis::Legal(LegalBasis {
            kind: LegalBasisKind::parse(k).ok_or_else(|| {
                DomainError::field(
                    "basis_kind",
                    "basis_kind_invalid",
                    "依据类别只能是法律、法规、规章或保留证明事项清单",
                )
            })?,
            title,
            article,
        })),
    })
}

/// A temporary plaque's own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryPlaqueDetails {
    /// The major task (重大工作任务).
    pub task: String,
    /// The text on the plaque.
    pub plaque_text: String,
    /// `outdoor` or `indoor`.
    pub placement: String,
}

/// An agency requirement's own fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyDetails {
    pub work_agency: bool,
    pub venue: bool,
    pub full_time_staff: bool,
    pub plaque: bool,
    /// `central`, `provincial`, `city`, `district`, or empty for none.
    pub mandate_level: String,
    pub mandate_document: String,
    /// `scope`, `streets` or `communities`, as for work items.
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

impl AgencyDetails {
    /// What is demanded, in words.
    pub fn demands_zh(&self) -> String {
        let mut v = Vec::new();
        if self.work_agency {
            v.push("设立工作机构");
        }
        if self.venue {
            v.push("设置专门场所");
        }
        if self.full_time_staff {
            v.push("配备专职人员");
        }
        if self.plaque {
            v.push("悬挂部门牌子");
        }
        v.join("、")
    }
    pub fn mandate_zh(&self) -> String {
        match MandateLevel::parse(&self.mandate_level) {
            Some(l) => format!("{}（{}）", l.label_zh(), self.mandate_document),
            None => "无".into(),
        }
    }
}

/// The form a street fills to request a temporary plaque.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TemporaryPlaqueForm {
    /// The street or town asking; the caller's own when 0.
    pub unit_id: i64,
    pub task: String,
    pub plaque_text: String,
    pub placement: String,
    pub start: String,
    pub end: String,
}

/// The form a department fills for an agency, venue, staff or plaque requirement.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AgencyForm {
    pub requester_node_id: i64,
    pub title: String,
    pub description: String,
    #[serde(deserialize_with = "crate::form::flag")]
    pub work_agency: bool,
    #[serde(deserialize_with = "crate::form::flag")]
    pub venue: bool,
    #[serde(deserialize_with = "crate::form::flag")]
    pub full_time_staff: bool,
    #[serde(deserialize_with = "crate::form::flag")]
    pub plaque: bool,
    pub legal_basis_kind: String,
    pub legal_basis_title: String,
    pub legal_basis_article: String,
    pub mandate_level: String,
    pub mandate_document: String,
    pub period_start: String,
    pub period_end: String,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

/// An admitted certificate demand as the type's service guide lists it (4.5-4): who requires
/// the certificate, for what, on what basis, under which admission number (public, as the
/// lookup is).
#[derive(Clone, Debug, Serialize)]
pub struct CertificateRequirement {
    pub requester: String,
    pub purpose: String,
    pub basis_zh: String,
    pub admission_number: String,
    pub valid_to: String,
}

/// The form a department fills to require communities to issue a certificate (4.5-4).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CertificateDemandForm {
    pub requester_node_id: i64,
    /// A type of the catalogue (its code), or empty to name one in `type_name`.
    pub type_code: String,
    pub type_name: String,
    pub purpose: String,
    pub basis_kind: String,
    pub basis_title: String,
    pub basis_article: String,
    /// For a retained list: its approver (`state`, `province`, `city`), chosen on the page;
    /// the API may give it in `basis_article` instead.
    pub basis_approver: String,
    pub period_start: String,
    pub period_end: String,
    pub target_mode: String,
    pub target_ids: Vec<i64>,
}

impl CertificateDemandForm {
    /// The article, or for a retained list the approver chosen (else the one typed).
    fn article(&self) -> &str {
        if self.basis_kind.trim() == "retained_list" && !self.basis_approver.trim().is_empty() {
            &self.basis_approver
        } else {
            &self.basis_article
        }
    }
}

/// An admitted temporary plaque, as the plaque registry needs it to record the plaque hanging.
#[derive(Clone, Debug, Serialize)]
pub struct TemporaryPlaqueGrant {
    pub demand_id: i64,
    pub unit_node_id: i64,
    pub admission_number: String,
    pub task: String,
    pub plaque_text: String,
    pub placement: Placement,
    /// First and last day of the task (YYYY-MM-DD); the plaque must be gone the day after.
    pub start: String,
    pub end: String,
    /// Admitted by the staffing office (and not revoked).
    pub approved: bool,
}

fn placement(s: &str) -> Result<Placement> {
    match s {
        "outdoor" => Ok(Placement::Outdoor),
        "indoor" => Ok(Placement::Indoor),
        _ => Err(DomainError::field(
            "placement",
            "placement_invalid",
            "请选择室外或室内",
        )),
    }
}

/// Turns a rejecting decision of a request's own rule into a field error (nothing stored).
fn refuse(d: &Decision, field: &'static str) -> DomainError {
    let mut e = crate::certificate::rules_error(d);
    e.field = Some(field);
    e
}

impl App {
    /// A street or town requests a temporary plaque (4.1-5). The rule checks the request (a
    /// task named, an end not before the start) and it goes to the district's staffing office.
    pub async fn request_temporary_plaque(
        &self,
        ctx: &Ctx,
        f: &TemporaryPlaqueForm,
    ) -> Result<DemandView> {
        let grant = ctx
            .principal
            .grants
            .iter()
            .filter(|g| crate::authz::permits(g.role, Action::RequestTemporaryPlaque))
            .find(|g| f.unit_id == 0 || g.node_id == f.unit_id)
            .cloned();
        let Some(grant) = grant else {
            self.record_denial(ctx, Action::RequestTemporaryPlaque, Some(f.unit_id))
                .await;
            return Err(DomainError::forbidden(
                "只有本街道(乡镇)工作人员能以本单位名义申请临时加挂牌子",
            ));
        };
        let unit = self.find_node(grant.node_id).await?;
        self.check(ctx, Action::RequestTemporaryPlaque, &unit.target())
            .await?;
        let district = self.district_of_node(&unit).await?;
        // Every problem of the form at once (issue 16), in the order of its fields.
        let mut problems = crate::Problems::new();
        let task = text::visible(&f.task);
        let text = text::visible(&f.plaque_text);
        if task.chars().count() > 200 {
            problems.push(DomainError::field(
                "task",
                "task_too_long",
                "工作任务不超过 200 字",
            ));
        }
        if text.is_empty() || text.chars().count() > 100 {
            problems.push(DomainError::field(
                "plaque_text",
                "plaque_text_required",
                "请填写牌子名称（不超过 100 字）",
            ));
        }
        problems.take(placement(&f.placement));
        let start = problems.take(crate::demand::parse_named_date(
            &f.start,
            "start",
            "开始日期",
        ));
        let end = problems.take(crate::demand::parse_named_date(&f.end, "end", "结束日期"));
        problems.finish()?;
        let (Some(start), Some(end)) = (start, end) else {
            return Err(DomainError::internal());
        };
        let decision = check_temporary_plaque(&TemporaryPlaqueFacts {
            name: text,
            unit: if unit.kind == NodeKind::Town {
                UnitKind::Town
            } else {
                UnitKind::Street
            },
            task,
            start: rules_date(start)?,
            end: rules_date(end)?,
            approval: None,
            hung_on: None,
            removed_on: None,
            today: rules_date(self.today())?,
        });
        if decision.outcome == Outcome::Reject {
            let field = if decision
                .reasons
                .iter()
                .any(|r| r.code == "temporary_task_missing")
            {
                "task"
            } else {
                "end"
            };
            return Err(refuse(&decision, field));
        }
        let details = TemporaryPlaqueDetails {
            task: task.to_owned(),
            plaque_text: text.to_owned(),
            placement: f.placement.clone(),
        };
        let view = DecisionView::from_decision(&decision);
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let id = repo::insert(
            tx.conn(),
            NewDemand {
                kind: DemandKind::TemporaryPlaque.as_str(),
                content: Content {
                    title: format!("临时加挂：{text}"),
                    description: task.to_owned(),
                    details: serde_json::to_string(&details)
                        .map_err(|_| DomainError::internal())?,
                    period_start: start.to_string(),
                    period_end: end.to_string(),
                    ..Default::default()
                },
                requester_node_id: unit.id,
                requester_account_id: ctx.principal.account_id,
                level: Level::District.as_str(),
                scope_node_id: district.id,
                status: DemandStatus::Submitted.as_str(),
                decision: Some(decision_json(&view)?),
                authority: Some(Role::StaffingOffice.as_str()),
                submitted: true,
                now,
            },
            &[],
        )
        .await?;
        tx.audit(ctx.entry(
            "demand.request_temporary_plaque",
            "demand",
            Some(id.to_string()),
            serde_json::json!({ "unit": unit.name, "plaque": text, "task": task, "end": end.to_string(), "clauses": view.clauses }),
        ))
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }

    /// The admitted temporary plaque `demand_id`, for recording it as hanging. Refused (with
    /// 4.1-5) when the demand is not a temporary plaque, or is not (or no longer) admitted.
    pub async fn admitted_temporary_plaque(&self, demand_id: i64) -> Result<TemporaryPlaqueGrant> {
        let row = self.demand_row(demand_id).await?;
        if row.kind != DemandKind::TemporaryPlaque.as_str() {
            return Err(DomainError::field(
                "temporary_demand_id",
                "not_a_temporary_plaque",
                "该编号不是临时加挂牌子的申请",
            ));
        }
        let details: TemporaryPlaqueDetails =
            serde_json::from_str(&row.details).map_err(|_| DomainError::internal())?;
        let approved = row.status == DemandStatus::Admitted.as_str();
        let Some(number) = row.admission_number.clone().filter(|_| approved) else {
            return Err(DomainError::field(
                "temporary_demand_id",
                "temporary_not_approved",
                format!(
                    "临时加挂牌子“{}”尚未经区(市、县)编制部门同意（当前：{}），不能悬挂（4.1-5）",
                    details.plaque_text,
                    crate::demand::DemandStatus::stored_label(&row.status)
                ),
            ));
        };
        Ok(TemporaryPlaqueGrant {
            demand_id,
            unit_node_id: row.requester_node_id,
            admission_number: number,
            placement: placement(&details.placement)?,
            task: details.task,
            plaque_text: details.plaque_text,
            start: row.valid_from.unwrap_or(row.period_start),
            end: row.valid_to.unwrap_or(row.period_end),
            approved,
        })
    }

    /// A department requires communities to set up an agency, venue, post or plaque (4.4-3):
    /// rejected at once without a legal basis or a mandate of the three levels with its
    /// document number; with a legal basis it goes to registration by the list keeper of its
    /// level; on a mandate alone, to the authority of the department's level.
    pub async fn create_agency_requirement(&self, ctx: &Ctx, f: &AgencyForm) -> Result<DemandView> {
        let (requester, level, scope) = self.requester_for(ctx, f.requester_node_id).await?;
        // Every problem of the form at once (issue 16), in the order of its fields.
        let mut problems = crate::Problems::new();
        let title = text::visible(&f.title);
        if title.is_empty() || title.chars().count() > 200 {
            problems.push(DomainError::field(
                "title",
                "title_invalid",
                "请填写要求名称（不超过 200 字）",
            ));
        }
        let description = text::visible(&f.description);
        if description.chars().count() > 5000 {
            problems.push(DomainError::field(
                "description",
                "description_too_long",
                "内容不超过 5000 字",
            ));
        }
        let demands = AgencyDemands {
            work_agency: f.work_agency,
            venue: f.venue,
            full_time_staff: f.full_time_staff,
            plaque: f.plaque,
        };
        if !demands.any() {
            problems.push(DomainError::field(
                "work_agency",
                "nothing_demanded",
                "请至少选择一项：设立工作机构、专门场所、专职人员或挂牌",
            ));
        }
        let basis_kind = match f.legal_basis_kind.trim() {
            "" => None,
            k => problems.take(LegalBasisKind::parse(k).ok_or_else(|| {
                DomainError::field(
                    "legal_basis_kind",
                    "legal_basis_kind_invalid",
                    "依据类别只能是法律、法规或规章",
                )
            })),
        };
        let mandate = match f.mandate_level.trim() {
            "" => None,
            l => problems
                .take(MandateLevel::parse(l).ok_or_else(|| {
                    DomainError::field(
                        "mandate_level",
                        "mandate_level_invalid",
                        "请选择发文机关层级",
                    )
                }))
                .map(|level| Mandate {
                    level,
                    document: text::visible(&f.mandate_document),
                }),
        };
        let (start, end) = period(&mut problems, &f.period_start, &f.period_end);
        let targets = problems.take(
            self.resolve_targets(ctx, &scope, &f.target_mode, &f.target_ids)
                .await,
        );
        problems.finish()?;
        let (Some(start), Some(end), Some(targets)) = (start, end, targets) else {
            return Err(DomainError::internal());
        };
        crate::demand::check_period_not_past(end, self.today())?;
        let decision = check_agency_requirement(&AgencyRequirementFacts {
            demands,
            legal_basis: basis_kind.map(|kind| LegalBasis {
                kind,
                title: text::visible(&f.legal_basis_title),
                article: text::visible(&f.legal_basis_article),
            }),
            mandate,
        });
        let view = DecisionView::from_decision(&decision);
        // One a law, regulation or rule provides for enters the list by registration (备案) with
        // the keeper of its level, like a work item (4.2-2, 4.2-4); one resting on a mandate of
        // the three levels goes to the authority of the department's level, who confirms it.
        let status = crate::demand::route_of(decision.outcome, basis_kind.is_some());
        let authority = if status == DemandStatus::ForRegistration {
            Role::Supervisor.as_str()
        } else {
            level.authority().0.as_str()
        };
        let details = AgencyDetails {
            work_agency: f.work_agency,
            venue: f.venue,
            full_time_staff: f.full_time_staff,
            plaque: f.plaque,
            mandate_level: f.mandate_level.trim().to_owned(),
            mandate_document: text::visible(&f.mandate_document).to_owned(),
            target_mode: f.target_mode.clone(),
            target_ids: f.target_ids.clone(),
        };
        let opt = |s: &str| Some(text::visible(s).to_owned()).filter(|s| !s.is_empty());
        self.store_decided(
            ctx,
            Decided {
                kind: DemandKind::AgencyRequirement,
                action: "demand.create_agency_requirement",
                title,
                description,
                requester: &requester,
                level,
                scope: &scope,
                status,
                authority,
                details: serde_json::to_string(&details).map_err(|_| DomainError::internal())?,
                legal_basis: (
                    basis_kind.map(|_| f.legal_basis_kind.trim().to_owned()),
                    opt(&f.legal_basis_title),
                    opt(&f.legal_basis_article),
                ),
                start,
                end,
                decision: &view,
                targets: &targets,
                burden: (0, 0),
            },
        )
        .await
    }

    /// A department requires communities to issue a certificate (4.5-4). The rules decide at
    /// once: without the basis that makes the community the issuer, or for a type the
    /// catalogue of a community concerned does not retain (4.5-10), it is refused; otherwise it
    /// goes to the keeper of its level's list for registration (备案, 4.2-2), who checks the
    /// basis and gives the number. Every problem of the form is reported at once.
    pub async fn create_certificate_demand(
        &self,
        ctx: &Ctx,
        f: &CertificateDemandForm,
    ) -> Result<DemandView> {
        let (requester, level, scope) = self.requester_for(ctx, f.requester_node_id).await?;
        let mut problems = crate::Problems::new();
        let code = f.type_code.trim();
        let ty = if code.is_empty() {
            None
        } else {
            let city = self.city_node().await?;
            let t =
                catalogue::type_by_code_in(self.store.db(), code, vec![city.id, scope.id]).await?;
            if t.is_none() {
                problems.push(DomainError::field(
                    "type_code",
                    "type_unknown",
                    "证明事项不存在（可不选，在“证明名称”中填写）",
                ));
            }
            t
        };
        let type_name = match &ty {
            Some(t) => t.name.clone(),
            None => text::visible(&f.type_name).to_owned(),
        };
        if ty.is_none()
            && !problems.has("type_code")
            && !(1..=100).contains(&type_name.chars().count())
        {
            problems.push(DomainError::field(
                "type_name",
                "type_name_required",
                "请选择证明事项，或填写要求出具的证明名称（不超过 100 字）",
            ));
        }
        let purpose = text::visible(&f.purpose).to_owned();
        if !(1..=200).contains(&purpose.chars().count()) {
            problems.push(DomainError::field(
                "purpose",
                "purpose_required",
                "请写明要求出具该证明的用途（不超过 200 字）",
            ));
        }
        let basis = problems
            .take(certificate_basis(
                &f.basis_kind,
                &f.basis_title,
                f.article(),
            ))
            .flatten();
        let (start, end) = period(&mut problems, &f.period_start, &f.period_end);
        let targets = problems.take(
            self.resolve_targets(ctx, &scope, &f.target_mode, &f.target_ids)
                .await,
        );
        problems.finish()?;
        let (Some(start), Some(end), Some(targets)) = (start, end, targets) else {
            return Err(DomainError::internal());
        };
        crate::demand::check_period_not_past(end, self.today())?;
        // Retained by the catalogue of every district whose communities are concerned.
        let in_catalogue = match &ty {
            Some(t) if t.listing != "discontinued" => {
                // A district department's targets all lie in its district (resolve_targets
                // keeps them in its scope); a city department's may span districts.
                let mut districts = std::collections::BTreeSet::new();
                if scope.kind == NodeKind::District {
                    districts.insert(scope.id);
                } else {
                    for id in &targets {
                        let n = self.find_node(*id).await?;
                        districts.insert(self.district_of(&n.path).await?.id);
                    }
                }
                let mut all = true;
                for d in districts {
                    all &= catalogue::is_adopted(self.store.db(), d, t.id).await?;
                }
                all
            }
            _ => false,
        };
        let decision = check_certificate_demand(&CertificateDemandFacts {
            basis,
            in_catalogue,
        });
        let view = DecisionView::from_decision(&decision);
        // Allowed, it rests on a basis: registration by the list keeper, as a work item with a
        // legal basis (4.2-2, 4.2-4).
        let status = crate::demand::route_of(decision.outcome, true);
        let authority = if status == DemandStatus::ForRegistration {
            Role::Supervisor.as_str()
        } else {
            level.authority().0.as_str()
        };
        let details = CertificateDemandDetails {
            type_code: ty.as_ref().map(|t| t.code.clone()).unwrap_or_default(),
            type_name: type_name.clone(),
            purpose,
            basis_kind: f.basis_kind.trim().to_owned(),
            basis_title: text::visible(&f.basis_title).to_owned(),
            basis_article: text::visible(f.article()).to_owned(),
            in_catalogue,
            target_mode: f.target_mode.clone(),
            target_ids: f.target_ids.clone(),
        };
        let title = format!("要求社区(村)出具{type_name}");
        self.store_decided(
            ctx,
            Decided {
                kind: DemandKind::CertificateDemand,
                action: "demand.create_certificate_demand",
                title: &title,
                description: &details.purpose,
                requester: &requester,
                level,
                scope: &scope,
                status,
                authority,
                details: serde_json::to_string(&details).map_err(|_| DomainError::internal())?,
                legal_basis: (None, None, None),
                start,
                end,
                decision: &view,
                targets: &targets,
                burden: (0, 0),
            },
        )
        .await
    }

    /// The certificate types a department may name in a certificate demand: the city
    /// catalogue's and its own district's, as (code, name, no longer retained).
    pub async fn certificate_demand_types(&self, ctx: &Ctx) -> Result<Vec<(String, String, bool)>> {
        let mut scopes = vec![self.city_node().await?.id];
        scopes.extend(
            ctx.principal
                .grants
                .iter()
                .filter(|g| crate::authz::permits(g.role, Action::DraftDemand))
                .map(|g| g.scope_node_id),
        );
        Ok(catalogue::types_of(self.store.db(), scopes)
            .await?
            .into_iter()
            .map(|t| {
                let gone = t.listing == "discontinued";
                (t.code, t.name, gone)
            })
            .collect())
    }

    /// The admitted certificate demands in force for type `code`, for its service guide.
    pub async fn certificate_requirements(
        &self,
        code: &str,
    ) -> Result<Vec<CertificateRequirement>> {
        let today = self.today().to_string();
        let rows = repo::in_force(
            self.store.db(),
            DemandStatus::Admitted.as_str(),
            &today,
            Some(DemandKind::CertificateDemand.as_str()),
            None,
        )
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let Ok(details) = serde_json::from_str::<CertificateDemandDetails>(&r.details) else {
                continue;
            };
            if details.type_code != code {
                continue;
            }
            out.push(CertificateRequirement {
                requester: self.find_node(r.requester_node_id).await?.name,
                purpose: details.purpose.clone(),
                basis_zh: details.basis_zh(),
                admission_number: r.admission_number.unwrap_or_default(),
                valid_to: r.valid_to.unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

/// A demand of a kind decided as it is created (no draft): what [`App::store_decided`] writes.
pub(crate) struct Decided<'a> {
    pub kind: DemandKind,
    /// The audit action of its creation.
    pub action: &'static str,
    pub title: &'a str,
    pub description: &'a str,
    pub requester: &'a NodeView,
    pub level: Level,
    pub scope: &'a NodeView,
    pub status: DemandStatus,
    pub authority: &'a str,
    /// The kind's own fields as JSON.
    pub details: String,
    /// The legal basis columns (kind, title, article), where the kind has one.
    pub legal_basis: (Option<String>, Option<String>, Option<String>),
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub decision: &'a DecisionView,
    pub targets: &'a [i64],
    /// The burden on each target community (the ledger's Standard Cost Model): minutes per
    /// occurrence and occurrences per year; (0, 0) where the kind costs no recurring work.
    pub burden: (i32, i32),
}

impl App {
    /// Stores `d` with its targets and the audit entry of its creation, in one transaction;
    /// the demand as its requester sees it.
    pub(crate) async fn store_decided(&self, ctx: &Ctx, d: Decided<'_>) -> Result<DemandView> {
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let (legal_basis_kind, legal_basis_title, legal_basis_article) = d.legal_basis;
        let id = repo::insert(
            tx.conn(),
            NewDemand {
                kind: d.kind.as_str(),
                content: Content {
                    title: d.title.to_owned(),
                    description: d.description.to_owned(),
                    details: d.details,
                    legal_basis_kind,
                    legal_basis_title,
                    legal_basis_article,
                    funding_fen: None,
                    funding_source: None,
                    minutes_per_occurrence: d.burden.0,
                    occurrences_per_year: d.burden.1,
                    period_start: d.start.to_string(),
                    period_end: d.end.to_string(),
                },
                requester_node_id: d.requester.id,
                requester_account_id: ctx.principal.account_id,
                level: d.level.as_str(),
                scope_node_id: d.scope.id,
                status: d.status.as_str(),
                decision: Some(decision_json(d.decision)?),
                authority: Some(d.authority),
                submitted: true,
                now,
            },
            d.targets,
        )
        .await?;
        tx.audit(ctx.entry(
            d.action,
            "demand",
            Some(id.to_string()),
            serde_json::json!({
                "title": d.title,
                "requester": d.requester.name,
                "targets": d.targets.len(),
                "outcome": d.decision.outcome,
                "clauses": d.decision.clauses,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.demand_detail(ctx, id).await
    }
}

/// A form's 开始日期 and 结束日期 (`period_start`, `period_end`), each parsed, the end not before
/// the start; what is wrong goes to `problems`.
pub(crate) fn period(
    problems: &mut crate::Problems,
    start: &str,
    end: &str,
) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
    let start = problems.take(crate::demand::parse_named_date(
        start,
        "period_start",
        "开始日期",
    ));
    let end = problems.take(crate::demand::parse_named_date(
        end,
        "period_end",
        "结束日期",
    ));
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        problems.push(DomainError::field(
            "period_end",
            "period_end_before_start",
            "结束日期不能早于开始日期",
        ));
    }
    (start, end)
}
