//! The seal drawing: a red round seal as vectors, shared by the PDF and the SVG.
//!
//! Geometry follows common community seals: 42 mm across, a 1.2 mm ring, a five-pointed star
//! in the centre (radius 0.3 R), the seal's name along the upper arc with each glyph turned to
//! follow the circle (glyphs are narrowed, as on real seals, when a long name would otherwise
//! pass 240°), and the kind (e.g. 证明专用章) horizontally under the star.
//!
//! Seal space: origin at the centre, x to the right, y downwards, units of PDF points.

use std::fmt::Write as _;

use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};

use crate::layout::Metrics;

/// Seal ink colour, #D7000F.
pub(crate) const SEAL_RED: (u8, u8, u8) = (0xD7, 0x00, 0x0F);
/// Outer radius: 21 mm.
pub(crate) const RADIUS: f32 = 21.0 * 72.0 / 25.4;
/// Ring width: 1.2 mm.
const RING_WIDTH: f32 = 1.2 * 72.0 / 25.4;
/// Distance from the baseline up to the middle of a CJK glyph's em box (ideographic box
/// -0.12..0.88 em), in em.
const EM_BOX_MIDDLE: f32 = 0.38;

/// A 2-D affine map `x' = a x + c y + e`, `y' = b x + d y + f` (the order of SVG's `matrix()`
/// and of krilla's `Transform::from_row`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Affine {
    pub(crate) a: f32,
    pub(crate) b: f32,
    pub(crate) c: f32,
    pub(crate) d: f32,
    pub(crate) e: f32,
    pub(crate) f: f32,
}

impl Affine {
    pub(crate) fn translate(x: f32, y: f32) -> Affine {
        Affine {
            a: 1.0,
            b: 0.0,
            c: 0.0,
            d: 1.0,
            e: x,
            f: y,
        }
    }

    pub(crate) fn scale(sx: f32, sy: f32) -> Affine {
        Affine {
            a: sx,
            b: 0.0,
            c: 0.0,
            d: sy,
            e: 0.0,
            f: 0.0,
        }
    }

    /// Rotation by `angle` radians; with y pointing down, positive turns clockwise on screen.
    pub(crate) fn rotate(angle: f32) -> Affine {
        let (s, c) = angle.sin_cos();
        Affine {
            a: c,
            b: s,
            c: -s,
            d: c,
            e: 0.0,
            f: 0.0,
        }
    }

    /// `self ∘ inner`: apply `inner` first, then `self`.
    pub(crate) fn then_inner(self, inner: Affine) -> Affine {
        Affine {
            a: self.a * inner.a + self.c * inner.b,
            b: self.b * inner.a + self.d * inner.b,
            c: self.a * inner.c + self.c * inner.d,
            d: self.b * inner.c + self.d * inner.d,
            e: self.a * inner.e + self.c * inner.f + self.e,
            f: self.b * inner.e + self.d * inner.f + self.f,
        }
    }

    pub(crate) fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.a * x + self.c * y + self.e,
            self.b * x + self.d * y + self.f,
        )
    }
}

/// One character of the seal text, placed.
pub(crate) struct SealGlyph {
    pub(crate) ch: char,
    /// Font size in points.
    pub(crate) size: f32,
    /// Maps glyph space (points at `size`, y down, origin at the left end of the baseline)
    /// into seal space.
    pub(crate) transform: Affine,
}

/// The whole seal, in seal space.
pub(crate) struct SealDrawing {
    /// Radius of the ring's centre line.
    pub(crate) ring_radius: f32,
    pub(crate) ring_width: f32,
    /// The ten corners of the star, outer and inner alternating, starting at the top.
    pub(crate) star: Vec<(f32, f32)>,
    pub(crate) glyphs: Vec<SealGlyph>,
}

