//! The report form (填表报数, 4.8-3, 4.9-2 … 4.9-4): a department builds a form from the data
//! dictionary, sees its burden and the rules' decision before filing (计算负担, worked out on
//! the server, no script needed), and files it. Once filed it is a demand like any other: the
//! demand page shows its fields (pre-filled ones with their source) and, once admitted, its
//! corner (表号, 制定机关, 批准文号, 有效期限).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::data_dictionary::DataItemView;
use jianfu_domain::report_form::{
    AgriCapForm, ReportFormAssessment, ReportFormForm, RespondentLevel,
};
use jianfu_domain::tree::NodeView;
use jianfu_rules::{Frequency, ProperRespondent, RuralWork};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::{Chrome, FormError, Shown, is_form_error, render};

#[derive(askama::Template)]
#[template(path = "report_form.html")]
struct ReportFormPage {
    chrome: Chrome,
    departments: Vec<NodeView>,
    places: Vec<NodeView>,
    items: Vec<DataItemView>,
    frequencies: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    respondents: Vec<(&'static str, &'static str)>,
    works: Vec<(&'static str, &'static str)>,
    form: ReportFormForm,
    /// The burden and decision worked out by 计算负担.
    assessment: Option<ReportFormAssessment>,
    error: FormError,
    /// The districts whose agricultural form cap the user reads (4.9-2), as (id, name).
    cap_districts: Vec<(i64, String)>,
}

async fn report_form_page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, ReportFormForm>,
    assessment: Option<ReportFormAssessment>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    let form = entered.unwrap_or_default();
    let ctx = user.ctx();
    let (departments, places) = match state.app.drafting_context(&ctx).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    let items = match state.app.form_items(&ctx).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    let cap_districts = match state.app.agri_cap_districts(&ctx).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &ReportFormPage {
            chrome: Chrome::new("报表准入", Some(user), "/demands"),
            departments,
            places,
            items,
            frequencies: Frequency::ALL
                .iter()
                .map(|f| (f.as_str(), f.label_zh()))
                .collect(),
            levels: RespondentLevel::ALL
                .iter()
                .map(|l| (l.as_str(), l.label_zh()))
                .collect(),
            respondents: ProperRespondent::ALL
                .iter()
                .map(|r| (r.as_str(), r.label_zh()))
                .collect(),
            works: RuralWork::ALL
                .iter()
                .map(|w| (w.as_str(), w.label_zh()))
                .collect(),
            form,
            assessment,
            error,
            cap_districts,
        },
    )
}

pub async fn report_form_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    let form = ReportFormForm {
        target_mode: "scope".into(),
        respondent_level: RespondentLevel::Community.as_str().into(),
        proper_respondent: ProperRespondent::Community.as_str().into(),
        ..Default::default()
    };
    report_form_page(&state, &user, Shown::fresh(None).with(form), None).await
}

/// 计算负担: the same checks and rules as filing, nothing stored; the page again with the
/// burden and the decision.
pub async fn report_form_assess(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ReportFormForm>,
) -> Response {
    match state.app.assess_report_form(&user.ctx(), &f).await {
        Ok(a) => report_form_page(&state, &user, Shown::fresh(None).with(f), Some(a)).await,
        Err(e) if is_form_error(&e) => {
            report_form_page(&state, &user, Shown::refused(&e, f), None).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn report_form_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ReportFormForm>,
) -> Response {
    match state.app.create_report_form(&user.ctx(), &f).await {
        Ok(d) => Redirect::to(&format!("/demands/{}", d.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            report_form_page(&state, &user, Shown::refused(&e, f), None).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "agri_caps.html")]
struct AgriCapsPage {
    chrome: Chrome,
    caps: jianfu_domain::report_form::AgriCapsView,
    form: AgriCapForm,
    max_cap: u32,
    error: FormError,
}

async fn agri_caps_page(
    state: &AppState,
    user: &CurrentUser,
    district_id: i64,
    shown: Shown<'_, AgriCapForm>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        done,
    } = shown;
    let caps = match state.app.agri_caps(&user.ctx(), district_id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let form = entered.unwrap_or_else(|| AgriCapForm {
        effective_from: caps.as_of.clone(),
        ..Default::default()
    });
    render(
        status,
        &AgriCapsPage {
            chrome: Chrome::new(
                format!("{}周、月涉农报表上限", caps.district.name),
                Some(user),
                "/demands",
            )
            .with_done(done),
            caps,
            form,
            max_cap: jianfu_domain::report_form::MAX_AGRI_CAP,
            error,
        },
    )
}

/// A district's cap on weekly and monthly agricultural forms (4.9-2): in force, history, and
/// for the district's approver the form that sets a new value.
pub async fn agri_caps(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(district_id): Path<i64>,
    Query(q): Query<crate::views::DoneQuery>,
) -> Response {
    agri_caps_page(&state, &user, district_id, Shown::fresh(q.done.as_deref())).await
}

pub async fn set_agri_cap(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(district_id): Path<i64>,
    Form(f): Form<AgriCapForm>,
) -> Response {
    match state.app.set_agri_cap(&user.ctx(), district_id, &f).await {
        Ok(_) => Redirect::to(&format!("/agri-form-caps/{district_id}?done=agri_cap_set"))
            .into_response(),
        Err(e) if is_form_error(&e) => {
            agri_caps_page(&state, &user, district_id, Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
