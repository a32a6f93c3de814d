//! The administrative tree: browsing what one may see, and the system administrator's
//! create / edit / delete of places and departments, each validated and audited.

use crate::text;
use jianfu_store::entity::node;
use jianfu_store::repo::tree as repo;
use serde::{Deserialize, Serialize};

use crate::authz::{Action, Target};
use crate::division::{DISTRICT_SUBTYPES, DepartmentFunction, DivisionCode, NodeKind};
use crate::error::{DomainError, Result};
use crate::{App, Ctx};

/// A node as the UI and API show it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NodeView {
    pub id: i64,
    pub kind: NodeKind,
    pub kind_zh: &'static str,
    pub subtype: Option<String>,
    /// Chinese label of the subtype (district type or department function).
    pub subtype_zh: Option<String>,
    pub name: String,
    pub division_code: Option<String>,
    pub parent_id: Option<i64>,
    #[serde(skip)]
    pub path: String,
    pub depth: usize,
}

impl NodeView {
    pub fn from_row(n: node::Model) -> Result<Self> {
        let kind = NodeKind::parse(&n.kind)?;
        let subtype_zh = match (kind, n.subtype.as_deref()) {
            (NodeKind::Department, Some(s)) => DepartmentFunction::parse(s)
                .ok()
                .map(|f| f.label_zh().to_owned()),
            (NodeKind::District, Some(s)) => Some(s.to_owned()),
            _ => None,
        };
        Ok(Self {
            id: n.id,
            kind,
            kind_zh: kind.label_zh(),
            subtype: n.subtype,
            subtype_zh,
            name: n.name,
            division_code: n.division_code,
            parent_id: n.parent_id,
            depth: n.path.matches('/').count().saturating_sub(2),
            path: n.path,
        })
    }

    pub fn department_function(&self) -> Option<DepartmentFunction> {
        if self.kind == NodeKind::Department {
            self.subtype
                .as_deref()
                .and_then(|s| DepartmentFunction::parse(s).ok())
        } else {
            None
        }
    }

    pub fn target(&self) -> Target<'_> {
        Target {
            node_id: self.id,
            path: &self.path,
        }
    }
}

/// What the form or API sends to create a node.
#[derive(Clone, Debug, Deserialize, Default)]
pub struct NewNode {
    pub parent_id: i64,
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub division_code: Option<String>,
    #[serde(default)]
    pub subtype: Option<String>,
}

/// What may change on an existing node. Kind and parent are fixed: nodes do not move.
#[derive(Clone, Debug, Deserialize, Default)]
pub struct NodeEdit {
    pub name: String,
    #[serde(default)]
    pub division_code: Option<String>,
    #[serde(default)]
    pub subtype: Option<String>,
}

/// One node with its surroundings, for the node page.
#[derive(Clone, Debug, Serialize)]
pub struct NodeDetail {
    pub node: NodeView,
    /// Root first, the node's parent last.
    pub ancestors: Vec<NodeView>,
    pub children: Vec<NodeView>,
    pub account_count: u64,
}

fn clean_name(name: &str) -> Result<String> {
    let name = text::visible(name);
    let n = name.chars().count();
    if n == 0 {
        return Err(DomainError::field("name", "name_required", "请填写名称"));
    }
    if n > 100 {
        return Err(DomainError::field(
            "name",
            "name_too_long",
            "名称不能超过 100 个字",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::field(
            "name",
            "name_invalid",
            "名称含有不可见的控制字符",
        ));
    }
    Ok(name.to_owned())
}

fn clean_subtype(kind: NodeKind, subtype: Option<&str>) -> Result<Option<String>> {
    let s = subtype.map(str::trim).filter(|s| !s.is_empty());
    match kind {
        NodeKind::District => match s {
            Some(s) if DISTRICT_SUBTYPES.contains(&s) => Ok(Some(s.to_owned())),
            _ => Err(DomainError::field(
                "subtype",
                "district_subtype_invalid",
                "请选择类型：区、县、县级市或开发区",
            )),
        },
        NodeKind::Department => match s {
            Some(s) => Ok(Some(DepartmentFunction::parse(s)?.as_str().to_owned())),
            None => Err(DomainError::field(
                "subtype",
                "department_function_unknown",
                "请选择部门职能类别",
            )),
        },
        _ => Ok(None),
    }
}

fn clean_code(
    kind: NodeKind,
    code: Option<&str>,
    parent: Option<&NodeView>,
) -> Result<Option<String>> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    if !kind.has_division_code() {
        return match code {
            None => Ok(None),
            Some(_) => Err(DomainError::field(
                "division_code",
                "division_code_not_allowed",
                "职能部门没有区划代码",
            )),
        };
    }
    let Some(code) = code else {
        return Err(DomainError::field(
            "division_code",
            "division_code_required",
            "请填写 12 位统计用区划代码",
        ));
    };
    let code = DivisionCode::parse(code)?;
    let parent_code = match parent.and_then(|p| p.division_code.as_deref()) {
        Some(c) => Some(DivisionCode::parse(c)?),
        None => None,
    };
    code.check_for(kind, parent_code.as_ref())?;
    Ok(Some(code.as_str().to_owned()))
}

