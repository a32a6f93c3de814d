//! A form return as an Excel template (issue 13 §3): the community downloads its return of one
//! period as an .xlsx — the form's corner (表号, the form and the period), then one row per
//! field (code, name, type, unit, the value, a note) with the values already held filled in —
//! fills the 填报值 column and uploads it. The upload goes through [`App::save_form_return`]:
//! the same validation as the online return, every problem at once, each reported by the row
//! and column of the sheet (行、列、原因); nothing is stored on any error.
//!
//! The template carries the form's id, the community, the period and the return's version at
//! download: a template of another form, another community or period is refused
//! (`template_other_form`), and so is one older than the return (a version saved or submitted
//! since, or fields that are no longer the form's: `template_outdated`).

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::error::{DomainError, Result};
use crate::form_return::{ReturnInput, ReturnView};
use crate::{App, Ctx};

/// The sheet's name.
pub const SHEET: &str = "填报";
/// Excel row (1-based) of the field table's header; fields follow from the next row.
pub const HEADER_ROW: u32 = 8;
/// The value column's letter and (0-based) index.
pub const VALUE_COLUMN: &str = "E";
const VALUE_COL: usize = 4;
/// Largest upload accepted.
pub const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;
/// Largest unpacked size of the parts inside the xlsx (a zip archive).
const MAX_UNPACKED: u64 = 20 * 1024 * 1024;
/// Rows and columns read at most (a template has a few dozen rows and six columns).
const MAX_ROWS: u32 = 200;
const MAX_COLS: u32 = 20;

/// Labels of the corner cells (column A), in rows 1 … 5.
const CORNER: [&str; 5] = ["报表编号", "社区(村)编号", "填报期", "模板版本", "表号"];
/// The field table's header.
const HEADER: [&str; 6] = ["字段代码", "字段名称", "类型", "单位", "填报值", "说明"];

fn not_xlsx() -> DomainError {
    DomainError::field(
        "file",
        "template_not_xlsx",
        "文件不是 Excel 工作簿（.xlsx），无法读取；请上传从本页下载的填报模板",
    )
}

fn other_form() -> DomainError {
    DomainError::field(
        "file",
        "template_other_form",
        "这不是本期本报表的填报模板（报表编号、社区(村)或填报期不符）；请从本页重新下载模板后填写",
    )
}

