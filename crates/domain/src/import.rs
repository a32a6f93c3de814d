//! Excel import of work-item demands: a department drafts many demands at once from a
//! spreadsheet (format in `docs/import.md`). Each row becomes a [`DemandForm`] and goes through
//! [`App::create_demand`] — the same validation, the same rules, its own transaction and audit
//! entries — so a row is either wholly in or wholly out, and a bad row never stops the good ones.
//!
//! What this module adds is only the translation from cells to the form: Chinese labels to
//! keys (责任主体 → `responsible`), Excel dates to `YYYY-MM-DD`, and target names or division
//! codes to node ids, resolved once for the whole file among the requester's drafting places.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx};
use jianfu_store::repo::tree;
use serde::Serialize;

use crate::demand::{DemandForm, DemandStatus};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::{App, Ctx};

/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 10_000;
/// Widest sheet accepted: content in a column past this one (CV) is refused. The template
/// has 19 columns; Excel allows 16,384, and each column of a kept row costs memory.
pub const MAX_COLUMNS: u32 = 100;
/// Largest file accepted (the server refuses larger bodies before they reach here).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Largest total unpacked size of the parts inside the xlsx (a zip archive): a 5 MiB upload
/// could otherwise unpack to gigabytes (a "zip bomb").
const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;

/// The columns of the import sheet: (Chinese header, [`DemandForm`] field). Every one must be
/// present in the header row; order is free and other columns are ignored.
pub const COLUMNS: [(&str, &str); 19] = [
    ("事项名称", "title"),
    ("事项内容", "description"),
    ("事项类别", "category"),
    ("社区角色", "community_role"),
    ("属于部门职责", "within_own_duty"),
    ("依据类别", "legal_basis_kind"),
    ("依据名称", "legal_basis_title"),
    ("条款", "legal_basis_article"),
    ("经费(元)", "funding_yuan"),
    ("经费来源", "funding_source"),
    ("公益性", "public_interest"),
    ("专业性", "professional"),
    ("技术性", "technical"),
    ("每次耗时(分钟)", "minutes_per_occurrence"),
    ("每年次数", "occurrences_per_year"),
    ("开始日期", "period_start"),
    ("结束日期", "period_end"),
    ("派发范围", "target_mode"),
    ("派发对象", "target_ids"),
];

/// The Chinese column header of a form field, for reporting an error against its column.
pub fn column_of(field: &str) -> Option<&'static str> {
    COLUMNS.iter().find(|(_, f)| *f == field).map(|(c, _)| *c)
}

/// One row that went in: its demand and where the lifecycle put it (with `submit`, rows the
/// rules refuse are stored as rejected demands, with the clauses that refused them).
#[derive(Clone, Debug, Serialize)]
pub struct ImportedRow {
    /// The row number as Excel shows it (the header is usually row 1).
    pub row: u32,
    pub demand_id: i64,
    pub title: String,
    pub status: DemandStatus,
    pub status_zh: &'static str,
    /// Clauses the rules applied (empty for drafts).
    pub clauses: Vec<String>,
}

/// One row that did not go in, and why.
#[derive(Clone, Debug, Serialize)]
pub struct ImportFailure {
    pub row: u32,
    /// The Chinese column header at fault, when the error is about one cell.
    pub column: Option<&'static str>,
    pub code: &'static str,
    pub message: String,
}

/// The outcome of one import. Every data row is in exactly one of `imported` and `failed`.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    /// Data rows in the file (blank rows are not counted).
    pub total_rows: usize,
    pub imported: Vec<ImportedRow>,
    pub failed: Vec<ImportFailure>,
}

impl ImportReport {
    /// Imported rows the rules refused (stored as rejected demands).
    pub fn rejected(&self) -> usize {
        self.imported
            .iter()
            .filter(|r| r.status == DemandStatus::Rejected)
            .count()
    }
}

/// The first sheet, read: which column holds which field, and the non-blank data rows with
/// their Excel row numbers.
struct Sheet {
    columns: HashMap<&'static str, usize>,
    rows: Vec<(u32, Vec<Data>)>,
}