/// Lay out the seal for `name` (upper arc) and `kind` (under the star).
pub(crate) fn layout_seal(metrics: &Metrics, name: &str, kind: &str) -> SealDrawing {
    let inner_edge = RADIUS - RING_WIDTH;
    let mut glyphs = Vec::new();

    // Name along the arc.
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n > 0 {
        let mut size = 16.0f32;
        let max_span = 240f32.to_radians();
        let mut text_radius = inner_edge - 2.0 - size / 2.0;
        let natural: f32 = chars
            .iter()
            .map(|&c| metrics.advance(c).unwrap_or(1.0) * size * 1.04 / text_radius)
            .sum();
        let mut squeeze = 1.0f32;
        let span;
        if natural > max_span {
            squeeze = max_span / natural;
            if squeeze < 0.5 {
                // Very long names: narrow to half width, then shrink the type as well.
                size *= squeeze / 0.5;
                squeeze = 0.5;
                text_radius = inner_edge - 2.0 - size / 2.0;
            }
            span = max_span;
        } else {
            // Short names are spread out, up to 180°.
            span = natural.max((natural * 1.5).min(180f32.to_radians()));
        }
        let step = span / n as f32;
        for (i, &ch) in chars.iter().enumerate() {
            let angle = -span / 2.0 + (i as f32 + 0.5) * step;
            let advance = metrics.advance(ch).unwrap_or(1.0) * size;
            let (s, c) = angle.sin_cos();
            let position = Affine::translate(text_radius * s, -text_radius * c);
            let transform = position
                .then_inner(Affine::rotate(angle))
                .then_inner(Affine::translate(
                    -advance * squeeze / 2.0,
                    EM_BOX_MIDDLE * size,
                ))
                .then_inner(Affine::scale(squeeze, 1.0));
            glyphs.push(SealGlyph {
                ch,
                size,
                transform,
            });
        }
    }

    // Kind, horizontal under the star.
    let kind_chars: Vec<char> = kind.chars().filter(|c| !c.is_whitespace()).collect();
    if !kind_chars.is_empty() {
        let mut size = 13.0f32;
        let baseline = RADIUS * 0.60;
        let width_em: f32 = kind_chars
            .iter()
            .map(|&c| metrics.advance(c).unwrap_or(1.0))
            .sum();
        // Room across the circle at the top of the line, with a margin.
        let top = baseline - 0.88 * size;
        let room = 2.0 * (inner_edge * inner_edge - top * top).max(0.0).sqrt() * 0.8;
        if width_em * size > room {
            size = room / width_em;
        }
        let mut x = -width_em * size / 2.0;
        for &ch in &kind_chars {
            glyphs.push(SealGlyph {
                ch,
                size,
                transform: Affine::translate(x, baseline),
            });
            x += metrics.advance(ch).unwrap_or(1.0) * size;
        }
    }

    // Five-pointed star, point up.
    let outer = RADIUS * 0.30;
    let inner = outer * 0.381_966;
    let star = (0..10)
        .map(|k| {
            let r = if k % 2 == 0 { outer } else { inner };
            let angle = (k as f32 * 36.0).to_radians();
            (r * angle.sin(), -r * angle.cos())
        })
        .collect();

    SealDrawing {
        ring_radius: RADIUS - RING_WIDTH / 2.0,
        ring_width: RING_WIDTH,
        star,
        glyphs,
    }
}

/// Collects a glyph outline as SVG path data, flipping font units (y up) to y down.
struct SvgPen {
    d: String,
}

impl SvgPen {
    fn pt(&mut self, x: f32, y: f32) {
        let _ = write!(self.d, "{} {} ", fmt_num(x), fmt_num(-y));
    }
}

