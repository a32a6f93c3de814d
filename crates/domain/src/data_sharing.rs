//! Departments read shared data instead of asking again (issue 13 §3, 4.8-3 "数据一次采集、资源
//! 多方共享"): a department reads a community's current values of data items without filing a
//! form, as each item's sharing class lets it — 无条件共享 at once; 有条件共享 once its request,
//! stating the purpose, was approved by the item's owner (the authoritative source department,
//! or the community holding the value); 不予共享 never, the refusal citing the item's legal
//! reason. The department reads only communities in its jurisdiction (the subtree its grant
//! serves, as its forms' targets), through [`authz::visible`]. Every read, request and decision
//! is audited.

use std::collections::{BTreeMap, HashMap};

use jianfu_rules::SharingClass;
use jianfu_store::repo::data_requests::{self, DataRequestRow, Decision};
use jianfu_store::repo::{data_items, form_returns, tree as tree_repo};
use serde::{Deserialize, Serialize};

use crate::authz::{self, Action, Target};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::page::{Page, PageRequest};
use crate::text;
use crate::{App, Ctx};

/// The clause every sharing decision applies.
pub const CLAUSE: &str = "4.8-3";

/// At most this many items in one read.
pub const MAX_ITEMS: usize = 50;

/// The states of a request to read a 有条件 item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Pending,
    Approved,
    Refused,
}

impl RequestState {
    pub const ALL: [RequestState; 3] = [Self::Pending, Self::Approved, Self::Refused];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Pending => "待审批",
            Self::Approved => "已同意",
            Self::Refused => "已拒绝",
        }
    }

    pub fn stored(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(DomainError::internal)
    }
}

/// One item's current value as a department reads it.
#[derive(Clone, Debug, Serialize)]
pub struct SharedValueView {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub sharing_class: String,
    pub sharing_class_zh: &'static str,
    /// Why this reader may read it (无条件共享 / the approved request / its own item).
    pub basis: String,
    /// `None` when the community holds no value yet.
    pub value: Option<String>,
    /// `YYYY-MM-DD` of the value.
    pub as_of: Option<String>,
    /// The form whose return carried the value.
    pub source: Option<String>,
    /// For a person-level item, the persons the community keeps, masked (the read is in the
    /// access log, issue 13 §4); `None` for other items.
    pub persons: Option<Vec<crate::person_record::PersonEntryView>>,
}

/// A read of one community's values.
#[derive(Clone, Debug, Serialize)]
pub struct SharedDataView {
    pub community_id: i64,
    pub community_name: String,
    pub values: Vec<SharedValueView>,
    pub clauses: Vec<String>,
}

/// A request to read a 有条件 item.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = DataRequestOut)]
pub struct DataRequestView {
    pub id: i64,
    pub requester_id: i64,
    pub requester_name: String,
    pub requested_by: String,
    pub item_code: String,
    pub item_name: String,
    pub community_id: i64,
    pub community_name: String,
    /// Who decides: the item's source department or the community.
    pub owner_id: i64,
    pub owner_name: String,
    pub purpose: String,
    /// `pending`, `approved` or `refused`.
    #[schema(value_type = String)]
    pub state: RequestState,
    #[schema(value_type = String)]
    pub state_zh: &'static str,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: String,
    pub created_at: String,
    // Whether the reader may approve or refuse it now.
    pub can_decide: bool,
}

/// How a read is made: its stated purpose (required for a person-level item without an
/// approved request) and the way, for the access log.
#[derive(Clone, Copy, Debug)]
pub struct ReadHow<'a> {
    pub purpose: &'a str,
    pub channel: crate::person_record::AccessChannel,
}

/// A department's request, as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct DataRequestForm {
    pub community_id: i64,
    pub item_code: String,
    pub purpose: String,
}

