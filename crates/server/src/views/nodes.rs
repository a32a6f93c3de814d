//! The system administrator's forms for places and departments.

use crate::extract::{Form, Path, Query};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::division::{DISTRICT_SUBTYPES, DepartmentFunction};
use jianfu_domain::tree::{NewNode, NodeEdit};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{Chrome, FormError, Shown, is_form_error, render};

#[derive(Deserialize, Default, Clone)]
pub struct NodeForm {
    #[serde(default)]
    pub parent_id: i64,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub division_code: String,
    #[serde(default)]
    pub subtype: String,
}

#[derive(askama::Template)]
#[template(path = "node_form.html")]
struct NodeFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    parent_id: i64,
    parent_name: String,
    kinds: Vec<(&'static str, &'static str)>,
    subtypes: Vec<(&'static str, &'static str)>,
    form: NodeForm,
    error: FormError,
}

fn subtypes() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&'static str, &'static str)> =
        DISTRICT_SUBTYPES.iter().map(|s| (*s, *s)).collect();
    v.extend(
        DepartmentFunction::ALL
            .iter()
            .map(|f| (f.as_str(), f.label_zh())),
    );
    v
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: i64,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    mut shown: Shown<'_, NodeForm>,
) -> Response {
    let form = shown.entered_or_default();
    let Shown { error, status, .. } = shown;
    let parent = match state.app.find_node(form.parent_id).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    if let Err(e) = jianfu_domain::authz::authorize(
        &user.principal,
        jianfu_domain::Action::ManageTree,
        &parent.target(),
    ) {
        return PageError(e).into_response();
    }
    let kinds = parent
        .kind
        .allowed_children()
        .iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect();
    render(
        status,
        &NodeFormPage {
            chrome: Chrome::new("新增下级", Some(user), "/tree"),
            heading: format!("在“{}”下新增", parent.name),
            action: "/admin/nodes".into(),
            cancel: format!("/tree/{}", parent.id),
            is_new: true,
            parent_id: parent.id,
            parent_name: parent.name,
            kinds,
            subtypes: subtypes(),
            form,
            error,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Response {
    let form = NodeForm {
        parent_id: q.parent,
        ..Default::default()
    };
    new_page(&state, &user, Shown::fresh(None).with(form)).await
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NodeForm>,
) -> Response {
    let new = NewNode {
        parent_id: form.parent_id,
        kind: form.kind.clone(),
        name: form.name.clone(),
        division_code: Some(form.division_code.clone()),
        subtype: Some(form.subtype.clone()),
    };
    match state.app.create_node(&user.ctx(), new).await {
        Ok(n) => Redirect::to(&format!("/tree/{}?done=node_created", n.id)).into_response(),
        Err(e) if is_form_error(&e) => new_page(&state, &user, Shown::refused(&e, form)).await,
        Err(e) => PageError(e).into_response(),
    }
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown<'_, NodeForm>,
) -> Response {
    let Shown {
        entered: form,
        error,
        status,
        ..
    } = shown;
    let node = match state.app.find_node(id).await {
        Ok(n) => n,
        Err(e) => return PageError(e).into_response(),
    };
    if let Err(e) = jianfu_domain::authz::authorize(
        &user.principal,
        jianfu_domain::Action::ManageTree,
        &node.target(),
    ) {
        return PageError(e).into_response();
    }
    let parent_name = match node.parent_id {
        Some(p) => state
            .app
            .find_node(p)
            .await
            .map(|p| p.name)
            .unwrap_or_default(),
        None => "（根节点）".into(),
    };
    let form = form.unwrap_or_else(|| NodeForm {
        parent_id: node.parent_id.unwrap_or(0),
        kind: node.kind.as_str().into(),
        name: node.name.clone(),
        division_code: node.division_code.clone().unwrap_or_default(),
        subtype: node.subtype.clone().unwrap_or_default(),
    });
    render(
        status,
        &NodeFormPage {
            chrome: Chrome::new("修改节点", Some(user), "/tree"),
            heading: format!("修改“{}”", node.name),
            action: format!("/admin/nodes/{id}"),
            cancel: format!("/tree/{id}"),
            is_new: false,
            parent_id: node.parent_id.unwrap_or(0),
            parent_name,
            kinds: vec![],
            subtypes: subtypes(),
            form,
            error,
        },
    )
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    edit_page(&state, &user, id, Shown::fresh(None)).await
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<NodeForm>,
) -> Response {
    let edit = NodeEdit {
        name: form.name.clone(),
        division_code: Some(form.division_code.clone()),
        subtype: Some(form.subtype.clone()),
    };
    match state.app.update_node(&user.ctx(), id, edit).await {
        Ok(_) => Redirect::to(&format!("/tree/{id}?done=node_updated")).into_response(),
        Err(e) if is_form_error(&e) => edit_page(&state, &user, id, Shown::refused(&e, form)).await,
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let parent = state.app.find_node(id).await.ok().and_then(|n| n.parent_id);
    match state.app.delete_node(&user.ctx(), id).await {
        Ok(()) => Redirect::to(&format!("/tree/{}?done=node_deleted", parent.unwrap_or(id)))
            .into_response(),
        Err(e) => PageError(e).into_response(),
    }
}
