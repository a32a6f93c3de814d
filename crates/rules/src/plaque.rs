//! Plaques (挂牌, items 4.1 and 4.4): which plaques a street, town, community or village may
//! hang and where, temporary plaques on streets, the self-inspection deadline, and departments'
//! demands for agencies, venues and staff in communities.
//!
//! # Two lists, one matcher
//!
//! Street and town plaques are checked against the street plaque list (街道(乡镇)挂牌清单, 4.1-3),
//! community and village plaques against the whitelist of 4.4-4 (outdoors) and 4.4-5 (indoors).
//! Both are dated data (`data/street_plaque_list.toml`, `data/plaque_whitelist.toml`), parsed and
//! validated by [`PlaqueLists`]. The real street list is an attachment not in the policy text; the
//! embedded one is a demo and says so in every entry's `reference`.
//!
//! A list entry names a plaque by *forms* such as `中共{unit}委员会` or `{unit?}党群服务中心`: a
//! fixed lead and tail around one unit slot. A plaque's name fits a form when, after
//! [`normalise_name`] (full-width folded, brackets unified, quotes and whitespace dropped), it
//! starts with the lead, ends with the tail, and what lies between is a *unit reference*:
//!
//! - nothing, if the slot is `{unit?}` (退役军人服务站);
//! - the generic word of the unit's kind (社区, 村, 街道, 镇, 乡): 社区党委;
//! - the unit's own name (`unit_name`, e.g. 和平社区), optionally after places: names ending in
//!   省/市/区/县/旗/街道/镇/乡 but not in 社区/小区 (鞍山市铁东区和平街道和平社区).
//!
//! The place check is a shape check, not a gazetteer: it accepts 鞍山市铁东区 and refuses an
//! organisation (和平派出所, 鞍山市公安局), another community (胜利社区) and a village (胜利村).
//! A name that fits a form's lead and tail but not its unit slot (中共鞍山市委员会 against
//! 中共{unit}委员会; 胜利社区党群服务中心 hung in 和平社区) is *recognised* as that entry and rejected
//! with `name_prefix_mismatch`: it is the plaque of another body.
//!
//! The places themselves are then read against where the unit sits ([`PlaqueFacts::places`]:
//! the tree's names of its city, district and street or town). A place word naming somewhere
//! else (中共鞍山市铁西区示例社区委员会 at a community in 铁东区; another street of the same
//! district) makes the plaque another place's, rejected with `place_mismatch` under the clause
//! the other name findings cite (the entry's clause for communities and villages, 4.1-4 for
//! streets and towns). The places are split into words the way that leaves the least unaccounted
//! for, so a place word inside a longer word (铁东新区, a community called 铁西路社区) is not
//! taken for it. Accepted as the unit's own: the tree's names, 鞍山 for 鞍山市 at the start, an
//! autonomous county's short name (岫岩县), and a province (above what the tree knows).
//!
//! # Decisions the policy text leaves open, and how they are taken here
//!
//! - **The four outdoor names indoors.** 4.4-5 says 室内只悬挂 … 等牌子,其余牌子一律取消 and does
//!   not list them; read literally, a 居民委员会 plaque inside is not allowed. It is rejected under
//!   4.4-5 (`outdoor_name_indoors`) and the ruling's [`PlaqueRuling::move_to`] says
//!   [`Placement::Outdoor`]: the fix is to move it, not to remove it.
//! - **The ten indoor names outdoors** are rejected under 4.4-4 (`indoor_name_outdoors`), with
//!   `move_to` [`Placement::Indoor`].
//! - **等 in 4.4-5** closes the enumeration (it is followed by 其余牌子一律取消). The 拟保留清单
//!   of 4.4-2 could add names; they would be added as data with its reference.
//! - **Rooms and near-misses are not the listed body**: 居民委员会调解室, 社区党组织活动室,
//!   综合治理工作站, 和平社区综合治理中心 match no form and are rejected; 人民调解委员会 and
//!   社会治理综合服务中心 are the listed names.
//! - **Village-only names** (村民委员会, 村集体经济组织 in all its reformed names, 村务监督委员会) on
//!   a community are rejected (`village_only_name`), also where a community formed from a village
//!   still keeps, say, a 股份经济合作社; 居民委员会 on a village likewise (`community_only_name`).
//! - **Abbreviations** in common use (居委会, 村委会, 妇联, 党委, 党总支, 党支部) are forms of the
//!   listed body, as data.
//! - **Honorary plaques.** 4.1-2 puts a street's honorary plaques indoors; their names cannot be
//!   listed, so the street list has one `any_name` entry matching any plaque recorded as
//!   [`PlaqueKind::Honorary`]. Communities have no such entry: 4.4-5 cancels every other plaque.
//! - **Temporary approval** (4.1-5) is for streets and towns only; on a community plaque the flag
//!   is not read.
//!
//! # Clauses cited
//!
//! Every community plaque decision cites 4.4-2 (the clean-up against the retained list) and the
//! clause of its placement (4.4-4 outdoors, 4.4-5 indoors), plus the clause of a recognised entry
//! hung in the wrong place. Every street plaque decision cites 4.1-2 (the kinds and where they
//! hang); rejections cite 4.1-4 (不得随意悬挂、摆放), an approved temporary plaque 4.1-5.
//! Temporary plaques cite 4.1-5, self-inspection 4.1-3 and 4.1-7, agency demands 4.4-3.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::{ClauseId, Date, Decision, Outcome, Reason, clause};

pub use crate::work_item::{LegalBasis, LegalBasisKind};

/// The community whitelist, embedded at build time.
const WHITELIST: &str = include_str!("../../../data/plaque_whitelist.toml");
/// The street and town plaque list, embedded at build time.
const STREET_LIST: &str = include_str!("../../../data/street_plaque_list.toml");

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// Where a plaque hangs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// 室外: on the outside of the office or activity venue.
    Outdoor,
    /// 室内: inside.
    Indoor,
}

impl Placement {
    /// 室外 or 室内.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Placement::Outdoor => "室外",
            Placement::Indoor => "室内",
        }
    }

    fn from_data(s: &str) -> Option<Self> {
        match s {
            "outdoor" => Some(Placement::Outdoor),
            "indoor" => Some(Placement::Indoor),
            _ => None,
        }
    }
}

/// The kind of unit a plaque hangs at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 街道: a sub-district office.
    Street,
    /// 乡镇: a town or township government.
    Town,
    /// 社区: an urban community.
    Community,
    /// 村: a village.
    Village,
}

impl UnitKind {
    /// 街道, 乡镇, 社区 or 村.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            UnitKind::Street => "街道",
            UnitKind::Town => "乡镇",
            UnitKind::Community => "社区",
            UnitKind::Village => "村",
        }
    }

    /// True for streets and towns, whose plaques item 4.1 governs; false for communities and
    /// villages (item 4.4).
    #[must_use]
    pub const fn is_subdistrict(self) -> bool {
        matches!(self, UnitKind::Street | UnitKind::Town)
    }

    fn from_data(s: &str) -> Option<Self> {
        match s {
            "street" => Some(UnitKind::Street),
            "town" => Some(UnitKind::Town),
            "community" => Some(UnitKind::Community),
            "village" => Some(UnitKind::Village),
            _ => None,
        }
    }

    const fn data_name(self) -> &'static str {
        match self {
            UnitKind::Street => "street",
            UnitKind::Town => "town",
            UnitKind::Community => "community",
            UnitKind::Village => "village",
        }
    }
}

/// The four kinds of street and town plaque of 4.1-2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaqueKind {
    /// 工作机构挂牌 (outdoors).
    WorkAgency,
    /// 功能性挂牌 (outdoors).
    Functional,
    /// 综合办事机构挂牌 (indoors).
    ComprehensiveOffice,
    /// 荣誉性挂牌 (indoors).
    Honorary,
}

impl PlaqueKind {
    /// 工作机构, 功能性, 综合办事机构 or 荣誉性.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            PlaqueKind::WorkAgency => "工作机构",
            PlaqueKind::Functional => "功能性",
            PlaqueKind::ComprehensiveOffice => "综合办事机构",
            PlaqueKind::Honorary => "荣誉性",
        }
    }

    /// Where 4.1-2 puts the kind: work agencies and functional plaques outdoors, comprehensive
    /// offices and honorary plaques indoors.
    #[must_use]
    pub const fn placement(self) -> Placement {
        match self {
            PlaqueKind::WorkAgency | PlaqueKind::Functional => Placement::Outdoor,
            PlaqueKind::ComprehensiveOffice | PlaqueKind::Honorary => Placement::Indoor,
        }
    }

    fn from_data(s: &str) -> Option<Self> {
        match s {
            "work_agency" => Some(PlaqueKind::WorkAgency),
            "functional" => Some(PlaqueKind::Functional),
            "comprehensive_office" => Some(PlaqueKind::ComprehensiveOffice),
            "honorary" => Some(PlaqueKind::Honorary),
            _ => None,
        }
    }
}

