//! Monitoring points (减负监测点, 4.1-8; issue 14 §2): the list of the reader's points with the
//! designate form (the district's supervisor) and its Excel export, and a point's page with its
//! months, the answer form (the point's community staff) and ending the designation.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::monitoring::{AnswerForm, DesignateForm, ItemAnswer, PointDetail, PointView};
use jianfu_domain::page::{Page, every_row};
use jianfu_rules::monitoring::CheckItem;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{Cell, Column, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, FormError, Shown, is_form_error, list, render, when};

#[derive(askama::Template)]
#[template(path = "monitoring_points.html")]
struct ListPage {
    chrome: Chrome,
    page: Page<PointView>,
    pager: String,
    export: String,
    can_designate: bool,
    candidates: Vec<(i64, String)>,
    typed: DesignatePageForm,
    error: FormError,
}

impl ListPage {
    fn picked(&self, id: &i64) -> bool {
        self.typed.community_id.trim() == id.to_string()
    }
}

/// The designate form as the page sends it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DesignatePageForm {
    community_id: String,
    note: String,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery<NoFilter>,
    mut shown: Shown<'_, DesignatePageForm>,
) -> Response {
    let ctx = user.ctx();
    let page = match state.app.list_monitoring_points(&ctx, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let can_designate = user.principal.may(Action::DesignateMonitoringPoint);
    let candidates = if can_designate {
        match state.app.monitoring_candidates(&ctx).await {
            Ok(c) => c,
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        Vec::new()
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
            chrome: Chrome::new("减负监测点", Some(user), "/monitoring-points").with_done(done),
            pager: list::pager_base("/monitoring-points", &NoFilter {}),
            export: list::export_href("/monitoring-points/export.xlsx", &NoFilter {}),
            page,
            can_designate,
            candidates,
            typed,
            error,
        },
    )
}

/// 减负监测点: the reader's points, and the designate form.
pub async fn points(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    list_page(&state, &user, &q, Shown::fresh(q.done.as_deref())).await
}

/// Designates a point.
pub async fn designate(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<DesignatePageForm>,
) -> Response {
    let result = match f.community_id.trim().parse::<i64>() {
        Ok(community_id) => {
            state
                .app
                .designate_monitoring_point(
                    &user.ctx(),
                    &DesignateForm {
                        community_id,
                        note: f.note.clone(),
                    },
                )
                .await
        }
        Err(_) => Err(jianfu_domain::DomainError::field(
            "community_id",
            "monitoring_not_community",
            "请选择一个社区(村)",
        )),
    };
    match result {
        Ok(p) => Redirect::to(&format!("/monitoring-points/{}", p.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            list_page(&state, &user, &ListQuery::default(), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The reader's points as a workbook (audited as `monitoring.export`).
pub async fn export(State(state): State<AppState>, user: CurrentUser) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_monitoring_points(&ctx, r)).await;
    POINT_EXPORT.answer(&state, &user, &NoFilter {}, rows).await
}

const POINT_EXPORT: ListExport<'static, PointView> = ListExport {
    action: "monitoring.export",
    target_type: "monitoring_point",
    sheet: "减负监测点",
    file_name: "减负监测点.xlsx",
    columns: &[
        Column::new("编号", |p| Cell::Number(p.id as f64)),
        Column::wide("社区(村)", 20.0, |p| Cell::Text(&p.community_name)),
        Column::new("区(县、市)", |p| Cell::Text(&p.district_name)),
        Column::new("状态", |p| Cell::Text(p.status.label_zh())),
        Column::new("指定日期", |p| Cell::Text(&p.designated_on)),
        Column::new("结束日期", |p| {
            Cell::Text(p.ended_on.as_deref().unwrap_or(""))
        }),
        Column::new("待报送月份", |p| {
            Cell::Text(p.due_month.as_deref().unwrap_or(""))
        }),
        Column::wide("备注", 30.0, |p| Cell::Text(&p.note)),
    ],
};

#[derive(askama::Template)]
#[template(path = "monitoring_point.html")]
struct PointPage {
    chrome: Chrome,
    d: PointDetail,
    typed: AnswerPageForm,
    error: FormError,
}

impl PointPage {
    fn when(&self, ms: &Option<i64>) -> String {
        ms.map(when).unwrap_or_default()
    }
    fn said(&self, code: &str) -> &str {
        match code {
            "certificates" => &self.typed.certificates,
            "plaques" => &self.typed.plaques,
            "evaluations_or_forms" => &self.typed.evaluations_or_forms,
            "seconded" => &self.typed.seconded,
            _ => "",
        }
    }
    fn described(&self, code: &str) -> &str {
        match code {
            "certificates" => &self.typed.certificates_description,
            "plaques" => &self.typed.plaques_description,
            "evaluations_or_forms" => &self.typed.evaluations_or_forms_description,
            "seconded" => &self.typed.seconded_description,
            _ => "",
        }
    }
}

/// The answer form as the page sends it: each question `yes`/`no`, and its description.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AnswerPageForm {
    month: String,
    certificates: String,
    certificates_description: String,
    plaques: String,
    plaques_description: String,
    evaluations_or_forms: String,
    evaluations_or_forms_description: String,
    seconded: String,
    seconded_description: String,
}

impl AnswerPageForm {
    fn to_domain(&self) -> AnswerForm {
        let one = |item: CheckItem, said: &str, description: &str| ItemAnswer {
            item: item.code().into(),
            yes: match said {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            description: description.into(),
        };
        AnswerForm {
            month: self.month.clone(),
            items: vec![
                one(
                    CheckItem::Certificates,
                    &self.certificates,
                    &self.certificates_description,
                ),
                one(CheckItem::Plaques, &self.plaques, &self.plaques_description),
                one(
                    CheckItem::EvaluationsOrForms,
                    &self.evaluations_or_forms,
                    &self.evaluations_or_forms_description,
                ),
                one(
                    CheckItem::Seconded,
                    &self.seconded,
                    &self.seconded_description,
                ),
            ],
        }
    }
}

async fn point_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    mut shown: Shown<'_, AnswerPageForm>,
) -> Response {
    let d = match state.app.monitoring_point(&user.ctx(), id).await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let mut typed = shown.entered_or_default();
    if typed.month.is_empty() {
        typed.month = d.point.due_month.clone().unwrap_or_default();
    }
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    render(
        status,
        &PointPage {
            chrome: Chrome::new("减负监测点", Some(user), "/monitoring-points").with_done(done),
            d,
            typed,
            error,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: Option<String>,
}

/// A point with its months and the answer form.
pub async fn point(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Response {
    point_page(&state, &user, id, Shown::fresh(q.done.as_deref())).await
}

/// A month's answer.
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AnswerPageForm>,
) -> Response {
    match state
        .app
        .answer_monitoring(&user.ctx(), id, &f.to_domain())
        .await
    {
        Ok(_) => Redirect::to(&format!("/monitoring-points/{id}?done=monitoring_answered"))
            .into_response(),
        Err(e) if is_form_error(&e) => point_page(&state, &user, id, Shown::refused(&e, f)).await,
        Err(e) => PageError(e).into_response(),
    }
}

/// Ends the designation.
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.end_monitoring_point(&user.ctx(), id).await {
        Ok(_) => {
            Redirect::to(&format!("/monitoring-points/{id}?done=monitoring_ended")).into_response()
        }
        Err(e) if is_form_error(&e) => {
            point_page(&state, &user, id, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