impl App {
    /// The department's jurisdiction: the subtrees where it reads shared data. Refuses a
    /// reader without a sharing right (recording the denial).
    async fn reading_scope(&self, ctx: &Ctx) -> Result<authz::Scope> {
        let scope = authz::visible(&ctx.principal, Action::ReadSharedData);
        if scope.is_empty() {
            self.record_denial(ctx, Action::ReadSharedData, None).await;
            return Err(ctx.principal.blocked().unwrap_or_else(|| {
                DomainError::new(
                    ErrorKind::Forbidden,
                    "data_read_forbidden",
                    "只有市、区职能部门能读取社区(村)的共享数据（4.8-3）；您的角色没有共享数据的读取权限",
                )
            }));
        }
        Ok(scope)
    }

    /// The community `id`, if the reader's jurisdiction holds it (else refused, audited).
    async fn readable_community(&self, ctx: &Ctx, id: i64) -> Result<crate::tree::NodeView> {
        self.reading_scope(ctx).await?;
        let node = self.find_node(id).await?;
        if !node.kind.is_community() {
            return Err(DomainError::field(
                "community_id",
                "data_community_invalid",
                "请选择一个社区或村",
            ));
        }
        if authz::authorize(
            &ctx.principal,
            Action::ReadSharedData,
            &Target {
                node_id: node.id,
                path: &node.path,
            },
        )
        .is_err()
        {
            self.record_denial(ctx, Action::ReadSharedData, Some(node.id))
                .await;
            return Err(DomainError::new(
                ErrorKind::Forbidden,
                "data_community_out_of_reach",
                format!(
                    "“{}”不在本部门的管辖范围内，不能读取其数据（4.8-3）",
                    node.name
                ),
            ));
        }
        Ok(node)
    }

    /// The communities the reader may read, by path (the page's choice).
    pub async fn shared_data_communities(&self, ctx: &Ctx) -> Result<Vec<crate::tree::NodeView>> {
        let scope = self.reading_scope(ctx).await?;
        tree_repo::under(self.store.db(), &scope)
            .await?
            .into_iter()
            .filter(|n| NodeKind::parse(&n.kind).is_ok_and(NodeKind::is_community))
            .map(crate::tree::NodeView::from_row)
            .collect()
    }

