//! Detectors on data (监督管理, 发现问题及时纠正, 4.1-8; issue 14 §2): what was cleared coming
//! back, found in the records and each turned into a supervision case with the match shown.
//!
//! - `certificate_relapse`: an application for a type of the discontinued list (不再保留,
//!   4.5-12) received after the day it was discontinued;
//! - `plaque_relapse`: a plaque registered with the name of a plaque removed earlier in the
//!   same unit (the same name ignoring spaces and punctuation, or a similar one; 4.1-2 / 4.4-2);
//! - `demand_relapse`: a demand whose title matches a revoked demand of the same department
//!   (4.2-5), the revoked demand's number shown.
//!
//! The matching is `jianfu_rules::detection`; the queries are `jianfu_store::repo::detections`.
//! Idempotent and safe with two server processes: the detection row (unique on kind and
//! subject row) is inserted before its case, in one transaction with the case and its audit
//! entry, so a second run inserts nothing. Run by the server's detector job beside
//! [`App::run_plaque_detectors`].

use std::collections::HashMap;

use jianfu_rules::Date;
use jianfu_rules::detection::{
    DemandFacts, PlaqueFacts, PlaqueUnit, Relapse, certificate_relapse, demand_relapse,
    plaque_relapse,
};
use jianfu_store::repo::cases::NewCase;
use jianfu_store::repo::detections as repo;
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::Serialize;

use crate::App;
use crate::clock::cst_date;
use crate::demand::{CaseStatus, CaseView, DemandStatus, ReasonView};
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::plaque::PlaqueStatus;
use crate::supervision::CaseSource;

/// The actor the audit log records for these detectors' cases.
pub const DETECTOR_ACTOR: &str = "系统(数据检测)";
/// An application for a discontinued certificate type.
pub const CERTIFICATE_KIND: &str = "certificate_relapse";
/// A removed plaque registered again.
pub const PLAQUE_KIND: &str = "plaque_relapse";
/// A revoked demand submitted again.
pub const DEMAND_KIND: &str = "demand_relapse";

/// What a case of these detectors is about, in Chinese; `None` for another kind.
pub fn case_kind_zh(kind: &str) -> Option<&'static str> {
    Some(match kind {
        CERTIFICATE_KIND => "已取消证明事项又被申请出具",
        PLAQUE_KIND => "已清理牌子重新登记悬挂",
        DEMAND_KIND => "已撤销事项再次下派",
        _ => return None,
    })
}

/// What one run of the three detectors found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DataDetectorReport {
    /// Rows looked at (applications, plaques, demands not detected before).
    pub checked: usize,
    /// Cases opened by this run.
    pub flagged: usize,
    /// Matches another run recorded first.
    pub already_flagged: usize,
}

/// The match a detected case shows: which row matched which, the likeness or the days, and
/// every clause cited.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DetectionView {
    pub kind: String,
    /// What the subject is (申请 / 牌子 / 事项), and what it matched.
    pub subject_what: &'static str,
    pub matched_what: &'static str,
    pub subject_id: i64,
    pub subject_label: String,
    pub subject_on: String,
    pub matched_id: i64,
    pub matched_label: String,
    pub matched_on: String,
    pub similarity: Option<i32>,
    pub clauses: Vec<String>,
}

/// One match, ready to be stored with its case.
struct Found {
    kind: &'static str,
    node_id: i64,
    demanding_unit: String,
    description: String,
    claimed_number: Option<String>,
    demand_id: Option<i64>,
    plaque_id: Option<i64>,
    relapse: Relapse,
    detection: repo::NewDetection,
}

fn day(ms: i64) -> Option<Date> {
    Date::parse(&cst_date(ms)?.to_string())
}

impl App {
    /// Runs the three detectors on data; each match opens one case (source `detector`), with
    /// the match recorded and every insert audited. Running it again opens nothing.
    pub async fn run_data_detectors(&self) -> Result<DataDetectorReport> {
        let mut report = DataDetectorReport::default();
        let mut found = self.certificate_relapses(&mut report).await?;
        found.extend(self.plaque_relapses(&mut report).await?);
        found.extend(self.demand_relapses(&mut report).await?);
        for f in found {
            if self.open_detected_case(f).await? {
                report.flagged += 1;
            } else {
                report.already_flagged += 1;
            }
        }
        Ok(report)
    }

    /// What case `c` was opened from, when one of these detectors opened it. Takes the view
    /// [`App::case_detail`] returned (the reader is authorized already).
    pub async fn case_detection(&self, c: &CaseView) -> Result<Option<DetectionView>> {
        let Some(d) = repo::of_case(&self.store, c.id).await? else {
            return Ok(None);
        };
        let (subject_what, matched_what) = match d.kind.as_str() {
            CERTIFICATE_KIND => ("证明申请", "不再保留的证明事项"),
            PLAQUE_KIND => ("新登记的牌子", "已清理的牌子"),
            _ => ("新提交的事项", "已撤销的事项"),
        };
        Ok(Some(DetectionView {
            subject_what,
            matched_what,
            subject_id: d.subject_id,
            subject_label: d.subject_label,
            subject_on: d.subject_on,
            matched_id: d.matched_id,
            matched_label: d.matched_label,
            matched_on: d.matched_on,
            similarity: d.similarity,
            clauses: serde_json::from_str(&d.clauses).map_err(|_| DomainError::internal())?,
            kind: d.kind,
        }))
    }