/// Puts a plaque name in the form the lists compare: full-width ASCII folded to half-width
/// (（ → (, Ａ → A), other brackets (〔〕【】［］〖〗) unified to `(` `)`, and quotes of every kind
/// (“ ” ‘ ’ " ' 「 」 『 』 〝 〞 ＂), whitespace (including U+3000) and zero-width characters
/// dropped. Idempotent; the lead may use it to store and deduplicate names.
///
/// ```
/// use jianfu_rules::plaque::normalise_name;
/// assert_eq!(normalise_name("和平社区 “两代表一委员” 工作室"), "和平社区两代表一委员工作室");
/// assert_eq!(normalise_name("新时代文明实践中心（所、站）"), "新时代文明实践中心(所、站)");
/// ```
#[must_use]
pub fn normalise_name(name: &str) -> String {
    normalised(name).into_owned()
}

/// [`normalise_name`] without copying a name that is already normal, as most are.
fn normalised(name: &str) -> Cow<'_, str> {
    if name.chars().all(|c| fold(c) == Some(c)) {
        return Cow::Borrowed(name);
    }
    Cow::Owned(name.chars().filter_map(fold).collect())
}

/// What one character becomes: folded and unified, or `None` when dropped.
fn fold(c: char) -> Option<char> {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    let c = match c {
        '〔' | '【' | '〖' | '[' => '(',
        '〕' | '】' | '〗' | ']' => ')',
        _ => c,
    };
    let dropped = c.is_whitespace()
        || matches!(
            c,
            '"' | '\''
                | '`'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '「'
                | '」'
                | '『'
                | '』'
                | '〝'
                | '〞'
                | '〟'
                | '„'
                | '‟'
                | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        );
    (!dropped).then_some(c)
}

// ---------------------------------------------------------------------------------------------
// The lists
// ---------------------------------------------------------------------------------------------

/// The two plaque lists and the self-inspection period, as in force over time. Build with
/// [`PlaqueLists::official`] or [`PlaqueLists::parse`]; every value has passed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlaqueLists {
    whitelist: Vec<PlaqueEntry>,
    street_list: Vec<PlaqueEntry>,
    whitelist_naming: Naming,
    street_naming: Naming,
    self_inspection: Vec<SelfInspectionPeriod>,
}

/// One plaque of a list: a community whitelist name (4.4-4, 4.4-5) or a street list entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlaqueEntry {
    /// Stable snake_case key, unique in its file, e.g. `residents_committee`.
    pub key: String,
    /// Name shown to users: the clause's words (居民委员会) or the list's (XX街道办事处).
    pub name: String,
    /// Where the plaque hangs: from the data for the whitelist, from [`PlaqueKind::placement`]
    /// for the street list.
    pub placement: Placement,
    /// The unit kinds that hang it.
    pub units: Vec<UnitKind>,
    /// The 4.1-2 kind; `None` on the community whitelist, which has no kinds.
    pub kind: Option<PlaqueKind>,
    /// The forms, normalised (see [`normalise_name`]); empty when `any_name`.
    pub forms: Vec<String>,
    /// Matches any plaque recorded with this entry's kind (honorary plaques only).
    pub any_name: bool,
    /// First day in force.
    pub effective_from: Date,
    /// First day no longer in force; `None` while it still is.
    pub effective_to: Option<Date>,
    /// The document that puts the entry in force.
    pub reference: String,
    /// The clause that allows it: 4.4-4 or 4.4-5 for the whitelist, 4.1-2 for the street list.
    pub clause: ClauseId,
    #[serde(skip)]
    patterns: Vec<Form>,
}

impl PlaqueEntry {
    /// True when the entry is in force on `on`: `effective_from <= on < effective_to`.
    #[must_use]
    pub fn in_force_on(&self, on: Date) -> bool {
        in_force(self.effective_from, self.effective_to, on)
    }
}

/// One period of the self-inspection deadline (4.1-7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SelfInspectionPeriod {
    /// Calendar days from launch to deadline.
    pub days: u16,
    /// First day in force.
    pub effective_from: Date,
    /// First day no longer in force.
    pub effective_to: Option<Date>,
    /// The document that sets the period.
    pub reference: String,
}

/// How a file says a plaque names its unit; see the files' `[naming]` tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Naming {
    place_suffixes: Vec<String>,
    not_places: Vec<String>,
    unit_words: BTreeMap<UnitKind, Vec<String>>,
}

/// A parsed form: `lead {unit} tail`, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Form {
    lead: String,
    tail: String,
    optional: bool,
}

fn in_force(from: Date, to: Option<Date>, on: Date) -> bool {
    from <= on && to.is_none_or(|to| on < to)
}

fn overlap(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    a.1.is_none_or(|to| b.0 < to) && b.1.is_none_or(|to| a.0 < to)
}

/// Which plaque data file an error is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaqueFile {
    /// `data/plaque_whitelist.toml`.
    Whitelist,
    /// `data/street_plaque_list.toml`.
    StreetList,
}

impl PlaqueFile {
    /// The file's path in the workspace.
    #[must_use]
    pub const fn path(self) -> &'static str {
        match self {
            PlaqueFile::Whitelist => "data/plaque_whitelist.toml",
            PlaqueFile::StreetList => "data/street_plaque_list.toml",
        }
    }

    const fn units(self) -> [UnitKind; 2] {
        match self {
            PlaqueFile::Whitelist => [UnitKind::Community, UnitKind::Village],
            PlaqueFile::StreetList => [UnitKind::Street, UnitKind::Town],
        }
    }
}

/// Why a plaque data file was not accepted: the file and the first problem found in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaqueListError {
    /// The file.
    pub file: PlaqueFile,
    /// What is wrong.
    pub problem: PlaqueListProblem,
}

/// What is wrong in a plaque data file. `key` names the offending entry (`self_inspection` for
/// the self-inspection table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaqueListProblem {
    /// Not TOML, or not the shape of the file (missing or unknown fields, wrong types).
    Syntax(String),
    /// The `[naming]` table is incomplete: a unit kind of the file without words, an empty
    /// word or suffix, or a unit kind that belongs to the other file.
    BadNaming(String),
    /// A key that is empty or not snake_case ASCII.
    BadKey { key: String },
    /// A key used by two entries.
    DuplicateKey { key: String },
    /// A required text field that is blank.
    EmptyField { key: String, field: &'static str },
    /// A placement other than `outdoor`, `indoor`.
    UnknownPlacement { key: String, placement: String },
    /// A 4.1-2 kind other than `work_agency`, `functional`, `comprehensive_office`, `honorary`.
    UnknownKind { key: String, kind: String },
    /// A unit other than `street`, `town`, `community`, `village`.
    UnknownUnit { key: String, unit: String },
    /// A unit kind that belongs to the other file, listed twice, or no unit at all.
    WrongUnits { key: String },
    /// A date that is not a real `YYYY-MM-DD` day.
    BadDate {
        key: String,
        field: &'static str,
        value: String,
    },
    /// An `effective_to` not after `effective_from`.
    EndNotAfterStart { key: String },
    /// No forms (and not `any_name`), or forms on an `any_name` entry.
    NoForms { key: String },
    /// A form without exactly one `{unit}` or `{unit?}`, with other braces, or with nothing
    /// after the slot.
    BadForm { key: String, form: String },
    /// A form already used by another entry in force on some same day for some same unit kind.
    DuplicateForm { key: String, form: String },
    /// `any_name` on a kind other than `honorary`.
    AnyNameNotHonorary { key: String },
    /// A whitelist entry whose clause is not that of its placement (`4.4-4` outdoors, `4.4-5`
    /// indoors), or a self-inspection period not citing `4.1-7`.
    WrongClause { key: String, clause: String },
    /// Self-inspection `days` outside 1-366.
    BadDays { days: i64 },
    /// Two self-inspection periods in force on the same day.
    OverlappingSelfInspection,
}

impl fmt::Display for PlaqueListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.path())?;
        match &self.problem {
            PlaqueListProblem::Syntax(message) => f.write_str(message),
            PlaqueListProblem::BadNaming(message) => write!(f, "[naming]: {message}"),
            PlaqueListProblem::BadKey { key } => {
                write!(f, "entry key {key:?} must be non-empty snake_case ASCII")
            }
            PlaqueListProblem::DuplicateKey { key } => {
                write!(f, "entry key {key:?} appears twice")
            }
            PlaqueListProblem::EmptyField { key, field } => {
                write!(f, "entry {key:?}: `{field}` is empty")
            }
            PlaqueListProblem::UnknownPlacement { key, placement } => write!(
                f,
                "entry {key:?}: placement {placement:?} is not outdoor or indoor"
            ),
            PlaqueListProblem::UnknownKind { key, kind } => write!(
                f,
                "entry {key:?}: kind {kind:?} is not work_agency, functional, comprehensive_office or honorary"
            ),
            PlaqueListProblem::UnknownUnit { key, unit } => write!(
                f,
                "entry {key:?}: unit {unit:?} is not street, town, community or village"
            ),
            PlaqueListProblem::WrongUnits { key } => write!(
                f,
                "entry {key:?}: units must be one or both of this file's unit kinds, each once"
            ),
            PlaqueListProblem::BadDate { key, field, value } => write!(
                f,
                "entry {key:?}: `{field}` {value:?} is not a YYYY-MM-DD date"
            ),
            PlaqueListProblem::EndNotAfterStart { key } => write!(
                f,
                "entry {key:?}: `effective_to` must be after `effective_from`"
            ),
            PlaqueListProblem::NoForms { key } => write!(
                f,
                "entry {key:?}: give `forms`, or `any_name = true` without forms"
            ),
            PlaqueListProblem::BadForm { key, form } => write!(
                f,
                "entry {key:?}: form {form:?} must contain exactly one {{unit}} or {{unit?}}, followed by text"
            ),
            PlaqueListProblem::DuplicateForm { key, form } => write!(
                f,
                "entry {key:?}: form {form:?} is already a form of another entry in force at the same time"
            ),
            PlaqueListProblem::AnyNameNotHonorary { key } => {
                write!(
                    f,
                    "entry {key:?}: only an honorary entry may match any name"
                )
            }
            PlaqueListProblem::WrongClause { key, clause } => write!(
                f,
                "entry {key:?}: clause {clause:?} is wrong (outdoor \"4.4-4\", indoor \"4.4-5\", self-inspection \"4.1-7\")"
            ),
            PlaqueListProblem::BadDays { days } => {
                write!(f, "self_inspection: days {days} is not within 1-366")
            }
            PlaqueListProblem::OverlappingSelfInspection => {
                f.write_str("self_inspection: two periods are in force on the same day")
            }
        }
    }
}

