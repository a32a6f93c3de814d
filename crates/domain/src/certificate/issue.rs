//! Applications, issuing, revocation and public verification of certificates.

use crate::text;
use std::sync::Arc;
use std::time::SystemTime;

use jianfu_rules::certificate::{
    self as rules, ApplicationFacts, CatalogueStatus, DeliberationOutcome, IssueFacts, IssuePath,
    TransitionalNeed,
};
use jianfu_rules::{Outcome, clause};
use jianfu_seal::{CertificateContent, RenderOptions, SealedCertificate};
use jianfu_store::entity::{certificate_application, certificate_type};
use jianfu_store::repo::applications::{self as repo, Step};
use jianfu_store::repo::{accounts, catalogue, certificates, seals};
use serde::{Deserialize, Serialize};

use super::catalogue::{alternative_of, processing_of};
use super::{ApplicationStatus, CertificateStatus, OpenSeal, mask_name, new_check_code, serial};
use crate::authz::{Action, Role};
use crate::clock::rules_date;
use crate::demand::DecisionView;
use crate::error::{DomainError, Result};
use crate::id_number::{IdNumber, mask};
use crate::page::{Page, PageRequest};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// Largest attachment accepted, and most attachments per application.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ATTACHMENTS: usize = 5;

/// What a resident (or a worker on their behalf) submits.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApplicationForm {
    /// The community applied to; a resident's own community when empty.
    pub community_id: Option<i64>,
    /// A type code from the catalogue, or `other` for a certificate in no catalogue.
    pub type_code: String,
    /// With `other`: what the resident was asked for.
    pub other_name: String,
    pub applicant_name: String,
    pub id_number: String,
    pub purpose: String,
    pub details: String,
    /// For a discontinued type (4.5-12): `policy_gap` or `counterparty_requires`.
    pub need: String,
    /// The department that asked for the certificate (optional, 4.5-4).
    pub demanded_by: String,
    /// The admission number of that department's certificate demand (optional, 4.5-4).
    pub demand_number: String,
}

/// An uploaded file, before checking.
#[derive(Clone, Debug)]
pub struct AttachmentUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A deliberation record (议事协商, 4.5-5).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DeliberationForm {
    pub date: String,
    pub participants: String,
    /// `consented` or `not_consented`.
    pub outcome: String,
    pub minutes: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApplicationFilter {
    /// submitted | refused | issued | overdue
    pub status: String,
    /// Applicant name or serial contains.
    pub q: String,
}

/// The certificate issued on an application.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedView {
    pub id: i64,
    pub serial: String,
    pub status: String,
    pub issued_at: String,
    pub revoke_reason: Option<String>,
    pub verify_url: String,
    /// `json-v1` or `ses-v4` ([`super::CertificateFormat`]); an OFD exists for `ses-v4`.
    pub format: &'static str,
    pub format_zh: &'static str,
}

/// An application as pages and the API show it. The ID number is masked.
#[derive(Clone, Debug, Serialize)]
pub struct ApplicationView {
    pub id: i64,
    pub community_node_id: i64,
    pub community_name: String,
    pub type_code: Option<String>,
    pub type_name: String,
    pub applicant_name: String,
    pub applicant_account_id: Option<i64>,
    pub id_number_masked: String,
    pub purpose: String,
    pub details: String,
    /// The department that asked for the certificate, as the applicant named it (4.5-4).
    pub demanded_by: Option<String>,
    /// The admission number of its certificate demand, as given.
    pub demand_number: Option<String>,
    /// What a worker asked the applicant to add, until it is added (补正材料).
    pub material_request: Option<String>,
    pub status: String,
    pub status_zh: &'static str,
    /// An issued certificate that was later revoked.
    pub revoked: bool,
    /// catalogue | transitional | none
    pub path: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub public_interest: bool,
    pub needs_investigation: bool,
    pub decision: DecisionView,
    pub investigation_note: Option<String>,
    pub deliberation: Option<DeliberationForm>,
    pub head_approved: Option<String>,
    pub risk_assessment: Option<String>,
    pub delay_note: Option<String>,
    pub refuse_reason: Option<String>,
    pub attachments: Vec<AttachmentView>,
    pub certificate: Option<IssuedView>,
    pub created_at: String,
}

/// What `/verify` tells anyone holding a serial and check code. Personal data masked.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyView {
    /// authentic | revoked | seal_expired | invalid | unknown
    pub state: &'static str,
    pub state_zh: &'static str,
    pub serial: String,
    pub type_name: Option<String>,
    pub community_name: Option<String>,
    pub applicant: Option<String>,
    pub id_number: Option<String>,
    pub issued_on: Option<String>,
    pub seal_id: Option<String>,
    pub seal_valid: Option<String>,
    pub revoke_reason: Option<String>,
    pub clauses: Vec<String>,
    /// The signature format of the document, in words (旧格式 / GB/T 38540 签章 …).
    pub format_zh: Option<&'static str>,
    /// A signer certificate of the PDF's `/Sig` or the OFD revoked after the signature was
    /// made: the signature stays valid (it was made while the certificate was good) and the
    /// page says so, with the serial and the time of revocation.
    pub signer_revoked: Option<String>,
}

impl VerifyView {
    /// What a serial and check code that match no sealed document of a supervision body
    /// show: nothing about it, so a wrong code looks exactly like an unknown serial.
    pub(crate) fn unknown(serial: String) -> Self {
        Self {
            state: "unknown",
            state_zh: "查无此文书（编号或核验码不正确）",
            serial,
            type_name: None,
            community_name: None,
            applicant: None,
            id_number: None,
            issued_on: None,
            seal_id: None,
            seal_valid: None,
            revoke_reason: None,
            clauses: Vec::new(),
            format_zh: None,
            signer_revoked: None,
        }
    }
}

/// The public base URL certificates link to for verification.
pub fn verify_url(base: &str, serial: &str, code: &str) -> String {
    format!(
        "{}/verify?serial={serial}&code={code}",
        base.trim_end_matches('/')
    )
}

/// The kind of an uploaded file (PNG, JPEG or PDF, judged by its content, with a name whose
/// extension says the same), or the problem with it as an error on `field`. Certificate
/// attachments and rectification evidence are checked alike.
pub(crate) fn check_upload(u: &AttachmentUpload, field: &'static str) -> Result<&'static str> {
    let name = u.file_name.trim();
    let err = |code, msg: String| DomainError::field(field, code, msg);
    if name.is_empty()
        || name.chars().count() > 120
        || name.contains(['/', '\\', '\0'])
        || name.contains("..")
    {
        return Err(err(
            "attachment_name_invalid",
            format!(
                "附件文件名“{}”无效：不能含路径或特殊字符",
                name.chars().take(60).collect::<String>()
            ),
        ));
    }
    if u.bytes.is_empty() {
        return Err(err("attachment_empty", format!("附件“{name}”是空文件")));
    }
    if u.bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(err(
            "attachment_too_large",
            format!("附件“{name}”超过 5 MB"),
        ));
    }
    let kind = match crate::upload::inspect(&u.bytes) {
        Ok(kind) => kind,
        Err(crate::upload::Refusal::Unknown) => {
            return Err(err(
                "attachment_type",
                format!("附件“{name}”不是图片（JPG、PNG）或 PDF 文件（按文件内容判断）"),
            ));
        }
        Err(crate::upload::Refusal::Damaged(kind)) => {
            return Err(err(
                "attachment_damaged",
                format!(
                    "附件“{name}”看起来是{}，但内容已损坏或不完整，无法打开；请重新扫描或导出后上传",
                    crate::upload::kind_zh(kind)
                ),
            ));
        }
    };
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let ext_ok = match kind {
        "image/png" => ext == "png",
        "image/jpeg" => ext == "jpg" || ext == "jpeg",
        _ => ext == "pdf",
    };
    if !ext_ok {
        return Err(err(
            "attachment_disguised",
            format!("附件“{name}”的扩展名与文件内容不符"),
        ));
    }
    Ok(kind)
}

pub(crate) fn text_field(
    s: &str,
    field: &'static str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String> {
    text::check_chars(s, text::Lines::Many, field, label)?;
    let t = text::visible(s);
    if required && t.is_empty() {
        return Err(DomainError::field(
            field,
            "required",
            format!("请填写{label}"),
        ));
    }
    if t.chars().count() > max {
        return Err(DomainError::field(
            field,
            "too_long",
            format!("{label}不能超过 {max} 字"),
        ));
    }
    Ok(t.to_owned())
}

fn deliberation_outcome(d: &Option<DeliberationForm>) -> Option<DeliberationOutcome> {
    d.as_ref().map(|d| {
        if d.outcome == "consented" {
            DeliberationOutcome::Consented
        } else {
            DeliberationOutcome::NotConsented
        }
    })
}

impl App {
    /// The community an application goes to: a resident's own, or the worker's.
    async fn application_community(&self, ctx: &Ctx, asked: Option<i64>) -> Result<NodeView> {
        let id = match asked {
            Some(id) => id,
            None => ctx
                .principal
                .grants
                .iter()
                .find(|g| crate::authz::permits(g.role, Action::ApplyCertificate))
                .map(|g| g.node_id)
                .ok_or_else(|| DomainError::forbidden("您的角色不能申请证明"))?,
        };
        let c = self.find_node(id).await.map_err(|_| {
            DomainError::field("community_id", "community_invalid", "请选择社区(村)")
        })?;
        if !c.kind.is_community() {
            return Err(DomainError::field(
                "community_id",
                "community_invalid",
                "请选择社区(村)",
            ));
        }
        self.check(ctx, Action::ApplyCertificate, &c.target())
            .await?;
        Ok(c)
    }

