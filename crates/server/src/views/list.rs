//! One way for what every list page needs beyond its own query: the query itself, the pager's
//! link base, file downloads, and "export this list as Excel" by declaring columns.
//!
//! A list page reads its query as a [`ListQuery`] of its domain filter, builds its pager base with [`pager_base`] from the filters it was given (one
//! encoder for every list), answers a file with [`download`] (one `Content-Disposition` with the
//! RFC 5987 file name, never cached), and exports by declaring [`Column`]s of its row type and
//! handing them to [`Export::sheet`]; [`xlsx`] turns the finished workbook into the response.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jianfu_domain::DomainError;
use jianfu_domain::page::PageRequest;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::state::AppState;

/// A list page's query string: the list's own filter `F` (its fields are the query's own,
/// flattened — so `F` holds texts, as a query string does), the page and page size, and the
/// code of a success message after a redirect (`done`).
#[derive(Deserialize, Default)]
pub struct ListQuery<F> {
    #[serde(flatten)]
    pub f: F,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub done: Option<String>,
}

impl<F> ListQuery<F> {
    /// The page asked for (out-of-range values are clamped by [`PageRequest::new`]).
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

/// A list without filters of its own.
#[derive(Deserialize, Serialize, Default)]
pub struct NoFilter {}

/// The base URL the pager appends `page=N` to: `path?filters&`, or `path?` without filters.
/// `filters` is anything `serde_urlencoded` encodes: a filter struct, or `[("q", &q)]`.
pub fn pager_base<F: Serialize + ?Sized>(path: &str, filters: &F) -> String {
    match serde_urlencoded::to_string(filters).unwrap_or_default() {
        q if q.is_empty() => format!("{path}?"),
        q => format!("{path}?{q}&"),
    }
}

/// The media type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file answered to a page: its media type, its (Chinese) file name as RFC 5987 `filename*`,
/// shown in the browser (`inline`) or saved, and never kept by caches (exports and documents
/// carry personal data).
pub fn download(bytes: Vec<u8>, content_type: &str, file_name: &str, inline: bool) -> Response {
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        rfc5987(file_name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// RFC 5987 encoding of a file name: unreserved ASCII as is, every other byte as `%XX`.
fn rfc5987(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The finished workbook as a download, or the error page (logged) when writing it failed.
pub fn xlsx(workbook: Result<Vec<u8>, XlsxError>, file_name: &str) -> Response {
    match workbook {
        Ok(bytes) => download(bytes, XLSX, file_name, false),
        Err(e) => {
            tracing::error!(error = %e, file = file_name, "xlsx export failed");
            PageError(DomainError::internal()).into_response()
        }
    }
}

/// One cell of an exported row.
pub enum Cell<'a> {
    Text(&'a str),
    /// Text put together for the export (a list joined, a time formatted).
    Owned(String),
    /// A count or another whole number.
    Number(f64),
    /// A number shown with one decimal (hours).
    Decimal(f64),
}

/// An export of a list page: its audit action (a `*.export` of the audit log's table), the
/// kind of record it lists, the sheet and file names, and the columns.
pub struct ListExport<'a, T> {
    pub action: &'static str,
    pub target_type: &'static str,
    pub sheet: &'static str,
    pub file_name: &'static str,
    pub columns: &'a [Column<T>],
}

impl<T> ListExport<'_, T> {
    /// Answers the export of `rows` (every row the list shows under `filter`, read with
    /// [`jianfu_domain::page::every_row`]): the error page if reading failed, otherwise the
    /// audit entry (what, how many rows, which filter) and then the workbook.
    pub async fn answer<F: Serialize>(
        &self,
        state: &AppState,
        user: &CurrentUser,
        filter: &F,
        rows: Result<Vec<T>, DomainError>,
    ) -> Response {
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => return PageError(e).into_response(),
        };
        let filter = serde_json::to_value(filter).unwrap_or_default();
        if let Err(e) = state
            .app
            .record_export(
                &user.ctx(),
                self.action,
                (self.target_type, None),
                rows.len(),
                filter,
            )
            .await
        {
            return PageError(e).into_response();
        }
        let mut x = Export::new();
        if let Err(e) = x.sheet(self.sheet, &[], self.columns, &rows) {
            return xlsx(Err(e), self.file_name);
        }
        xlsx(x.finish(), self.file_name)
    }
}

/// The link of a list's "导出 Excel" button: the export path with the list's current filters.
pub fn export_href<F: Serialize + ?Sized>(path: &str, filters: &F) -> String {
    match serde_urlencoded::to_string(filters).unwrap_or_default() {
        q if q.is_empty() => path.to_owned(),
        q => format!("{path}?{q}"),
    }
}

/// One column of an export: its header, its width (characters; `None` leaves Excel's default)
/// and how a row gives its cell.
pub struct Column<T> {
    pub header: &'static str,
    pub width: Option<f64>,
    pub value: fn(&T) -> Cell<'_>,
}

impl<T> Column<T> {
    pub const fn new(header: &'static str, value: fn(&T) -> Cell<'_>) -> Self {
        Self {
            header,
            width: None,
            value,
        }
    }

