//! A report as a multi-page A4 PDF (the annual burden report, issue 14 §5): headings,
//! paragraphs, tables and bar or line charts drawn as vector graphics with the same font and
//! PDF writer as the certificates — no browser, no raster image. Text stays text, so a reader
//! (or `pdftotext`) finds every figure the charts draw in the tables beside them.
//!
//! Unlike a certificate the report is not sealed or signed: it is a reading of the database on
//! the day it is made, not a document with legal effect.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::Font;

use crate::cert::date_parts;
use crate::error::SealError;
use crate::layout::{Metrics, pdf_font, wrap};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 20.0 * 72.0 / 25.4;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
const TOP: f32 = MARGIN + 10.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 14.0;
const TITLE_SIZE: f32 = 20.0;
const HEADING_SIZE: f32 = 14.0;
const BODY_SIZE: f32 = 10.5;
const TABLE_SIZE: f32 = 8.5;
const ROW_H: f32 = 14.0;
const CHART_H: f32 = 190.0;
const LABEL_SIZE: f32 = 7.0;
/// The series' colours, in order (a palette readable in grey print too).
const PALETTE: [(u8, u8, u8); 6] = [
    (0x2F, 0x5D, 0x8C),
    (0xC2, 0x5B, 0x2A),
    (0x5B, 0x8C, 0x3A),
    (0x8E, 0x44, 0xAD),
    (0xB0, 0x8D, 0x1A),
    (0x55, 0x55, 0x55),
];
/// What replaces a character the embedded font cannot print.
const MISSING: char = '□';

/// A report: a title, a line under it (the place and the day), the blocks in order and the
/// creation day (`YYYY-MM-DD`, the document's metadata).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The title on the first page and in the metadata.
    pub title: String,
    /// The line under the title.
    pub subtitle: String,
    /// The day the report was made (`YYYY-MM-DD`).
    pub made_on: String,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

/// One series of a chart: its name (the legend) and one value per category.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend's text.
    pub name: String,
    /// One value per category (missing ones count as 0).
    pub values: Vec<f64>,
}

/// What a chart draws: a title, the unit of its axis, the categories along the bottom and the
/// series.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The chart's title.
    pub title: String,
    /// The unit of the values (`件`, `小时`).
    pub unit: String,
    /// The categories along the horizontal axis.
    pub categories: Vec<String>,
    /// The series drawn for each category.
    pub series: Vec<Series>,
}

/// A piece of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph of text, wrapped to the page.
    Paragraph(String),
    /// A table: the header and the rows (a long table continues on the next page, its header
    /// repeated).
    Table {
        /// Column headers.
        headers: Vec<String>,
        /// Rows of cells, as many as the headers.
        rows: Vec<Vec<String>>,
    },
    /// Grouped vertical bars, one group per category.
    Bars(Chart),
    /// Lines, one per series, through the categories.
    Lines(Chart),
}

/// The value as printed: an integer without decimals, else one decimal.
pub fn number_text(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The axis' step and top for values up to `max`: a step of 1, 2 or 5 times a power of ten,
/// about five steps, the top a whole number of steps at or above `max`.
pub fn axis(max: f64) -> (f64, f64) {
    if max.is_nan() || max <= 0.0 {
        return (1.0, 5.0);
    }
    let raw = max / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    let step = nice * power;
    // Counts never step by less than one.
    let step = if max >= 1.0 { step.max(1.0) } else { step };
    let top = (max / step - 1e-9).ceil() * step;
    (step, top)
}

fn colour((r, g, b): (u8, u8, u8)) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

fn solid(c: rgb::Color) -> Fill {
    Fill {
        paint: c.into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn line_stroke(c: rgb::Color, width: f32) -> Stroke {
    Stroke {
        paint: c.into(),
        width,
        ..Stroke::default()
    }
}

/// The pages being laid out: what each draws, and how far down the current one is filled.
struct Writer<'m> {
    metrics: &'m Metrics,
    pages: Vec<Vec<Op>>,
    y: f32,
}

/// One thing to draw on a page (collected first, drawn page by page at the end, because a
/// krilla page borrows the document while it is open).
#[derive(Clone, Debug)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        grey: bool,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: (u8, u8, u8),
    },
    Line {
        points: Vec<(f32, f32)>,
        colour: (u8, u8, u8),
        width: f32,
    },
}

