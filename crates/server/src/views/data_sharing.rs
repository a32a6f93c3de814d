//! Shared data pages (issue 13 §3, 4.8-3): `/data`, where a department picks a community of
//! its jurisdiction and data items and reads their current values with source and date, or is
//! told why not; `/data-requests`, the requests to read 有条件 items — the department files
//! one with its purpose, the owner approves once or refuses.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::data_dictionary::DataItemView;
use jianfu_domain::data_sharing::{DataRequestForm, DataRequestView, ReadHow, SharedDataView};
use jianfu_domain::page::Page;
use jianfu_domain::person_record::AccessChannel;
use jianfu_domain::tree::NodeView;
use jianfu_domain::{Action, ErrorKind};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{ListQuery, NoFilter};
use crate::views::{Chrome, FormError, Shown, form_status, is_form_error, list, render};

#[derive(Debug, Default, Deserialize)]
pub struct ReadQuery {
    #[serde(default)]
    pub community_id: String,
    /// Data item codes, comma-separated (links and older bookmarks); the page's checkboxes
    /// send one `item` per ticked item, gathered by [`ticked_items`].
    #[serde(default)]
    pub items: String,
    /// Why: required to read a person-level item without an approved request.
    #[serde(default)]
    pub purpose: String,
}

#[derive(askama::Template)]
#[template(path = "data_read.html")]
struct ReadPage {
    chrome: Chrome,
    communities: Vec<NodeView>,
    items: Vec<DataItemView>,
    q: ReadQuery,
    /// The item codes asked for, to tick their boxes again.
    ticked: Vec<String>,
    result: Option<SharedDataView>,
    error: FormError,
}

/// The item codes of a `/data` query: every `item=` (one per ticked checkbox) and the codes of
/// `items=` (comma-separated), in order, each once.
fn ticked_items(raw: Option<&str>, items: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let ticked = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "item")
        .map(|(_, v)| v.into_owned());
    let typed = items.split([',', '，', ' ']).map(str::to_owned);
    for code in ticked.chain(typed) {
        let code = code.trim();
        if !code.is_empty() && !out.iter().any(|c| c == code) {
            out.push(code.to_owned());
        }
    }
    out
}

/// 共享数据: pick a community and items, read their values (or the refusal with its clause).
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(raw): RawQuery,
    Query(q): Query<ReadQuery>,
) -> Response {
    let ctx = user.ctx();
    let ticked = ticked_items(raw.as_deref(), &q.items);
    let communities = match state.app.shared_data_communities(&ctx).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let items = match state.app.form_items(&ctx).await {
        Ok(i) => i,
        Err(e) => return PageError(e).into_response(),
    };
    let mut result = None;
    let mut error = FormError::default();
    let mut status = StatusCode::OK;
    if !q.community_id.trim().is_empty() || !ticked.is_empty() {
        match q.community_id.trim().parse::<i64>() {
            Ok(id) => {
                let codes = ticked.clone();
                let how = ReadHow {
                    purpose: &q.purpose,
                    channel: AccessChannel::PageRead,
                };
                match state.app.read_shared_data(&ctx, id, &codes, &how).await {
                    Ok(v) => result = Some(v),
                    Err(e)
                        if is_form_error(&e)
                            || e.kind == ErrorKind::Forbidden
                            || e.kind == ErrorKind::NotFound =>
                    {
                        status = form_status(&e);
                        error = FormError::from_domain(&e);
                    }
                    Err(e) => return PageError(e).into_response(),
                }
            }
            Err(_) => {
                status = StatusCode::UNPROCESSABLE_ENTITY;
                error = FormError::field("community_id", "请选择一个社区或村");
            }
        }
    }
    render(
        status,
        &ReadPage {
            chrome: Chrome::new("共享数据", Some(&user), "/data"),
            communities,
            items,
            q,
            ticked,
            result,
            error,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "data_requests.html")]
struct RequestsPage {
    chrome: Chrome,
    page: Page<DataRequestView>,
    pager: String,
    may_request: bool,
    communities: Vec<NodeView>,
    items: Vec<DataItemView>,
    form: DataRequestForm,
    error: FormError,
}

async fn requests_page(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery<NoFilter>,
    mut shown: Shown<'_, DataRequestForm>,
) -> Response {
    let ctx = user.ctx();
    let page = match state.app.list_data_requests(&ctx, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let may_request = user.principal.may(Action::ReadSharedData);
    let (communities, items) = if may_request {
        match (
            state.app.shared_data_communities(&ctx).await,
            state.app.conditional_items(&ctx).await,
        ) {
            (Ok(c), Ok(i)) => (c, i),
            (Err(e), _) | (_, Err(e)) => return PageError(e).into_response(),
        }
    } else {
        (Vec::new(), Vec::new())
    };
    let form = shown.entered_or_default();
    render(
        shown.status,
        &RequestsPage {
            chrome: Chrome::new("共享申请", Some(user), "/data-requests").with_done(shown.done),
            pager: list::pager_base("/data-requests", &NoFilter::default()),
            page,
            may_request,
            communities,
            items,
            form,
            error: shown.error,
        },
    )
}

/// 共享申请: the department's requests and those its unit decides.
pub async fn requests(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    let done = q.done.clone();
    requests_page(&state, &user, &q, Shown::fresh(done.as_deref())).await
}

/// Files a request to read a 有条件 item.
pub async fn create_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<DataRequestForm>,
) -> Response {
    match state.app.create_data_request(&user.ctx(), &f).await {
        Ok(_) => Redirect::to("/data-requests?done=data_request_created").into_response(),
        Err(e) if is_form_error(&e) || e.kind == ErrorKind::Forbidden => {
            requests_page(&state, &user, &ListQuery::default(), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub note: String,
}

async fn decide(
    state: AppState,
    user: CurrentUser,
    id: i64,
    approve: bool,
    note: &str,
) -> Response {
    match state
        .app
        .decide_data_request(&user.ctx(), id, approve, note)
        .await
    {
        Ok(_) => Redirect::to(if approve {
            "/data-requests?done=data_request_approved"
        } else {
            "/data-requests?done=data_request_refused"
        })
        .into_response(),
        Err(e) if is_form_error(&e) => {
            requests_page(
                &state,
                &user,
                &ListQuery::default(),
                Shown::refused(&e, None),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The owner approves a request.
pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    decide(state, user, id, true, &f.note).await
}

/// The owner refuses a request with a reason.
pub async fn refuse(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    decide(state, user, id, false, &f.note).await
}
