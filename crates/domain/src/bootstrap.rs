//! Setting up a new installation from the command line: the city root, the first accounts
//! (there is no default password outside `--demo`), and the demo data set. These paths act as
//! the machine operator — who already holds the database — and are audited as such.

use jianfu_store::entity::{account, node, role_grant};
use jianfu_store::orm::prelude::Expr;
use jianfu_store::orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use jianfu_store::{AuditOutcome, NewAuditEntry, WriteTx};

use crate::App;
use crate::accounts::check_username;
use crate::auth::check_password_strength;
use crate::authz::Role;
use crate::division::{DepartmentFunction, DivisionCode, NodeKind};
use crate::error::{DomainError, Result};

/// The password of every demo account. Only `--demo` uses it.
pub const DEMO_PASSWORD: &str = "Jianfu@2026";

/// The actor recorded for command-line operations.
pub const OPERATOR: &str = "系统运维(命令行)";

fn operator_entry(
    action: &str,
    target_type: &str,
    target_id: Option<String>,
    summary: serde_json::Value,
) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: None,
        actor_name: OPERATOR.into(),
        action: action.into(),
        outcome: AuditOutcome::Ok,
        target_type: target_type.into(),
        target_id,
        summary,
        ip: None,
    }
}

/// One demo or seed node: kind, subtype, name, code, children.
struct Seed {
    kind: NodeKind,
    subtype: Option<String>,
    name: String,
    code: Option<String>,
    children: Vec<Seed>,
}

fn place(kind: NodeKind, name: &str, code: &str, children: Vec<Seed>) -> Seed {
    Seed {
        kind,
        subtype: None,
        name: name.to_owned(),
        code: Some(code.to_owned()),
        children,
    }
}

fn district(subtype: &str, name: &str, code: &str, children: Vec<Seed>) -> Seed {
    Seed {
        kind: NodeKind::District,
        subtype: Some(subtype.to_owned()),
        name: name.to_owned(),
        code: Some(code.to_owned()),
        children,
    }
}

fn dept(f: DepartmentFunction, name: &str) -> Seed {
    Seed {
        kind: NodeKind::Department,
        subtype: Some(f.as_str().to_owned()),
        name: name.to_owned(),
        code: None,
        children: vec![],
    }
}

