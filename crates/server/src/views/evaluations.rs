//! The evaluation demand form (考核评比, 4.3): a department files a 达标, 检查, 评比, 示范创建
//! or 督查 activity aimed at communities, with its mandate, indicators, materials and visit
//! days. Once filed it is a demand like any other: the demand page shows it and the authority
//! admits it there.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::evaluation::{
    EvaluationForm, IndicatorForm, MaterialForm, VISIT_DAY_MINUTES, VisitCheck, VisitCheckForm,
};
use jianfu_domain::tree::NodeView;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Query};
use crate::state::AppState;
use crate::views::{Chrome, FormError, Shown, is_form_error, render};

/// Empty indicator rows the page offers at least.
const INDICATOR_ROWS: usize = 5;
/// Empty material rows the page offers at least.
const MATERIAL_ROWS: usize = 3;

/// The page's form: the rows of indicators and materials come as repeated fields, one value
/// per row (`indicator_veto` is `yes` or `no` per row, a select, so that rows stay aligned).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EvaluationPageForm {
    requester_node_id: i64,
    title: String,
    evaluation_kind: String,
    organisation: String,
    mandate_level: String,
    mandate_document: String,
    mandate_title: String,
    indicator_name: Vec<String>,
    indicator_weight: Vec<String>,
    indicator_method: Vec<String>,
    indicator_veto: Vec<String>,
    rules_text: String,
    material_name: Vec<String>,
    material_minutes: Vec<String>,
    visit_days: String,
    period_start: String,
    period_end: String,
    target_mode: String,
    target_ids: Vec<i64>,
}

fn nth(v: &[String], i: usize) -> String {
    v.get(i).cloned().unwrap_or_default()
}

impl EvaluationPageForm {
    fn into_form(self) -> EvaluationForm {
        let indicators = (0..self.indicator_name.len())
            .map(|i| IndicatorForm {
                name: nth(&self.indicator_name, i),
                weight: nth(&self.indicator_weight, i),
                method: nth(&self.indicator_method, i),
                veto: nth(&self.indicator_veto, i) == "yes",
            })
            .collect();
        let materials = (0..self.material_name.len())
            .map(|i| MaterialForm {
                name: nth(&self.material_name, i),
                minutes: nth(&self.material_minutes, i),
            })
            .collect();
        EvaluationForm {
            requester_node_id: self.requester_node_id,
            title: self.title,
            evaluation_kind: self.evaluation_kind,
            organisation: self.organisation,
            mandate_level: self.mandate_level,
            mandate_document: self.mandate_document,
            mandate_title: self.mandate_title,
            indicators,
            rules_text: self.rules_text,
            materials,
            visit_days: self.visit_days,
            period_start: self.period_start,
            period_end: self.period_end,
            target_mode: self.target_mode,
            target_ids: self.target_ids,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "evaluation_form.html")]
struct EvaluationPage {
    chrome: Chrome,
    departments: Vec<NodeView>,
    places: Vec<NodeView>,
    form: EvaluationForm,
    /// The indicator rows shown: those entered, then blank ones.
    indicators: Vec<IndicatorForm>,
    materials: Vec<MaterialForm>,
    kinds: Vec<(&'static str, &'static str)>,
    organisations: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    visit_day_hours: i32,
    error: FormError,
}

fn padded<T: Clone + Default>(rows: &[T], at_least: usize) -> Vec<T> {
    let mut v = rows.to_vec();
    let n = at_least.max(v.len() + 1);
    v.resize(n, T::default());
    v
}

async fn evaluation_page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, EvaluationForm>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    let form = entered.unwrap_or_default();
    use jianfu_rules::plaque::MandateLevel;
    use jianfu_rules::{EvaluationKind, Organisation};
    let (departments, places) = match state.app.drafting_context(&user.ctx()).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &EvaluationPage {
            chrome: Chrome::new("考核评比活动", Some(user), "/demands"),
            departments,
            places,
            indicators: padded(&form.indicators, INDICATOR_ROWS),
            materials: padded(&form.materials, MATERIAL_ROWS),
            kinds: EvaluationKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label_zh()))
                .collect(),
            organisations: [Organisation::Separate, Organisation::Comprehensive]
                .iter()
                .map(|o| (o.as_str(), o.label_zh()))
                .collect(),
            levels: MandateLevel::ALL
                .iter()
                .map(|l| (l.as_str(), l.label_zh()))
                .collect(),
            visit_day_hours: VISIT_DAY_MINUTES / 60,
            form,
            error,
        },
    )
}

pub async fn evaluation_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    let form = EvaluationForm {
        target_mode: "scope".into(),
        ..Default::default()
    };
    evaluation_page(&state, &user, Shown::fresh(None).with(form)).await
}

pub async fn evaluation_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<EvaluationPageForm>,
) -> Response {
    let f = f.into_form();
    match state.app.create_evaluation(&user.ctx(), &f).await {
        Ok(d) => Redirect::to(&format!("/demands/{}", d.id)).into_response(),
        Err(e) if is_form_error(&e) => evaluation_page(&state, &user, Shown::refused(&e, f)).await,
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- on-site checks

#[derive(askama::Template)]
#[template(path = "visit_check.html")]
struct VisitCheckPage {
    chrome: Chrome,
    communities: Vec<NodeView>,
    form: VisitCheckForm,
    result: Option<VisitCheck>,
    error: FormError,
}

/// The check's query: the form's fields, and `check` once the worker asks.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisitCheckQuery {
    community_id: i64,
    number: String,
    unit: String,
    activity: String,
    check: String,
}

/// A community worker checks the number inspectors show for an on-site check (4.2-5, 4.3-2):
/// receive, or refuse and report with the prefilled report form.
pub async fn visit_check(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<VisitCheckQuery>,
) -> Response {
    let communities: Vec<NodeView> = match state
        .app
        .nodes_where(
            &user.principal,
            jianfu_domain::authz::Action::ReportUnadmitted,
        )
        .await
    {
        Ok(n) => n.into_iter().filter(|n| n.kind.is_community()).collect(),
        Err(e) => return PageError(e).into_response(),
    };
    let form = VisitCheckForm {
        community_id: q.community_id,
        number: q.number,
        unit: q.unit,
        activity: q.activity,
    };
    let (result, error, status) = if q.check.is_empty() {
        (None, FormError::default(), axum::http::StatusCode::OK)
    } else {
        match state.app.check_visit(&user.ctx(), &form).await {
            Ok(r) => (Some(r), FormError::default(), axum::http::StatusCode::OK),
            Err(e) if is_form_error(&e) => (
                None,
                FormError::from_domain(&e),
                crate::error::status_for(e.kind),
            ),
            Err(e) => return PageError(e).into_response(),
        }
    };
    render(
        status,
        &VisitCheckPage {
            chrome: Chrome::new("现场检查核验", Some(&user), "/evaluations/visit-check"),
            communities,
            form,
            result,
            error,
        },
    )
}
