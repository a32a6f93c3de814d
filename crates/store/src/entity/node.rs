//! A place or a department in the administrative tree (city → district → street/town →
//! community/village; departments hang under the city or a district).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "node")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `city`, `district`, `street`, `town`, `community`, `village` or `department`.
    pub kind: String,
    /// For districts: 区 / 县 / 县级市 / 开发区. For departments: the function key
    /// (`civil_affairs`, `staffing_office`, ...). Empty for other kinds.
    pub subtype: Option<String>,
    pub name: String,
    /// 12-digit 统计用区划代码; `None` for departments.
    #[sea_orm(unique)]
    pub division_code: Option<String>,
    pub parent_id: Option<i64>,
    /// Materialized path of ids, e.g. `/1/4/17/`.
    pub path: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