/// The demo tree. The city and its county-level units are real (统计用区划代码 of 鞍山市;
/// 210371 for the 高新技术产业开发区 follows the 71–79 convention for development zones — check
/// it against the current NBS list before production use). Every street, town, community and
/// village is invented and named 示例…, with codes from the top of each range so they do not
/// collide with real ones.
fn demo_tree() -> Seed {
    use DepartmentFunction as F;
    use NodeKind as K;
    let city_depts = vec![
        dept(F::Organization, "中共鞍山市委组织部"),
        dept(F::CivilAffairs, "鞍山市民政局"),
        dept(F::Agriculture, "鞍山市农业农村局"),
        dept(F::StaffingOffice, "中共鞍山市委机构编制委员会办公室"),
        dept(F::Other, "鞍山市卫生健康委员会"),
    ];
    let small_district = |subtype, name, code, street: Seed, depts: Vec<Seed>| {
        let mut children = vec![street];
        children.extend(depts);
        district(subtype, name, code, children)
    };
    let mut city = place(
        K::City,
        "鞍山市",
        "210300000000",
        vec![
            district(
                "区",
                "铁东区",
                "210302000000",
                vec![
                    place(
                        K::Street,
                        "示例一街道",
                        "210302091000",
                        vec![
                            place(K::Community, "示例和平社区", "210302091001", vec![]),
                            place(K::Community, "示例光明社区", "210302091002", vec![]),
                        ],
                    ),
                    place(
                        K::Street,
                        "示例二街道",
                        "210302092000",
                        vec![place(K::Community, "示例新华社区", "210302092001", vec![])],
                    ),
                    dept(F::Organization, "中共铁东区委组织部"),
                    dept(F::CivilAffairs, "铁东区民政局"),
                    dept(F::Agriculture, "铁东区农业农村局"),
                    dept(F::StaffingOffice, "中共铁东区委机构编制委员会办公室"),
                    dept(F::Other, "铁东区卫生健康局"),
                ],
            ),
            small_district(
                "区",
                "铁西区",
                "210303000000",
                place(
                    K::Street,
                    "示例三街道",
                    "210303091000",
                    vec![place(K::Community, "示例繁荣社区", "210303091001", vec![])],
                ),
                vec![
                    dept(F::CivilAffairs, "铁西区民政局"),
                    dept(F::StaffingOffice, "中共铁西区委机构编制委员会办公室"),
                ],
            ),
            small_district(
                "区",
                "立山区",
                "210304000000",
                place(
                    K::Street,
                    "示例四街道",
                    "210304091000",
                    vec![place(K::Community, "示例友好社区", "210304091001", vec![])],
                ),
                vec![dept(F::CivilAffairs, "立山区民政局")],
            ),
            small_district(
                "区",
                "千山区",
                "210311000000",
                place(
                    K::Town,
                    "示例千山镇",
                    "210311191000",
                    vec![place(K::Village, "示例山前村", "210311191201", vec![])],
                ),
                vec![dept(F::Agriculture, "千山区农业农村局")],
            ),
            small_district(
                "县",
                "台安县",
                "210321000000",
                place(
                    K::Town,
                    "示例台安镇",
                    "210321191000",
                    vec![
                        place(K::Village, "示例东村", "210321191201", vec![]),
                        place(K::Village, "示例西村", "210321191202", vec![]),
                    ],
                ),
                vec![dept(F::Agriculture, "台安县农业农村局")],
            ),
            small_district(
                "县",
                "岫岩满族自治县",
                "210323000000",
                place(
                    K::Town,
                    "示例岫岩镇",
                    "210323191000",
                    vec![place(K::Village, "示例玉石村", "210323191201", vec![])],
                ),
                vec![dept(F::CivilAffairs, "岫岩满族自治县民政局")],
            ),
            small_district(
                "县级市",
                "海城市",
                "210381000000",
                place(
                    K::Town,
                    "示例海城镇",
                    "210381191000",
                    vec![
                        place(K::Village, "示例南台村", "210381191201", vec![]),
                        place(K::Community, "示例镇区社区", "210381191001", vec![]),
                    ],
                ),
                vec![
                    dept(F::CivilAffairs, "海城市民政局"),
                    dept(F::StaffingOffice, "中共海城市委机构编制委员会办公室"),
                ],
            ),
            small_district(
                "开发区",
                "鞍山高新技术产业开发区",
                "210371000000",
                place(
                    K::Street,
                    "示例高新街道",
                    "210371091000",
                    vec![place(K::Community, "示例科技社区", "210371091001", vec![])],
                ),
                vec![],
            ),
        ],
    );
    city.children.extend(city_depts);
    city
}

/// Demo accounts: (username, display name, role, node name). One per role, plus a district
/// system administrator to show jurisdiction.
pub const DEMO_ACCOUNTS: [(&str, &str, Role, &str); 15] = [
    ("sysadmin", "示例系统管理员", Role::SystemAdmin, "鞍山市"),
    ("secadmin", "示例安全管理员", Role::SecurityAdmin, "鞍山市"),
    ("auditor", "示例审计管理员", Role::AuditAdmin, "鞍山市"),
    (
        "city_approver",
        "示例市政府审批人",
        Role::CityApprover,
        "鞍山市",
    ),
    (
        "city_dept",
        "示例市卫健委科员",
        Role::CityDepartment,
        "鞍山市卫生健康委员会",
    ),
    (
        "supervisor",
        "示例市民政局监督员",
        Role::Supervisor,
        "鞍山市民政局",
    ),
    (
        "district_approver",
        "示例铁东区政府审批人",
        Role::DistrictApprover,
        "铁东区",
    ),
    (
        "district_dept",
        "示例铁东区卫健局科员",
        Role::DistrictDepartment,
        "铁东区卫生健康局",
    ),
    (
        "district_supervisor",
        "示例铁东区民政局监督员",
        Role::Supervisor,
        "铁东区民政局",
    ),
    (
        "staffing",
        "示例铁东区编办科员",
        Role::StaffingOffice,
        "中共铁东区委机构编制委员会办公室",
    ),
    (
        "street",
        "示例一街道工作人员",
        Role::StreetOfficial,
        "示例一街道",
    ),
    (
        "head",
        "示例和平社区书记",
        Role::CommunityHead,
        "示例和平社区",
    ),
    (
        "worker",
        "示例和平社区工作者",
        Role::CommunityWorker,
        "示例和平社区",
    ),
    ("resident", "示例居民张三", Role::Resident, "示例和平社区"),
    (
        "tiexi_admin",
        "示例铁西区系统管理员",
        Role::SystemAdmin,
        "铁西区",
    ),
];

impl App {
    /// Whether the tree has a root yet.
    pub async fn is_initialized(&self) -> Result<bool> {
        Ok(node::Entity::find().count(self.store.db()).await? > 0)
    }

