//! The certificate as an OFD document (GB/T 33190-2016), signed with a GB/T 38540 seal as
//! GM/T 0099-2020 describes, and the verification of such files, ours or other vendors'.
//!
//! # The package
//!
//! [`render_ofd`] lays the page out exactly as the PDF ([`crate::render_pdf`]) does — the title,
//! serial, body, community name and date, the QR code of the verify URL drawn as a path, its
//! caption — and writes a zip with:
//!
//! ```text
//! OFD.xml                              DocBody: DocInfo, DocRoot, Signatures
//! Doc_0/Document.xml                   A4 page area, PublicRes, one Page (ID 1)
//! Doc_0/PublicRes.xml                  the font, with its FontFile
//! Doc_0/Res/font_0.otf                 the font's subset: the glyphs of the page's text and a
//!                                      cmap for them (see below)
//! Doc_0/Pages/Page_0/Content.xml       TextObjects (with DeltaX from the font's advances) and
//!                                      the QR code's PathObject; units are millimetres
//! Doc_0/Signs/Signatures.xml           MaxSignId 1, Signature ID 1 Type Seal → Sign_0
//! Doc_0/Signs/Sign_0/Seal.esl          the SESeal DER (GB/T 38540), its picture is the stamp
//! Doc_0/Signs/Sign_0/Signature.xml     SignedInfo: Provider, SignatureMethod
//!                                      1.2.156.10197.1.501, SignatureDateTime, References
//!                                      (CheckMethod 1.2.156.10197.1.401, one Reference per file
//!                                      with the Base64 SM3 CheckValue), StampAnnot (PageRef 1,
//!                                      Boundary of the seal picture on the page, mm), Seal
//!                                      BaseLoc; SignedValue → SignedValue.dat
//! Doc_0/Signs/Sign_0/SignedValue.dat   the SES_Signature DER
//! ```
//!
//! The seal is not drawn into the page content: a GM/T 0099 reader draws the stamp from the
//! signed picture in `Seal.esl` at the `StampAnnot` boundary, so the picture people see is the
//! picture the seal maker signed. The font is embedded as GB/T 33190 allows (`ofd:Font` with an
//! `ofd:FontFile` under the resource's `BaseLoc`): a subset of the shipped font with just the
//! glyphs of this page's text and a Unicode `cmap` for them (`crate::font_subset`), so a reader
//! without Noto Serif CJK draws the same glyphs; like every file of the package it is listed
//! with its SM3 check value in `Signature.xml`. Glyph positions are also fixed by `DeltaX`.
//!
//! # What is signed (GM/T 0099-2020 §7, as ofdrw implements it)
//!
//! Followed: ofdrw's `OFDSigner` (`ofdrw-sign`, `org.ofdrw.sign.OFDSigner#exeSign`,
//! `buildSignature`, `toBeDigestFileList` in `SignMode.WholeProtected`) and `SESV4Container#sign`:
//! the References list every file of the package present when `Signature.xml` is written —
//! including `Signatures.xml` and this signature's `Seal.esl`, excluding only `Signature.xml`
//! and `SignedValue.dat` — each with the SM3 digest of its bytes; `SignedValue.dat` is a
//! GB/T 38540 v4 `SES_Signature` whose `TBS_Sign.dataHash` is the SM3 digest of the bytes of
//! `Signature.xml` and whose `propertyInfo` is the absolute path of that file
//! (`/Doc_0/Signs/Sign_0/Signature.xml`). The `SES_Signature` itself is made by
//! [`crate::ses::sign`].
//!
//! # Verification
//!
//! [`verify_ofd`] reads `OFD.xml` → `Signatures.xml` → each `Signature.xml` (paths absolute or
//! relative to the referring file, as GB/T 33190 allows) and checks, in this order, each
//! failure with its own [`PkiError`]: the seal on its own (maker's certificate chained to the
//! root at the seal's creation, maker's signature over `SES_SealInfo` including the picture);
//! the `SES_Signature` ([`crate::ses::EsSignature::verify`]: signer's signature over
//! `TBS_Sign`, signer listed in the seal, signer's certificate chained, valid and not revoked
//! at the signing time, signing time within the seal's validity, `dataHash` = SM3 of
//! `Signature.xml`); `Seal.esl` equal to the seal in the signature
//! ([`PkiError::SealFileMismatch`]); the digest method SM3 ([`PkiError::UnsupportedDigest`]);
//! each reference present ([`PkiError::ReferenceMissing`]) with the recorded digest
//! ([`PkiError::ReferenceMismatch`]); and no file of the package left unprotected
//! ([`PkiError::UnprotectedFile`], GM/T 0099's 夹带 files) except the signatures' own
//! `Signature.xml` and `SignedValue.dat`. Signature values may be raw `r || s` or DER, as in
//! [`crate::ses`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};
use std::time::SystemTime;