impl<'m> Writer<'m> {
    fn new(metrics: &'m Metrics) -> Self {
        Self {
            metrics,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Make room for `h` points: a new page when they do not fit on this one.
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.pages.push(Vec::new());
            self.y = TOP;
        }
    }

    /// Replace what the font cannot print.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| {
                if c == '\n' || self.metrics.glyph(c).is_some() {
                    c
                } else if c == '\t' {
                    ' '
                } else {
                    MISSING
                }
            })
            .collect()
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let text = self.printable(text);
        self.page().push(Op::Text {
            x,
            y,
            size,
            grey: false,
            text,
        });
    }

    fn grey_text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        let text = self.printable(text);
        self.page().push(Op::Text {
            x,
            y,
            size,
            grey: true,
            text,
        });
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.metrics.width(&self.printable(text)) * size
    }

    /// `text` cut to `w` points, with an ellipsis when cut.
    fn fit(&self, text: &str, size: f32, w: f32) -> String {
        if self.width(text, size) <= w {
            return text.to_string();
        }
        let mut out = String::new();
        for c in text.chars() {
            let next = format!("{out}{c}…");
            if self.width(&next, size) > w {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }

    fn paragraph(&mut self, text: &str, size: f32) {
        let line_h = size * 1.6;
        for para in text.split('\n') {
            let para = self.printable(para.trim());
            if para.is_empty() {
                continue;
            }
            let em = TEXT_W / size;
            for line in wrap(self.metrics, &para, em, em) {
                self.room(line_h);
                self.y += line_h;
                let y = self.y - size * 0.45;
                self.text(MARGIN, y, size, &line);
            }
        }
        self.y += size * 0.6;
    }

    fn heading(&mut self, text: &str) {
        // A heading never ends a page: keep room for a few lines after it.
        self.room(HEADING_SIZE * 2.2 + 4.0 * ROW_H);
        self.y += HEADING_SIZE * 1.8;
        let y = self.y;
        self.text(MARGIN, y, HEADING_SIZE, text);
        self.page().push(Op::Line {
            points: vec![(MARGIN, y + 5.0), (PAGE_W - MARGIN, y + 5.0)],
            colour: (0x99, 0x99, 0x99),
            width: 0.6,
        });
        self.y += 12.0;
    }

    fn table(&mut self, headers: &[String], rows: &[Vec<String>]) {
        let n = headers.len().max(1);
        // The first column takes what the others leave: they get the width of their widest
        // cell, within limits.
        let mut widths: Vec<f32> = (0..n)
            .map(|i| {
                let widest = std::iter::once(headers.get(i))
                    .chain(rows.iter().map(|r| r.get(i)))
                    .flatten()
                    .map(|s| self.width(s, TABLE_SIZE))
                    .fold(0.0f32, f32::max);
                (widest + 8.0).clamp(36.0, TEXT_W / n as f32 * 1.6)
            })
            .collect();
        let total: f32 = widths.iter().sum();
        let scale = TEXT_W / total;
        for w in &mut widths {
            *w *= scale;
        }
        let draw_row = |me: &mut Self, cells: &[String], header: bool| {
            me.room(ROW_H);
            if header {
                let y = me.y;
                me.page().push(Op::Rect {
                    x: MARGIN,
                    y,
                    w: TEXT_W,
                    h: ROW_H,
                    colour: (0xE8, 0xEC, 0xF1),
                });
            }
            let mut x = MARGIN;
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                let shown = me.fit(cell, TABLE_SIZE, w - 6.0);
                let baseline = me.y + ROW_H - 4.0;
                // Figures (every column but the first) are right-aligned.
                if i == 0 || header {
                    me.text(x + 3.0, baseline, TABLE_SIZE, &shown);
                } else {
                    let tw = me.width(&shown, TABLE_SIZE);
                    me.text(x + w - 3.0 - tw, baseline, TABLE_SIZE, &shown);
                }
                x += w;
            }
            me.y += ROW_H;
            let y = me.y;
            me.page().push(Op::Line {
                points: vec![(MARGIN, y), (PAGE_W - MARGIN, y)],
                colour: (0xCC, 0xCC, 0xCC),
                width: 0.4,
            });
        };
        self.room(ROW_H * 3.0);
        draw_row(self, headers, true);
        for row in rows {
            if self.y + ROW_H > BOTTOM {
                self.pages.push(Vec::new());
                self.y = TOP;
                draw_row(self, headers, true);
            }
            draw_row(self, row, false);
        }
        if rows.is_empty() {
            let y = self.y + ROW_H - 4.0;
            self.grey_text(MARGIN + 3.0, y, TABLE_SIZE, "（无）");
            self.y += ROW_H;
        }
        self.y += 10.0;
    }

    /// The frame of a chart: title, legend, axis with its ticks; returns the plot area
    /// (left, top, width, height) and the axis' top value.
    fn chart_frame(&mut self, c: &Chart) -> (f32, f32, f32, f32, f64) {
        self.room(CHART_H + 20.0);
        self.y += BODY_SIZE * 1.6;
        let title_y = self.y;
        self.text(MARGIN, title_y, BODY_SIZE, &c.title);
        // Legend: right-aligned on the title's line, a swatch and the name per series.
        let mut x = PAGE_W - MARGIN;
        for (i, s) in c.series.iter().enumerate().rev() {
            let w = self.width(&s.name, LABEL_SIZE + 1.0);
            x -= w;
            self.text(x, title_y, LABEL_SIZE + 1.0, &s.name);
            x -= 10.0;
            self.page().push(Op::Rect {
                x,
                y: title_y - 7.0,
                w: 7.0,
                h: 7.0,
                colour: PALETTE[i % PALETTE.len()],
            });
            x -= 8.0;
        }
        let max = c
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0f64, f64::max);
        let (step, top) = axis(max);
        let ticks = (top / step).round() as usize;
        let tick_labels: Vec<String> = (0..=ticks).map(|i| number_text(i as f64 * step)).collect();
        let label_w = tick_labels
            .iter()
            .map(|t| self.width(t, LABEL_SIZE))
            .fold(0.0f32, f32::max);
        let left = MARGIN + label_w + 6.0;
        let plot_top = title_y + 14.0;
        let plot_h = CHART_H - 14.0 - 34.0;
        let plot_w = PAGE_W - MARGIN - left;
        for (i, t) in tick_labels.iter().enumerate() {
            let y = plot_top + plot_h - plot_h * i as f32 / ticks.max(1) as f32;
            let tw = self.width(t, LABEL_SIZE);
            self.grey_text(left - 4.0 - tw, y + 2.5, LABEL_SIZE, t);
            self.page().push(Op::Line {
                points: vec![(left, y), (left + plot_w, y)],
                colour: if i == 0 {
                    (0x66, 0x66, 0x66)
                } else {
                    (0xE0, 0xE0, 0xE0)
                },
                width: if i == 0 { 0.8 } else { 0.4 },
            });
        }
        let unit = format!("（{}）", c.unit);
        self.grey_text(MARGIN, plot_top - 4.0, LABEL_SIZE, &unit);
        // Category labels under the axis, cut to their slot.
        let n = c.categories.len().max(1);
        let slot = plot_w / n as f32;
        for (i, cat) in c.categories.iter().enumerate() {
            let em = (slot - 2.0) / LABEL_SIZE;
            let lines = wrap(self.metrics, &self.printable(cat), em, em);
            for (k, line) in lines.iter().take(2).enumerate() {
                let mut line = line.clone();
                if k == 1 && lines.len() > 2 {
                    line = self.fit(&format!("{line}{}", lines[2]), LABEL_SIZE, slot - 2.0);
                }
                let lw = self.width(&line, LABEL_SIZE);
                let x = left + slot * i as f32 + (slot - lw) / 2.0;
                let y = plot_top + plot_h + 10.0 + k as f32 * (LABEL_SIZE + 2.0);
                self.grey_text(x, y, LABEL_SIZE, &line);
            }
        }
        self.y = plot_top + CHART_H - 14.0;
        (left, plot_top, plot_w, plot_h, top)
    }

    fn bars(&mut self, c: &Chart) {
        let (left, top_y, w, h, top) = self.chart_frame(c);
        let n = c.categories.len().max(1);
        let slot = w / n as f32;
        let k = c.series.len().max(1);
        let bar_w = (slot * 0.8 / k as f32).min(24.0);
        let group_w = bar_w * k as f32;
        for i in 0..c.categories.len() {
            for (j, s) in c.series.iter().enumerate() {
                let v = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
                let bh = (v / top) as f32 * h;
                if bh <= 0.0 {
                    continue;
                }
                let x = left + slot * i as f32 + (slot - group_w) / 2.0 + bar_w * j as f32;
                self.page().push(Op::Rect {
                    x,
                    y: top_y + h - bh,
                    w: bar_w,
                    h: bh,
                    colour: PALETTE[j % PALETTE.len()],
                });
            }
        }
        self.y += 8.0;
    }

    fn lines(&mut self, c: &Chart) {
        let (left, top_y, w, h, top) = self.chart_frame(c);
        let n = c.categories.len().max(1);
        let slot = w / n as f32;
        for (j, s) in c.series.iter().enumerate() {
            let colour = PALETTE[j % PALETTE.len()];
            let points: Vec<(f32, f32)> = (0..c.categories.len())
                .map(|i| {
                    let v = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
                    (
                        left + slot * i as f32 + slot / 2.0,
                        top_y + h - (v / top) as f32 * h,
                    )
                })
                .collect();
            for &(x, y) in &points {
                self.page().push(Op::Rect {
                    x: x - 1.8,
                    y: y - 1.8,
                    w: 3.6,
                    h: 3.6,
                    colour,
                });
            }
            if points.len() > 1 {
                self.page().push(Op::Line {
                    points,
                    colour,
                    width: 1.4,
                });
            }
        }
        self.y += 8.0;
    }
}

