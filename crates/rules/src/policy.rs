//! The policy text as data: parses and validates the clause-numbered `policy/anshan-2021-18.md`,
//! so that the product can quote any clause beside a decision and the coverage test can list
//! every clause.
//!
//! The file format (see the file's own header):
//!
//! ```text
//! # title
//! intro paragraphs
//! ## 4. 四、主要任务                      part heading: `## S. heading`
//! ### 4.2 (二)依法制定修订社区(村)工作事项。  item heading: `### S.I heading`
//! [4.2-1] (二)依法制定修订社区(村)工作事项。 clause: `[S.I-N] text`, one per line
//! ```
//!
//! Clauses of a part without items (`S.0-N`) sit directly under the part heading. Parsing is
//! strict: any other non-blank line after the first part heading is an error, so no sentence of
//! the policy can lose its ID unnoticed.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

use crate::ClauseId;
use crate::clause::{POLICY_TEXT, parse_id};

/// The whole policy: title, intro and parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// The `# ` title line, without the `# `.
    pub title: String,
    /// Paragraphs between the title and the first part (source note, ID scheme).
    pub intro: Vec<String>,
    /// Parts in document order, numbers strictly increasing.
    pub parts: Vec<Part>,
}

/// A part (`## 4. 四、主要任务`): clauses directly under it, then items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// `S`, e.g. 4.
    pub number: u8,
    /// Heading text after the number, e.g. `四、主要任务`.
    pub heading: String,
    /// Clauses that belong to no item (`S.0-N`): parts 0, 1, 2 and 6 have only these.
    pub clauses: Vec<Clause>,
    /// Items in document order, numbers strictly increasing.
    pub items: Vec<Item>,
}

/// An item of a part (`### 4.2 (二)依法制定修订社区(村)工作事项。`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// `S.I`, e.g. `4.2`.
    pub id: String,
    /// `I`, e.g. 2.
    pub number: u8,
    /// Heading text after the ID.
    pub heading: String,
    /// The item's clauses, sentences 1, 2, … in order; never empty.
    pub clauses: Vec<Clause>,
}

/// One sentence of the policy with its ID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// `S.I-N`, e.g. `4.2-4`.
    pub id: String,
    /// `S`.
    pub part: u8,
    /// `I` (0 when the part has no items).
    pub item: u8,
    /// `N`, from 1.
    pub sentence: u16,
    /// The sentence, verbatim.
    pub text: String,
}

impl Clause {
    /// The clause's [`ClauseId`], if it is a clause of the official text.
    #[must_use]
    pub fn clause_id(&self) -> Option<ClauseId> {
        ClauseId::lookup(&self.id)
    }
}

impl Part {
    /// The item numbered `number`.
    #[must_use]
    pub fn item(&self, number: u8) -> Option<&Item> {
        self.items.iter().find(|i| i.number == number)
    }

    /// All clauses of the part in document order.
    pub fn all_clauses(&self) -> impl Iterator<Item = &Clause> + '_ {
        self.clauses
            .iter()
            .chain(self.items.iter().flat_map(|i| i.clauses.iter()))
    }
}

/// Why a policy file was not accepted. Lines are 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyError {
    /// The first non-blank line is not a `# title`.
    MissingTitle { line: usize },
    /// A `## ` line that is not `## S. heading`.
    MalformedPartHeading { line: usize },
    /// A part number not greater than the one before it.
    PartOutOfOrder {
        line: usize,
        number: u8,
        previous: u8,
    },
    /// A `### ` line that is not `### S.I heading` with I ≥ 1.
    MalformedItemHeading { line: usize },
    /// An item heading before the first part heading.
    ItemOutsidePart { line: usize, item: String },
    /// An item heading whose `S` is not the number of the part it sits in.
    ItemUnderWrongPart { line: usize, item: String, part: u8 },
    /// An item number not greater than the one before it in the same part.
    ItemOutOfOrder {
        line: usize,
        item: String,
        previous: u8,
    },
    /// An item heading with no clauses under it.
    EmptyItem { line: usize, item: String },
    /// A line starting with `[` whose bracket does not hold an `S.I-N` ID.
    MalformedClauseId { line: usize, id: String },
    /// A clause with no text after its ID.
    EmptyClause { line: usize, id: String },
    /// A clause before the first part heading.
    ClauseOutsidePart { line: usize, id: String },
    /// A clause ID used a second time.
    DuplicateId {
        line: usize,
        id: String,
        first_line: usize,
    },
    /// A clause whose `S.I` is not that of the heading it sits under (`expected`, e.g. `4.2`,
    /// or `4.0` directly under a part).
    WrongHeading {
        line: usize,
        id: String,
        expected: String,
    },
    /// A sentence number that does not follow the previous one of its item (first is 1).
    SentenceGap {
        line: usize,
        id: String,
        expected: u16,
    },
    /// After the first part heading, a non-blank line that is no heading and no clause.
    UnexpectedLine { line: usize },
}

