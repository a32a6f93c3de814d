//! Keeps code and policy in step: every clause cited anywhere exists in the policy text, and every
//! clause of parts 4 and 5 is either cited by the product or listed, with a reason, in
//! `policy/NOT_ENCODED.md`.
//!
//! Citations are found by plain string scanning of
//! - every `*.rs` file under `crates/` (skipping `target`): the macro call with a string literal,
//!   `clause!("4.2-4")`, outside `//` comments (so doc examples do not count);
//! - every `*.toml` and `*.json` file under `data/`, if it exists: the value of a key named
//!   `clause` or `clauses`, either a string or an array of strings (`clause = "4.2-6"`,
//!   `clauses = ["4.2-4", "4.2-5"]`, `"clause": "4.2-6"`).
//!
//! Citations in test code (files under `tests/`, `benches/` or `examples/`, and everything from a
//! `#[cfg(test)]` module to the end of its file, which clippy's `items_after_test_module` keeps
//! last) must exist too, but do not count as encoding a clause: a test is not a rule.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jianfu_rules::Policy;

/// The macro call the scanner looks for, spelled in two pieces so this file does not cite itself.
const MACRO_CALL: &str = concat!("clause", "!(");

/// One clause ID found in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Citation {
    /// Path relative to the workspace root, with `/`.
    file: String,
    line: usize,
    id: String,
    /// In test code: checked for existence, not counted as encoding.
    test: bool,
}

/// One `- ID — reason` line of NOT_ENCODED.md.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listed {
    line: usize,
    id: String,
    reason: String,
}

/// Everything the four checks look at.
struct Workspace {
    policy: &'static Policy,
    citations: Vec<Citation>,
    /// Problems found while scanning data files (`file:line: message`).
    data_problems: Vec<String>,
    listed: Vec<Listed>,
    /// Lines of NOT_ENCODED.md that break its format (`line: message`).
    listed_problems: Vec<String>,
}

const NOT_ENCODED: &str = "policy/NOT_ENCODED.md";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load() -> Workspace {
    let root = root();
    let policy = Policy::official().unwrap();
    let mut citations = Vec::new();
    let mut data_problems = Vec::new();

    for path in files_under(&root.join("crates"), &["rs"]) {
        let rel = relative(&root, &path);
        let text = fs::read_to_string(&path).unwrap();
        let test_file = rel
            .split('/')
            .any(|c| matches!(c, "tests" | "benches" | "examples"));
        for (line, id, in_test_module) in scan_rust(&text) {
            citations.push(Citation {
                file: rel.clone(),
                line,
                id,
                test: test_file || in_test_module,
            });
        }
    }
    for path in files_under(&root.join("data"), &["toml", "json"]) {
        let rel = relative(&root, &path);
        let Ok(text) = fs::read_to_string(&path) else {
            data_problems.push(format!("{rel}: not UTF-8 text"));
            continue;
        };
        for (line, found) in scan_data(&text) {
            match found {
                Ok(id) => citations.push(Citation {
                    file: rel.clone(),
                    line,
                    id,
                    test: false,
                }),
                Err(problem) => data_problems.push(format!("{rel}:{line}: {problem}")),
            }
        }
    }

    let text = fs::read_to_string(root.join(NOT_ENCODED)).unwrap();
    let (listed, listed_problems) = parse_not_encoded(&text);
    Workspace {
        policy,
        citations,
        data_problems,
        listed,
        listed_problems,
    }
}

/// Files under `dir` with one of `exts`, sorted; skips `target`, hidden and `node_modules`
/// directories. A missing `dir` has no files.
fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !(name == "target" || name == "node_modules" || name.starts_with('.')) {
                    stack.push(path);
                }
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn line_of(text: &str, pos: usize) -> usize {
    text[..pos].matches('\n').count() + 1
}

/// Citations in Rust source: (line, ID, inside a test module).
fn scan_rust(text: &str) -> Vec<(usize, String, bool)> {
    let test_from = test_module_start(text);
    let mut out = Vec::new();
    for (pos, _) in text.match_indices(MACRO_CALL) {
        let before = &text[..pos];
        if before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue; // another macro whose name ends in `clause`
        }
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if before[line_start..].contains("//") {
            continue; // a comment, including doc examples
        }
        let after = text[pos + MACRO_CALL.len()..].trim_start();
        let Some(literal) = after.strip_prefix('"') else {
            continue; // not a literal: e.g. a macro forwarding `$id`
        };
        let id = literal.split('"').next().unwrap_or("");
        out.push((line_of(text, pos), id.to_owned(), pos >= test_from));
    }
    out
}

