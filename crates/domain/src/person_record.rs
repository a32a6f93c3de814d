//! Person-level records and who read them (人员明细, issue 13 §4; 4.8-3 规范…共享范围、共享方式和
//! 共享标准): a community keeps records of persons for the dictionary's `person_record` items
//! (低保 households, elderly living alone …), the full ID number sealed at rest with the
//! personal-data key and found by its blind index, masked on every page and answer. Every read
//! of a record by anyone other than the community that holds it — a department's read of
//! shared data (page or API) or its export — and every read of a full ID number is a row of
//! the access log (who, for which unit, when, purpose, item, the person by blind index). A
//! resident whose account carries a checked ID number sees the reads of their own records at
//! `/me/data-access`; the audit administrator sees every read. Exports state a purpose and are
//! masked unless the community head asks for full numbers (and that read is logged too).

use jianfu_rules::FieldKind;
use jianfu_rules::person_data::{self, ExportRefusal, Reader};
use jianfu_store::WriteTx;
use jianfu_store::personal::PERSON_ID_NUMBER;
use jianfu_store::repo::person_records::{
    self as repo, AccessFilter, AccessRow, IdentityRow, NewPersonRecord, PersonRecordRow,
};
use jianfu_store::repo::{data_items, tree as tree_repo};
use serde::{Deserialize, Serialize};

/// The units, communities and items the access log names (its filters' choices).
pub use jianfu_store::repo::person_records::AccessParties;

use crate::authz::{self, Action, Role};
use crate::clock::{fmt_ms, rules_date};
use crate::error::{DomainError, ErrorKind, Result};
use crate::id_number::IdNumber;
use crate::page::{Page, PageRequest};
use crate::text::{self, Lines};
use crate::{App, Ctx};

/// The clause every decision here applies.
pub const CLAUSE: &str = "4.8-3";

/// How a record was read, as the access log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessChannel {
    /// A department's read of shared data through the API.
    ApiRead,
    /// A department's read of shared data on the `/data` page.
    PageRead,
    /// An export to Excel.
    Export,
}

impl AccessChannel {
    pub const ALL: [AccessChannel; 3] = [Self::ApiRead, Self::PageRead, Self::Export];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ApiRead => "api_read",
            Self::PageRead => "page_read",
            Self::Export => "export",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::ApiRead => "接口读取",
            Self::PageRead => "页面查阅",
            Self::Export => "导出",
        }
    }

    fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or(Self::PageRead)
    }
}

/// A new record, as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct PersonRecordForm {
    pub item_code: String,
    pub name: String,
    pub id_number: String,
    #[serde(default)]
    pub details: String,
}

/// A record as the holding community's list shows it (the ID number masked).
#[derive(Clone, Debug, Serialize)]
pub struct PersonRecordView {
    pub id: i64,
    pub community_id: i64,
    pub item_code: String,
    pub item_name: String,
    pub name: String,
    pub id_masked: String,
    pub details: String,
    pub created_by: String,
    pub created_at: String,
}

/// A person of a record as a reader other than the holder sees it: name and ID masked.
#[derive(Clone, Debug, Serialize)]
pub struct PersonEntryView {
    pub record_id: i64,
    pub name_masked: String,
    pub id_masked: String,
}

/// One row of an export: the ID masked, or in full where the terms allow it.
#[derive(Clone, Debug, Serialize)]
pub struct PersonExportRow {
    pub item_name: String,
    pub name: String,
    pub id_number: String,
    pub details: String,
    pub created_at: String,
}

/// One read of a person's record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = DataAccessOut)]
pub struct DataAccessView {
    pub id: i64,
    pub at: String,
    pub reader_name: String,
    pub reader_unit_id: i64,
    /// The department (or unit) that read.
    pub reader_unit_name: String,
    pub community_id: i64,
    pub community_name: String,
    pub item_code: String,
    pub item_name: String,
    pub record_id: i64,
    pub purpose: String,
    /// `api_read`, `page_read` or `export`.
    #[schema(value_type = String)]
    pub channel: AccessChannel,
    #[schema(value_type = String)]
    pub channel_zh: &'static str,
    /// The full ID number was read.
    pub clear_id: bool,
}

