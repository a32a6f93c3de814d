//! 签章人证书 (issue 18): the seal authority's certificates — the root, the seal maker and the
//! signers the reader manages — with their state, the standard Excel export, and the form that
//! revokes a signer's certificate (the signer left the seal) with a reason.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::certificate::{PkiCertState, PkiCertificateView};
use jianfu_domain::page::{Page, every_row};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Query};
use crate::state::AppState;
use crate::views::list::{Cell, Column, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, FormError, Shown, is_form_error, list, render};

const PATH: &str = "/pki/certificates";

#[derive(askama::Template)]
#[template(path = "pki_certificates.html")]
struct ListPage {
    chrome: Chrome,
    page: Page<PkiCertificateView>,
    pager: String,
    export: String,
    /// The signers' certificates that may still be revoked: (id, "subject · serial").
    revocable: Vec<(i64, String)>,
    typed: RevokePageForm,
    error: FormError,
}

impl ListPage {
    fn picked(&self, id: &i64) -> bool {
        self.typed.certificate_id.trim() == id.to_string()
    }
    /// The form shows when there is something to revoke, or to explain what went wrong.
    fn shows_form(&self) -> bool {
        !self.revocable.is_empty() || !self.error.all().is_empty()
    }
    fn revoked(&self, c: &PkiCertificateView) -> bool {
        c.state == PkiCertState::Revoked
    }
}

/// The revoke form as the page sends it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RevokePageForm {
    certificate_id: String,
    reason: String,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery<NoFilter>,
    mut shown: Shown<'_, RevokePageForm>,
) -> Response {
    let ctx = user.ctx();
    let page = match state.app.list_pki_certificates(&ctx, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let revocable = match state.app.list_signer_certificates(&ctx).await {
        Ok(all) => all
            .into_iter()
            .filter(|c| c.revoked_at.is_none())
            .map(|c| (c.id, format!("{} · {}", c.subject, c.serial)))
            .collect(),
        Err(e) => return PageError(e).into_response(),
    };
    let typed = shown.entered_or_default();
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    render(
        status,
        &ListPage {
            chrome: Chrome::new("签章人证书", Some(user), "/seals").with_done(done),
            pager: list::pager_base(PATH, &NoFilter {}),
            export: list::export_href("/pki/certificates/export.xlsx", &NoFilter {}),
            page,
            revocable,
            typed,
            error,
        },
    )
}

/// 签章人证书: the PKI's certificates the reader sees, and the revoke form.
pub async fn certificates(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    list_page(&state, &user, &q, Shown::fresh(q.done.as_deref())).await
}

/// Revokes the chosen signer's certificate with the reason given.
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<RevokePageForm>,
) -> Response {
    let Ok(id) = f.certificate_id.trim().parse::<i64>() else {
        return list_page(
            &state,
            &user,
            &ListQuery::default(),
            Shown::invalid(FormError::field(
                "certificate_id",
                "请选择要撤销的签章人证书",
            ))
            .with(f),
        )
        .await;
    };
    match state
        .app
        .revoke_signer_certificate(&user.ctx(), id, &f.reason)
        .await
    {
        Ok(_) => Redirect::to(&format!("{PATH}?done=signer_certificate_revoked")).into_response(),
        Err(e) if is_form_error(&e) => {
            list_page(&state, &user, &ListQuery::default(), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The reader's certificates as a workbook (audited as `pki.export`).
pub async fn export(State(state): State<AppState>, user: CurrentUser) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_pki_certificates(&ctx, r)).await;
    CERTIFICATE_EXPORT
        .answer(&state, &user, &NoFilter {}, rows)
        .await
}

const CERTIFICATE_EXPORT: ListExport<'static, PkiCertificateView> = ListExport {
    action: "pki.export",
    target_type: "pki_certificate",
    sheet: "签章人证书",
    file_name: "签章人证书.xlsx",
    columns: &[
        Column::new("编号", |c| Cell::Number(c.id as f64)),
        Column::new("类别", |c| Cell::Text(c.role_zh)),
        Column::wide("主体", 36.0, |c| Cell::Text(&c.subject)),
        Column::wide("序列号", 36.0, |c| Cell::Text(&c.serial)),
        Column::new("生效时间", |c| Cell::Text(&c.not_before)),
        Column::new("失效时间", |c| Cell::Text(&c.not_after)),
        Column::new("状态", |c| Cell::Text(c.state.label_zh())),
        Column::new("撤销时间", |c| {
            Cell::Text(c.revoked_at.as_deref().unwrap_or(""))
        }),
        Column::wide("撤销理由", 30.0, |c| {
            Cell::Text(c.revoke_reason.as_deref().unwrap_or(""))
        }),
    ],
};