use base64ct::{Base64, Encoding};
use quick_xml::events::Event;

use crate::asn1::show_time;
use crate::cert::CertificateContent;
use crate::error::{PkiError, SealError};
use crate::keys::{SealKey, sm3_bytes};
use crate::layout::{Metrics, check_printable};
use crate::pki::{Revocation, Subject, TrustedRoot, X509Certificate};
use crate::render::{PAGE_SIZE, PlacedLine, page_layout, qr_runs};
use crate::ses::{EsSeal, EsSignature, sign};

/// The OFD namespace (GB/T 33190-2016).
pub const OFD_NAMESPACE: &str = "http://www.ofdspec.org/2016";
/// SM3 (GM/T 0004), the `CheckMethod` of the references.
pub const OID_SM3: &str = "1.2.156.10197.1.401";
/// SM3withSM2, the `SignatureMethod`.
pub const OID_SM3_WITH_SM2: &str = "1.2.156.10197.1.501";
/// Where the one signature of a certificate's OFD lives.
pub const SIGNATURE_PATH: &str = "/Doc_0/Signs/Sign_0/Signature.xml";
const SIGNATURES_PATH: &str = "/Doc_0/Signs/Signatures.xml";
const SEAL_PATH: &str = "/Doc_0/Signs/Sign_0/Seal.esl";
const SIGNED_VALUE_PATH: &str = "/Doc_0/Signs/Sign_0/SignedValue.dat";
/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;
/// Largest file read out of a package, and the largest package in all, decompressed.
const MAX_FILE: u64 = 16 << 20;
const MAX_TOTAL: u64 = 64 << 20;
/// The font named in `PublicRes.xml`: the face the layout was measured with.
const FONT_NAME: &str = "Noto Serif CJK SC";
/// The embedded subset of that font, under `PublicRes.xml`'s `BaseLoc` (`Doc_0/Res`).
const FONT_FILE: &str = "font_0.otf";

/// Who stamps an OFD and when: the seal (its picture is the stamp), a signer the seal lists,
/// the signer's key and the signing time (`timeInfo`).
#[derive(Clone, Copy, Debug)]
pub struct OfdStamp<'a> {
    /// The GB/T 38540 seal.
    pub seal: &'a EsSeal,
    /// The signer's certificate (listed in the seal).
    pub signer: &'a X509Certificate,
    /// The signer's key.
    pub key: &'a SealKey,
    /// The signing time; must lie in the seal's and the certificate's validity.
    pub time: SystemTime,
}

fn mm(points: f32) -> f32 {
    points / PT_PER_MM
}

/// A number for OFD: millimetres to three decimals, without trailing zeros.
fn num(value: f32) -> String {
    let mut s = String::with_capacity(12);
    push_num(&mut s, value);
    s
}