impl PolicyError {
    /// The 1-based line the error was found on.
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            PolicyError::MissingTitle { line }
            | PolicyError::MalformedPartHeading { line }
            | PolicyError::PartOutOfOrder { line, .. }
            | PolicyError::MalformedItemHeading { line }
            | PolicyError::ItemOutsidePart { line, .. }
            | PolicyError::ItemUnderWrongPart { line, .. }
            | PolicyError::ItemOutOfOrder { line, .. }
            | PolicyError::EmptyItem { line, .. }
            | PolicyError::MalformedClauseId { line, .. }
            | PolicyError::EmptyClause { line, .. }
            | PolicyError::ClauseOutsidePart { line, .. }
            | PolicyError::DuplicateId { line, .. }
            | PolicyError::WrongHeading { line, .. }
            | PolicyError::SentenceGap { line, .. }
            | PolicyError::UnexpectedLine { line } => *line,
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy line {}: ", self.line())?;
        match self {
            PolicyError::MissingTitle { .. } => f.write_str("expected a `# title` line"),
            PolicyError::MalformedPartHeading { .. } => {
                f.write_str("part heading must be `## S. heading`")
            }
            PolicyError::PartOutOfOrder {
                number, previous, ..
            } => write!(f, "part {number} follows part {previous}"),
            PolicyError::MalformedItemHeading { .. } => {
                f.write_str("item heading must be `### S.I heading` with I >= 1")
            }
            PolicyError::ItemOutsidePart { item, .. } => {
                write!(f, "item {item} comes before any part heading")
            }
            PolicyError::ItemUnderWrongPart { item, part, .. } => {
                write!(f, "item {item} sits under part {part}")
            }
            PolicyError::ItemOutOfOrder { item, previous, .. } => {
                write!(f, "item {item} follows item number {previous}")
            }
            PolicyError::EmptyItem { item, .. } => write!(f, "item {item} has no clauses"),
            PolicyError::MalformedClauseId { id, .. } => {
                write!(f, "clause ID {id:?} is not of the form S.I-N")
            }
            PolicyError::EmptyClause { id, .. } => write!(f, "clause {id} has no text"),
            PolicyError::ClauseOutsidePart { id, .. } => {
                write!(f, "clause {id} comes before any part heading")
            }
            PolicyError::DuplicateId { id, first_line, .. } => {
                write!(f, "clause {id} already appears on line {first_line}")
            }
            PolicyError::WrongHeading { id, expected, .. } => {
                write!(f, "clause {id} sits under heading {expected}")
            }
            PolicyError::SentenceGap { id, expected, .. } => {
                write!(f, "clause {id} should be sentence {expected} of its item")
            }
            PolicyError::UnexpectedLine { .. } => {
                f.write_str("expected a heading or a `[S.I-N] text` clause")
            }
        }
    }
}

impl std::error::Error for PolicyError {}

static OFFICIAL: OnceLock<Result<Policy, PolicyError>> = OnceLock::new();

impl Policy {
    /// The official text `policy/anshan-2021-18.md`, embedded at build time and parsed once.
    ///
    /// # Errors
    /// The parse error, if the embedded file is invalid (a unit test guarantees it is not).
    pub fn official() -> Result<&'static Policy, &'static PolicyError> {
        OFFICIAL.get_or_init(|| Policy::parse(POLICY_TEXT)).as_ref()
    }

