//! Browsing the tree: the whole visible forest as a nested list (or search results), and one
//! node with its ancestors and children.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jianfu_domain::Action;
use jianfu_domain::tree::NodeView;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, ok};

/// A node in the nested list: whether a `<ul>` opens after it and how many levels close.
pub struct TreeRow {
    pub node: NodeView,
    pub opens: bool,
    pub closes: usize,
}

/// Turns a pre-ordered forest into open/close markers for nested lists. Depth counts only
/// visible ancestors, so disjoint scopes at different levels nest correctly.
pub fn nest(nodes: Vec<NodeView>) -> Vec<TreeRow> {
    use std::collections::HashSet;
    let ids: HashSet<i64> = nodes.iter().map(|n| n.id).collect();
    let depth = |n: &NodeView| {
        n.path
            .split('/')
            .filter_map(|s| s.parse::<i64>().ok())
            .filter(|id| *id != n.id && ids.contains(id))
            .count()
    };
    let depths: Vec<usize> = nodes.iter().map(depth).collect();
    nodes
        .into_iter()
        .enumerate()
        .map(|(i, node)| {
            let d = depths[i];
            let next = depths.get(i + 1).copied().unwrap_or(0);
            TreeRow {
                node,
                opens: next > d,
                closes: d.saturating_sub(next),
            }
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "tree.html")]
struct TreePage {
    chrome: Chrome,
    q: String,
    rows: Vec<TreeRow>,
}

#[derive(Deserialize, Default)]
pub struct TreeQuery {
    q: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(tq): Query<TreeQuery>,
) -> Response {
    let q = tq.q.unwrap_or_default().trim().to_owned();
    let nodes = match state.app.visible_tree(&user.ctx()).await {
        Ok(n) => n,
        Err(e) => return PageError(e).into_response(),
    };
    let rows = if q.is_empty() {
        nest(nodes)
    } else {
        nodes
            .into_iter()
            .filter(|n| {
                n.name.contains(&q)
                    || n.division_code
                        .as_deref()
                        .is_some_and(|c| c.starts_with(&q))
            })
            .map(|node| TreeRow {
                node,
                opens: false,
                closes: 0,
            })
            .collect()
    };
    ok(&TreePage {
        chrome: Chrome::new("行政区划", Some(&user), "/tree"),
        q,
        rows,
    })
}

#[derive(askama::Template)]
#[template(path = "node.html")]
struct NodePage {
    chrome: Chrome,
    d: jianfu_domain::tree::NodeDetail,
    can_manage: bool,
    child_kinds: Vec<&'static str>,
}

pub async fn node(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> Response {
    let ctx = user.ctx();
    let d = match state.app.node_detail(&ctx, id).await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let can_manage =
        jianfu_domain::authz::authorize(&user.principal, Action::ManageTree, &d.node.target())
            .is_ok();
    let child_kinds = d
        .node
        .kind
        .allowed_children()
        .iter()
        .map(|k| k.label_zh())
        .collect();
    ok(&NodePage {
        chrome: Chrome::new(d.node.name.clone(), Some(&user), "/tree")
            .with_done(done.done.as_deref()),
        d,
        can_manage,
        child_kinds,
    })
}