/// Render `report` as an A4 PDF: the title and subtitle on the first page, each block in turn
/// (a new page where one does not fit), and "第 n 页 共 m 页" at the foot of each page.
/// Characters the embedded font cannot print come out as `□`.
pub fn render_report(report: &Report) -> Result<Vec<u8>, SealError> {
    let metrics = Metrics::load()?;
    let font = pdf_font()?;
    let mut w = Writer::new(&metrics);
    w.y = TOP + TITLE_SIZE;
    let title_w = w.width(&report.title, TITLE_SIZE).min(TEXT_W);
    let title = w.fit(&report.title, TITLE_SIZE, TEXT_W);
    w.text(
        (PAGE_W - title_w) / 2.0,
        TOP + TITLE_SIZE,
        TITLE_SIZE,
        &title,
    );
    let sub_w = w.width(&report.subtitle, BODY_SIZE).min(TEXT_W);
    let subtitle = w.fit(&report.subtitle, BODY_SIZE, TEXT_W);
    w.grey_text(
        (PAGE_W - sub_w) / 2.0,
        TOP + TITLE_SIZE + 22.0,
        BODY_SIZE,
        &subtitle,
    );
    w.y = TOP + TITLE_SIZE + 32.0;
    for block in &report.blocks {
        match block {
            Block::Heading(t) => w.heading(t),
            Block::Paragraph(t) => w.paragraph(t, BODY_SIZE),
            Block::Table { headers, rows } => w.table(headers, rows),
            Block::Bars(c) => w.bars(c),
            Block::Lines(c) => w.lines(c),
        }
    }
    let pages = std::mem::take(&mut w.pages);

    let mut document = Document::new();
    let mut metadata = Metadata::new()
        .title(report.title.clone())
        .creator("jianfu".to_string())
        .language("zh-CN".to_string());
    if let Some((y, m, d)) = date_parts(&report.made_on) {
        metadata = metadata.creation_date(DateTime::new(y as u16).month(m as u8).day(d as u8));
    }
    document.set_metadata(metadata);
    let count = pages.len();
    for (number, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| SealError::Pdf("页面尺寸无效".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &metrics, &font, op);
        }
        let foot = format!("第 {} 页 共 {count} 页", number + 1);
        let fw = metrics.width(&foot) * LABEL_SIZE;
        draw(
            &mut surface,
            &metrics,
            &font,
            &Op::Text {
                x: (PAGE_W - fw) / 2.0,
                y: PAGE_H - MARGIN + 4.0,
                size: LABEL_SIZE,
                grey: true,
                text: foot,
            },
        );
        surface.finish();
        page.finish();
    }
    let pdf = document.finish();
    comemo::evict(16);
    pdf.map_err(|e| SealError::Pdf(format!("{e:?}")))
}

