//! Bulletins (通报批评, 5.3-3; issue 14, slice 4): the public list of published bulletins and
//! each bulletin's page and sealed PDF (no login), and the staff pages of a level — its
//! bulletins in every state with the draft form (supervisors), a bulletin with its sign-off
//! (the level's approver) and publish (the drafting department) forms.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::bulletin::{BulletinCandidate, BulletinForm, BulletinView};
use jianfu_domain::page::Page;
use serde::Deserialize;

use crate::access::{CurrentUser, MaybeUser};
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{ListQuery, NoFilter};
use crate::views::{Chrome, FormError, form_status, is_form_error, list, render, when};

#[derive(askama::Template)]
#[template(path = "bulletins.html")]
struct PublicListPage {
    chrome: Chrome,
    page: Page<BulletinView>,
    pager: String,
    staff: bool,
}

impl PublicListPage {
    fn when(&self, ms: &Option<i64>) -> String {
        ms.map(when).unwrap_or_default()
    }
}

/// 通报 (public): the published bulletins, newest first.
pub async fn public_list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    match state.app.published_bulletins(q.page()).await {
        Ok(page) => render(
            StatusCode::OK,
            &PublicListPage {
                chrome: Chrome::new("通报", user.as_ref(), "/bulletins"),
                staff: user.as_ref().is_some_and(|u| {
                    u.principal.may(Action::DraftBulletin)
                        || u.principal.may(Action::ApproveBulletin)
                }),
                pager: list::pager_base("/bulletins", &NoFilter {}),
                page,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    chrome: Chrome,
    b: BulletinView,
    /// The staff page (forms, drafter) rather than the public one.
    staff: bool,
    opinion: String,
    error: FormError,
}

impl BulletinPage {
    fn when(&self, ms: &Option<i64>) -> String {
        ms.map(when).unwrap_or_default()
    }
    fn drafted(&self) -> String {
        when(self.b.drafted_at)
    }
}

/// One published bulletin (public): its lines, clauses, signer and PDF.
pub async fn public_detail(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.published_bulletin(id).await {
        Ok(b) => render(
            StatusCode::OK,
            &BulletinPage {
                chrome: Chrome::new("通报", user.as_ref(), "/bulletins"),
                b,
                staff: false,
                opinion: String::new(),
                error: FormError::default(),
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// The sealed PDF of a published bulletin (public).
pub async fn pdf(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match state.app.bulletin_pdf(id).await {
        Ok((name, pdf)) => list::download(pdf, "application/pdf", &name, true),
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "bulletin_drafts.html")]
struct StaffListPage {
    chrome: Chrome,
    page: Page<BulletinView>,
    pager: String,
    /// The draft form (supervisors only).
    can_draft: bool,
    candidates: Vec<BulletinCandidate>,
    typed: Typed,
    error: FormError,
}

impl StaffListPage {
    fn drafted(&self, ms: &i64) -> String {
        when(*ms)
    }
}

/// What the drafter typed, shown again with the problems found.
#[derive(Default)]
struct Typed {
    title: String,
    period_from: String,
    period_to: String,
    case_ids: Vec<i64>,
}

impl Typed {
    fn picked(&self, id: &i64) -> bool {
        self.case_ids.contains(id)
    }
}

async fn staff_list(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery<NoFilter>,
    typed: Typed,
    error: FormError,
    status: StatusCode,
) -> Response {
    let ctx = user.ctx();
    let page = match state.app.staff_bulletins(&ctx, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let can_draft = user.principal.may(Action::DraftBulletin);
    let candidates = if can_draft {
        match state.app.bulletin_candidates(&ctx).await {
            Ok(c) => c,
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        Vec::new()
    };
    render(
        status,
        &StaffListPage {
            chrome: Chrome::new("通报起草与签发", Some(user), "/bulletin-drafts"),
            pager: list::pager_base("/bulletin-drafts", &NoFilter {}),
            page,
            can_draft,
            candidates,
            typed,
            error,
        },
    )
}

/// 通报起草与签发: the level's bulletins in every state, and the draft form.
pub async fn drafts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    staff_list(
        &state,
        &user,
        &q,
        Typed::default(),
        FormError::default(),
        StatusCode::OK,
    )
    .await
}

/// The draft form as the page sends it: `case_ids` repeats, one per case ticked.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DraftPageForm {
    title: String,
    period_from: String,
    period_to: String,
    case_ids: Vec<String>,
}

/// Drafts a bulletin.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<DraftPageForm>,
) -> Response {
    let mut typed = Typed {
        title: f.title,
        period_from: f.period_from,
        period_to: f.period_to,
        case_ids: Vec::new(),
    };
    let mut bad_id = false;
    for v in &f.case_ids {
        match v.trim().parse() {
            Ok(id) => typed.case_ids.push(id),
            Err(_) => bad_id = true,
        }
    }
    let result = if bad_id {
        Err(jianfu_domain::DomainError::field(
            "case_ids",
            "bulletin_case_unknown",
            "所选问题线索编号无效",
        ))
    } else {
        let form = BulletinForm {
            title: typed.title.clone(),
            period_from: typed.period_from.clone(),
            period_to: typed.period_to.clone(),
            case_ids: typed.case_ids.clone(),
        };
        state.app.draft_bulletin(&user.ctx(), &form).await
    };
    match result {
        Ok(b) => Redirect::to(&format!("/bulletin-drafts/{}", b.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            let status = form_status(&e);
            staff_list(
                &state,
                &user,
                &ListQuery::default(),
                typed,
                FormError::from_domain(&e),
                status,
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

async fn staff_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    opinion: String,
    error: FormError,
    status: StatusCode,
) -> Response {
    match state.app.bulletin_detail(&user.ctx(), id).await {
        Ok(b) => render(
            status,
            &BulletinPage {
                chrome: Chrome::new("通报", Some(user), "/bulletin-drafts"),
                b,
                staff: true,
                opinion,
                error,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// One bulletin of the reader's level, in any state, with what they may do next.
pub async fn draft(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    staff_page(
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
pub struct OpinionForm {
    opinion: String,
}

/// 签发 (the level's approver).
pub async fn sign_off(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<OpinionForm>,
) -> Response {
    match state
        .app
        .sign_off_bulletin(&user.ctx(), id, &f.opinion)
        .await
    {
        Ok(_) => Redirect::to(&format!("/bulletin-drafts/{id}")).into_response(),
        Err(e) if is_form_error(&e) => {
            let status = form_status(&e);
            staff_page(
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

/// 发布 (the drafting department, once signed off).
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.publish_bulletin(&user.ctx(), id).await {
        Ok(_) => Redirect::to(&format!("/bulletins/{id}")).into_response(),
        Err(e) if is_form_error(&e) => {
            let status = form_status(&e);
            staff_page(
                &state,
                &user,
                id,
                String::new(),
                FormError::from_domain(&e),
                status,
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}