impl OutlinePen for SvgPen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(cx0, cy0);
        self.pt(x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(cx0, cy0);
        self.pt(cx1, cy1);
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

/// A number with at most two decimals and no trailing zeros.
fn fmt_num(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The seal drawing as a standalone SVG document (glyphs as outlines, so no web font is
/// needed; a character the embedded font lacks falls back to an SVG `<text>` in the page's
/// serif font).
pub(crate) fn svg(name: &str, kind: &str) -> String {
    let metrics = Metrics::load().ok();
    let (r, g, b) = SEAL_RED;
    let color = format!("#{r:02X}{g:02X}{b:02X}");
    let view = RADIUS + 0.5;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{v0} {v0} {v1} {v1}" width="160" height="160" role="img" aria-label="{label}"><title>{label}</title><g fill="{color}">"#,
        v0 = fmt_num(-view),
        v1 = fmt_num(2.0 * view),
        label = xml_escape(&format!("{name}{kind}")),
    );
    let Some(metrics) = metrics else {
        out.push_str("</g></svg>");
        return out;
    };
    let drawing = layout_seal(&metrics, name, kind);
    let _ = write!(
        out,
        r#"<circle cx="0" cy="0" r="{}" fill="none" stroke="{color}" stroke-width="{}"/>"#,
        fmt_num(drawing.ring_radius),
        fmt_num(drawing.ring_width),
    );
    out.push_str("<path d=\"");
    for (i, (x, y)) in drawing.star.iter().enumerate() {
        out.push(if i == 0 { 'M' } else { 'L' });
        let _ = write!(out, "{} {} ", fmt_num(*x), fmt_num(*y));
    }
    out.push_str("Z\"/>");
    // The same hairline stroke as in the PDF thickens the serif strokes like a stamp.
    let _ = write!(out, r#"<g stroke="{color}" stroke-width="0.35">"#);
    let outlines = metrics.font.outline_glyphs();
    for glyph in &drawing.glyphs {
        let t = glyph.transform;
        let matrix = format!(
            "matrix({} {} {} {} {} {})",
            fmt_num4(t.a),
            fmt_num4(t.b),
            fmt_num4(t.c),
            fmt_num4(t.d),
            fmt_num(t.e),
            fmt_num(t.f)
        );
        let outline = metrics.glyph(glyph.ch).and_then(|gid| outlines.get(gid));
        let mut pen = SvgPen { d: String::new() };
        let drawn = outline.is_some_and(|o| {
            o.draw(
                DrawSettings::unhinted(Size::new(glyph.size), LocationRef::default()),
                &mut pen,
            )
            .is_ok()
        });
        if drawn {
            let _ = write!(
                out,
                r#"<path transform="{matrix}" d="{}"/>"#,
                pen.d.trim_end()
            );
        } else {
            let _ = write!(
                out,
                r#"<text transform="{matrix}" font-size="{}" font-family="serif">{}</text>"#,
                fmt_num(glyph.size),
                xml_escape(&glyph.ch.to_string())
            );
        }
    }
    out.push_str("</g></g></svg>");
    out
}

/// Collects a glyph outline as line segments in seal space: curves flattened, font units'
/// y up turned down as [`SvgPen`] does, then mapped by the glyph's transform.
struct RasterPen<'a> {
    transform: Affine,
    edges: &'a mut Vec<[f32; 4]>,
    start: (f32, f32),
    at: (f32, f32),
}

impl RasterPen<'_> {
    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        self.transform.apply(x, -y)
    }
    fn line(&mut self, to: (f32, f32)) {
        self.edges.push([self.at.0, self.at.1, to.0, to.1]);
        self.at = to;
    }
}

/// Segments a curve is cut into.
const CURVE_STEPS: usize = 8;

impl OutlinePen for RasterPen<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.start = self.point(x, y);
        self.at = self.start;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.point(x, y);
        self.line(to);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let (p0, p1, p2) = (self.at, self.point(cx0, cy0), self.point(x, y));
        for i in 1..=CURVE_STEPS {
            let t = i as f32 / CURVE_STEPS as f32;
            let u = 1.0 - t;
            let q = (
                u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
            );
            self.line(q);
        }
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (p0, p1, p2, p3) = (
            self.at,
            self.point(cx0, cy0),
            self.point(cx1, cy1),
            self.point(x, y),
        );
        for i in 1..=CURVE_STEPS {
            let t = i as f32 / CURVE_STEPS as f32;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            let q = (
                a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0,
                a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1,
            );
            self.line(q);
        }
    }
    fn close(&mut self) {
        if self.at != self.start {
            let start = self.start;
            self.line(start);
        }
    }
}

/// A closed polygon's edges.
fn polygon(edges: &mut Vec<[f32; 4]>, points: &[(f32, f32)]) {
    for (i, a) in points.iter().enumerate() {
        let b = points[(i + 1) % points.len()];
        edges.push([a.0, a.1, b.0, b.1]);
    }
}

/// A circle of radius `r` as a polygon, clockwise or not (the ring is the outer circle one
/// way and the inner the other, filled by the non-zero rule).
fn circle(edges: &mut Vec<[f32; 4]>, r: f32, clockwise: bool) {
    let n = 360;
    let points: Vec<(f32, f32)> = (0..n)
        .map(|k| {
            let angle = (k as f32 / n as f32) * std::f32::consts::TAU;
            let angle = if clockwise { angle } else { -angle };
            (r * angle.cos(), r * angle.sin())
        })
        .collect();
    polygon(edges, &points);
}

/// Vertical samples per pixel row.
const SUBROWS: usize = 4;

