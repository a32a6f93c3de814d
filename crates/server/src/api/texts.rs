//! What the server enforces on every text, said in the OpenAPI document: each free-text string
//! (a parameter or a body field without its own `format`, `enum` or `pattern`) gets the pattern
//! of `jianfu_domain::text` — no control character except newline, carriage return and tab
//! ([`is_forbidden`](jianfu_domain::text::is_forbidden) with `Lines::Many`, which the extractors
//! apply to every input) and, where the field is required, at least one visible character
//! ([`is_invisible`](jianfu_domain::text::is_invisible)), since a required text of invisible
//! characters only counts as empty. A generated client (or schemathesis) then knows which
//! strings the server takes.
//!
//! The patterns use `\uXXXX` escapes only, which ECMA-262, Python's `re` and the Rust `regex`
//! crate read alike. The tag characters U+E0000–U+E007F, invisible too, lie outside the Basic
//! Multilingual Plane that `\uXXXX` reaches and are left out of [`VISIBLE`].

use jianfu_domain::DomainError;
use serde_json::Value;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};

/// A closed list of codes (`#[param(schema_with = …)]`). `""` is listed where the server reads an
/// empty value as "no filter", as the pages' forms send it.
pub(crate) fn codes(values: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
}

/// `GET /api/v1/demands?status=`.
pub fn demand_status() -> Object {
    codes(&[
        "",
        "draft",
        "submitted",
        "admitted",
        "expired",
        "rejected",
        "revoked",
    ])
}

/// `GET /api/v1/demands?kind=`.
pub fn demand_kind() -> Object {
    let mut all = vec![""];
    all.extend(
        jianfu_domain::demand::DemandKind::ALL.map(jianfu_domain::demand::DemandKind::as_str),
    );
    codes(&all)
}

/// A year filter: empty, or four digits.
pub fn year() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^(|20[0-9]{2}|2100)$"))
        .build()
}

/// `GET /api/v1/certificates?status=`.
pub fn application_status() -> Object {
    codes(&["", "submitted", "overdue", "issued", "refused"])
}

/// `GET /api/v1/plaques?status=`.
pub fn plaque_status() -> Object {
    codes(&["", "hanging", "removed", "all"])
}

/// `GET /api/v1/plaques?compliance=`.
pub fn plaque_compliance() -> Object {
    codes(&["", "compliant", "noncompliant"])
}

/// `GET /api/v1/removal-tasks?status=`.
pub fn task_status() -> Object {
    codes(&["", "open", "overdue", "closed", "all"])
}

/// `GET /api/v1/audit?outcome=`.
pub fn audit_outcome() -> Object {
    codes(&["", "ok", "denied", "failed"])
}

/// Role codes (`jianfu_domain::authz::Role`).
pub fn role() -> Object {
    codes(&jianfu_domain::authz::Role::ALL.map(|r| r.as_str()))
}

/// Place kinds (`jianfu_domain::division::NodeKind`).
pub fn node_kind() -> Object {
    codes(&jianfu_domain::division::NodeKind::ALL.map(|k| k.as_str()))
}

/// Where a plaque hangs.
pub fn placement() -> Object {
    codes(&["outdoor", "indoor"])
}

/// A plaque's kind under 4.1-2 (streets and towns only); empty for none.
pub fn plaque_kind() -> Object {
    codes(&[
        "",
        "work_agency",
        "functional",
        "comprehensive_office",
        "honorary",
    ])
}

/// Where a supervision case stands (`jianfu_domain::demand::CaseStatus`).
pub fn case_status() -> Object {
    codes(&jianfu_domain::demand::CaseStatus::ALL.map(|c| c.as_str()))
}

/// A supervisor's decision on an open case.
/// The case list's filter: a state, or `overdue` (整改中 past the notice's due day).
pub fn case_filter() -> Object {
    let mut v: Vec<&str> = jianfu_domain::demand::CaseStatus::ALL
        .map(|c| c.as_str())
        .to_vec();
    v.push(jianfu_domain::demand::CASE_FILTER_OVERDUE);
    codes(&v)
}

/// A supervisor's decision on an open case.
pub fn case_decision() -> Object {
    codes(&["verify", "dismiss"])
}