    /// A resident applies (or a worker on a resident's behalf). The rules of 4.5 decide at
    /// once: a type in no catalogue of the community's district is refused with 4.5-10 (and the
    /// alternative route), a discontinued type goes the transitional path of 4.5-12/4.5-13,
    /// a catalogue type is received with its time limit counted in working days (4.5-9).
    /// Bad input (ID number, attachments, a type of another district) changes nothing.
    pub async fn apply_certificate(
        &self,
        ctx: &Ctx,
        f: &ApplicationForm,
        uploads: &[AttachmentUpload],
    ) -> Result<ApplicationView> {
        let c = self.application_community(ctx, f.community_id).await?;
        let district = self.district_of(&c.path).await?;
        let today = self.today();
        // Every problem of the form at once (issue 16), in the order of its fields.
        let mut problems = crate::Problems::new();
        let code = f.type_code.trim();
        let ty = if code.is_empty() {
            problems.push(DomainError::field(
                "type_code",
                "type_required",
                "请选择证明事项",
            ));
            None
        } else if code == "other" {
            None
        } else {
            match catalogue::type_by_code(self.store.db(), code).await? {
                None => {
                    problems.push(DomainError::field(
                        "type_code",
                        "type_unknown",
                        "证明事项不存在",
                    ));
                    None
                }
                Some(t) => {
                    let city = self.city_node().await?;
                    if t.scope_node_id != city.id && t.scope_node_id != district.id {
                        problems.push(DomainError::field(
                            "type_code",
                            "type_of_other_district",
                            format!(
                                "“{}”是其他区(县、市)的本地证明事项，{}的社区不能出具",
                                t.name, district.name
                            ),
                        ));
                    }
                    Some(t)
                }
            }
        };
        let other_name = if code == "other" {
            problems.take(text_field(
                &f.other_name,
                "other_name",
                "所需证明名称",
                100,
                true,
            ))
        } else {
            None
        };
        let applicant_name = problems.take(text_field(
            &f.applicant_name,
            "applicant_name",
            "申请人姓名",
            50,
            true,
        ));
        let id = problems.take(IdNumber::parse(&f.id_number, rules_date(today)?));
        // Short enough that the certificate stays one page (the seal crate refuses longer text).
        let purpose = problems.take(text_field(&f.purpose, "purpose", "办理用途", 100, true));
        let details = problems.take(text_field(&f.details, "details", "补充说明", 200, false));
        let demanded_by = problems
            .take(text_field(
                &f.demanded_by,
                "demanded_by",
                "要求出具的部门",
                100,
                false,
            ))
            .filter(|s| !s.is_empty());
        let demand_number = match crate::admission::typed(&f.demand_number) {
            n if n.trim().is_empty() => None,
            n => problems.take(
                crate::admission::AdmissionNumber::parse(&n)
                    .map(|n| n.as_str().to_owned())
                    .map_err(|_| {
                        DomainError::field(
                            "demand_number",
                            "demand_number_malformed",
                            "准入编号格式不正确，应形如 AZ-2026-000123-7",
                        )
                    }),
            ),
        };
        for (field, text) in [
            ("applicant_name", &applicant_name),
            ("purpose", &purpose),
            ("details", &details),
        ] {
            if let Some(text) = text
                && let Err(e) = jianfu_seal::check_printable(&[text.as_str()])
            {
                problems.push(DomainError::field(
                    field,
                    "unsupported_characters",
                    e.message(),
                ));
            }
        }
        let mut kinds = Vec::with_capacity(uploads.len());
        if uploads.len() > MAX_ATTACHMENTS {
            problems.push(DomainError::field(
                "attachments",
                "too_many_attachments",
                "附件最多 5 个",
            ));
        } else {
            for u in uploads {
                if let Some(kind) = problems.take(check_upload(u, "attachments")) {
                    kinds.push(kind);
                }
            }
        }
        problems.finish()?;
        let (Some(applicant_name), Some(id), Some(purpose), Some(details)) =
            (applicant_name, id, purpose, details)
        else {
            return Err(DomainError::internal());
        };
        let requested_name = match (&ty, other_name) {
            (Some(t), _) => t.name.clone(),
            (None, Some(name)) => name,
            (None, None) => return Err(DomainError::internal()),
        };
        let adopted = match &ty {
            Some(t) => catalogue::is_adopted(self.store.db(), district.id, t.id).await?,
            None => false,
        };
        let need = match f.need.as_str() {
            "policy_gap" => Some(TransitionalNeed::PolicyGap),
            "counterparty_requires" => Some(TransitionalNeed::CounterpartyRequires),
            _ => None,
        };
        let department = ty
            .as_ref()
            .and_then(|t| t.alternative_note.clone())
            .unwrap_or_else(|| "办事部门".into());
        let (status, path) = match &ty {
            Some(t) if t.listing == "discontinued" => (
                CatalogueStatus::Discontinued {
                    need,
                    within_duty: t.within_duty,
                    verifiable: t.within_duty,
                    // Discontinued types were removed because communities cannot vouch for
                    // them: issuing one is always treated as carrying legal risk (4.5-13).
                    legal_risk: true,
                },
                "transitional",
            ),
            Some(t) if adopted => (
                CatalogueStatus::Retained {
                    processing: processing_of(t.processing_days),
                    needs_investigation: t.needs_investigation,
                },
                "catalogue",
            ),
            _ => (
                CatalogueStatus::NotListed {
                    alternative: ty
                        .as_ref()
                        .and_then(|t| alternative_of(t.alternative_route.as_deref())),
                    department: &department,
                },
                "none",
            ),
        };
        let public_interest = ty.as_ref().is_some_and(|t| t.public_interest);
        let mut decision = rules::check_application(&ApplicationFacts {
            status,
            public_interest,
        });
        // A discontinued type refused under 4.5-12 is not on the retained list either, so the
        // community does not issue it (4.5-10): like any type outside the catalogue, the refusal
        // names the alternative route the catalogue records for it.
        if decision.outcome == Outcome::Reject
            && path == "transitional"
            && let Some(alternative) = ty
                .as_ref()
                .and_then(|t| alternative_of(t.alternative_route.as_deref()))
        {
            decision.merge(rules::not_in_catalogue(Some(alternative), &department));
        }
        let refused = decision.outcome == Outcome::Reject;
        let due_on = match (&ty, refused) {
            (Some(t), false) => {
                let cal = self.calendar().await?;
                cal.due_date(rules_date(today)?, processing_of(t.processing_days))
                    .ok()
                    .map(|d| d.to_string())
            }
            _ => None,
        };
        let now = self.now_ms();
        let applicant_account = ctx
            .principal
            .grants
            .iter()
            .any(|g| g.role == Role::Resident && g.node_id == c.id)
            .then_some(ctx.principal.account_id);
        let decision_view = DecisionView::from_decision(&decision);
        let mut tx = self.store.begin_write().await?;
        let row = repo::insert(
            tx.conn(),
            repo::NewApplication {
                community_node_id: c.id,
                type_id: ty.as_ref().map(|t| t.id),
                requested_name: requested_name.clone(),
                applicant_account_id: applicant_account,
                applicant_name: applicant_name.clone(),
                applicant_id_masked: id.masked(),
                applicant_id_index: Some(self.id_number_index(id.full())),
                purpose,
                details,
                demanded_by,
                demand_number,
                status: if refused {
                    ApplicationStatus::Refused
                } else {
                    ApplicationStatus::Submitted
                }
                .as_str()
                .into(),
                path: if refused { "none" } else { path }.into(),
                received_on: today.to_string(),
                due_on,
                decision: serde_json::to_string(&decision_view)
                    .map_err(|_| DomainError::internal())?,
                refuse_reason: refused.then(|| {
                    let mut parts = Vec::new();
                    if path == "none" && ty.is_some() {
                        // A city type this district has not put in its catalogue (4.5-2).
                        parts.push(format!(
                            "“{requested_name}”未列入{}社区(村)出具证明事项清单",
                            district.name
                        ));
                    }
                    parts.extend(decision_view.reasons.iter().map(|r| r.message.clone()));
                    parts.join("；")
                }),
                created_by: ctx.principal.account_id,
                now,
            },
        )
        .await?;
        self.seal_id_number(&tx, row.id, id.full()).await?;
        self.keep_attachments(&tx, ctx, row.id, uploads, &kinds, now)
            .await?;
        tx.audit(ctx.entry(
            if refused { "certificate.apply_refused" } else { "certificate.apply" },
            "certificate_application",
            Some(row.id.to_string()),
            serde_json::json!({
                "community": c.name, "type": requested_name, "applicant": mask_name(&applicant_name),
                "id_number": id.masked(), "attachments": uploads.len(), "outcome": decision_view.outcome,
                "clauses": decision_view.clauses,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.application_view(row).await
    }

    /// Stores checked uploads of application `id` (content type from [`check_upload`]),
    /// each encrypted once its row has the id the ciphertext is bound to.
    async fn keep_attachments(
        &self,
        tx: &jianfu_store::WriteTx,
        ctx: &Ctx,
        id: i64,
        uploads: &[AttachmentUpload],
        kinds: &[&'static str],
        now: i64,
    ) -> Result<()> {
        for (u, kind) in uploads.iter().zip(kinds) {
            let a = repo::insert_attachment(
                tx.conn(),
                repo::NewAttachment {
                    application_id: id,
                    file_name: u.file_name.trim(),
                    content_type: kind,
                    size_bytes: i64::try_from(u.bytes.len()).unwrap_or(i64::MAX),
                    sm3: jianfu_seal::sm3_hex(&u.bytes),
                    created_by: ctx.principal.account_id,
                    created_at: now,
                },
            )
            .await?;
            self.seal_attachment(tx, a, &u.bytes).await?;
        }
        Ok(())
    }

    /// An application still in progress and its community, if `ctx` may take `action` there
    /// (the first steps of every processing use case).
    async fn in_progress(
        &self,
        ctx: &Ctx,
        id: i64,
        action: Action,
    ) -> Result<(certificate_application::Model, NodeView)> {
        let row = self.application_row(id).await?;
        let c = self.find_node(row.community_node_id).await?;
        self.check(ctx, action, &c.target()).await?;
        open_for_processing(&row)?;
        Ok((row, c))
    }

    /// The application with its ID number decrypted (in memory only).
    async fn application_row(&self, id: i64) -> Result<certificate_application::Model> {
        let mut row = repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("证明申请"))?;
        row.applicant_id_number = self.open_id_number(row.id, &row.applicant_id_number)?;
        Ok(row)
    }

    /// Who may read an application: its applicant, the community's staff, and the street,
    /// district and city officials above it who watch certificates.
    async fn readable_application(
        &self,
        ctx: &Ctx,
        id: i64,
    ) -> Result<(certificate_application::Model, NodeView)> {
        let row = self.application_row(id).await?;
        let c = self.find_node(row.community_node_id).await?;
        if row.applicant_account_id == Some(ctx.principal.account_id) {
            return Ok((row, c));
        }
        self.check(ctx, Action::ViewCertificates, &c.target())
            .await?;
        Ok((row, c))
    }

    /// One application, for its applicant or an official in whose jurisdiction it lies.
    pub async fn application(&self, ctx: &Ctx, id: i64) -> Result<ApplicationView> {
        let (row, _) = self.readable_application(ctx, id).await?;
        self.application_view(row).await
    }

    /// The application's history, oldest first (申请 → 调查核实/议事协商/签批 → 出具或不予出具 →
    /// 撤销): who, when, the opinion or reason and the clauses. Takes the view that
    /// [`App::application`] returned, so only those who may read the application see it.
    pub async fn application_timeline(
        &self,
        a: &ApplicationView,
    ) -> Result<Vec<crate::timeline::TimelineEntry>> {
        let mut targets = vec![("certificate_application", a.id.to_string())];
        if let Some(c) = &a.certificate {
            targets.push(("certificate", c.id.to_string()));
        }
        let actions = crate::timeline::actions_of(
            "certificate.",
            &[
                "certificate.download",
                "certificate.reveal_id_number",
                "certificate.export",
            ],
        );
        self.timeline(&targets, &actions, |s| crate::timeline::Annotation {
            outcome: match s.action.as_str() {
                "certificate.apply" => Some(match s.details["outcome"].as_str() {
                    Some("needs_approval") => "按过渡程序办理",
                    _ => "已受理",
                }),
                "certificate.apply_refused" => Some("不予受理"),
                "certificate.record" => match s.details["step"].as_str() {
                    Some("investigation") => Some("调查核实"),
                    Some("deliberation") => Some(match s.details["outcome"].as_str() {
                        Some("consented") => "议事协商：讨论同意",
                        _ => "议事协商：未同意",
                    }),
                    Some("risk") => Some("风险评估"),
                    Some("delay") => Some("延期办理"),
                    _ => None,
                },
                "certificate.issue" => Some(ApplicationStatus::Issued.label_zh()),
                "certificate.refuse" => Some(ApplicationStatus::Refused.label_zh()),
                "certificate.revoke" => Some("已撤销"),
                _ => None,
            },
            opinion: None,
        })
        .await
    }

    /// The full ID number, for the applicant or a worker of the issuing community; every
    /// look is written to the audit log.
    pub async fn reveal_id_number(&self, ctx: &Ctx, id: i64) -> Result<String> {
        let row = self.application_row(id).await?;
        if row.applicant_account_id != Some(ctx.principal.account_id) {
            let c = self.find_node(row.community_node_id).await?;
            self.check(ctx, Action::ProcessCertificate, &c.target())
                .await?;
        }
        self.store
            .audit_only(ctx.entry(
                "certificate.reveal_id_number",
                "certificate_application",
                Some(id.to_string()),
                serde_json::json!({ "id_number": mask(&row.applicant_id_number) }),
            ))
            .await?;
        Ok(row.applicant_id_number)
    }

    /// A resident's own applications, newest first.
    pub async fn my_applications(&self, ctx: &Ctx) -> Result<Vec<ApplicationView>> {
        if !ctx.principal.may(Action::ApplyCertificate) {
            self.record_denial(ctx, Action::ApplyCertificate, None)
                .await;
            return Err(DomainError::forbidden("您的角色不能申请证明"));
        }
        let rows = repo::of_applicant(self.store.db(), ctx.principal.account_id, 200).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.application_view(r).await?);
        }
        Ok(out)
    }

    /// Applications in the caller's jurisdiction (community staff: their community; street:
    /// its communities; supervisors: their district or city), newest first, with overdue ones
    /// flagged (4.5-9).
    pub async fn list_applications(
        &self,
        ctx: &Ctx,
        f: &ApplicationFilter,
        page: PageRequest,
    ) -> Result<Page<ApplicationView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewCertificates, "您的角色不能查看证明申请")
            .await?;
        let today = self.today().to_string();
        let status = match f.status.as_str() {
            "" => repo::StatusFilter::Any,
            "overdue" => repo::StatusFilter::DueBefore {
                status: ApplicationStatus::Submitted.as_str(),
                today: &today,
            },
            s @ ("submitted" | "refused" | "issued") => repo::StatusFilter::In(s),
            _ => return Err(DomainError::field("status", "status_invalid", "状态无效")),
        };
        let needle = f.q.trim();
        // A full ID number finds its applications through the blind index.
        let index = self.id_number_index(&needle.to_ascii_uppercase());
        let (rows, total) = repo::page(
            self.store.db(),
            &scope,
            status,
            (!needle.is_empty()).then_some((needle, index.as_str())),
            page.offset(),
            page.per_page,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.application_view(r).await?);
        }
        Ok(page.page(items, total))
    }

    async fn application_view(&self, r: certificate_application::Model) -> Result<ApplicationView> {
        let community = self.find_node(r.community_node_id).await?;
        let ty = match r.type_id {
            Some(t) => catalogue::type_by_id(self.store.db(), t).await?,
            None => None,
        };
        let attachments = repo::attachments_of(self.store.db(), r.id)
            .await?
            .into_iter()
            .map(|(id, file_name, content_type, size_bytes)| AttachmentView {
                id,
                file_name,
                content_type,
                size_bytes,
            })
            .collect();
        let cert = repo::issued_on(self.store.db(), r.id).await?.map(
            |(id, serial, code, status, at, reason, format)| IssuedView {
                id,
                format: super::CertificateFormat::stored(&format).as_str(),
                format_zh: super::CertificateFormat::stored(&format).label_zh(),
                verify_url: verify_url(&self.public_base_url(), &serial, &code),
                serial,
                status,
                issued_at: crate::clock::fmt_ms(at),
                revoke_reason: reason,
            },
        );
        let head = match r.head_approved_by {
            Some(a) => accounts::by_id(self.store.db(), a).await?.map(|a| {
                format!(
                    "{}（{}）于 {} 签字同意",
                    a.display_name,
                    a.username,
                    crate::clock::fmt_ms(r.head_approved_at.unwrap_or_default())
                )
            }),
            None => None,
        };
        let status = ApplicationStatus::stored(&r.status);
        let revoked = cert
            .as_ref()
            .is_some_and(|c| CertificateStatus::stored(&c.status) == CertificateStatus::Revoked);
        let overdue = status == ApplicationStatus::Submitted
            && r.due_on
                .as_deref()
                .is_some_and(|d| d < self.today().to_string().as_str());
        Ok(ApplicationView {
            id: r.id,
            community_node_id: r.community_node_id,
            community_name: community.name,
            type_code: ty.as_ref().map(|t| t.code.clone()),
            type_name: r.requested_name,
            applicant_name: r.applicant_name,
            applicant_account_id: r.applicant_account_id,
            id_number_masked: r.applicant_id_masked,
            purpose: r.purpose,
            details: r.details,
            demanded_by: r.demanded_by,
            demand_number: r.demand_number,
            material_request: r.material_request,
            status: r.status,
            status_zh: if revoked {
                "证明已撤销"
            } else {
                status.label_zh()
            },
            revoked,
            path: r.path,
            received_on: r.received_on,
            due_on: r.due_on,
            overdue,
            public_interest: ty.as_ref().is_some_and(|t| t.public_interest),
            needs_investigation: ty.as_ref().is_some_and(|t| t.needs_investigation),
            decision: serde_json::from_str(&r.decision).map_err(|_| DomainError::internal())?,
            investigation_note: r.investigation_note,
            deliberation: r
                .deliberation
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
            head_approved: head,
            risk_assessment: r.risk_assessment,
            delay_note: r.delay_note,
            refuse_reason: r.refuse_reason,
            attachments,
            certificate: cert,
            created_at: crate::clock::fmt_ms(r.created_at),
        })
    }

    /// An attachment's bytes, for whoever may read its application.
    pub async fn attachment(
        &self,
        ctx: &Ctx,
        application_id: i64,
        attachment_id: i64,
    ) -> Result<(String, String, Vec<u8>)> {
        self.readable_application(ctx, application_id).await?;
        let a = repo::attachment(self.store.db(), application_id, attachment_id)
            .await?
            .ok_or_else(|| DomainError::not_found("附件"))?;
        let content = self.open_attachment(a.id, &a.content)?;
        Ok((a.file_name, a.content_type, content))
    }

    /// The community's staff records a step on a submitted application: the investigation
    /// (调查核实), a deliberation (议事协商, 4.5-5), a risk assessment (4.5-13) or the reason
    /// for a delay (4.5-9). Each is audited; none can be recorded once the application closed.
    pub async fn record_step(
        &self,
        ctx: &Ctx,
        id: i64,
        step: &str,
        form: &RecordForm,
    ) -> Result<ApplicationView> {
        self.in_progress(ctx, id, Action::ProcessCertificate)
            .await?;
        let now = self.now_ms();
        let change;
        let summary;
        match step {
            "investigation" => {
                let note =
                    text_field(&form.note, "investigation_note", "调查核实情况", 2000, true)?;
                summary = serde_json::json!({ "step": step, "clause": clause!("4.5-9") });
                change = Step::Investigation {
                    note,
                    by: ctx.principal.account_id,
                };
            }
            "risk" => {
                let note = text_field(&form.note, "risk_note", "风险评估及防范措施", 2000, true)?;
                summary = serde_json::json!({ "step": step, "clause": clause!("4.5-13") });
                change = Step::Risk(note);
            }
            "delay" => {
                let note = text_field(&form.note, "delay_note", "延期原因", 1000, true)?;
                summary = serde_json::json!({ "step": step, "clause": clause!("4.5-9") });
                change = Step::Delay(note);
            }
            "deliberation" => {
                let d = form;
                let today = self.today();
                let mut p = crate::Problems::new();
                let date = p.take(
                    chrono::NaiveDate::parse_from_str(d.date.trim(), "%Y-%m-%d")
                        .map_err(|_| {
                            DomainError::field(
                                "date",
                                "date_invalid",
                                "议事协商日期格式应为 YYYY-MM-DD",
                            )
                        })
                        .and_then(|date| {
                            if date > today {
                                Err(DomainError::field(
                                    "date",
                                    "date_in_future",
                                    "议事协商日期不能晚于今天",
                                ))
                            } else {
                                Ok(date)
                            }
                        }),
                );
                let participants: Option<u32> = p.take(
                    d.participants
                        .trim()
                        .parse()
                        .ok()
                        .filter(|n| (1..=100_000).contains(n))
                        .ok_or_else(|| {
                            DomainError::field(
                                "participants",
                                "participants_invalid",
                                "请填写参加人数（正整数）",
                            )
                        }),
                );
                if !matches!(d.outcome.as_str(), "consented" | "not_consented") {
                    p.push(DomainError::field(
                        "outcome",
                        "outcome_invalid",
                        "请选择协商结果",
                    ));
                }
                let minutes = p.take(text_field(&d.minutes, "minutes", "会议纪要", 5000, true));
                p.finish()?;
                let (Some(date), Some(participants), Some(minutes)) = (date, participants, minutes)
                else {
                    return Err(DomainError::internal());
                };
                let record = DeliberationForm {
                    date: date.to_string(),
                    participants: participants.to_string(),
                    outcome: d.outcome.clone(),
                    minutes,
                };
                summary = serde_json::json!({ "step": step, "date": record.date, "participants": participants, "outcome": record.outcome, "clause": clause!("4.5-5") });
                change = Step::Deliberation(
                    serde_json::to_string(&record).map_err(|_| DomainError::internal())?,
                );
            }
            _ => return Err(DomainError::invalid("step_unknown", "未知的办理环节")),
        }
        let mut tx = self.store.begin_write().await?;
        let open = ApplicationStatus::Submitted.as_str();
        let n = repo::apply(tx.conn(), id, open, change, now).await?;
        if !n {
            return Err(DomainError::conflict(
                "application_closed",
                "该申请已办结，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "certificate.record",
            "certificate_application",
            Some(id.to_string()),
            summary,
        ))
        .await?;
        tx.commit().await?;
        self.application(ctx, id).await
    }

    /// The community head signs (社区负责人签字, 4.5-5). Only a head of that community.
    pub async fn head_approve(&self, ctx: &Ctx, id: i64) -> Result<ApplicationView> {
        let (row, _) = self.in_progress(ctx, id, Action::SignCertificate).await?;
        if row.head_approved_by.is_some() {
            return Err(DomainError::conflict("already_signed", "负责人已签字"));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let open = ApplicationStatus::Submitted.as_str();
        let by = ctx.principal.account_id;
        let n = repo::apply(tx.conn(), id, open, Step::HeadSign { by }, now).await?;
        if !n {
            return Err(DomainError::conflict(
                "application_closed",
                "该申请已办结或已签字，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "certificate.head_sign",
            "certificate_application",
            Some(id.to_string()),
            serde_json::json!({ "clause": clause!("4.5-5") }),
        ))
        .await?;
        tx.commit().await?;
        self.application(ctx, id).await
    }

    /// A worker asks the applicant for more material (一次性告知补正材料): what is missing, all
    /// at once, shown to the applicant (in the inbox too) until they add it. The application
    /// stays in progress; asking again replaces the request. Audited with 4.5-9.
    pub async fn request_material(
        &self,
        ctx: &Ctx,
        id: i64,
        note: &str,
    ) -> Result<ApplicationView> {
        self.in_progress(ctx, id, Action::ProcessCertificate)
            .await?;
        let note = text_field(note, "material_note", "需补充的材料", 500, true)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let open = ApplicationStatus::Submitted.as_str();
        let asked = Step::RequestMaterial(note.clone());
        let n = repo::apply(tx.conn(), id, open, asked, now).await?;
        if !n {
            return Err(DomainError::conflict(
                "application_closed",
                "该申请已办结，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "certificate.request_material",
            "certificate_application",
            Some(id.to_string()),
            serde_json::json!({ "note": note, "clause": clause!("4.5-9") }),
        ))
        .await?;
        tx.commit().await?;
        self.application(ctx, id).await
    }

    /// The applicant (or a worker on their behalf) adds the material asked for: at least one
    /// file, checked by content like the application's own, within the limit of attachments
    /// per application. The request is then answered.
    pub async fn supplement_application(
        &self,
        ctx: &Ctx,
        id: i64,
        uploads: &[AttachmentUpload],
    ) -> Result<ApplicationView> {
        let row = self.application_row(id).await?;
        let own = row.applicant_account_id == Some(ctx.principal.account_id);
        if !own {
            let c = self.find_node(row.community_node_id).await?;
            self.check(ctx, Action::ProcessCertificate, &c.target())
                .await?;
        }
        open_for_processing(&row)?;
        if row.material_request.is_none() {
            return Err(DomainError::conflict(
                "no_material_requested",
                "该申请没有待补充的材料",
            ));
        }
        let existing = repo::count_attachments(self.store.db(), id).await?;
        let mut p = crate::Problems::new();
        let mut kinds = Vec::with_capacity(uploads.len());
        if uploads.is_empty() {
            p.push(DomainError::field(
                "attachments",
                "attachments_required",
                "请选择要补充的材料文件",
            ));
        } else if usize::try_from(existing).unwrap_or(usize::MAX) + uploads.len() > MAX_ATTACHMENTS
        {
            p.push(DomainError::field(
                "attachments",
                "too_many_attachments",
                format!("每份申请的附件最多 {MAX_ATTACHMENTS} 个，已有 {existing} 个"),
            ));
        } else {
            for u in uploads {
                if let Some(kind) = p.take(check_upload(u, "attachments")) {
                    kinds.push(kind);
                }
            }
        }
        p.finish()?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        self.keep_attachments(&tx, ctx, id, uploads, &kinds, now)
            .await?;
        let open = ApplicationStatus::Submitted.as_str();
        let n = repo::apply(tx.conn(), id, open, Step::MaterialAdded, now).await?;
        if !n {
            return Err(DomainError::conflict(
                "no_material_requested",
                "该申请没有待补充的材料，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "certificate.supplement",
            "certificate_application",
            Some(id.to_string()),
            serde_json::json!({ "attachments": uploads.len(), "request": row.material_request }),
        ))
        .await?;
        tx.commit().await?;
        self.application(ctx, id).await
    }

    /// The community refuses an application with a reason (the resident sees it online).
    pub async fn refuse_application(
        &self,
        ctx: &Ctx,
        id: i64,
        reason: &str,
    ) -> Result<ApplicationView> {
        self.in_progress(ctx, id, Action::ProcessCertificate)
            .await?;
        let reason = text_field(reason, "reason", "不予出具的理由", 1000, true)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        close_application(
            tx.conn(),
            id,
            ApplicationStatus::Refused,
            ctx,
            now,
            Some(reason.clone()),
        )
        .await?;
        tx.audit(ctx.entry(
            "certificate.refuse",
            "certificate_application",
            Some(id.to_string()),
            serde_json::json!({ "reason": reason }),
        ))
        .await?;
        tx.commit().await?;
        self.application(ctx, id).await
    }

    /// Issues the certificate: the rules of 4.5-5, 4.5-9, 4.5-12 and 4.5-13 must allow it;
    /// then the community's seal signs the certificate's content (SM2 over SM3), the PDF is
    /// rendered with the seal and a QR code, and the certificate, the seal-use ledger row, the
    /// application's new state and the audit entry are committed together. The only place a
    /// seal is ever applied. Returns the new certificate (the application's page shows the
    /// rest).
    ///
    /// Signing and rendering (a few milliseconds of CPU) run on tokio's blocking pool before
    /// the write transaction, so that issues by several workers proceed in parallel and the
    /// write lock is held only for the statements and the commit. The serial number is part of
    /// what is signed, so it is handed out first by [`Serials`](super::Serials): numbers stay
    /// without gaps (a number whose issue fails goes back to be handed out again; only a crash
    /// between the two can leave a gap). The year's counter holds the highest number used; the
    /// transaction locks its row before it checks the number, so a number another server on
    /// the same database took meanwhile is seen, and the issue then takes the next number under
    /// that lock and signs again inside the transaction — it never fails for contention.
    pub async fn issue_certificate(&self, ctx: &Ctx, id: i64) -> Result<IssuedView> {
        let (row, c) = self
            .in_progress(ctx, id, Action::ProcessCertificate)
            .await?;
        let ty = match row.type_id {
            Some(t) => catalogue::type_by_id(self.store.db(), t)
                .await?
                .ok_or_else(DomainError::internal)?,
            None => {
                return Err(DomainError::conflict(
                    "not_issuable",
                    "该申请不属于可出具的证明事项",
                ));
            }
        };
        let today = self.today();
        let deliberation: Option<DeliberationForm> = row
            .deliberation
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok());
        let due = row.due_on.as_deref().and_then(jianfu_rules::Date::parse);
        let path = if row.path == "transitional" {
            IssuePath::Transitional { legal_risk: true }
        } else {
            IssuePath::Retained {
                needs_investigation: ty.needs_investigation,
            }
        };
        let decision = rules::check_issue(&IssueFacts {
            path,
            public_interest: ty.public_interest,
            deliberation: deliberation_outcome(&deliberation),
            head_signature: row.head_approved_by.is_some(),
            investigation_recorded: row.investigation_note.is_some(),
            risk_assessed: row.risk_assessment.is_some(),
            issued_on: rules_date(today)?,
            due,
            delay_note: row.delay_note.as_deref(),
        });
        if decision.outcome == Outcome::Reject {
            return Err(super::rules_error(&decision));
        }
        let approval = approval_text(&row, &ty, &deliberation, &decision);
        let (seal_row, open) = self.active_seal(c.id).await?;
        if !open
            .record
            .record
            .allowed_signers
            .iter()
            .any(|s| s == &ctx.principal.username)
        {
            self.record_denial(ctx, Action::ProcessCertificate, Some(c.id))
                .await;
            return Err(DomainError::forbidden(format!(
                "您不在“{}”的授权用印人名单中，不能用印",
                open.record.record.name
            )));
        }
        self.check_signer_not_revoked(ctx).await?;
        // A seal made since the PKI exists is applied in GB/T 38540 form as well: the PDF's
        // signature field and the signed OFD, by the caller's signer certificate.
        let identity = match &open.es_seal {
            Some(seal) => Some(Arc::new(self.signer_identity(ctx, seal).await?)),
            None => None,
        };
        let year = chrono::Datelike::year(&today);
        let counter_key = format!("certificate:{year}");
        let body = fill_template(&ty.template, &row, &c.name, today);
        let base_url = self.public_base_url();
        let content_for = |seq: i64| {
            let serial = serial(year, seq);
            let code = new_check_code();
            CertificateContent {
                version: 1,
                serial: serial.clone(),
                check_code: code.clone(),
                type_code: ty.code.clone(),
                type_name: ty.name.clone(),
                community_name: c.name.clone(),
                community_code: c.division_code.clone().unwrap_or_default(),
                applicant_name: row.applicant_name.clone(),
                applicant_id_number: row.applicant_id_number.clone(),
                purpose: row.purpose.clone(),
                body: body.clone(),
                issued_on: today.to_string(),
                verify_url: verify_url(&base_url, &serial, &code),
                seal_id: open.record.record.seal_id.clone(),
                signer: ctx.principal.username.clone(),
            }
        };
        // Signs and renders the certificate numbered `seq`, and encrypts its files.
        let sign = |seq: i64| {
            let content = content_for(seq);
            let (open, identity) = (open.clone(), identity.clone());
            async move {
                let (sealed, pdf, ofd) =
                    seal_and_render(open, identity, content, super::pki::time_of(self.now_ms()))
                        .await?;
                let format = if ofd.is_some() {
                    super::pki::CertificateFormat::Ses
                } else {
                    super::pki::CertificateFormat::Json
                };
                let ofd = ofd
                    .map(|o| self.seal_certificate_ofd(id, &sealed.content.serial, &o))
                    .transpose()?;
                // Both carry the full ID number: stored encrypted, bound to application and serial.
                let (document, pdf) = self.seal_certificate_files(
                    id,
                    &sealed.content.serial,
                    &serde_json::to_string(&sealed).map_err(|_| DomainError::internal())?,
                    &pdf,
                )?;
                Ok::<_, DomainError>((sealed, document, pdf, ofd, format))
            }
        };
        let mut collisions = 0;
        let (mut ticket, signed, mut tx, now) = loop {
            let stored = jianfu_store::repo::counters::value(self.store.db(), &counter_key).await?;
            let mut ticket = self.serials.take(&counter_key, stored);
            let mut signed = sign(ticket.seq()).await?;
            let tx = self.store.begin_write().await?;
            // The application must still be open, and the seal still the active one.
            let now = self.now_ms();
            close_application(tx.conn(), id, ApplicationStatus::Issued, ctx, now, None).await?;
            let active = super::SealStatus::Active.as_str();
            if !seals::is_in_state(tx.conn(), seal_row.id, active).await? {
                return Err(DomainError::conflict(
                    "seal_changed",
                    "本社区电子印章刚刚被更换或停用，请重新出具",
                ));
            }
            // Raising the counter locks its row until this transaction ends: from here on no
            // other issue — of this process or of another server on the same database — can
            // commit a number, and every number committed before is visible.
            jianfu_store::repo::counters::raise(tx.conn(), &counter_key, ticket.seq()).await?;
            if jianfu_store::repo::certificates::serial_taken(tx.conn(), &signed.0.content.serial)
                .await?
            {
                // Another server used this number meanwhile.
                ticket.burn();
                collisions += 1;
                if collisions < SIGN_AHEAD_ATTEMPTS {
                    // Again with the next number, signed outside the transaction so that the
                    // lock is held for the statements only.
                    drop(tx);
                    continue;
                }
                // Still contended: take the next number under the lock this transaction
                // holds and sign again inside it. That number cannot be taken.
                let seq = jianfu_store::repo::counters::next(tx.conn(), &counter_key).await?;
                signed = sign(seq).await?;
            }
            break (ticket, signed, tx, now);
        };
        let (sealed, document, pdf, ofd, format) = signed;
        let serial = sealed.content.serial.clone();
        let code = sealed.content.check_code.clone();
        let verify = sealed.content.verify_url.clone();
        let cert = certificates::insert(
            tx.conn(),
            certificates::NewCertificate {
                application_id: id,
                serial: serial.clone(),
                check_code: code,
                seal_id: seal_row.id,
                document,
                pdf,
                ofd,
                format: format.as_str().into(),
                status: CertificateStatus::Issued.as_str().into(),
                issued_by: ctx.principal.account_id,
                issued_at: now,
            },
        )
        .await?;
        seals::record_use(
            tx.conn(),
            seal_row.id,
            cert.id,
            ctx.principal.account_id,
            now,
            approval.clone(),
        )
        .await?;
        tx.audit(ctx.entry(
            "certificate.issue",
            "certificate",
            Some(cert.id.to_string()),
            serde_json::json!({ "serial": serial, "application": id, "seal": seal_row.seal_code, "clauses": decision.clauses }),
        ))
        .await?;
        tx.commit().await?;
        ticket.burn();
        Ok(IssuedView {
            id: cert.id,
            serial,
            status: cert.status,
            issued_at: crate::clock::fmt_ms(now),
            revoke_reason: None,
            verify_url: verify,
            format: format.as_str(),
            format_zh: format.label_zh(),
        })
    }

    /// The certificate's PDF or JSON, for its applicant and the issuing community's staff (the
    /// document carries the full ID number).
    pub async fn certificate_document(
        &self,
        ctx: &Ctx,
        certificate_id: i64,
    ) -> Result<(String, String, Vec<u8>)> {
        let cert = certificates::by_id(self.store.db(), certificate_id)
            .await?
            .ok_or_else(|| DomainError::not_found("证明"))?;
        let row = self.application_row(cert.application_id).await?;
        if row.applicant_account_id != Some(ctx.principal.account_id) {
            let c = self.find_node(row.community_node_id).await?;
            self.check(ctx, Action::ProcessCertificate, &c.target())
                .await?;
        }
        // The documents carry the full ID number: every download is a recorded look at it.
        self.store
            .audit_only(ctx.entry(
                "certificate.download",
                "certificate",
                Some(certificate_id.to_string()),
                serde_json::json!({ "serial": cert.serial, "id_number": mask(&row.applicant_id_number) }),
            ))
            .await?;
        let document =
            self.open_certificate_document(cert.application_id, &cert.serial, &cert.document)?;
        let pdf = self.open_certificate_pdf(cert.application_id, &cert.serial, &cert.pdf)?;
        Ok((cert.serial, document, pdf))
    }

    /// The certificate's signed OFD, for whoever may download its PDF; not found for a
    /// certificate of the old format (issued before its seal was made in GB/T 38540 form).
    pub async fn certificate_ofd(
        &self,
        ctx: &Ctx,
        certificate_id: i64,
    ) -> Result<(String, Vec<u8>)> {
        let cert = certificates::by_id(self.store.db(), certificate_id)
            .await?
            .ok_or_else(|| DomainError::not_found("证明"))?;
        let row = self.application_row(cert.application_id).await?;
        if row.applicant_account_id != Some(ctx.principal.account_id) {
            let c = self.find_node(row.community_node_id).await?;
            self.check(ctx, Action::ProcessCertificate, &c.target())
                .await?;
        }
        let Some(stored) = cert.ofd else {
            return Err(DomainError::not_found(
                "该证明的 OFD 文件（旧格式证明只有 PDF）",
            ));
        };
        self.store
            .audit_only(ctx.entry(
                "certificate.download",
                "certificate",
                Some(certificate_id.to_string()),
                serde_json::json!({ "serial": cert.serial, "format": "ofd", "id_number": mask(&row.applicant_id_number) }),
            ))
            .await?;
        let ofd = self.open_certificate_ofd(cert.application_id, &cert.serial, &stored)?;
        Ok((cert.serial, ofd))
    }

    /// Revokes an issued certificate with a reason: the issuing community's staff or a
    /// supervisor over it. Verification shows the revocation at once.
    pub async fn revoke_certificate(
        &self,
        ctx: &Ctx,
        certificate_id: i64,
        reason: &str,
    ) -> Result<ApplicationView> {
        let cert = certificates::by_id(self.store.db(), certificate_id)
            .await?
            .ok_or_else(|| DomainError::not_found("证明"))?;
        let row = self.application_row(cert.application_id).await?;
        let c = self.find_node(row.community_node_id).await?;
        self.check(ctx, Action::RevokeCertificate, &c.target())
            .await?;
        let reason = text_field(reason, "reason", "撤销理由", 1000, true)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let n = certificates::revoke(
            tx.conn(),
            certificate_id,
            CertificateStatus::Issued.as_str(),
            CertificateStatus::Revoked.as_str(),
            ctx.principal.account_id,
            now,
            &reason,
        )
        .await?;
        if !n {
            return Err(DomainError::conflict("already_revoked", "该证明已撤销"));
        }
        tx.audit(ctx.entry(
            "certificate.revoke",
            "certificate",
            Some(certificate_id.to_string()),
            serde_json::json!({ "serial": cert.serial, "reason": reason }),
        ))
        .await?;
        tx.commit().await?;
        self.application_view(self.application_row(cert.application_id).await?)
            .await
    }

    /// Public verification by serial and check code. Malformed input is an error (the server
    /// rate-limits failures); a wrong code looks exactly like an unknown serial.
    pub async fn verify_certificate(&self, serial: &str, code: &str) -> Result<VerifyView> {
        let serial = crate::admission::typed(serial).to_ascii_uppercase();
        let code = crate::admission::typed(code).to_ascii_uppercase();
        let notice = crate::rectification::notice_serial_is_well_formed(&serial);
        let bulletin = crate::bulletin::serial_is_well_formed(&serial);
        if !super::serial_is_well_formed(&serial) && !notice && !bulletin {
            return Err(DomainError::field(
                "serial",
                "serial_malformed",
                "编号格式应为 ZM-年份-六位数字（证明）、ZG-年份-六位数字（整改通知书）或 TB-年份-六位数字（通报），例如 ZM-2026-000001",
            ));
        }
        if !super::check_code_is_well_formed(&code) {
            return Err(DomainError::field(
                "code",
                "check_code_malformed",
                "核验码应为 10 位字母或数字（不含 0、1、I、L、O）",
            ));
        }
        if notice {
            return self.verify_notice(serial, &code).await;
        }
        if bulletin {
            return self.verify_bulletin(serial, &code).await;
        }
        let unknown = VerifyView {
            state: "unknown",
            state_zh: "查无此证明（编号或核验码不正确）",
            serial: serial.clone(),
            type_name: None,
            community_name: None,
            applicant: None,
            id_number: None,
            issued_on: None,
            seal_id: None,
            seal_valid: None,
            revoke_reason: None,
            clauses: Vec::new(),
            format_zh: None,
            signer_revoked: None,
        };
        let Some(cert) = jianfu_store::repo::certificates::verify_row(&self.store, &serial).await?
        else {
            return Ok(unknown);
        };
        let (cert_id, application_id) = (cert.id, cert.application_id);
        let same = cert.check_code.len() == code.len()
            && cert
                .check_code
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Ok(unknown);
        }
        // The signatures of a stored document never change: once checked, a document is
        // remembered with the exact stored text (the ciphertext) it was decrypted and checked
        // from, and for a GB/T 38540 certificate with the SM3 digest of the stored PDF and OFD
        // bytes it checked (an edited or re-encrypted row or file is decrypted and checked
        // afresh, at once).
        let is_ses = super::pki::CertificateFormat::stored(&cert.format)
            == super::pki::CertificateFormat::Ses;
        // The stored files are recognised by their marks (length, key id and nonce, GCM tag)
        // without reading them; files not under a data key are read and digested whole.
        let mut files = None;
        let files_digest = if !is_ses {
            None
        } else if let Some(marked) = marks_digest(&cert.files) {
            Some(marked)
        } else {
            files = jianfu_store::repo::certificates::signed_files(&self.store, cert_id).await?;
            files
                .as_ref()
                .map(|(pdf, ofd)| stored_files_digest(pdf, ofd.as_deref()))
        };
        let checked = match self.verified_documents.get(&cert_id) {
            Some(d) if d.text == cert.document && d.files_digest == files_digest => d,
            _ => {
                if is_ses && files.is_none() {
                    files = jianfu_store::repo::certificates::signed_files(&self.store, cert_id)
                        .await?;
                }
                let plain =
                    self.open_certificate_document(application_id, &serial, &cert.document)?;
                let doc: SealedCertificate =
                    serde_json::from_str(&plain).map_err(|_| DomainError::internal())?;
                let authority = self
                    .seal_authority_key()
                    .await?
                    .ok_or_else(DomainError::internal)?;
                if let Err(e) = jianfu_seal::verify_sealed(&doc, &authority) {
                    tracing::error!(serial = %serial, code = e.code(), "a stored certificate fails verification");
                    return Ok(VerifyView {
                        state: "invalid",
                        state_zh: "签名校验未通过，请联系出具单位",
                        ..unknown
                    });
                }
                // A GB/T 38540 certificate's stored PDF `/Sig` and OFD are checked too (chain
                // to the root, seal, references, signatures), once; revocation is checked at
                // every verification below, against the signers and times found here.
                let signers = if is_ses {
                    match self
                        .signed_file_signers(files, application_id, &serial)
                        .await?
                    {
                        Ok(signers) => signers,
                        Err(code) => {
                            tracing::error!(serial = %serial, code, "a stored certificate's PDF or OFD signature fails verification");
                            return Ok(VerifyView {
                                state: "invalid",
                                state_zh: "签名校验未通过，请联系出具单位",
                                ..unknown
                            });
                        }
                    }
                } else {
                    Vec::new()
                };
                let d = Arc::new(VerifiedDocument {
                    text: cert.document,
                    files_digest,
                    doc,
                    signers,
                });
                self.verified_documents.insert(cert_id, d.clone());
                d
            }
        };
        let doc = &checked.doc;
        let content = &doc.content;
        let mut v = VerifyView {
            state: "authentic",
            state_zh: "真实有效",
            serial,
            type_name: Some(content.type_name.clone()),
            community_name: Some(content.community_name.clone()),
            applicant: Some(mask_name(&content.applicant_name)),
            id_number: Some(mask(&content.applicant_id_number)),
            issued_on: Some(content.issued_on.clone()),
            seal_id: Some(doc.seal.record.seal_id.clone()),
            seal_valid: Some(format!(
                "{} 至 {}",
                doc.seal.record.valid_from, doc.seal.record.valid_to
            )),
            revoke_reason: None,
            clauses: Vec::new(),
            format_zh: Some(super::pki::CertificateFormat::stored(&cert.format).label_zh()),
            signer_revoked: None,
        };
        if !checked.signers.is_empty() && cert.revocations > 0 {
            let revoked = self.revocations_counted(cert.revocations).await?;
            match signer_revocation(&checked.signers, &revoked) {
                SignerRevocation::None => {}
                SignerRevocation::Before(serial) => {
                    v.state = "invalid";
                    v.state_zh = "签章时签章人证书已撤销，签章无效，请联系出具单位";
                    v.signer_revoked = Some(format!("签章人证书 {serial} 在签章前已撤销"));
                    return Ok(v);
                }
                SignerRevocation::After(serial, at) => {
                    v.signer_revoked = Some(format!(
                        "签章人证书 {serial} 已于 {at} 撤销；签章在撤销前作出，仍然有效"
                    ));
                }
            }
        }
        if CertificateStatus::stored(&cert.status) == CertificateStatus::Revoked {
            v.state = "revoked";
            v.state_zh = "已撤销";
            v.revoke_reason = cert.revoke_reason;
            return Ok(v);
        }
        let today = self.today().to_string();
        if doc.seal.record.valid_to < today {
            v.state = "seal_expired";
            v.state_zh = "印章已过有效期（证明出具时印章有效，如需使用请重新申请）";
        }
        Ok(v)
    }
}

/// A stored certificate document whose signatures were checked, with the stored (encrypted)
/// text it was decrypted and parsed from (see [`App::verify_certificate`]).
#[derive(Debug)]
pub(crate) struct VerifiedDocument {
    text: String,
    /// SM3 of the stored PDF and OFD bytes whose signatures were checked (`ses-v4` only; see
    /// [`stored_files_digest`]).
    files_digest: Option<[u8; 32]>,
    doc: SealedCertificate,
    /// The signer certificates (serial, hex) of the PDF's `/Sig` and the OFD's signatures
    /// with the time each signed (none for the old format).
    signers: Vec<(String, SystemTime)>,
}

/// SM3 over the stored PDF and OFD bytes (length-prefixed, so that no two pairs collide by
/// moving bytes from one to the other): what a remembered verification is keyed to.
fn stored_files_digest(pdf: &[u8], ofd: Option<&[u8]>) -> [u8; 32] {
    use sm3::Digest as _;
    let mut h = sm3::Sm3::new();
    h.update((pdf.len() as u64).to_be_bytes());
    h.update(pdf);
    match ofd {
        Some(ofd) => {
            h.update([1]);
            h.update((ofd.len() as u64).to_be_bytes());
            h.update(ofd);
        }
        None => h.update([0]),
    }
    h.finalize().into()
}

/// SM3 over the marks of the stored PDF and OFD (see
/// [`jianfu_store::repo::certificates::FilesMark`]), when both are under a data key; `None`
/// when one is stored in plain (an older installation's row), which must be read whole.
fn marks_digest(marks: &jianfu_store::repo::certificates::FilesMark) -> Option<[u8; 32]> {
    use sm3::Digest as _;
    let encrypted =
        |m: &(i64, Vec<u8>, Vec<u8>)| m.1.starts_with(jianfu_store::personal::BINARY_PREFIX);
    let pdf = marks.pdf.as_ref().filter(|m| encrypted(m))?;
    let mut h = sm3::Sm3::new();
    h.update(b"marks");
    for m in [Some(pdf), marks.ofd.as_ref()] {
        match m {
            Some(m) if encrypted(m) => {
                h.update([1]);
                h.update(m.0.to_be_bytes());
                h.update((m.1.len() as u64).to_be_bytes());
                h.update(&m.1);
                h.update(&m.2);
            }
            Some(_) => return None,
            None => h.update([0]),
        }
    }
    Some(h.finalize().into())
}

/// What the revocation list says of a document's signers.
#[derive(Debug, PartialEq, Eq)]
enum SignerRevocation {
    /// No signer certificate is revoked.
    None,
    /// A signer certificate was revoked at or before its signature (serial): the signature is
    /// not valid.
    Before(String),
    /// A signer certificate was revoked after its signature (serial, when): the signature
    /// stays valid, as in common PKI practice (RFC 5280 §3.3, the revocation time).
    After(String, String),
}

/// Checks the signers (serial, signing time) against the revocation list; a revocation
/// before a signature wins over one after.
fn signer_revocation(
    signers: &[(String, SystemTime)],
    revoked: &[jianfu_seal::pki::Revocation],
) -> SignerRevocation {
    let mut after = SignerRevocation::None;
    for (serial, signed_at) in signers {
        for r in revoked.iter().filter(|r| r.serial.to_string() == *serial) {
            if r.revoked_at <= *signed_at {
                return SignerRevocation::Before(serial.clone());
            }
            let ms = r
                .revoked_at
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            after = SignerRevocation::After(serial.clone(), crate::clock::fmt_ms(ms));
        }
    }
    after
}

impl App {
    /// Verifies the stored PDF `/Sig` and OFD of a GB/T 38540 certificate against the root
    /// (no revocation list: the caller checks revocation at each verification) and answers
    /// their signers with the time each signed, or the code of the check that failed.
    async fn signed_file_signers(
        &self,
        files: Option<(Vec<u8>, Option<Vec<u8>>)>,
        application_id: i64,
        serial: &str,
    ) -> Result<std::result::Result<Vec<(String, SystemTime)>, &'static str>> {
        let Some((pdf, ofd)) = files else {
            return Err(DomainError::internal());
        };
        let Some(ofd) = ofd else {
            return Ok(Err("ofd_missing"));
        };
        let pdf = self.open_certificate_pdf(application_id, serial, &pdf)?;
        let ofd = self.open_certificate_ofd(application_id, serial, &ofd)?;
        let root = jianfu_seal::pki::TrustedRoot::new(self.root_certificate().await?)
            .map_err(|_| DomainError::internal())?;
        tokio::task::spawn_blocking(move || {
            let mut signers = Vec::new();
            let pdf = jianfu_seal::pdf_sign::verify_pdf_signature(&pdf, &root, &[])
                .map_err(|e| e.code())?;
            signers.push((pdf.signer_serial, pdf.time));
            let ofd = jianfu_seal::ofd::verify_ofd(&ofd, &root, &[]).map_err(|e| e.code())?;
            signers.extend(
                ofd.signatures
                    .into_iter()
                    .map(|s| (s.signer_serial, s.time)),
            );
            Ok(signers)
        })
        .await
        .map_err(|_| DomainError::internal())
    }
}

/// Form for recording a step.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecordForm {
    pub note: String,
    pub date: String,
    pub participants: String,
    pub outcome: String,
    pub minutes: String,
}

