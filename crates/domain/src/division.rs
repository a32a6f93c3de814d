//! The administrative tree's vocabulary: the kinds of node and the 12-digit statistical division
//! code (统计用区划代码), validated for shape and for consistency with the parent's code.
//!
//! Code layout (国家统计局《统计用区划代码和城乡划分代码编制规则》): digits 1–2 province,
//! 3–4 city, 5–6 county-level unit, 7–9 township-level unit (001–099 街道, 100–199 镇,
//! 200–399 乡, 400–599 类似乡级单位), 10–12 village-level unit (001–199 居委会/社区,
//! 200–399 村委会, 400–599 类似村级单位).

use serde::Serialize;

use crate::error::{DomainError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    City,
    District,
    Street,
    Town,
    Community,
    Village,
    Department,
}

impl NodeKind {
    pub const ALL: [NodeKind; 7] = [
        Self::City,
        Self::District,
        Self::Street,
        Self::Town,
        Self::Community,
        Self::Village,
        Self::Department,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::District => "district",
            Self::Street => "street",
            Self::Town => "town",
            Self::Community => "community",
            Self::Village => "village",
            Self::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::field("kind", "node_kind_unknown", "节点类型无效"))
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::City => "市",
            Self::District => "区(县、市)",
            Self::Street => "街道",
            Self::Town => "乡镇",
            Self::Community => "社区",
            Self::Village => "村",
            Self::Department => "职能部门",
        }
    }

    /// Which kinds may sit directly under this one.
    pub fn allowed_children(self) -> &'static [NodeKind] {
        match self {
            Self::City => &[Self::District, Self::Department],
            Self::District => &[Self::Street, Self::Town, Self::Department],
            Self::Street | Self::Town => &[Self::Community, Self::Village],
            Self::Community | Self::Village | Self::Department => &[],
        }
    }

    /// Street or town (the `Subdistrict` of the glossary).
    pub fn is_subdistrict(self) -> bool {
        matches!(self, Self::Street | Self::Town)
    }

    /// Community or village (the `Community` of the glossary).
    pub fn is_community(self) -> bool {
        matches!(self, Self::Community | Self::Village)
    }

    /// Places carry a division code; departments do not.
    pub fn has_division_code(self) -> bool {
        self != Self::Department
    }
}

/// The four kinds of county-level unit (区/县/县级市/开发区).
pub const DISTRICT_SUBTYPES: [&str; 4] = ["区", "县", "县级市", "开发区"];

/// What a department does, where the rules care (supervision, staffing approvals).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentFunction {
    /// 党委组织部
    Organization,
    /// 民政局
    CivilAffairs,
    /// 农业农村局
    Agriculture,
    /// 机构编制委员会办公室
    StaffingOffice,
    /// any other functional department
    Other,
}

impl DepartmentFunction {
    pub const ALL: [DepartmentFunction; 5] = [
        Self::Organization,
        Self::CivilAffairs,
        Self::Agriculture,
        Self::StaffingOffice,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::CivilAffairs => "civil_affairs",
            Self::Agriculture => "agriculture",
            Self::StaffingOffice => "staffing_office",
            Self::Other => "other",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Organization => "组织部门",
            Self::CivilAffairs => "民政部门",
            Self::Agriculture => "农业农村部门",
            Self::StaffingOffice => "编制部门",
            Self::Other => "其他职能部门",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::field("subtype", "department_function_unknown", "部门职能类别无效")
            })
    }
    /// 组织、民政、农业农村 departments carry the supervision duty (4.1-8, 4.7-2, 5.3-4).
    pub fn supervises(self) -> bool {
        matches!(
            self,
            Self::Organization | Self::CivilAffairs | Self::Agriculture
        )
    }
}