impl std::error::Error for PlaqueListError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNaming {
    place_suffixes: Vec<String>,
    not_places: Vec<String>,
    unit_words: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhitelist {
    naming: RawNaming,
    #[serde(default)]
    entry: Vec<RawWhitelistEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhitelistEntry {
    key: String,
    name: String,
    placement: String,
    units: Vec<String>,
    forms: Vec<String>,
    effective_from: String,
    effective_to: Option<String>,
    reference: String,
    clause: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStreetList {
    naming: RawNaming,
    #[serde(default)]
    self_inspection: Vec<RawSelfInspection>,
    #[serde(default)]
    entry: Vec<RawStreetEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStreetEntry {
    key: String,
    name: String,
    kind: String,
    units: Vec<String>,
    #[serde(default)]
    forms: Vec<String>,
    #[serde(default)]
    any_name: bool,
    effective_from: String,
    effective_to: Option<String>,
    reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelfInspection {
    days: i64,
    effective_from: String,
    effective_to: Option<String>,
    reference: String,
    clause: String,
}

/// The fields every entry shares, before validation.
struct Common {
    key: String,
    name: String,
    units: Vec<String>,
    forms: Vec<String>,
    effective_from: String,
    effective_to: Option<String>,
    reference: String,
}

static OFFICIAL: OnceLock<Result<PlaqueLists, PlaqueListError>> = OnceLock::new();

impl PlaqueLists {
    /// The official lists of `data/`, embedded at build time and parsed once.
    ///
    /// # Errors
    /// The validation error, if the embedded data is invalid (a test guarantees it is not).
    pub fn official() -> Result<&'static PlaqueLists, &'static PlaqueListError> {
        OFFICIAL
            .get_or_init(|| PlaqueLists::parse(WHITELIST, STREET_LIST))
            .as_ref()
    }

    /// Parses and validates a whitelist file and a street list file (the formats of
    /// `data/plaque_whitelist.toml` and `data/street_plaque_list.toml`, described in their
    /// headers).
    ///
    /// # Errors
    /// The first problem found, whitelist first, each file in file order.
    pub fn parse(whitelist: &str, street_list: &str) -> Result<PlaqueLists, PlaqueListError> {
        let (whitelist, whitelist_naming) =
            parse_whitelist(whitelist).map_err(|problem| PlaqueListError {
                file: PlaqueFile::Whitelist,
                problem,
            })?;
        let (street_list, street_naming, self_inspection) = parse_street_list(street_list)
            .map_err(|problem| PlaqueListError {
                file: PlaqueFile::StreetList,
                problem,
            })?;
        Ok(PlaqueLists {
            whitelist,
            street_list,
            whitelist_naming,
            street_naming,
            self_inspection,
        })
    }

    /// The community whitelist, in force or not, in file order.
    #[must_use]
    pub fn whitelist(&self) -> &[PlaqueEntry] {
        &self.whitelist
    }

    /// The street and town list, in force or not, in file order.
    #[must_use]
    pub fn street_list(&self) -> &[PlaqueEntry] {
        &self.street_list
    }

    /// The self-inspection periods, in file order.
    #[must_use]
    pub fn self_inspection_periods(&self) -> &[SelfInspectionPeriod] {
        &self.self_inspection
    }

    /// The entries a unit of kind `unit` may hang at `placement` on `on`, in file order: what
    /// the plaque form offers.
    pub fn allowed(
        &self,
        unit: UnitKind,
        placement: Placement,
        on: Date,
    ) -> impl Iterator<Item = &PlaqueEntry> + '_ {
        self.list_for(unit).iter().filter(move |e| {
            e.in_force_on(on) && e.placement == placement && e.units.contains(&unit)
        })
    }

    /// Days a street or town has for its self-inspection when a campaign is launched on `on`
    /// (4.1-7: 一周, 7); `None` if no period is in force that day.
    #[must_use]
    pub fn self_inspection_days(&self, on: Date) -> Option<u16> {
        self.self_inspection
            .iter()
            .find(|p| in_force(p.effective_from, p.effective_to, on))
            .map(|p| p.days)
    }

    fn list_for(&self, unit: UnitKind) -> &[PlaqueEntry] {
        if unit.is_subdistrict() {
            &self.street_list
        } else {
            &self.whitelist
        }
    }
}

fn parse_whitelist(text: &str) -> Result<(Vec<PlaqueEntry>, Naming), PlaqueListProblem> {
    let raw: RawWhitelist =
        toml::from_str(text).map_err(|e| PlaqueListProblem::Syntax(e.to_string()))?;
    let naming = validate_naming(raw.naming, PlaqueFile::Whitelist)?;
    let mut entries = Vec::with_capacity(raw.entry.len());
    for e in raw.entry {
        let placement_text = e.placement;
        let clause_text = e.clause;
        let common = Common {
            key: e.key,
            name: e.name,
            units: e.units,
            forms: e.forms,
            effective_from: e.effective_from,
            effective_to: e.effective_to,
            reference: e.reference,
        };
        let mut entry = validate_common(common, PlaqueFile::Whitelist)?;
        let Some(placement) = Placement::from_data(&placement_text) else {
            return Err(PlaqueListProblem::UnknownPlacement {
                key: entry.key,
                placement: placement_text,
            });
        };
        let expected = match placement {
            Placement::Outdoor => clause!("4.4-4"),
            Placement::Indoor => clause!("4.4-5"),
        };
        if ClauseId::lookup(&clause_text) != Some(expected) {
            return Err(PlaqueListProblem::WrongClause {
                key: entry.key,
                clause: clause_text,
            });
        }
        if entry.patterns.is_empty() {
            return Err(PlaqueListProblem::NoForms { key: entry.key });
        }
        entry.placement = placement;
        entry.clause = expected;
        entries.push(entry);
    }
    check_keys_and_forms(&entries)?;
    Ok((entries, naming))
}

type StreetFile = (Vec<PlaqueEntry>, Naming, Vec<SelfInspectionPeriod>);

fn parse_street_list(text: &str) -> Result<StreetFile, PlaqueListProblem> {
    let raw: RawStreetList =
        toml::from_str(text).map_err(|e| PlaqueListProblem::Syntax(e.to_string()))?;
    let naming = validate_naming(raw.naming, PlaqueFile::StreetList)?;
    let mut periods = Vec::with_capacity(raw.self_inspection.len());
    for p in raw.self_inspection {
        periods.push(validate_period(p)?);
    }
    for (i, a) in periods.iter().enumerate() {
        for b in &periods[i + 1..] {
            if overlap(
                (a.effective_from, a.effective_to),
                (b.effective_from, b.effective_to),
            ) {
                return Err(PlaqueListProblem::OverlappingSelfInspection);
            }
        }
    }
    let mut entries = Vec::with_capacity(raw.entry.len());
    for e in raw.entry {
        let kind_text = e.kind;
        let any_name = e.any_name;
        let common = Common {
            key: e.key,
            name: e.name,
            units: e.units,
            forms: e.forms,
            effective_from: e.effective_from,
            effective_to: e.effective_to,
            reference: e.reference,
        };
        let mut entry = validate_common(common, PlaqueFile::StreetList)?;
        let Some(kind) = PlaqueKind::from_data(&kind_text) else {
            return Err(PlaqueListProblem::UnknownKind {
                key: entry.key,
                kind: kind_text,
            });
        };
        if any_name && kind != PlaqueKind::Honorary {
            return Err(PlaqueListProblem::AnyNameNotHonorary { key: entry.key });
        }
        if any_name != entry.patterns.is_empty() {
            return Err(PlaqueListProblem::NoForms { key: entry.key });
        }
        entry.kind = Some(kind);
        entry.placement = kind.placement();
        entry.any_name = any_name;
        entries.push(entry);
    }
    check_keys_and_forms(&entries)?;
    Ok((entries, naming, periods))
}

fn snake(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn validate_naming(raw: RawNaming, file: PlaqueFile) -> Result<Naming, PlaqueListProblem> {
    let words = |list: Vec<String>, what: &str| {
        let list: Vec<String> = list.iter().map(|w| normalise_name(w)).collect();
        if list.is_empty() || list.iter().any(String::is_empty) {
            return Err(PlaqueListProblem::BadNaming(format!(
                "`{what}` must be a non-empty list of non-empty words"
            )));
        }
        Ok(list)
    };
    let place_suffixes = words(raw.place_suffixes, "place_suffixes")?;
    let not_places = words(raw.not_places, "not_places")?;
    let mut unit_words = BTreeMap::new();
    for (unit, list) in raw.unit_words {
        let kind = UnitKind::from_data(&unit).filter(|k| file.units().contains(k));
        let Some(kind) = kind else {
            return Err(PlaqueListProblem::BadNaming(format!(
                "unit_words: {unit:?} is not a unit kind of this file"
            )));
        };
        unit_words.insert(kind, words(list, &format!("unit_words.{unit}"))?);
    }
    for kind in file.units() {
        if !unit_words.contains_key(&kind) {
            return Err(PlaqueListProblem::BadNaming(format!(
                "unit_words.{} is missing",
                kind.data_name()
            )));
        }
    }
    Ok(Naming {
        place_suffixes,
        not_places,
        unit_words,
    })
}

fn validate_date(key: &str, field: &'static str, value: &str) -> Result<Date, PlaqueListProblem> {
    Date::parse(value).ok_or_else(|| PlaqueListProblem::BadDate {
        key: key.to_owned(),
        field,
        value: value.to_owned(),
    })
}

fn validate_dates(
    key: &str,
    from: &str,
    to: Option<&str>,
) -> Result<(Date, Option<Date>), PlaqueListProblem> {
    let from = validate_date(key, "effective_from", from)?;
    let to = to
        .map(|to| validate_date(key, "effective_to", to))
        .transpose()?;
    if to.is_some_and(|to| to <= from) {
        return Err(PlaqueListProblem::EndNotAfterStart {
            key: key.to_owned(),
        });
    }
    Ok((from, to))
}

fn validate_period(p: RawSelfInspection) -> Result<SelfInspectionPeriod, PlaqueListProblem> {
    let key = "self_inspection";
    let days = u16::try_from(p.days)
        .ok()
        .filter(|d| (1..=366).contains(d))
        .ok_or(PlaqueListProblem::BadDays { days: p.days })?;
    if p.reference.trim().is_empty() {
        return Err(PlaqueListProblem::EmptyField {
            key: key.to_owned(),
            field: "reference",
        });
    }
    if ClauseId::lookup(&p.clause) != Some(clause!("4.1-7")) {
        return Err(PlaqueListProblem::WrongClause {
            key: key.to_owned(),
            clause: p.clause,
        });
    }
    let (effective_from, effective_to) =
        validate_dates(key, &p.effective_from, p.effective_to.as_deref())?;
    Ok(SelfInspectionPeriod {
        days,
        effective_from,
        effective_to,
        reference: p.reference,
    })
}

/// Validates what both files share; placement, kind and clause are set by the caller.
fn validate_common(c: Common, file: PlaqueFile) -> Result<PlaqueEntry, PlaqueListProblem> {
    let key = c.key;
    if !snake(&key) {
        return Err(PlaqueListProblem::BadKey { key });
    }
    for (field, value) in [("name", &c.name), ("reference", &c.reference)] {
        if value.trim().is_empty() {
            return Err(PlaqueListProblem::EmptyField { key, field });
        }
    }
    let mut units = Vec::with_capacity(c.units.len());
    for unit in c.units {
        let Some(kind) = UnitKind::from_data(&unit) else {
            return Err(PlaqueListProblem::UnknownUnit { key, unit });
        };
        if !file.units().contains(&kind) || units.contains(&kind) {
            return Err(PlaqueListProblem::WrongUnits { key });
        }
        units.push(kind);
    }
    if units.is_empty() {
        return Err(PlaqueListProblem::WrongUnits { key });
    }
    let mut forms = Vec::with_capacity(c.forms.len());
    let mut patterns = Vec::with_capacity(c.forms.len());
    for form in c.forms {
        let Some(pattern) = parse_form(&form) else {
            return Err(PlaqueListProblem::BadForm { key, form });
        };
        forms.push(normalise_name(&form));
        patterns.push(pattern);
    }
    let (effective_from, effective_to) =
        validate_dates(&key, &c.effective_from, c.effective_to.as_deref())?;
    Ok(PlaqueEntry {
        key,
        name: c.name,
        placement: Placement::Outdoor,
        units,
        kind: None,
        forms,
        any_name: false,
        effective_from,
        effective_to,
        reference: c.reference,
        clause: clause!("4.1-2"),
        patterns,
    })
}

/// `lead{unit}tail` or `lead{unit?}tail`, normalised; `None` if malformed.
fn parse_form(raw: &str) -> Option<Form> {
    let n = normalise_name(raw);
    let (lead, tail, optional) = if let Some((l, t)) = n.split_once("{unit?}") {
        (l, t, true)
    } else {
        let (l, t) = n.split_once("{unit}")?;
        (l, t, false)
    };
    let braces = |s: &str| s.contains(['{', '}']);
    if tail.is_empty() || braces(lead) || braces(tail) {
        return None;
    }
    Some(Form {
        lead: lead.to_owned(),
        tail: tail.to_owned(),
        optional,
    })
}

/// Keys are unique; no form is shared by two entries that could apply on the same day to the
/// same unit kind (`{unit}` and `{unit?}` count as the same form).
fn check_keys_and_forms(entries: &[PlaqueEntry]) -> Result<(), PlaqueListProblem> {
    let mut keys = HashSet::new();
    for e in entries {
        if !keys.insert(e.key.as_str()) {
            return Err(PlaqueListProblem::DuplicateKey { key: e.key.clone() });
        }
    }
    for (i, b) in entries.iter().enumerate() {
        for a in &entries[..i] {
            let same_time = overlap(
                (a.effective_from, a.effective_to),
                (b.effective_from, b.effective_to),
            );
            let same_unit = a.units.iter().any(|u| b.units.contains(u));
            if !(same_time && same_unit) {
                continue;
            }
            for (form, pattern) in b.forms.iter().zip(&b.patterns) {
                if a.patterns
                    .iter()
                    .any(|p| p.lead == pattern.lead && p.tail == pattern.tail)
                {
                    return Err(PlaqueListProblem::DuplicateForm {
                        key: b.key.clone(),
                        form: form.clone(),
                    });
                }
            }
        }
        // The same form twice within one entry.
        for (j, p) in b.patterns.iter().enumerate() {
            if b.patterns[..j]
                .iter()
                .any(|q| q.lead == p.lead && q.tail == p.tail)
            {
                return Err(PlaqueListProblem::DuplicateForm {
                    key: b.key.clone(),
                    form: b.forms[j].clone(),
                });
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

impl Naming {
    fn words(&self, unit: UnitKind) -> &[String] {
        self.unit_words.get(&unit).map_or(&[], Vec::as_slice)
    }

    /// One place name: ends in a place suffix with at least one character before it, and not in
    /// a `not_places` suffix.
    fn is_place(&self, segment: &str) -> bool {
        let len = segment.chars().count();
        self.place_suffixes
            .iter()
            .any(|s| segment.ends_with(s.as_str()) && len > s.chars().count())
            && !self
                .not_places
                .iter()
                .any(|s| segment.ends_with(s.as_str()))
    }

    /// True when `s` is a run of place names (鞍山市铁东区), or empty.
    fn is_places(&self, s: &str) -> bool {
        s.is_empty()
            || s.char_indices().any(|(i, c)| {
                let end = i + c.len_utf8();
                self.is_place(&s[..end]) && self.is_places(&s[end..])
            })
    }

    /// Whether `middle` (what a form's slot holds) refers to this unit: `Some(places)` with the
    /// place words written before the unit's own name (empty when there are none).
    fn refers_to_unit<'m>(
        &self,
        middle: &'m str,
        optional: bool,
        unit: UnitKind,
        unit_name: &str,
    ) -> Option<&'m str> {
        if middle.is_empty() {
            return optional.then_some("");
        }
        if self.words(unit).iter().any(|w| w == middle) {
            return Some("");
        }
        if unit_name.is_empty() {
            return None;
        }
        middle
            .strip_suffix(unit_name)
            .filter(|places| self.is_places(places))
    }

    /// The place suffix `place` ends in, the longest if several do.
    fn suffix_of<'p>(&self, place: &'p str) -> Option<&'p str> {
        self.place_suffixes
            .iter()
            .filter(|s| place.ends_with(s.as_str()) && place.len() > s.len())
            .max_by_key(|s| s.len())
            .map(|s| &place[place.len() - s.len()..])
    }

    /// Whether the place word `written` names the place `own`: the same name, or its short
    /// form without an autonomous county's people (岫岩县 for 岫岩满族自治县; the short name keeps
    /// at least two characters, so 岫县 is not it).
    fn names_place(&self, written: &str, own: &str) -> bool {
        if own.is_empty() {
            return false;
        }
        if written == own {
            return true;
        }
        let (Some(ws), Some(os)) = (self.suffix_of(written), self.suffix_of(own)) else {
            return false;
        };
        let w_stem = &written[..written.len() - ws.len()];
        let o_stem = &own[..own.len() - os.len()];
        ws == os
            && o_stem
                .strip_prefix(w_stem)
                .is_some_and(|people| people.ends_with("族自治") && w_stem.chars().count() >= 2)
    }

    /// The level a place word names, read from its suffix; `next` is the place word after it.
    /// 省 and unknown suffixes are above what the tree knows.
    fn level(&self, place: &str, next: Option<&str>) -> Option<PlaceLevel> {
        match self.suffix_of(place)? {
            "街道" | "镇" | "乡" => Some(PlaceLevel::Street),
            "区" | "县" | "旗" => Some(PlaceLevel::District),
            "市" => {
                let before_district = next.is_some_and(|n| {
                    matches!(
                        self.level(n, None),
                        Some(PlaceLevel::District | PlaceLevel::City)
                    )
                });
                Some(if before_district {
                    PlaceLevel::City
                } else {
                    PlaceLevel::District
                })
            }
            _ => None,
        }
    }

    /// The place words of `places` (what a name writes before the unit's own name) that name
    /// somewhere other than where the unit sits, each with the unit's own place at that level.
    /// `places` is split into place words the way that leaves the fewest characters unaccounted
    /// for, in the most words, so 鞍山市铁西区 reads as 鞍山市 + 铁西区, 立山区胜利街道 as two
    /// words, and a place word is never found inside a longer word. A word is accounted for when it names one of the unit's
    /// places (or is a bare 鞍山 of 鞍山市 at the start); a level the facts leave empty is not checked.
    fn foreign_places(&self, places: &str, own: &UnitPlaces<'_>) -> Vec<(String, String)> {
        if places.is_empty() || own.is_empty() {
            return Vec::new();
        }
        let chain = [own.city, own.district, own.street];
        // 鞍山 for 鞍山市, at the start only (鞍山铁东区).
        let city_stem = self
            .suffix_of(own.city)
            .map_or("", |s| &own.city[..own.city.len() - s.len()]);
        let stem = |i: usize, w: &str| i == 0 && !city_stem.is_empty() && w == city_stem;
        let ok = |w: &str| chain.iter().any(|p| self.names_place(w, p));
        // A word of a level the facts leave empty is not checked, but it does not hide a place
        // of a higher level written at its start that is not the unit's own: with the district
        // unknown, 大连市铁西区 is read as 大连市 (checked against the city) + 铁西区, and with
        // the street unknown, 千山区胜利街道 as 千山区 + 胜利街道. A lower level at its start is
        // part of the name (东乡族自治县); the unit's own place at its start is no reason to split
        // (鞍山市区). Splitting where the head's level is not checked either changes nothing.
        let hides_foreign = |w: &str, level: PlaceLevel| {
            w.char_indices().skip(1).any(|(k, _)| {
                let (head, rest) = w.split_at(k);
                self.is_place(head)
                    && !ok(head)
                    && self.level(head, Some(rest)).is_some_and(|l| l > level)
            })
        };
        let unchecked = |w: &str| match self.level(w, None) {
            None => true,
            Some(level) if hides_foreign(w, level) => false,
            Some(PlaceLevel::Street) => own.street.is_empty(),
            Some(PlaceLevel::District) => {
                own.district.is_empty() && (self.suffix_of(w) != Some("市") || own.city.is_empty())
            }
            Some(PlaceLevel::City) => own.city.is_empty(),
        };
        // best[i]: (length unaccounted for, words unaccounted for, end of the first word) for
        // places[i..]; less length first, then more words.
        let bounds: Vec<usize> = places
            .char_indices()
            .map(|(i, _)| i)
            .chain([places.len()])
            .collect();
        let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; places.len() + 1];
        best[places.len()] = Some((0, 0, places.len()));
        for &i in bounds.iter().rev().skip(1) {
            for &j in bounds.iter().filter(|&&j| j > i) {
                let Some((len, n, _)) = best[j] else { continue };
                let w = &places[i..j];
                let cost = if stem(i, w) || (self.is_place(w) && (ok(w) || unchecked(w))) {
                    (len, n)
                } else if self.is_place(w) {
                    (len + w.len(), n + 1)
                } else {
                    continue;
                };
                if best[i].is_none_or(|(bl, bn, _)| (cost.0, Reverse(cost.1)) < (bl, Reverse(bn))) {
                    best[i] = Some((cost.0, cost.1, j));
                }
            }
        }
        let mut words = Vec::new();
        let mut i = 0;
        while i < places.len() {
            let Some((_, _, j)) = best[i] else {
                return Vec::new();
            };
            words.push(&places[i..j]);
            i = j;
        }
        let mut out = Vec::new();
        for (k, w) in words.iter().enumerate() {
            if (k == 0 && stem(0, w)) || ok(w) || unchecked(w) {
                continue;
            }
            let next = words.get(k + 1).copied();
            let at = match self.level(w, next) {
                Some(PlaceLevel::Street) => own.street,
                Some(PlaceLevel::District) if !own.district.is_empty() => own.district,
                Some(PlaceLevel::City | PlaceLevel::District) => own.city,
                None => continue,
            };
            out.push(((*w).to_owned(), at.to_owned()));
        }
        out
    }
}

/// The levels of the places a name can write, lowest first (`Ord`: a city is above a district).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PlaceLevel {
    Street,
    District,
    City,
}

/// How a name fits an entry: fully (with the place words before the unit's name), or by lead
/// and tail with a slot that is not this unit.
enum Fit<'n> {
    Full(&'n str),
    Partial(&'n str),
}

fn fit<'n>(
    entry: &PlaqueEntry,
    name: &'n str,
    facts: &PlaqueFacts<'_>,
    unit_name: &str,
    naming: &Naming,
) -> Option<Fit<'n>> {
    if entry.any_name {
        return (entry.kind.is_some() && facts.kind == entry.kind).then_some(Fit::Full(""));
    }
    let mut partial = None;
    for form in &entry.patterns {
        let Some(middle) = name
            .strip_prefix(form.lead.as_str())
            .and_then(|rest| rest.strip_suffix(form.tail.as_str()))
        else {
            continue;
        };
        if let Some(places) = naming.refers_to_unit(middle, form.optional, facts.unit, unit_name) {
            return Some(Fit::Full(places));
        }
        partial.get_or_insert(middle);
    }
    partial.map(Fit::Partial)
}

/// A recognised entry and what is wrong with the plaque as that entry.
struct Candidate<'l, 'n> {
    entry: &'l PlaqueEntry,
    /// The entry is not for this unit kind.
    wrong_unit: bool,
    /// The entry hangs elsewhere.
    wrong_placement: bool,
    /// The name's unit slot does not name this unit (`Some(slot)`).
    foreign_unit: Option<&'n str>,
    /// Place words of the name that are not where the unit sits, each with the unit's own
    /// place at that level.
    foreign_places: Vec<(String, String)>,
}

impl Candidate<'_, '_> {
    /// Problems counted for choosing the best reading. A wrong unit kind hides placement and
    /// place words (the plaque is not this kind of unit's at all), but not a unit slot that names
    /// another unit: an entry of another kind whose lead and tail the name merely shares
    /// (中共…委员会) must not outrank the entry the name fully fits.
    fn problems(&self) -> usize {
        if self.wrong_unit {
            1 + usize::from(self.foreign_unit.is_some())
        } else {
            usize::from(self.wrong_placement)
                + usize::from(self.foreign_unit.is_some())
                + usize::from(!self.foreign_places.is_empty())
        }
    }
}

fn recognise<'l, 'n>(
    list: &'l [PlaqueEntry],
    name: &'n str,
    facts: &PlaqueFacts<'_>,
    unit_name: &str,
    naming: &Naming,
    on: Date,
) -> Option<Candidate<'l, 'n>> {
    let mut best: Option<(Candidate<'l, 'n>, bool)> = None;
    for entry in list.iter().filter(|e| e.in_force_on(on)) {
        let Some(fit) = fit(entry, name, facts, unit_name, naming) else {
            continue;
        };
        let full = matches!(fit, Fit::Full(_));
        let (foreign_unit, foreign_places) = match fit {
            Fit::Full(places) => (None, naming.foreign_places(places, &facts.places)),
            Fit::Partial(middle) => (Some(middle), Vec::new()),
        };
        let candidate = Candidate {
            entry,
            wrong_unit: !entry.units.contains(&facts.unit),
            wrong_placement: entry.placement != facts.placement,
            foreign_unit,
            foreign_places,
        };
        if candidate.problems() == 0 {
            return Some(candidate);
        }
        // Fewest problems first, then a full fit, then file order.
        let better = best
            .as_ref()
            .is_none_or(|(b, b_full)| (candidate.problems(), !full) < (b.problems(), !*b_full));
        if better {
            best = Some((candidate, full));
        }
    }
    best.map(|(c, _)| c)
}

// ---------------------------------------------------------------------------------------------
// Plaque check
// ---------------------------------------------------------------------------------------------

/// What the plaque inventory records about one plaque.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PlaqueFacts<'a> {
    /// The name on the plaque, as written.
    pub name: &'a str,
    pub placement: Placement,
    pub unit: UnitKind,
    /// The unit's own name as plaques write it, without places: 和平社区, 和平村, 和平街道,
    /// 大孤山镇. May be empty, then only the generic word (社区党委) or no unit name matches.
    pub unit_name: &'a str,
    /// The 4.1-2 kind the inventory records; read only to recognise honorary street plaques.
    pub kind: Option<PlaqueKind>,
    /// The district staffing office approved the plaque as temporary (4.1-5); read only for
    /// streets and towns. Whether the approval is in order is [`check_temporary_plaque`]'s job.
    pub temporary_approved: bool,
    /// Where the unit sits; place words the name writes before the unit's name are checked
    /// against it (`place_mismatch`).
    pub places: UnitPlaces<'a>,
}

/// Where a unit sits, by the names the tree gives its city, district (区, 县, 县级市) and, for a
/// community or village, its street or town. A level left empty is not known and not checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UnitPlaces<'a> {
    pub city: &'a str,
    pub district: &'a str,
    pub street: &'a str,
}