/// The access log's filters, as a query string holds them (texts; blank is "any").
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AccessQuery {
    /// The reading unit's id.
    #[serde(default)]
    pub unit: Option<String>,
    /// The community holding the records.
    #[serde(default)]
    pub community: Option<String>,
    /// The data item's code.
    #[serde(default)]
    pub item: Option<String>,
    /// `YYYY-MM-DD`, from that day on (Beijing time).
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, up to and including that day.
    #[serde(default)]
    pub to: Option<String>,
}

/// A resident's own reads: the masked ID number the account carries, and a page of reads.
#[derive(Clone, Debug, Serialize)]
pub struct MyDataAccess {
    /// `None` when no ID number was recorded for the account (nothing can be found then).
    pub id_masked: Option<String>,
    pub reads: Page<DataAccessView>,
}

/// A name masked for readers other than the holder: its first character, then one `*` per
/// further character.
pub fn mask_name(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(first) => std::iter::once(first).chain(c.map(|_| '*')).collect(),
        None => String::new(),
    }
}

fn access_view(r: AccessRow) -> DataAccessView {
    let channel = AccessChannel::stored(&r.channel);
    DataAccessView {
        id: r.id,
        at: fmt_ms(r.at),
        reader_name: r.reader_name,
        reader_unit_id: r.reader_unit_id,
        reader_unit_name: r.reader_unit_name,
        community_id: r.community_node_id,
        community_name: r.community_name,
        item_code: r.item_code,
        item_name: r.item_name,
        record_id: r.person_record_id,
        purpose: r.purpose,
        channel,
        channel_zh: channel.label_zh(),
        clear_id: r.clear_id,
    }
}

fn export_refusal(e: ExportRefusal) -> DomainError {
    match e {
        ExportRefusal::PurposeRequired => DomainError::field(
            "purpose",
            "export_purpose_required",
            "导出个人数据须填写用途（4.8-3）",
        ),
        ExportRefusal::PurposeTooLong => DomainError::field(
            "purpose",
            "export_purpose_too_long",
            format!("用途不能超过 {} 字", person_data::MAX_PURPOSE),
        ),
        ExportRefusal::ClearNotAllowed => DomainError::new(
            ErrorKind::Forbidden,
            "export_clear_id_forbidden",
            "只有社区(村)负责人可以导出完整身份证号（4.8-3）；请导出脱敏数据",
        ),
    }
}

/// The reader of a read: who and for which unit (the first unit the action is held at).
pub(crate) struct ReadBy {
    pub account_id: i64,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
}

impl App {
    /// The community `id` if the caller keeps its person-level records (its own staff), else
    /// refused and the denial recorded.
    async fn own_community(&self, ctx: &Ctx, id: i64) -> Result<crate::tree::NodeView> {
        if let Some(e) = ctx.principal.blocked() {
            return Err(e);
        }
        if !authz::own_units(&ctx.principal, Action::KeepPersonRecords).contains(&id) {
            self.record_denial(ctx, Action::KeepPersonRecords, Some(id))
                .await;
            return Err(DomainError::new(
                ErrorKind::Forbidden,
                "person_records_other_community",
                "只能查看和登记本社区(村)的人员明细（4.8-3）",
            ));
        }
        self.find_node(id).await
    }

    /// The community whose records the caller keeps (the first, for an account serving
    /// several), and whether the caller may export full ID numbers there.
    pub async fn record_community(&self, ctx: &Ctx) -> Result<(crate::tree::NodeView, bool)> {
        let id = authz::own_units(&ctx.principal, Action::KeepPersonRecords)
            .first()
            .copied();
        let Some(id) = id else {
            self.record_denial(ctx, Action::KeepPersonRecords, None)
                .await;
            return Err(ctx.principal.blocked().unwrap_or_else(|| {
                DomainError::forbidden("只有社区(村)工作人员维护本社区(村)的人员明细")
            }));
        };
        let may_clear = authz::own_units(&ctx.principal, Action::ReadClearIdNumbers).contains(&id);
        Ok((self.find_node(id).await?, may_clear))
    }