fn draw(surface: &mut Surface, metrics: &Metrics, font: &Font, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            grey,
            text,
        } => {
            let c = if *grey {
                rgb::Color::new(0x44, 0x44, 0x44)
            } else {
                rgb::Color::black()
            };
            surface.set_fill(Some(solid(c)));
            let glyphs = metrics.glyphs(text);
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &glyphs,
                font.clone(),
                text,
                *size,
                false,
            );
            surface.set_fill(None);
        }
        Op::Rect { x, y, w, h, colour } => {
            let mut pb = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(rect);
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(solid(self::colour(*colour))));
                surface.draw_path(&path);
                surface.set_fill(None);
            }
        }
        Op::Line {
            points,
            colour,
            width,
        } => {
            let mut pb = PathBuilder::new();
            for (i, &(x, y)) in points.iter().enumerate() {
                if i == 0 {
                    pb.move_to(x, y);
                } else {
                    pb.line_to(x, y);
                }
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(line_stroke(self::colour(*colour), *width)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_steps_are_one_two_or_five_and_cover_the_maximum() {
        assert_eq!(axis(0.0), (1.0, 5.0));
        assert_eq!(axis(f64::NAN), (1.0, 5.0));
        assert_eq!(axis(-3.0), (1.0, 5.0));
        assert_eq!(axis(5.0), (1.0, 5.0));
        assert_eq!(axis(3.0), (1.0, 3.0));
        assert_eq!(axis(7.0), (2.0, 8.0));
        assert_eq!(axis(10.0), (2.0, 10.0));
        assert_eq!(axis(23.0), (5.0, 25.0));
        assert_eq!(axis(120.0), (50.0, 150.0));
        assert_eq!(axis(1000.0), (200.0, 1000.0));
        assert_eq!(axis(0.4), (0.1, 0.4));
    }

    #[test]
    fn numbers_print_whole_or_with_one_decimal() {
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(0.0), "0");
        assert_eq!(number_text(12.25), "12.2");
        assert_eq!(number_text(1.06), "1.1");
    }

    fn sample(rows: usize) -> Report {
        Report {
            title: "2026 年度减负工作报告".into(),
            subtitle: "铁东区 · 2026-12-07 生成".into(),
            made_on: "2026-12-07".into(),
            blocks: vec![
                Block::Heading("一、工作事项准入".into()),
                Block::Paragraph("全年准入 12 件，不予准入 3 件，撤销 1 件。𠀀".into()),
                Block::Bars(Chart {
                    title: "各社区年负担".into(),
                    unit: "小时".into(),
                    categories: vec!["和平社区".into(), "胜利社区".into()],
                    series: vec![
                        Series {
                            name: "2025 年".into(),
                            values: vec![120.0, 40.0],
                        },
                        Series {
                            name: "2026 年".into(),
                            values: vec![80.0, 45.5],
                        },
                    ],
                }),
                Block::Lines(Chart {
                    title: "按月准入".into(),
                    unit: "件".into(),
                    categories: (1..=12).map(|m| format!("{m:02}")).collect(),
                    series: vec![Series {
                        name: "准入".into(),
                        values: (0..12).map(f64::from).collect(),
                    }],
                }),
                Block::Table {
                    headers: vec!["社区(村)".into(), "2025 年".into(), "2026 年".into()],
                    rows: (0..rows)
                        .map(|i| vec![format!("社区{i}"), "1".into(), "2".into()])
                        .collect(),
                },
            ],
        }
    }

    #[test]
    fn a_report_renders_as_a_pdf_with_its_text_and_more_pages_when_long() {
        let short = render_report(&sample(3)).unwrap();
        assert!(short.starts_with(b"%PDF-"));
        let doc = lopdf::Document::load_mem(&short).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        let long = render_report(&sample(200)).unwrap();
        let doc = lopdf::Document::load_mem(&long).unwrap();
        assert!(doc.get_pages().len() >= 4, "{}", doc.get_pages().len());
    }
}
