//! What a rule returns: an outcome, the clauses it applied and the reasons a user reads.
//!
//! Rules are combined by escalation: the strictest outcome wins, and the clauses and reasons of
//! every rule are kept, so a user sees every clause that bears on the decision. A decision that
//! allows and cites nothing allocates nothing; a static message allocates nothing either, so
//! evaluating a rule set stays far below a microsecond.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::ClauseId;

/// The result of applying the policy to a demand, an application or a registry entry.
///
/// Variants are ordered by strictness (`Allow < NeedsApproval < Reject`), which is the order
/// [`Decision::push`] escalates in.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing in the policy stands in the way.
    #[default]
    Allow,
    /// Allowed only once the authority the policy names approves it (e.g. 4.2-4, 4.1-5).
    NeedsApproval,
    /// The policy forbids it (e.g. 4.2-5, 4.3-5, 4.5-10).
    Reject,
}

impl Outcome {
    /// The word shown to users.
    ///
    /// - 准许 "permitted": neutral, fits demands, plaques and certificates alike.
    /// - 需报批 "must be submitted for approval": the policy's own verb (报请…同意, 须经…批准).
    /// - 不予准许 "not permitted": the formal negative of 准许, as in administrative decisions
    ///   (不予许可); chosen over 不予准入 because rejections also concern certificates
    ///   (不予出具, 4.5-10) and plaques, which are not admissions.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Outcome::Allow => "准许",
            Outcome::NeedsApproval => "需报批",
            Outcome::Reject => "不予准许",
        }
    }
}

/// Why a rule did not simply allow: the clause, a stable code and a message for users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The clause that gives this reason.
    pub clause: ClauseId,
    /// Stable snake_case code for programs and tests, e.g. `"missing_funding"`.
    pub code: &'static str,
    /// Chinese explanation for users. Usually a static string; `Cow` so that a fixed message
    /// costs no allocation while a formatted one is still possible.
    pub message: Cow<'static, str>,
}

impl Reason {
    /// A reason citing `clause`, with a stable `code` and a Chinese `message`.
    #[must_use]
    pub fn new(
        clause: ClauseId,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Reason {
            clause,
            code,
            message: message.into(),
        }
    }
}

