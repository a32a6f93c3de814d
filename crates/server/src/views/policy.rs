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

impl PolicyPage {
    /// A heading as readers see it: without the file's part number ("4. ") and without the
    /// English gloss the file adds for its editors ("题头 (preamble)").
    fn heading(&self, h: &str) -> String {
        zh_heading(h)
    }
}

fn zh_heading(h: &str) -> String {
    let h = h.trim();
    let h = match h.split_once(". ") {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit() || c == '.') => rest,
        Some(_) | None => match h.split_once(' ') {
            Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit() || c == '.') => rest,
            _ => h,
        },
    };
    match h.rfind(" (") {
        Some(i) if h.ends_with(')') && h[i..].is_ascii() => h[..i].to_owned(),
        _ => h.to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::zh_heading;

    #[test]
    fn headings_lose_the_part_numbers_and_the_english_glosses() {
        assert_eq!(zh_heading("0. 题头 (preamble)"), "题头");
        assert_eq!(zh_heading("1. 一、重要意义"), "一、重要意义");
        assert_eq!(
            zh_heading("6. 附件与落款 (attachments and signature)"),
            "附件与落款"
        );
        assert_eq!(
            zh_heading("4.2 (二)依法制定修订社区(村)工作事项。"),
            "(二)依法制定修订社区(村)工作事项。"
        );
        assert_eq!(zh_heading("3.1 ——坚持党的领导。"), "——坚持党的领导。");
        assert_eq!(zh_heading("社区(村)"), "社区(村)");
    }
}
