//! Setting up a new installation from the command line: the city root, the first accounts
//! (there is no default password outside `--demo`), and the demo data set. These paths act as
//! the machine operator — who already holds the database — and are audited as such.

use jianfu_store::entity::node;
use jianfu_store::repo::{catalogue, tree};
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

pub(crate) fn operator_entry(
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
        dept(F::Other, "鞍山市公安局"),
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
/// The demo resident's ID number: valid (check digit) but invented — a 1990 birth date in
/// 铁东区's address code with sequence 123.
pub const DEMO_ID_NUMBER: &str = "210302199001011238";

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
        Ok(tree::any(self.store.db()).await?)
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
        Ok(tree::insert(
            tx.conn(),
            &tree::NewNode {
                kind: s.kind.as_str(),
                subtype: s.subtype.as_deref(),
                name: &s.name,
                division_code: code.as_deref(),
                parent_id: parent.map(|p| p.id),
                parent_path: parent.map(|p| p.path.as_str()).unwrap_or("/"),
                now,
            },
        )
        .await?)
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
        let types =
            crate::certificate::load_catalogue(tx.conn(), row.id, self.now_ms(), false).await?;
        tx.audit(operator_entry(
            "system.init",
            "node",
            Some(row.id.to_string()),
            serde_json::json!({ "city": name, "division_code": code, "discontinued_certificate_types": types }),
        ))
        .await?;
        self.audit_pki_init(&mut tx).await?;
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
        self.audit_pki_init(&mut tx).await?;
        // The demo accounts share one published password and log in without a second factor;
        // a real installation requires it of the administrators and approvers
        // (`SecondFactorPolicy::default`). Pages say so while this setting stands.
        let demo_policy = crate::second_factor::SecondFactorPolicy::demo();
        let value = serde_json::to_string(&demo_policy).map_err(|_| DomainError::internal())?;
        self.put_second_factor_policy(&tx, value).await?;
        tx.audit(operator_entry(
            "second_factor_policy.update",
            "setting",
            Some(crate::second_factor::SecondFactorPolicy::KEY.to_owned()),
            serde_json::json!({ "after": demo_policy }),
        ))
        .await?;
        tx.commit().await?;
        progress(&format!("已创建 {count} 个节点"));
        progress("演示数据：动态口令（第二因素）要求已关闭；正式安装中管理员和审批角色必须使用");
        let hash = self.hasher.hash(DEMO_PASSWORD)?;
        for (username, display, role, node_name) in DEMO_ACCOUNTS {
            progress(&format!("创建演示账号 {username}（{}）", role.label_zh()));
            let n = tree::by_name(self.store.db(), node_name)
                .await?
                .ok_or_else(|| DomainError::not_found(node_name))?;
            self.insert_account(username, display, &n, &hash, false, &[role])
                .await?;
        }
        progress("创建示例事项（准入、待审批、不予准入、已撤销）");
        self.seed_demo_demands().await?;
        progress("创建证明事项目录、电子印章和示例证明申请");
        self.seed_demo_certificates().await?;
        progress("登记示例挂牌、清理任务和铁东区挂牌自检自查");
        self.seed_demo_plaques().await?;
        progress("创建临时加挂牌子申请（经编制部门同意）");
        self.seed_demo_temporary_plaques().await?;
        progress("设立铁东区本年度社区(村)工作综合考评");
        self.seed_demo_comprehensive().await?;
        progress("创建数据字典（一数一源、共享属性）");
        self.seed_demo_dictionary().await?;
        progress("指定铁东区减负监测点并报送本月监测情况");
        self.seed_demo_monitoring().await?;
        progress("准入一张示例月报表（社区人口和服务月报），发往示例和平社区、示例光明社区");
        self.seed_demo_report_form().await?;
        progress("登记示例和平社区的独居老人名单，并为示例居民办理实名登记");
        self.seed_demo_person_records().await?;
        Ok(true)
    }

    /// Two records of 示例和平社区's elderly living alone (issue 13 §4), the demo resident
    /// among them, and the resident's account's ID number, so that `/me/data-access` finds
    /// the resident's reads once a department reads the list.
    async fn seed_demo_person_records(&self) -> Result<()> {
        use crate::person_record::PersonRecordForm;
        let worker = self.demo_ctx("worker").await?;
        let heping = self.find_node_by_name("示例和平社区").await?;
        for (name, id, details) in [
            ("示例居民张三", DEMO_ID_NUMBER, "和平街1号，独居，演示数据"),
            (
                "示例居民李四",
                "11010519491231002X",
                "和平街3号，独居，演示数据",
            ),
        ] {
            let form = PersonRecordForm {
                item_code: "DJLR_MD".into(),
                name: name.into(),
                id_number: id.into(),
                details: details.into(),
            };
            self.add_person_record(&worker, heping.id, &form).await?;
        }
        let sysadmin = self.demo_ctx("sysadmin").await?;
        let resident = self.demo_ctx("resident").await?;
        self.set_resident_identity(&sysadmin, resident.principal.account_id, DEMO_ID_NUMBER)
            .await
    }

    /// One department read of personal data (issue 13 §4), for the demo server only: 铁东区卫生健康局
    /// asks to read 示例和平社区's 有条件 独居老人名单 for home visits, the community's head
    /// approves, and the department reads it through the API — two rows in the access log (the
    /// demo resident's and 李四's), so that `resident`'s `/me/data-access` and `auditor`'s
    /// `/data-access` are not empty. Kept out of [`App::seed_demo`], the test suite's fixture,
    /// whose tests count requests and reads from none. Does nothing when a request exists.
    pub async fn seed_demo_reads(&self) -> Result<bool> {
        use crate::data_sharing::{DataRequestForm, ReadHow};
        use crate::person_record::AccessChannel;
        let dept = self.demo_ctx("district_dept").await?;
        let head = self.demo_ctx("head").await?;
        let heping = self.find_node_by_name("示例和平社区").await?;
        if jianfu_store::repo::data_requests::count_all(self.store.db()).await? > 0 {
            return Ok(false);
        }
        let request = self
            .create_data_request(
                &dept,
                &DataRequestForm {
                    community_id: heping.id,
                    item_code: "DJLR_MD".into(),
                    purpose: "开展冬季独居老人探访关爱服务（演示数据）".into(),
                },
            )
            .await?;
        self.decide_data_request(&head, request.id, true, "同意，仅限探访关爱服务使用")
            .await?;
        self.read_shared_data(
            &dept,
            heping.id,
            &["DJLR_MD".to_owned()],
            &ReadHow {
                purpose: "",
                channel: AccessChannel::ApiRead,
            },
        )
        .await?;
        Ok(true)
    }

    /// 铁东区's comprehensive evaluation of this year (4.3-4), designed by its 民政局 through
    /// the design use case: resident satisfaction 40 %, two self-nomination groups.
    async fn seed_demo_comprehensive(&self) -> Result<()> {
        use crate::comprehensive::{DesignForm, GroupForm, IndicatorForm};
        let ctx = self.demo_ctx("district_supervisor").await?;
        let today = self.today();
        let ind = |group: &str, name: &str, weight: &str, method: &str| IndicatorForm {
            group: group.into(),
            name: name.into(),
            weight: weight.into(),
            method: method.into(),
            demand_id: 0,
        };
        self.create_comprehensive(
            &ctx,
            &DesignForm {
                district_id: 0,
                name: format!(
                    "铁东区{}年度社区(村)工作综合考评",
                    chrono::Datelike::year(&today)
                ),
                year: chrono::Datelike::year(&today).to_string(),
                nomination_deadline: (today + chrono::Duration::days(30)).to_string(),
                min_responses: "30".into(),
                satisfaction_weight: "40".into(),
                questions: vec![
                    "您对社区(村)办事服务是否满意？".into(),
                    "您对社区(村)环境和秩序是否满意？".into(),
                ],
                groups: vec![
                    GroupForm {
                        name: "基层党建".into(),
                        weight: "30".into(),
                    },
                    GroupForm {
                        name: "社区治理与服务".into(),
                        weight: "30".into(),
                    },
                ],
                indicators: vec![
                    ind("基层党建", "党组织建设", "100", "对照年度党建任务逐项评分"),
                    ind(
                        "社区治理与服务",
                        "居民议事与自治",
                        "50",
                        "议事会召开及落实情况",
                    ),
                    ind("社区治理与服务", "便民服务", "50", "服务事项办理及群众反映"),
                ],
            },
        )
        .await?;
        Ok(())
    }

    /// One monitoring point (4.1-8) through the real use cases, so a new supervisor does not
    /// meet an empty list: 铁东区's supervisor designates 示例和平社区 (the demo worker's
    /// community), whose worker answers this month's checklist with four "no".
    async fn seed_demo_monitoring(&self) -> Result<()> {
        use crate::monitoring::{AnswerForm, DesignateForm, ItemAnswer};
        let supervisor = self.demo_ctx("district_supervisor").await?;
        let worker = self.demo_ctx("worker").await?;
        let community = self.find_node_by_name("示例和平社区").await?.id;
        let point = self
            .designate_monitoring_point(
                &supervisor,
                &DesignateForm {
                    community_id: community,
                    note: "示例：首批减负监测点，每月报送".into(),
                },
            )
            .await?;
        let today = self.today();
        let month = format!(
            "{:04}-{:02}",
            chrono::Datelike::year(&today),
            chrono::Datelike::month(&today)
        );
        let items = jianfu_rules::monitoring::CheckItem::ALL
            .into_iter()
            .map(|i| ItemAnswer {
                item: i.code().into(),
                yes: Some(false),
                description: String::new(),
            })
            .collect();
        self.answer_monitoring(&worker, point.id, &AnswerForm { month, items })
            .await?;
        Ok(())
    }

    /// A realistic dictionary through the real use case, kept by the city (`city_approver`):
    /// counts owned by departments (户籍人口数 by the police, 低保户数 by civil affairs, 耕地面积
    /// by agriculture) and by the community, a person-level list (独居老人名单, personal, 有条件),
    /// a 不予共享 item with its legal reason; one item changed once, so a history shows.
    async fn seed_demo_dictionary(&self) -> Result<()> {
        use crate::data_dictionary::{DataItemForm, SOURCE_COMMUNITY};
        let admin = self.demo_ctx("city_approver").await?;
        let node = |name: &'static str| async move {
            self.find_node_by_name(name).await.map(|n| n.id.to_string())
        };
        let police = node("鞍山市公安局").await?;
        let civil = node("鞍山市民政局").await?;
        let agri = node("鞍山市农业农村局").await?;
        let health = node("鞍山市卫生健康委员会").await?;
        let org = node("中共鞍山市委组织部").await?;
        let community = SOURCE_COMMUNITY.to_owned();
        // (code, name, kind, options, unit, definition, source, cycle, class, basis, personal)
        let items = [
            (
                "HJ_RKS",
                "户籍人口数",
                "integer",
                "",
                "人",
                "户籍登记在本社区(村)的人口总数，以统计时点公安户籍系统为准",
                &police,
                "monthly",
                "unconditional",
                "",
                false,
            ),
            (
                "HJ_HS",
                "户籍户数",
                "integer",
                "",
                "户",
                "户籍登记在本社区(村)的户数",
                &police,
                "monthly",
                "unconditional",
                "",
                false,
            ),
            (
                "CZ_RKS",
                "常住人口数",
                "integer",
                "",
                "人",
                "在本社区(村)居住半年以上的人口数，含户籍和非户籍人口",
                &community,
                "quarterly",
                "unconditional",
                "",
                false,
            ),
            (
                "DB_HS",
                "低保户数",
                "integer",
                "",
                "户",
                "享受城乡最低生活保障的家庭户数",
                &civil,
                "monthly",
                "unconditional",
                "",
                false,
            ),
            (
                "DB_RS",
                "低保人数",
                "integer",
                "",
                "人",
                "享受城乡最低生活保障的人数",
                &civil,
                "monthly",
                "unconditional",
                "",
                false,
            ),
            (
                "TK_RS",
                "特困供养人数",
                "integer",
                "",
                "人",
                "纳入特困人员救助供养的人数",
                &civil,
                "monthly",
                "unconditional",
                "",
                false,
            ),
            (
                "DJLR_MD",
                "独居老人名单",
                "person_record",
                "",
                "",
                "年满60周岁、独自居住的老年人：姓名、身份证号、住址、联系电话、健康状况",
                &community,
                "on_change",
                "conditional",
                "仅限民政、卫健部门为开展探访关爱服务使用，须说明用途并经社区(村)同意",
                true,
            ),
            (
                "LN_RS60",
                "60周岁以上老年人数",
                "integer",
                "",
                "人",
                "户籍人口中年满60周岁的人数",
                &police,
                "yearly",
                "unconditional",
                "",
                false,
            ),
            (
                "JTYS_QY",
                "家庭医生签约人数",
                "integer",
                "",
                "人",
                "与家庭医生团队签订服务协议的居民人数",
                &health,
                "monthly",
                "unconditional",
                "",
                false,
            ),
            (
                "GD_MJ",
                "耕地面积",
                "decimal",
                "",
                "亩",
                "本村集体所有的耕地面积，以第三次全国国土调查成果及年度变更为准",
                &agri,
                "yearly",
                "unconditional",
                "",
                false,
            ),
            (
                "JTNC_S",
                "家庭农场数",
                "integer",
                "",
                "个",
                "在本村登记的家庭农场数",
                &agri,
                "quarterly",
                "unconditional",
                "",
                false,
            ),
            (
                "HJZZ_JD",
                "人居环境整治进度",
                "choice",
                "未启动\n进行中\n已完成",
                "",
                "本社区(村)当期人居环境整治任务的完成情况",
                &community,
                "quarterly",
                "unconditional",
                "",
                false,
            ),
            (
                "DY_RS",
                "党员人数",
                "integer",
                "",
                "人",
                "组织关系在本社区(村)党组织的党员人数",
                &org,
                "quarterly",
                "conditional",
                "仅限组织部门和街道(乡镇)党(工)委使用",
                false,
            ),
            (
                "CJR_MD",
                "残疾人名单",
                "person_record",
                "",
                "",
                "持有残疾人证的居民：姓名、身份证号、残疾类别和等级",
                &community,
                "on_change",
                "not_shared",
                "《中华人民共和国个人信息保护法》第二十八条：残疾信息属敏感个人信息，仅限残联依法办理业务使用，不予共享",
                true,
            ),
            (
                "SQ_JCRQ",
                "社区换届日期",
                "date",
                "",
                "",
                "本届社区(村)民委员会选举产生的日期",
                &community,
                "on_change",
                "unconditional",
                "",
                false,
            ),
        ];
        for (code, name, kind, options, unit, definition, source, cycle, class, basis, personal) in
            items
        {
            self.create_data_item(
                &admin,
                &DataItemForm {
                    code: code.to_owned(),
                    name: name.to_owned(),
                    kind: kind.to_owned(),
                    options: options.to_owned(),
                    unit: unit.to_owned(),
                    definition: definition.to_owned(),
                    source: source.clone(),
                    update_cycle: cycle.to_owned(),
                    sharing_class: class.to_owned(),
                    sharing_basis: basis.to_owned(),
                    personal,
                    version: String::new(),
                },
            )
            .await?;
        }
        // The definition of 独居老人名单 is sharpened once: version 2, version 1 kept.
        let current = self.data_item(&admin, "DJLR_MD").await?.item;
        let mut form = current.form();
        form.definition = "年满60周岁、独自居住或与无生活自理能力的家人同住的老年人：姓名、身份证号、住址、联系电话、健康状况".to_owned();
        self.update_data_item(&admin, "DJLR_MD", &form).await?;
        Ok(())
    }

    /// The example city catalogue and the national discontinued list; every district adopts
    /// city types (铁东区 all but one, so that a refusal under 4.5-10 can be seen) and 铁东区
    /// adds a local type; seals for the communities that have staff; and applications through
    /// the real use cases: one issued, one refused under 4.5-10, one public-interest matter
    /// waiting for deliberation.
    async fn seed_demo_certificates(&self) -> Result<()> {
        use crate::certificate::{ApplicationForm, LocalTypeForm};
        let city = self.city_node().await?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let n = crate::certificate::load_catalogue(tx.conn(), city.id, now, true).await?;
        let types = catalogue::types_listed(tx.conn(), "retained").await?;
        let districts = tree::of_kind(tx.conn(), NodeKind::District.as_str()).await?;
        for d in &districts {
            for t in &types {
                // 铁东区 does not adopt the volunteer-service certificate: its communities
                // refuse it with 4.5-10 and point to the alternative.
                if d.name == "铁东区" && t.code == "volunteer_service" {
                    continue;
                }
                catalogue::adopt(tx.conn(), d.id, t.id, now).await?;
            }
        }
        tx.audit(operator_entry(
            "catalogue.load",
            "certificate_type",
            None,
            serde_json::json!({ "types": n, "districts": districts.len() }),
        ))
        .await?;
        tx.commit().await?;

        let approver = self.demo_ctx("district_approver").await?;
        let tiedong = self.find_node_by_name("铁东区").await?;
        self.create_local_type(
            &approver,
            tiedong.id,
            &LocalTypeForm {
                code: "tiedong_elderly_allowance_residence".into(),
                name: "高龄津贴申领居住情况证明".into(),
                basis_kind: "retained_list".into(),
                basis_title: "铁东区社区出具证明事项清单（示例）".into(),
                basis_article: "city".into(),
                within_duty: true,
                conditions: "申请人为本社区居住的80周岁以上老年人。".into(),
                materials: "老年人居民身份证\n户口簿".into(),
                template: "兹证明{姓名}（公民身份号码：{身份证号}）在{社区}辖区实际居住。{说明}\n此证明仅用于{用途}。".into(),
                processing_days: "0".into(),
                purpose: "申领高龄津贴。".into(),
                steps: "提交申请\n核对居住信息\n当场出具".into(),
                source: "示例：铁东区本地事项，演示数据".into(),
                ..Default::default()
            },
        )
        .await?;

        let sysadmin = self.demo_ctx("sysadmin").await?;
        let heping = self.find_node_by_name("示例和平社区").await?;
        self.make_seal(&sysadmin, heping.id).await?;

        let resident = self.demo_ctx("resident").await?;
        let worker = self.demo_ctx("worker").await?;
        let form = |code: &str, purpose: &str, details: &str| ApplicationForm {
            type_code: code.into(),
            applicant_name: "示例居民张三".into(),
            id_number: DEMO_ID_NUMBER.into(),
            purpose: purpose.into(),
            details: details.into(),
            ..Default::default()
        };
        let issued = self
            .apply_certificate(
                &resident,
                &form("residence", "子女入学", "自2019年3月起居住于和平街1号。"),
                &[],
            )
            .await?;
        self.issue_certificate(&worker, issued.id).await?;
        self.apply_certificate(
            &resident,
            &form("volunteer_service", "评优", "2026年参加社区志愿服务。"),
            &[],
        )
        .await?;
        self.apply_certificate(
            &resident,
            &form(
                "common_interest_opinion",
                "申请加装电梯",
                "和平街1号楼2单元加装电梯。",
            ),
            &[],
        )
        .await?;
        Ok(())
    }

    /// Two temporary plaques of 示例一街道 through the real lifecycle (4.1-5): requested by the
    /// street, approved by 铁东区's staffing office. The first serves a task that is still
    /// running; the second's task ended ten days ago, so once the registry records it hanging
    /// the detector flags it overdue. Returns the two demand ids (running, ended).
    pub(crate) async fn seed_demo_temporary_plaques(&self) -> Result<(i64, i64)> {
        use crate::demand_kinds::TemporaryPlaqueForm;
        let street = self.demo_ctx("street").await?;
        let staffing = self.demo_ctx("staffing").await?;
        let today = crate::clock::cst_date(self.now_ms()).ok_or_else(DomainError::internal)?;
        let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
        let mut ids = Vec::new();
        for (text, task, start, end) in [
            (
                "示例一街道城市更新指挥部",
                "老旧小区改造集中攻坚",
                day(-30),
                day(60),
            ),
            (
                "示例一街道防汛抗旱指挥部",
                "汛期防汛抗旱",
                day(-120),
                day(-10),
            ),
        ] {
            // Requested and approved on the task's first day, as it happened: an approval may
            // not end before the day it is given, so the clock is set back to that day for the
            // two steps and restored whatever they return.
            let back_ms = (today
                - chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d")
                    .map_err(|_| DomainError::internal())?)
            .num_milliseconds();
            self.clock.advance_ms(-back_ms);
            let requested = async {
                let d = self
                    .request_temporary_plaque(
                        &street,
                        &TemporaryPlaqueForm {
                            unit_id: 0,
                            task: task.into(),
                            plaque_text: text.into(),
                            placement: "outdoor".into(),
                            start: start.clone(),
                            end: end.clone(),
                        },
                    )
                    .await?;
                self.admit_demand(
                    &staffing,
                    d.id,
                    &start,
                    &end,
                    "同意临时加挂，任务结束后立即清理",
                )
                .await
            }
            .await;
            self.clock.advance_ms(back_ms);
            let d = requested?;
            // Hung the day after the task began, as the registry records it.
            let hung = (chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d")
                .map_err(|_| DomainError::internal())?
                + chrono::Duration::days(1))
            .to_string();
            self.add_plaque(
                &street,
                &crate::plaque::PlaqueForm {
                    unit_id: d.requester_node_id,
                    name: text.into(),
                    placement: "outdoor".into(),
                    kind: "functional".into(),
                    location: "办公楼正门右侧".into(),
                    since: hung,
                    temporary_demand_id: Some(d.id),
                },
                None,
            )
            .await?;
            ids.push(d.id);
        }
        // The ended one is overdue now: the detector files its case at once.
        self.run_plaque_detectors().await?;
        Ok((ids[0], ids[1]))
    }

    /// Plaque registries through the use cases' own checks (authorization, the rules, removal
    /// tasks; one transaction per recorder, to keep the demo quick to load): most units compliant (the street list's
    /// plaques on 示例一街道, the three outdoor plaques of 4.4-4 and some indoor ones of 4.4-5 on
    /// each community), 示例和平社区 with “综合治理工作站” outdoors and an off-list plaque
    /// indoors, 示例一街道 with one plaque off the street list — each non-compliant plaque with
    /// its removal task — and a self-inspection campaign in 铁东区 that 示例一街道 has completed
    /// and 示例二街道 has not. Units without a demo account are recorded by the operator.
    async fn seed_demo_plaques(&self) -> Result<()> {
        use crate::plaque::PlaqueForm;
        let worker = self.demo_ctx("worker").await?;
        let street = self.demo_ctx("street").await?;
        let since = (crate::clock::cst_date(self.now_ms()).ok_or_else(DomainError::internal)?
            - chrono::Duration::days(400))
        .to_string();
        let form =
            |unit: i64, name: &str, placement: &str, kind: &str, location: &str| PlaqueForm {
                unit_id: unit,
                name: name.into(),
                placement: placement.into(),
                kind: kind.into(),
                location: location.into(),
                since: since.clone(),
                temporary_demand_id: None,
            };
        let community = |unit: i64, name: &str| {
            vec![
                form(
                    unit,
                    &format!("中共{name}委员会"),
                    "outdoor",
                    "",
                    "办公楼正门左侧",
                ),
                form(
                    unit,
                    &format!("{name}党群服务中心"),
                    "outdoor",
                    "",
                    "办公楼正门上方",
                ),
                form(
                    unit,
                    &format!("{name}居民委员会"),
                    "outdoor",
                    "",
                    "办公楼正门右侧",
                ),
                form(unit, "人民调解委员会", "indoor", "", "一楼调解室门口"),
                form(unit, "退役军人服务站", "indoor", "", "一楼服务大厅"),
            ]
        };
        let heping = self.find_node_by_name("示例和平社区").await?.id;
        let mut forms = community(heping, "示例和平社区");
        forms.extend([
            form(heping, "新时代文明实践站", "indoor", "", "二楼活动室"),
            form(heping, "“两代表一委员”工作室", "indoor", "", "二楼会议室"),
            form(heping, "综合治理工作站", "outdoor", "", "办公楼东侧墙面"),
            form(heping, "计划生育协会", "indoor", "", "二楼走廊"),
        ]);
        self.seed_plaques(crate::plaque::Actor::User(&worker), &forms)
            .await?;
        let guangming = self.find_node_by_name("示例光明社区").await?.id;
        let one = self.find_node_by_name("示例一街道").await?.id;
        let mut forms = community(guangming, "示例光明社区");
        forms.push(form(
            guangming,
            "示例光明社区妇联",
            "indoor",
            "",
            "二楼妇女之家",
        ));
        forms.extend([
            form(
                one,
                "中共示例一街道工作委员会",
                "outdoor",
                "work_agency",
                "办公楼正门左侧",
            ),
            form(
                one,
                "示例一街道办事处",
                "outdoor",
                "work_agency",
                "办公楼正门右侧",
            ),
            form(
                one,
                "示例一街道党群服务中心",
                "outdoor",
                "functional",
                "服务中心正门",
            ),
            form(
                one,
                "示例一街道综合行政执法队",
                "outdoor",
                "work_agency",
                "执法队正门",
            ),
            form(
                one,
                "党政综合办公室",
                "indoor",
                "comprehensive_office",
                "三楼 301",
            ),
            form(
                one,
                "公共服务办公室",
                "indoor",
                "comprehensive_office",
                "二楼 201",
            ),
            form(
                one,
                "全国民族团结进步模范集体",
                "indoor",
                "honorary",
                "一楼荣誉墙",
            ),
            form(
                one,
                "示例一街道招商引资服务中心",
                "outdoor",
                "functional",
                "办公楼西侧",
            ),
        ]);
        self.seed_plaques(crate::plaque::Actor::User(&street), &forms)
            .await?;
        // Units without a demo account: recorded by the operator, as a register migrated from
        // paper would be.
        let two = self.find_node_by_name("示例二街道").await?.id;
        let xinhua = self.find_node_by_name("示例新华社区").await?.id;
        let fanrong = self.find_node_by_name("示例繁荣社区").await?.id;
        let shanqian = self.find_node_by_name("示例山前村").await?.id;
        let mut forms = vec![
            form(
                two,
                "中共示例二街道工作委员会",
                "outdoor",
                "work_agency",
                "办公楼正门左侧",
            ),
            form(
                two,
                "示例二街道办事处",
                "outdoor",
                "work_agency",
                "办公楼正门右侧",
            ),
            form(
                two,
                "党建工作办公室",
                "indoor",
                "comprehensive_office",
                "二楼 205",
            ),
        ];
        forms.extend(community(xinhua, "示例新华社区"));
        forms.extend(community(fanrong, "示例繁荣社区"));
        forms.extend([
            form(
                shanqian,
                "中共示例山前村支部委员会",
                "outdoor",
                "",
                "村部正门左侧",
            ),
            form(
                shanqian,
                "示例山前村党群服务中心",
                "outdoor",
                "",
                "村部正门上方",
            ),
            form(
                shanqian,
                "示例山前村村民委员会",
                "outdoor",
                "",
                "村部正门右侧",
            ),
            form(
                shanqian,
                "示例山前村股份经济合作社",
                "outdoor",
                "",
                "村部西侧",
            ),
            form(shanqian, "村务监督委员会", "indoor", "", "村部二楼"),
        ]);
        self.seed_plaques(crate::plaque::Actor::Operator, &forms)
            .await?;
        // 铁东区's campaign: 示例一街道 re-checks its plaques and those of its communities and
        // reports completion; 示例二街道 has not yet.
        let approver = self.demo_ctx("district_approver").await?;
        let district = self.find_node_by_name("铁东区").await?.id;
        let c = self
            .launch_campaign(
                &approver,
                &crate::plaque::CampaignForm {
                    district_id: district,
                    title: String::new(),
                },
            )
            .await?;
        self.recheck_unit_plaques(&street, one).await?;
        self.complete_self_inspection(
            &street,
            c.id,
            one,
            "已对照清单逐块复核；不合规的 3 块牌子已列入清理任务。",
        )
        .await?;
        Ok(())
    }
    /// Records demo plaques as `actor` would with the add form, authorized like it.
    async fn seed_plaques(
        &self,
        actor: crate::plaque::Actor<'_>,
        forms: &[crate::plaque::PlaqueForm],
    ) -> Result<()> {
        let mut units = Vec::with_capacity(forms.len());
        for f in forms {
            let (unit, kind) = self.plaque_unit(f.unit_id).await?;
            if let crate::plaque::Actor::User(ctx) = actor {
                self.check(ctx, crate::Action::ManagePlaques, &unit.target())
                    .await?;
            }
            units.push((unit, kind));
        }
        let items: Vec<_> = units
            .iter()
            .zip(forms)
            .map(|((u, k), f)| (u, *k, f, None))
            .collect();
        self.record_plaques(actor, &items).await?;
        Ok(())
    }
    async fn find_node_by_name(&self, name: &str) -> Result<crate::tree::NodeView> {
        let n = tree::by_name(self.store.db(), name)
            .await?
            .ok_or_else(|| DomainError::not_found(name))?;
        crate::tree::NodeView::from_row(n)
    }

    async fn demo_ctx(&self, username: &str) -> Result<crate::Ctx> {
        let a = jianfu_store::repo::accounts::by_username(self.store.db(), username)
            .await?
            .ok_or_else(|| DomainError::not_found(username))?;
        Ok(crate::Ctx::new(self.principal(&a).await?, None))
    }

    /// One admitted report form (issue 13) through the filing and admission use cases, so that
    /// a community worker's to-do of returns (`/form-returns`) is not empty on a fresh demo: a
    /// monthly form of 铁东区卫生健康局 over twelve months from this month's first day, asking
    /// 常住人口数 and 人居环境整治进度 — six more fields (户籍人口数 and 户数, 60 周岁以上老年人数
    /// from 公安, 低保户数 and 人数 from 民政, 家庭医生签约人数 from 市卫健委) pre-filled from
    /// shared data (4.8-3) —, sent to 示例和平社区 and 示例光明社区 and admitted by the district.
    async fn seed_demo_report_form(&self) -> Result<()> {
        use crate::report_form::ReportFormForm;
        let dept = self.demo_ctx("district_dept").await?;
        let approver = self.demo_ctx("district_approver").await?;
        let start =
            chrono::Datelike::with_day(&self.today(), 1).ok_or_else(DomainError::internal)?;
        let end = start
            .checked_add_months(chrono::Months::new(12))
            .and_then(|d| d.pred_opt())
            .ok_or_else(DomainError::internal)?;
        let mut targets = Vec::new();
        for name in ["示例和平社区", "示例光明社区"] {
            targets.push(self.find_node_by_name(name).await?.id);
        }
        let d = self
            .create_report_form(
                &dept,
                &ReportFormForm {
                    requester_node_id: self.find_node_by_name("铁东区卫生健康局").await?.id,
                    title: "示例：社区人口和服务月报".into(),
                    purpose: "掌握辖区社区常住人口和人居环境整治情况，安排基本公共卫生服务".into(),
                    item_codes: [
                        "HJ_RKS", "HJ_HS", "LN_RS60", "DB_HS", "DB_RS", "JTYS_QY", "CZ_RKS",
                        "HJZZ_JD",
                    ]
                    .map(String::from)
                    .to_vec(),
                    respondent_level: "community".into(),
                    proper_respondent: "community".into(),
                    frequency: "monthly".into(),
                    period_start: start.to_string(),
                    period_end: end.to_string(),
                    legal_basis: "《中华人民共和国基本医疗卫生与健康促进法》第三十一条".into(),
                    target_mode: "communities".into(),
                    target_ids: targets,
                    ..Default::default()
                },
            )
            .await?;
        self.admit_demand(&approver, d.id, "", "", "示例：同意准入")
            .await?;
        Ok(())
    }

    /// A few demands through the real lifecycle and rules, so that every list has content:
    /// admitted items with numbers (registered by the keeper where a law provides for them,
    /// approved otherwise), one awaiting approval, one refused by 4.2-6, one revoked.
    async fn seed_demo_demands(&self) -> Result<()> {
        use crate::demand::DemandForm;
        let dept = self.demo_ctx("district_dept").await?;
        let approver = self.demo_ctx("district_approver").await?;
        let supervisor = self.demo_ctx("district_supervisor").await?;
        let requester = tree::by_name(self.store.db(), "铁东区卫生健康局")
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
        // Items a law provides for are registered by the district's list keeper (民政, 4.2-4);
        // the others are approved by the district.
        for f in admitted {
            let d = self.create_demand(&dept, &f, true).await?;
            if d.status == crate::demand::DemandStatus::ForRegistration {
                self.register_demand(&supervisor, d.id, true, "示例：已核对所引条款，予以备案")
                    .await?;
            } else {
                self.admit_demand(&approver, d.id, "", "", "示例：同意准入")
                    .await?;
            }
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
            Ok(id) if node_code_or_id.len() != 12 => tree::by_id(self.store.db(), id).await?,
            _ => tree::by_division_code(self.store.db(), node_code_or_id).await?,
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
        if jianfu_store::repo::accounts::by_username(self.store.db(), &username)
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
        let a = jianfu_store::repo::accounts::insert(
            tx.conn(),
            jianfu_store::repo::accounts::NewAccount {
                username,
                display_name,
                home_node_id: home.id,
                password_hash: hash,
                must_change_password: must_change,
            },
            now,
        )
        .await?;
        for r in roles {
            jianfu_store::repo::accounts::insert_grant(
                tx.conn(),
                a.id,
                r.as_str(),
                home.id,
                None,
                now,
            )
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
        let a = jianfu_store::repo::accounts::by_username(self.store.db(), username.trim())
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        check_password_strength(password, &a.username)?;
        let hash = self.hasher.hash(password)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        self.retire_password(&tx, &a, now).await?;
        jianfu_store::repo::accounts::set_temporary_password(tx.conn(), a.id, &hash, now).await?;
        // Whoever held the old password is out at once.
        jianfu_store::repo::accounts::end_sessions(tx.conn(), a.id).await?;
        // The owner (and the audit administrator) see this reset among the account's resets.
        self.record_shell_reset(&tx, &a, crate::credential_reset::ResetKind::Password, now)
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

    /// `jianfu user reset-second-factor`: removes an account's second factor from the command
    /// line (the way out when too few administrators can log in for dual control); the owner
    /// enrols again at next login.
    pub async fn reset_second_factor_as_operator(&self, username: &str) -> Result<()> {
        let a = jianfu_store::repo::accounts::by_username(self.store.db(), username.trim())
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        self.remove_second_factor(&tx, a.id).await?;
        self.record_shell_reset(
            &tx,
            &a,
            crate::credential_reset::ResetKind::SecondFactor,
            now,
        )
        .await?;
        tx.audit(operator_entry(
            "second_factor.reset",
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
        let a = jianfu_store::repo::accounts::by_username(self.store.db(), username.trim())
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        let mut tx = self.store.begin_write().await?;
        jianfu_store::repo::accounts::set_disabled(tx.conn(), a.id, locked, self.now_ms()).await?;
        if locked {
            jianfu_store::repo::accounts::end_sessions(tx.conn(), a.id).await?;
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