/// Byte offset of the `#[cfg(test)]` that opens a test module, or `usize::MAX`.
fn test_module_start(text: &str) -> usize {
    let mut offset = 0;
    let mut cfg_test_at = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]" {
            cfg_test_at = Some(offset);
        } else if let Some(at) = cfg_test_at
            && !trimmed.is_empty()
            && !trimmed.starts_with("#[")
        {
            let item = trimmed
                .strip_prefix("pub(crate) ")
                .or_else(|| trimmed.strip_prefix("pub "))
                .unwrap_or(trimmed);
            if item.starts_with("mod ") {
                return at;
            }
            cfg_test_at = None;
        }
        offset += line.len();
    }
    usize::MAX
}

/// Values of `clause` / `clauses` keys in TOML or JSON: (line, ID or problem).
fn scan_data(text: &str) -> Vec<(usize, Result<String, String>)> {
    let mut out = Vec::new();
    for (pos, _) in text.match_indices("clause") {
        let before = &text[..pos];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let prefix = before[line_start..].trim_end();
        // A JSON (or quoted TOML) key, or an unquoted TOML key that opens the line or follows
        // `{`, `,` or a dotted path; `clause` anywhere else is prose.
        let quoted = before.ends_with('"');
        let unquoted = prefix.is_empty() || prefix.ends_with(['{', ',']) || before.ends_with('.');
        if !(quoted || unquoted) {
            continue;
        }
        let mut rest = &text[pos + "clause".len()..];
        rest = rest.strip_prefix('s').unwrap_or(rest);
        if quoted {
            let Some(r) = rest.strip_prefix('"') else {
                continue;
            };
            rest = r;
        } else if rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue; // a longer key such as `clause_note`
        }
        let rest = rest.trim_start_matches([' ', '\t']);
        let Some(value) = rest.strip_prefix(['=', ':']) else {
            continue;
        };
        let value = value.trim_start();
        let value_pos = text.len() - value.len();
        let line = line_of(text, value_pos);
        if let Some(list) = value.strip_prefix('[') {
            scan_string_array(text, list, &mut out);
        } else if let Some(s) = read_string(value) {
            out.push((line, Ok(s.to_owned())));
        } else {
            out.push((
                line,
                Err("`clause`/`clauses` must be a string or an array of strings".to_owned()),
            ));
        }
    }
    out
}

/// Strings of an array whose `[` was just consumed, up to its `]`; `#` comments allowed.
fn scan_string_array(text: &str, mut rest: &str, out: &mut Vec<(usize, Result<String, String>)>) {
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if let Some(comment) = rest.strip_prefix('#') {
            rest = comment.split_once('\n').map_or("", |(_, r)| r);
            continue;
        }
        let line = line_of(text, text.len() - rest.len());
        if rest.is_empty() {
            out.push((line, Err("unterminated clause list".to_owned())));
            return;
        }
        if rest.starts_with(']') {
            return;
        }
        let Some(s) = read_string(rest) else {
            out.push((line, Err("clause list must hold only strings".to_owned())));
            return;
        };
        out.push((line, Ok(s.to_owned())));
        rest = &rest[s.len() + 2..];
    }
}

/// The content of a `"…"` or `'…'` string at the start of `s` (clause IDs need no escapes).
fn read_string(s: &str) -> Option<&str> {
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &s[1..];
    let end = body.find(quote)?;
    Some(&body[..end])
}

/// Parses NOT_ENCODED.md: every line starting with `- ` is `- ID — reason`; other lines are
/// commentary. Returns the entries and the format problems.
fn parse_not_encoded(text: &str) -> (Vec<Listed>, Vec<String>) {
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        let Some(entry) = line.strip_prefix("- ") else {
            continue;
        };
        let Some((id, reason)) = entry.split_once(" — ") else {
            problems.push(format!(
                "{NOT_ENCODED}:{n}: expected `- ID — reason` (an em dash between spaces)"
            ));
            continue;
        };
        let (id, reason) = (id.trim(), reason.trim());
        if reason.is_empty() || reason.eq_ignore_ascii_case("todo") {
            problems.push(format!("{NOT_ENCODED}:{n}: {id} has no reason"));
        }
        listed.push(Listed {
            line: n,
            id: id.to_owned(),
            reason: reason.to_owned(),
        });
    }
    (listed, problems)
}

fn tracked(part: u8) -> bool {
    part == 4 || part == 5
}