    /// A department reads community `community_id`'s current values of `codes` (4.8-3): each
    /// item as its sharing class lets this reader, or the whole read refused with the first
    /// item it may not read — `data_not_shared` citing the item's legal reason,
    /// `data_request_required` / `data_request_pending` / `data_request_refused` for a 有条件
    /// item without an approved request. Audited (`data.read`).
    ///
    /// A person-level item's persons are read too (masked) and each is written to the access
    /// log with the purpose: the approved request's for a 有条件 item, else `how.purpose`,
    /// which is then required (`data_purpose_required`).
    pub async fn read_shared_data(
        &self,
        ctx: &Ctx,
        community_id: i64,
        codes: &[String],
        how: &ReadHow<'_>,
    ) -> Result<SharedDataView> {
        let community = self.readable_community(ctx, community_id).await?;
        let mut wanted: Vec<String> = Vec::new();
        for c in codes {
            let c = c.trim();
            if !c.is_empty() && !wanted.iter().any(|w| w == c) {
                wanted.push(c.to_owned());
            }
        }
        if wanted.is_empty() {
            return Err(DomainError::field(
                "items",
                "data_items_required",
                "请至少选择一个数据项",
            ));
        }
        if wanted.len() > MAX_ITEMS {
            return Err(DomainError::field(
                "items",
                "data_items_too_many",
                format!("一次最多读取 {MAX_ITEMS} 个数据项"),
            ));
        }
        let own_units = authz::own_units(&ctx.principal, Action::ReadSharedData);
        let requests =
            data_requests::of_reader(self.store.db(), &own_units, &wanted, community.id).await?;
        let mut items = Vec::with_capacity(wanted.len());
        let mut problems = crate::Problems::new();
        for code in &wanted {
            let Some(item) = data_items::by_code(self.store.db(), code).await? else {
                problems.push(DomainError::field(
                    "items",
                    "data_item_unknown",
                    format!("数据字典中没有编码为 {code} 的数据项"),
                ));
                continue;
            };
            items.push(item);
        }
        problems.finish()?;
        let mut basis: HashMap<String, String> = HashMap::new();
        let mut purposes: HashMap<String, String> = HashMap::new();
        for item in &items {
            let class =
                SharingClass::parse(&item.sharing_class).ok_or_else(DomainError::internal)?;
            let own = item.source_node_id.is_some_and(|s| own_units.contains(&s));
            let of_item: Vec<&DataRequestRow> = requests
                .iter()
                .filter(|r| r.item_code == item.code)
                .collect();
            let approved = of_item
                .iter()
                .find(|r| r.state == RequestState::Approved.as_str());
            if !class.readable(own, approved.is_some()) {
                self.record_denial(ctx, Action::ReadSharedData, Some(community.id))
                    .await;
                return Err(refusal(class, item, of_item.first().copied()));
            }
            if item.kind == jianfu_rules::FieldKind::PersonRecord.as_str() {
                let purpose = match approved {
                    Some(r) => r.purpose.clone(),
                    None => text::visible(how.purpose).to_owned(),
                };
                if purpose.is_empty() {
                    return Err(DomainError::field(
                        "purpose",
                        "data_purpose_required",
                        format!(
                            "读取人员明细“{}”须填写用途，读取将记入个人数据访问记录（4.8-3）",
                            item.name
                        ),
                    ));
                }
                if purpose.chars().count() > jianfu_rules::person_data::MAX_PURPOSE {
                    return Err(DomainError::field(
                        "purpose",
                        "data_purpose_too_long",
                        format!("用途不能超过 {} 字", jianfu_rules::person_data::MAX_PURPOSE),
                    ));
                }
                purposes.insert(item.code.clone(), purpose);
            }
            basis.insert(
                item.code.clone(),
                if own {
                    "本部门为该数据项的权威来源".to_owned()
                } else if let Some(r) = approved {
                    format!(
                        "有条件共享：共享申请第 {} 号已获同意（用途：{}）",
                        r.id, r.purpose
                    )
                } else {
                    "无条件共享".to_owned()
                },
            );
        }
        let rows = form_returns::current_values(self.store.db(), community.id, &wanted).await?;
        let demand_ids: Vec<i64> = rows.iter().map(|r| r.source_demand_id).collect();
        let titles = form_returns::demand_titles(self.store.db(), &demand_ids).await?;
        let by_code: BTreeMap<&str, _> = rows.iter().map(|r| (r.item_code.as_str(), r)).collect();
        let mut tx = self.store.begin_write().await?;
        let mut persons: HashMap<String, Vec<crate::person_record::PersonEntryView>> =
            HashMap::new();
        if !purposes.is_empty() {
            let by = self.read_by(ctx, Action::ReadSharedData).await?;
            for item in &items {
                if let Some(purpose) = purposes.get(&item.code) {
                    let read = self
                        .read_persons(&tx, &by, &community, item, purpose, how.channel)
                        .await?;
                    persons.insert(item.code.clone(), read);
                }
            }
        }
        let values: Vec<SharedValueView> = items
            .iter()
            .map(|item| {
                let v = by_code.get(item.code.as_str());
                let class = SharingClass::parse(&item.sharing_class);
                SharedValueView {
                    code: item.code.clone(),
                    name: item.name.clone(),
                    unit: item.unit.clone(),
                    sharing_class: item.sharing_class.clone(),
                    sharing_class_zh: class.map_or("—", SharingClass::label_zh),
                    basis: basis.remove(&item.code).unwrap_or_default(),
                    value: v.map(|r| r.value.clone()),
                    as_of: v.map(|r| r.as_of.clone()),
                    source: v.and_then(|r| titles.get(&r.source_demand_id).cloned()),
                    persons: persons.remove(&item.code),
                }
            })
            .collect();
        tx.audit(ctx.entry(
            "data.read",
            "node",
            Some(community.id.to_string()),
            serde_json::json!({
                "community": community.name,
                "items": wanted,
                "purposes": purposes,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        Ok(SharedDataView {
            community_id: community.id,
            community_name: community.name,
            values,
            clauses: vec![CLAUSE.to_owned()],
        })
    }

    /// A department asks to read a 有条件 item of a community in its jurisdiction, stating the
    /// purpose; the item's owner decides once. Audited (`data_request.create`).
    pub async fn create_data_request(
        &self,
        ctx: &Ctx,
        f: &DataRequestForm,
    ) -> Result<DataRequestView> {
        let community = self.readable_community(ctx, f.community_id).await?;
        let mut p = crate::Problems::new();
        let purpose = text::visible(&f.purpose).to_owned();
        if purpose.chars().count() < 4 || purpose.chars().count() > 500 {
            p.push(DomainError::field(
                "purpose",
                "data_request_purpose_invalid",
                "请写明读取该数据的用途（4 至 500 字）",
            ));
        }
        let code = f.item_code.trim();
        let item = data_items::by_code(self.store.db(), code).await?;
        if item.is_none() {
            p.push(DomainError::field(
                "item_code",
                "data_item_unknown",
                format!("数据字典中没有编码为 {code} 的数据项"),
            ));
        }
        p.finish()?;
        let item = item.ok_or_else(DomainError::internal)?;
        let class = SharingClass::parse(&item.sharing_class).ok_or_else(DomainError::internal)?;
        let own_units = authz::own_units(&ctx.principal, Action::ReadSharedData);
        // The requesting department: the reader's department whose jurisdiction holds the
        // community.
        let mut requester = None;
        for g in &ctx.principal.grants {
            if authz::permits(g.role, Action::ReadSharedData)
                && community.path.starts_with(&g.scope_path)
            {
                requester = Some(g.node_id);
                break;
            }
        }
        let requester = requester.ok_or_else(DomainError::internal)?;
        if item.source_node_id.is_some_and(|s| own_units.contains(&s)) {
            return Err(DomainError::conflict(
                "data_request_not_needed",
                format!(
                    "本部门是“{}”的权威来源，无需申请即可读取（4.8-3）",
                    item.name
                ),
            ));
        }
        match class {
            SharingClass::Unconditional => {
                return Err(DomainError::conflict(
                    "data_request_not_needed",
                    format!("“{}”为无条件共享，无需申请即可读取（4.8-3）", item.name),
                ));
            }
            SharingClass::NotShared => return Err(refusal(class, &item, None)),
            SharingClass::Conditional => {}
        }
        let held = data_requests::of_reader(
            self.store.db(),
            &[requester],
            std::slice::from_ref(&item.code),
            community.id,
        )
        .await?;
        if let Some(r) = held.iter().find(|r| {
            r.state == RequestState::Pending.as_str() || r.state == RequestState::Approved.as_str()
        }) {
            return Err(DomainError::conflict(
                "data_request_exists",
                format!(
                    "本部门对“{}”在{}的共享申请第 {} 号{}，无需重复申请",
                    item.name,
                    community.name,
                    r.id,
                    RequestState::stored(&r.state)?.label_zh()
                ),
            ));
        }
        let owner = item.source_node_id.unwrap_or(community.id);
        let now = self.now_ms();
        let row = DataRequestRow {
            id: 0,
            requester_node_id: requester,
            requested_by: ctx.principal.account_id,
            requested_by_name: ctx.principal.display_name.clone(),
            item_code: item.code.clone(),
            community_node_id: community.id,
            owner_node_id: owner,
            purpose: purpose.clone(),
            state: RequestState::Pending.as_str().to_owned(),
            decided_by: None,
            decided_by_name: None,
            decided_at: None,
            decision_note: String::new(),
            created_at: now,
        };
        let mut tx = self.store.begin_write().await?;
        let id = data_requests::insert(tx.conn(), &row).await?;
        tx.audit(ctx.entry(
            "data_request.create",
            "data_request",
            Some(id.to_string()),
            serde_json::json!({
                "item": item.code,
                "community": community.name,
                "owner_node_id": owner,
                "purpose": purpose,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.data_request(ctx, id).await
    }

    /// The owner approves (once) or refuses a pending request; refusing needs a reason.
    /// Audited (`data_request.approve` / `data_request.refuse`).
    pub async fn decide_data_request(
        &self,
        ctx: &Ctx,
        id: i64,
        approve: bool,
        note: &str,
    ) -> Result<DataRequestView> {
        let row = data_requests::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("共享申请"))?;
        let owners = authz::own_units(&ctx.principal, Action::DecideDataRequest);
        if !owners.contains(&row.owner_node_id) {
            self.record_denial(ctx, Action::DecideDataRequest, Some(row.owner_node_id))
                .await;
            return Err(ctx.principal.blocked().unwrap_or_else(|| {
                DomainError::forbidden(
                    "只有该数据项的权威来源部门或持有数据的社区(村)能审批此共享申请",
                )
            }));
        }
        let note = text::visible(note).to_owned();
        if note.chars().count() > 500 || (!approve && note.chars().count() < 2) {
            return Err(DomainError::field(
                "note",
                "data_request_note_invalid",
                "拒绝共享申请须写明理由（2 至 500 字）",
            ));
        }
        let state = RequestState::stored(&row.state)?;
        if state != RequestState::Pending {
            return Err(DomainError::conflict(
                "data_request_decided",
                format!("该共享申请已{}，不能再次审批", state.label_zh()),
            ));
        }
        let to = if approve {
            RequestState::Approved
        } else {
            RequestState::Refused
        };
        let mut tx = self.store.begin_write().await?;
        let changed = data_requests::decide(
            tx.conn(),
            id,
            Decision {
                from: RequestState::Pending.as_str(),
                to: to.as_str(),
                by: ctx.principal.account_id,
                by_name: &ctx.principal.display_name,
                at: self.now_ms(),
                note: &note,
            },
        )
        .await?;
        if !changed {
            return Err(DomainError::conflict(
                "data_request_decided",
                "该共享申请已被审批，不能再次审批",
            ));
        }
        tx.audit(ctx.entry(
            if approve {
                "data_request.approve"
            } else {
                "data_request.refuse"
            },
            "data_request",
            Some(id.to_string()),
            serde_json::json!({
                "item": row.item_code,
                "community_node_id": row.community_node_id,
                "requester_node_id": row.requester_node_id,
                "note": note,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.data_request(ctx, id).await
    }

    /// One request, for its department or its owner.
    pub async fn data_request(&self, ctx: &Ctx, id: i64) -> Result<DataRequestView> {
        let row = data_requests::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("共享申请"))?;
        let requesters = authz::own_units(&ctx.principal, Action::ReadSharedData);
        let owners = authz::own_units(&ctx.principal, Action::DecideDataRequest);
        if !requesters.contains(&row.requester_node_id) && !owners.contains(&row.owner_node_id) {
            return Err(DomainError::not_found("共享申请"));
        }
        self.request_views(vec![row], &owners)
            .await?
            .pop()
            .ok_or_else(DomainError::internal)
    }

    /// The requests the reader's department filed and those it (or its community) decides, the
    /// newest first.
    pub async fn list_data_requests(
        &self,
        ctx: &Ctx,
        req: PageRequest,
    ) -> Result<Page<DataRequestView>> {
        let requesters = authz::own_units(&ctx.principal, Action::ReadSharedData);
        let owners = authz::own_units(&ctx.principal, Action::DecideDataRequest);
        if requesters.is_empty() && owners.is_empty() {
            self.record_denial(ctx, Action::DecideDataRequest, None)
                .await;
            return Err(ctx
                .principal
                .blocked()
                .unwrap_or_else(|| DomainError::forbidden("您的角色不能查看共享申请")));
        }
        let (total, rows) = data_requests::list(
            self.store.db(),
            &requesters,
            &owners,
            req.offset(),
            req.per_page,
        )
        .await?;
        Ok(req.page(self.request_views(rows, &owners).await?, total))
    }

    /// The 有条件 items a department may ask for (the request form's choice).
    pub async fn conditional_items(
        &self,
        ctx: &Ctx,
    ) -> Result<Vec<crate::data_dictionary::DataItemView>> {
        self.reading_scope(ctx).await?;
        Ok(self
            .form_items(ctx)
            .await?
            .into_iter()
            .filter(|i| i.class() == Some(SharingClass::Conditional))
            .collect())
    }

    async fn request_views(
        &self,
        rows: Vec<DataRequestRow>,
        owners: &[i64],
    ) -> Result<Vec<DataRequestView>> {
        let mut ids: Vec<i64> = rows
            .iter()
            .flat_map(|r| [r.requester_node_id, r.community_node_id, r.owner_node_id])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let names: HashMap<i64, String> = tree_repo::by_ids(self.store.db(), ids)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name))
            .collect();
        let mut item_names: HashMap<String, String> = HashMap::new();
        for r in &rows {
            if !item_names.contains_key(&r.item_code) {
                let n = data_items::by_code(self.store.db(), &r.item_code)
                    .await?
                    .map_or_else(|| r.item_code.clone(), |i| i.name);
                item_names.insert(r.item_code.clone(), n);
            }
        }
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        rows.into_iter()
            .map(|r| {
                let state = RequestState::stored(&r.state)?;
                Ok(DataRequestView {
                    id: r.id,
                    requester_id: r.requester_node_id,
                    requester_name: name(r.requester_node_id),
                    requested_by: r.requested_by_name,
                    item_name: item_names.get(&r.item_code).cloned().unwrap_or_default(),
                    item_code: r.item_code,
                    community_id: r.community_node_id,
                    community_name: name(r.community_node_id),
                    owner_id: r.owner_node_id,
                    owner_name: name(r.owner_node_id),
                    purpose: r.purpose,
                    state,
                    state_zh: state.label_zh(),
                    decided_by: r.decided_by_name,
                    decided_at: r.decided_at.map(crate::clock::fmt_ms),
                    decision_note: r.decision_note,
                    created_at: crate::clock::fmt_ms(r.created_at),
                    can_decide: state == RequestState::Pending && owners.contains(&r.owner_node_id),
                })
            })
            .collect()
    }
}

/// Why a department may not read `item` (4.8-3): 不予共享 with its legal reason, or a 有条件
/// item whose latest request is missing, pending or refused.
fn refusal(
    class: SharingClass,
    item: &data_items::DataItemRow,
    latest: Option<&DataRequestRow>,
) -> DomainError {
    let forbidden = |code, msg: String| DomainError::new(ErrorKind::Forbidden, code, msg);
    match class {
        SharingClass::NotShared => forbidden(
            "data_not_shared",
            format!(
                "数据项“{}”不予共享（{}），任何部门都不能读取（4.8-3）",
                item.name, item.sharing_basis
            ),
        ),
        _ => match latest.map(|r| r.state.as_str()) {
            Some(s) if s == RequestState::Pending.as_str() => forbidden(
                "data_request_pending",
                format!(
                    "数据项“{}”为有条件共享（{}），本部门的共享申请尚待审批（4.8-3）",
                    item.name, item.sharing_basis
                ),
            ),
            Some(s) if s == RequestState::Refused.as_str() => forbidden(
                "data_request_refused",
                format!(
                    "数据项“{}”为有条件共享（{}），本部门的共享申请已被拒绝，不能读取（4.8-3）",
                    item.name, item.sharing_basis
                ),
            ),
            _ => forbidden(
                "data_request_required",
                format!(
                    "数据项“{}”为有条件共享（{}），须先提交共享申请并经权威来源同意（4.8-3）",
                    item.name, item.sharing_basis
                ),
            ),
        },
    }
}