/// Writes `value` with at most three decimals and no trailing zeros (`-0` as `0`): what
/// `format!("{value:.3}")` trimmed gives, without formatting a float. An `f32` times 1000 is
/// exact in `f64`, and ties round to even as the formatter does.
fn push_num(out: &mut String, value: f32) {
    let thousandths = (f64::from(value) * 1000.0).round_ties_even();
    if !thousandths.is_finite() || thousandths.abs() >= 9.0e15 {
        let _ = write!(out, "{value}");
        return;
    }
    // Exact: the value is an integer below 2^53.
    #[allow(clippy::cast_possible_truncation)]
    let thousandths = thousandths as i64;
    if thousandths < 0 {
        out.push('-');
    }
    let magnitude = thousandths.unsigned_abs();
    let (whole, mut fraction) = (magnitude / 1000, magnitude % 1000);
    let _ = write!(out, "{whole}");
    if fraction != 0 {
        out.push('.');
        let mut digits = 3;
        while fraction % 10 == 0 {
            fraction /= 10;
            digits -= 1;
        }
        let _ = write!(out, "{fraction:0digits$}");
    }
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Render `content` as a signed OFD package stamped with `stamp`.
///
/// Errors: the content's own problems as [`crate::render_pdf`] reports them
/// ([`SealError::UnsupportedCharacters`], [`SealError::TextTooLong`], …), and signing
/// problems as [`SealError::Pki`] (a signer the seal does not list, a time outside the seal's
/// validity, a key that is not the signer's).
pub fn render_ofd(
    content: &CertificateContent,
    stamp: &OfdStamp<'_>,
) -> Result<Vec<u8>, SealError> {
    let fixed = "编号：扫码或访问核验核验码：年月日";
    check_printable(&[
        &content.type_name,
        &content.serial,
        &content.body,
        &content.community_name,
        &content.issued_on,
        &content.verify_url,
        &content.check_code,
        fixed,
    ])?;
    let metrics = Metrics::load()?;
    let layout = page_layout(content, &metrics)?;
    let picture = stamp.seal.picture();

    let mut ids = 1u32; // 1: the page
    let mut next = || {
        ids += 1;
        ids
    };
    let font_id = next();
    let layer_id = next();
    let font_file = crate::font_subset::subset_for_text(
        &metrics,
        layout
            .lines
            .iter()
            .chain(layout.captions.iter())
            .flat_map(|l| l.text.chars()),
    )?;
    let mut objects = String::new();
    let black = "0 0 0";
    let grey = {
        let (r, g, b) = crate::render::CAPTION_GREY;
        format!("{r} {g} {b}")
    };
    for (line, colour) in layout
        .lines
        .iter()
        .map(|l| (l, black))
        .chain(layout.captions.iter().map(|l| (l, grey.as_str())))
    {
        text_object(&mut objects, next(), font_id, &metrics, line, colour);
    }
    let (qr_x, qr_y, qr_size) = layout.qr;
    let (width, runs) = qr_runs(&content.verify_url)?;
    let module = mm(qr_size) / width as f32;
    let mut path = String::new();
    for (row, start, len) in runs {
        let (x0, y0) = (start as f32 * module, row as f32 * module);
        let (x1, y1) = (x0 + len as f32 * module, y0 + module);
        for (command, x, y) in [('M', x0, y0), ('L', x1, y0), ('L', x1, y1), ('L', x0, y1)] {
            path.push(command);
            path.push(' ');
            push_num(&mut path, x);
            path.push(' ');
            push_num(&mut path, y);
            path.push(' ');
        }
        path.push_str("C ");
    }
    let _ = writeln!(
        objects,
        "<ofd:PathObject ID=\"{}\" Boundary=\"{} {} {} {}\" Fill=\"true\" Stroke=\"false\">\
         <ofd:FillColor Value=\"0 0 0\"/><ofd:AbbreviatedData>{}</ofd:AbbreviatedData>\
         </ofd:PathObject>",
        next(),
        num(mm(qr_x)),
        num(mm(qr_y)),
        num(mm(qr_size)),
        num(mm(qr_size)),
        path.trim_end()
    );
    let max_id = next();

    let (page_w, page_h) = PAGE_SIZE;
    let created = content.issued_on.clone();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        "/OFD.xml".into(),
        format!(
            "{XML_HEAD}<ofd:OFD xmlns:ofd=\"{OFD_NAMESPACE}\" Version=\"1.0\" DocType=\"OFD\">\
             <ofd:DocBody><ofd:DocInfo><ofd:DocID>{}</ofd:DocID><ofd:Title>{}</ofd:Title>\
             <ofd:Author>{}</ofd:Author><ofd:CreationDate>{}</ofd:CreationDate>\
             <ofd:Creator>jianfu</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion>\
             </ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>\
             <ofd:Signatures>{SIGNATURES_PATH}</ofd:Signatures></ofd:DocBody></ofd:OFD>\n",
            hex::encode(&sm3_bytes(content.canonical_bytes().as_slice())[..16]),
            escape(&content.type_name),
            escape(&content.community_name),
            escape(&created),
            env!("CARGO_PKG_VERSION"),
        )
        .into_bytes(),
    ));
    files.push((
        "/Doc_0/Document.xml".into(),
        format!(
            "{XML_HEAD}<ofd:Document xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:CommonData>\
             <ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}\
             </ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>\
             </ofd:CommonData><ofd:Pages><ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/>\
             </ofd:Pages></ofd:Document>\n",
            num(mm(page_w)),
            num(mm(page_h)),
        )
        .into_bytes(),
    ));
    files.push((
        "/Doc_0/PublicRes.xml".into(),
        format!(
            "{XML_HEAD}<ofd:Res xmlns:ofd=\"{OFD_NAMESPACE}\" BaseLoc=\"Res\"><ofd:Fonts>\
             <ofd:Font ID=\"{font_id}\" FontName=\"{FONT_NAME}\" FamilyName=\"{FONT_NAME}\" \
             Serif=\"true\"><ofd:FontFile>{FONT_FILE}</ofd:FontFile></ofd:Font></ofd:Fonts>\
             </ofd:Res>\n"
        )
        .into_bytes(),
    ));
    files.push((format!("/Doc_0/Res/{FONT_FILE}"), font_file));
    files.push((
        "/Doc_0/Pages/Page_0/Content.xml".into(),
        format!(
            "{XML_HEAD}<ofd:Page xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:Content>\
             <ofd:Layer ID=\"{layer_id}\">\n{objects}</ofd:Layer></ofd:Content></ofd:Page>\n"
        )
        .into_bytes(),
    ));
    files.push((
        SIGNATURES_PATH.into(),
        format!(
            "{XML_HEAD}<ofd:Signatures xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:MaxSignId>1</ofd:MaxSignId>\
             <ofd:Signature ID=\"1\" Type=\"Seal\" BaseLoc=\"{SIGNATURE_PATH}\"/></ofd:Signatures>\n"
        )
        .into_bytes(),
    ));
    files.push((SEAL_PATH.into(), stamp.seal.der().to_vec()));

    let mut references = String::new();
    for (path, bytes) in &files {
        let _ = write!(
            references,
            "<ofd:Reference FileRef=\"{}\"><ofd:CheckValue>{}</ofd:CheckValue></ofd:Reference>",
            escape(path),
            Base64::encode_string(&sm3_bytes(bytes))
        );
    }
    let (cx, cy) = layout.seal_centre;
    let (w, h) = (picture.width_mm as f32, picture.height_mm as f32);
    let signature_xml = format!(
        "{XML_HEAD}<ofd:Signature xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:SignedInfo>\
         <ofd:Provider ProviderName=\"jianfu\" Version=\"{}\" Company=\"jianfu\"/>\
         <ofd:SignatureMethod>{OID_SM3_WITH_SM2}</ofd:SignatureMethod>\
         <ofd:SignatureDateTime>{}</ofd:SignatureDateTime>\
         <ofd:References CheckMethod=\"{OID_SM3}\">{references}</ofd:References>\
         <ofd:StampAnnot ID=\"1\" PageRef=\"1\" Boundary=\"{} {} {} {}\"/>\
         <ofd:Seal><ofd:BaseLoc>{SEAL_PATH}</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo>\
         <ofd:SignedValue>{SIGNED_VALUE_PATH}</ofd:SignedValue></ofd:Signature>\n",
        env!("CARGO_PKG_VERSION"),
        show_time(stamp.time),
        num(mm(cx) - w / 2.0),
        num(mm(cy) - h / 2.0),
        num(w),
        num(h),
    )
    .into_bytes();
    let signature = sign(
        stamp.seal,
        &signature_xml,
        SIGNATURE_PATH,
        stamp.time,
        stamp.signer,
        stamp.key,
    )?;
    files.push((SIGNATURE_PATH.into(), signature_xml));
    files.push((SIGNED_VALUE_PATH.into(), signature.der().to_vec()));
    zip_files(&files).map_err(|e| SealError::Pdf(format!("OFD 打包失败：{e}")))
}