fn fail_if_any(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}:\n  {}\n({} problem(s))",
        problems.join("\n  "),
        problems.len()
    );
}

/// (a) Citations of IDs that are not clauses of the policy, and unreadable data citations.
fn unknown_citations(ws: &Workspace) -> Vec<String> {
    let mut problems = ws.data_problems.clone();
    for c in &ws.citations {
        if ws.policy.clause(&c.id).is_none() {
            problems.push(format!(
                "{}:{}: {:?} is not a clause of policy/anshan-2021-18.md",
                c.file, c.line, c.id
            ));
        }
    }
    problems
}

/// (b) Clauses of parts 4 and 5 that are neither cited outside tests nor listed.
fn unaccounted_clauses(ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    for clause in ws.policy.clauses().filter(|c| tracked(c.part)) {
        let cited = ws.citations.iter().any(|c| !c.test && c.id == clause.id);
        let listed = ws.listed.iter().any(|l| l.id == clause.id);
        if !cited && !listed {
            let mut start: String = clause.text.chars().take(24).collect();
            if start.len() < clause.text.len() {
                start.push('…');
            }
            problems.push(format!(
                "{} ({start}): cite it from a rule, or add `- {} — reason` to {NOT_ENCODED}",
                clause.id, clause.id
            ));
        }
    }
    problems
}

/// (c) Listed IDs that do not exist, lie outside parts 4 and 5, repeat, or are now cited.
fn wrong_listings(ws: &Workspace) -> Vec<String> {
    let mut problems = Vec::new();
    let mut first_line: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &ws.listed {
        let at = format!("{NOT_ENCODED}:{}", l.line);
        match ws.policy.clause(&l.id) {
            None => problems.push(format!("{at}: {:?} is not a clause of the policy", l.id)),
            Some(c) if !tracked(c.part) => problems.push(format!(
                "{at}: {} is in part {}; only parts 4 and 5 are tracked",
                l.id, c.part
            )),
            Some(_) => {}
        }
        if let Some(first) = first_line.insert(&l.id, l.line) {
            problems.push(format!("{at}: {} is already listed on line {first}", l.id));
        }
        for c in ws.citations.iter().filter(|c| !c.test && c.id == l.id) {
            problems.push(format!(
                "{at}: {} is now cited by {}:{}; delete its line from {NOT_ENCODED}",
                l.id, c.file, c.line
            ));
        }
    }
    problems
}

#[test]
fn every_cited_clause_exists_in_the_policy() {
    fail_if_any("citations of unknown clauses", &unknown_citations(&load()));
}

#[test]
fn every_clause_of_parts_4_and_5_is_cited_or_not_encoded() {
    fail_if_any(
        "clauses neither encoded nor listed as not encoded",
        &unaccounted_clauses(&load()),
    );
}

#[test]
fn not_encoded_lists_only_existing_uncited_clauses() {
    fail_if_any(
        "stale or wrong lines in NOT_ENCODED.md",
        &wrong_listings(&load()),
    );
}

/// (d) Every entry is `- ID — reason` with a reason.
#[test]
fn not_encoded_lines_are_well_formed_with_reasons() {
    fail_if_any("malformed lines in NOT_ENCODED.md", &load().listed_problems);
}

/// The checks catch each kind of mistake, on a made-up workspace.
#[test]
fn checks_catch_each_kind_of_mistake() {
    let policy = Policy::official().unwrap();
    let cite = |id: &str, test: bool| Citation {
        file: "crates/x/src/lib.rs".to_owned(),
        line: 7,
        id: id.to_owned(),
        test,
    };
    let list = |line: usize, id: &str| Listed {
        line,
        id: id.to_owned(),
        reason: "r".to_owned(),
    };
    // Everything of parts 4 and 5 listed except 4.2-4 (cited by a rule) and 4.2-5 (only by a test).
    let listed = policy
        .clauses()
        .filter(|c| tracked(c.part) && c.id != "4.2-4" && c.id != "4.2-5")
        .map(|c| list(1, &c.id))
        .collect();
    let mut ws = Workspace {
        policy,
        citations: vec![
            cite("4.2-4", false),
            cite("4.2-5", true),
            cite("4.2-99", true),
        ],
        data_problems: Vec::new(),
        listed,
        listed_problems: Vec::new(),
    };

    let unknown = unknown_citations(&ws);
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0].starts_with("crates/x/src/lib.rs:7: \"4.2-99\""),
        "{unknown:?}"
    );

    let unaccounted = unaccounted_clauses(&ws);
    assert_eq!(
        unaccounted.len(),
        1,
        "a test citation does not encode: {unaccounted:?}"
    );
    assert!(unaccounted[0].starts_with("4.2-5 ("), "{unaccounted:?}");

    assert!(wrong_listings(&ws).is_empty(), "{:?}", wrong_listings(&ws));
    ws.listed.extend([
        list(90, "4.2-4"),
        list(91, "3.1-1"),
        list(92, "4.2-98"),
        list(93, "4.2-3"),
    ]);
    let wrong = wrong_listings(&ws);
    let expected = [
        "policy/NOT_ENCODED.md:90: 4.2-4 is now cited by crates/x/src/lib.rs:7; delete its line",
        "policy/NOT_ENCODED.md:91: 3.1-1 is in part 3",
        "policy/NOT_ENCODED.md:92: \"4.2-98\" is not a clause",
        "policy/NOT_ENCODED.md:93: 4.2-3 is already listed on line 1",
    ];
    assert_eq!(wrong.len(), expected.len(), "{wrong:?}");
    for (got, want) in wrong.iter().zip(expected) {
        assert!(got.starts_with(want), "{got:?} should start with {want:?}");
    }
}

