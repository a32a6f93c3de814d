//! The policy text with one anchor per clause (`/policy#4.2-4`), the target of every clause
//! link in the product.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianfu_rules::Policy;

use crate::access::MaybeUser;
use crate::views::{Chrome, render};

#[derive(askama::Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    policy: &'static Policy,
}

pub async fn page(MaybeUser(user): MaybeUser) -> Response {
    match Policy::official() {
        Ok(policy) => render(
            StatusCode::OK,
            &PolicyPage {
                chrome: Chrome::new("政策原文", user.as_ref(), "/policy"),
                policy,
            },
        ),
        Err(e) => {
            tracing::error!(error = %e, "policy text does not parse");
            crate::error::PageError(jianfu_domain::DomainError::internal()).into_response()
        }
    }
}