impl UnitPlaces<'_> {
    /// No level known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.city.is_empty() && self.district.is_empty() && self.street.is_empty()
    }
}

/// The result of [`check_plaque`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlaqueRuling<'l> {
    /// Outcome, clauses applied and reasons. A rejected plaque is to be removed (or moved, see
    /// `move_to`).
    pub decision: Decision,
    /// The list entry the name was recognised as, also when the plaque is rejected as that
    /// entry (hung in the wrong place, at the wrong kind of unit, naming another unit).
    pub matched: Option<&'l PlaqueEntry>,
    /// Where the plaque belongs when its only fault is where it hangs: the fix is to move it.
    pub move_to: Option<Placement>,
}

/// Checks one plaque of the inventory on `on` (lists read as in force that day): streets and
/// towns with [`check_street_plaque`], communities and villages with
/// [`check_community_plaque`].
#[must_use]
pub fn check_plaque<'l>(
    facts: &PlaqueFacts<'_>,
    lists: &'l PlaqueLists,
    on: Date,
) -> PlaqueRuling<'l> {
    if facts.unit.is_subdistrict() {
        check_street_plaque(facts, lists, on)
    } else {
        check_community_plaque(facts, lists, on)
    }
}

fn quoted(name: &str) -> String {
    ["“", name.trim(), "”"].concat()
}