    /// Parses and validates a clause-numbered policy file.
    ///
    /// # Errors
    /// The first [`PolicyError`] found, in file order.
    pub fn parse(markdown: &str) -> Result<Policy, PolicyError> {
        let mut parser = Parser::default();
        for (index, raw) in markdown.lines().enumerate() {
            parser.line(index + 1, raw.trim())?;
        }
        parser.finish(markdown.lines().count() + 1)
    }

    /// The clause with ID `id` (e.g. `"4.2-4"`).
    #[must_use]
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        let key = parse_id(id)?;
        let part = self.parts.iter().find(|p| p.number == key.part)?;
        let clauses = if key.item == 0 {
            &part.clauses
        } else {
            &part.item(key.item)?.clauses
        };
        let index = usize::from(key.sentence).checked_sub(1)?;
        clauses.get(index).filter(|c| c.id == id)
    }

    /// The part numbered `number`.
    #[must_use]
    pub fn part(&self, number: u8) -> Option<&Part> {
        self.parts.iter().find(|p| p.number == number)
    }

    /// Every clause in document order.
    pub fn clauses(&self) -> impl Iterator<Item = &Clause> + '_ {
        self.parts.iter().flat_map(Part::all_clauses)
    }
}

/// Line-by-line state of [`Policy::parse`].
#[derive(Default)]
struct Parser {
    title: Option<String>,
    intro: Vec<String>,
    paragraph: Vec<String>,
    parts: Vec<Part>,
    /// Line of the current item's heading, to report an empty item.
    item_line: usize,
    /// First line of each clause ID seen.
    seen: HashMap<String, usize>,
}