/// The community's part in a work item.
pub fn community_role() -> Object {
    codes(&["responsible", "assisting"])
}

/// The kind of a demand's legal basis; empty for none.
pub fn legal_basis_kind() -> Object {
    codes(&["", "law", "regulation", "rule"])
}

/// The kind of a local certificate type's basis; empty for none.
pub fn certificate_basis_kind() -> Object {
    codes(&["", "law", "regulation", "rule", "retained_list"])
}

/// Who mandated an agency requirement or an evaluation; empty for none.
pub fn mandate_level() -> Object {
    let mut all = vec![""];
    all.extend(jianfu_rules::MandateLevel::ALL.map(jianfu_rules::MandateLevel::as_str));
    codes(&all)
}

/// The kind of an evaluation aimed at communities (4.3).
pub fn evaluation_kind() -> Object {
    codes(&jianfu_rules::EvaluationKind::ALL.map(jianfu_rules::EvaluationKind::as_str))
}

/// The type of a data item of the dictionary (4.8-3).
pub fn field_kind() -> Object {
    codes(&jianfu_rules::FieldKind::ALL.map(jianfu_rules::FieldKind::as_str))
}

/// `GET /api/v1/dictionary?kind=`: a type, or empty for all.
pub fn field_kind_filter() -> Object {
    let mut all = vec![""];
    all.extend(jianfu_rules::FieldKind::ALL.map(jianfu_rules::FieldKind::as_str));
    codes(&all)
}

/// The sharing class of a data item (国发〔2016〕51号).
pub fn sharing_class() -> Object {
    codes(&jianfu_rules::SharingClass::ALL.map(jianfu_rules::SharingClass::as_str))
}

/// `GET /api/v1/dictionary?sharing_class=`: a class, or empty for all.
pub fn sharing_class_filter() -> Object {
    let mut all = vec![""];
    all.extend(jianfu_rules::SharingClass::ALL.map(jianfu_rules::SharingClass::as_str));
    codes(&all)
}

/// How often a data item's source updates it.
pub fn update_cycle() -> Object {
    use jianfu_domain::data_dictionary::UpdateCycle;
    codes(&UpdateCycle::ALL.map(UpdateCycle::as_str))
}

/// How a department runs an evaluation (4.3-3).
pub fn organisation() -> Object {
    codes(&[
        jianfu_rules::Organisation::Separate.as_str(),
        jianfu_rules::Organisation::Comprehensive.as_str(),
    ])
}

/// Which communities a demand reaches.
pub fn target_mode() -> Object {
    codes(&["scope", "streets", "communities"])
}

/// What a credential reset renews.
pub fn reset_kind() -> Object {
    codes(&["password", "second_factor"])
}

/// Why a discontinued certificate is still asked for; empty for a type in force.
pub fn certificate_need() -> Object {
    codes(&["", "policy_gap", "counterparty_requires"])
}

/// A day, `YYYY-MM-DD` (`format: date`).
pub fn day() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .build()
}

/// A day, or empty for the default the field names.
pub fn day_or_empty() -> utoipa::openapi::Schema {
    utoipa::openapi::Schema::AnyOf(
        utoipa::openapi::schema::AnyOfBuilder::new()
            .item(day())
            .item(codes(&[""]))
            .build(),
    )
}

/// A day filter of the API as the domain takes it (`""` for none). The document says
/// `format: date`, so a value given empty is refused as any other malformed day would be: a
/// client leaves the parameter out instead.
pub fn day_filter(v: Option<String>, field: &'static str) -> Result<String, DomainError> {
    match v {
        Some(d) if d.trim().is_empty() => Err(DomainError::field(
            field,
            "date_invalid",
            "日期格式应为 YYYY-MM-DD；不按日期筛选时请省略该参数",
        )),
        v => Ok(v.unwrap_or_default()),
    }
}

/// The characters no text may hold: C0 and C1 controls except `\t`, `\n`, `\r`.
const FORBIDDEN: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// The characters that show nothing (`is_invisible`): controls, white space, zero-width and
/// other format characters.
const INVISIBLE: &str = concat!(
    r"\u0000-\u0020\u007F-\u00A0\u00AD\u034F\u061C\u115F\u1160\u1680\u17B4\u17B5",
    r"\u180B-\u180F\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\u3164\uFE00-\uFE0F",
    r"\uFEFF\uFFA0\uFFF0-\uFFF8"
);