/// A 12-digit 统计用区划代码, valid in shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Checks shape only: exactly 12 ASCII digits, province part not zero.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::field(
                "division_code",
                "division_code_digits",
                "区划代码只能由数字组成",
            ));
        }
        if s.len() != 12 {
            return Err(DomainError::field(
                "division_code",
                "division_code_length",
                format!("区划代码应为 12 位数字，现为 {} 位", s.len()),
            ));
        }
        if &s[0..2] == "00" {
            return Err(DomainError::field(
                "division_code",
                "division_code_shape",
                "区划代码的省级部分不能为 00",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn part(&self, from: usize, to: usize) -> u32 {
        self.0[from..to].parse().unwrap_or(0)
    }

    /// Checks that the code has the shape of `kind` and lies under `parent` (the parent's code
    /// for places; `None` only for the city).
    pub fn check_for(&self, kind: NodeKind, parent: Option<&DivisionCode>) -> Result<()> {
        let (city, county, township, village) = (
            self.part(2, 4),
            self.part(4, 6),
            self.part(6, 9),
            self.part(9, 12),
        );
        let shape_err = |msg: &str| {
            Err(DomainError::field(
                "division_code",
                "division_code_shape",
                msg.to_owned(),
            ))
        };
        let (prefix_len, ok, msg) = match kind {
            NodeKind::City => (
                0,
                city != 0 && county == 0 && township == 0 && village == 0,
                "市级区划代码应为“省市两级 + 8 个 0”，如 210300000000",
            ),
            NodeKind::District => (
                4,
                county != 0 && township == 0 && village == 0,
                "区县级区划代码的第 5–6 位不能为 00，后 6 位应为 0，如 210302000000",
            ),
            NodeKind::Street => (
                6,
                (1..=99).contains(&township) && village == 0,
                "街道的区划代码第 7–9 位应在 001–099 之间，后 3 位为 000",
            ),
            NodeKind::Town => (
                6,
                (100..=599).contains(&township) && village == 0,
                "乡镇的区划代码第 7–9 位应在 100–599 之间，后 3 位为 000",
            ),
            NodeKind::Community => (
                9,
                (1..=199).contains(&village),
                "社区(居委会)的区划代码后 3 位应在 001–199 之间",
            ),
            NodeKind::Village => (
                9,
                (200..=599).contains(&village),
                "村(村委会)的区划代码后 3 位应在 200–599 之间",
            ),
            NodeKind::Department => {
                return Err(DomainError::field(
                    "division_code",
                    "division_code_not_allowed",
                    "职能部门没有区划代码",
                ));
            }
        };
        if !ok {
            return shape_err(msg);
        }
        if prefix_len > 0 {
            match parent {
                Some(p) if p.0[..prefix_len] == self.0[..prefix_len] => {}
                Some(p) => {
                    return Err(DomainError::field(
                        "division_code",
                        "division_code_not_under_parent",
                        format!(
                            "区划代码 {} 不在上级 {} 之下：前 {} 位应为 {}",
                            self.0,
                            p.0,
                            prefix_len,
                            &p.0[..prefix_len]
                        ),
                    ));
                }
                None => {
                    return Err(DomainError::field(
                        "division_code",
                        "division_code_not_under_parent",
                        "上级节点没有区划代码",
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn shape_errors_have_stable_codes() {
        let cases = [
            ("21030200000", "division_code_length"),
            ("2103020000001", "division_code_length"),
            ("21030200000a", "division_code_digits"),
            ("21-302000000", "division_code_digits"),
            ("000302000000", "division_code_shape"),
        ];
        for (input, want) in cases {
            let err = DivisionCode::parse(input).unwrap_err();
            assert_eq!(err.code, want, "{input}");
            assert_eq!(err.field, Some("division_code"));
        }
    }

    #[test]
    fn kinds_and_parents() {
        let city = code("210300000000");
        let tiedong = code("210302000000");
        let street = code("210302001000");
        let cases: [(&str, NodeKind, Option<&DivisionCode>, Option<&str>); 13] = [
            ("210300000000", NodeKind::City, None, None),
            (
                "210302000000",
                NodeKind::City,
                None,
                Some("division_code_shape"),
            ),
            ("210302000000", NodeKind::District, Some(&city), None),
            (
                "210402000000",
                NodeKind::District,
                Some(&city),
                Some("division_code_not_under_parent"),
            ),
            (
                "210300000000",
                NodeKind::District,
                Some(&city),
                Some("division_code_shape"),
            ),
            ("210302001000", NodeKind::Street, Some(&tiedong), None),
            (
                "210302101000",
                NodeKind::Street,
                Some(&tiedong),
                Some("division_code_shape"),
            ),
            ("210302101000", NodeKind::Town, Some(&tiedong), None),
            (
                "210303001000",
                NodeKind::Street,
                Some(&tiedong),
                Some("division_code_not_under_parent"),
            ),
            ("210302001001", NodeKind::Community, Some(&street), None),
            (
                "210302001201",
                NodeKind::Community,
                Some(&street),
                Some("division_code_shape"),
            ),
            ("210302001201", NodeKind::Village, Some(&street), None),
            (
                "210302002001",
                NodeKind::Community,
                Some(&street),
                Some("division_code_not_under_parent"),
            ),
        ];
        for (input, kind, parent, want) in cases {
            let got = code(input).check_for(kind, parent).err().map(|e| e.code);
            assert_eq!(got, want, "{input} as {kind:?}");
        }
    }

    #[test]
    fn departments_have_no_code() {
        let err = code("210300000000")
            .check_for(NodeKind::Department, None)
            .unwrap_err();
        assert_eq!(err.code, "division_code_not_allowed");
    }
}