impl Parser {
    fn line(&mut self, n: usize, line: &str) -> Result<(), PolicyError> {
        if self.title.is_none() {
            if line.is_empty() {
                return Ok(());
            }
            let title = line.strip_prefix("# ").map(str::trim).unwrap_or("");
            if title.is_empty() {
                return Err(PolicyError::MissingTitle { line: n });
            }
            self.title = Some(title.to_owned());
            return Ok(());
        }
        if line.is_empty() {
            self.end_paragraph();
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix("## ") {
            self.end_paragraph();
            return self.part_heading(n, rest);
        }
        if let Some(rest) = line.strip_prefix("### ") {
            return self.item_heading(n, rest);
        }
        if let Some(rest) = line.strip_prefix('[') {
            return self.clause(n, rest);
        }
        if self.parts.is_empty() {
            self.paragraph.push(line.to_owned());
            return Ok(());
        }
        Err(PolicyError::UnexpectedLine { line: n })
    }

    fn end_paragraph(&mut self) {
        if !self.paragraph.is_empty() {
            self.intro.push(self.paragraph.join("\n"));
            self.paragraph.clear();
        }
    }

    fn part_heading(&mut self, n: usize, rest: &str) -> Result<(), PolicyError> {
        let malformed = PolicyError::MalformedPartHeading { line: n };
        let (number, heading) = rest.split_once(' ').ok_or(malformed.clone())?;
        let number = number
            .strip_suffix('.')
            .and_then(parse_small)
            .ok_or(malformed.clone())?;
        let heading = heading.trim();
        if heading.is_empty() {
            return Err(malformed);
        }
        self.check_last_item_not_empty()?;
        if let Some(previous) = self.parts.last().map(|p| p.number)
            && number <= previous
        {
            return Err(PolicyError::PartOutOfOrder {
                line: n,
                number,
                previous,
            });
        }
        self.parts.push(Part {
            number,
            heading: heading.to_owned(),
            clauses: Vec::new(),
            items: Vec::new(),
        });
        Ok(())
    }

    fn item_heading(&mut self, n: usize, rest: &str) -> Result<(), PolicyError> {
        let malformed = PolicyError::MalformedItemHeading { line: n };
        let (id, heading) = rest.split_once(' ').ok_or(malformed.clone())?;
        let (part_number, number) = id.split_once('.').ok_or(malformed.clone())?;
        let part_number = parse_small(part_number).ok_or(malformed.clone())?;
        let number = parse_small(number)
            .filter(|&i| i > 0)
            .ok_or(malformed.clone())?;
        let heading = heading.trim();
        if heading.is_empty() {
            return Err(malformed);
        }
        self.check_last_item_not_empty()?;
        let item = id.to_owned();
        let Some(part) = self.parts.last_mut() else {
            return Err(PolicyError::ItemOutsidePart { line: n, item });
        };
        if part.number != part_number {
            return Err(PolicyError::ItemUnderWrongPart {
                line: n,
                item,
                part: part.number,
            });
        }
        if let Some(previous) = part.items.last().map(|i| i.number)
            && number <= previous
        {
            return Err(PolicyError::ItemOutOfOrder {
                line: n,
                item,
                previous,
            });
        }
        part.items.push(Item {
            id: item,
            number,
            heading: heading.to_owned(),
            clauses: Vec::new(),
        });
        self.item_line = n;
        Ok(())
    }

    /// `rest` is the line after its opening `[`.
    fn clause(&mut self, n: usize, rest: &str) -> Result<(), PolicyError> {
        let Some((id, text)) = rest.split_once(']') else {
            return Err(PolicyError::MalformedClauseId {
                line: n,
                id: rest.to_owned(),
            });
        };
        let Some(key) = parse_id(id) else {
            return Err(PolicyError::MalformedClauseId {
                line: n,
                id: id.to_owned(),
            });
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(PolicyError::EmptyClause {
                line: n,
                id: id.to_owned(),
            });
        }
        if let Some(&first_line) = self.seen.get(id) {
            return Err(PolicyError::DuplicateId {
                line: n,
                id: id.to_owned(),
                first_line,
            });
        }
        let Some(part) = self.parts.last_mut() else {
            return Err(PolicyError::ClauseOutsidePart {
                line: n,
                id: id.to_owned(),
            });
        };
        let (item_number, clauses) = match part.items.last_mut() {
            Some(item) => (item.number, &mut item.clauses),
            None => (0, &mut part.clauses),
        };
        if key.part != part.number || key.item != item_number {
            return Err(PolicyError::WrongHeading {
                line: n,
                id: id.to_owned(),
                expected: format!("{}.{}", part.number, item_number),
            });
        }
        let expected = u16::try_from(clauses.len() + 1).unwrap_or(u16::MAX);
        if key.sentence != expected {
            return Err(PolicyError::SentenceGap {
                line: n,
                id: id.to_owned(),
                expected,
            });
        }
        clauses.push(Clause {
            id: id.to_owned(),
            part: key.part,
            item: key.item,
            sentence: key.sentence,
            text: text.to_owned(),
        });
        self.seen.insert(id.to_owned(), n);
        Ok(())
    }

    fn check_last_item_not_empty(&self) -> Result<(), PolicyError> {
        match self.parts.last().and_then(|p| p.items.last()) {
            Some(item) if item.clauses.is_empty() => Err(PolicyError::EmptyItem {
                line: self.item_line,
                item: item.id.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn finish(mut self, end_line: usize) -> Result<Policy, PolicyError> {
        let Some(title) = self.title.take() else {
            return Err(PolicyError::MissingTitle { line: end_line });
        };
        self.end_paragraph();
        self.check_last_item_not_empty()?;
        Ok(Policy {
            title,
            intro: self.intro,
            parts: self.parts,
        })
    }
}

/// A part or item number: ASCII digits, no leading zero, at most 255.
fn parse_small(s: &str) -> Option<u8> {
    let canonical = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit())
        && !(s.len() > 1 && s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const GOOD: &str = "\
# 示例政策

说明第一段,
续行。

说明第二段。

## 0. 题头

[0.0-1] 第一句。

[0.0-2] 第二句。

## 4. 四、主要任务

### 4.1 (一)甲。

[4.1-1] (一)甲。

[4.1-2] 甲的规定。

### 4.3 (三)丙。

[4.3-1] (三)丙。
";

    #[test]
    fn parses_a_good_file() {
        let p = Policy::parse(GOOD).unwrap();
        assert_eq!(p.title, "示例政策");
        assert_eq!(p.intro, ["说明第一段,\n续行。", "说明第二段。"]);
        assert_eq!(p.parts.len(), 2);
        let preamble = &p.parts[0];
        assert_eq!((preamble.number, preamble.heading.as_str()), (0, "题头"));
        assert!(preamble.items.is_empty());
        assert_eq!(preamble.clauses.len(), 2);
        let tasks = &p.parts[1];
        assert_eq!(tasks.heading, "四、主要任务");
        assert!(tasks.clauses.is_empty());
        let ids: Vec<&str> = tasks.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["4.1", "4.3"]);
        assert_eq!(tasks.items[0].heading, "(一)甲。");
        assert_eq!(tasks.item(3).map(|i| i.number), Some(3));
        let all: Vec<&str> = p.clauses().map(|c| c.id.as_str()).collect();
        assert_eq!(all, ["0.0-1", "0.0-2", "4.1-1", "4.1-2", "4.3-1"]);
        let c = p.clause("4.1-2").unwrap();
        assert_eq!((c.part, c.item, c.sentence), (4, 1, 2));
        assert_eq!(c.text, "甲的规定。");
        for missing in ["4.1-3", "4.2-1", "4.0-1", "5.1-1", "4.1-0", "4.1", "x"] {
            assert!(p.clause(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn rejects_bad_files() {
        use PolicyError as E;
        let s = |v: &str| v.to_owned();
        let cases: Vec<(&str, &str, PolicyError)> = vec![
            ("empty input", "", E::MissingTitle { line: 1 }),
            ("no title", "正文\n", E::MissingTitle { line: 1 }),
            ("empty title", "\n# \n", E::MissingTitle { line: 2 }),
            (
                "malformed ID",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2.1] 文\n",
                E::MalformedClauseId {
                    line: 4,
                    id: s("4.2.1"),
                },
            ),
            (
                "ID with leading zero",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-01] 文\n",
                E::MalformedClauseId {
                    line: 4,
                    id: s("4.2-01"),
                },
            ),
            (
                "unclosed bracket",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-1 文\n",
                E::MalformedClauseId {
                    line: 4,
                    id: s("4.2-1 文"),
                },
            ),
            (
                "duplicated ID",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-1] 文\n\n[4.2-1] 文\n",
                E::DuplicateId {
                    line: 6,
                    id: s("4.2-1"),
                    first_line: 4,
                },
            ),
            (
                "duplicated ID in another item",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-1] 文\n### 4.3 丙\n[4.2-1] 文\n",
                E::DuplicateId {
                    line: 6,
                    id: s("4.2-1"),
                    first_line: 4,
                },
            ),
            (
                "sentence gap",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-1] 文\n[4.2-3] 文\n",
                E::SentenceGap {
                    line: 5,
                    id: s("4.2-3"),
                    expected: 2,
                },
            ),
            (
                "first sentence not 1",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-2] 文\n",
                E::SentenceGap {
                    line: 4,
                    id: s("4.2-2"),
                    expected: 1,
                },
            ),
            (
                "clause under the wrong item",
                "# T\n## 4. 四\n### 4.2 乙\n[4.3-1] 文\n",
                E::WrongHeading {
                    line: 4,
                    id: s("4.3-1"),
                    expected: s("4.2"),
                },
            ),
            (
                "clause under the wrong part",
                "# T\n## 4. 四\n[5.0-1] 文\n",
                E::WrongHeading {
                    line: 3,
                    id: s("5.0-1"),
                    expected: s("4.0"),
                },
            ),
            (
                "itemless clause after an item",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-1] 文\n[4.0-1] 文\n",
                E::WrongHeading {
                    line: 5,
                    id: s("4.0-1"),
                    expected: s("4.2"),
                },
            ),
            (
                "clause before any part",
                "# T\n[0.0-1] 文\n",
                E::ClauseOutsidePart {
                    line: 2,
                    id: s("0.0-1"),
                },
            ),
            (
                "clause without text",
                "# T\n## 4. 四\n[4.0-1]  \n",
                E::EmptyClause {
                    line: 3,
                    id: s("4.0-1"),
                },
            ),
            (
                "line without ID inside a part",
                "# T\n## 4. 四\n[4.0-1] 文\n遗漏编号的句子。\n",
                E::UnexpectedLine { line: 4 },
            ),
            (
                "deeper heading",
                "# T\n## 4. 四\n#### 4.2.1 细目\n",
                E::UnexpectedLine { line: 3 },
            ),
            (
                "part heading without number",
                "# T\n## 四、主要任务\n",
                E::MalformedPartHeading { line: 2 },
            ),
            (
                "part heading without text",
                "# T\n## 4.\n",
                E::MalformedPartHeading { line: 2 },
            ),
            (
                "parts out of order",
                "# T\n## 4. 四\n[4.0-1] 文\n## 3. 三\n",
                E::PartOutOfOrder {
                    line: 4,
                    number: 3,
                    previous: 4,
                },
            ),
            (
                "item heading malformed",
                "# T\n## 4. 四\n### 4-2 乙\n",
                E::MalformedItemHeading { line: 3 },
            ),
            (
                "item zero",
                "# T\n## 4. 四\n### 4.0 乙\n",
                E::MalformedItemHeading { line: 3 },
            ),
            (
                "item before any part",
                "# T\n### 4.2 乙\n",
                E::ItemOutsidePart {
                    line: 2,
                    item: s("4.2"),
                },
            ),
            (
                "item under the wrong part",
                "# T\n## 4. 四\n### 5.2 乙\n",
                E::ItemUnderWrongPart {
                    line: 3,
                    item: s("5.2"),
                    part: 4,
                },
            ),
            (
                "items out of order",
                "# T\n## 4. 四\n### 4.2 乙\n[4.2-1] 文\n### 4.2 乙\n",
                E::ItemOutOfOrder {
                    line: 5,
                    item: s("4.2"),
                    previous: 2,
                },
            ),
            (
                "empty item before the next item",
                "# T\n## 4. 四\n### 4.1 甲\n### 4.2 乙\n",
                E::EmptyItem {
                    line: 3,
                    item: s("4.1"),
                },
            ),
            (
                "empty item at the end",
                "# T\n## 4. 四\n### 4.1 甲\n[4.1-1] 文\n### 4.2 乙\n",
                E::EmptyItem {
                    line: 5,
                    item: s("4.2"),
                },
            ),
        ];
        for (name, input, expected) in cases {
            let got = Policy::parse(input);
            assert_eq!(got, Err(expected.clone()), "{name}");
            // `line()` reports the line the variant carries, and the message leads with it.
            let debug = format!("{expected:?}");
            let carried: usize = debug
                .split("line: ")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|digits| digits.parse().ok())
                .unwrap();
            assert_eq!(expected.line(), carried, "{name}");
            assert!(
                expected
                    .to_string()
                    .starts_with(&format!("policy line {carried}: ")),
                "{name}: {expected}"
            );
        }
    }