/// How often an issue whose number another server took meanwhile signs again ahead of its
/// transaction (the lock held for statements only) before it takes the next number under the
/// counter's lock and signs inside the transaction, holding every other writer back for that.
const SIGN_AHEAD_ATTEMPTS: u32 = 4;

/// Signs `content` with the seal and renders the PDF, on tokio's blocking pool (CPU work);
/// with a GB/T 38540 seal and its signer, also the PDF's signature field and the signed OFD,
/// both signed at `time`.
async fn seal_and_render(
    open: Arc<OpenSeal>,
    identity: Option<Arc<super::pki::SignerIdentity>>,
    content: CertificateContent,
    time: std::time::SystemTime,
) -> Result<(SealedCertificate, Vec<u8>, Option<Vec<u8>>)> {
    tokio::task::spawn_blocking(move || {
        let fail = |e: jianfu_seal::SealError| {
            DomainError::invalid(e.code(), format!("无法用印或生成证明文件：{}", e.message()))
        };
        let (Some(id), Some(seal)) = (identity, &open.es_seal) else {
            let (sealed, pdf) =
                jianfu_seal::seal_and_render(content, &open.record, &open.key).map_err(fail)?;
            return Ok((sealed, pdf, None));
        };
        // The signature field covers the whole file: no `%JIANFU-SM2` line beside it.
        let (sealed, pdf) =
            jianfu_seal::seal_and_render_for_signature_field(content, &open.record, &open.key)
                .map_err(fail)?;
        let pdf =
            jianfu_seal::pdf_sign::sign_pdf(&pdf, &id.certificate, &id.key, time).map_err(fail)?;
        let stamp = jianfu_seal::ofd::OfdStamp {
            seal,
            signer: &id.certificate,
            key: &id.key,
            time,
        };
        let ofd = jianfu_seal::ofd::render_ofd(&sealed.content, &stamp).map_err(fail)?;
        Ok((sealed, pdf, Some(ofd)))
    })
    .await
    .map_err(|_| DomainError::internal())?
}

