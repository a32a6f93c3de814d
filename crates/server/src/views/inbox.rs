//! The to-do inbox (待办): every module's items for the user, overdue first
//! (`jianfu_domain::inbox`), and the count badge the header loads.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use jianfu_domain::inbox::Inbox;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, ok};

#[derive(askama::Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    inbox: Inbox,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Response {
    match state.app.inbox(&user.ctx()).await {
        Ok(inbox) => ok(&InboxPage {
            chrome: Chrome::new("待办", Some(&user), "/inbox").with_done(q.done.as_deref()),
            inbox,
        }),
        Err(e) => PageError(e).into_response(),
    }
}

/// The header's count of things to do: a fragment that htmx puts beside the 待办 link after
/// the page has loaded (so that no page waits for every module's count). Empty when nothing
/// waits.
pub async fn badge(State(state): State<AppState>, user: CurrentUser) -> Response {
    match state.app.inbox(&user.ctx()).await {
        Ok(inbox) if inbox.to_do() > 0 => Html(format!(
            r#"<span class="count{}" aria-label="{} 件待办">{}</span>"#,
            if inbox.overdue() > 0 { " bad" } else { "" },
            inbox.to_do(),
            inbox.to_do()
        ))
        .into_response(),
        Ok(_) => Html(String::new()).into_response(),
        Err(e) => PageError(e).into_response(),
    }
}