    async fn certificate_relapses(&self, report: &mut DataDetectorReport) -> Result<Vec<Found>> {
        let db = &self.store;
        let types: HashMap<i64, (String, String)> = repo::discontinued_types(db, "discontinued")
            .await?
            .into_iter()
            .map(|(id, name, on)| (id, (name, on)))
            .collect();
        let ids: Vec<i64> = types.keys().copied().collect();
        let done = repo::detected(db, CERTIFICATE_KIND).await?;
        let mut out = Vec::new();
        for (id, community, type_id, received_on, demanded_by, _) in
            repo::applications_for(db, &ids).await?
        {
            if done.contains(&id) {
                continue;
            }
            report.checked += 1;
            let Some((name, off)) = types.get(&type_id) else {
                continue;
            };
            let (Some(off_day), Some(on)) = (Date::parse(off), Date::parse(&received_on)) else {
                continue;
            };
            let Some(relapse) = certificate_relapse(name, off_day, on) else {
                continue;
            };
            let unit = demanded_by
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| "（申请人未说明要求出具的单位）".into());
            out.push(Found {
                kind: CERTIFICATE_KIND,
                node_id: community,
                description: format!(
                    "证明申请 #{id} 于 {received_on} 受理，申请出具的“{name}”已于 {off} 列入不再保留的证明事项；要求出具的单位：{unit}"
                ),
                demanding_unit: unit,
                claimed_number: None,
                demand_id: None,
                plaque_id: None,
                detection: repo::NewDetection {
                    subject_id: id,
                    matched_id: type_id,
                    subject_label: format!("证明申请 #{id}"),
                    matched_label: name.clone(),
                    similarity: None,
                    subject_on: received_on,
                    matched_on: off.clone(),
                    clauses: clauses_json(&relapse)?,
                },
                relapse,
            });
        }
        Ok(out)
    }

    async fn plaque_relapses(&self, report: &mut DataDetectorReport) -> Result<Vec<Found>> {
        let db = &self.store;
        let (hanging, removed) = (
            PlaqueStatus::Hanging.as_str(),
            PlaqueStatus::Removed.as_str(),
        );
        let done = repo::detected(db, PLAQUE_KIND).await?;
        let old = repo::plaques_in_units_with_removed(db, removed, removed).await?;
        let mut out = Vec::new();
        for (id, unit_id, name, _, created_at, compliant) in
            repo::plaques_in_units_with_removed(db, hanging, removed).await?
        {
            if done.contains(&id) {
                continue;
            }
            report.checked += 1;
            let Some(registered_on) = day(created_at) else {
                continue;
            };
            let unit = self.find_node(unit_id).await?;
            let kind = if matches!(unit.kind, NodeKind::Street | NodeKind::Town) {
                PlaqueUnit::StreetOrTown
            } else {
                PlaqueUnit::CommunityOrVillage
            };
            // The best match among the unit's removed plaques: the most alike, then the latest.
            let best = old
                .iter()
                .filter(|o| o.1 == unit_id && o.0 != id)
                .filter_map(|(oid, _, oname, removed_on, _, _)| {
                    let removed_on = removed_on.as_deref()?;
                    let r = plaque_relapse(
                        kind,
                        PlaqueFacts {
                            name: &name,
                            on: registered_on,
                        },
                        compliant,
                        PlaqueFacts {
                            name: oname,
                            on: Date::parse(removed_on)?,
                        },
                    )?;
                    Some((r.similarity, removed_on.to_owned(), *oid, oname.clone(), r))
                })
                .max_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
            let Some((similarity, removed_on, oid, oname, relapse)) = best else {
                continue;
            };
            out.push(Found {
                kind: PLAQUE_KIND,
                node_id: unit.id,
                demanding_unit: unit.name.clone(),
                description: format!(
                    "{}于 {registered_on} 登记悬挂的牌子“{name}”与 {removed_on} 已清理的牌子“{oname}”{}",
                    unit.name,
                    match similarity {
                        Some(s) if s < 100 => format!("相似（相似度 {s}%）"),
                        _ => "同名".into(),
                    }
                ),
                claimed_number: None,
                demand_id: None,
                plaque_id: Some(id),
                detection: repo::NewDetection {
                    subject_id: id,
                    matched_id: oid,
                    subject_label: name.clone(),
                    matched_label: oname,
                    similarity: similarity.and_then(|s| i32::try_from(s).ok()),
                    subject_on: registered_on.to_string(),
                    matched_on: removed_on,
                    clauses: clauses_json(&relapse)?,
                },
                relapse,
            });
        }
        Ok(out)
    }

    async fn demand_relapses(&self, report: &mut DataDetectorReport) -> Result<Vec<Found>> {
        let db = &self.store;
        let revoked_status = DemandStatus::Revoked.as_str();
        let revoked = repo::revoked_demands(db, revoked_status).await?;
        let live = [
            DemandStatus::Submitted.as_str(),
            DemandStatus::ForRegistration.as_str(),
            DemandStatus::Admitted.as_str(),
        ];
        let done = repo::detected(db, DEMAND_KIND).await?;
        let mut out = Vec::new();
        for (id, department, scope, title, number, submitted_at, _) in
            repo::submitted_demands_of_departments_with(db, &live, revoked_status).await?
        {
            if done.contains(&id) {
                continue;
            }
            report.checked += 1;
            let Some(on) = submitted_at.and_then(day) else {
                continue;
            };
            let best = revoked
                .iter()
                .filter(|r| r.1 == department && r.0 != id)
                .filter_map(|(rid, _, _, rtitle, rnumber, revoked_at, _)| {
                    let revoked_on = revoked_at.and_then(day)?;
                    let rnumber = rnumber.clone().unwrap_or_else(|| format!("#{rid}"));
                    let r = demand_relapse(
                        DemandFacts {
                            title: &title,
                            number: number.as_deref().unwrap_or(""),
                            on,
                        },
                        DemandFacts {
                            title: rtitle,
                            number: &rnumber,
                            on: revoked_on,
                        },
                    )?;
                    Some((r.similarity, revoked_on, *rid, rtitle.clone(), rnumber, r))
                })
                .max_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            let Some((similarity, revoked_on, rid, rtitle, rnumber, relapse)) = best else {
                continue;
            };
            let department = self.find_node(department).await?;
            out.push(Found {
                kind: DEMAND_KIND,
                node_id: scope,
                description: format!(
                    "{}于 {on} 提交的事项“{title}”（#{id}）与其 {revoked_on} 已撤销的事项“{rtitle}”（编号 {rnumber}）标题相似度 {}%",
                    department.name,
                    similarity.unwrap_or_default()
                ),
                demanding_unit: department.name,
                claimed_number: Some(rnumber.clone()),
                demand_id: Some(id),
                plaque_id: None,
                detection: repo::NewDetection {
                    subject_id: id,
                    matched_id: rid,
                    subject_label: format!("“{title}”（#{id}）"),
                    matched_label: format!("“{rtitle}”（编号 {rnumber}）"),
                    similarity: similarity.and_then(|s| i32::try_from(s).ok()),
                    subject_on: on.to_string(),
                    matched_on: revoked_on.to_string(),
                    clauses: clauses_json(&relapse)?,
                },
                relapse,
            });
        }
        Ok(out)
    }

    /// Stores one match with its case and the audit entry, in one transaction; `false` when
    /// another run recorded it first.
    async fn open_detected_case(&self, f: Found) -> Result<bool> {
        let reason = f
            .relapse
            .reasons
            .first()
            .ok_or_else(DomainError::internal)?;
        let finding = ReasonView::of(reason);
        let now = self.now_ms();
        let summary = serde_json::json!({
            "kind": f.kind,
            "subject_id": f.detection.subject_id,
            "subject": f.detection.subject_label,
            "matched_id": f.detection.matched_id,
            "matched": f.detection.matched_label,
            "similarity": f.detection.similarity,
            "subject_on": f.detection.subject_on,
            "matched_on": f.detection.matched_on,
            "clauses": f.relapse.clauses().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        });
        let mut tx = self.store.begin_write().await?;
        let case = NewCase {
            kind: f.kind,
            status: CaseStatus::Open.as_str(),
            source: CaseSource::Detector.as_str(),
            node_id: f.node_id,
            reported_by: None,
            demanding_unit: f.demanding_unit,
            description: f.description,
            claimed_number: f.claimed_number,
            demand_id: f.demand_id,
            finding: finding.to_json()?,
            plaque_id: f.plaque_id,
            now,
            ..NewCase::default()
        };
        let Some(case_id) = repo::open_case(tx.conn(), case, f.detection).await? else {
            // Another process recorded it first; the transaction rolls back unused.
            return Ok(false);
        };
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: DETECTOR_ACTOR.into(),
            action: "case.detect".into(),
            outcome: AuditOutcome::Ok,
            target_type: "supervision_case".into(),
            target_id: Some(case_id.to_string()),
            summary,
            ip: None,
        })
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

fn clauses_json(r: &Relapse) -> Result<String> {
    let ids: Vec<&str> = r.clauses().iter().map(|c| c.as_str()).collect();
    serde_json::to_string(&ids).map_err(|_| DomainError::internal())
}
