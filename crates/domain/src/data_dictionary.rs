//! The shared data dictionary (数据字典, 4.8-3; issue 13 §1): one list of the data items a
//! community may be asked for, so that a value is collected once and read by whoever the
//! sharing class lets read it. Each item has a code, a name, a type (with the options of a
//! choice list), a unit, a definition, its authoritative source (一数一源: a department, or the
//! community itself), its update cycle, a sharing class (无条件 / 有条件 with its condition /
//! 不予共享 with its legal reason, 国发〔2016〕51号) and a personal-data flag.
//!
//! The city's data administrator keeps it: the holder of [`Action::ManageDataDictionary`]
//! (the city government, `CityApprover`, see README). Every change makes a new version; every
//! version is kept whole and shown as the item's history, and every change is audited in the
//! same transaction. Staff read the dictionary ([`Action::ViewDataDictionary`]); report forms
//! choose their fields from it.

use jianfu_rules::{FieldKind, SharingClass};
use jianfu_store::repo::data_items::{self, Change, DataItemRow, ListFilter};
use serde::{Deserialize, Serialize};

use crate::authz::Action;
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::page::{Page, PageRequest};
use crate::text::{self, Lines};
use crate::{App, Ctx};

/// The most options a choice list holds.
pub const MAX_OPTIONS: usize = 50;

/// How often the authoritative source updates the value (更新周期).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateCycle {
    /// 实时: the source's system changes it as it happens.
    RealTime,
    Daily,
    Monthly,
    Quarterly,
    Yearly,
    /// 随变随更: whenever it changes (a person moves in, a household is added).
    OnChange,
}

impl UpdateCycle {
    pub const ALL: [UpdateCycle; 6] = [
        Self::RealTime,
        Self::Daily,
        Self::Monthly,
        Self::Quarterly,
        Self::Yearly,
        Self::OnChange,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RealTime => "real_time",
            Self::Daily => "daily",
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::Yearly => "yearly",
            Self::OnChange => "on_change",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::RealTime => "实时",
            Self::Daily => "每日",
            Self::Monthly => "每月",
            Self::Quarterly => "每季度",
            Self::Yearly => "每年",
            Self::OnChange => "随变随更",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The value of the source select that means "the community itself".
pub const SOURCE_COMMUNITY: &str = "community";

/// A data item as the administrator fills it in (page and API alike).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DataItemForm {
    /// Fixed once created: an edit ignores it.
    pub code: String,
    pub name: String,
    /// [`FieldKind::as_str`].
    pub kind: String,
    /// The choice list's options, one per line (only for `choice`).
    pub options: String,
    pub unit: String,
    pub definition: String,
    /// A department's node id, or [`SOURCE_COMMUNITY`].
    pub source: String,
    /// [`UpdateCycle::as_str`].
    pub update_cycle: String,
    /// [`SharingClass::as_str`].
    pub sharing_class: String,
    /// The condition (有条件共享) or the legal reason (不予共享).
    pub sharing_basis: String,
    pub personal: bool,
    /// The version the edit was based on (an edit only; empty: the current one).
    pub version: String,
}

/// A data item as pages and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataItemView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub kind_zh: String,
    pub options: Vec<String>,
    pub unit: String,
    pub definition: String,
    /// The owning department; `None`: the community.
    pub source_node_id: Option<i64>,
    pub source_name: String,
    pub update_cycle: String,
    pub update_cycle_zh: String,
    pub sharing_class: String,
    pub sharing_class_zh: String,
    pub sharing_basis: String,
    pub personal: bool,
    pub version: i32,
    /// When this version was made (Beijing time).
    pub updated_at: String,
}

impl DataItemView {
    /// The form that edits this item, filled with its current values.
    pub fn form(&self) -> DataItemForm {
        DataItemForm {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            options: self.options.join("\n"),
            unit: self.unit.clone(),
            definition: self.definition.clone(),
            source: self
                .source_node_id
                .map_or_else(|| SOURCE_COMMUNITY.to_owned(), |id| id.to_string()),
            update_cycle: self.update_cycle.clone(),
            sharing_class: self.sharing_class.clone(),
            sharing_basis: self.sharing_basis.clone(),
            personal: self.personal,
            version: self.version.to_string(),
        }
    }

    /// The rules' type of the item.
    pub fn field_kind(&self) -> Option<FieldKind> {
        FieldKind::parse(&self.kind)
    }

