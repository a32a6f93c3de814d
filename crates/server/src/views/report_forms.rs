//! The report form (填表报数, 4.8-3, 4.9-2 … 4.9-4): a department builds a form from the data
//! dictionary, sees its burden and the rules' decision before filing (计算负担, worked out on
//! the server, no script needed), and files it. Once filed it is a demand like any other: the
//! demand page shows its fields (pre-filled ones with their source) and, once admitted, its
//! corner (表号, 制定机关, 批准文号, 有效期限).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::data_dictionary::DataItemView;
use jianfu_domain::report_form::{ReportFormAssessment, ReportFormForm, RespondentLevel};
use jianfu_domain::tree::NodeView;
use jianfu_rules::{Frequency, ProperRespondent, RuralWork};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Form;
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