/// Moves a submitted application to `to` (issued or refused) by `ctx`; a concurrent change that
/// closed it first is a conflict.
async fn close_application<C: jianfu_store::orm::ConnectionTrait>(
    conn: &C,
    id: i64,
    to: ApplicationStatus,
    ctx: &Ctx,
    now: i64,
    refuse_reason: Option<String>,
) -> Result<()> {
    let close = Step::Close {
        to: to.as_str().to_owned(),
        by: ctx.principal.account_id,
        refuse_reason,
    };
    let n = repo::apply(conn, id, ApplicationStatus::Submitted.as_str(), close, now).await?;
    if !n {
        return Err(DomainError::conflict(
            "application_closed",
            "该申请已办结，请刷新",
        ));
    }
    Ok(())
}

fn open_for_processing(row: &certificate_application::Model) -> Result<()> {
    if ApplicationStatus::stored(&row.status) != ApplicationStatus::Submitted {
        return Err(DomainError::conflict(
            "application_closed",
            format!(
                "该申请当前为“{}”，不能再办理",
                ApplicationStatus::stored(&row.status).label_zh()
            ),
        ));
    }
    Ok(())
}

/// What authorised this use of the seal, for the ledger.
fn approval_text(
    row: &certificate_application::Model,
    ty: &certificate_type::Model,
    deliberation: &Option<DeliberationForm>,
    decision: &jianfu_rules::Decision,
) -> String {
    let mut parts = vec![format!("证明申请 #{}（{}）", row.id, ty.name)];
    if row.path == "transitional" {
        parts.push("不再保留事项过渡出具（4.5-12）".into());
    }
    if let Some(d) = deliberation {
        parts.push(format!("议事协商 {}（{} 人）", d.date, d.participants));
    }
    if row.head_approved_by.is_some() {
        parts.push("社区负责人已签字".into());
    }
    if row.investigation_note.is_some() {
        parts.push("已调查核实".into());
    }
    if row.delay_note.is_some() {
        parts.push("已记录延期原因".into());
    }
    let clauses: Vec<&str> = decision.clauses.iter().map(|c| c.as_str()).collect();
    if !clauses.is_empty() {
        parts.push(format!("依据 {}", clauses.join("、")));
    }
    parts.join("；")
}

