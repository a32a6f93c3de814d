//! The certificate catalogue (4.5-2, 4.5-3, 4.5-6): the city's types, each district's selection
//! of them plus its local types, the discontinued list, and the public service guides.

use crate::text;
use jianfu_rules::certificate::{
    self as rules, CatalogueOrigin, CertificateBasis, CertificateTypeFacts, LegalBasis,
    LegalBasisKind, Processing, RetainedListApprover, ServiceGuide,
};
use jianfu_rules::{Decision, clause};
use jianfu_store::entity::{certificate_type, node};
use jianfu_store::orm::ConnectionTrait;
use jianfu_store::repo::catalogue as repo;
use jianfu_store::repo::tree;
use serde::{Deserialize, Serialize};

use crate::authz::Action;
use crate::demand::DecisionView;
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// A certificate type with its service guide, as pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct CertificateTypeView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `retained` or `discontinued`.
    pub listing: String,
    pub discontinued: bool,
    /// The city, or the district for a local type.
    pub scope_node_id: i64,
    pub scope_name: String,
    pub local: bool,
    pub basis_zh: String,
    pub within_duty: bool,
    pub conditions: String,
    pub materials: Vec<String>,
    pub template: String,
    pub processing_days: i32,
    pub processing_zh: String,
    pub needs_investigation: bool,
    pub public_interest: bool,
    pub purpose: String,
    pub steps: Vec<String>,
    pub alternative_zh: Option<String>,
    pub alternative_note: Option<String>,
    pub source: String,
    pub decision: DecisionView,
}

/// One district's catalogue: the types its communities may issue, and the discontinued list.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogueView {
    pub district: NodeView,
    pub types: Vec<CertificateTypeView>,
    /// City types the district has not adopted (its communities refuse them, 4.5-10).
    pub not_adopted: Vec<CertificateTypeView>,
    pub discontinued: Vec<CertificateTypeView>,
}

/// The form a district fills to add a local type (4.5-2) — the whole service guide (4.5-6).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LocalTypeForm {
    pub code: String,
    pub name: String,
    /// law | regulation | rule | retained_list
    pub basis_kind: String,
    pub basis_title: String,
    /// The article, or for a retained list its approver: state | province | city.
    pub basis_article: String,
    #[serde(deserialize_with = "crate::form::flag")]
    pub within_duty: bool,
    pub conditions: String,
    pub materials: String,
    pub template: String,
    pub processing_days: String,
    #[serde(deserialize_with = "crate::form::flag")]
    pub needs_investigation: bool,
    #[serde(deserialize_with = "crate::form::flag")]
    pub public_interest: bool,
    pub purpose: String,
    pub steps: String,
    pub source: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The basis stored on a row, as the rules read it.
fn basis_of(t: &certificate_type::Model) -> Option<CertificateBasis<'_>> {
    let title = t.basis_title.as_deref().unwrap_or("");
    let article = t.basis_article.as_deref().unwrap_or("");
    let legal = |kind| {
        Some(CertificateBasis::Legal(LegalBasis {
            kind,
            title,
            article,
        }))
    };
    match t.basis_kind.as_deref()? {
        "law" => legal(LegalBasisKind::Law),
        "regulation" => legal(LegalBasisKind::Regulation),
        "rule" => legal(LegalBasisKind::Rule),
        "retained_list" => Some(CertificateBasis::RetainedList {
            approver: match article {
                "state" => RetainedListApprover::State,
                "province" => RetainedListApprover::Province,
                _ => RetainedListApprover::City,
            },
            list: title,
        }),
        _ => None,
    }
}

pub(super) fn processing_of(days: i32) -> Processing {
    match u8::try_from(days) {
        Ok(0) | Err(_) => Processing::SameDay,
        Ok(n) => Processing::WorkingDays(n),
    }
}