impl Sheet {
    fn cell<'a>(&self, row: &'a [Data], field: &str) -> &'a Data {
        self.columns
            .get(field)
            .and_then(|i| row.get(*i))
            .unwrap_or(&Data::Empty)
    }
    fn text(&self, row: &[Data], field: &str) -> String {
        cell_text(self.cell(row, field))
    }
}

fn not_xlsx() -> DomainError {
    DomainError::invalid(
        "import_not_xlsx",
        "文件不是 Excel 工作簿（.xlsx），无法读取；请用 Excel 或 WPS 另存为 .xlsx 后重试",
    )
}

/// Headers compare without spaces and with ASCII parentheses, so that 经费（元） matches 经费(元).
fn normalize_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// A cell as the text a form field would carry.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Numbers as typed: whole numbers without a fraction, money without float noise.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if ((f * 100.0).round() - f * 100.0).abs() < 1e-6 {
        let s = format!("{f:.2}");
        s.trim_end_matches('0').to_owned()
    } else {
        f.to_string()
    }
}

/// Opens the upload as an xlsx workbook and reads its first sheet.
///
/// The sheet is read cell by cell as its XML streams past, keeping only cells with content,
/// never as one dense range: a sheet's extent is whatever its farthest cell says, and a
/// 1.5 KB file with cells at A1 and XFD1048576 would otherwise ask for 17 billion cells
/// (512 GiB). Content beyond [`MAX_COLUMNS`] is refused, and so is a row past the
/// [`MAX_ROWS`]th, before it is kept.
fn read_sheet(bytes: &[u8]) -> Result<Sheet> {
    // An xlsx file is a zip archive: check the magic first, so that a renamed text file gets a
    // clear answer without any parsing.
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map_err(|_| not_xlsx())?.size();
        unpacked = unpacked.saturating_add(size);
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(DomainError::invalid(
            "import_file_too_large",
            "文件解压后过大，无法导入；请删除无关的工作表、图片后重试",
        ));
    }
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let Some(name) = book.sheet_names().into_iter().next() else {
        return Err(empty());
    };
    let mut cells = match book.worksheet_cells_reader(&name) {
        Ok(reader) => reader,
        // The first sheet is a chart, not a table.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Err(empty()),
        Err(_) => return Err(not_xlsx()),
    };
    // Non-blank rows by their index (Excel's row number less one), each with its cells up to
    // its last non-blank one. The XML lists rows in order, but nothing here relies on it.
    let mut kept: BTreeMap<u32, Vec<Data>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| not_xlsx())? {
        let (row, col) = cell.get_position();
        let value = cell.get_value();
        if is_blank_ref(value) {
            continue;
        }
        if col >= MAX_COLUMNS {
            return Err(DomainError::invalid(
                "import_sheet_too_large",
                format!(
                    "表格范围过大：第一个工作表的 {}{} 单元格有内容，超出了导入允许的 {MAX_COLUMNS} 列；请删除表格右侧多余的内容后重试",
                    column_letters(col),
                    u64::from(row) + 1
                ),
            ));
        }
        if !kept.contains_key(&row) && kept.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        let cells_of_row = kept.entry(row).or_default();
        let col = col as usize;
        if cells_of_row.len() <= col {
            cells_of_row.resize(col + 1, Data::Empty);
        }
        cells_of_row[col] = Data::from(value.clone());
    }
    let mut rows = kept.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(empty());
    };
    let mut columns = HashMap::new();
    let mut duplicated = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let h = normalize_header(&cell_text(cell));
        if let Some((title, field)) = COLUMNS.iter().find(|(t, _)| *t == h)
            && columns.insert(*field, i).is_some()
        {
            duplicated.push(*title);
        }
    }
    if !duplicated.is_empty() {
        return Err(DomainError::invalid(
            "import_duplicate_columns",
            format!("表头中以下列出现了不止一次：{}", duplicated.join("、")),
        ));
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(_, f)| !columns.contains_key(f))
        .map(|(t, _)| *t)
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::invalid(
            "import_missing_columns",
            format!(
                "第一个工作表的第一行（表头）缺少以下列：{}；请使用导入模板",
                missing.join("、")
            ),
        ));
    }
    // Excel numbers rows from 1; a sheet has at most 1,048,576 rows, so the number fits.
    let data: Vec<(u32, Vec<Data>)> = rows.map(|(row, cells)| (row + 1, cells)).collect();
    if data.is_empty() {
        return Err(empty());
    }
    Ok(Sheet {
        columns,
        rows: data,
    })
}

