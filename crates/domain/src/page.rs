//! Paging for list pages and API lists: one shape everywhere.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 200;
/// Far beyond any list; keeps `offset` inside what both databases accept.
pub const MAX_PAGE: u64 = 1_000_000;

/// Which page the user asked for (1-based), clamped to sane bounds.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, MAX_PAGE),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }
    /// The API's strict reading: a page outside `1..=MAX_PAGE` or a size outside
    /// `1..=MAX_PER_PAGE` is refused (the pages clamp instead, see [`PageRequest::new`]).
    pub fn parse(page: Option<u64>, per_page: Option<u64>) -> crate::Result<Self> {
        if page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p)) {
            return Err(crate::DomainError::field(
                "page",
                "page_invalid",
                format!("页码应在 1 到 {MAX_PAGE} 之间"),
            ));
        }
        if per_page.is_some_and(|n| !(1..=MAX_PER_PAGE).contains(&n)) {
            return Err(crate::DomainError::field(
                "per_page",
                "per_page_invalid",
                format!("每页条数应在 1 到 {MAX_PER_PAGE} 之间"),
            ));
        }
        Ok(Self::new(page, per_page))
    }
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

impl PageRequest {
    /// A page of `items` from this request and a total.
    pub fn page<T>(&self, items: Vec<T>, total: u64) -> Page<T> {
        Page {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// At most this many pages of the largest size go into one export: the export of a filtered
/// list, not a dump of the database (10,000 rows).
pub const EXPORT_PAGES: u64 = 50;

/// Every row of a list for its export: asks `fetch` for page after page of the largest size
/// until the list's total (at most [`EXPORT_PAGES`] pages) is read. The list's own query decides
/// what the user may see, so an export never holds more than its pages would show.
pub async fn every_row<T, F, Fut>(mut fetch: F) -> crate::Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = crate::Result<Page<T>>>,
{
    let mut rows = Vec::new();
    let mut n = 1;
    loop {
        let page = fetch(PageRequest::new(Some(n), Some(MAX_PER_PAGE))).await?;
        let last = page.total.div_ceil(MAX_PER_PAGE).clamp(1, EXPORT_PAGES);
        let empty = page.items.is_empty();
        rows.extend(page.items);
        if n >= last || empty {
            return Ok(rows);
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of `total` numbered rows, served a page at a time; counts the pages asked for.
    fn rows_of(total: u64) -> (Vec<u64>, u64) {
        let asked = std::cell::Cell::new(0);
        let rows = every_row(|r: PageRequest| {
            asked.set(asked.get() + 1);
            let items: Vec<u64> = (r.offset()..total.min(r.offset() + r.per_page)).collect();
            std::future::ready(Ok(r.page(items, total)))
        });
        let rows = block_on(rows).unwrap();
        (rows, asked.get())
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn every_row_reads_each_page_once_up_to_the_export_cap() {
        assert_eq!(rows_of(0), (vec![], 1));
        let (rows, asked) = rows_of(MAX_PER_PAGE);
        assert_eq!((rows.len() as u64, asked), (MAX_PER_PAGE, 1));
        let (rows, asked) = rows_of(MAX_PER_PAGE + 1);
        assert_eq!((rows.len() as u64, asked), (MAX_PER_PAGE + 1, 2));
        assert_eq!(rows, (0..=MAX_PER_PAGE).collect::<Vec<_>>());
        let cap = EXPORT_PAGES * MAX_PER_PAGE;
        let (rows, asked) = rows_of(cap + 500);
        assert_eq!((rows.len() as u64, asked), (cap, EXPORT_PAGES));
    }

    #[test]
    fn clamps_and_counts() {
        let r = PageRequest::new(Some(0), Some(10_000));
        assert_eq!((r.page, r.per_page), (1, MAX_PER_PAGE));
        let p = Page::<u8> {
            items: vec![],
            total: 41,
            page: 3,
            per_page: 20,
        };
        assert_eq!(p.pages(), 3);
        assert!(p.has_prev() && !p.has_next());
        let empty = Page::<u8> {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 20,
        };
        assert_eq!(empty.pages(), 1);
    }
}