/// An optional text: no forbidden character (empty and blank are fine, they mean "none").
pub fn text() -> String {
    format!("^[^{FORBIDDEN}]*$")
}

/// A required text: no forbidden character and at least one visible one.
pub fn visible() -> String {
    format!("^[^{FORBIDDEN}]*[^{INVISIBLE}][^{FORBIDDEN}]*$")
}

/// Whether a string schema already says what it holds (a format, a closed list or a pattern).
fn is_free_text(s: &serde_json::Map<String, Value>) -> bool {
    let is_string = match s.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    is_string
        && !["format", "enum", "pattern", "const", "contentMediaType"]
            .iter()
            .any(|k| s.contains_key(*k))
}

/// Gives every free-text string schema under `v` its pattern; `required` says whether `v` itself
/// is a required property or parameter.
fn constrain(v: &mut Value, required: bool) {
    let Value::Object(o) = v else { return };
    if is_free_text(o) {
        let p = if required { visible() } else { text() };
        o.insert("pattern".into(), Value::String(p));
        return;
    }
    let names: Vec<String> = match o.get("required") {
        Some(Value::Array(r)) => r
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(props)) = o.get_mut("properties") {
        for (name, p) in props.iter_mut() {
            constrain(p, names.contains(name));
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(x) = o.get_mut(key) {
            constrain(x, false);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(xs)) = o.get_mut(key) {
            for x in xs {
                constrain(x, required);
            }
        }
    }
}

/// The names of the component schemas `v` refers to, directly or through other components.
fn referenced(v: &Value, doc: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(name) = o
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_owned());
                referenced(&doc["components"]["schemas"][name], doc, out);
            }
            o.values().for_each(|x| referenced(x, doc, out));
        }
        Value::Array(a) => a.iter().for_each(|x| referenced(x, doc, out)),
        _ => {}
    }
}

/// Applies the text patterns to what the server takes: the parameters and request bodies of
/// every operation and the component schemas they use (not the answers, whose texts the
/// server wrote itself and which may be empty).
pub fn apply(doc: &mut Value) {
    let mut inputs = Vec::new();
    for (_, item) in doc["paths"].as_object().into_iter().flatten() {
        for (_, op) in item.as_object().into_iter().flatten() {
            referenced(&op["requestBody"], doc, &mut inputs);
            referenced(&op["parameters"], doc, &mut inputs);
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, s) in schemas.iter_mut() {
            if inputs.contains(name) {
                constrain(s, false);
            }
        }
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (_, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (_, op) in item.iter_mut() {
            let Value::Object(op) = op else { continue };
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                for p in params {
                    let required = p["required"] == Value::Bool(true);
                    if let Some(s) = p.get_mut("schema") {
                        constrain(s, required);
                    }
                }
            }
            if let Some(Value::Object(content)) =
                op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
            {
                for (_, media) in content.iter_mut() {
                    if let Some(s) = media.get_mut("schema") {
                        constrain(s, false);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jianfu_domain::text::{Lines, is_blank, is_forbidden};

    /// The patterns agree with the server's own checks, character by character over the Basic
    /// Multilingual Plane.
    #[test]
    fn patterns_agree_with_the_domain_checks() {
        let text = regex::Regex::new(&super::text()).unwrap();
        let visible = regex::Regex::new(&super::visible()).unwrap();
        for c in (0u32..=0xFFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(
                text.is_match(&s),
                !is_forbidden(c, Lines::Many),
                "text U+{:04X}",
                c as u32
            );
            assert_eq!(
                visible.is_match(&s),
                !is_forbidden(c, Lines::Many) && !is_blank(&s),
                "visible U+{:04X}",
                c as u32
            );
        }
        assert!(visible.is_match(" \u{200B}社区\n"));
        assert!(!visible.is_match(" \u{200B}\u{3000}"));
        assert!(!text.is_match("社\u{0}区"));
    }
}