// The scanners themselves.

#[test]
fn rust_scanner_finds_literal_calls_outside_comments() {
    let src = "\
/// Example: clause!(\"4.2-4\") in a doc comment does not count.
//! Nor in an inner doc comment: clause!(\"4.2-5\")
fn rule() {
    let a = clause!(\"4.2-6\"); // trailing comment clause!(\"4.2-7\")
    let b = jianfu_rules::clause!( \"4.3-2\" );
    let c = myclause!(\"4.3-3\");
    // clause!(\"4.3-4\")
    let d = clause!($id);
}
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    const X: ClauseId = clause!(\"4.3-5\");
}
";
    let found = scan_rust(src);
    assert_eq!(
        found,
        [
            (4, "4.2-6".to_owned(), false),
            (5, "4.3-2".to_owned(), false),
            (13, "4.3-5".to_owned(), true),
        ]
    );
}

#[test]
fn cfg_test_on_a_single_item_is_not_a_test_module() {
    let src = "#[cfg(test)]\nuse std::fmt;\nconst A: ClauseId = clause!(\"4.2-4\");\n";
    assert_eq!(scan_rust(src), [(3, "4.2-4".to_owned(), false)]);
}

#[test]
fn data_scanner_reads_toml_and_json_keys() {
    let toml = "\
[[plaque]]
name = \"居民委员会\"
clause = \"4.4-4\"
legal_clause = \"not a citation\"
note = \"this clause = prose\"
clauses = [
  \"4.2-4\", # the approval rule
  '4.2-5',
]
inline = { clause = \"4.9-3\" }
rule.clauses = [\"4.3-5\"]
";
    let got: Vec<(usize, Result<String, String>)> = scan_data(toml);
    let ids: Vec<(usize, &str)> = got
        .iter()
        .map(|(l, r)| (*l, r.as_deref().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [
            (3, "4.4-4"),
            (7, "4.2-4"),
            (8, "4.2-5"),
            (10, "4.9-3"),
            (11, "4.3-5")
        ]
    );

    let json = "{\"rules\": [{\"clause\": \"4.2-6\", \"clauses\": [\"4.2-3\", \"4.2-7\"],\n \"text\": \"the clause: x\"}]}";
    let ids: Vec<String> = scan_data(json)
        .into_iter()
        .map(|(_, r)| r.unwrap())
        .collect();
    assert_eq!(ids, ["4.2-6", "4.2-3", "4.2-7"]);

    let bad = scan_data("clause = 4.2\nclauses = [\"4.2-4\", 7]\n");
    let problems: Vec<usize> = bad
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(problems, [1, 2]);
}

#[test]
fn not_encoded_format() {
    let text = "\
# Title
Intro mentioning 4.2-4 in prose is ignored.

### 4.2
- 4.2-4 — planned: demand gate
- 4.2-5 — 
- 4.2-6 - hyphen instead of em dash
- 4.2-7 — TODO
";
    let (listed, problems) = parse_not_encoded(text);
    let ids: Vec<&str> = listed.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["4.2-4", "4.2-5", "4.2-7"]);
    assert_eq!(listed[0].reason, "planned: demand gate");
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].contains(":6: 4.2-5 has no reason"),
        "{problems:?}"
    );
    assert!(problems[1].contains(":7: expected"), "{problems:?}");
    assert!(
        problems[2].contains(":8: 4.2-7 has no reason"),
        "{problems:?}"
    );
}