/// Names of the entries allowed at `unit` and `placement` on `on`, joined by 、.
fn allowed_names(lists: &PlaqueLists, unit: UnitKind, placement: Placement, on: Date) -> String {
    let names: Vec<&str> = lists
        .allowed(unit, placement, on)
        .map(|e| e.name.as_str())
        .collect();
    names.join("、")
}

/// **4.4-2** 落实省、市专项工作机制文件精神,对照社区(村)工作事项清单内容和《鞍山市城乡社区挂牌拟保留清单》内容,对各职能部门在社区(村)设立的工作机构和加挂的各种牌子进行清理规范。
///
/// **4.4-4** 社区(村)办公和活动场所室外只悬挂社区(村)党组织、社区(村)党群服务中心、居(村)民委员会和村集体经济组织的牌子。
///
/// **4.4-5** 室内只悬挂村务监督委员会、“两代表一委员”工作室、退役军人服务站、人民调解委员会、警务室、新时代文明实践中心(所、站)、扫黄打非联络站、社会治理综合服务中心、社区(村)妇女联合会和评理说事点等牌子,其余牌子一律取消。
///
/// A community or village plaque is allowed when its name is a form of a whitelist entry in
/// force on `on`, for its unit kind and placement. Otherwise it is rejected, with one of:
/// `outdoor_not_whitelisted` (4.4-4) or `indoor_not_whitelisted` (4.4-5) when no entry is
/// recognised; `indoor_name_outdoors` (4.4-4) or `outdoor_name_indoors` (4.4-5) when it is an
/// entry of the other placement, with `move_to`; `village_only_name` or `community_only_name`
/// (the entry's clause) when the entry is for the other unit kind; `name_prefix_mismatch` (the
/// entry's clause) when the name fits an entry but its unit part names another body;
/// `place_mismatch` (the entry's clause) when its place words name somewhere the unit does not
/// sit. See the module docs for the readings taken.
#[must_use]
pub fn check_community_plaque<'l>(
    facts: &PlaqueFacts<'_>,
    lists: &'l PlaqueLists,
    on: Date,
) -> PlaqueRuling<'l> {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.4-2"));
    let here = match facts.placement {
        Placement::Outdoor => clause!("4.4-4"),
        Placement::Indoor => clause!("4.4-5"),
    };
    decision.cite(here);
    let name = normalised(facts.name);
    let unit_name = normalised(facts.unit_name);
    let found = recognise(
        &lists.whitelist,
        &name,
        facts,
        &unit_name,
        &lists.whitelist_naming,
        on,
    );
    let Some(c) = found else {
        let (code, message) = match facts.placement {
            Placement::Outdoor => (
                "outdoor_not_whitelisted",
                [
                    &quoted(facts.name),
                    "不在室外可悬挂的牌子之列：",
                    facts.unit.label_zh(),
                    "办公和活动场所室外只悬挂",
                    &allowed_names(lists, facts.unit, Placement::Outdoor, on),
                    "的牌子",
                ]
                .concat(),
            ),
            Placement::Indoor => (
                "indoor_not_whitelisted",
                [
                    &quoted(facts.name),
                    "不在室内可悬挂的牌子之列：室内只悬挂",
                    &allowed_names(lists, facts.unit, Placement::Indoor, on),
                    "等牌子，其余牌子一律取消",
                ]
                .concat(),
            ),
        };
        decision.push(Reason::new(here, code, message), Outcome::Reject);
        return PlaqueRuling {
            decision,
            matched: None,
            move_to: None,
        };
    };
    let entry = c.entry;
    let shown = quoted(facts.name);
    let mut move_to = None;
    if c.wrong_unit {
        let (code, message) = if entry.units.contains(&UnitKind::Village) {
            ("village_only_name", "的牌子，只在村悬挂，社区不悬挂")
        } else {
            ("community_only_name", "的牌子，只在社区悬挂，村不悬挂")
        };
        decision.push(
            Reason::new(
                entry.clause,
                code,
                [&shown, "是", &entry.name, message].concat(),
            ),
            Outcome::Reject,
        );
    } else {
        if c.wrong_placement {
            let (code, message) = match facts.placement {
                Placement::Outdoor => (
                    "indoor_name_outdoors",
                    [
                        &shown,
                        "是",
                        &entry.name,
                        "的牌子，只可悬挂于室内；室外只悬挂",
                        &allowed_names(lists, facts.unit, Placement::Outdoor, on),
                        "的牌子",
                    ]
                    .concat(),
                ),
                Placement::Indoor => (
                    "outdoor_name_indoors",
                    [
                        &shown,
                        "是",
                        &entry.name,
                        "的牌子，应悬挂于室外；室内只悬挂",
                        &allowed_names(lists, facts.unit, Placement::Indoor, on),
                        "等牌子",
                    ]
                    .concat(),
                ),
            };
            decision.push(Reason::new(here, code, message), Outcome::Reject);
            decision.cite(entry.clause);
            if c.foreign_unit.is_none() && c.foreign_places.is_empty() {
                move_to = Some(entry.placement);
            }
        }
        if let Some(slot) = c.foreign_unit {
            decision.push(
                prefix_reason(entry, facts, &shown, slot, entry.clause),
                Outcome::Reject,
            );
        }
        for (written, own) in &c.foreign_places {
            decision.push(
                place_reason(facts, &shown, written, own, entry.clause),
                Outcome::Reject,
            );
        }
    }
    PlaqueRuling {
        decision,
        matched: Some(entry),
        move_to,
    }
}

