//! The to-do inbox (待办): what a user can act on now, gathered from every module through one
//! interface. A module contributes its items by implementing [`TodoProvider`] and listing its
//! provider in [`PROVIDERS`]; the provider decides who sees an item with the same scoping as the
//! module's lists (`authz::visible`, or the module's own visibility value), so an item never links
//! to a page its reader may not open.

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::{App, Ctx};

/// At most this many items from one provider (the inbox is a worklist, not an archive; the
/// module's own list has the rest).
pub const PER_PROVIDER: u64 = 100;

/// One thing to do, or (for residents) one piece of news about their own request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TodoItem {
    /// The module it comes from: 事项, 证明, 挂牌, 问题线索 …
    pub area_zh: &'static str,
    /// What is to be done: 待审批, 待备案, 待办理, 待清理 … (or, for a notice, what happened).
    pub kind_zh: &'static str,
    pub title: String,
    /// Who and when, in one line.
    pub detail: String,
    /// The day by which it must be done, where the policy sets one.
    pub due: Option<NaiveDate>,
    /// The due day has passed.
    pub overdue: bool,
    /// The page that acts on it.
    pub href: String,
    /// A notice of something that happened, with nothing left to do.
    pub notice: bool,
}

impl TodoItem {
    /// Something to do, with no due day yet.
    pub fn new(
        area_zh: &'static str,
        kind_zh: &'static str,
        title: String,
        detail: String,
        href: String,
    ) -> Self {
        Self {
            area_zh,
            kind_zh,
            title,
            detail,
            due: None,
            overdue: false,
            href,
            notice: false,
        }
    }

    /// News with nothing to do (not counted on the badge).
    pub fn notice(mut self) -> Self {
        self.notice = true;
        self
    }

    /// An item due on `due` (overdue when that day is before `today`).
    pub fn due_on(mut self, due: Option<NaiveDate>, today: NaiveDate) -> Self {
        self.overdue = due.is_some_and(|d| d < today);
        self.due = due;
        self
    }
}

/// A boxed future of a provider's items (providers are trait objects in [`PROVIDERS`]).
pub type TodoFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<TodoItem>>> + Send + 'a>>;

/// A module's contribution to the inbox.
pub trait TodoProvider: Sync {
    /// The items `ctx`'s user may act on (at most [`PER_PROVIDER`]), empty when none or when
    /// the user's roles have nothing to do in this module.
    fn items<'a>(&'a self, app: &'a App, ctx: &'a Ctx, today: NaiveDate) -> TodoFuture<'a>;
}

/// Every module's provider, in the order their items appear among equals.
pub const PROVIDERS: &[&dyn TodoProvider] = &[
    &crate::demand::DemandTodos,
    &crate::demand::CaseTodos,
    &crate::rectification::NoticeTodos,
    &crate::escalation::EscalationTodos,
    &crate::bulletin::BulletinTodos,
    &crate::certificate::CertificateTodos,
    &crate::plaque::PlaqueTodos,
    &crate::comprehensive::ComprehensiveTodos,
    &crate::form_draft::FormDraftTodos,
    &crate::monitoring::MonitoringTodos,
    &crate::department_rating::RatingTodos,
    &crate::form_return::FormReturnTodos,
];

/// The user's inbox: overdue items first, then by due day (items without one after), notices
/// last.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Inbox {
    pub items: Vec<TodoItem>,
}

impl Inbox {
    /// Things to do (not counting notices): the number on the badge.
    pub fn to_do(&self) -> usize {
        self.items.iter().filter(|i| !i.notice).count()
    }

    pub fn overdue(&self) -> usize {
        self.items.iter().filter(|i| i.overdue).count()
    }

    fn sort(&mut self) {
        self.items
            .sort_by_key(|i| (i.notice, !i.overdue, i.due.is_none(), i.due));
    }
}

impl App {
    /// What the caller can act on now, from every module.
    pub async fn inbox(&self, ctx: &Ctx) -> Result<Inbox> {
        let today = self.today();
        let mut inbox = Inbox::default();
        if ctx.principal.blocked().is_some() {
            return Ok(inbox);
        }
        for p in PROVIDERS {
            inbox.items.extend(p.items(self, ctx, today).await?);
        }
        inbox.sort();
        Ok(inbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(due: Option<&str>, notice: bool, today: NaiveDate) -> TodoItem {
        TodoItem {
            area_zh: "事项",
            kind_zh: "待审批",
            title: format!("{due:?} {notice}"),
            detail: String::new(),
            due: None,
            overdue: false,
            href: "/".into(),
            notice,
        }
        .due_on(due.map(|d| d.parse().unwrap()), today)
    }

    #[test]
    fn overdue_first_then_by_due_day_then_undated_then_notices() {
        let today: NaiveDate = "2026-12-06".parse().unwrap();
        let mut inbox = Inbox {
            items: vec![
                item(None, true, today),
                item(None, false, today),
                item(Some("2026-12-20"), false, today),
                item(Some("2026-12-06"), false, today),
                item(Some("2026-12-01"), false, today),
                item(Some("2026-11-01"), false, today),
            ],
        };
        inbox.sort();
        let order: Vec<(Option<String>, bool, bool)> = inbox
            .items
            .iter()
            .map(|i| (i.due.map(|d| d.to_string()), i.overdue, i.notice))
            .collect();
        assert_eq!(
            order,
            vec![
                (Some("2026-11-01".into()), true, false),
                (Some("2026-12-01".into()), true, false),
                (Some("2026-12-06".into()), false, false),
                (Some("2026-12-20".into()), false, false),
                (None, false, false),
                (None, false, true),
            ]
        );
        assert_eq!(inbox.to_do(), 5);
        assert_eq!(inbox.overdue(), 2);
    }
}
