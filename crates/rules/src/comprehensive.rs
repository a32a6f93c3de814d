//! The district's comprehensive evaluation of communities and villages (社区(村)工作综合考评,
//! 4.3-4): one per district and year, self-nomination (自荐申报) as its main form and resident
//! satisfaction (居民群众满意度) as its main criterion.
//!
//! - [`check_design`]: the indicator groups of a design — resident satisfaction must be one of
//!   them and weigh more than any other group ("以居民群众满意度为主要标准").
//! - [`Rating`] and [`satisfaction`]: residents rate on a five-level scale; a community's
//!   satisfaction counts only from a minimum number of responses.
//! - [`total`] and [`rank`]: a community's score from its group scores, in hundredths of a
//!   point (whole numbers, so the same inputs give the same score on every machine), and the
//!   ranking with ties sharing a rank.

use serde::{Deserialize, Serialize};

use crate::{Decision, Outcome, Reason, clause};

/// One group of indicators in a design, with its weight in percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Group<'a> {
    pub name: &'a str,
    /// Percent of the total, 0–100.
    pub weight: u32,
    /// The resident-satisfaction group.
    pub satisfaction: bool,
}

/// **4.3-4** 由各区(市、县)建立健全以自荐申报为主要形式,以居民群众满意度为主要标准的社区(村)工作综合考评机制,将社区(村)各项工作任务纳入和谐社区建设工作范畴。
///
/// Cites 4.3-4. Rejected when no group is the resident-satisfaction group
/// (`satisfaction_missing`), when more than one is (`satisfaction_twice`), or when another
/// group weighs as much as it or more (`satisfaction_not_largest`, naming that group).
#[must_use]
pub fn check_design(groups: &[Group<'_>]) -> Decision {
    let c = clause!("4.3-4");
    let mut d = Decision::allow();
    d.cite(c);
    let satisfaction: Vec<&Group<'_>> = groups.iter().filter(|g| g.satisfaction).collect();
    let s = match satisfaction.as_slice() {
        [] => {
            d.push(
                Reason::new(
                    c,
                    "satisfaction_missing",
                    "综合考评须以居民群众满意度为主要标准：请设居民满意度指标组",
                ),
                Outcome::Reject,
            );
            return d;
        }
        [s] => *s,
        _ => {
            d.push(
                Reason::new(
                    c,
                    "satisfaction_twice",
                    "居民满意度只设一个指标组，便于比较其权重",
                ),
                Outcome::Reject,
            );
            return d;
        }
    };
    if let Some(other) = groups
        .iter()
        .find(|g| !g.satisfaction && g.weight >= s.weight)
    {
        d.push(
            Reason::new(
                c,
                "satisfaction_not_largest",
                format!(
                    "综合考评以居民群众满意度为主要标准：居民满意度的权重（{}%）须大于其他任何指标组，“{}”为 {}%",
                    s.weight,
                    other.name.trim(),
                    other.weight
                ),
            ),
            Outcome::Reject,
        );
    }
    d
}

/// A resident's answer to one question, on the usual five-level scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    VerySatisfied,
    Satisfied,
    Neutral,
    Dissatisfied,
    VeryDissatisfied,
}

impl Rating {
    pub const ALL: [Rating; 5] = [
        Self::VerySatisfied,
        Self::Satisfied,
        Self::Neutral,
        Self::Dissatisfied,
        Self::VeryDissatisfied,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::VerySatisfied => "very_satisfied",
            Self::Satisfied => "satisfied",
            Self::Neutral => "neutral",
            Self::Dissatisfied => "dissatisfied",
            Self::VeryDissatisfied => "very_dissatisfied",
        }
    }

    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::VerySatisfied => "非常满意",
            Self::Satisfied => "满意",
            Self::Neutral => "一般",
            Self::Dissatisfied => "不满意",
            Self::VeryDissatisfied => "非常不满意",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Points out of 100: 100, 80, 60, 40, 20.
    #[must_use]
    pub const fn points(self) -> u32 {
        match self {
            Self::VerySatisfied => 100,
            Self::Satisfied => 80,
            Self::Neutral => 60,
            Self::Dissatisfied => 40,
            Self::VeryDissatisfied => 20,
        }
    }

    /// 不满意 or 非常不满意: with a comment, a case for the district's follow-up (回访).
    #[must_use]
    pub const fn is_low(self) -> bool {
        matches!(self, Self::Dissatisfied | Self::VeryDissatisfied)
    }
}

/// How many answers of each rating a community received (every question of every response).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Indexed like [`Rating::ALL`].
    pub counts: [u64; 5],
    /// Responses (one per resident), for the minimum sample.
    pub responses: u64,
}

impl Tally {
    /// Adds one answer.
    pub fn add(&mut self, r: Rating) {
        let i = Rating::ALL.iter().position(|x| *x == r).unwrap_or(0);
        self.counts[i] += 1;
    }

    /// Answers counted.
    #[must_use]
    pub fn answers(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// A community's satisfaction in hundredths of a point (0–10000), or `None` while it has fewer
/// than `min_responses` responses (the result does not count yet) or no answer at all. Rounded
/// half up, on whole numbers only.
#[must_use]
pub fn satisfaction(t: &Tally, min_responses: u64) -> Option<u32> {
    let answers = t.answers();
    if answers == 0 || t.responses < min_responses {
        return None;
    }
    let points: u64 = Rating::ALL
        .iter()
        .zip(t.counts)
        .map(|(r, n)| u64::from(r.points()) * n)
        .sum();
    // points / answers, in hundredths, rounded half up.
    let centi = (points * 100 * 2 + answers) / (answers * 2);
    u32::try_from(centi).ok()
}

/// Why a total cannot be computed yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Incomplete {
    /// The group (by index) has no score yet.
    Missing(usize),
    /// The scores and the groups differ in number.
    Mismatch,
    /// A score above 100 points (10000 hundredths), by group index.
    OutOfRange(usize),
}

/// A community's total in hundredths of a point: Σ weight × group score / 100, rounded half up
/// once at the end. `scores[i]` is group `i`'s score in hundredths (0–10000).
pub fn total(groups: &[Group<'_>], scores: &[Option<u32>]) -> Result<u32, Incomplete> {
    if groups.len() != scores.len() {
        return Err(Incomplete::Mismatch);
    }
    let mut sum: u64 = 0;
    for (i, (g, s)) in groups.iter().zip(scores).enumerate() {
        let s = s.ok_or(Incomplete::Missing(i))?;
        if s > 10_000 {
            return Err(Incomplete::OutOfRange(i));
        }
        sum += u64::from(g.weight) * u64::from(s);
    }
    u32::try_from((sum + 50) / 100).map_err(|_| Incomplete::Mismatch)
}

/// Ranks `totals` (id, hundredths) best first: equal totals share a rank and the next rank
/// skips (1, 1, 3); ties keep the order given (the caller sorts them by name).
#[must_use]
pub fn rank<T: Copy>(totals: &[(T, u32)]) -> Vec<(T, u32, usize)> {
    let mut v: Vec<(usize, T, u32)> = totals
        .iter()
        .enumerate()
        .map(|(i, (id, t))| (i, *id, *t))
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let mut out = Vec::with_capacity(v.len());
    let mut prev: Option<u32> = None;
    let mut rank = 0;
    for (pos, (_, id, t)) in v.into_iter().enumerate() {
        if prev != Some(t) {
            rank = pos + 1;
            prev = Some(t);
        }
        out.push((id, t, rank));
    }
    out
}