    #[test]
    fn part_and_item_numbers_are_canonical_small_numbers() {
        for (input, expected) in [
            ("0", Some(0)),
            ("7", Some(7)),
            ("10", Some(10)),
            ("255", Some(255)),
            ("256", None),
            ("", None),
            ("07", None),
            ("00", None),
            ("1a", None),
            ("a1", None),
            ("+1", None),
            ("４", None),
        ] {
            assert_eq!(parse_small(input), expected, "{input:?}");
        }
    }

    #[test]
    fn official_text_parses() {
        let p = Policy::official().unwrap();
        assert!(p.title.contains("鞍民发〔2021〕18号"), "{}", p.title);
        let numbers: Vec<u8> = p.parts.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(p.clauses().count(), 98);
        let tasks = p.part(4).unwrap();
        assert_eq!(tasks.items.len(), 9);
        assert_eq!(p.part(5).unwrap().items.len(), 4);
        let tracked = p.clauses().filter(|c| c.part == 4 || c.part == 5).count();
        assert_eq!(tracked, 68);
        let c = p.clause("4.2-4").unwrap();
        assert!(
            c.text.starts_with("除法律法规规章有明确规定外"),
            "{}",
            c.text
        );
        assert_eq!(c.clause_id(), ClauseId::lookup("4.2-4"));
        // Each item of parts 3 to 5 opens with its own heading as sentence 1.
        for part in &p.parts {
            for item in &part.items {
                assert_eq!(item.clauses[0].text, item.heading, "{}", item.id);
            }
        }
        // Parsing once is enough: the second call returns the same value.
        assert!(std::ptr::eq(p, Policy::official().unwrap()));
    }
}