impl App {
    /// The city: the root of the tree.
    pub async fn root_node(&self) -> Result<NodeView> {
        let root = repo::root(self.store.db()).await?.ok_or_else(|| {
            DomainError::new(
                crate::ErrorKind::Internal,
                "tree_empty",
                "尚未初始化：请先运行 jianfu init",
            )
        })?;
        NodeView::from_row(root)
    }

    pub async fn find_node(&self, id: i64) -> Result<NodeView> {
        let n = repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("节点"))?;
        NodeView::from_row(n)
    }

    /// Communities and villages whose name contains `needle`, with the street or town above
    /// each, for the public's way to a community's published work-item list (4.2-2). Names of
    /// places are public; at most `limit`, by name. An empty needle finds nothing.
    pub async fn find_communities(
        &self,
        needle: &str,
        limit: u64,
    ) -> Result<Vec<(NodeView, String)>> {
        let needle = needle.trim();
        if needle.is_empty() {
            return Ok(Vec::new());
        }
        let kinds = [NodeKind::Community.as_str(), NodeKind::Village.as_str()];
        let rows = repo::named_like(self.store.db(), needle, &kinds, limit).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let v = NodeView::from_row(r)?;
            let parent = match v.parent_id {
                Some(p) => self.find_node(p).await?.name,
                None => String::new(),
            };
            out.push((v, parent));
        }
        Ok(out)
    }

    pub async fn find_node_by_code(&self, code: &str) -> Result<NodeView> {
        let n = repo::by_code(self.store.db(), code, None)
            .await?
            .ok_or_else(|| DomainError::not_found("节点"))?;
        NodeView::from_row(n)
    }

    /// Every node where `p` may take `action` ([`crate::authz::visible`]), in tree order: the
    /// places a form offers.
    pub async fn nodes_where(
        &self,
        p: &crate::authz::Principal,
        action: Action,
    ) -> Result<Vec<NodeView>> {
        self.nodes_under(&crate::authz::visible(p, action)).await
    }

    /// Every node in `scope`, in tree order.
    pub async fn nodes_under(&self, scope: &crate::authz::Scope) -> Result<Vec<NodeView>> {
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let rows = repo::under(self.store.db(), scope).await?;
        let mut out: Vec<NodeView> = rows
            .into_iter()
            .map(NodeView::from_row)
            .collect::<Result<_>>()?;
        sort_tree(&mut out);
        Ok(out)
    }

    /// The part of the tree the user may see, in tree order (parents before children, siblings
    /// by kind then division code then name).
    pub async fn visible_tree(&self, ctx: &Ctx) -> Result<Vec<NodeView>> {
        self.nodes_under(&crate::authz::visible(&ctx.principal, Action::ViewTree))
            .await
    }

    pub async fn node_detail(&self, ctx: &Ctx, id: i64) -> Result<NodeDetail> {
        let node = self.find_node(id).await?;
        self.check(ctx, Action::ViewTree, &node.target()).await?;
        let ancestor_ids: Vec<i64> = node
            .path
            .split('/')
            .filter_map(|s| s.parse().ok())
            .filter(|i| *i != node.id)
            .collect();
        let mut ancestors = Vec::new();
        for aid in ancestor_ids {
            ancestors.push(self.find_node(aid).await?);
        }
        let mut children: Vec<NodeView> = repo::children(self.store.db(), id)
            .await?
            .into_iter()
            .map(NodeView::from_row)
            .collect::<Result<_>>()?;
        sort_tree(&mut children);
        let (account_count, _) = jianfu_store::repo::accounts::at_node(self.store.db(), id).await?;
        Ok(NodeDetail {
            node,
            ancestors,
            children,
            account_count,
        })
    }

    /// Adds a place or department under `parent_id`.
    pub async fn create_node(&self, ctx: &Ctx, new: NewNode) -> Result<NodeView> {
        let parent = match self.find_node(new.parent_id).await {
            Ok(p) => p,
            Err(e) if e.kind == crate::ErrorKind::NotFound => {
                return Err(DomainError::field(
                    "parent_id",
                    "parent_not_found",
                    "上级节点不存在",
                ));
            }
            Err(e) => return Err(e),
        };
        self.check(ctx, Action::ManageTree, &parent.target())
            .await?;
        // Every problem at once; the subtype and code are checked once the kind is known.
        let mut p = crate::Problems::new();
        let kind = p.take(NodeKind::parse(new.kind.trim()).and_then(|kind| {
            if parent.kind.allowed_children().contains(&kind) {
                Ok(kind)
            } else {
                Err(DomainError::field(
                    "kind",
                    "kind_not_allowed_here",
                    format!("{}之下不能设立{}", parent.kind.label_zh(), kind.label_zh()),
                ))
            }
        }));
        let name = p.take(clean_name(&new.name));
        let (subtype, code) = match kind {
            Some(kind) => (
                p.take(clean_subtype(kind, new.subtype.as_deref())),
                p.take(clean_code(
                    kind,
                    new.division_code.as_deref(),
                    Some(&parent),
                )),
            ),
            None => (None, None),
        };
        p.finish()?;
        let (Some(kind), Some(name), Some(subtype), Some(code)) = (kind, name, subtype, code)
        else {
            return Err(DomainError::internal());
        };
        self.ensure_unique(None, parent.id, &name, code.as_deref())
            .await?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let new = repo::NewNode {
            kind: kind.as_str(),
            subtype: subtype.as_deref(),
            name: &name,
            division_code: code.as_deref(),
            parent_id: Some(parent.id),
            parent_path: &parent.path,
            now,
        };
        let row = repo::insert(tx.conn(), &new).await.map_err(unique)?;
        let view = NodeView::from_row(row)?;
        tx.audit(ctx.entry(
            "node.create",
            "node",
            Some(view.id.to_string()),
            serde_json::json!({ "after": &view, "parent": parent.name }),
        ))
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn update_node(&self, ctx: &Ctx, id: i64, edit: NodeEdit) -> Result<NodeView> {
        let before = self.find_node(id).await?;
        self.check(ctx, Action::ManageTree, &before.target())
            .await?;
        let parent = match before.parent_id {
            Some(p) => Some(self.find_node(p).await?),
            None => None,
        };
        let mut p = crate::Problems::new();
        let name = p.take(clean_name(&edit.name));
        let subtype = p.take(clean_subtype(before.kind, edit.subtype.as_deref()));
        let code = p.take(clean_code(
            before.kind,
            edit.division_code.as_deref(),
            parent.as_ref(),
        ));
        if let Some(code) = &code
            && *code != before.division_code
            && self.child_count(id).await? > 0
        {
            p.push(DomainError::field(
                "division_code",
                "division_code_has_children",
                "下级节点的区划代码以本代码为前缀，有下级时不能修改区划代码",
            ));
        }
        p.finish()?;
        let (Some(name), Some(subtype), Some(code)) = (name, subtype, code) else {
            return Err(DomainError::internal());
        };
        self.ensure_unique(
            Some(id),
            before.parent_id.unwrap_or(0),
            &name,
            code.as_deref(),
        )
        .await?;
        let mut tx = self.store.begin_write().await?;
        let now = self.now_ms();
        repo::update(
            tx.conn(),
            id,
            &name,
            subtype.as_deref(),
            code.as_deref(),
            now,
        )
        .await
        .map_err(unique)?;
        let after = NodeView {
            name,
            subtype: subtype.clone(),
            division_code: code,
            ..NodeView::from_row(node::Model {
                id: before.id,
                kind: before.kind.as_str().to_owned(),
                subtype,
                name: String::new(),
                division_code: None,
                parent_id: before.parent_id,
                path: before.path.clone(),
                created_at: 0,
                updated_at: 0,
            })?
        };
        tx.audit(ctx.entry(
            "node.update",
            "node",
            Some(id.to_string()),
            serde_json::json!({ "before": &before, "after": &after }),
        ))
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a node that has no children, no accounts and no role grants.
    pub async fn delete_node(&self, ctx: &Ctx, id: i64) -> Result<()> {
        let node = self.find_node(id).await?;
        self.check(ctx, Action::ManageTree, &node.target()).await?;
        if node.parent_id.is_none() {
            return Err(DomainError::conflict("node_is_root", "市级根节点不能删除"));
        }
        let children = self.child_count(id).await?;
        if children > 0 {
            return Err(DomainError::conflict(
                "node_has_children",
                format!(
                    "“{}”下还有 {children} 个下级节点，请先删除或处理下级节点",
                    node.name
                ),
            ));
        }
        let (accounts, grants) = jianfu_store::repo::accounts::at_node(self.store.db(), id).await?;
        if accounts + grants > 0 {
            return Err(DomainError::conflict(
                "node_has_users",
                format!(
                    "“{}”还有 {accounts} 个所属账号、{grants} 项角色授权，请先调整这些账号",
                    node.name
                ),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        // Work items, certificates, plaques and seals keep the places they name; the foreign
        // keys refuse the delete, and that refusal is the user's answer, not a server error.
        if !repo::delete(tx.conn(), id).await? {
            return Err(DomainError::conflict(
                "node_in_use",
                format!(
                    "“{}”仍被工作事项、证明、牌子或印章等业务记录引用，不能删除；如已撤并，可修改其名称",
                    node.name
                ),
            ));
        }
        tx.audit(ctx.entry(
            "node.delete",
            "node",
            Some(id.to_string()),
            serde_json::json!({ "before": &node }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn child_count(&self, id: i64) -> Result<u64> {
        Ok(repo::child_count(self.store.db(), id).await?)
    }

    /// Duplicate code or sibling name: a clear conflict before the database has to say it.
    async fn ensure_unique(
        &self,
        except: Option<i64>,
        parent_id: i64,
        name: &str,
        code: Option<&str>,
    ) -> Result<()> {
        let db = self.store.db();
        if let Some(code) = code
            && let Some(other) = repo::by_code(db, code, except).await?
        {
            return Err(DomainError {
                field: Some("division_code"),
                ..DomainError::conflict(
                    "division_code_taken",
                    format!("区划代码 {code} 已被“{}”使用", other.name),
                )
            });
        }
        if repo::sibling_named(db, parent_id, name, except).await? {
            return Err(DomainError {
                field: Some("name"),
                ..DomainError::conflict("name_taken", format!("同一上级下已有名为“{name}”的节点"))
            });
        }
        Ok(())
    }
}

/// A unique violation that slipped past the pre-check (a concurrent insert) is still a
/// conflict for the user, not an internal error.
fn unique(e: jianfu_store::StoreError) -> DomainError {
    if e.is_unique_violation() {
        DomainError::conflict("duplicate", "名称或区划代码与已有节点重复")
    } else {
        e.into()
    }
}

/// Orders nodes so that each parent comes before its children and siblings sort by kind,
/// division code, then name (departments after places).
pub fn sort_tree(nodes: &mut [NodeView]) {
    use std::collections::HashMap;
    let keys: HashMap<i64, (NodeKind, String, String)> = nodes
        .iter()
        .map(|n| {
            (
                n.id,
                (
                    n.kind,
                    n.division_code.clone().unwrap_or_default(),
                    n.name.clone(),
                ),
            )
        })
        .collect();
    let sort_key = |n: &NodeView| -> Vec<(NodeKind, String, String, i64)> {
        n.path
            .split('/')
            .filter_map(|s| s.parse::<i64>().ok())
            .map(|id| {
                let (k, c, nm) = keys.get(&id).cloned().unwrap_or((
                    NodeKind::City,
                    String::new(),
                    String::new(),
                ));
                (k, c, nm, id)
            })
            .collect()
    };
    nodes.sort_by_cached_key(sort_key);
}
