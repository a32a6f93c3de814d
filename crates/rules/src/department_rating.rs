//! Communities rate the departments and streets that place work on them (社区评议部门, 5.3-2;
//! issue 12 §3): "各区(市、县)要把街道(乡镇)社区(村)减负工作纳入街道(乡镇)及各部门的评议考核
//! 体系". Once a year each community answers [`QUESTIONS`] about each department or street
//! that placed demands on it, on the five-level scale of [`Rating`]; [`assess`] turns the
//! communities' answers and the facts the product knows ([`Facts`]: admitted and
//! reported-unadmitted demands, burden minutes, overdue cases) into the department's
//! assessment with its findings, every one citing 5.3-2.
//!
//! A department sees its scores and comments without the communities' names; so that a lone
//! rater cannot be recognised, neither its rating nor its comments are shown (nor ranked)
//! until [`MIN_RATERS`] communities have rated it ([`shown_to_department`]).

use serde::Serialize;

use crate::comprehensive::{Rating, Tally, satisfaction};
use crate::{Decision, Outcome, Reason, clause};

/// One question of the rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable code (stored with the answers).
    pub code: &'static str,
    pub text: &'static str,
}

/// What every community is asked about each department or street (the burdens 5.3-2 puts
/// into their assessment: demands, forms, materials, timeliness of feedback, overall).
pub const QUESTIONS: [Question; 5] = [
    Question {
        code: "demands",
        text: "派给社区的工作事项是否都经过准入（未经准入的不派）",
    },
    Question {
        code: "forms",
        text: "要求社区填报的报表、台账是否精简、不重复",
    },
    Question {
        code: "materials",
        text: "要求社区出具的证明、提供的材料是否必要、不重复",
    },
    Question {
        code: "feedback",
        text: "社区反映的问题是否及时得到反馈",
    },
    Question {
        code: "overall",
        text: "对其减轻社区负担工作的总体评价",
    },
];

/// The fewest communities whose rating of a department counts, is ranked and is shown to it:
/// with fewer, the department could tell who rated it.
pub const MIN_RATERS: u64 = 3;

/// Below this average (一般 = 60.00), the rating is a finding.
pub const LOW_RATING: u32 = 6_000;

/// What the product knows of a department's or street's demands on the communities in the
/// year rated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// Its demands admitted (准入) and in force in the year.
    pub admitted: u64,
    /// Demands it placed without admission that communities reported (未经准入事项的报告).
    pub unadmitted_reported: u64,
    /// The burden its admitted demands put on communities, in minutes (the burden ledger).
    pub burden_minutes: u64,
    /// Its supervision cases that went past their deadline.
    pub overdue_cases: u64,
}

impl Facts {
    /// The share of its demands that came without admission, in whole percent rounded half
    /// up; `None` when it placed none.
    #[must_use]
    pub fn unadmitted_percent(&self) -> Option<u32> {
        let all = self.admitted + self.unadmitted_reported;
        if all == 0 {
            return None;
        }
        u32::try_from((self.unadmitted_reported * 200 + all) / (all * 2)).ok()
    }

    /// The burden in hours, with one decimal (tenths of an hour, rounded half up).
    #[must_use]
    pub fn burden_tenth_hours(&self) -> u64 {
        (self.burden_minutes + 3) / 6
    }
}

/// A department's assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The communities' average in hundredths of a point (非常满意 100 … 非常不满意 20), once
    /// [`MIN_RATERS`] communities rated it.
    pub rating: Option<u32>,
    /// Communities that rated it.
    pub raters: u64,
    pub unadmitted_percent: Option<u32>,
    /// Findings, each citing 5.3-2: `too_few_raters`, `unadmitted_demands`, `overdue_cases`,
    /// `low_rating`. Allowed: an assessment refuses nothing.
    pub decision: Decision,
}

/// Whether a department may see its rating and comments: only from [`MIN_RATERS`] raters.
#[must_use]
pub const fn shown_to_department(raters: u64) -> bool {
    raters >= MIN_RATERS
}

/// **5.3-2** 各区(市、县)要把街道(乡镇)社区(村)减负工作纳入街道(乡镇)及各部门的评议考核体系,加强监督检查。
///
/// `tally` holds every answer of every community to [`QUESTIONS`] about the department (its
/// `responses` = communities that rated it); `facts` what the product knows.
#[must_use]
pub fn assess(tally: &Tally, facts: &Facts) -> Assessment {
    let c = clause!("5.3-2");
    let mut d = Decision::allow();
    d.cite(c);
    let rating = satisfaction(tally, MIN_RATERS);
    if !shown_to_department(tally.responses) {
        d.push(
            Reason::new(
                c,
                "too_few_raters",
                format!(
                    "评价的社区(村)不足 {MIN_RATERS} 个（现为 {}），评分暂不计入排名，意见也暂不向被评议单位显示，以免辨认出评价的社区",
                    tally.responses
                ),
            ),
            Outcome::Allow,
        );
    }
    if facts.unadmitted_reported > 0 {
        d.push(
            Reason::new(
                c,
                "unadmitted_demands",
                format!(
                    "有 {} 项未经准入的事项被社区(村)报告（占其派出事项的 {}%）",
                    facts.unadmitted_reported,
                    facts.unadmitted_percent().unwrap_or(0)
                ),
            ),
            Outcome::Allow,
        );
    }
    if facts.overdue_cases > 0 {
        d.push(
            Reason::new(
                c,
                "overdue_cases",
                format!("有 {} 件督办案件逾期未整改", facts.overdue_cases),
            ),
            Outcome::Allow,
        );
    }
    if let Some(r) = rating.filter(|r| *r < LOW_RATING) {
        d.push(
            Reason::new(
                c,
                "low_rating",
                format!(
                    "社区(村)评价平均 {}.{:02} 分，低于“{}”（60 分）",
                    r / 100,
                    r % 100,
                    Rating::Neutral.label_zh()
                ),
            ),
            Outcome::Allow,
        );
    }
    Assessment {
        rating,
        raters: tally.responses,
        unadmitted_percent: facts.unadmitted_percent(),
        decision: d,
    }
}