fn prefix_reason(
    entry: &PlaqueEntry,
    facts: &PlaqueFacts<'_>,
    shown: &str,
    slot: &str,
    clause: ClauseId,
) -> Reason {
    let unit = facts.unit.label_zh();
    let own = if facts.unit_name.trim().is_empty() {
        String::new()
    } else {
        quoted(facts.unit_name)
    };
    let message = if slot.is_empty() {
        [
            shown,
            "与",
            &entry.name,
            "的名称格式相符，但未写明本",
            unit,
            own.as_str(),
            "名称",
        ]
        .concat()
    } else {
        [
            shown,
            "与",
            &entry.name,
            "的名称格式相符，但“",
            slot,
            "”不是本",
            unit,
            own.as_str(),
            "的名称",
        ]
        .concat()
    };
    Reason::new(clause, "name_prefix_mismatch", message)
}

/// `place_mismatch`: the name writes a place the unit does not sit in.
fn place_reason(
    facts: &PlaqueFacts<'_>,
    shown: &str,
    written: &str,
    own: &str,
    clause: ClauseId,
) -> Reason {
    Reason::new(
        clause,
        "place_mismatch",
        [
            shown,
            "中的",
            &quoted(written),
            "与本",
            facts.unit.label_zh(),
            "所在的",
            &quoted(own),
            "不符",
        ]
        .concat(),
    )
}

