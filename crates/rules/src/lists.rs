//! Lists the policy leaves to decree, as dated data: values that may change (which work-item
//! categories exist, which are banned) live in `data/*.toml`, each entry with an effective date
//! and a legal reference, and are validated here once, not scattered as literals in rules.
//!
//! Today there is one list, the work-item categories of `data/work_item_categories.toml`
//! (工作事项类别, 4.2-2 and 4.2-6). The file is embedded at build time; [`Lists::official`]
//! parses it once, and [`Lists::parse`] checks any other text the same way (tests, a future
//! reload). A category is in force from `effective_from` (inclusive) until `effective_to`
//! (exclusive: the first day it no longer applies), so a category is retired by giving it an
//! `effective_to`, never by deleting it, and decisions made before that day stay explainable.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::{ClauseId, Date};

/// The official work-item category list, embedded at build time.
const WORK_ITEM_CATEGORIES: &str = include_str!("../../../data/work_item_categories.toml");

/// The dated lists the rules read. Build with [`Lists::official`] or [`Lists::parse`]; every
/// `Lists` value has passed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lists {
    categories: Vec<Category>,
    responsible_markers: Vec<String>,
}

/// One work-item category (工作事项类别) the demand form offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Stable snake_case key, e.g. `investment_attraction`; unique in the list.
    pub key: String,
    /// Chinese name shown to users, e.g. 招商引资.
    pub name: String,
    /// Whether the category is ordinary or one of the two banned kinds of 4.2-6.
    pub kind: CategoryKind,
    /// First day the category is in force.
    pub effective_from: Date,
    /// First day the category is no longer in force; `None` while it still is.
    pub effective_to: Option<Date>,
    /// The document that puts the category in force, e.g. `鞍民发〔2021〕18号 四(二)`.
    pub reference: String,
    /// Wordings that name the banned matter in a work item's title or description (e.g.
    /// 招商引资, 违法建筑), so that 4.2-6 holds whatever category the drafter picks. Only the
    /// banned kinds have them; they are in force with their category.
    pub wordings: Vec<String>,
}

/// What 4.2-6 says about a category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// Not named by 4.2-6: may be admitted under 4.2-3 … 4.2-5.
    Ordinary,
    /// A task indicator (任务指标) such as 招商引资: banned whatever the community's role.
    TaskIndicator,
    /// A matter (执法、拆迁拆违…) banned when the community would be its responsible subject
    /// (责任主体); the community may still assist.
    ResponsibleSubject,
}

impl CategoryKind {
    /// True for the kinds 4.2-6 bans; the data must cite that clause for them.
    #[must_use]
    pub const fn is_banned(self) -> bool {
        !matches!(self, CategoryKind::Ordinary)
    }

    fn from_data(kind: &str) -> Option<Self> {
        match kind {
            "ordinary" => Some(CategoryKind::Ordinary),
            "task_indicator" => Some(CategoryKind::TaskIndicator),
            "responsible_subject" => Some(CategoryKind::ResponsibleSubject),
            _ => None,
        }
    }
}

impl Category {
    /// True when the category is in force on `on`: `effective_from <= on < effective_to`.
    #[must_use]
    pub fn in_force_on(&self, on: Date) -> bool {
        self.effective_from <= on && self.effective_to.is_none_or(|to| on < to)
    }
}

/// Why a list file was not accepted. `key` names the offending category (empty if it has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListError {
    /// Not TOML, or not the shape of a list file (missing or unknown fields, wrong types).
    Syntax(String),
    /// A key that is empty or not snake_case ASCII (`a-z`, `0-9`, `_`).
    BadKey { key: String },
    /// A key used by two categories.
    DuplicateKey { key: String },
    /// A required text field that is blank.
    EmptyField { key: String, field: &'static str },
    /// A `kind` other than `ordinary`, `task_indicator`, `responsible_subject`.
    UnknownKind { key: String, kind: String },
    /// A date that is not a real `YYYY-MM-DD` day.
    BadDate {
        key: String,
        field: &'static str,
        value: String,
    },
    /// An `effective_to` not after `effective_from`.
    EndNotAfterStart { key: String },
    /// A banned kind without `clause = "4.2-6"`.
    BannedWithoutClause { key: String },
    /// A `clause` that is not `4.2-6` on a banned kind, or any `clause` on an ordinary one.
    WrongClause { key: String, clause: String },
    /// `wordings` on an ordinary category (only what 4.2-6 bans is searched for in texts).
    WordingsOnOrdinary { key: String },
    /// A blank wording, or a blank responsible-subject marker (`key` is empty for a marker).
    EmptyWording { key: String },
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListError::Syntax(message) => write!(f, "work-item categories: {message}"),
            ListError::BadKey { key } => {
                write!(f, "category key {key:?} must be non-empty snake_case ASCII")
            }
            ListError::DuplicateKey { key } => write!(f, "category key {key:?} appears twice"),
            ListError::EmptyField { key, field } => {
                write!(f, "category {key:?}: `{field}` is empty")
            }
            ListError::UnknownKind { key, kind } => write!(
                f,
                "category {key:?}: kind {kind:?} is not ordinary, task_indicator or responsible_subject"
            ),
            ListError::BadDate { key, field, value } => write!(
                f,
                "category {key:?}: `{field}` {value:?} is not a YYYY-MM-DD date"
            ),
            ListError::EndNotAfterStart { key } => write!(
                f,
                "category {key:?}: `effective_to` must be after `effective_from`"
            ),
            ListError::BannedWithoutClause { key } => write!(
                f,
                "category {key:?}: a banned kind must cite the clause that bans it (\"4.2-6\")"
            ),
            ListError::WrongClause { key, clause } => write!(
                f,
                "category {key:?}: clause {clause:?} is wrong; only banned kinds cite a clause, and it is \"4.2-6\""
            ),
            ListError::WordingsOnOrdinary { key } => {
                write!(f, "category {key:?}: only banned kinds have `wordings`")
            }
            ListError::EmptyWording { key } if key.is_empty() => {
                write!(f, "`responsible_markers` has a blank entry")
            }
            ListError::EmptyWording { key } => {
                write!(f, "category {key:?}: `wordings` has a blank entry")
            }
        }
    }
}