/// The seal drawing as a `size`×`size` RGBA image (straight alpha, seal red on transparent,
/// edges anti-aliased): the picture of a GB/T 38540 seal. Filled by the non-zero rule from
/// the same geometry and glyph outlines as the PDF and the SVG.
pub(crate) fn raster(name: &str, kind: &str, size: u32) -> Result<Vec<u8>, crate::SealError> {
    let metrics = Metrics::load()?;
    let drawing = layout_seal(&metrics, name, kind);
    let mut edges: Vec<[f32; 4]> = Vec::new();
    circle(
        &mut edges,
        drawing.ring_radius + drawing.ring_width / 2.0,
        true,
    );
    circle(
        &mut edges,
        drawing.ring_radius - drawing.ring_width / 2.0,
        false,
    );
    polygon(&mut edges, &drawing.star);
    let outlines = metrics.font.outline_glyphs();
    for glyph in &drawing.glyphs {
        let Some(outline) = metrics.glyph(glyph.ch).and_then(|gid| outlines.get(gid)) else {
            continue;
        };
        let mut pen = RasterPen {
            transform: glyph.transform,
            edges: &mut edges,
            start: (0.0, 0.0),
            at: (0.0, 0.0),
        };
        outline
            .draw(
                DrawSettings::unhinted(Size::new(glyph.size), LocationRef::default()),
                &mut pen,
            )
            .map_err(|e| crate::SealError::Pdf(format!("印章字形无法绘制：{e}")))?;
        pen.close();
    }
    // Seal space (points, centred) to pixels.
    let n = size as usize;
    let half = RADIUS + 0.5;
    let scale = size as f32 / (2.0 * half);
    for e in &mut edges {
        for v in e.iter_mut() {
            *v = (*v + half) * scale;
        }
    }
    let mut coverage = vec![0f32; n * n];
    let mut crossings: Vec<(f32, i32)> = Vec::new();
    for row in 0..n {
        let line = &mut coverage[row * n..(row + 1) * n];
        for sub in 0..SUBROWS {
            let y = row as f32 + (sub as f32 + 0.5) / SUBROWS as f32;
            crossings.clear();
            for &[x0, y0, x1, y1] in &edges {
                if (y0 <= y && y < y1) || (y1 <= y && y < y0) {
                    let x = x0 + (y - y0) * (x1 - x0) / (y1 - y0);
                    crossings.push((x, if y1 > y0 { 1 } else { -1 }));
                }
            }
            crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut winding = 0;
            let mut from = 0f32;
            for &(x, dir) in &crossings {
                let before = winding;
                winding += dir;
                if before == 0 && winding != 0 {
                    from = x;
                } else if before != 0 && winding == 0 {
                    add_span(line, from, x, 1.0 / SUBROWS as f32);
                }
            }
        }
    }
    let (r, g, b) = SEAL_RED;
    let mut rgba = Vec::with_capacity(n * n * 4);
    for c in coverage {
        let alpha = (c.clamp(0.0, 1.0) * 255.0).round() as u8;
        rgba.extend_from_slice(&[r, g, b, alpha]);
    }
    Ok(rgba)
}

/// Adds `weight` times the part of each pixel that `[from, to)` covers.
fn add_span(line: &mut [f32], from: f32, to: f32, weight: f32) {
    let width = line.len() as f32;
    let (from, to) = (from.clamp(0.0, width), to.clamp(0.0, width));
    if to <= from {
        return;
    }
    let (first, last) = (from.floor() as usize, to.floor() as usize);
    if first == last {
        line[first.min(line.len() - 1)] += (to - from) * weight;
        return;
    }
    line[first] += (first as f32 + 1.0 - from) * weight;
    let end = last.min(line.len());
    for px in &mut line[first + 1..end] {
        *px += weight;
    }
    if last < line.len() {
        line[last] += (to - last as f32) * weight;
    }
}