    /// The reader's name and unit for the access log.
    pub(crate) async fn read_by(&self, ctx: &Ctx, action: Action) -> Result<ReadBy> {
        let unit_id = authz::own_units(&ctx.principal, action)
            .first()
            .copied()
            .ok_or_else(DomainError::internal)?;
        let unit_name = tree_repo::by_id(self.store.db(), unit_id)
            .await?
            .map(|n| n.name)
            .unwrap_or_default();
        Ok(ReadBy {
            account_id: ctx.principal.account_id,
            name: ctx.principal.display_name.clone(),
            unit_id,
            unit_name,
        })
    }

    /// The dictionary's person-level items (code, name), for the community's forms.
    pub async fn person_record_items(&self) -> Result<Vec<(String, String)>> {
        let filter = data_items::ListFilter {
            kind: FieldKind::PersonRecord.as_str(),
            ..Default::default()
        };
        let (_, rows) = data_items::list(self.store.db(), filter, 0, 1000).await?;
        Ok(rows.into_iter().map(|i| (i.code, i.name)).collect())
    }

    async fn person_item(&self, code: &str) -> Result<data_items::DataItemRow> {
        match data_items::by_code(self.store.db(), code.trim()).await? {
            Some(i) if i.kind == FieldKind::PersonRecord.as_str() => Ok(i),
            _ => Err(DomainError::field(
                "item_code",
                "person_record_item_invalid",
                "请选择数据字典中的一个人员明细数据项",
            )),
        }
    }