/// One line of text as a `TextObject`: the boundary is the line's box, the text code starts at
/// the baseline, and `DeltaX` gives each advance so that the reader places glyphs as measured.
fn text_object(
    out: &mut String,
    id: u32,
    font_id: u32,
    metrics: &Metrics,
    line: &PlacedLine,
    colour: &str,
) {
    let size = mm(line.size);
    let advances: Vec<f32> = line
        .text
        .chars()
        .map(|c| metrics.advance(c).unwrap_or(0.0) * size)
        .collect();
    let width: f32 = advances.iter().sum();
    let delta = advances[..advances.len().saturating_sub(1)]
        .iter()
        .map(|a| num(*a))
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(
        out,
        "<ofd:TextObject ID=\"{id}\" Boundary=\"{} {} {} {}\" Font=\"{font_id}\" Size=\"{}\">\
         <ofd:FillColor Value=\"{colour}\"/><ofd:TextCode X=\"0\" Y=\"{}\" DeltaX=\"{delta}\">{}\
         </ofd:TextCode></ofd:TextObject>",
        num(mm(line.x)),
        num(mm(line.y) - size),
        num(width.max(size)),
        num(size * 1.3),
        num(size),
        num(size),
        escape(&line.text),
    );
}

fn zip_files(files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(total)));
    // The XML and the font shrink to a fraction, deflated at the fastest level; the seal and
    // the signature are mostly the seal's PNG picture, already compressed: they are stored.
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (path, bytes) in files {
        let options = if path == SEAL_PATH || path == SIGNED_VALUE_PATH {
            stored
        } else {
            deflated
        };
        zip.start_file(path.trim_start_matches('/'), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The files of a zip package by path (without a leading `/`), read with size limits;
/// duplicate names and directories' contents are refused or skipped.
pub(crate) fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, PkiError> {
    let bad = |e: zip::result::ZipError| PkiError::Package(format!("不是有效的 zip 文件包（{e}）"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(bad)?;
        if file.is_dir() {
            continue;
        }
        let name = file
            .name()
            .map_err(bad)?
            .trim_start_matches('/')
            .to_string();
        let mut data = Vec::new();
        let read = (&mut file)
            .take(MAX_FILE + 1)
            .read_to_end(&mut data)
            .map_err(|e| PkiError::Package(format!("文件 {name} 无法解压（{e}）")))?;
        total += read as u64;
        if read as u64 > MAX_FILE || total > MAX_TOTAL {
            return Err(PkiError::Package("文件包解压后过大".to_string()));
        }
        if files.insert(name.clone(), data).is_some() {
            return Err(PkiError::Package(format!("文件包中有重名文件 {name}")));
        }
    }
    Ok(files)
}

/// A parsed XML element: local name, attributes (local names), text and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every element named `name` below this one, depth first.
    fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for child in &self.children {
            if child.name == name {
                out.push(child);
            }
            child.descendants(name, out);
        }
    }
}

/// Parse an XML file into its root element (namespaces ignored: OFD files use the `ofd:`
/// prefix or a default namespace).
fn parse_xml(bytes: &[u8], path: &str) -> Result<Element, PkiError> {
    let bad = |why: String| PkiError::Package(format!("{path} 不是有效的 XML（{why}）"));
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| bad("不是 UTF-8".into()))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let local = |name: &str| name.to_string();
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|e| bad(e.to_string()))?;
        let start = |e: &quick_xml::events::BytesStart<'_>| -> Result<Element, PkiError> {
            let mut element = Element {
                name: local(e.local_name().as_ref()),
                ..Element::default()
            };
            for attribute in e.attributes() {
                let attribute = attribute.map_err(|e| bad(e.to_string()))?;
                let value = attribute
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| bad(e.to_string()))?;
                element.attributes.push((
                    local(attribute.key.local_name().as_ref()),
                    value.into_owned(),
                ));
            }
            Ok(element)
        };
        match event {
            Event::Start(e) => {
                if stack.len() > 64 {
                    return Err(bad("嵌套过深".into()));
                }
                stack.push(start(&e)?);
            }
            Event::Empty(e) => {
                let element = start(&e)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| bad("结束标记不配对".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Err(bad("结束标记不配对".into())),
                }
            }
            Event::Text(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| bad(format!("未知实体 &{};", &*r)))?
                        .to_string(),
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = match stack.pop() {
        Some(d) if stack.is_empty() => d,
        _ => return Err(bad("元素未结束".into())),
    };
    if document.children.len() != 1 {
        return Err(bad("应有且只有一个根元素".into()));
    }
    Ok(document.children.remove(0))
}

