//! Timelines (办理过程): the history of a demand or an application as the audit chain recorded
//! it — every step with who, when, the state it led to, the opinion or reason given and the
//! clauses applied. One builder for every module; each module says which actions make its
//! history and what a step led to.

use jianfu_store::repo::history::{self, Step};

use crate::{App, Result};

/// One step of a timeline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TimelineEntry {
    pub at: i64,
    pub who: String,
    pub what: &'static str,
    /// The state it led to, where the step decided one (a submission, an application).
    pub outcome: Option<&'static str>,
    pub opinion: Option<String>,
    pub clauses: Vec<String>,
}

/// What a module adds to a step beyond the audit entry itself.
#[derive(Default)]
pub(crate) struct Annotation {
    /// The state the step led to.
    pub outcome: Option<&'static str>,
    /// The opinion, where it is not the entry's own `reason`.
    pub opinion: Option<String>,
}

/// The most steps a timeline shows.
const MAX_STEPS: u64 = 200;

impl App {
    /// The timeline of the things in `targets` (`(audit target type, id)`), made of the audited
    /// `actions`, oldest first. The caller has already checked that the reader may see the
    /// thing: take the view its detail use case returned.
    pub(crate) async fn timeline(
        &self,
        targets: &[(&str, String)],
        actions: &[&str],
        annotate: impl Fn(&Step) -> Annotation,
    ) -> Result<Vec<TimelineEntry>> {
        let steps = history::of(&self.store, targets, actions, MAX_STEPS).await?;
        Ok(steps
            .iter()
            .map(|s| {
                let extra = annotate(s);
                let mut clauses: Vec<String> = s.details["clauses"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(c) = s.details["clause"].as_str() {
                    clauses.push(c.to_owned());
                }
                TimelineEntry {
                    at: s.at,
                    who: s.who.clone(),
                    what: crate::audit_log::action_label(&s.action),
                    outcome: extra.outcome,
                    opinion: extra
                        .opinion
                        .or_else(|| s.details["reason"].as_str().map(str::to_owned)),
                    clauses,
                }
            })
            .collect())
    }
}

/// The audited actions of `area` (`"demand."`) that change the thing, not those that read
/// or export it.
pub(crate) fn actions_of(area: &str, except: &[&str]) -> Vec<&'static str> {
    crate::audit_log::ACTIONS
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| a.starts_with(area) && !except.contains(a))
        .collect()
}