    /// A community's staff add a record of a person (every problem of the form at once); the
    /// ID number (GB 11643 check digit) is sealed bound to the row, with its masked form and
    /// blind index. One record per person, item and community. Audited
    /// (`person_record.create`, the ID masked).
    pub async fn add_person_record(
        &self,
        ctx: &Ctx,
        community_id: i64,
        f: &PersonRecordForm,
    ) -> Result<PersonRecordView> {
        let community = self.own_community(ctx, community_id).await?;
        let mut p = crate::Problems::new();
        let item = p.take(self.person_item(&f.item_code).await);
        let name = p.take(text::required(&f.name, Lines::One, "name", "姓名", 50));
        let id = p.take(IdNumber::parse(&f.id_number, rules_date(self.today())?));
        let details = p.take(text::optional(
            &f.details,
            Lines::Many,
            "details",
            "说明",
            500,
        ));
        p.finish()?;
        let (Some(item), Some(name), Some(id), Some(details)) = (item, name, id, details) else {
            return Err(DomainError::internal());
        };
        let details = details.unwrap_or_default();
        let index = self.id_number_index(id.full());
        if repo::exists(self.store.db(), community.id, &item.code, &index).await? {
            return Err(DomainError::conflict(
                "person_record_duplicate",
                format!("本社区(村)的“{}”中已有此人（{}）", item.name, id.masked()),
            ));
        }
        self.store.refresh_data_keys()?;
        let now = self.now_ms();
        let masked = id.masked();
        let mut tx = self.store.begin_write().await?;
        let row_id = repo::insert(
            tx.conn(),
            &NewPersonRecord {
                community_node_id: community.id,
                item_code: &item.code,
                name: &name,
                id_masked: &masked,
                id_index: &index,
                details: &details,
                created_by: ctx.principal.account_id,
                created_by_name: &ctx.principal.display_name,
                now,
            },
        )
        .await?;
        let sealed = self
            .store
            .data_keys()
            .encrypt(PERSON_ID_NUMBER, row_id, id.full());
        repo::set_id_number(tx.conn(), row_id, sealed).await?;
        tx.audit(ctx.entry(
            "person_record.create",
            "person_record",
            Some(row_id.to_string()),
            serde_json::json!({
                "community": community.name,
                "item": item.code,
                "name": name,
                "id_number": masked,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        Ok(PersonRecordView {
            id: row_id,
            community_id: community.id,
            item_code: item.code,
            item_name: item.name,
            name,
            id_masked: masked,
            details,
            created_by: ctx.principal.display_name.clone(),
            created_at: fmt_ms(now),
        })
    }

    /// One page of a community's records for its own staff (of `item` if given; `q` in the
    /// name, or a full ID number found by its blind index), newest first.
    pub async fn list_person_records(
        &self,
        ctx: &Ctx,
        community_id: i64,
        item: Option<&str>,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<PersonRecordView>> {
        let community = self.own_community(ctx, community_id).await?;
        let item = item.map(str::trim).filter(|s| !s.is_empty());
        let q = q.map(str::trim).filter(|s| !s.is_empty());
        let index = q.map(|q| self.id_number_index(&q.to_ascii_uppercase()));
        let (rows, total) = repo::page(
            self.store.db(),
            community.id,
            item,
            q.zip(index.as_deref()),
            page.offset(),
            page.per_page,
        )
        .await?;
        let names = self.item_names().await?;
        Ok(Page {
            items: rows.into_iter().map(|r| record_view(r, &names)).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    async fn item_names(&self) -> Result<std::collections::HashMap<String, String>> {
        Ok(self.person_record_items().await?.into_iter().collect())
    }

    /// A community's staff export its records of `item_code` (4.8-3): a purpose is required,
    /// ID numbers are masked unless `clear` is asked by the community head; a clear export is
    /// a read of every person's full number and is logged for each. Audited
    /// (`person_record.export` with the purpose, the count and whether in clear).
    pub async fn export_person_records(
        &self,
        ctx: &Ctx,
        community_id: i64,
        item_code: &str,
        purpose: &str,
        clear: bool,
    ) -> Result<Vec<PersonExportRow>> {
        let community = self.own_community(ctx, community_id).await?;
        let may_clear =
            authz::own_units(&ctx.principal, Action::ReadClearIdNumbers).contains(&community.id);
        let mut p = crate::Problems::new();
        let item = p.take(self.person_item(item_code).await);
        let terms = match person_data::check_export(purpose, clear, may_clear) {
            Ok(t) => Some(t),
            Err(ExportRefusal::ClearNotAllowed) => {
                self.record_denial(ctx, Action::ReadClearIdNumbers, Some(community.id))
                    .await;
                return Err(export_refusal(ExportRefusal::ClearNotAllowed));
            }
            Err(e) => {
                p.push(export_refusal(e));
                None
            }
        };
        p.finish()?;
        let (Some(item), Some(terms)) = (item, terms) else {
            return Err(DomainError::internal());
        };
        let rows = repo::of_item(self.store.db(), community.id, &item.code).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id_number = if terms.clear_id {
                self.store
                    .open_personal(PERSON_ID_NUMBER, r.id, &r.id_number)
                    .map_err(|_| {
                        DomainError::new(
                            ErrorKind::Internal,
                            "personal_data_unreadable",
                            format!("第 {} 号人员明细的身份证号无法解密，请联系系统管理员", r.id),
                        )
                    })?
            } else {
                r.id_masked.clone()
            };
            out.push(PersonExportRow {
                item_name: item.name.clone(),
                name: r.name.clone(),
                id_number,
                details: r.details.clone(),
                created_at: fmt_ms(r.created_at),
            });
        }
        let mut tx = self.store.begin_write().await?;
        if person_data::logged(Reader::Holder, terms.clear_id).is_some() {
            let by = self.read_by(ctx, Action::KeepPersonRecords).await?;
            let log = access_rows(
                &by,
                &community,
                &item,
                &rows,
                &terms.purpose,
                AccessChannel::Export,
                terms.clear_id,
                self.now_ms(),
            );
            repo::log_reads(tx.conn(), log).await?;
        }
        tx.audit(ctx.entry(
            "person_record.export",
            "node",
            Some(community.id.to_string()),
            serde_json::json!({
                "community": community.name,
                "item": item.code,
                "purpose": terms.purpose,
                "rows": out.len(),
                "clear_id": terms.clear_id,
                "clauses": [terms.clause.as_str()],
            }),
        ))
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The persons of `item` that `community` keeps, as a reader other than the holder sees
    /// them (masked), the read written to the access log in `tx` with its purpose (4.8-3).
    pub(crate) async fn read_persons(
        &self,
        tx: &WriteTx,
        by: &ReadBy,
        community: &crate::tree::NodeView,
        item: &data_items::DataItemRow,
        purpose: &str,
        channel: AccessChannel,
    ) -> Result<Vec<PersonEntryView>> {
        let rows = repo::of_item(tx.conn(), community.id, &item.code).await?;
        if person_data::logged(Reader::Other, false).is_some() {
            let log = access_rows(
                by,
                community,
                item,
                &rows,
                purpose,
                channel,
                false,
                self.now_ms(),
            );
            repo::log_reads(tx.conn(), log).await?;
        }
        Ok(rows
            .into_iter()
            .map(|r| PersonEntryView {
                record_id: r.id,
                name_masked: mask_name(&r.name),
                id_masked: r.id_masked,
            })
            .collect())
    }

    /// The system administrator records the ID number of a resident's account, checked in
    /// person (实名): only its blind index and masked form are kept, by which the resident
    /// finds the reads of their own records. Audited (`resident.identity`, masked).
    pub async fn set_resident_identity(
        &self,
        ctx: &Ctx,
        account_id: i64,
        id_number: &str,
    ) -> Result<()> {
        let account = self.account_detail(ctx, account_id).await?;
        let home = self.find_node(account.home_node_id).await?;
        self.check(ctx, Action::ManageAccounts, &home.target())
            .await?;
        if !account.grants.iter().any(|g| g.role == Role::Resident) {
            return Err(DomainError::conflict(
                "identity_not_resident",
                "只有居民账号登记身份证号",
            ));
        }
        let id = IdNumber::parse(id_number, rules_date(self.today())?)?;
        let mut tx = self.store.begin_write().await?;
        repo::set_identity(
            tx.conn(),
            IdentityRow {
                account_id,
                id_masked: id.masked(),
                id_index: self.id_number_index(id.full()),
                set_by: ctx.principal.account_id,
                set_at: self.now_ms(),
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "resident.identity",
            "account",
            Some(account_id.to_string()),
            serde_json::json!({ "username": account.username, "id_number": id.masked() }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The masked ID number recorded for resident account `account_id` (`None`: none yet),
    /// for the account page of whoever may record it.
    pub async fn resident_identity(&self, ctx: &Ctx, account_id: i64) -> Result<Option<String>> {
        let account = self.account_detail(ctx, account_id).await?;
        let home = self.find_node(account.home_node_id).await?;
        self.check(ctx, Action::ManageAccounts, &home.target())
            .await?;
        Ok(repo::identity(self.store.db(), account_id)
            .await?
            .map(|i| i.id_masked))
    }

    /// A resident's reads of their own records by others, newest first (`/me/data-access`):
    /// found by the blind index of the ID number recorded for the account, and nothing else.
    pub async fn my_data_access(&self, ctx: &Ctx, page: PageRequest) -> Result<MyDataAccess> {
        if !ctx.principal.may(Action::ViewOwnDataAccess) {
            self.record_denial(ctx, Action::ViewOwnDataAccess, None)
                .await;
            return Err(ctx.principal.blocked().unwrap_or_else(|| {
                DomainError::forbidden("只有居民本人查看自己的数据被读取记录")
            }));
        }
        let identity = repo::identity(self.store.db(), ctx.principal.account_id).await?;
        let Some(identity) = identity else {
            return Ok(MyDataAccess {
                id_masked: None,
                reads: Page {
                    items: Vec::new(),
                    total: 0,
                    page: page.page,
                    per_page: page.per_page,
                },
            });
        };
        let filter = AccessFilter {
            person_index: Some(&identity.id_index),
            ..Default::default()
        };
        let (rows, total) =
            repo::access_page(self.store.db(), &filter, page.offset(), page.per_page).await?;
        Ok(MyDataAccess {
            id_masked: Some(identity.id_masked),
            reads: Page {
                items: rows.into_iter().map(access_view).collect(),
                total,
                page: page.page,
                per_page: page.per_page,
            },
        })
    }

    /// Only the audit administrator reads the access log (denials recorded).
    async fn may_read_access_log(&self, ctx: &Ctx) -> Result<()> {
        if ctx.principal.may(Action::ViewDataAccessLog) {
            return Ok(());
        }
        self.record_denial(ctx, Action::ViewDataAccessLog, None)
            .await;
        Err(ctx
            .principal
            .blocked()
            .unwrap_or_else(|| DomainError::forbidden("只有审计管理员查阅个人数据访问记录")))
    }

    /// The reading units, communities and items the access log names, as the choices of its
    /// filters (the audit administrator).
    pub async fn data_access_parties(&self, ctx: &Ctx) -> Result<AccessParties> {
        self.may_read_access_log(ctx).await?;
        Ok(repo::access_parties(self.store.db()).await?)
    }

    /// Every read of personal data (the audit administrator), newest first, under `q`.
    pub async fn list_data_access(
        &self,
        ctx: &Ctx,
        q: &AccessQuery,
        page: PageRequest,
    ) -> Result<Page<DataAccessView>> {
        self.may_read_access_log(ctx).await?;
        let mut p = crate::Problems::new();
        let id_of = |s: &Option<String>, field: &'static str| -> Result<Option<i64>> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(t) => t.parse().map(Some).map_err(|_| {
                    DomainError::field(field, "filter_invalid", "应为单位编号（数字）")
                }),
            }
        };
        let unit = p.take(id_of(&q.unit, "unit")).flatten();
        let community = p.take(id_of(&q.community, "community")).flatten();
        let day = |s: &Option<String>, field: &'static str| -> Result<Option<i64>> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(d) => crate::clock::day_start_ms(d, field).map(Some),
            }
        };
        let from = p.take(day(&q.from, "from")).flatten();
        let to = p.take(day(&q.to, "to")).flatten().map(|t| t + 86_400_000);
        p.finish()?;
        let item = q.item.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let filter = AccessFilter {
            person_index: None,
            reader_unit_id: unit,
            community_node_id: community,
            item_code: item,
            from,
            until: to,
        };
        let (rows, total) =
            repo::access_page(self.store.db(), &filter, page.offset(), page.per_page).await?;
        Ok(Page {
            items: rows.into_iter().map(access_view).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}

fn record_view(
    r: PersonRecordRow,
    names: &std::collections::HashMap<String, String>,
) -> PersonRecordView {
    PersonRecordView {
        id: r.id,
        community_id: r.community_node_id,
        item_name: names.get(&r.item_code).cloned().unwrap_or_default(),
        item_code: r.item_code,
        name: r.name,
        id_masked: r.id_masked,
        details: r.details,
        created_by: r.created_by_name,
        created_at: fmt_ms(r.created_at),
    }
}

/// The access log's rows of one read of `rows`.
#[allow(clippy::too_many_arguments)]
fn access_rows(
    by: &ReadBy,
    community: &crate::tree::NodeView,
    item: &data_items::DataItemRow,
    rows: &[PersonRecordRow],
    purpose: &str,
    channel: AccessChannel,
    clear_id: bool,
    now: i64,
) -> Vec<AccessRow> {
    rows.iter()
        .map(|r| AccessRow {
            id: 0,
            at: now,
            reader_account_id: by.account_id,
            reader_name: by.name.clone(),
            reader_unit_id: by.unit_id,
            reader_unit_name: by.unit_name.clone(),
            community_node_id: community.id,
            community_name: community.name.clone(),
            item_code: item.code.clone(),
            item_name: item.name.clone(),
            person_record_id: r.id,
            person_index: r.id_index.clone(),
            purpose: purpose.to_owned(),
            channel: channel.as_str().to_owned(),
            clear_id,
        })
        .collect()
}