/// Resolve `loc` (absolute, or relative to the directory of the file `base`) to a package
/// path without a leading `/`; `.` and `..` are resolved, escaping the root is refused.
fn resolve(base: &str, loc: &str) -> Result<String, PkiError> {
    let loc = loc.trim();
    let mut parts: Vec<&str> = Vec::new();
    if !loc.starts_with('/') {
        let base = base.trim_start_matches('/');
        if let Some((dir, _)) = base.rsplit_once('/') {
            parts.extend(dir.split('/').filter(|p| !p.is_empty()));
        }
    }
    for part in loc.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts
                    .pop()
                    .ok_or_else(|| PkiError::Package(format!("路径 {loc} 超出文件包")))?;
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(PkiError::Package(format!("路径 {loc} 无效")));
    }
    Ok(parts.join("/"))
}

fn file<'a>(files: &'a BTreeMap<String, Vec<u8>>, path: &str) -> Result<&'a [u8], PkiError> {
    files
        .get(path)
        .map(Vec::as_slice)
        .ok_or_else(|| PkiError::Package(format!("文件包中缺少 /{path}")))
}

/// One verified signature of an OFD file.
#[derive(Clone, Debug)]
pub struct OfdSignature {
    /// Path of its `Signature.xml`.
    pub path: String,
    /// The seal's name and identifier (`esID`).
    pub seal_name: String,
    /// `esID`.
    pub seal_id: String,
    /// The seal maker (subject of its certificate).
    pub maker: Subject,
    /// The signer (subject of the certificate) and the certificate's serial (hex).
    pub signer: Subject,
    /// Serial of the signer's certificate, hex.
    pub signer_serial: String,
    /// When it was signed (`timeInfo`).
    pub time: SystemTime,
    /// How many files its references protect.
    pub references: usize,
    /// The stamps: page ID and boundary (`x y w h`, mm).
    pub stamps: Vec<(String, String)>,
}