    /// The rules' sharing class of the item.
    pub fn class(&self) -> Option<SharingClass> {
        SharingClass::parse(&self.sharing_class)
    }
}

/// One version of an item in its history.
#[derive(Clone, Debug, Serialize)]
pub struct DataItemVersionView {
    pub version: i32,
    pub changed_by: String,
    pub changed_at: String,
    /// The item as it read in this version.
    pub item: DataItemView,
}

/// An item and its whole history, the newest version first.
#[derive(Clone, Debug, Serialize)]
pub struct DataItemDetail {
    pub item: DataItemView,
    pub versions: Vec<DataItemVersionView>,
}

/// The dictionary list's filter (a query string: texts).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DataItemFilter {
    /// A text in the code, name or definition.
    pub q: String,
    /// [`FieldKind::as_str`], or empty.
    pub kind: String,
    /// [`SharingClass::as_str`], or empty.
    pub sharing_class: String,
}

/// An item checked and ready to store.
struct Checked {
    code: String,
    name: String,
    kind: FieldKind,
    options: Vec<String>,
    unit: String,
    definition: String,
    source: Option<(i64, String)>,
    update_cycle: UpdateCycle,
    class: SharingClass,
    basis: String,
    personal: bool,
}

fn view_of(row: &DataItemRow, source_name: String) -> DataItemView {
    let options: Vec<String> = serde_json::from_str(&row.options).unwrap_or_default();
    DataItemView {
        id: row.id,
        code: row.code.clone(),
        name: row.name.clone(),
        kind: row.kind.clone(),
        kind_zh: FieldKind::parse(&row.kind)
            .map_or("—", FieldKind::label_zh)
            .to_owned(),
        options,
        unit: row.unit.clone(),
        definition: row.definition.clone(),
        source_node_id: row.source_node_id,
        source_name,
        update_cycle: row.update_cycle.clone(),
        update_cycle_zh: UpdateCycle::parse(&row.update_cycle)
            .map_or("—", UpdateCycle::label_zh)
            .to_owned(),
        sharing_class: row.sharing_class.clone(),
        sharing_class_zh: SharingClass::parse(&row.sharing_class)
            .map_or("—", SharingClass::label_zh)
            .to_owned(),
        sharing_basis: row.sharing_basis.clone(),
        personal: row.personal,
        version: row.version,
        updated_at: crate::clock::fmt_ms(row.updated_at),
    }
}

/// The code: 1–32 of ASCII letters, digits, `_`, `-` and `.`, starting with a letter or digit
/// (as 国标 data-element identifiers are written, e.g. `HJ_RKS`, `A01.02`).
fn check_code(code: &str) -> Result<String> {
    let c = code.trim();
    // `new` and `export.xlsx` are pages of the dictionary, not items.
    let ok = !c.is_empty()
        && c.len() <= 32
        && !matches!(c, "new" | "export.xlsx")
        && c.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(c.to_owned())
    } else {
        Err(DomainError::field(
            "code",
            "data_item_code_invalid",
            "数据项编码由字母、数字、下划线、连字符或点组成（以字母或数字开头，不超过32位）",
        ))
    }
}

