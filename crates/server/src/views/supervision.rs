//! Supervision pages (监督检查, 5.3; issue 14): one case with its history, and the
//! supervisor's verification or dismissal. The case list stays in `demands.rs` for now.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::demand::{CaseStatus, CaseView};
use jianfu_domain::supervision::CaseDecision;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path};
use crate::state::AppState;
use crate::views::{Chrome, FormError, form_status, is_form_error, render, when};

#[derive(askama::Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    c: CaseView,
    reported: String,
    timeline: Vec<(String, jianfu_domain::timeline::TimelineEntry)>,
    can_decide: bool,
    opinion: String,
    error: FormError,
}

async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    opinion: String,
    error: FormError,
    status: StatusCode,
) -> Response {
    let c = match state.app.case_detail(&user.ctx(), id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let timeline = match state.app.case_timeline(&c).await {
        Ok(t) => super::timeline(t),
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &CasePage {
            chrome: Chrome::new("问题线索", Some(user), "/cases"),
            reported: when(c.created_at),
            can_decide: c.status == CaseStatus::Open && user.principal.may(Action::DecideCase),
            c,
            timeline,
            opinion,
            error,
        },
    )
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    case_page(
        &state,
        &user,
        id,
        String::new(),
        FormError::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    /// `verify` (已核实) or `dismiss` (不予立案).
    decision: String,
    opinion: String,
}

/// 核实 or 不予立案.
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let decision = match CaseDecision::parse(&f.decision) {
        Ok(d) => d,
        Err(e) => return refill(&state, &user, id, f.opinion, &e).await,
    };
    match state
        .app
        .decide_case(&user.ctx(), id, decision, &f.opinion)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) if is_form_error(&e) => {
            let status = form_status(&e);
            case_page(
                &state,
                &user,
                id,
                f.opinion,
                FormError::from_domain(&e),
                status,
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The case page again, with the opinion typed and `e`'s problem.
async fn refill(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    opinion: String,
    e: &jianfu_domain::DomainError,
) -> Response {
    case_page(
        state,
        user,
        id,
        opinion,
        FormError::from_domain(e),
        form_status(e),
    )
    .await
}