    pub const fn wide(header: &'static str, width: f64, value: fn(&T) -> Cell<'_>) -> Self {
        Self {
            header,
            width: Some(width),
            value,
        }
    }
}

/// A workbook of one or more exported lists.
pub struct Export {
    book: Workbook,
    bold: Format,
    decimal: Format,
}

impl Default for Export {
    fn default() -> Self {
        Self::new()
    }
}

impl Export {
    pub fn new() -> Self {
        Self {
            book: Workbook::new(),
            bold: Format::new().set_bold(),
            decimal: Format::new().set_num_format("0.0"),
        }
    }

    /// A sheet: optional lines above the table (the first in bold: the list's title and what it
    /// covers; an empty line leaves a gap), then the header row (bold, frozen) and one row per item.
    pub fn sheet<T>(
        &mut self,
        name: &str,
        lines: &[String],
        columns: &[Column<T>],
        rows: &[T],
    ) -> Result<&mut Self, XlsxError> {
        let ws = self.book.add_worksheet();
        ws.set_name(name)?;
        for (i, line) in lines.iter().enumerate() {
            if line.is_empty() {
                continue;
            } else if i == 0 {
                ws.write_string_with_format(0, 0, line, &self.bold)?;
            } else {
                ws.write_string(i as u32, 0, line)?;
            }
        }
        let head = lines.len() as u32;
        for (c, col) in columns.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(head, c, col.header, &self.bold)?;
            if let Some(w) = col.width {
                ws.set_column_width(c, w)?;
            }
        }
        for (i, item) in rows.iter().enumerate() {
            let r = head + 1 + i as u32;
            for (c, col) in columns.iter().enumerate() {
                let c = c as u16;
                match (col.value)(item) {
                    Cell::Text(s) => ws.write_string(r, c, s)?,
                    Cell::Owned(s) => ws.write_string(r, c, &s)?,
                    Cell::Number(n) => ws.write_number(r, c, n)?,
                    Cell::Decimal(n) => ws.write_number_with_format(r, c, n, &self.decimal)?,
                };
            }
        }
        ws.set_freeze_panes(head + 1, 0)?;
        Ok(self)
    }

    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.book.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct F {
        q: String,
        status: String,
    }

    #[test]
    fn pager_base_encodes_every_filter_once() {
        let f = F {
            q: "和平 社区&x=1".into(),
            status: String::new(),
        };
        assert_eq!(
            pager_base("/demands", &f),
            "/demands?q=%E5%92%8C%E5%B9%B3+%E7%A4%BE%E5%8C%BA%26x%3D1&status=&"
        );
        let none: [(&str, &str); 0] = [];
        assert_eq!(pager_base("/cases", &none), "/cases?");
    }

    #[test]
    fn file_names_are_rfc5987() {
        assert_eq!(
            rfc5987("用印登记.xlsx"),
            "%E7%94%A8%E5%8D%B0%E7%99%BB%E8%AE%B0.xlsx"
        );
        assert_eq!(rfc5987("a b\"c"), "a%20b%22c");
        let r = download(vec![1], XLSX, "台账.xlsx", false);
        let d = r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(d, "attachment; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.xlsx");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "private, no-store");
    }

    #[test]
    fn an_export_writes_lines_header_and_rows() {
        struct Row(&'static str, u32);
        let cols = [
            Column::new("名称", |r: &Row| Cell::Text(r.0)),
            Column::wide("次数", 12.0, |r: &Row| Cell::Number(f64::from(r.1))),
        ];
        let mut x = Export::new();
        x.sheet("表", &["标题".into()], &cols, &[Row("甲", 2), Row("乙", 3)])
            .unwrap();
        let bytes = x.finish().unwrap();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("表").unwrap();
        let cells: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(
            cells,
            [["标题", ""], ["名称", "次数"], ["甲", "2"], ["乙", "3"]]
        );
    }
}