/// The catalogue rules on a type row (4.5-2, 4.5-3, 4.5-6).
pub(super) fn type_decision(t: &certificate_type::Model, origin: CatalogueOrigin<'_>) -> Decision {
    let basis = basis_of(t);
    let basis_text = basis.as_ref().map(|b| b.describe_zh()).unwrap_or_default();
    let guide = ServiceGuide {
        conditions: &t.conditions,
        materials: &t.materials,
        template: &t.template,
        time_limit: Some(processing_of(t.processing_days)),
        purpose: &t.purpose,
        steps: &t.steps,
        basis: &basis_text,
    };
    rules::check_certificate_type(&CertificateTypeFacts {
        origin,
        basis,
        within_community_duty: t.within_duty,
        guide: Some(guide),
    })
}

pub(super) fn alternative_of(s: Option<&str>) -> Option<rules::AlternativeRoute> {
    match s? {
        "data_check" => Some(rules::AlternativeRoute::DataCheck),
        "written_promise" => Some(rules::AlternativeRoute::WrittenPromise),
        "department_verification" => Some(rules::AlternativeRoute::DepartmentVerification),
        _ => None,
    }
}

pub(super) fn type_view(
    t: certificate_type::Model,
    scope_name: String,
    city_id: i64,
) -> CertificateTypeView {
    let decision: DecisionView = serde_json::from_str(&t.decision).unwrap_or(DecisionView {
        outcome: "allow".into(),
        clauses: Vec::new(),
        reasons: Vec::new(),
        registration: None,
    });
    let basis_zh = basis_of(&t)
        .map(|b| b.describe_zh())
        .unwrap_or_else(|| "无（已列入不再保留的证明事项清单）".into());
    let alternative = alternative_of(t.alternative_route.as_deref());
    CertificateTypeView {
        id: t.id,
        discontinued: t.listing == "discontinued",
        listing: t.listing,
        code: t.code,
        name: t.name,
        local: t.scope_node_id != city_id,
        scope_node_id: t.scope_node_id,
        scope_name,
        basis_zh,
        within_duty: t.within_duty,
        conditions: t.conditions,
        materials: lines(&t.materials),
        template: t.template,
        processing_days: t.processing_days,
        processing_zh: processing_of(t.processing_days).label_zh().into_owned(),
        needs_investigation: t.needs_investigation,
        public_interest: t.public_interest,
        purpose: t.purpose,
        steps: lines(&t.steps),
        alternative_zh: alternative.map(|a| format!("{}：{}", a.label_zh(), a.explain_zh())),
        alternative_note: t.alternative_note,
        source: t.source,
        decision,
    }
}

impl App {
    /// The city node (root of the tree).
    pub(crate) async fn city_node(&self) -> Result<node::Model> {
        tree::root(self.store.db())
            .await?
            .ok_or_else(|| DomainError::not_found("市"))
    }

    /// The district (区/县/市/开发区) a node lies in, from its path.
    pub(crate) async fn district_of(&self, path: &str) -> Result<NodeView> {
        let ids: Vec<i64> = path
            .split('/')
            .filter_map(|s| s.parse::<i64>().ok())
            .collect();
        let n = repo::among_of_kind(self.store.db(), ids, NodeKind::District.as_str())
            .await?
            .ok_or_else(|| {
                DomainError::invalid("district_missing", "该单位不属于任何区(县、市)")
            })?;
        NodeView::from_row(n)
    }

    async fn scope_names(&self) -> Result<std::collections::HashMap<i64, String>> {
        Ok(tree::of_kinds(
            self.store.db(),
            &[NodeKind::City.as_str(), NodeKind::District.as_str()],
        )
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect())
    }

    /// One district's catalogue, public (the service guides of 4.5-7 need no login).
    pub async fn catalogue(&self, district_id: i64) -> Result<CatalogueView> {
        let district = self.find_node(district_id).await?;
        if district.kind != NodeKind::District {
            return Err(DomainError::not_found("区(县、市)"));
        }
        let city = self.city_node().await?;
        let names = self.scope_names().await?;
        let adopted = repo::adopted(self.store.db(), district_id).await?;
        let rows = repo::types_of(self.store.db(), vec![city.id, district_id]).await?;
        let (mut types, mut not_adopted, mut discontinued) = (Vec::new(), Vec::new(), Vec::new());
        for t in rows {
            let name = names.get(&t.scope_node_id).cloned().unwrap_or_default();
            let in_catalogue = adopted.contains(&t.id);
            let listing_discontinued = t.listing == "discontinued";
            let v = type_view(t, name, city.id);
            if listing_discontinued {
                discontinued.push(v);
            } else if in_catalogue {
                types.push(v);
            } else if !v.local {
                not_adopted.push(v);
            }
        }
        Ok(CatalogueView {
            district,
            types,
            not_adopted,
            discontinued,
        })
    }