impl std::error::Error for ListError {}

/// The file as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    responsible_markers: Vec<String>,
    #[serde(default)]
    category: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    key: String,
    name: String,
    kind: String,
    effective_from: String,
    effective_to: Option<String>,
    reference: String,
    clause: Option<String>,
    #[serde(default)]
    wordings: Vec<String>,
}

static OFFICIAL: OnceLock<Result<Lists, ListError>> = OnceLock::new();

impl Lists {
    /// The official lists of `data/`, embedded at build time and parsed once.
    ///
    /// # Errors
    /// The validation error, if the embedded data is invalid (a test guarantees it is not).
    pub fn official() -> Result<&'static Lists, &'static ListError> {
        OFFICIAL
            .get_or_init(|| Lists::parse(WORK_ITEM_CATEGORIES))
            .as_ref()
    }

    /// Parses and validates a work-item category file (the format of
    /// `data/work_item_categories.toml`: an array of `[[category]]` tables).
    ///
    /// # Errors
    /// The first [`ListError`] found, in file order.
    pub fn parse(text: &str) -> Result<Lists, ListError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| ListError::Syntax(e.to_string()))?;
        let mut seen = HashSet::new();
        let mut categories = Vec::with_capacity(raw.category.len());
        for c in raw.category {
            let category = validate(c)?;
            if !seen.insert(category.key.clone()) {
                return Err(ListError::DuplicateKey { key: category.key });
            }
            categories.push(category);
        }
        if raw.responsible_markers.iter().any(|m| m.trim().is_empty()) {
            return Err(ListError::EmptyWording { key: String::new() });
        }
        Ok(Lists {
            categories,
            responsible_markers: raw.responsible_markers,
        })
    }

    /// Phrases that make the community the responsible subject of what a text describes (e.g.
    /// 社区负责), whatever role the drafter picked: a responsible-subject wording next to one of
    /// these is read as the community being responsible (4.2-6).
    #[must_use]
    pub fn responsible_markers(&self) -> &[String] {
        &self.responsible_markers
    }

    /// Every category, in force or not, in file order.
    #[must_use]
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The categories in force on `on`, in file order: what the demand form offers that day.
    pub fn categories_on(&self, on: Date) -> impl Iterator<Item = &Category> + '_ {
        self.categories.iter().filter(move |c| c.in_force_on(on))
    }

    /// The category `key`, if it exists and is in force on `on`.
    #[must_use]
    pub fn category(&self, key: &str, on: Date) -> Option<&Category> {
        self.categories
            .iter()
            .find(|c| c.key == key)
            .filter(|c| c.in_force_on(on))
    }
}

fn validate(c: RawCategory) -> Result<Category, ListError> {
    let key = c.key;
    let snake = |k: &str| {
        !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if !snake(&key) {
        return Err(ListError::BadKey { key });
    }
    for (field, value) in [("name", &c.name), ("reference", &c.reference)] {
        if value.trim().is_empty() {
            return Err(ListError::EmptyField { key, field });
        }
    }
    let Some(kind) = CategoryKind::from_data(&c.kind) else {
        return Err(ListError::UnknownKind { key, kind: c.kind });
    };
    let date = |field: &'static str, value: &str| {
        Date::parse(value).ok_or_else(|| ListError::BadDate {
            key: key.clone(),
            field,
            value: value.to_owned(),
        })
    };
    let effective_from = date("effective_from", &c.effective_from)?;
    let effective_to = c
        .effective_to
        .as_deref()
        .map(|to| date("effective_to", to))
        .transpose()?;
    if effective_to.is_some_and(|to| to <= effective_from) {
        return Err(ListError::EndNotAfterStart { key });
    }
    let banning = crate::clause!("4.2-6");
    match (kind.is_banned(), c.clause) {
        (true, None) => return Err(ListError::BannedWithoutClause { key }),
        (true, Some(clause)) if ClauseId::lookup(&clause) != Some(banning) => {
            return Err(ListError::WrongClause { key, clause });
        }
        (false, Some(clause)) => return Err(ListError::WrongClause { key, clause }),
        _ => {}
    }
    if !kind.is_banned() && !c.wordings.is_empty() {
        return Err(ListError::WordingsOnOrdinary { key });
    }
    if c.wordings.iter().any(|w| w.trim().is_empty()) {
        return Err(ListError::EmptyWording { key });
    }
    Ok(Category {
        key,
        name: c.name,
        kind,
        effective_from,
        effective_to,
        reference: c.reference,
        wordings: c.wordings,
    })
}