fn too_many_rows() -> DomainError {
    DomainError::invalid(
        "import_too_many_rows",
        format!("一次最多导入 {MAX_ROWS} 行事项；请把文件拆分后分批导入"),
    )
}

/// Whether a cell as read has no content (empty, or only white space).
fn is_blank_ref(d: &DataRef<'_>) -> bool {
    match d {
        DataRef::Empty => true,
        DataRef::String(s) => s.trim().is_empty(),
        DataRef::SharedString(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Excel's letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA, 16383 → XFD.
fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn empty() -> DomainError {
    DomainError::invalid(
        "import_empty",
        "第一个工作表中没有事项：第一行应为表头，从第二行起每行一个事项",
    )
}

fn yes_no(text: &str, field: &'static str) -> Result<bool> {
    match text {
        "是" | "Y" | "y" | "TRUE" | "true" | "1" | "√" => Ok(true),
        "否" | "" | "N" | "n" | "FALSE" | "false" | "0" => Ok(false),
        _ => Err(DomainError::field(
            field,
            "import_yes_no_invalid",
            format!("应填“是”或“否”，而不是“{text}”"),
        )),
    }
}

/// 责任主体/协助 to the form's keys; anything else goes through as typed, for the form's own
/// validation to refuse with its own message.
fn community_role(text: &str) -> String {
    match text {
        "责任主体" => "responsible".into(),
        "协助" => "assisting".into(),
        other => other.to_owned(),
    }
}

fn legal_basis_kind(text: &str) -> String {
    match text {
        "法律" => "law".into(),
        "法规" | "地方性法规" => "regulation".into(),
        "规章" => "rule".into(),
        "空" | "无" => String::new(),
        other => other.to_owned(),
    }
}

fn target_mode(text: &str) -> String {
    match text {
        "全辖区" => "scope".into(),
        "街道" | "乡镇" | "街道(乡镇)" | "街道（乡镇）" => "streets".into(),
        "社区" | "村" | "社区(村)" | "社区（村）" => "communities".into(),
        other => other.to_owned(),
    }
}

/// Names or codes in a 派发对象 cell.
fn target_tokens(text: &str) -> Vec<String> {
    text.split(['、', ',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_division_code(t: &str) -> bool {
    t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Category key or name to key. Names are matched among today's categories first, so that a
/// renamed or retired category does not shadow the current one.
fn category_key(text: &str, today: &[(String, String, bool)]) -> Result<String> {
    if text.is_empty() {
        return Ok(String::new());
    }
    if let Some((key, ..)) = today.iter().find(|(k, n, _)| k == text || n == text) {
        return Ok(key.clone());
    }
    let all = jianfu_rules::Lists::official().map_err(|_| DomainError::internal())?;
    if let Some(c) = all
        .categories()
        .iter()
        .find(|c| c.key == text || c.name == text)
    {
        // Listed but not in force: the rules refuse it with their clause.
        return Ok(c.key.clone());
    }
    Err(DomainError::field(
        "category",
        "import_category_unknown",
        format!("事项类别“{text}”不在类别清单中；请填写清单中的类别名称（如“卫生健康”）或代码"),
    ))
}

/// The places a requester may target, by name and by division code; the names and codes of
/// the other nodes of its jurisdiction (the district itself, departments); and those in the file
/// that exist but lie outside its jurisdiction.
struct Places {
    by_name: HashMap<String, Vec<(i64, NodeKind)>>,
    by_code: HashMap<String, i64>,
    not_places: HashSet<String>,
    elsewhere: HashSet<String>,
}

impl Places {
    fn contains(&self, token: &str) -> bool {
        self.by_code.contains_key(token)
            || self.by_name.contains_key(token)
            || self.not_places.contains(token)
    }

    /// One name or code to a node id. A place of the wrong kind (a community where streets are
    /// asked for) is passed on, for the form's validation to name it.
    fn resolve(&self, token: &str, mode: &str) -> Result<i64> {
        let bad = |code: &'static str, message: String| {
            Err(DomainError::field("target_ids", code, message))
        };
        let found = if is_division_code(token) {
            self.by_code.get(token).copied()
        } else {
            match self.by_name.get(token).map(Vec::as_slice) {
                None | Some([]) => None,
                Some([(id, _)]) => Some(*id),
                Some(many) => {
                    let wanted: Vec<i64> = many
                        .iter()
                        .filter(|(_, k)| match mode {
                            "streets" => k.is_subdistrict(),
                            _ => k.is_community(),
                        })
                        .map(|(id, _)| *id)
                        .collect();
                    match wanted.as_slice() {
                        [id] => Some(*id),
                        _ => {
                            return bad(
                                "import_target_ambiguous",
                                format!("派发对象“{token}”有重名，请改填其 12 位区划代码"),
                            );
                        }
                    }
                }
            }
        };
        match found {
            Some(id) => Ok(id),
            None if self.not_places.contains(token) => bad(
                "target_kind_invalid",
                format!("“{token}”不是街道(乡镇)或社区(村)，不能作为派发对象"),
            ),
            None if self.elsewhere.contains(token) => bad(
                "import_target_out_of_jurisdiction",
                format!("“{token}”不在本部门管辖范围内，不能向其派发事项"),
            ),
            None => bad(
                "import_target_not_found",
                format!(
                    "派发对象“{token}”不存在；请填写街道(乡镇)、社区(村)的名称或 12 位区划代码"
                ),
            ),
        }
    }
}

impl App {
    /// Imports work-item demands from an xlsx file for the department `requester_node_id`; with
    /// `submit`, each imported row is also submitted (the rules decide at once). Errors about
    /// the file as a whole (not an xlsx, empty, missing columns, too many rows) import nothing;
    /// errors about a row leave that row out and are listed in the report.
    pub async fn import_demands(
        &self,
        ctx: &Ctx,
        requester_node_id: i64,
        bytes: &[u8],
        submit: bool,
    ) -> Result<ImportReport> {
        // Who drafts comes first: someone who may not draft for this department learns nothing
        // about the file.
        let (requester, _, scope) = self.requester_for(ctx, requester_node_id).await?;
        if bytes.len() > MAX_FILE_BYTES {
            return Err(DomainError::invalid(
                "import_file_too_large",
                "文件超过 5 MiB，无法导入；请拆分后分批导入",
            ));
        }
        let sheet = read_sheet(bytes)?;
        let places = self.places_for(&scope.path, &sheet).await?;
        let categories = self.demand_categories();

        let mut report = ImportReport {
            total_rows: sheet.rows.len(),
            imported: Vec::new(),
            failed: Vec::new(),
        };
        let mut rows = sheet.rows.iter();
        for (row, cells) in rows.by_ref() {
            let created = match row_form(&sheet, cells, requester.id, &categories, &places) {
                Ok(form) => self.create_demand(ctx, &form, submit).await,
                Err(e) => Err(e),
            };
            match created {
                Ok(d) => report.imported.push(ImportedRow {
                    row: *row,
                    demand_id: d.id,
                    title: d.title,
                    status: d.status,
                    status_zh: d.status_zh,
                    clauses: d.decision.map(|x| x.clauses).unwrap_or_default(),
                }),
                Err(e) => {
                    let internal = e.kind == ErrorKind::Internal;
                    report.failed.push(ImportFailure {
                        row: *row,
                        column: e.field.and_then(column_of),
                        code: e.code,
                        message: e.message,
                    });
                    // The database is failing: stop rather than fail ten thousand rows one by
                    // one; the rows already in stay in (each was its own transaction).
                    if internal {
                        break;
                    }
                }
            }
        }
        for (row, _) in rows {
            report.failed.push(ImportFailure {
                row: *row,
                column: None,
                code: "import_aborted",
                message: "因系统错误导入中止，本行未导入；请稍后重新导入未成功的行".into(),
            });
        }
        self.store
            .audit_only(ctx.entry(
                "demand.import",
                "node",
                Some(requester.id.to_string()),
                serde_json::json!({
                    "requester": requester.name,
                    "file_bytes": bytes.len(),
                    "total_rows": report.total_rows,
                    "imported": report.imported.len(),
                    "rejected": report.rejected(),
                    "failed": report.failed.len(),
                    "submit": submit,
                }),
            ))
            .await?;
        Ok(report)
    }

    /// Resolves every target name and code of the file in one pass: the requester's streets,
    /// towns, communities and villages in one query, and the names and codes not among them in
    /// one more (to tell "outside your jurisdiction" from "does not exist").
    async fn places_for(&self, scope_path: &str, sheet: &Sheet) -> Result<Places> {
        let mut places = Places {
            by_name: HashMap::new(),
            by_code: HashMap::new(),
            not_places: HashSet::new(),
            elsewhere: HashSet::new(),
        };
        let under = tree::under_path(self.store.db(), scope_path).await?;
        for n in under {
            let Ok(kind) = NodeKind::parse(&n.kind) else {
                continue;
            };
            if !(kind.is_subdistrict() || kind.is_community()) {
                places.not_places.extend(n.division_code);
                places.not_places.insert(n.name);
                continue;
            }
            if let Some(code) = n.division_code {
                places.by_code.insert(code, n.id);
            }
            places.by_name.entry(n.name).or_default().push((n.id, kind));
        }
        let unknown: HashSet<String> = sheet
            .rows
            .iter()
            .flat_map(|(_, cells)| target_tokens(&sheet.text(cells, "target_ids")))
            .filter(|t| !places.contains(t))
            .collect();
        let unknown: Vec<String> = unknown.into_iter().collect();
        for chunk in unknown.chunks(500) {
            let found = tree::named_or_coded(self.store.db(), chunk.to_vec()).await?;
            for n in found {
                places.elsewhere.insert(n.name);
                if let Some(code) = n.division_code {
                    places.elsewhere.insert(code);
                }
            }
        }
        Ok(places)
    }
}

/// One data row to the draft form. Errors here are about reading the cells; everything else is
/// left to the form's own validation.
fn row_form(
    sheet: &Sheet,
    cells: &[Data],
    requester_node_id: i64,
    categories: &[(String, String, bool)],
    places: &Places,
) -> Result<DemandForm> {
    let text = |field: &str| sheet.text(cells, field);
    let mode = target_mode(&text("target_mode"));
    let tokens = target_tokens(&text("target_ids"));
    let target_ids = if mode == "scope" {
        if !tokens.is_empty() {
            return Err(DomainError::field(
                "target_ids",
                "import_targets_with_scope",
                "派发范围为“全辖区”时派发对象应留空；如只派发给部分街道或社区，请把派发范围改为“街道”或“社区”",
            ));
        }
        Vec::new()
    } else {
        tokens
            .iter()
            .map(|t| places.resolve(t, &mode))
            .collect::<Result<Vec<_>>>()?
    };
    Ok(DemandForm {
        requester_node_id,
        title: text("title"),
        description: text("description"),
        category: category_key(&text("category"), categories)?,
        community_role: community_role(&text("community_role")),
        within_own_duty: yes_no(&text("within_own_duty"), "within_own_duty")?,
        legal_basis_kind: legal_basis_kind(&text("legal_basis_kind")),
        legal_basis_title: text("legal_basis_title"),
        legal_basis_article: text("legal_basis_article"),
        funding_yuan: text("funding_yuan"),
        funding_source: text("funding_source"),
        public_interest: yes_no(&text("public_interest"), "public_interest")?,
        professional: yes_no(&text("professional"), "professional")?,
        technical: yes_no(&text("technical"), "technical")?,
        minutes_per_occurrence: text("minutes_per_occurrence"),
        occurrences_per_year: text("occurrences_per_year"),
        period_start: text("period_start"),
        period_end: text("period_end"),
        target_mode: mode,
        target_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(float_text(30.0), "30");
        assert_eq!(float_text(1200.5), "1200.5");
        assert_eq!(float_text(1234.56), "1234.56");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(1.234), "1.234");
    }

    #[test]
    fn headers_tolerate_full_width_parentheses_and_spaces() {
        assert_eq!(normalize_header(" 经费（元） "), "经费(元)");
        assert_eq!(normalize_header("每次耗时 (分钟)"), "每次耗时(分钟)");
    }

    #[test]
    fn labels_to_keys() {
        assert_eq!(community_role("责任主体"), "responsible");
        assert_eq!(community_role("协助"), "assisting");
        assert_eq!(community_role("主办"), "主办");
        assert_eq!(legal_basis_kind("法规"), "regulation");
        assert_eq!(legal_basis_kind(""), "");
        assert_eq!(target_mode("全辖区"), "scope");
        assert_eq!(target_mode("街道"), "streets");
        assert_eq!(target_mode("社区"), "communities");
        assert!(yes_no("是", "technical").unwrap());
        assert!(!yes_no("", "technical").unwrap());
        assert_eq!(
            yes_no("也许", "technical").unwrap_err().code,
            "import_yes_no_invalid"
        );
    }

    #[test]
    fn target_lists_split_on_chinese_and_ascii_separators() {
        assert_eq!(
            target_tokens("示例和平社区、示例光明社区, 210302092001，"),
            vec!["示例和平社区", "示例光明社区", "210302092001"]
        );
        assert!(is_division_code("210302092001"));
        assert!(!is_division_code("21030209200"));
    }

    #[test]
    fn not_a_workbook() {
        let e = read_sheet(b"title,category\n").err().unwrap();
        assert_eq!(e.code, "import_not_xlsx");
        // Zip magic, but not a zip.
        let e = read_sheet(b"PK\x03\x04 garbage").err().unwrap();
        assert_eq!(e.code, "import_not_xlsx");
    }

    #[test]
    fn every_form_field_has_one_column() {
        let fields: HashSet<&str> = COLUMNS.iter().map(|(_, f)| *f).collect();
        assert_eq!(fields.len(), COLUMNS.len());
        assert_eq!(column_of("period_end"), Some("结束日期"));
        assert_eq!(column_of("requester_node_id"), None);
    }

    /// A 1.5 KB workbook whose first sheet has 事项名称 in A1 and one cell at XFD1048576, the
    /// last cell Excel allows: read as one dense range it is 17 billion cells (512 GiB).
    fn far_cell_workbook() -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "事项名称").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        wb.save_to_buffer().unwrap()
    }

    /// Run by [`sparse_workbook_with_far_cell_is_refused_without_allocating`] in a child
    /// process whose address space is capped, so that a regression aborts the child (its
    /// allocation fails) instead of taking the machine's memory.
    #[test]
    #[ignore = "run under a memory cap by sparse_workbook_with_far_cell_is_refused_without_allocating"]
    fn far_cell_workbook_under_memory_cap() {
        let bytes = far_cell_workbook();
        assert!(bytes.len() < 8 * 1024, "{} bytes", bytes.len());
        let e = read_sheet(&bytes).err().unwrap();
        assert_eq!(e.code, "import_sheet_too_large");
        assert!(e.message.starts_with("表格范围过大"), "{}", e.message);
        assert!(e.message.contains("XFD1048576"), "{}", e.message);
    }

    #[test]
    fn sparse_workbook_with_far_cell_is_refused_without_allocating() {
        let exe = std::env::current_exe().unwrap();
        // 2 GiB of address space: ample for the test harness, far below the dense range.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"ulimit -v 2097152 && exec "$0" "$@""#)
            .arg(exe)
            .args([
                "--exact",
                "import::tests::far_cell_workbook_under_memory_cap",
                "--ignored",
                "--test-threads=1",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{:?}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A workbook with `cells` ((row, column, text)) on its first sheet.
    fn workbook(cells: &[(u32, u16, String)]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, c, text) in cells {
            ws.write_string(*r, *c, text).unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn rows_keep_their_excel_numbers_and_columns_their_places() {
        let mut cells: Vec<(u32, u16, String)> = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (2, 3 + i as u16, t.to_string()))
            .collect();
        cells.push((4, 3, "甲".into()));
        cells.push((4, 4, "乙".into()));
        cells.push((5, 7, "   ".into()));
        cells.push((1_048_575, 5, "末行".into()));
        let sheet = read_sheet(&workbook(&cells)).unwrap();
        let rows: Vec<u32> = sheet.rows.iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, [5, 1_048_576]);
        assert_eq!(sheet.text(&sheet.rows[0].1, "title"), "甲");
        assert_eq!(sheet.text(&sheet.rows[0].1, "description"), "乙");
        assert_eq!(sheet.text(&sheet.rows[1].1, "category"), "末行");
        assert_eq!(sheet.text(&sheet.rows[1].1, "title"), "");
    }

    #[test]
    fn content_past_the_last_column_is_refused_and_blank_cells_there_are_not() {
        let header = |extra: (u32, u16, String)| {
            let mut cells: Vec<(u32, u16, String)> = COLUMNS
                .iter()
                .enumerate()
                .map(|(i, (t, _))| (0, i as u16, t.to_string()))
                .collect();
            cells.push((1, 0, "事项".into()));
            cells.push(extra);
            cells
        };
        let last = MAX_COLUMNS as u16 - 1;
        assert!(read_sheet(&workbook(&header((1, last, "备注".into())))).is_ok());
        assert!(read_sheet(&workbook(&header((1, last + 1, " ".into())))).is_ok());
        let e = read_sheet(&workbook(&header((1, last + 1, "备注".into()))))
            .err()
            .unwrap();
        assert_eq!(e.code, "import_sheet_too_large");
        assert!(e.message.contains("CW2"), "{}", e.message);
    }

    #[test]
    fn too_many_rows_are_refused_while_reading() {
        let mut cells: Vec<(u32, u16, String)> = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (0, i as u16, t.to_string()))
            .collect();
        // Spread over the whole height, one cell each: rows, not area, are what count.
        for i in 0..=MAX_ROWS as u32 {
            cells.push((1 + i * 100, 0, "事项".into()));
        }
        let e = read_sheet(&workbook(&cells)).err().unwrap();
        assert_eq!(e.code, "import_too_many_rows");
        cells.pop();
        assert_eq!(read_sheet(&workbook(&cells)).unwrap().rows.len(), MAX_ROWS);
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(99), "CV");
        assert_eq!(column_letters(16_383), "XFD");
    }

    mod fuzz {
        //! Bounded property-based fuzzing of the xlsx reader (stable Rust, part of
        //! `cargo test`): whatever the bytes, `read_sheet` answers with a sheet or an error,
        //! never a panic, an abort or a runaway allocation.
        use super::*;
        use proptest::prelude::*;

        fn cell() -> impl Strategy<Value = (u32, u16, String)> {
            (
                prop_oneof![0u32..40, 0u32..1_048_576],
                prop_oneof![0u16..30, 0u16..16_384],
                "[a-z事项 ]{0,6}",
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

            #[test]
            fn sheets_of_any_shape_are_read_or_refused(cells in prop::collection::vec(cell(), 0..12)) {
                let bytes = workbook(&cells);
                match read_sheet(&bytes) {
                    Ok(sheet) => {
                        prop_assert!(sheet.rows.len() <= MAX_ROWS);
                        prop_assert!(sheet.rows.iter().all(|(_, r)| r.len() <= MAX_COLUMNS as usize));
                    }
                    Err(e) => prop_assert!(matches!(
                        e.code,
                        "import_sheet_too_large" | "import_empty" | "import_missing_columns"
                            | "import_duplicate_columns"
                    ), "{}", e.code),
                }
            }

            #[test]
            fn damaged_workbooks_are_refused_without_panic(
                cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
                truncate in any::<prop::sample::Index>(),
                shorten in any::<bool>(),
            ) {
                let mut bytes = workbook(&[(0, 0, "事项名称".into()), (1, 0, "甲".into())]);
                for (at, b) in cuts {
                    let i = at.index(bytes.len());
                    bytes[i] = b;
                }
                if shorten {
                    bytes.truncate(truncate.index(bytes.len()));
                }
                let _ = read_sheet(&bytes);
            }

            #[test]
            fn arbitrary_bytes_are_refused(tail in prop::collection::vec(any::<u8>(), 0..512)) {
                let mut bytes = b"PK\x03\x04".to_vec();
                bytes.extend_from_slice(&tail);
                prop_assert!(read_sheet(&bytes).is_err());
                prop_assert!(read_sheet(&tail).is_err());
            }
        }
    }
}