/// What [`verify_ofd`] found: the signatures (all verified) and each check passed, in order,
/// in Chinese for people, and the page's text.
#[derive(Clone, Debug)]
pub struct OfdReport {
    /// The verified signatures.
    pub signatures: Vec<OfdSignature>,
    /// Each check passed, one line each.
    pub checks: Vec<String>,
    /// The text of the first page, line by line (`TextCode` contents).
    pub text: Vec<String>,
}

/// Whether `bytes` look like a zip package (an OFD file): the local file header magic.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Verify a signed OFD file against the seal authority's root and a revocation list; see the
/// module docs for the checks and their order. Every signature of the first document must
/// verify; a file without signatures is [`PkiError::NotSigned`].
pub fn verify_ofd(
    bytes: &[u8],
    root: &TrustedRoot,
    revoked: &[Revocation],
) -> Result<OfdReport, PkiError> {
    let files = unzip(bytes)?;
    let ofd = parse_xml(file(&files, "OFD.xml")?, "/OFD.xml")?;
    if ofd.name != "OFD" {
        return Err(PkiError::Package("/OFD.xml 的根元素不是 OFD".to_string()));
    }
    let body = ofd
        .child("DocBody")
        .ok_or_else(|| PkiError::Package("/OFD.xml 中没有 DocBody".to_string()))?;
    let mut report = OfdReport {
        signatures: Vec::new(),
        checks: Vec::new(),
        text: Vec::new(),
    };
    if let Some(doc_root) = body.child("DocRoot") {
        report.text = page_text(&files, &resolve("OFD.xml", &doc_root.text)?);
    }
    let signatures_loc = body
        .child("Signatures")
        .map(|s| s.text.trim())
        .filter(|s| !s.is_empty())
        .ok_or(PkiError::NotSigned)?;
    let signatures_path = resolve("OFD.xml", signatures_loc)?;
    let list = parse_xml(file(&files, &signatures_path)?, &signatures_path)?;
    let entries: Vec<&Element> = list.children("Signature").collect();
    if entries.is_empty() {
        return Err(PkiError::NotSigned);
    }
    let mut protected: BTreeSet<String> = BTreeSet::new();
    let mut own_files: BTreeSet<String> = BTreeSet::new();
    for entry in entries {
        let loc = entry
            .attribute("BaseLoc")
            .ok_or_else(|| PkiError::Package(format!("/{signatures_path} 中签名缺少 BaseLoc")))?;
        let path = resolve(&signatures_path, loc)?;
        let verified = verify_one(&files, &path, root, revoked, &mut report.checks)?;
        protected.extend(verified.1);
        own_files.insert(path);
        own_files.insert(verified.2);
        report.signatures.push(verified.0);
    }
    for name in files.keys() {
        if !protected.contains(name) && !own_files.contains(name) {
            return Err(PkiError::UnprotectedFile(format!("/{name}")));
        }
    }
    report.checks.push(format!(
        "文件包的 {} 个文件均受签章保护，没有夹带文件",
        files.len()
    ));
    Ok(report)
}