    /// Every district, for the public guide index.
    pub async fn districts(&self) -> Result<Vec<NodeView>> {
        tree::of_kinds(self.store.db(), &[NodeKind::District.as_str()])
            .await?
            .into_iter()
            .map(NodeView::from_row)
            .collect()
    }

    /// One type by its code, public.
    pub async fn certificate_type(&self, code: &str) -> Result<CertificateTypeView> {
        let t = repo::type_by_code(self.store.db(), code)
            .await?
            .ok_or_else(|| DomainError::not_found("证明事项"))?;
        let city = self.city_node().await?;
        let names = self.scope_names().await?;
        let name = names.get(&t.scope_node_id).cloned().unwrap_or_default();
        Ok(type_view(t, name, city.id))
    }

    /// A district adopts or drops a city type (4.5-2). Only its approver, in its jurisdiction.
    pub async fn set_catalogue_entry(
        &self,
        ctx: &Ctx,
        district_id: i64,
        type_id: i64,
        adopt: bool,
    ) -> Result<()> {
        let district = self.find_node(district_id).await?;
        if district.kind != NodeKind::District {
            return Err(DomainError::field(
                "district_id",
                "district_invalid",
                "请选择区(县、市)",
            ));
        }
        self.check(ctx, Action::ManageCatalogue, &district.target())
            .await?;
        let t = repo::type_by_id(self.store.db(), type_id)
            .await?
            .ok_or_else(|| DomainError::not_found("证明事项"))?;
        let city = self.city_node().await?;
        if t.listing == "discontinued" && adopt {
            return Err(DomainError::conflict(
                "type_discontinued",
                format!(
                    "“{}”已列入不再保留的证明事项清单，不能列入目录（4.5-11）",
                    t.name
                ),
            ));
        }
        if t.scope_node_id != city.id && t.scope_node_id != district_id {
            return Err(DomainError::forbidden(
                "不能采用其他区(县、市)的本地证明事项",
            ));
        }
        if repo::is_adopted(self.store.db(), district_id, type_id).await? == adopt {
            return Ok(());
        }
        let mut tx = self.store.begin_write().await?;
        if adopt {
            repo::adopt(tx.conn(), district_id, type_id, self.now_ms()).await?;
        } else {
            repo::drop(tx.conn(), district_id, type_id).await?;
        }
        tx.audit(ctx.entry(
            if adopt { "catalogue.adopt" } else { "catalogue.drop" },
            "certificate_type",
            Some(type_id.to_string()),
            serde_json::json!({ "district": district.name, "type": t.name, "clause": clause!("4.5-2") }),
        ))
        .await?;
        tx.commit().await.map_err(Into::into)
    }

