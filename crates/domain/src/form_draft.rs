//! Unfinished forms (暂存, issue 16 item 4): a user may save a form that does not pass its
//! checks yet and come back to it later; the checks run when it is saved as a real draft or
//! submitted. A stashed form is its owner's alone (another account's id answers 404), counts as
//! a to-do in the owner's inbox until it is completed or discarded, and every save and discard
//! is audited. Forms that hold personal data (the certificate application) are not stashed.
//!
//! A module offers stashing for one of its forms by adding a [`FormKind`]: the action that
//! may fill the form, its Chinese name and the page that reopens it.

use chrono::NaiveDate;
use jianfu_store::repo::form_drafts;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::authz::Action;
use crate::error::{DomainError, Result};
use crate::inbox::{PER_PROVIDER, TodoFuture, TodoItem, TodoProvider};
use crate::{App, Ctx, text};

/// At most this many unfinished forms per account.
pub const MAX_PER_ACCOUNT: usize = 50;
/// A stashed form's serialised size limit (the largest legitimate demand form is a few KB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// How much of the title the owner's lists show.
const TITLE_CHARS: usize = 200;

/// The forms that can be stashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// The work-item draft form (`/demands/new`).
    Demand,
}

impl FormKind {
    pub const ALL: [FormKind; 1] = [FormKind::Demand];

    /// The text stored in `form_draft.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Demand => "demand",
        }
    }

    pub fn stored(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The inbox's area for it.
    pub fn area_zh(self) -> &'static str {
        match self {
            FormKind::Demand => "事项",
        }
    }

    /// Who may fill the form in.
    pub fn action(self) -> Action {
        match self {
            FormKind::Demand => Action::DraftDemand,
        }
    }

    fn refusal(self) -> &'static str {
        match self {
            FormKind::Demand => "您的角色不能起草工作事项",
        }
    }

    /// The page that reopens stashed form `id`.
    pub fn href(self, id: i64) -> String {
        match self {
            FormKind::Demand => format!("/demands/drafts/{id}"),
        }
    }
}

/// A stashed form as its owner reopens it.
#[derive(Clone, Debug)]
pub struct FormDraft<T> {
    pub id: i64,
    pub kind: FormKind,
    pub title: String,
    pub form: T,
    pub updated_at: i64,
}

fn not_found() -> DomainError {
    DomainError::not_found("这份暂存的草稿（可能已提交或已放弃）")
}

impl App {
    /// Stashes `form` of `kind` for the caller — a new one, or over their stashed form `id` —
    /// without checking it; its id. `title` is what the owner's inbox shows.
    pub async fn save_form_draft<T: Serialize>(
        &self,
        ctx: &Ctx,
        kind: FormKind,
        id: Option<i64>,
        title: &str,
        form: &T,
    ) -> Result<i64> {
        self.visible_or_deny(ctx, kind.action(), kind.refusal())
            .await?;
        let body = serde_json::to_string(form).map_err(|_| DomainError::internal())?;
        if body.len() > MAX_BODY_BYTES {
            return Err(DomainError::invalid(
                "form_draft_too_large",
                "表单内容过长，无法暂存（上限 64 KB），请精简事项内容",
            ));
        }
        let title: String = text::visible(title).chars().take(TITLE_CHARS).collect();
        let owner = ctx.principal.account_id;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let id = match id {
            Some(id) => {
                if !form_drafts::update(tx.conn(), owner, id, kind.as_str(), &title, &body, now)
                    .await?
                {
                    return Err(not_found());
                }
                id
            }
            None => {
                if form_drafts::of_owner(tx.conn(), owner, MAX_PER_ACCOUNT as u64)
                    .await?
                    .len()
                    >= MAX_PER_ACCOUNT
                {
                    return Err(DomainError::conflict(
                        "form_drafts_full",
                        "暂存的草稿已有 50 份，请先补全提交或放弃其中一些",
                    ));
                }
                form_drafts::insert(tx.conn(), owner, kind.as_str(), &title, &body, now).await?
            }
        };
        tx.audit(ctx.entry(
            "form_draft.save",
            "form_draft",
            Some(id.to_string()),
            serde_json::json!({ "kind": kind.as_str(), "title": title }),
        ))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The caller's stashed form `id` of `kind`.
    pub async fn form_draft<T: DeserializeOwned>(
        &self,
        ctx: &Ctx,
        kind: FormKind,
        id: i64,
    ) -> Result<FormDraft<T>> {
        self.visible_or_deny(ctx, kind.action(), kind.refusal())
            .await?;
        let row = form_drafts::get(self.store.db(), ctx.principal.account_id, id)
            .await?
            .filter(|r| r.kind == kind.as_str())
            .ok_or_else(not_found)?;
        let form = serde_json::from_str(&row.body).map_err(|_| DomainError::internal())?;
        Ok(FormDraft {
            id: row.id,
            kind,
            title: row.title,
            form,
            updated_at: row.updated_at,
        })
    }

    /// Deletes the caller's stashed form `id`: discarded by its owner, or `completed_as` the
    /// record it became (a saved draft, a submitted demand).
    pub async fn discard_form_draft(
        &self,
        ctx: &Ctx,
        kind: FormKind,
        id: i64,
        completed_as: Option<i64>,
    ) -> Result<()> {
        self.visible_or_deny(ctx, kind.action(), kind.refusal())
            .await?;
        let owner = ctx.principal.account_id;
        let mut tx = self.store.begin_write().await?;
        let found = form_drafts::get(tx.conn(), owner, id)
            .await?
            .filter(|r| r.kind == kind.as_str())
            .ok_or_else(not_found)?;
        form_drafts::delete(tx.conn(), owner, id).await?;
        tx.audit(ctx.entry(
            "form_draft.discard",
            "form_draft",
            Some(id.to_string()),
            serde_json::json!({
                "kind": kind.as_str(),
                "title": found.title,
                "completed_as": completed_as,
            }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn form_draft_todos(&self, ctx: &Ctx) -> Result<Vec<TodoItem>> {
        let rows =
            form_drafts::of_owner(self.store.db(), ctx.principal.account_id, PER_PROVIDER).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let kind = FormKind::stored(&r.kind)?;
                // A role taken away since: the page would refuse, so the inbox does not offer it.
                if crate::authz::visible(&ctx.principal, kind.action()).is_empty() {
                    return None;
                }
                let title = if r.title.is_empty() {
                    "（未填写名称）".to_owned()
                } else {
                    r.title
                };
                Some(TodoItem::new(
                    kind.area_zh(),
                    "未完成草稿",
                    title,
                    format!(
                        "暂存于 {}，补全后保存或提交",
                        crate::clock::fmt_ms(r.updated_at)
                    ),
                    kind.href(r.id),
                ))
            })
            .collect())
    }
}

/// The caller's unfinished forms, as to-dos.
pub(crate) struct FormDraftTodos;

impl TodoProvider for FormDraftTodos {
    fn items<'a>(&'a self, app: &'a App, ctx: &'a Ctx, _today: NaiveDate) -> TodoFuture<'a> {
        Box::pin(app.form_draft_todos(ctx))
    }
}
