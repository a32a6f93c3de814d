//! Forms for the demand kinds beyond work items: a street's temporary plaque request (4.1-5),
//! a department's agency, venue, staff or plaque requirement (4.4-3) and its demand that
//! communities issue a certificate (4.5-4). Once created they are
//! demands like any other: the demand page shows them, and the authority admits them there.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::demand_kinds::{AgencyForm, CertificateDemandForm, TemporaryPlaqueForm};
use jianfu_domain::tree::NodeView;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Form;
use crate::state::AppState;
use crate::views::{Chrome, FormError, Shown, is_form_error, render};

#[derive(askama::Template)]
#[template(path = "temporary_plaque_form.html")]
struct TemporaryPlaquePage {
    chrome: Chrome,
    units: Vec<NodeView>,
    form: TemporaryPlaqueForm,
    error: FormError,
}

async fn temporary_plaque_page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, TemporaryPlaqueForm>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    let form = entered.unwrap_or_default();
    let mut units = Vec::new();
    for g in &user.principal.grants {
        if jianfu_domain::authz::permits(g.role, Action::RequestTemporaryPlaque) {
            match state.app.find_node(g.node_id).await {
                Ok(n) => units.push(n),
                Err(e) => return PageError(e).into_response(),
            }
        }
    }
    render(
        status,
        &TemporaryPlaquePage {
            chrome: Chrome::new("申请临时加挂牌子", Some(user), "/demands"),
            units,
            form,
            error,
        },
    )
}

pub async fn temporary_plaque_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    let form = TemporaryPlaqueForm {
        placement: "outdoor".into(),
        ..Default::default()
    };
    temporary_plaque_page(&state, &user, Shown::fresh(None).with(form)).await
}

pub async fn temporary_plaque_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TemporaryPlaqueForm>,
) -> Response {
    match state.app.request_temporary_plaque(&user.ctx(), &f).await {
        Ok(d) => Redirect::to(&format!("/demands/{}", d.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            temporary_plaque_page(&state, &user, Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "agency_form.html")]
struct AgencyPage {
    chrome: Chrome,
    departments: Vec<NodeView>,
    places: Vec<NodeView>,
    form: AgencyForm,
    error: FormError,
}

async fn agency_page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, AgencyForm>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    let form = entered.unwrap_or_default();
    let (departments, places) = match state.app.drafting_context(&user.ctx()).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &AgencyPage {
            chrome: Chrome::new("机构场所人员要求", Some(user), "/demands"),
            departments,
            places,
            form,
            error,
        },
    )
}

pub async fn agency_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    let form = AgencyForm {
        target_mode: "communities".into(),
        ..Default::default()
    };
    agency_page(&state, &user, Shown::fresh(None).with(form)).await
}

pub async fn agency_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<AgencyForm>,
) -> Response {
    match state.app.create_agency_requirement(&user.ctx(), &f).await {
        Ok(d) => Redirect::to(&format!("/demands/{}", d.id)).into_response(),
        Err(e) if is_form_error(&e) => agency_page(&state, &user, Shown::refused(&e, f)).await,
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "certificate_demand_form.html")]
struct CertificateDemandPage {
    chrome: Chrome,
    departments: Vec<NodeView>,
    places: Vec<NodeView>,
    /// (code, name, no longer retained).
    types: Vec<(String, String, bool)>,
    form: CertificateDemandForm,
    error: FormError,
}

async fn certificate_demand_page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, CertificateDemandForm>,
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
    let types = match state.app.certificate_demand_types(&ctx).await {
        Ok(t) => t,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &CertificateDemandPage {
            chrome: Chrome::new("出具证明要求", Some(user), "/demands"),
            departments,
            places,
            types,
            form,
            error,
        },
    )
}

pub async fn certificate_demand_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    let form = CertificateDemandForm {
        target_mode: "scope".into(),
        ..Default::default()
    };
    certificate_demand_page(&state, &user, Shown::fresh(None).with(form)).await
}

pub async fn certificate_demand_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CertificateDemandForm>,
) -> Response {
    match state.app.create_certificate_demand(&user.ctx(), &f).await {
        Ok(d) => Redirect::to(&format!("/demands/{}", d.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            certificate_demand_page(&state, &user, Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