impl App {
    /// Checks an item's form, every problem at once. `code` is the code to keep (an edit) or
    /// `None` (a new item: the form's code is checked).
    async fn check_data_item(&self, f: &DataItemForm, code: Option<&str>) -> Result<Checked> {
        let mut p = crate::Problems::new();
        let code = match code {
            Some(c) => Some(c.to_owned()),
            None => p.take(check_code(&f.code)),
        };
        let name = p.take(text::required(
            &f.name,
            Lines::One,
            "name",
            "数据项名称",
            60,
        ));
        let kind =
            p.take(FieldKind::parse(&f.kind).ok_or_else(|| {
                DomainError::field("kind", "data_item_kind_invalid", "请选择数据类型")
            }));
        let options_text = p.take(text::optional(
            &f.options,
            Lines::Many,
            "options",
            "选项",
            2000,
        ));
        let mut options: Vec<String> = Vec::new();
        if let Some(t) = options_text.flatten() {
            for o in t.lines().map(text::visible).filter(|o| !o.is_empty()) {
                if !options.iter().any(|x| x == o) {
                    options.push(o.to_owned());
                }
            }
        }
        if kind == Some(FieldKind::Choice) {
            if options.len() < 2 {
                p.push(DomainError::field(
                    "options",
                    "data_item_options_required",
                    "选项类数据项至少要有两个选项（每行一个）",
                ));
            } else if options.len() > MAX_OPTIONS || options.iter().any(|o| o.chars().count() > 40)
            {
                p.push(DomainError::field(
                    "options",
                    "data_item_options_invalid",
                    format!("选项不超过{MAX_OPTIONS}个，每个不超过40字"),
                ));
            }
        } else if kind.is_some() && !options.is_empty() {
            p.push(DomainError::field(
                "options",
                "data_item_options_unexpected",
                "只有选项类数据项才填写选项",
            ));
        }
        let unit = p
            .take(text::optional(&f.unit, Lines::One, "unit", "计量单位", 20))
            .flatten()
            .unwrap_or_default();
        let definition = p.take(text::required(
            &f.definition,
            Lines::Many,
            "definition",
            "定义和统计口径",
            500,
        ));
        let source = match f.source.trim() {
            SOURCE_COMMUNITY => Some(None),
            s => match s.parse::<i64>().ok() {
                Some(id) => match self.find_node(id).await {
                    Ok(n) if n.kind == NodeKind::Department => Some(Some((n.id, n.name))),
                    Ok(_)
                    | Err(DomainError {
                        kind: crate::ErrorKind::NotFound,
                        ..
                    }) => {
                        p.push(DomainError::field(
                            "source",
                            "data_item_source_invalid",
                            "权威来源应为一个职能部门或“社区(村)”",
                        ));
                        None
                    }
                    Err(e) => return Err(e),
                },
                None => {
                    p.push(DomainError::field(
                        "source",
                        "data_item_source_invalid",
                        "请选择权威来源：一个职能部门或“社区(村)”",
                    ));
                    None
                }
            },
        };
        let update_cycle = p.take(UpdateCycle::parse(&f.update_cycle).ok_or_else(|| {
            DomainError::field("update_cycle", "data_item_cycle_invalid", "请选择更新周期")
        }));
        let class = p.take(SharingClass::parse(&f.sharing_class).ok_or_else(|| {
            DomainError::field(
                "sharing_class",
                "data_item_sharing_invalid",
                "请选择共享属性",
            )
        }));
        let basis = p
            .take(text::optional(
                &f.sharing_basis,
                Lines::Many,
                "sharing_basis",
                "共享条件或不予共享的依据",
                500,
            ))
            .flatten()
            .unwrap_or_default();
        match class {
            Some(SharingClass::Conditional) if basis.is_empty() => p.push(DomainError::field(
                "sharing_basis",
                "sharing_condition_required",
                "有条件共享的数据项须写明共享条件",
            )),
            Some(SharingClass::NotShared) if basis.is_empty() => p.push(DomainError::field(
                "sharing_basis",
                "not_shared_reason_required",
                "不予共享的数据项须写明法律、行政法规或政策依据",
            )),
            _ => {}
        }
        if kind == Some(FieldKind::PersonRecord) && !f.personal {
            p.push(DomainError::field(
                "personal",
                "person_record_is_personal",
                "人员明细类数据项含个人信息，须标记为个人数据",
            ));
        }
        p.finish()?;
        let missing = DomainError::internal;
        Ok(Checked {
            code: code.ok_or_else(missing)?,
            name: name.ok_or_else(missing)?,
            kind: kind.ok_or_else(missing)?,
            options,
            unit,
            definition: definition.ok_or_else(missing)?,
            source: source.ok_or_else(missing)?,
            update_cycle: update_cycle.ok_or_else(missing)?,
            class: class.ok_or_else(missing)?,
            basis: if class == Some(SharingClass::Unconditional) {
                String::new()
            } else {
                basis
            },
            personal: f.personal,
        })
    }

    /// The administrator's permission on the whole dictionary (the city).
    async fn manage_dictionary(&self, ctx: &Ctx) -> Result<()> {
        let root = self.root_node().await?;
        self.check(ctx, Action::ManageDataDictionary, &root.target())
            .await
    }