    async fn insert_node(
        &self,
        tx: &mut WriteTx,
        parent: Option<&node::Model>,
        s: &Seed,
    ) -> Result<node::Model> {
        let code = match s.code.as_deref() {
            Some(c) => {
                let code = DivisionCode::parse(c)?;
                let parent_code = match parent.and_then(|p| p.division_code.as_deref()) {
                    Some(pc) => Some(DivisionCode::parse(pc)?),
                    None => None,
                };
                code.check_for(s.kind, parent_code.as_ref())?;
                Some(code.as_str().to_owned())
            }
            None => None,
        };
        let now = self.now_ms();
        let row = node::ActiveModel {
            kind: Set(s.kind.as_str().to_owned()),
            subtype: Set(s.subtype.clone()),
            name: Set(s.name.clone()),
            division_code: Set(code),
            parent_id: Set(parent.map(|p| p.id)),
            path: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(tx.conn())
        .await?;
        let path = format!(
            "{}{}/",
            parent.map(|p| p.path.as_str()).unwrap_or("/"),
            row.id
        );
        node::Entity::update_many()
            .col_expr(node::Column::Path, Expr::value(path.clone()))
            .filter(node::Column::Id.eq(row.id))
            .exec(tx.conn())
            .await?;
        Ok(node::Model { path, ..row })
    }

    /// Creates the city root. Fails if the tree already has one.
    pub async fn init_city(&self, name: &str, code: &str) -> Result<()> {
        if self.is_initialized().await? {
            return Err(DomainError::conflict(
                "already_initialized",
                "系统已初始化，不能重复创建根节点",
            ));
        }
        let (name, code) = (name.trim(), code.trim());
        let seed = place(NodeKind::City, name, code, vec![]);
        let mut tx = self.store.begin_write().await?;
        let row = self.insert_node(&mut tx, None, &seed).await?;
        tx.audit(operator_entry(
            "system.init",
            "node",
            Some(row.id.to_string()),
            serde_json::json!({ "city": name, "division_code": code }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Loads the demo data set: the tree, and one account per role with [`DEMO_PASSWORD`].
    /// `progress` is told each step. Returns false (and does nothing) if already initialized.
    pub async fn seed_demo(&self, mut progress: impl FnMut(&str)) -> Result<bool> {
        if self.is_initialized().await? {
            return Ok(false);
        }
        progress("创建行政区划和部门");
        let mut tx = self.store.begin_write().await?;
        let mut stack: Vec<(Option<node::Model>, Seed)> = vec![(None, demo_tree())];
        let mut count = 0usize;
        while let Some((parent, seed)) = stack.pop() {
            let row = self.insert_node(&mut tx, parent.as_ref(), &seed).await?;
            count += 1;
            for child in seed.children.into_iter().rev() {
                stack.push((Some(row.clone()), child));
            }
        }
        tx.audit(operator_entry(
            "system.init",
            "node",
            None,
            serde_json::json!({ "demo": true, "nodes": count }),
        ))
        .await?;
        tx.commit().await?;
        progress(&format!("已创建 {count} 个节点"));
        let hash = self.hasher.hash(DEMO_PASSWORD)?;
        for (username, display, role, node_name) in DEMO_ACCOUNTS {
            progress(&format!("创建演示账号 {username}（{}）", role.label_zh()));
            let n = node::Entity::find()
                .filter(node::Column::Name.eq(node_name))
                .one(self.store.db())
                .await?
                .ok_or_else(|| DomainError::not_found(node_name))?;
            self.insert_account(username, display, &n, &hash, false, &[role])
                .await?;
        }
        progress("创建示例事项（准入、待审批、不予准入、已撤销）");
        self.seed_demo_demands().await?;
        Ok(true)
    }

    async fn demo_ctx(&self, username: &str) -> Result<crate::Ctx> {
        let a = account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(self.store.db())
            .await?
            .ok_or_else(|| DomainError::not_found(username))?;
        Ok(crate::Ctx::new(self.principal(&a).await?, None))
    }

    /// A few demands through the real lifecycle and rules, so that every list has content:
    /// admitted items with numbers, one awaiting approval, one refused by 4.2-6, one revoked.
    async fn seed_demo_demands(&self) -> Result<()> {
        use crate::demand::DemandForm;
        let dept = self.demo_ctx("district_dept").await?;
        let approver = self.demo_ctx("district_approver").await?;
        let supervisor = self.demo_ctx("district_supervisor").await?;
        let requester = node::Entity::find()
            .filter(node::Column::Name.eq("铁东区卫生健康局"))
            .one(self.store.db())
            .await?
            .ok_or_else(|| DomainError::not_found("铁东区卫生健康局"))?;
        let year = crate::clock::cst_date(self.now_ms())
            .map(|d| chrono::Datelike::year(&d))
            .unwrap_or(2026);
        let base = |title: &str, category: &str, minutes: &str, times: &str| DemandForm {
            requester_node_id: requester.id,
            title: title.into(),
            description: format!("{title}（演示数据）"),
            category: category.into(),
            community_role: "assisting".into(),
            minutes_per_occurrence: minutes.into(),
            occurrences_per_year: times.into(),
            period_start: format!("{year}-01-01"),
            period_end: format!("{year}-12-31"),
            target_mode: "scope".into(),
            ..Default::default()
        };
        let with_basis = |mut f: DemandForm, title: &str, article: &str| {
            f.legal_basis_kind = "law".into();
            f.legal_basis_title = title.into();
            f.legal_basis_article = article.into();
            f
        };
        let funded = |mut f: DemandForm, yuan: &str| {
            f.funding_yuan = yuan.into();
            f.funding_source = "区级财政专项资金（示例）".into();
            f
        };
        let admitted = [
            with_basis(
                base("示例：协助开展居民健康档案信息核对", "health", "30", "12"),
                "《中华人民共和国基本医疗卫生与健康促进法》",
                "第六十九条",
            ),
            funded(
                base("示例：协助组织老年人免费体检通知", "health", "60", "2"),
                "8000",
            ),
            with_basis(
                base(
                    "示例：协助开展爱国卫生运动宣传",
                    "civilization_campaign",
                    "90",
                    "4",
                ),
                "《中华人民共和国基本医疗卫生与健康促进法》",
                "第七十二条",
            ),
        ];
        for f in admitted {
            let d = self.create_demand(&dept, &f, true).await?;
            self.admit_demand(&approver, d.id, "", "", "示例：同意准入")
                .await?;
        }
        let revoked = funded(
            base("示例：协助收集辖区商户卫生许可材料", "health", "45", "6"),
            "3000",
        );
        let d = self.create_demand(&dept, &revoked, true).await?;
        self.admit_demand(&approver, d.id, "", "", "").await?;
        self.revoke_demand(
            &supervisor,
            d.id,
            "示例：经核查属于部门职责，不得转嫁给社区，予以撤销",
        )
        .await?;
        self.create_demand(
            &dept,
            &funded(
                base("示例：协助开展控烟宣传入户", "health", "30", "4"),
                "2000",
            ),
            true,
        )
        .await?;
        let mut banned = base(
            "示例：社区承担辖区环境卫生整治任务",
            "environmental_remediation",
            "120",
            "12",
        );
        banned.community_role = "responsible".into();
        self.create_demand(&dept, &funded(banned, "5000"), true)
            .await?;
        Ok(())
    }

    /// Command-line account creation (`jianfu user add`): the way to create the first
    /// administrators of a real installation. The password must meet the policy; unless
    /// `temporary` is false the owner must change it at first login.
    pub async fn add_account_as_operator(
        &self,
        username: &str,
        display_name: &str,
        node_code_or_id: &str,
        roles: &[Role],
        password: &str,
        temporary: bool,
    ) -> Result<i64> {
        let username = check_username(username)?;
        check_password_strength(password, &username)?;
        let n = match node_code_or_id.parse::<i64>() {
            Ok(id) if node_code_or_id.len() != 12 => {
                node::Entity::find_by_id(id).one(self.store.db()).await?
            }
            _ => {
                node::Entity::find()
                    .filter(node::Column::DivisionCode.eq(node_code_or_id))
                    .one(self.store.db())
                    .await?
            }
        }
        .ok_or_else(|| {
            DomainError::field(
                "node",
                "node_not_found",
                format!("找不到节点 {node_code_or_id}（请给出区划代码或节点编号）"),
            )
        })?;
        let view = crate::tree::NodeView::from_row(n.clone())?;
        let parent_kind = match n.parent_id {
            Some(p) => Some(self.find_node(p).await?.kind),
            None => None,
        };
        let admin_roles = roles.iter().filter(|r| r.is_admin()).count();
        if admin_roles > 1 {
            return Err(DomainError::conflict(
                "admin_roles_separated",
                "三员分立：一个账号只能担任一种管理员角色",
            ));
        }
        for r in roles {
            if !r.can_be_held_at(view.kind, view.department_function(), parent_kind) {
                return Err(DomainError::field(
                    "role",
                    "role_not_allowed_at_node",
                    format!(
                        "“{}”角色只能设在{}，不能设在“{}”",
                        r.label_zh(),
                        r.where_held_zh(),
                        n.name
                    ),
                ));
            }
        }
        if account::Entity::find()
            .filter(account::Column::Username.eq(username.clone()))
            .one(self.store.db())
            .await?
            .is_some()
        {
            return Err(DomainError::conflict(
                "username_taken",
                format!("用户名 {username} 已被使用"),
            ));
        }
        let hash = self.hasher.hash(password)?;
        self.insert_account(&username, display_name.trim(), &n, &hash, temporary, roles)
            .await
    }

    async fn insert_account(
        &self,
        username: &str,
        display_name: &str,
        home: &node::Model,
        hash: &str,
        must_change: bool,
        roles: &[Role],
    ) -> Result<i64> {
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let a = account::ActiveModel {
            username: Set(username.to_owned()),
            display_name: Set(display_name.to_owned()),
            home_node_id: Set(home.id),
            password_hash: Set(hash.to_owned()),
            password_changed_at: Set(now),
            must_change_password: Set(must_change),
            failed_attempts: Set(0),
            locked_until: Set(None),
            disabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(tx.conn())
        .await?;
        for r in roles {
            role_grant::ActiveModel {
                account_id: Set(a.id),
                role: Set(r.as_str().to_owned()),
                node_id: Set(home.id),
                granted_by: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(tx.conn())
            .await?;
        }
        tx.audit(operator_entry(
            "account.create",
            "account",
            Some(a.id.to_string()),
            serde_json::json!({ "after": { "username": username, "display_name": display_name, "home_node": home.name, "roles": roles } }),
        ))
        .await?;
        tx.commit().await?;
        Ok(a.id)
    }

    /// `jianfu user passwd`: sets a new password from the command line (e.g. a lost
    /// administrator password); the owner must change it at next login.
    pub async fn set_password_as_operator(&self, username: &str, password: &str) -> Result<()> {
        let a = account::Entity::find()
            .filter(account::Column::Username.eq(username.trim()))
            .one(self.store.db())
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        check_password_strength(password, &a.username)?;
        let hash = self.hasher.hash(password)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        account::Entity::update_many()
            .col_expr(account::Column::PasswordHash, Expr::value(hash))
            .col_expr(account::Column::PasswordChangedAt, Expr::value(now))
            .col_expr(account::Column::MustChangePassword, Expr::value(true))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(a.id))
            .exec(tx.conn())
            .await?;
        tx.audit(operator_entry(
            "account.password_reset",
            "account",
            Some(a.id.to_string()),
            serde_json::json!({ "username": a.username }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `jianfu user lock|unlock`.
    pub async fn set_locked_as_operator(&self, username: &str, locked: bool) -> Result<()> {
        let a = account::Entity::find()
            .filter(account::Column::Username.eq(username.trim()))
            .one(self.store.db())
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        let mut tx = self.store.begin_write().await?;
        account::Entity::update_many()
            .col_expr(account::Column::Disabled, Expr::value(locked))
            .col_expr(account::Column::FailedAttempts, Expr::value(0))
            .col_expr(
                account::Column::LockedUntil,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(account::Column::UpdatedAt, Expr::value(self.now_ms()))
            .filter(account::Column::Id.eq(a.id))
            .exec(tx.conn())
            .await?;
        if locked {
            jianfu_store::entity::session::Entity::delete_many()
                .filter(jianfu_store::entity::session::Column::AccountId.eq(a.id))
                .exec(tx.conn())
                .await?;
        }
        tx.audit(operator_entry(
            if locked {
                "account.lock"
            } else {
                "account.unlock"
            },
            "account",
            Some(a.id.to_string()),
            serde_json::json!({ "username": a.username }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_password_meets_policy() {
        for (u, ..) in DEMO_ACCOUNTS {
            check_password_strength(DEMO_PASSWORD, u).unwrap();
            check_username(u).unwrap();
        }
    }

    #[test]
    fn demo_codes_are_consistent() {
        fn walk(s: &Seed, parent: Option<&DivisionCode>) {
            let code = s.code.as_deref().map(|c| DivisionCode::parse(c).unwrap());
            if let Some(c) = &code {
                c.check_for(s.kind, parent).unwrap();
            }
            for ch in &s.children {
                assert!(
                    s.kind.allowed_children().contains(&ch.kind),
                    "{} under {}",
                    ch.name,
                    s.name
                );
                walk(ch, code.as_ref().or(parent));
            }
        }
        walk(&demo_tree(), None);
    }
}