fn outdated(why: &str) -> DomainError {
    DomainError::field(
        "file",
        "template_outdated",
        format!("模板已过期：{why}；请从本页重新下载最新模板后填写"),
    )
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The first sheet's non-blank cells as rows (0-based Excel row → cells), bounded.
fn read_cells(bytes: &[u8]) -> Result<BTreeMap<u32, Vec<String>>> {
    if bytes.len() > MAX_TEMPLATE_BYTES {
        return Err(DomainError::field(
            "file",
            "template_too_large",
            "文件超过 1 MiB，不是本报表的填报模板",
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        unpacked = unpacked.saturating_add(zip.by_index_raw(i).map_err(|_| not_xlsx())?.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(not_xlsx());
    }
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let Some(name) = book.sheet_names().into_iter().next() else {
        return Err(not_xlsx());
    };
    let mut cells = book.worksheet_cells_reader(&name).map_err(|_| not_xlsx())?;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(|_| not_xlsx())? {
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS || col >= MAX_COLS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let r = rows.entry(row).or_default();
        let col = col as usize;
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = text;
    }
    Ok(rows)
}

fn at(rows: &BTreeMap<u32, Vec<String>>, row: u32, col: usize) -> &str {
    rows.get(&row)
        .and_then(|r| r.get(col))
        .map_or("", String::as_str)
}

impl App {
    /// Community `community_id`'s return of period `key` of form `demand_id` as an Excel
    /// template: the corner, then one row per field with the value now shown (the latest
    /// version's, or the current value held). Only for those who fill it.
    pub async fn form_return_template(
        &self,
        ctx: &Ctx,
        demand_id: i64,
        community_id: i64,
        key: &str,
    ) -> Result<(String, Vec<u8>)> {
        let r = self.form_return(ctx, demand_id, community_id, key).await?;
        let bytes = template_bytes(&r).map_err(|_| DomainError::internal())?;
        Ok((
            format!("填报模板-{}-{}.xlsx", r.form_number, r.period_key),
            bytes,
        ))
    }

    /// Saves (or, with `submit`, submits) the return from an uploaded template: the template
    /// must be this return's, not older than it; every value goes through
    /// [`App::save_form_return`], and each problem names its row, column and reason.
    pub async fn upload_form_return(
        &self,
        ctx: &Ctx,
        demand_id: i64,
        community_id: i64,
        key: &str,
        bytes: &[u8],
        submit: bool,
    ) -> Result<ReturnView> {
        let current = self.form_return(ctx, demand_id, community_id, key).await?;
        let rows = read_cells(bytes)?;
        let corner: Vec<&str> = (0..5).map(|r| at(&rows, r, 1)).collect();
        let labels_ok = (0..5).all(|r| at(&rows, r, 0) == CORNER[r as usize]);
        if !labels_ok || corner[0].is_empty() {
            return Err(not_template());
        }
        if corner[0] != demand_id.to_string()
            || corner[1] != community_id.to_string()
            || corner[2] != key
        {
            return Err(other_form());
        }
        let version: i32 = corner[3].parse().map_err(|_| not_template())?;
        if version < current.version {
            return Err(outdated(&format!(
                "下载模板时本期报表为第 {version} 版，此后已保存为第 {} 版",
                current.version
            )));
        }
        // The field rows: exactly the form's fields, in order.
        let first = HEADER_ROW; // 0-based index of the first field row
        let codes: Vec<&str> = (0..u32::try_from(current.fields.len()).unwrap_or(0))
            .map(|i| at(&rows, first + i, 0))
            .collect();
        let expected: Vec<&str> = current.fields.iter().map(|f| f.code.as_str()).collect();
        let extra = at(&rows, first + u32::try_from(expected.len()).unwrap_or(0), 0);
        if codes != expected || !extra.is_empty() {
            return Err(outdated("模板中的字段与报表现行字段不一致"));
        }
        let mut input = ReturnInput::default();
        let mut row_of: HashMap<&'static str, u32> = HashMap::new();
        for (i, f) in current.fields.iter().enumerate() {
            let excel_row = first + u32::try_from(i).unwrap_or(0) + 1;
            row_of.insert(f.slot, excel_row);
            if f.shared_from.is_some() || !f.online {
                continue;
            }
            let v = at(&rows, excel_row - 1, VALUE_COL);
            if !v.is_empty() {
                input.values.insert(f.code.clone(), v.to_owned());
            }
        }
        self.save_form_return(ctx, demand_id, community_id, key, &input, submit)
            .await
            .map_err(|e| located(e, &row_of))
    }
}

fn not_template() -> DomainError {
    DomainError::field(
        "file",
        "template_not_recognised",
        "无法识别的填报模板：左上角的报表编号、社区(村)编号、填报期、模板版本不全；请从本页下载模板后填写",
    )
}

/// Prefixes each problem naming a field's input with its row and column in the sheet.
fn located(mut e: DomainError, row_of: &HashMap<&'static str, u32>) -> DomainError {
    let locate = |e: &mut DomainError| {
        if let Some(row) = e.field.and_then(|f| row_of.get(f)) {
            e.message = format!("第 {row} 行、{VALUE_COLUMN} 列（填报值）：{}", e.message);
        }
    };
    locate(&mut e);
    for m in &mut e.more {
        locate(m);
    }
    e
}

/// The template workbook of return `r`.
fn template_bytes(r: &ReturnView) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let locked = Format::new().set_background_color("#EEEEEE");
    let sheet = wb.add_worksheet();
    sheet.set_name(SHEET)?;
    let corner = [
        r.demand_id.to_string(),
        r.community_id.to_string(),
        r.period_key.clone(),
        r.version.to_string(),
        r.form_number.clone(),
    ];
    for (i, (label, value)) in CORNER.iter().zip(&corner).enumerate() {
        let row = u32::try_from(i).unwrap_or(0);
        sheet.write_string_with_format(row, 0, *label, &bold)?;
        sheet.write_string_with_format(row, 1, value, &locked)?;
    }
    sheet.write_string(0, 2, &r.title)?;
    sheet.write_string(1, 2, &r.community_name)?;
    sheet.write_string(
        2,
        2,
        format!(
            "{} 至 {}，报送截止 {}",
            r.period_start, r.period_end, r.deadline
        ),
    )?;
    sheet.write_string(
        3,
        2,
        "请勿修改左侧四格：上传时据此核对报表、社区(村)、填报期和版本",
    )?;
    sheet.write_string(
        5,
        0,
        "只填“填报值”一列；灰色行由共享数据预填或不在线填报，无需填写。",
    )?;
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW - 1, u16::try_from(c).unwrap_or(0), *h, &bold)?;
    }
    for (i, f) in r.fields.iter().enumerate() {
        let row = HEADER_ROW + u32::try_from(i).unwrap_or(0);
        let note = if let Some(src) = &f.shared_from {
            format!("由{src}的共享数据预填，无需填写")
        } else if !f.online {
            "个人名单不在此填报".to_owned()
        } else if !f.options.is_empty() {
            format!("选填其一：{}", f.options.join("、"))
        } else {
            f.prefill.clone().unwrap_or_default()
        };
        let grey = f.shared_from.is_some() || !f.online;
        let cells = [
            f.code.as_str(),
            f.name.as_str(),
            f.kind_zh,
            f.unit.as_str(),
            if grey { "" } else { f.value.as_str() },
            note.as_str(),
        ];
        for (c, v) in cells.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(0);
            if grey {
                sheet.write_string_with_format(row, col, *v, &locked)?;
            } else {
                sheet.write_string(row, col, *v)?;
            }
        }
    }
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 22)?;
    sheet.set_column_width(2, 12)?;
    sheet.set_column_width(4, 18)?;
    sheet.set_column_width(5, 40)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_prefixes_rows_of_fields_only() {
        let mut row_of = HashMap::new();
        row_of.insert("f2", 10);
        let mut e = DomainError::field("f2", "return_value_invalid", "“常住人口数”应为整数");
        e.more
            .push(DomainError::field("period_key", "x", "本期已截止"));
        let e = located(e, &row_of);
        assert_eq!(e.message, "第 10 行、E 列（填报值）：“常住人口数”应为整数");
        assert_eq!(e.more[0].message, "本期已截止");
    }

    #[test]
    fn a_text_file_is_not_a_template() {
        assert_eq!(
            read_cells(b"code,value\n").unwrap_err().code,
            "template_not_xlsx"
        );
        assert_eq!(
            read_cells(b"PK\x03\x04garbage").unwrap_err().code,
            "template_not_xlsx"
        );
    }
}
