//! Monitoring points (减负监测点, 4.1-8): communities the district designates to say, every
//! month, whether what was cleared has come back.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`CheckItem::finding`] | what a "yes" to one question of the monthly checklist found | 4.5-10, 4.4-5, 4.3-2, 4.7-3 |
//! | [`answerable`] | whether a month may be answered today | 4.1-8 |
//! | [`missed`] | whether a month's answer is missing (its month is over) | 4.1-8 |
//!
//! The policy names no checklist and no rhythm: the four questions (the cleared certificates,
//! plaques, evaluations and forms, and seconded workers of parts 4.3–4.7) and "once a month,
//! by the month's last day" are the product's reading of 4.1-8's 监督管理, 发现问题及时纠正.

use crate::clause;
use crate::clause::ClauseId;
use crate::date::Date;
use crate::decision::Reason;

/// One question of the monthly checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckItem {
    /// Certificates no longer issued (不再出具的证明) are being demanded again.
    Certificates,
    /// Removed plaques (已取消的牌子) are back.
    Plaques,
    /// Cancelled evaluations (已取消的考核评比) or report forms are back.
    EvaluationsOrForms,
    /// Community workers are seconded (借调占用) to departments.
    Seconded,
}

impl CheckItem {
    pub const ALL: [CheckItem; 4] = [
        CheckItem::Certificates,
        CheckItem::Plaques,
        CheckItem::EvaluationsOrForms,
        CheckItem::Seconded,
    ];

    /// The stable code (API field, stored text).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            CheckItem::Certificates => "certificates",
            CheckItem::Plaques => "plaques",
            CheckItem::EvaluationsOrForms => "evaluations_or_forms",
            CheckItem::Seconded => "seconded",
        }
    }

    /// The item named by `code`.
    #[must_use]
    pub fn parse(code: &str) -> Option<CheckItem> {
        CheckItem::ALL.into_iter().find(|i| i.code() == code)
    }

    /// The question as the point reads it.
    #[must_use]
    pub const fn question_zh(self) -> &'static str {
        match self {
            CheckItem::Certificates => "本月是否有单位再次要求社区出具已取消（不再出具）的证明？",
            CheckItem::Plaques => "本月是否有已清理的牌子重新挂回？",
            CheckItem::EvaluationsOrForms => "本月是否有已取消的考核评比、示范创建或报表重新下派？",
            CheckItem::Seconded => "本月是否有社区工作者被部门借调、占用？",
        }
    }

    /// The clause the item's subject was cleared under.
    #[must_use]
    pub fn clause(self) -> ClauseId {
        match self {
            CheckItem::Certificates => clause!("4.5-10"),
            CheckItem::Plaques => clause!("4.4-5"),
            CheckItem::EvaluationsOrForms => clause!("4.3-2"),
            CheckItem::Seconded => clause!("4.7-3"),
        }
    }

    /// **4.1-8** 发现问题及时纠正: a "yes" is a relapse, found under the clause that cleared it.
    #[must_use]
    pub fn finding(self) -> Reason {
        Reason::new(
            self.clause(),
            match self {
                CheckItem::Certificates => "relapse_certificates",
                CheckItem::Plaques => "relapse_plaques",
                CheckItem::EvaluationsOrForms => "relapse_evaluations_or_forms",
                CheckItem::Seconded => "relapse_seconded",
            },
            match self {
                CheckItem::Certificates => "监测点反映：已取消的证明事项又被要求出具",
                CheckItem::Plaques => "监测点反映：已清理的牌子重新挂回",
                CheckItem::EvaluationsOrForms => "监测点反映：已取消的考核评比或报表重新下派",
                CheckItem::Seconded => "监测点反映：社区工作者被借调占用",
            },
        )
    }
}

/// A calendar month, `YYYY-MM`, held as its first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    first: Date,
}

impl Month {
    /// The month `YYYY-MM` (years 2000–2999), or `None`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let first = Date::new(year, m.parse().ok()?, 1)?;
        (2000..=2999).contains(&year).then_some(Month { first })
    }

    /// The month `day` falls in.
    #[must_use]
    pub fn of(day: Date) -> Month {
        let mut first = day;
        while let Some(p) = first.previous_day()
            && p.month() == day.month()
        {
            first = p;
        }
        Month { first }
    }

    /// Its first day.
    #[must_use]
    pub const fn first_day(self) -> Date {
        self.first
    }

    /// Its last day: the day the answer is due.
    #[must_use]
    pub fn last_day(self) -> Date {
        let mut last = self.first;
        while let Some(n) = last.next_day()
            && n.month() == self.first.month()
        {
            last = n;
        }
        last
    }

    /// The month after this one.
    #[must_use]
    pub fn next(self) -> Month {
        let last = self.last_day();
        Month {
            first: last.next_day().unwrap_or(last),
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.first.year(), self.first.month())
    }
}

/// Why a month may not be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthRefusal {
    /// The month has not begun: a point reports what happened, not what may.
    InFuture,
    /// The month ended before the community was designated.
    BeforeDesignation,
}

/// **4.1-8** 监督管理: a point answers a month from the month's first day on (late answers
/// too), never a month still to come, and never a month that ended before it was designated
/// on `designated_on`. Returns the clause applied.
///
/// # Errors
/// [`MonthRefusal::InFuture`], [`MonthRefusal::BeforeDesignation`].
pub fn answerable(
    month: Month,
    designated_on: Date,
    today: Date,
) -> Result<ClauseId, MonthRefusal> {
    if month > Month::of(today) {
        Err(MonthRefusal::InFuture)
    } else if month < Month::of(designated_on) {
        Err(MonthRefusal::BeforeDesignation)
    } else {
        Ok(clause!("4.1-8"))
    }
}

/// **4.1-8** 发现问题及时纠正: the answer of `month` is missing once the month is over (today is
/// after its last day) and it was a month of the designation (from `designated_on`'s month to
/// the month of `ended_on`, if the designation ended). The finding opens a case.
#[must_use]
pub fn missed(
    month: Month,
    designated_on: Date,
    ended_on: Option<Date>,
    today: Date,
) -> Option<Reason> {
    let over = today > month.last_day();
    let designated =
        month >= Month::of(designated_on) && ended_on.is_none_or(|e| month <= Month::of(e));
    (over && designated).then(|| {
        Reason::new(
            clause!("4.1-8"),
            "monitoring_answer_missing",
            format!(
                "监测点未按期报送 {month} 月度监测情况（应于 {} 前报送）",
                month.last_day()
            ),
        )
    })
}