/// **4.1-2** 按照依法依规、精简总量、规范名称、便捷服务的原则,对街道(乡镇)室外的工作机构挂牌、功能性挂牌,室内的综合办事机构挂牌、荣誉性挂牌进行集中清理规范。
///
/// **4.1-4** 挂牌应当符合规范、庄重要求,不得随意悬挂、摆放。
///
/// A street or town plaque is allowed when its name is a form of a street list entry in force on
/// `on` for its unit kind, hung where the entry's 4.1-2 kind puts it (or, for the list's
/// honorary entry, when the inventory records it as honorary). 4.1-2 is always cited. A plaque
/// that does not pass the list is allowed when the district staffing office approved it as
/// temporary (4.1-5, `temporary_plaque_approved`); otherwise it is rejected under 4.1-4: off the
/// list (`not_on_street_list`), or a listed plaque in the wrong place (`street_wrong_placement`,
/// with `move_to`), at the wrong kind of unit (`street_only_name`, `town_only_name`) or naming
/// another unit (`name_prefix_mismatch`) or another place (`place_mismatch`). Whether a plaque is 规范、庄重 to look at is for people
/// to judge.
#[must_use]
pub fn check_street_plaque<'l>(
    facts: &PlaqueFacts<'_>,
    lists: &'l PlaqueLists,
    on: Date,
) -> PlaqueRuling<'l> {
    let mut decision = Decision::allow();
    decision.cite(clause!("4.1-2"));
    let name = normalised(facts.name);
    let unit_name = normalised(facts.unit_name);
    let found = recognise(
        &lists.street_list,
        &name,
        facts,
        &unit_name,
        &lists.street_naming,
        on,
    );
    let shown = quoted(facts.name);
    let clean = found.as_ref().is_some_and(|c| c.problems() == 0);
    if !clean && facts.temporary_approved {
        decision.push(temporary_allowed(&shown), Outcome::Allow);
        return PlaqueRuling {
            decision,
            matched: None,
            move_to: None,
        };
    }
    let Some(c) = found else {
        decision.push(
            Reason::new(
                clause!("4.1-4"),
                "not_on_street_list",
                [
                    &shown,
                    "不在",
                    &on.to_string(),
                    "施行的街道(乡镇)挂牌清单中，不得随意悬挂、摆放；确因重大工作任务需临时加挂的，须报请区(市、县)编制部门同意",
                ]
                .concat(),
            ),
            Outcome::Reject,
        );
        return PlaqueRuling {
            decision,
            matched: None,
            move_to: None,
        };
    };
    let entry = c.entry;
    let mut move_to = None;
    if c.wrong_unit {
        let (code, message) = if entry.units.contains(&UnitKind::Street) {
            ("street_only_name", "，只在街道悬挂，乡镇不悬挂")
        } else {
            ("town_only_name", "，只在乡镇悬挂，街道不悬挂")
        };
        decision.push(
            Reason::new(
                clause!("4.1-4"),
                code,
                [&shown, "属于街道(乡镇)挂牌清单中的", &entry.name, message].concat(),
            ),
            Outcome::Reject,
        );
    } else {
        if c.wrong_placement {
            let kind = entry.kind.map_or("", PlaqueKind::label_zh);
            decision.push(
                Reason::new(
                    clause!("4.1-4"),
                    "street_wrong_placement",
                    [
                        &shown,
                        "是",
                        kind,
                        "挂牌，应悬挂于",
                        entry.placement.label_zh(),
                        "，不得随意悬挂、摆放",
                    ]
                    .concat(),
                ),
                Outcome::Reject,
            );
            if c.foreign_unit.is_none() && c.foreign_places.is_empty() {
                move_to = Some(entry.placement);
            }
        }
        if let Some(slot) = c.foreign_unit {
            decision.push(
                prefix_reason(entry, facts, &shown, slot, clause!("4.1-4")),
                Outcome::Reject,
            );
        }
        for (written, own) in &c.foreign_places {
            decision.push(
                place_reason(facts, &shown, written, own, clause!("4.1-4")),
                Outcome::Reject,
            );
        }
    }
    PlaqueRuling {
        decision,
        matched: Some(entry),
        move_to,
    }
}

fn temporary_allowed(shown: &str) -> Reason {
    Reason::new(
        clause!("4.1-5"),
        "temporary_plaque_approved",
        [
            shown,
            "不在街道(乡镇)挂牌清单中，作为经区(市、县)编制部门同意的临时挂牌准许悬挂，工作结束后须立即清理",
        ]
        .concat(),
    )
}

// ---------------------------------------------------------------------------------------------
// Temporary plaques
// ---------------------------------------------------------------------------------------------

/// The district staffing office's consent to a temporary plaque (编制部门同意).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StaffingApproval<'a> {
    /// The day consent was given.
    pub approved_on: Date,
    /// The reply's document number (批复文号), e.g. 铁东编办复〔2024〕3号.
    pub document: &'a str,
}

/// A street's or town's temporary plaque for a major task (4.1-5), as the registry records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TemporaryPlaqueFacts<'a> {
    /// The name on the plaque.
    pub name: &'a str,
    pub unit: UnitKind,
    /// The major task (重大工作任务) it serves.
    pub task: &'a str,
    /// First day of the task.
    pub start: Date,
    /// Last day of the task; the plaque may hang through it and must be gone the day after.
    pub end: Date,
    pub approval: Option<StaffingApproval<'a>>,
    /// The day it was hung or put up; `None` while planned.
    pub hung_on: Option<Date>,
    /// The day it was removed; `None` while it hangs.
    pub removed_on: Option<Date>,
    /// The day the check is made.
    pub today: Date,
}

/// **4.1-5** 因重大工作任务,需临时加挂牌子的,街道(乡镇)需报请区(市、县)编制部门同意后,方可悬挂或摆放,并于工作结束后立即清理掉。
///
/// Every finding is kept; 4.1-5 is always cited. Rejected: a community or village asking
/// (`temporary_street_only`: communities hang only the whitelist), no task named
/// (`temporary_task_missing`), a task ending before it starts (`temporary_end_before_start`),
/// removal recorded before hanging (`temporary_removed_before_hung`), an approval without a
/// document number (`temporary_approval_incomplete`), a plaque hung without approval
/// (`temporary_not_approved`) or before it (`temporary_hung_before_approval`), still hanging
/// after the task's last day (`temporary_plaque_overdue`, the detector's finding) or removed
/// after it (`temporary_removed_late`). A planned plaque without approval needs it
/// (`temporary_needs_approval`). An approved one still in time is allowed with the removal date
/// (`temporary_remove_after`).
///
/// 立即 allows no grace: the plaque may hang through the task's last day and is overdue from
/// the day after.
#[must_use]
pub fn check_temporary_plaque(facts: &TemporaryPlaqueFacts<'_>) -> Decision {
    let c = clause!("4.1-5");
    let mut d = Decision::allow();
    d.cite(c);
    let shown = quoted(facts.name);
    let reject = |d: &mut Decision, code: &'static str, message: String| {
        d.push(Reason::new(c, code, message), Outcome::Reject);
    };
    if !facts.unit.is_subdistrict() {
        reject(
            &mut d,
            "temporary_street_only",
            [
                &shown,
                "：临时加挂牌子仅限街道(乡镇)报请区(市、县)编制部门同意；",
                facts.unit.label_zh(),
                "只悬挂社区(村)挂牌清单所列牌子",
            ]
            .concat(),
        );
    }
    if facts.task.trim().is_empty() {
        reject(
            &mut d,
            "temporary_task_missing",
            [&shown, "：须写明需临时加挂牌子的重大工作任务"].concat(),
        );
    }
    if facts.end < facts.start {
        reject(
            &mut d,
            "temporary_end_before_start",
            format!(
                "{shown}：工作结束日期{}早于开始日期{}",
                facts.end, facts.start
            ),
        );
    }
    if let (Some(hung), Some(removed)) = (facts.hung_on, facts.removed_on)
        && removed < hung
    {
        reject(
            &mut d,
            "temporary_removed_before_hung",
            format!("{shown}：清理日期{removed}早于悬挂日期{hung}"),
        );
    }
    let approval = facts.approval.filter(|a| !a.document.trim().is_empty());
    if facts.approval.is_some() && approval.is_none() {
        reject(
            &mut d,
            "temporary_approval_incomplete",
            [&shown, "：区(市、县)编制部门的同意须记录批复文号"].concat(),
        );
    }
    match (facts.approval, facts.hung_on) {
        (None, None) => d.push(
            Reason::new(
                c,
                "temporary_needs_approval",
                [
                    &shown,
                    "：临时加挂牌子须报请区(市、县)编制部门同意后，方可悬挂或摆放",
                ]
                .concat(),
            ),
            Outcome::NeedsApproval,
        ),
        (None, Some(hung)) => reject(
            &mut d,
            "temporary_not_approved",
            format!("{shown}：未经区(市、县)编制部门同意，于{hung}悬挂或摆放"),
        ),
        (Some(a), Some(hung)) if hung < a.approved_on => reject(
            &mut d,
            "temporary_hung_before_approval",
            format!(
                "{shown}：于{hung}悬挂，早于区(市、县)编制部门{}同意",
                a.approved_on
            ),
        ),
        _ => {}
    }
    let overdue = facts.hung_on.is_some() && facts.removed_on.is_none() && facts.today > facts.end;
    if overdue {
        reject(
            &mut d,
            "temporary_plaque_overdue",
            format!(
                "{shown}：工作已于{}结束，临时挂牌须立即清理，至{}仍未清理",
                facts.end, facts.today
            ),
        );
    }
    if let Some(removed) = facts.removed_on
        && removed > facts.end
    {
        reject(
            &mut d,
            "temporary_removed_late",
            format!(
                "{shown}：工作已于{}结束，临时挂牌至{removed}才清理，未做到立即清理",
                facts.end
            ),
        );
    }
    if approval.is_some() && d.is_allowed() && facts.removed_on.is_none() {
        d.push(
            Reason::new(
                c,
                "temporary_remove_after",
                format!(
                    "{shown}：经区(市、县)编制部门同意临时加挂，须于{}工作结束后立即清理",
                    facts.end
                ),
            ),
            Outcome::Allow,
        );
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Self-inspection
// ---------------------------------------------------------------------------------------------

/// A street's or town's plaque self-inspection in a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SelfInspectionFacts {
    /// The day the district launched the campaign.
    pub launched_on: Date,
    /// The day the unit reported its self-inspection done; `None` while open.
    pub completed_on: Option<Date>,
    /// The day the check is made.
    pub today: Date,
}