    fn row_of(c: &Checked, id: i64, version: i32) -> Result<DataItemRow> {
        Ok(DataItemRow {
            id,
            code: c.code.clone(),
            name: c.name.clone(),
            kind: c.kind.as_str().to_owned(),
            options: serde_json::to_string(&c.options).map_err(|_| DomainError::internal())?,
            unit: c.unit.clone(),
            definition: c.definition.clone(),
            source_node_id: c.source.as_ref().map(|s| s.0),
            update_cycle: c.update_cycle.as_str().to_owned(),
            sharing_class: c.class.as_str().to_owned(),
            sharing_basis: c.basis.clone(),
            personal: c.personal,
            version,
            created_at: 0,
            updated_at: 0,
        })
    }

    /// Adds an item to the dictionary (version 1), audited. A code already used is refused.
    pub async fn create_data_item(&self, ctx: &Ctx, f: &DataItemForm) -> Result<DataItemView> {
        self.manage_dictionary(ctx).await?;
        let c = self.check_data_item(f, None).await?;
        if data_items::by_code(self.store.db(), &c.code)
            .await?
            .is_some()
        {
            return Err(DomainError {
                field: Some("code"),
                ..DomainError::conflict(
                    "data_item_code_taken",
                    format!(
                        "数据项编码 {} 已被使用，请换一个编码或修改已有的数据项",
                        c.code
                    ),
                )
            });
        }
        let now = self.now_ms();
        let source_name = c.source.as_ref().map_or("社区(村)", |s| s.1.as_str());
        let mut row = Self::row_of(&c, 0, 1)?;
        row.updated_at = now;
        let body = serde_json::to_string(&view_of(&row, source_name.to_owned()))
            .map_err(|_| DomainError::internal())?;
        let mut tx = self.store.begin_write().await?;
        let id = data_items::insert(
            tx.conn(),
            row,
            &Change {
                by: Some(ctx.principal.account_id),
                by_name: &ctx.principal.username,
                at: now,
                body: &body,
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "dictionary.create",
            "data_item",
            Some(id.to_string()),
            serde_json::json!({
                "code": c.code, "name": c.name, "kind": c.kind.as_str(),
                "sharing_class": c.class.as_str(), "personal": c.personal, "version": 1,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.find_data_item(&c.code).await
    }

    /// Changes item `code` (its code stays), making a new version that keeps the old ones;
    /// audited with the fields that changed. Refused when the item moved on since the form's
    /// `version` (`data_item_changed`), and when nothing changed.
    pub async fn update_data_item(
        &self,
        ctx: &Ctx,
        code: &str,
        f: &DataItemForm,
    ) -> Result<DataItemView> {
        self.manage_dictionary(ctx).await?;
        let current = data_items::by_code(self.store.db(), code)
            .await?
            .ok_or_else(|| DomainError::not_found("数据项"))?;
        let based_on = match f.version.trim() {
            "" => current.version,
            v => v
                .parse::<i32>()
                .map_err(|_| DomainError::field("version", "version_invalid", "版本号无效"))?,
        };
        let c = self.check_data_item(f, Some(&current.code)).await?;
        if based_on != current.version {
            return Err(DomainError::conflict(
                "data_item_changed",
                format!(
                    "该数据项已被修改为第{}版，请刷新后在最新版本上修改",
                    current.version
                ),
            ));
        }
        let mut row = Self::row_of(&c, current.id, current.version)?;
        let changed: Vec<&str> = [
            ("name", row.name != current.name),
            ("kind", row.kind != current.kind),
            ("options", row.options != current.options),
            ("unit", row.unit != current.unit),
            ("definition", row.definition != current.definition),
            ("source", row.source_node_id != current.source_node_id),
            ("update_cycle", row.update_cycle != current.update_cycle),
            ("sharing_class", row.sharing_class != current.sharing_class),
            ("sharing_basis", row.sharing_basis != current.sharing_basis),
            ("personal", row.personal != current.personal),
        ]
        .into_iter()
        .filter_map(|(k, differs)| differs.then_some(k))
        .collect();
        if changed.is_empty() {
            return Err(DomainError::invalid(
                "data_item_unchanged",
                "没有修改任何内容，未生成新版本",
            ));
        }
        let now = self.now_ms();
        let source_name = c.source.as_ref().map_or("社区(村)", |s| s.1.as_str());
        let mut snapshot = row.clone();
        snapshot.version = current.version + 1;
        snapshot.updated_at = now;
        let body = serde_json::to_string(&view_of(&snapshot, source_name.to_owned()))
            .map_err(|_| DomainError::internal())?;
        row.updated_at = now;
        let mut tx = self.store.begin_write().await?;
        let done = data_items::update(
            tx.conn(),
            row,
            &Change {
                by: Some(ctx.principal.account_id),
                by_name: &ctx.principal.username,
                at: now,
                body: &body,
            },
        )
        .await?;
        if !done {
            return Err(DomainError::conflict(
                "data_item_changed",
                "该数据项刚被他人修改，请刷新后在最新版本上修改",
            ));
        }
        tx.audit(ctx.entry(
            "dictionary.update",
            "data_item",
            Some(current.id.to_string()),
            serde_json::json!({
                "code": current.code, "version": current.version + 1, "changed": changed,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.find_data_item(code).await
    }

    async fn source_names(&self, rows: &[DataItemRow]) -> Result<Vec<String>> {
        let mut names: std::collections::HashMap<i64, String> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let name = match r.source_node_id {
                None => "社区(村)".to_owned(),
                Some(id) => match names.get(&id) {
                    Some(n) => n.clone(),
                    None => {
                        let n = self.find_node(id).await?.name;
                        names.insert(id, n.clone());
                        n
                    }
                },
            };
            out.push(name);
        }
        Ok(out)
    }

    async fn find_data_item(&self, code: &str) -> Result<DataItemView> {
        let row = data_items::by_code(self.store.db(), code)
            .await?
            .ok_or_else(|| DomainError::not_found("数据项"))?;
        let name = self.source_names(std::slice::from_ref(&row)).await?;
        Ok(view_of(&row, name.into_iter().next().unwrap_or_default()))
    }

    /// One page of the dictionary, by code, filtered.
    pub async fn list_data_items(
        &self,
        ctx: &Ctx,
        f: &DataItemFilter,
        req: PageRequest,
    ) -> Result<Page<DataItemView>> {
        self.visible_or_deny(ctx, Action::ViewDataDictionary, "您的角色不能查看数据字典")
            .await?;
        let mut p = crate::Problems::new();
        let q = p
            .take(text::optional(&f.q, Lines::One, "q", "搜索内容", 50))
            .flatten()
            .unwrap_or_default();
        if !f.kind.is_empty() && FieldKind::parse(&f.kind).is_none() {
            p.push(DomainError::field(
                "kind",
                "data_item_kind_invalid",
                "数据类型无效",
            ));
        }
        if !f.sharing_class.is_empty() && SharingClass::parse(&f.sharing_class).is_none() {
            p.push(DomainError::field(
                "sharing_class",
                "data_item_sharing_invalid",
                "共享属性无效",
            ));
        }
        p.finish()?;
        let (total, rows) = data_items::list(
            self.store.db(),
            ListFilter {
                q: &q,
                kind: &f.kind,
                sharing_class: &f.sharing_class,
            },
            req.offset(),
            req.per_page,
        )
        .await?;
        let names = self.source_names(&rows).await?;
        let items = rows.iter().zip(names).map(|(r, n)| view_of(r, n)).collect();
        Ok(req.page(items, total))
    }

    /// An item and every version of it, newest first.
    pub async fn data_item(&self, ctx: &Ctx, code: &str) -> Result<DataItemDetail> {
        self.visible_or_deny(ctx, Action::ViewDataDictionary, "您的角色不能查看数据字典")
            .await?;
        let item = self.find_data_item(code).await?;
        let versions = data_items::versions(self.store.db(), item.id)
            .await?
            .into_iter()
            .map(|v| {
                let mut snapshot: DataItemView =
                    serde_json::from_str(&v.body).map_err(|_| DomainError::internal())?;
                // The first version was written before the row had its id.
                snapshot.id = item.id;
                Ok(DataItemVersionView {
                    version: v.version,
                    changed_by: v.changed_by_name,
                    changed_at: crate::clock::fmt_ms(v.changed_at),
                    item: snapshot,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(DataItemDetail { item, versions })
    }

    /// The departments an item's source may name (every department of the tree), in tree order.
    pub async fn data_item_sources(&self, ctx: &Ctx) -> Result<Vec<crate::tree::NodeView>> {
        self.manage_dictionary(ctx).await?;
        Ok(self
            .nodes_where(&ctx.principal, Action::ManageDataDictionary)
            .await?
            .into_iter()
            .filter(|n| n.kind == NodeKind::Department)
            .collect())
    }
}