/// Fills a type's template: {姓名} {身份证号} {社区} {用途} {说明} {日期}.
fn fill_template(
    template: &str,
    row: &certificate_application::Model,
    community: &str,
    today: chrono::NaiveDate,
) -> String {
    template
        .replace("{姓名}", &row.applicant_name)
        .replace("{身份证号}", &row.applicant_id_number)
        .replace("{社区}", community)
        .replace("{用途}", &row.purpose)
        .replace("{说明}", &row.details)
        .replace("{日期}", &today.format("%Y年%m月%d日").to_string())
}

impl App {
    /// The district a node lies in.
    pub async fn district_of_node(&self, n: &NodeView) -> Result<NodeView> {
        self.district_of(&n.path).await
    }

    /// The application a certificate was issued on.
    pub async fn application_of_certificate(&self, certificate_id: i64) -> Result<i64> {
        certificates::by_id(self.store.db(), certificate_id)
            .await?
            .map(|c| c.application_id)
            .ok_or_else(|| DomainError::not_found("证明"))
    }

    /// A printable sample (样本) of a type's certificate for its service guide (4.5-6): the
    /// template filled with placeholder data, watermarked, not signed and not verifiable.
    pub fn sample_pdf(&self, t: &super::CertificateTypeView) -> Result<Vec<u8>> {
        if t.template.trim().is_empty() {
            return Err(DomainError::not_found("证明式样"));
        }
        let body = t
            .template
            .replace("{姓名}", "某某某")
            .replace("{身份证号}", "210302********0000")
            .replace("{社区}", "某某社区")
            .replace("{用途}", "（办理用途）")
            .replace("{说明}", "（核实情况）")
            .replace("{日期}", "某年某月某日");
        let key = jianfu_seal::SealKey::generate();
        let record = jianfu_seal::SealRecord {
            version: 1,
            seal_id: "样本".into(),
            name: "某某社区居民委员会".into(),
            owner_code: String::new(),
            kind: "证明专用章".into(),
            public_key: key.public_key(),
            allowed_signers: Vec::new(),
            valid_from: String::new(),
            valid_to: String::new(),
            issuer: super::seals::AUTHORITY_NAME.into(),
            algorithm: "SM2-SM3".into(),
        };
        let doc = SealedCertificate {
            content: CertificateContent {
                version: 1,
                serial: "ZM-0000-000000".into(),
                check_code: "SAMPLE".into(),
                type_code: t.code.clone(),
                type_name: t.name.clone(),
                community_name: "某某社区".into(),
                community_code: String::new(),
                applicant_name: "某某某".into(),
                applicant_id_number: String::new(),
                purpose: "（办理用途）".into(),
                body,
                issued_on: self.today().to_string(),
                verify_url: verify_url(&self.public_base_url(), "ZM-0000-000000", "SAMPLE"),
                seal_id: "样本".into(),
                signer: String::new(),
            },
            seal: jianfu_seal::SignedSealRecord {
                record,
                signature: String::new(),
            },
            algorithm: "SM2-SM3".into(),
            digest: String::new(),
            signature: String::new(),
        };
        jianfu_seal::render_pdf(&doc, &RenderOptions::sample()).map_err(|e| {
            tracing::error!(code = e.code(), "sample certificate could not be rendered");
            DomainError::internal()
        })
    }
}

