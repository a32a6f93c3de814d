//! Bulletins (通报批评, 5.3-3; issue 14, slice 4): the public list of published bulletins and
//! each bulletin's page and sealed PDF (no login), and the staff pages of a level — its
//! bulletins in every state with the draft form (supervisors), a bulletin with its sign-off
//! (the level's approver) and publish (the drafting department) forms.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::bulletin::{BulletinCandidate, BulletinForm, BulletinView};
use jianfu_domain::page::{Page, every_row};
use serde::Deserialize;

use crate::access::{CurrentUser, MaybeUser};
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{Cell, Column, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, FormError, Shown, is_form_error, list, render, when};

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
    export: String,
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
    mut shown: Shown<'_, Typed>,
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
    let typed = shown.entered_or_default();
    let Shown { error, status, .. } = shown;
    render(
        status,
        &StaffListPage {
            chrome: Chrome::new("通报起草与签发", Some(user), "/bulletin-drafts"),
            pager: list::pager_base("/bulletin-drafts", &NoFilter {}),
            export: list::export_href("/bulletin-drafts/export.xlsx", &NoFilter {}),
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
    staff_list(&state, &user, &q, Shown::fresh(None)).await
}

/// The level's bulletins in every state, as a workbook (audited as `bulletin.export`).
pub async fn drafts_export(State(state): State<AppState>, user: CurrentUser) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.staff_bulletins(&ctx, r)).await;
    BULLETIN_EXPORT
        .answer(&state, &user, &NoFilter {}, rows)
        .await
}

const BULLETIN_EXPORT: ListExport<'static, BulletinView> = ListExport {
    action: "bulletin.export",
    target_type: "bulletin",
    sheet: "通报",
    file_name: "通报起草与签发.xlsx",
    columns: &[
        Column::new("编号", |b| Cell::Number(b.id as f64)),
        Column::wide("标题", 30.0, |b| Cell::Text(&b.title)),
        Column::new("级别", |b| Cell::Text(&b.scope_name)),
        Column::new("起草部门", |b| Cell::Text(&b.issuer_name)),
        Column::wide("通报期间", 24.0, |b| {
            Cell::Owned(format!("{} 至 {}", b.period_from, b.period_to))
        }),
        Column::new("件数", |b| Cell::Number(b.lines.len() as f64)),
        Column::wide("通报单位与问题", 60.0, |b| {
            Cell::Owned(
                b.lines
                    .iter()
                    .map(|l| format!("{}：{}（{}）", l.unit_name, l.violation, l.outcome))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        }),
        Column::new("起草人", |b| Cell::Text(&b.drafted_by)),
        Column::wide("起草时间", 20.0, |b| Cell::Owned(when(b.drafted_at))),
        Column::new("状态", |b| Cell::Text(b.status.label_zh())),
        Column::new("签发人", |b| {
            Cell::Text(b.signed_off_by.as_deref().unwrap_or(""))
        }),
        Column::wide("发布时间", 20.0, |b| {
            Cell::Owned(b.published_at.map(when).unwrap_or_default())
        }),
        Column::wide("编号（TB）", 18.0, |b| {
            Cell::Text(b.serial.as_deref().unwrap_or(""))
        }),
    ],
};

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
            staff_list(
                &state,
                &user,
                &ListQuery::default(),
                Shown::refused(&e, typed),
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
    mut shown: Shown<'_, String>,
) -> Response {
    let opinion = shown.entered_or_default();
    let Shown { error, status, .. } = shown;
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
    staff_page(&state, &user, id, Shown::fresh(None)).await
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
            staff_page(&state, &user, id, Shown::refused(&e, f.opinion)).await
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
            staff_page(&state, &user, id, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