/// The decision of one rule or of a whole rule set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The strictest outcome of the rules applied.
    pub outcome: Outcome,
    /// Every clause applied, each once, in the order first applied (including clauses that
    /// were satisfied and so gave no reason).
    pub clauses: Vec<ClauseId>,
    /// Why the outcome is not [`Outcome::Allow`], in the order the rules found them.
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// Nothing applied yet: allowed, no clauses, no reasons. Does not allocate.
    #[must_use]
    pub const fn allow() -> Self {
        Decision {
            outcome: Outcome::Allow,
            clauses: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// Records that `clause` was applied and satisfied: cites it without changing the outcome.
    pub fn cite(&mut self, clause: ClauseId) {
        if !self.clauses.contains(&clause) {
            self.clauses.push(clause);
        }
    }

    /// Adds `reason`, escalates the outcome to at least `outcome` and cites the reason's clause.
    pub fn push(&mut self, reason: Reason, outcome: Outcome) {
        self.outcome = self.outcome.max(outcome);
        self.cite(reason.clause);
        self.reasons.push(reason);
    }

    /// Builder form of [`Decision::push`].
    #[must_use]
    pub fn with(mut self, reason: Reason, outcome: Outcome) -> Self {
        self.push(reason, outcome);
        self
    }

    /// Combines the decision of another rule into this one: escalates, cites its clauses
    /// (deduplicated, order kept) and appends its reasons.
    pub fn merge(&mut self, other: Decision) {
        self.outcome = self.outcome.max(other.outcome);
        for clause in other.clauses {
            self.cite(clause);
        }
        self.reasons.extend(other.reasons);
    }

    /// True when the outcome is [`Outcome::Allow`].
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// True when `clause` was applied.
    #[must_use]
    pub fn cites(&self, clause: ClauseId) -> bool {
        self.clauses.contains(&clause)
    }

    /// The codes of the reasons, in order; handy in table tests.
    pub fn codes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.reasons.iter().map(|r| r.code)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::clause;

    // Unit tests cite clauses of parts 2 and 3 on purpose: parts 4 and 5 are what the coverage
    // test tracks, and a test is not a rule.
    fn reason(clause: ClauseId, code: &'static str) -> Reason {
        Reason::new(clause, code, "测试")
    }

    #[test]
    fn allow_is_empty_and_allowed() {
        let d = Decision::allow();
        assert!(d.is_allowed());
        assert!(d.clauses.is_empty() && d.reasons.is_empty());
        assert_eq!(d.clauses.capacity(), 0, "allow() must not allocate");
        assert_eq!(Decision::default(), d);
    }

    #[test]
    fn push_escalates_and_dedupes() {
        let a = clause!("3.5-2");
        let b = clause!("3.5-3");
        // (case, pushes in order, expected outcome, expected clauses)
        type Step = (ClauseId, &'static str, Outcome);
        let cases: &[(&str, &[Step], Outcome, &[ClauseId])] = &[
            ("nothing pushed", &[], Outcome::Allow, &[]),
            (
                "allow reason keeps allow",
                &[(a, "x", Outcome::Allow)],
                Outcome::Allow,
                &[a],
            ),
            (
                "approval then allow stays approval",
                &[(a, "x", Outcome::NeedsApproval), (b, "y", Outcome::Allow)],
                Outcome::NeedsApproval,
                &[a, b],
            ),
            (
                "reject is not lowered by approval",
                &[(b, "x", Outcome::Reject), (a, "y", Outcome::NeedsApproval)],
                Outcome::Reject,
                &[b, a],
            ),
            (
                "same clause twice is cited once, first position kept",
                &[
                    (a, "x", Outcome::NeedsApproval),
                    (b, "y", Outcome::NeedsApproval),
                    (a, "z", Outcome::Reject),
                ],
                Outcome::Reject,
                &[a, b],
            ),
        ];
        for (name, steps, outcome, clauses) in cases {
            let mut d = Decision::allow();
            for (clause, code, o) in *steps {
                d.push(reason(*clause, code), *o);
            }
            assert_eq!(d.outcome, *outcome, "{name}");
            assert_eq!(d.clauses, *clauses, "{name}");
            let codes: Vec<&str> = d.codes().collect();
            let expected: Vec<&str> = steps.iter().map(|s| s.1).collect();
            assert_eq!(codes, expected, "{name}: every reason is kept");
            assert_eq!(d.is_allowed(), *outcome == Outcome::Allow, "{name}");
        }
    }

    #[test]
    fn cite_and_merge() {
        let a = clause!("3.3-2");
        let b = clause!("3.3-3");
        let c = clause!("3.3-4");
        let mut first = Decision::allow();
        first.cite(a);
        first.cite(a);
        assert_eq!(first.clauses, [a]);
        assert!(first.is_allowed() && first.cites(a) && !first.cites(b));

        let second = Decision::allow()
            .with(reason(b, "b"), Outcome::NeedsApproval)
            .with(reason(a, "a"), Outcome::Allow);
        let third = Decision::allow().with(reason(c, "c"), Outcome::Reject);
        first.merge(second);
        assert_eq!(first.outcome, Outcome::NeedsApproval);
        assert_eq!(first.clauses, [a, b]);
        first.merge(third);
        assert_eq!(first.outcome, Outcome::Reject);
        assert_eq!(first.clauses, [a, b, c]);
        assert_eq!(first.codes().collect::<Vec<_>>(), ["b", "a", "c"]);
    }

    #[test]
    fn labels_and_serialisation() {
        assert_eq!(Outcome::Allow.label_zh(), "准许");
        assert_eq!(Outcome::NeedsApproval.label_zh(), "需报批");
        assert_eq!(Outcome::Reject.label_zh(), "不予准许");
        let d = Decision::allow().with(
            Reason::new(clause!("2.0-1"), "example", format!("第{}项", 1)),
            Outcome::NeedsApproval,
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "outcome": "needs_approval",
                "clauses": ["2.0-1"],
                "reasons": [{"clause": "2.0-1", "code": "example", "message": "第1项"}],
            })
        );
        let o: Outcome = serde_json::from_str("\"reject\"").unwrap();
        assert_eq!(o, Outcome::Reject);
    }
}