/// A matrix coefficient with four decimals.
fn fmt_num4(v: f32) -> String {
    let s = format!("{:.4}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_raster_draws_the_ring_the_star_and_the_name_in_seal_red() {
        let n = 200usize;
        let img = raster("鞍山市铁东区示例和平社区居民委员会", "证明专用章", n as u32).unwrap();
        assert_eq!(img.len(), n * n * 4);
        let alpha = |x: usize, y: usize| img[(y * n + x) * 4 + 3];
        // Corners are transparent; the ring's centre line at the left and right is inked.
        assert_eq!(alpha(0, 0), 0);
        assert_eq!(alpha(n - 1, n - 1), 0);
        let half = RADIUS + 0.5;
        let ring = ((half - (RADIUS - RING_WIDTH / 2.0)) / (2.0 * half) * n as f32) as usize;
        assert!(alpha(ring, n / 2) > 200, "{}", alpha(ring, n / 2));
        assert!(alpha(n - 1 - ring, n / 2) > 200);
        // Inside the ring, away from star and text, nothing; the star's centre is filled.
        assert_eq!(alpha(ring + 6, n / 2), 0);
        assert_eq!(alpha(n / 2, n / 2), 255);
        // The name along the upper arc puts ink between the ring and the star.
        let inked = (ring + 4..n / 2 - 20)
            .flat_map(|y| (n / 3..2 * n / 3).map(move |x| (x, y)))
            .filter(|&(x, y)| alpha(x, y) > 128)
            .count();
        assert!(inked > 100, "{inked}");
        assert!(
            img.chunks(4)
                .all(|p| p[..3] == [SEAL_RED.0, SEAL_RED.1, SEAL_RED.2])
        );
    }
    use super::*;

    #[test]
    fn affine_composition_applies_inner_first() {
        let m = Affine::translate(10.0, 0.0).then_inner(Affine::scale(2.0, 3.0));
        assert_eq!(m.apply(1.0, 1.0), (12.0, 3.0));
        let r = Affine::rotate(std::f32::consts::FRAC_PI_2);
        let (x, y) = r.apply(0.0, -1.0); // "up" turns to the right (clockwise on screen)
        assert!((x - 1.0).abs() < 1e-6 && y.abs() < 1e-6);
    }

    #[test]
    fn name_glyphs_follow_the_upper_arc_symmetrically() {
        let m = Metrics::load().unwrap();
        let d = layout_seal(&m, "鞍山市铁东区示例和平社区居民委员会", "证明专用章");
        assert_eq!(d.glyphs.len(), 17 + 5);
        let arc = &d.glyphs[..17];
        // Every glyph's em-box centre lies on one circle inside the ring.
        let centres: Vec<(f32, f32)> = arc
            .iter()
            .map(|g| {
                let adv = m.advance(g.ch).unwrap() * g.size;
                g.transform.apply(adv / 2.0, -EM_BOX_MIDDLE * g.size)
            })
            .collect();
        let r0 = (centres[0].0.powi(2) + centres[0].1.powi(2)).sqrt();
        for (x, y) in &centres {
            let r = (x * x + y * y).sqrt();
            assert!((r - r0).abs() < 0.01, "{r} vs {r0}");
            assert!(r + arc[0].size / 2.0 < RADIUS - RING_WIDTH);
        }
        // Symmetric about the vertical axis, first glyph on the left, middle one on top.
        assert!((centres[0].0 + centres[16].0).abs() < 0.01);
        assert!((centres[0].1 - centres[16].1).abs() < 0.01);
        assert!(centres[0].0 < 0.0 && centres[8].0.abs() < 0.01 && centres[8].1 < 0.0);
        // The span is 240°: the end glyphs sit 120° - half a step from the top.
        let angle = centres[16].0.atan2(-centres[16].1).to_degrees();
        assert!(
            (angle - (120.0 - 240.0 / 17.0 / 2.0)).abs() < 0.1,
            "{angle}"
        );
        // Kind is horizontal and centred below the star.
        let kind = &d.glyphs[17..];
        assert!(
            kind.iter()
                .all(|g| g.transform.b == 0.0 && g.transform.f > RADIUS * 0.3)
        );
        let left = kind[0].transform.e;
        let right = kind[4].transform.e + m.advance(kind[4].ch).unwrap() * kind[4].size;
        assert!((left + right).abs() < 0.01);
    }

    #[test]
    fn svg_draws_glyph_outlines_and_falls_back_to_text() {
        let s = svg("示例社区居民委员会", "证明专用章");
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(s.ends_with("</svg>"));
        assert_eq!(s.matches("<path transform=").count(), 9 + 5);
        assert!(!s.contains("<text"));
        let s = svg("𠀀社区", "章");
        assert_eq!(s.matches("<text").count(), 1);
        assert_eq!(s.matches("<path transform=").count(), 3);
    }
}
