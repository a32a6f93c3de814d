//! Where a principal may act, as the store sees it: whole subtrees of the administrative tree
//! and single nodes, both named by their materialized path (`/1/4/17/`).
//!
//! The domain's `authz::visible` builds a [`Scope`] from the authorization table; the same value
//! answers a single target ([`Scope::covers`]) and becomes SQL for a list ([`Scope::node_ids`],
//! [`Scope::holds`]). This is the one place a scope is turned into SQL, so a list cannot show a
//! row that a direct fetch would refuse.

use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};

use crate::entity::node;

/// The subtrees and single nodes in which an action is allowed. Empty when it is allowed nowhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Paths of subtrees: a node is in scope when its path starts with one of them.
    subtrees: Vec<String>,
    /// Paths of single nodes: the node itself is in scope, not its children.
    nodes: Vec<String>,
}

impl Scope {
    /// A scope of the given subtrees and single nodes (order and repeats do not matter).
    pub fn new(mut subtrees: Vec<String>, mut nodes: Vec<String>) -> Self {
        subtrees.sort_unstable();
        subtrees.dedup();
        // A subtree already holds a node under it; keep only the subtrees nothing else holds.
        let kept: Vec<String> = subtrees
            .iter()
            .filter(|s| {
                !subtrees
                    .iter()
                    .any(|o| o != *s && s.starts_with(o.as_str()))
            })
            .cloned()
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes.retain(|n| !kept.iter().any(|s| n.starts_with(s.as_str())));
        Self {
            subtrees: kept,
            nodes,
        }
    }

    /// The whole subtree at `path`.
    pub fn subtree(path: &str) -> Self {
        Self::new(vec![path.to_owned()], Vec::new())
    }

    /// The scope that holds nothing.
    pub fn nothing() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.subtrees.is_empty() && self.nodes.is_empty()
    }

    /// The nodes in either scope.
    pub fn union(&self, other: &Scope) -> Scope {
        Scope::new(
            self.subtrees
                .iter()
                .chain(&other.subtrees)
                .cloned()
                .collect(),
            self.nodes.iter().chain(&other.nodes).cloned().collect(),
        )
    }

    /// Whether the node with this path is in scope.
    pub fn covers(&self, path: &str) -> bool {
        self.subtrees.iter().any(|s| path.starts_with(s.as_str()))
            || self.nodes.iter().any(|n| n == path)
    }

    /// Whether the scope holds any node of the subtree at `path`: the node itself or one above
    /// it (then it covers it), or one below it.
    pub fn meets(&self, path: &str) -> bool {
        self.covers(path)
            || self
                .subtrees
                .iter()
                .chain(&self.nodes)
                .any(|s| s.starts_with(path))
    }

    /// The subtrees' paths, shortest first among equals (for picking a default, e.g. the ledger's
    /// own jurisdiction).
    pub fn subtrees(&self) -> &[String] {
        &self.subtrees
    }

    /// The condition on `node.path` that selects the nodes in scope (false when empty).
    pub fn path_condition(&self) -> Condition {
        if self.is_empty() {
            return Condition::all().add(Expr::val(1).eq(0));
        }
        let mut any = Condition::any();
        for s in &self.subtrees {
            any = any.add(node::Column::Path.starts_with(s.as_str()));
        }
        for n in &self.nodes {
            any = any.add(node::Column::Path.eq(n.as_str()));
        }
        any
    }

    /// `SELECT id FROM node WHERE …`: the ids of the nodes in scope, as a subquery.
    pub fn node_ids(&self) -> SelectStatement {
        Query::select()
            .column(node::Column::Id)
            .from(node::Entity)
            .cond_where(self.path_condition())
            .to_owned()
    }

    /// `table.column IN (nodes in scope)`: for a row that names its node by id.
    pub fn holds(&self, column: impl ColumnTrait) -> Condition {
        Condition::all().add(column.in_subquery(self.node_ids()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn covers_subtrees_and_single_nodes() {
        let scope = Scope::new(s(&["/1/4/"]), s(&["/1/5/"]));
        assert!(scope.covers("/1/4/"));
        assert!(scope.covers("/1/4/17/"));
        assert!(scope.covers("/1/5/"));
        assert!(
            !scope.covers("/1/5/18/"),
            "a single node does not hold its children"
        );
        assert!(!scope.covers("/1/"));
        assert!(!scope.covers("/1/40/"), "a path prefix is not a subtree");
        assert!(!Scope::nothing().covers("/1/"));
        assert!(Scope::nothing().is_empty());
        assert!(!scope.is_empty());
        assert!(!Scope::new(vec![], s(&["/1/"])).is_empty());
    }

    #[test]
    fn new_drops_what_a_wider_subtree_holds() {
        let scope = Scope::new(
            s(&["/1/4/17/", "/1/4/", "/1/4/"]),
            s(&["/1/4/9/", "/2/", "/2/"]),
        );
        assert_eq!(scope.subtrees(), &s(&["/1/4/"])[..]);
        assert_eq!(scope, Scope::new(s(&["/1/4/"]), s(&["/2/"])));
    }
}