    /// A district adds a local type to its catalogue (4.5-2), checked by 4.5-3 and 4.5-6: a
    /// type without basis, outside the community's duties or with an incomplete guide is
    /// refused with the rules' reasons and nothing is stored.
    pub async fn create_local_type(
        &self,
        ctx: &Ctx,
        district_id: i64,
        f: &LocalTypeForm,
    ) -> Result<CertificateTypeView> {
        let district = self.find_node(district_id).await?;
        if district.kind != NodeKind::District {
            return Err(DomainError::field(
                "district_id",
                "district_invalid",
                "请选择区(县、市)",
            ));
        }
        self.check(ctx, Action::ManageCatalogue, &district.target())
            .await?;
        let mut p = crate::Problems::new();
        let code = f.code.trim();
        if code.is_empty()
            || code.len() > 64
            || !code
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        {
            p.push(DomainError::field(
                "code",
                "code_invalid",
                "事项代码只能由小写字母、数字和下划线组成（不超过64位）",
            ));
        }
        let name = text::visible(&f.name);
        if name.is_empty() || name.chars().count() > 100 {
            p.push(DomainError::field(
                "name",
                "name_required",
                "请填写证明事项名称（不超过100字）",
            ));
        }
        if !matches!(
            f.basis_kind.as_str(),
            "law" | "regulation" | "rule" | "retained_list" | ""
        ) {
            p.push(DomainError::field(
                "basis_kind",
                "basis_kind_invalid",
                "依据类型无效",
            ));
        }
        let days = if f.processing_days.trim().is_empty() {
            Some(0)
        } else {
            p.take(
                f.processing_days
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|d| (0..=60).contains(d))
                    .ok_or_else(|| {
                        DomainError::field(
                            "processing_days",
                            "processing_days_invalid",
                            "办理时限应为 0（当场办结）至 60 个工作日",
                        )
                    }),
            )
        };
        p.finish()?;
        let days = days.ok_or_else(DomainError::internal)?;
        let now = self.now_ms();
        let opt = |s: &str| Some(text::visible(s).to_owned()).filter(|s| !s.is_empty());
        let mut row = certificate_type::Model {
            id: 0,
            scope_node_id: district_id,
            code: code.to_owned(),
            name: name.to_owned(),
            listing: "retained".into(),
            basis_kind: opt(&f.basis_kind),
            basis_title: opt(&f.basis_title),
            basis_article: opt(&f.basis_article),
            within_duty: f.within_duty,
            conditions: text::visible(&f.conditions).to_owned(),
            materials: text::visible(&f.materials).to_owned(),
            template: text::visible(&f.template).to_owned(),
            processing_days: days,
            needs_investigation: f.needs_investigation,
            public_interest: f.public_interest,
            purpose: text::visible(&f.purpose).to_owned(),
            steps: text::visible(&f.steps).to_owned(),
            alternative_route: None,
            alternative_note: None,
            source: opt(&f.source).unwrap_or_else(|| format!("{}本地证明事项", district.name)),
            decision: String::new(),
            created_at: now,
            updated_at: now,
            discontinued_on: None,
        };
        let decision = type_decision(&row, CatalogueOrigin::Local);
        if decision.outcome == jianfu_rules::Outcome::Reject {
            return Err(super::rules_error(&decision));
        }
        row.decision = serde_json::to_string(&DecisionView::from_decision(&decision))
            .map_err(|_| DomainError::internal())?;
        if repo::type_by_code(self.store.db(), code).await?.is_some() {
            return Err(DomainError::field(
                "code",
                "code_taken",
                "该事项代码已被使用",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let id = insert_type(tx.conn(), row).await?;
        repo::adopt(tx.conn(), district_id, id, now).await?;
        tx.audit(ctx.entry(
            "catalogue.create_local",
            "certificate_type",
            Some(id.to_string()),
            serde_json::json!({ "district": district.name, "name": name, "clauses": decision.clauses }),
        ))
        .await?;
        tx.commit().await?;
        self.certificate_type(code).await
    }
}

/// Inserts a type row (id assigned by the database) and returns its id.
pub(crate) async fn insert_type<C: ConnectionTrait>(
    conn: &C,
    t: certificate_type::Model,
) -> Result<i64> {
    Ok(repo::insert_type(conn, t).await?)
}

/// The catalogue shipped in `data/certificate_catalogue.toml` (see the file for sources).
const CATALOGUE: &str = include_str!("../../../../data/certificate_catalogue.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    retained: Vec<CatalogueEntryData>,
    discontinued: Vec<CatalogueEntryData>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct CatalogueEntryData {
    code: String,
    name: String,
    basis_kind: Option<String>,
    basis_title: Option<String>,
    basis_article: Option<String>,
    within_duty: bool,
    conditions: String,
    materials: String,
    template: String,
    processing_days: i32,
    needs_investigation: bool,
    public_interest: bool,
    purpose: String,
    steps: String,
    source: String,
    alternative_route: Option<String>,
    alternative_note: Option<String>,
}

/// Source line of every discontinued entry.
const DISCONTINUED_SOURCE: &str =
    "民发〔2020〕20号附件《不应由基层群众性自治组织出具证明事项清单（第一批）》";

fn catalogue_rows(city_id: i64, now: i64, retained: bool) -> Result<Vec<certificate_type::Model>> {
    let file: CatalogueFile = toml::from_str(CATALOGUE).map_err(|e| {
        tracing::error!(error = %e, "data/certificate_catalogue.toml is malformed");
        DomainError::internal()
    })?;
    let mut rows = Vec::new();
    let entries = file
        .retained
        .into_iter()
        .filter(|_| retained)
        .map(|e| (e, "retained"))
        .chain(file.discontinued.into_iter().map(|e| (e, "discontinued")));
    for (e, listing) in entries {
        let mut t = certificate_type::Model {
            id: 0,
            scope_node_id: city_id,
            code: e.code,
            name: e.name,
            listing: listing.into(),
            basis_kind: e.basis_kind,
            basis_title: e.basis_title,
            basis_article: e.basis_article,
            within_duty: e.within_duty,
            conditions: e.conditions,
            materials: e.materials,
            template: e.template,
            processing_days: e.processing_days,
            needs_investigation: e.needs_investigation,
            public_interest: e.public_interest,
            purpose: e.purpose,
            steps: e.steps,
            alternative_route: e.alternative_route,
            alternative_note: e.alternative_note,
            source: if listing == "discontinued" {
                DISCONTINUED_SOURCE.into()
            } else {
                e.source
            },
            decision: String::new(),
            created_at: now,
            updated_at: now,
            // Listed as discontinued the day the catalogue is loaded: the detector of relapses
            // (issue 14 §2) flags applications for it received after that day.
            discontinued_on: (listing == "discontinued")
                .then(|| crate::clock::cst_date(now).map(|d| d.to_string()))
                .flatten(),
        };
        let decision = if listing == "discontinued" {
            // What 4.5-12 says of this type when a resident still needs it.
            rules::discontinued(
                Some(rules::TransitionalNeed::PolicyGap),
                t.within_duty,
                t.within_duty,
            )
        } else {
            type_decision(&t, CatalogueOrigin::City)
        };
        t.decision = serde_json::to_string(&DecisionView::from_decision(&decision))
            .map_err(|_| DomainError::internal())?;
        rows.push(t);
    }
    Ok(rows)
}

/// Loads the shipped catalogue into an empty database: always the national discontinued list,
/// and with `retained` the example city catalogue. Returns how many types were stored.
pub(crate) async fn load_catalogue<C: ConnectionTrait>(
    conn: &C,
    city_id: i64,
    now: i64,
    retained: bool,
) -> Result<usize> {
    let rows = catalogue_rows(city_id, now, retained)?;
    let n = rows.len();
    for t in rows {
        insert_type(conn, t).await?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_parses_and_every_city_type_passes_the_catalogue_rules() {
        let rows = catalogue_rows(1, 0, true).unwrap();
        let retained: Vec<_> = rows.iter().filter(|t| t.listing == "retained").collect();
        let discontinued: Vec<_> = rows
            .iter()
            .filter(|t| t.listing == "discontinued")
            .collect();
        assert!(retained.len() >= 4);
        // The national list has exactly 20 entries.
        assert_eq!(discontinued.len(), 20);
        for t in &retained {
            let d = type_decision(t, CatalogueOrigin::City);
            assert_ne!(
                d.outcome,
                jianfu_rules::Outcome::Reject,
                "{}: {:?}",
                t.name,
                d.reasons
            );
            assert!(
                t.source.contains("示例"),
                "{} must say it is an example",
                t.name
            );
        }
        for t in &discontinued {
            assert!(
                alternative_of(t.alternative_route.as_deref()).is_some(),
                "{}",
                t.name
            );
        }
        let mut codes: Vec<_> = rows.iter().map(|t| t.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), rows.len(), "codes are unique");
    }
}