/// The certificate module's to-dos: applications the community must still decide, by their
/// due day (4.5-9); and, for residents, news of their own applications decided in the last
/// [`NOTICE_DAYS`] days.
pub(crate) struct CertificateTodos;

/// How long a resident's inbox shows that an application was decided.
pub const NOTICE_DAYS: i64 = 30;

impl crate::inbox::TodoProvider for CertificateTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        today: chrono::NaiveDate,
    ) -> crate::inbox::TodoFuture<'a> {
        Box::pin(app.certificate_todos(ctx, today))
    }
}

impl App {
    async fn certificate_todos(
        &self,
        ctx: &Ctx,
        today: chrono::NaiveDate,
    ) -> Result<Vec<crate::inbox::TodoItem>> {
        use crate::inbox::{PER_PROVIDER, TodoItem};
        let db = self.store.db();
        let mut out = Vec::new();
        let scope = crate::authz::visible(&ctx.principal, Action::ProcessCertificate);
        if !scope.is_empty() {
            let open = ApplicationStatus::Submitted.as_str();
            let rows = repo::open_in(db, &scope, open, PER_PROVIDER).await?;
            for r in rows {
                let due = r.due_on.as_deref().and_then(|d| d.parse().ok());
                out.push(
                    TodoItem::new(
                        "证明",
                        "待办理",
                        format!("{}（{}）", r.requested_name, mask_name(&r.applicant_name)),
                        format!("{} 受理", r.received_on),
                        format!("/certificates/{}", r.id),
                    )
                    .due_on(due, today),
                );
            }
        }
        if ctx.principal.may(Action::ApplyCertificate) {
            // Material asked for: something for the applicant to do.
            let open = ApplicationStatus::Submitted.as_str();
            let me = ctx.principal.account_id;
            let asked = repo::material_asked_of(db, me, open, PER_PROVIDER).await?;
            for r in asked {
                out.push(TodoItem::new(
                    "证明",
                    "需补充材料",
                    r.requested_name,
                    format!("请补充：{}", r.material_request.unwrap_or_default()),
                    format!("/certificates/{}#supplement", r.id),
                ));
            }
            let since = self.now_ms() - NOTICE_DAYS * 86_400_000;
            let closed = [
                ApplicationStatus::Issued.as_str(),
                ApplicationStatus::Refused.as_str(),
            ];
            let rows = repo::decided_of(db, me, &closed, since, PER_PROVIDER).await?;
            for r in rows {
                let status = ApplicationStatus::stored(&r.status);
                out.push(
                    TodoItem::new(
                        "证明",
                        status.label_zh(),
                        r.requested_name,
                        match status {
                            ApplicationStatus::Issued => format!(
                                "{} 已出具，可在申请页面下载证明",
                                crate::clock::fmt_ms(r.updated_at)
                            ),
                            _ => format!(
                                "不予出具的理由：{}",
                                r.refuse_reason.unwrap_or_else(|| "见申请页面".into())
                            ),
                        },
                        format!("/certificates/{}", r.id),
                    )
                    .notice(),
                );
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, bytes: &[u8]) -> AttachmentUpload {
        AttachmentUpload {
            file_name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn uploads_are_checked_by_content_size_and_name() {
        use crate::upload::samples;
        let png = &samples::png();
        assert_eq!(
            check_upload(&upload("a.png", png), "attachments").unwrap(),
            "image/png"
        );
        assert_eq!(
            check_upload(&upload("a.JPG", &samples::jpeg()), "attachments").unwrap(),
            "image/jpeg"
        );
        assert_eq!(
            check_upload(&upload("a.pdf", &samples::pdf()), "attachments").unwrap(),
            "application/pdf"
        );
        let code = |u: AttachmentUpload| check_upload(&u, "attachments").unwrap_err().code;
        assert_eq!(code(upload("a.png", b"MZ\x90\0")), "attachment_type");
        assert_eq!(
            code(upload("a.png", &samples::pdf())),
            "attachment_disguised"
        );
        assert_eq!(code(upload("../a.png", png)), "attachment_name_invalid");
        assert_eq!(code(upload("dir/a.png", png)), "attachment_name_invalid");
        assert_eq!(code(upload("a.png", b"")), "attachment_empty");
        let mut big = png.to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, 0);
        assert_eq!(code(upload("a.png", &big)), "attachment_too_large");
    }

    /// Found in issue 15: an attachment was checked by its first bytes only, so a PNG
    /// signature followed by garbage was stored as image/png, and `%PDF-` and anything after
    /// it as a PDF.
    #[test]
    fn an_attachment_with_a_known_signature_and_garbage_is_refused_as_damaged() {
        let code =
            |name: &str, b: &[u8]| check_upload(&upload(name, b), "attachments").unwrap_err();
        let e = code("a.png", b"\x89PNG\r\n\x1a\n0000");
        assert_eq!(e.code, "attachment_damaged");
        assert!(
            e.message.contains("a.png") && e.message.contains("PNG 图片"),
            "{}",
            e.message
        );
        assert_eq!(
            code("a.jpg", &[0xFF, 0xD8, 0xFF, 0]).code,
            "attachment_damaged"
        );
        let e = code("a.pdf", b"%PDF-1.7");
        assert_eq!(e.code, "attachment_damaged");
        assert!(e.message.contains("PDF 文件"), "{}", e.message);
    }
}

#[cfg(test)]
mod signer_revocation_tests {
    use std::time::{Duration, UNIX_EPOCH};

    use jianfu_seal::pki::{Revocation, Serial};

    use super::{SignerRevocation, signer_revocation};

    fn at(s: u64) -> std::time::SystemTime {
        UNIX_EPOCH + Duration::from_secs(s)
    }

    fn revoked(n: u64, s: u64) -> Revocation {
        Revocation {
            serial: Serial::from_u64(n).unwrap(),
            revoked_at: at(s),
        }
    }

    #[test]
    fn a_revocation_counts_against_the_signatures_made_at_or_after_it() {
        let a = Serial::from_u64(10).unwrap().to_string();
        let b = Serial::from_u64(11).unwrap().to_string();
        let signers = vec![(a.clone(), at(1_000)), (b.clone(), at(2_000))];
        assert_eq!(signer_revocation(&signers, &[]), SignerRevocation::None);
        assert_eq!(
            signer_revocation(&signers, &[revoked(12, 10)]),
            SignerRevocation::None,
            "another certificate"
        );
        assert!(matches!(
            signer_revocation(&signers, &[revoked(10, 1_001)]),
            SignerRevocation::After(s, _) if s == a
        ));
        // At the very second of the signature: not valid (RFC 5280, revoked from that time).
        assert_eq!(
            signer_revocation(&signers, &[revoked(11, 2_000)]),
            SignerRevocation::Before(b.clone())
        );
        assert_eq!(
            signer_revocation(&signers, &[revoked(10, 5_000), revoked(11, 1_500)]),
            SignerRevocation::Before(b),
            "a revocation before a signature wins"
        );
    }
}