/// Verify the signature whose `Signature.xml` is at `path`: (what it says, the files its
/// references protect, the path of its signed value).
fn verify_one(
    files: &BTreeMap<String, Vec<u8>>,
    path: &str,
    root: &TrustedRoot,
    revoked: &[Revocation],
    checks: &mut Vec<String>,
) -> Result<(OfdSignature, Vec<String>, String), PkiError> {
    let signature_xml = file(files, path)?;
    let signature = parse_xml(signature_xml, path)?;
    let missing = |what: &str| PkiError::Package(format!("/{path} 中缺少 {what}"));
    let info = signature
        .child("SignedInfo")
        .ok_or_else(|| missing("SignedInfo"))?;
    let value_path = resolve(
        path,
        &signature
            .child("SignedValue")
            .ok_or_else(|| missing("SignedValue"))?
            .text,
    )?;
    let es = EsSignature::from_der(file(files, &value_path)?)?;
    let seal = es.seal();
    seal.verify(root, revoked)?;
    checks.push(format!(
        "电子印章“{}”（{}）：制章者 {} 的证书由根证书签发且当时有效，制章签名（含印章图片）有效",
        seal.name(),
        seal.es_id(),
        seal.maker().subject().common_name
    ));
    es.verify(signature_xml, root, revoked)?;
    let signer = es.signer().subject();
    checks.push(format!(
        "签章人 {}（{}，证书 {}）于 {} 签章：签名值有效，证书由根证书签发、当时有效且未注销，在印章的签章人列表中，签章时间在印章有效期内，/{path} 的 SM3 杂凑值与签章一致",
        signer.common_name,
        signer.organization,
        es.signer().serial(),
        show_time(es.time())
    ));
    if let Some(seal_loc) = info.child("Seal").and_then(|s| s.child("BaseLoc")) {
        let seal_path = resolve(path, &seal_loc.text)?;
        if file(files, &seal_path)? != seal.der() {
            return Err(PkiError::SealFileMismatch);
        }
        checks.push(format!("印章文件 /{seal_path} 与签章值中的电子印章一致"));
    }
    let references = info
        .child("References")
        .ok_or_else(|| missing("References"))?;
    let method = references.attribute("CheckMethod").unwrap_or(OID_SM3);
    if method.trim() != OID_SM3 && !method.trim().eq_ignore_ascii_case("sm3") {
        return Err(PkiError::UnsupportedDigest(method.to_string()));
    }
    let mut protected = Vec::new();
    for reference in references.children("Reference") {
        let loc = reference
            .attribute("FileRef")
            .ok_or_else(|| missing("Reference 的 FileRef"))?;
        let target = resolve(path, loc)?;
        let bytes = files
            .get(&target)
            .ok_or_else(|| PkiError::ReferenceMissing(format!("/{target}")))?;
        let recorded = reference
            .child("CheckValue")
            .and_then(|v| Base64::decode_vec(v.text.trim()).ok())
            .ok_or_else(|| missing("有效的 CheckValue"))?;
        if recorded != sm3_bytes(bytes) {
            return Err(PkiError::ReferenceMismatch(format!("/{target}")));
        }
        protected.push(target);
    }
    if protected.is_empty() {
        return Err(missing("Reference"));
    }
    checks.push(format!(
        "签章保护的 {} 个文件的 SM3 杂凑值均与记录一致",
        protected.len()
    ));
    let stamps = info
        .children("StampAnnot")
        .map(|s| {
            (
                s.attribute("PageRef").unwrap_or_default().to_string(),
                s.attribute("Boundary").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let verified = OfdSignature {
        path: format!("/{path}"),
        seal_name: seal.name().to_string(),
        seal_id: seal.es_id().to_string(),
        maker: seal.maker().subject(),
        signer,
        signer_serial: es.signer().serial().to_string(),
        time: es.time(),
        references: protected.len(),
        stamps,
    };
    Ok((verified, protected, value_path))
}

/// The text lines of the first page of the document at `document_path` (empty when the page
/// cannot be read: the text is shown to people, not verified here — the references are).
fn page_text(files: &BTreeMap<String, Vec<u8>>, document_path: &str) -> Vec<String> {
    let read = || -> Result<Vec<String>, PkiError> {
        let document = parse_xml(file(files, document_path)?, document_path)?;
        let page = document
            .child("Pages")
            .and_then(|p| p.child("Page"))
            .and_then(|p| p.attribute("BaseLoc"))
            .ok_or(PkiError::NotSigned)?;
        let page_path = resolve(document_path, page)?;
        let content = parse_xml(file(files, &page_path)?, &page_path)?;
        let mut codes = Vec::new();
        content.descendants("TextCode", &mut codes);
        Ok(codes.iter().map(|c| c.text.clone()).collect())
    };
    read().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `num` wrote before it stopped formatting floats.
    fn formatted(value: f32) -> String {
        let mut s = format!("{value:.3}");
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
        if s == "-0" { "0".to_string() } else { s }
    }

    /// Numbers are written as the float formatter writes them to three decimals, trimmed:
    /// page coordinates, ties (x.0625 is 62.5 thousandths), negatives, -0 and tiny values.
    #[test]
    fn numbers_are_written_as_three_trimmed_decimals() {
        let mut values = vec![
            0.0, -0.0, 1.0, -1.0, 0.0625, 0.1875, 2.5625, -0.0625, 0.0004, -0.0004, 0.0005,
            0.000_499, 12.3456, 210.0, 297.0, 1e-9, 123_456.79, -987.654_3, 0.999_9, 9.999_5,
        ];
        let mut x = 0x1234_5678u32;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            values.push((x % 3_000_000) as f32 / 9973.0 - 100.0);
            values.push(f32::from_bits(0x3c00_0000 + x % 0x0400_0000));
        }
        for v in values {
            assert_eq!(num(v), formatted(v), "{v:e}");
        }
    }

    #[test]
    fn paths_resolve_like_gb_t_33190() {
        assert_eq!(
            resolve("Doc_0/Signs/Signatures.xml", "Sign_0/Signature.xml").unwrap(),
            "Doc_0/Signs/Sign_0/Signature.xml"
        );
        assert_eq!(
            resolve(
                "Doc_0/Signs/Signatures.xml",
                "/Doc_0/Signs/Sign_0/Signature.xml"
            )
            .unwrap(),
            "Doc_0/Signs/Sign_0/Signature.xml"
        );
        assert_eq!(
            resolve("Doc_0/Signs/Sign_0/Signature.xml", "../../Document.xml").unwrap(),
            "Doc_0/Document.xml"
        );
        assert_eq!(
            resolve("OFD.xml", "Doc_0/Document.xml").unwrap(),
            "Doc_0/Document.xml"
        );
        assert!(resolve("OFD.xml", "../x").is_err());
        assert!(resolve("OFD.xml", "/").is_err());
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(0.1234), "0.123");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(210.0016), "210.002");
    }

    #[test]
    fn xml_with_prefixes_entities_and_default_namespace_parses() {
        let xml = "<?xml version=\"1.0\"?><ofd:A xmlns:ofd=\"x\" K=\"a&amp;b\"><ofd:B>1 &lt; 2&#x21;</ofd:B><C/></ofd:A>";
        let root = parse_xml(xml.as_bytes(), "t.xml").unwrap();
        assert_eq!(root.name, "A");
        assert_eq!(root.attribute("K"), Some("a&b"));
        assert_eq!(root.child("B").unwrap().text, "1 < 2!");
        assert!(root.child("C").is_some());
        assert!(parse_xml(b"<a><b></a>", "t.xml").is_err());
        assert!(parse_xml(b"<a/><b/>", "t.xml").is_err());
        assert!(parse_xml(b"\xff", "t.xml").is_err());
    }
}