/// **4.1-7** 各街道(乡镇)要担负起落实责任,自本实施意见下发之日起,一周内完成清理规范挂牌工作。
///
/// The deadline of a self-inspection launched on `launch`: `launch` plus the days in force that
/// day (data, 7 for 一周), counted in calendar days; `None` if no period is in force. The policy
/// counts from its own issue (2021-08-10), a deadline long past; the product applies the same
/// week to every campaign a district launches under 4.1-3.
#[must_use]
pub fn self_inspection_deadline(launch: Date, lists: &PlaqueLists) -> Option<Date> {
    let days = lists.self_inspection_days(launch)?;
    launch.add_days(i32::from(days))
}

/// **4.1-3** 各区(市、县)党(工)委要切实担负起主体责任,对照街道(乡镇)挂牌清单,结合实际对下辖的街道(乡镇)清理规范挂牌工作开展自检自查。
///
/// A unit's self-inspection in a campaign: 4.1-3 is always cited, 4.1-7 when a period is in
/// force. Completed by the deadline, or still open before it passes: allowed. Completed after
/// it (`self_inspection_late`) or still open after it (`self_inspection_overdue`): rejected. A
/// completion before the launch is a recording error (`self_inspection_dates_inconsistent`).
/// The district committee's 主体责任 itself is not checkable.
#[must_use]
pub fn check_self_inspection(facts: &SelfInspectionFacts, lists: &PlaqueLists) -> Decision {
    let mut d = Decision::allow();
    d.cite(clause!("4.1-3"));
    if let Some(done) = facts.completed_on
        && done < facts.launched_on
    {
        d.push(
            Reason::new(
                clause!("4.1-3"),
                "self_inspection_dates_inconsistent",
                format!("自检自查完成日期{done}早于部署日期{}", facts.launched_on),
            ),
            Outcome::Reject,
        );
    }
    let Some(due) = self_inspection_deadline(facts.launched_on, lists) else {
        return d;
    };
    let c = clause!("4.1-7");
    d.cite(c);
    match facts.completed_on {
        Some(done) if done > due => d.push(
            Reason::new(
                c,
                "self_inspection_late",
                format!("挂牌自检自查应于{due}前完成，实际于{done}完成"),
            ),
            Outcome::Reject,
        ),
        None if facts.today > due => d.push(
            Reason::new(
                c,
                "self_inspection_overdue",
                format!("挂牌自检自查应于{due}前完成，至{}仍未完成", facts.today),
            ),
            Outcome::Reject,
        ),
        _ => {}
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Agencies, venues and staff (4.4-3)
// ---------------------------------------------------------------------------------------------

/// What a department requires a community to set up (4.4-3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AgencyDemands {
    /// 设立工作机构: a work agency of the department in the community.
    pub work_agency: bool,
    /// 专门场所: a room or venue reserved for the department's work.
    pub venue: bool,
    /// 配备专职人员: a full-time post.
    pub full_time_staff: bool,
    /// 挂牌: hang the department's plaque. 4.4-3 names agencies, venues and staff; a plaque is
    /// how an agency shows itself, so a demand to hang one is read as setting up an agency. The
    /// plaque's name must also pass [`check_community_plaque`]: no mandate lifts 4.4-4 or 4.4-5.
    pub plaque: bool,
}

impl AgencyDemands {
    /// True when anything of 4.4-3 is demanded.
    #[must_use]
    pub const fn any(self) -> bool {
        self.work_agency || self.venue || self.full_time_staff || self.plaque
    }

    fn label_zh(self) -> String {
        let parts: Vec<&str> = [
            (self.work_agency, "设立工作机构"),
            (self.venue, "设立专门场所"),
            (self.full_time_staff, "配备专职人员"),
            (self.plaque, "加挂牌子"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, s)| *s)
        .collect();
        parts.join("、")
    }
}

/// Who gave an explicit mandate (明确要求).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MandateLevel {
    /// 党中央、国务院.
    Central,
    /// 省委、省政府.
    Provincial,
    /// 市委、市政府.
    City,
    /// 区(市、县)党委、政府: recorded so that the form can say it is not enough.
    District,
    /// Any other body (a department's own document …): not enough either.
    Other,
}

impl MandateLevel {
    pub const ALL: [MandateLevel; 5] = [
        MandateLevel::Central,
        MandateLevel::Provincial,
        MandateLevel::City,
        MandateLevel::District,
        MandateLevel::Other,
    ];

    /// The text stored and sent (stable).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            MandateLevel::Central => "central",
            MandateLevel::Provincial => "provincial",
            MandateLevel::City => "city",
            MandateLevel::District => "district",
            MandateLevel::Other => "other",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The authority in the words of 4.4-3 (and 区(市、县)党委、政府 for districts).
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            MandateLevel::Central => "党中央、国务院",
            MandateLevel::Provincial => "省委、省政府",
            MandateLevel::City => "市委、市政府",
            MandateLevel::District => "区(市、县)党委、政府",
            MandateLevel::Other => "其他机关",
        }
    }

    /// True for the three levels 4.4-3 names.
    #[must_use]
    pub const fn suffices(self) -> bool {
        !matches!(self, MandateLevel::District | MandateLevel::Other)
    }
}

/// An explicit mandate: who, and the document that says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mandate<'a> {
    pub level: MandateLevel,
    /// The document number (文号), e.g. 鞍委办发〔2021〕12号; blank means no mandate on record.
    pub document: &'a str,
}

/// A department's demand for an agency, venue, staff or plaque in communities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AgencyRequirementFacts<'a> {
    pub demands: AgencyDemands,
    pub legal_basis: Option<LegalBasis<'a>>,
    pub mandate: Option<Mandate<'a>>,
}

/// **4.4-3** 除法律法规规章有明确规定,以及党中央、国务院,省委、省政府和市委、市政府明确要求外,各职能部门不得要求在社区(村)设立工作机构、专门场所和配备专职人员。
///
/// Nothing demanded: allowed, nothing cited. Otherwise 4.4-3 is cited and the demand is allowed
/// with a complete legal basis (`legal_basis_cited`) or a mandate of one of the three levels with
/// its document number (`mandate_cited`). Without either it is rejected, saying what is missing:
/// `legal_basis_incomplete` (title or article blank), `mandate_without_document` (a mandate
/// without document number is not a mandate on record), `mandate_level_insufficient` (a district
/// mandate), or `no_mandate` when neither was given.
#[must_use]
pub fn check_agency_requirement(facts: &AgencyRequirementFacts<'_>) -> Decision {
    let mut d = Decision::allow();
    if !facts.demands.any() {
        return d;
    }
    let c = clause!("4.4-3");
    d.cite(c);
    let basis = facts
        .legal_basis
        .filter(|b| !b.title.trim().is_empty() && !b.article.trim().is_empty());
    let mandate = facts
        .mandate
        .filter(|m| m.level.suffices() && !m.document.trim().is_empty());
    if let Some(b) = basis {
        d.push(
            Reason::new(
                c,
                "legal_basis_cited",
                ["依据：", b.title.trim(), " ", b.article.trim()].concat(),
            ),
            Outcome::Allow,
        );
    }
    if let Some(m) = mandate {
        d.push(
            Reason::new(
                c,
                "mandate_cited",
                [
                    "依据：",
                    m.level.label_zh(),
                    "明确要求（",
                    m.document.trim(),
                    "）",
                ]
                .concat(),
            ),
            Outcome::Allow,
        );
    }
    if basis.is_some() || mandate.is_some() {
        return d;
    }
    let what = facts.demands.label_zh();
    let mut reject = |code: &'static str, message: String| {
        d.push(Reason::new(c, code, message), Outcome::Reject);
    };
    if facts.legal_basis.is_some() {
        reject(
            "legal_basis_incomplete",
            "法律法规规章依据须写明名称和具体条款".to_owned(),
        );
    }
    match facts.mandate {
        Some(m) if !m.level.suffices() => reject(
            "mandate_level_insufficient",
            [
                "要求在社区(村)",
                &what,
                "须有党中央、国务院，省委、省政府或市委、市政府的明确要求；",
                m.level.label_zh(),
                "的要求不足以作为依据",
            ]
            .concat(),
        ),
        Some(_) => reject(
            "mandate_without_document",
            "党委、政府的明确要求须记录文件文号，未记录文号的不视为明确要求".to_owned(),
        ),
        None if facts.legal_basis.is_none() => reject(
            "no_mandate",
            [
                "无法律法规规章明确规定，也无党中央、国务院，省委、省政府或市委、市政府明确要求，各职能部门不得要求在社区(村)",
                &what,
            ]
            .concat(),
        ),
        None => {}
    }
    d
}
