//! Roles and authorization: who may do what, where. This module is the one place that decides;
//! handlers and use cases ask it and never test roles themselves.
//!
//! A role is granted at a node. Its jurisdiction is the subtree of that node — for a role held
//! at a department, the subtree of the city or district the department serves. The three
//! administrator roles split the powers as 等保2.0 level 3 asks, with no superuser: the system
//! administrator keeps the tree and accounts, the security administrator keeps the password and
//! lockout policy, unlocks and grants roles, and only the audit administrator reads the audit log.

use serde::{Deserialize, Serialize};

use crate::division::{DepartmentFunction, NodeKind};
use crate::error::{DomainError, Result};
pub use jianfu_store::Scope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    CommunityWorker,
    CommunityHead,
    StreetOfficial,
    DistrictDepartment,
    StaffingOffice,
    DistrictApprover,
    CityDepartment,
    CityApprover,
    Supervisor,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 13] = [
        Self::Resident,
        Self::CommunityWorker,
        Self::CommunityHead,
        Self::StreetOfficial,
        Self::DistrictDepartment,
        Self::StaffingOffice,
        Self::DistrictApprover,
        Self::CityDepartment,
        Self::CityApprover,
        Self::Supervisor,
        Self::SystemAdmin,
        Self::SecurityAdmin,
        Self::AuditAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::CommunityWorker => "community_worker",
            Self::CommunityHead => "community_head",
            Self::StreetOfficial => "street_official",
            Self::DistrictDepartment => "district_department",
            Self::StaffingOffice => "staffing_office",
            Self::DistrictApprover => "district_approver",
            Self::CityDepartment => "city_department",
            Self::CityApprover => "city_approver",
            Self::Supervisor => "supervisor",
            Self::SystemAdmin => "system_admin",
            Self::SecurityAdmin => "security_admin",
            Self::AuditAdmin => "audit_admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| DomainError::field("role", "role_unknown", "角色无效"))
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Resident => "居民",
            Self::CommunityWorker => "社区工作者",
            Self::CommunityHead => "社区负责人",
            Self::StreetOfficial => "街道(乡镇)工作人员",
            Self::DistrictDepartment => "区级部门",
            Self::StaffingOffice => "区编办",
            Self::DistrictApprover => "区委/区政府审批",
            Self::CityDepartment => "市级部门",
            Self::CityApprover => "市委/市政府审批",
            Self::Supervisor => "监督人员",
            Self::SystemAdmin => "系统管理员",
            Self::SecurityAdmin => "安全管理员",
            Self::AuditAdmin => "审计管理员",
        }
    }

    /// The three administrator roles; one account may hold at most one of them.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin
        )
    }

    /// Whether a node can carry this role. `parent_kind` is the kind of the node's parent
    /// (departments serve the city or a district).
    pub fn can_be_held_at(
        self,
        kind: NodeKind,
        function: Option<DepartmentFunction>,
        parent_kind: Option<NodeKind>,
    ) -> bool {
        use NodeKind as K;
        match self {
            Self::Resident | Self::CommunityWorker | Self::CommunityHead => kind.is_community(),
            Self::StreetOfficial => kind.is_subdistrict(),
            Self::DistrictApprover => kind == K::District,
            Self::CityApprover => kind == K::City,
            Self::DistrictDepartment => kind == K::Department && parent_kind == Some(K::District),
            Self::CityDepartment => kind == K::Department && parent_kind == Some(K::City),
            Self::StaffingOffice => {
                kind == K::Department
                    && parent_kind == Some(K::District)
                    && function == Some(DepartmentFunction::StaffingOffice)
            }
            Self::Supervisor => {
                kind == K::Department
                    && matches!(parent_kind, Some(K::City | K::District))
                    && function.is_some_and(DepartmentFunction::supervises)
            }
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin => {
                matches!(kind, K::City | K::District)
            }
        }
    }

    /// Where this role may be held, in words, for error messages.
    pub fn where_held_zh(self) -> &'static str {
        match self {
            Self::Resident | Self::CommunityWorker | Self::CommunityHead => "社区或村",
            Self::StreetOfficial => "街道或乡镇",
            Self::DistrictApprover => "区(县、市)",
            Self::CityApprover => "市",
            Self::DistrictDepartment => "区级职能部门",
            Self::CityDepartment => "市级职能部门",
            Self::StaffingOffice => "区级编制部门",
            Self::Supervisor => "市或区的组织、民政、农业农村部门",
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin => "市或区(县、市)",
        }
    }
}

/// Everything a user can ask to do. Modules add their actions here, so the whole policy stays
/// in one table ([`permits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See a node of the tree and what hangs under it.
    ViewTree,
    /// Create, rename or delete places and departments.
    ManageTree,
    /// List and read accounts.
    ViewAccounts,
    /// Create accounts, edit them, set a temporary password.
    ManageAccounts,
    /// Grant and revoke roles.
    GrantRoles,
    /// Lock and unlock accounts.
    LockAccounts,
    /// Change the password and lockout policy.
    EditSecurityPolicy,
    /// Read, filter and export the audit log, and verify its chain.
    ReadAudit,
    /// Draft and submit demands on communities (the requesting department).
    DraftDemand,
    /// Admit or reject a city department's demand (市委、市政府, 4.2-4).
    AdmitCityDemand,
    /// Admit or reject a district department's demand (区(市、县)党(工)委、政府(管委会), 4.2-4).
    AdmitDistrictDemand,
    /// Register (备案) a work item that cites a law, regulation or rule, or return it to its
    /// drafter: the list keeper of the demand's level (民政, 4.2-2 and 4.2-4). Only the keeper of
    /// that very level: the city's does not keep a district's list (see [`authorize`]).
    RegisterDemand,
    /// Revoke or terminate an admitted demand (4.2-5).
    RevokeDemand,
    /// See the admitted demands placed on communities in one's jurisdiction (and, for the
    /// requesting unit, its own; see `demand::DemandVisibility`).
    ViewDemands,
    /// See every demand submitted in one's jurisdiction, whatever its state after submission:
    /// the authorities that admit and the supervisors that revoke (4.2-4, 4.2-5).
    ReviewDemands,
    /// Refuse a demand without a valid admission number and report it (community).
    ReportUnadmitted,
    /// See supervision cases.
    ViewCases,
    /// Verify a supervision case or dismiss it with a reason (5.3-2); issue its rectification
    /// notice, accept or send back the answer, and close it (5.3-3).
    DecideCase,
    /// Answer a rectification notice addressed to one's own unit (整改答复, 5.3-3): the staff of
    /// the department, street or community the notice names, and no one else (see
    /// [`answers_for`]: the unit itself, not the subtree it serves).
    AnswerNotice,
    /// Draft a bulletin (通报, 5.3-3) of the closed cases of a period in one's jurisdiction,
    /// see the bulletins of one's level and publish one once it is signed off.
    DraftBulletin,
    /// Sign off a bulletin of one's own level (the district's or the city's approver, 5.3-3):
    /// only that very level, like [`Action::RegisterDemand`] (the city's approver does not sign
    /// a district's bulletin); never the account that drafted it.
    ApproveBulletin,
    /// See the burden ledger per community and department.
    ViewLedger,
    /// Apply for a certificate (a resident for themself, community staff on a resident's behalf).
    ApplyCertificate,
    /// Process applications: record investigation, deliberation, delay; issue; refuse (4.5-9).
    ProcessCertificate,
    /// Sign as the community head before a public-interest certificate is issued (4.5-5).
    SignCertificate,
    /// Revoke an issued certificate.
    RevokeCertificate,
    /// See certificate applications (and overdue ones) in one's jurisdiction.
    ViewCertificates,
    /// See the seal-use ledger (用印登记).
    ViewSealLedger,
    /// Keep a district's certificate catalogue: adopt city types, add local ones (4.5-2).
    ManageCatalogue,
    /// Make or remake a community's electronic seal.
    ManageSeals,
    /// Import the year's holiday calendar.
    ManageHolidays,
    /// See the runs of the server's scheduled jobs (e.g. the escalation of overdue
    /// rectifications): when each started and finished, and what it changed.
    ViewJobs,
    /// See plaque registries, removal tasks and campaigns in one's jurisdiction.
    ViewPlaques,
    /// Keep one's own unit's plaque registry; close removal tasks with the removal date.
    ManagePlaques,
    /// Request a temporary plaque for a major task (a street or town, 4.1-5).
    RequestTemporaryPlaque,
    /// Approve or reject a temporary plaque (the district staffing office, 4.1-5).
    ApproveTemporaryPlaque,
    /// Launch a self-inspection campaign over a district's plaques (4.1-3).
    LaunchCampaign,
    /// Complete one's street's or town's self-inspection (4.1-7).
    CompleteSelfInspection,
    /// Ask for a reset of another administrator's password or second factor (dual control,
    /// see [`dual_control`]).
    RequestAdminReset,
    /// Approve or reject such a request (dual control, see [`dual_control`]).
    ApproveAdminReset,
    /// Reset the second factor of an account that holds no administrator role (an
    /// administrator's goes through [`dual_control`]).
    ResetSecondFactor,
    /// Create and revoke one's own API tokens for a connected system (staff, not residents).
    ManageApiTokens,
    /// Run a district's comprehensive evaluation of its communities (综合考评, 4.3-4): design
    /// it, see who is missing, score, close and publish, and read the follow-up list. The
    /// district's civil-affairs or organisation department (the supervisor role held at a
    /// district department); like [`Action::RegisterDemand`] only at its own level (see
    /// [`visible`]): the city's supervisor does not run a district's evaluation.
    RunComprehensive,
    /// See comprehensive evaluations and their progress in one's jurisdiction.
    ViewComprehensive,
    /// Submit one's community's self-nomination (自荐申报, 4.3-4).
    NominateComprehensive,
    /// Review the self-nominations of one's street's communities (accept, or ask to amend).
    ReviewNomination,
    /// Rate one's own community in a comprehensive evaluation (居民群众满意度, 4.3-4).
    RateCommunity,
    /// Read the shared data dictionary (4.8-3).
    ViewDataDictionary,
    /// Keep the shared data dictionary: add items, change them (a new version each time).
    ManageDataDictionary,
    /// Set one's district's cap on weekly and monthly agricultural report forms (4.9-2), as a
    /// value with the day it takes effect (every value kept).
    SetAgriFormCap,
    /// See the monitoring points (减负监测点, 4.1-8) in one's jurisdiction and their monthly
    /// answers: the supervisors, and a point's own community staff.
    ViewMonitoring,
    /// Designate a community of one's own district as a monitoring point, and end the
    /// designation (4.1-8): a supervisor of that district's level (checked with
    /// [`at_level`] in the use case), not the city's.
    DesignateMonitoringPoint,
    /// Answer one's own community's monthly monitoring checklist (4.1-8).
    AnswerMonitoring,
    /// See the overview of one's level (the city's or a district's dashboards, 5.3): burden
    /// hours per community, demands by month, cases, rectifications on time.
    ViewOverview,
    /// Rate, for one's own community, the departments and streets that placed demands on it
    /// (社区评议部门, 5.3-2).
    RateDepartment,
    /// See the ranking of the departments and streets of one's jurisdiction by the
    /// communities' ratings, with the facts the product knows (5.3-2).
    ViewDepartmentRanking,
    /// See one's own unit's rating and comments, without who gave them (5.3-2): the unit of the
    /// grant itself ([`own_units`]), not the subtree it serves.
    ViewOwnRating,
    /// Fill one's own community's returns of admitted report forms (issue 13 §3).
    FillFormReturn,
    /// Read the returns of the report forms one's own department filed.
    ViewFormReturns,
    /// Remind the communities that have not submitted a return of one's department's form.
    RemindFormReturns,
    /// Issue one's own community's one-time satisfaction codes for residents without an
    /// account (居民群众满意度, 4.3-4; issue 12 §2).
    IssueSatisfactionCodes,
    /// Read the current values of shared data items of the communities in one's jurisdiction
    /// as their sharing class lets one, and ask for a 有条件 item (issue 13 §3, 4.8-3): the
    /// city's and districts' departments.
    ReadSharedData,
    /// Approve or refuse a request to read a 有条件 item one's own unit owns (the item's
    /// authoritative source department, or the community holding the value): the unit of the
    /// grant itself ([`own_units`]).
    DecideDataRequest,
    /// Keep one's own community's person-level records (人员明细, issue 13 §4): add them, list
    /// them, export them with a purpose (4.8-3). The unit of the grant itself ([`own_units`]).
    KeepPersonRecords,
    /// See full ID numbers in an export of one's own community's person-level records (the
    /// community head; the read is logged, 4.8-3).
    ReadClearIdNumbers,
    /// See the reads of one's own personal data by others (a resident, `/me/data-access`).
    ViewOwnDataAccess,
    /// See every read of personal data (the access log), filter and export it.
    ViewDataAccessLog,
}

impl Action {
    pub const ALL: [Action; 67] = [
        Self::ViewTree,
        Self::ManageTree,
        Self::ViewAccounts,
        Self::ManageAccounts,
        Self::GrantRoles,
        Self::LockAccounts,
        Self::EditSecurityPolicy,
        Self::ReadAudit,
        Self::DraftDemand,
        Self::AdmitCityDemand,
        Self::AdmitDistrictDemand,
        Self::RegisterDemand,
        Self::RevokeDemand,
        Self::ViewDemands,
        Self::ReviewDemands,
        Self::ReportUnadmitted,
        Self::ViewCases,
        Self::DecideCase,
        Self::AnswerNotice,
        Self::DraftBulletin,
        Self::ApproveBulletin,
        Self::ViewLedger,
        Self::ApplyCertificate,
        Self::ProcessCertificate,
        Self::SignCertificate,
        Self::RevokeCertificate,
        Self::ViewCertificates,
        Self::ViewSealLedger,
        Self::ManageCatalogue,
        Self::ManageSeals,
        Self::ManageHolidays,
        Self::ViewJobs,
        Self::ViewPlaques,
        Self::ManagePlaques,
        Self::RequestTemporaryPlaque,
        Self::ApproveTemporaryPlaque,
        Self::LaunchCampaign,
        Self::CompleteSelfInspection,
        Self::RequestAdminReset,
        Self::ApproveAdminReset,
        Self::ResetSecondFactor,
        Self::ManageApiTokens,
        Self::RunComprehensive,
        Self::ViewComprehensive,
        Self::NominateComprehensive,
        Self::ReviewNomination,
        Self::RateCommunity,
        Self::ViewDataDictionary,
        Self::ManageDataDictionary,
        Self::SetAgriFormCap,
        Self::ViewMonitoring,
        Self::DesignateMonitoringPoint,
        Self::AnswerMonitoring,
        Self::ViewOverview,
        Self::RateDepartment,
        Self::ViewDepartmentRanking,
        Self::ViewOwnRating,
        Self::FillFormReturn,
        Self::ViewFormReturns,
        Self::RemindFormReturns,
        Self::IssueSatisfactionCodes,
        Self::ReadSharedData,
        Self::DecideDataRequest,
        Self::KeepPersonRecords,
        Self::ReadClearIdNumbers,
        Self::ViewOwnDataAccess,
        Self::ViewDataAccessLog,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::ViewTree => "查看行政区划",
            Self::ManageTree => "维护行政区划和部门",
            Self::ViewAccounts => "查看账号",
            Self::ManageAccounts => "管理账号",
            Self::GrantRoles => "授予或撤销角色",
            Self::LockAccounts => "锁定或解锁账号",
            Self::EditSecurityPolicy => "修改安全策略",
            Self::ReadAudit => "查阅审计日志",
            Self::DraftDemand => "起草和提交事项",
            Self::AdmitCityDemand => "审批市级部门事项",
            Self::AdmitDistrictDemand => "审批区级部门事项",
            Self::RegisterDemand => "备案工作事项",
            Self::RevokeDemand => "撤销事项",
            Self::ViewDemands => "查看事项",
            Self::ReviewDemands => "审阅辖区内已提交的事项",
            Self::ReportUnadmitted => "拒收并举报未准入事项",
            Self::ViewCases => "查看监督问题线索",
            Self::DecideCase => "核实和督促整改问题线索",
            Self::AnswerNotice => "答复整改通知",
            Self::DraftBulletin => "起草和发布通报",
            Self::ApproveBulletin => "签发通报",
            Self::ViewLedger => "查看负担台账",
            Self::ApplyCertificate => "申请证明",
            Self::ProcessCertificate => "办理证明",
            Self::SignCertificate => "负责人签字",
            Self::RevokeCertificate => "撤销证明",
            Self::ViewCertificates => "查看证明申请",
            Self::ViewSealLedger => "查看用印登记",
            Self::ManageCatalogue => "维护证明事项目录",
            Self::ManageSeals => "制作电子印章",
            Self::ManageHolidays => "导入节假日安排",
            Self::ViewJobs => "查看定时任务运行记录",
            Self::ViewPlaques => "查看挂牌",
            Self::ManagePlaques => "登记和清理挂牌",
            Self::RequestTemporaryPlaque => "申请临时加挂牌子",
            Self::ApproveTemporaryPlaque => "审批临时加挂牌子",
            Self::LaunchCampaign => "部署挂牌自检自查",
            Self::CompleteSelfInspection => "完成挂牌自检自查",
            Self::RequestAdminReset => "申请重置管理员凭据",
            Self::ApproveAdminReset => "批准重置管理员凭据",
            Self::ResetSecondFactor => "重置动态口令",
            Self::ManageApiTokens => "管理本人 API 令牌",
            Self::RunComprehensive => "组织社区(村)工作综合考评",
            Self::ViewComprehensive => "查看社区(村)工作综合考评",
            Self::NominateComprehensive => "自荐申报",
            Self::ReviewNomination => "审核自荐申报",
            Self::RateCommunity => "评价本社区(村)",
            Self::ViewDataDictionary => "查看数据字典",
            Self::ManageDataDictionary => "维护数据字典",
            Self::SetAgriFormCap => "设定周、月涉农报表上限",
            Self::ViewMonitoring => "查看减负监测点",
            Self::DesignateMonitoringPoint => "指定减负监测点",
            Self::AnswerMonitoring => "报送月度监测情况",
            Self::ViewOverview => "查看减负工作总览",
            Self::RateDepartment => "评议部门和街道",
            Self::ViewDepartmentRanking => "查看部门评议排名",
            Self::ViewOwnRating => "查看本单位评议结果",
            Self::FillFormReturn => "填报本社区(村)报表",
            Self::ViewFormReturns => "查看本部门报表的填报情况",
            Self::RemindFormReturns => "催报本部门报表",
            Self::IssueSatisfactionCodes => "发放满意度评价码",
            Self::ReadSharedData => "读取共享数据",
            Self::DecideDataRequest => "审批共享申请",
            Self::KeepPersonRecords => "维护本社区(村)人员明细",
            Self::ReadClearIdNumbers => "导出完整身份证号",
            Self::ViewOwnDataAccess => "查看本人数据被读取记录",
            Self::ViewDataAccessLog => "查阅个人数据访问记录",
        }
    }
}

/// The policy table: which role may take which action (inside its jurisdiction).
pub fn permits(role: Role, action: Action) -> bool {
    use Action as A;
    use Role as R;
    match action {
        // Residents come for their certificates: the tree of places and departments and the
        // tokens of connected systems are the staff's (issue 16).
        A::ViewTree | A::ManageApiTokens => role != R::Resident,
        A::ManageTree | A::ManageAccounts => role == R::SystemAdmin,
        A::ViewAccounts => matches!(role, R::SystemAdmin | R::SecurityAdmin),
        A::GrantRoles | A::LockAccounts | A::EditSecurityPolicy | A::ResetSecondFactor => {
            role == R::SecurityAdmin
        }
        A::ReadAudit => role == R::AuditAdmin,
        A::DraftDemand => matches!(role, R::CityDepartment | R::DistrictDepartment),
        A::AdmitCityDemand => role == R::CityApprover,
        A::AdmitDistrictDemand => role == R::DistrictApprover,
        // 4.2-2 清单管理: the list of each level is kept by its civil-affairs department (民政),
        // which holds the supervisor role; it registers the items a law provides for (4.2-4).
        A::RegisterDemand => role == R::Supervisor,
        A::RevokeDemand | A::ReviewDemands => {
            matches!(role, R::Supervisor | R::CityApprover | R::DistrictApprover)
        }
        // Business data is not the administrators' (三员 see accounts and logs, not demands);
        // residents read the published lists, which need no login.
        A::ViewDemands | A::ViewDataDictionary => !role.is_admin() && role != R::Resident,
        // The city's data administrator: the city government keeps the dictionary of what
        // communities may be asked (4.8-3 规范…共享范围、共享方式和共享标准).
        A::ManageDataDictionary => role == R::CityApprover,
        // 4.9-2 各区(市、县)…严格控制周、月报表数量: the district's Party committee and government.
        A::SetAgriFormCap => role == R::DistrictApprover,
        A::ReportUnadmitted => matches!(role, R::CommunityWorker | R::CommunityHead),
        A::ViewCases | A::DecideCase => role == R::Supervisor,
        // 5.3-3 通报批评: the supervising department drafts; the head of its level (区委/区政府 or
        // 市委/市政府) signs off before anything is published.
        A::DraftBulletin => role == R::Supervisor,
        A::ApproveBulletin => matches!(role, R::DistrictApprover | R::CityApprover),
        // 5.3-3 督促整改: the unit found wanting answers for itself — a department, a street or
        // town, or a community (its staff). Supervisors and approvers do not answer for others.
        A::AnswerNotice => matches!(
            role,
            R::DistrictDepartment
                | R::CityDepartment
                | R::StaffingOffice
                | R::StreetOfficial
                | R::CommunityHead
                | R::CommunityWorker
        ),
        A::ViewLedger => matches!(
            role,
            R::CityApprover
                | R::DistrictApprover
                | R::Supervisor
                | R::StreetOfficial
                | R::CommunityHead
                | R::CommunityWorker
        ),
        A::ApplyCertificate => matches!(role, R::Resident | R::CommunityWorker | R::CommunityHead),
        A::ProcessCertificate => matches!(role, R::CommunityWorker | R::CommunityHead),
        A::SignCertificate => role == R::CommunityHead,
        A::RevokeCertificate => {
            matches!(role, R::CommunityWorker | R::CommunityHead | R::Supervisor)
        }
        A::ViewCertificates | A::ViewSealLedger => matches!(
            role,
            R::CommunityWorker
                | R::CommunityHead
                | R::StreetOfficial
                | R::Supervisor
                | R::DistrictApprover
                | R::CityApprover
        ),
        A::ManageCatalogue => matches!(role, R::DistrictApprover | R::CityApprover),
        A::ManageSeals | A::ManageHolidays | A::ViewJobs => role == R::SystemAdmin,
        A::ViewPlaques => matches!(
            role,
            R::CommunityWorker
                | R::CommunityHead
                | R::StreetOfficial
                | R::StaffingOffice
                | R::Supervisor
                | R::DistrictApprover
                | R::CityApprover
        ),
        A::ManagePlaques => matches!(
            role,
            R::CommunityWorker | R::CommunityHead | R::StreetOfficial
        ),
        A::RequestTemporaryPlaque | A::CompleteSelfInspection => role == R::StreetOfficial,
        A::ApproveTemporaryPlaque => role == R::StaffingOffice,
        // 4.1-3: the district's Party committee answers for it; 4.1-8: the supervising
        // departments (organisation, staffing, civil affairs, agriculture) watch over it.
        A::LaunchCampaign => matches!(role, R::DistrictApprover | R::Supervisor),
        // Which administrator may take part in which reset is narrowed by `dual_control`.
        A::RequestAdminReset | A::ApproveAdminReset => role.is_admin(),
        // 4.3-4: the district runs it; its civil-affairs (民政) or organisation (组织) department
        // holds the supervisor role there (narrowed to its own level in `visible`).
        A::RunComprehensive => role == R::Supervisor,
        A::ViewComprehensive => matches!(
            role,
            R::Supervisor
                | R::DistrictApprover
                | R::CityApprover
                | R::StreetOfficial
                | R::CommunityHead
                | R::CommunityWorker
        ),
        A::NominateComprehensive => matches!(role, R::CommunityWorker | R::CommunityHead),
        A::ReviewNomination => role == R::StreetOfficial,
        A::RateCommunity => role == R::Resident,
        // 4.1-8 监督管理: the supervising departments watch; the point's community answers.
        A::ViewMonitoring => matches!(role, R::Supervisor | R::CommunityWorker | R::CommunityHead),
        A::DesignateMonitoringPoint => role == R::Supervisor,
        A::AnswerMonitoring => matches!(role, R::CommunityWorker | R::CommunityHead),
        // 5.3 监督检查: those who oversee a level — its supervising departments (the list
        // keeper among them) and its Party committee and government.
        A::ViewOverview => matches!(role, R::Supervisor | R::DistrictApprover | R::CityApprover),
        // 5.3-2 评议考核: communities rate the units that place work on them; the district and
        // city see the ranking; a rated unit sees its own result.
        A::RateDepartment => matches!(role, R::CommunityWorker | R::CommunityHead),
        A::ViewDepartmentRanking => {
            matches!(role, R::Supervisor | R::DistrictApprover | R::CityApprover)
        }
        A::ViewOwnRating => matches!(
            role,
            R::DistrictDepartment | R::CityDepartment | R::StaffingOffice | R::StreetOfficial
        ),
        // Issue 13 §3: the community fills its own returns; the department that filed the form
        // reads and reminds.
        A::FillFormReturn => matches!(role, R::CommunityWorker | R::CommunityHead),
        A::ViewFormReturns | A::RemindFormReturns => {
            matches!(role, R::DistrictDepartment | R::CityDepartment)
        }
        // 4.3-4: the community hands out its residents' one-time satisfaction codes.
        A::IssueSatisfactionCodes => matches!(role, R::CommunityWorker | R::CommunityHead),
        // 4.8-3 数据一次采集、资源多方共享: departments read what communities already reported;
        // the owner of a 有条件 item (its source department or the community) decides requests.
        A::ReadSharedData => matches!(role, R::DistrictDepartment | R::CityDepartment),
        A::DecideDataRequest => matches!(
            role,
            R::DistrictDepartment | R::CityDepartment | R::CommunityWorker | R::CommunityHead
        ),
        // 4.8-3 共享范围、共享方式和共享标准, for person-level data: the community keeps its
        // records; only its head sees full ID numbers in an export; the person sees who read
        // their record, the audit administrator every read.
        A::KeepPersonRecords => matches!(role, R::CommunityWorker | R::CommunityHead),
        A::ReadClearIdNumbers => role == R::CommunityHead,
        A::ViewOwnDataAccess => role == R::Resident,
        A::ViewDataAccessLog => role == R::AuditAdmin,
    }
}

/// Dual control over the administrators' own credentials (三员分立): no single administrator
/// may reset another's password or second factor, or one person could end up holding two of the
/// three powers. A reset of an account holding administrator role `target` is requested by a
/// holder of one of the two other administrator roles and approved by a holder of the third;
/// `approver` is `None` while only the request is checked. (Accounts themselves are kept apart
/// by the caller: nobody takes part in a reset of their own account, nor approves their own
/// request.) The shell's `jianfu user passwd` is the other way, for whoever runs the server.
pub fn dual_control(target: Role, requester: Role, approver: Option<Role>) -> Result<()> {
    let not_admin = |r: Role| {
        DomainError::new(
            crate::error::ErrorKind::Forbidden,
            "admin_reset_not_admin",
            format!("{}不参与管理员凭据的重置", r.label_zh()),
        )
    };
    if !target.is_admin() {
        return Err(DomainError::conflict(
            "admin_reset_target_not_admin",
            "该账号不是管理员账号，由系统管理员直接重置即可",
        ));
    }
    if !requester.is_admin() {
        return Err(not_admin(requester));
    }
    if requester == target {
        return Err(DomainError::new(
            crate::error::ErrorKind::Forbidden,
            "admin_reset_same_role",
            format!(
                "{}的凭据须由另外两类管理员中的一位申请、第三位批准",
                target.label_zh()
            ),
        ));
    }
    if let Some(approver) = approver {
        if !approver.is_admin() {
            return Err(not_admin(approver));
        }
        if approver == target || approver == requester {
            let third = [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin]
                .into_iter()
                .find(|r| *r != target && *r != requester)
                .unwrap_or(Role::AuditAdmin);
            return Err(DomainError::new(
                crate::error::ErrorKind::Forbidden,
                "admin_reset_wrong_approver",
                format!(
                    "{}申请重置{}的凭据，须由{}批准",
                    requester.label_zh(),
                    target.label_zh(),
                    third.label_zh()
                ),
            ));
        }
    }
    Ok(())
}

/// One role held at one node, with the path of the subtree it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub id: i64,
    pub role: Role,
    pub node_id: i64,
    pub node_name: String,
    pub node_kind: NodeKind,
    /// Path of the subtree this grant covers (the node's, or for a department its parent's).
    pub scope_path: String,
    pub scope_node_id: i64,
}

/// The logged-in user as authorization sees them.
#[derive(Clone, Debug, Serialize)]
pub struct Principal {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
    /// Must choose a new password before doing anything else.
    pub must_change_password: bool,
    /// A role the account holds requires a second factor and none is enrolled yet: must enrol
    /// (after any password change) before doing anything else.
    pub must_enrol_second_factor: bool,
}

/// The node an action is aimed at: its id and materialized path.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    pub node_id: i64,
    pub path: &'a str,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// The administrator role the user holds, if any (one account holds at most one kind).
    pub fn admin_role(&self) -> Option<Role> {
        self.grants.iter().map(|g| g.role).find(|r| r.is_admin())
    }

    /// What the account must do before anything else: change its password, then enrol a
    /// second factor. `None` when it may act.
    pub fn blocked(&self) -> Option<DomainError> {
        if self.must_change_password {
            Some(DomainError::new(
                crate::error::ErrorKind::Forbidden,
                "password_change_required",
                "请先修改密码",
            ))
        } else if self.must_enrol_second_factor {
            Some(DomainError::new(
                crate::error::ErrorKind::Forbidden,
                "second_factor_required",
                "您的角色须使用动态口令（第二因素）登录，请先在“动态口令”页面完成绑定",
            ))
        } else {
            None
        }
    }

    /// Whether any of the user's roles allows `action` somewhere (the coarse gate for routes).
    pub fn may(&self, action: Action) -> bool {
        self.blocked().is_none() && self.grants.iter().any(|g| permits(g.role, action))
    }
}

/// Where `p` may take `action`: the one table behind both single targets ([`authorize`]) and
/// lists (a repository turns the [`Scope`] into SQL with [`Scope::holds`]). A grant covers its
/// subtree, except for [`Action::RegisterDemand`]: each level keeps its own list (4.2-2), so the
/// keeper's scope is the node of its level itself — the city's keeper does not register a
/// district department's items, nor a district's keeper another district's. Empty when the
/// account must first change its password or enrol a second factor.
pub fn visible(p: &Principal, action: Action) -> Scope {
    if p.blocked().is_some() {
        return Scope::nothing();
    }
    let paths = p
        .grants
        .iter()
        .filter(|g| permits(g.role, action))
        .map(|g| g.scope_path.clone())
        .collect();
    if matches!(
        action,
        Action::RegisterDemand | Action::ApproveBulletin | Action::RunComprehensive
    ) {
        Scope::new(Vec::new(), paths)
    } else {
        Scope::new(paths, Vec::new())
    }
}

/// The units `p` acts for with `action` (the node of each grant that permits it, not the
/// subtree): a department drafting demands owns the demands it drafted. Empty when blocked.
pub fn own_units(p: &Principal, action: Action) -> Vec<i64> {
    if p.blocked().is_some() {
        return Vec::new();
    }
    let mut v: Vec<i64> = p
        .grants
        .iter()
        .filter(|g| permits(g.role, action))
        .map(|g| g.node_id)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The jurisdictions (the scope node of each grant) where `p` takes `action`: the levels a
/// supervisor drafts bulletins for. Empty when blocked.
pub fn jurisdictions(p: &Principal, action: Action) -> Vec<i64> {
    if p.blocked().is_some() {
        return Vec::new();
    }
    p.grants
        .iter()
        .filter(|g| permits(g.role, action))
        .map(|g| g.scope_node_id)
        .collect()
}

/// Whether `p` holds a role permitting one of `actions` whose jurisdiction is exactly the
/// level at `level_path` (a district or the city): the staff of that level, as for a
/// bulletin's draft (5.3-3), which a higher level's staff do not see. False when blocked.
pub fn at_level(p: &Principal, actions: &[Action], level_path: &str) -> bool {
    p.blocked().is_none()
        && p.grants
            .iter()
            .any(|g| g.scope_path == level_path && actions.iter().any(|a| permits(g.role, *a)))
}

/// Whether `p` answers rectification notices for the unit `unit_node_id` (整改答复): a role
/// that permits [`Action::AnswerNotice`] held at that very node. A department's role covers the
/// city or district it serves for other actions; the notice is the department's own.
pub fn answers_for(p: &Principal, unit_node_id: i64) -> bool {
    own_units(p, Action::AnswerNotice).contains(&unit_node_id)
}

/// Whether `p` is the authority of exactly the level and place `scope_node_id` for `action`
/// (准入审批): a grant held at that node, or whose jurisdiction is that node. A city approver's
/// jurisdiction covers the districts, but district demands are the district's to admit (4.2-4);
/// a staffing office is a department, whose grant's scope is its district (4.1-5). False when
/// blocked.
pub fn holds_authority(p: &Principal, action: Action, scope_node_id: i64) -> bool {
    p.blocked().is_none()
        && p.grants.iter().any(|g| {
            permits(g.role, action)
                && (g.node_id == scope_node_id || g.scope_node_id == scope_node_id)
        })
}

/// The grant with which `p` takes `action` in the name of the unit `unit_node_id` (a
/// department drafting its own demands), or with `unit_node_id == 0` the first such grant.
/// `None` when no role held at that unit permits it.
pub fn acting_for(p: &Principal, action: Action, unit_node_id: i64) -> Option<&Grant> {
    p.grants
        .iter()
        .filter(|g| permits(g.role, action))
        .find(|g| g.node_id == unit_node_id || unit_node_id == 0)
}

/// The one authorization decision: may `p` take `action` on `target`? Exactly when the target
/// lies in [`visible`]`(p, action)`.
pub fn authorize(p: &Principal, action: Action, target: &Target<'_>) -> Result<()> {
    if let Some(e) = p.blocked() {
        return Err(e);
    }
    if visible(p, action).covers(target.path) {
        Ok(())
    } else {
        Err(DomainError::forbidden(format!(
            "您没有权限{}（该对象不在您的管辖范围内或您的角色不允许）",
            action.label_zh()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, scope_path: &str) -> Principal {
        Principal {
            account_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            grants: vec![Grant {
                id: 1,
                role,
                node_id: 9,
                node_name: "n".into(),
                node_kind: NodeKind::District,
                scope_path: scope_path.into(),
                scope_node_id: 9,
            }],
            must_change_password: false,
            must_enrol_second_factor: false,
        }
    }

    /// Role × action, written out by hand so that a change to `permits` must change this too.
    #[test]
    fn role_action_matrix() {
        use Action as A;
        use Role as R;
        let expected: &[(Role, &[Action])] = &[
            (
                R::Resident,
                &[A::ApplyCertificate, A::RateCommunity, A::ViewOwnDataAccess],
            ),
            (
                R::CommunityWorker,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::ReportUnadmitted,
                    A::AnswerNotice,
                    A::ViewLedger,
                    A::ApplyCertificate,
                    A::ProcessCertificate,
                    A::RevokeCertificate,
                    A::ViewCertificates,
                    A::ViewSealLedger,
                    A::ViewPlaques,
                    A::ManagePlaques,
                    A::ViewComprehensive,
                    A::NominateComprehensive,
                    A::ViewMonitoring,
                    A::AnswerMonitoring,
                    A::RateDepartment,
                    A::FillFormReturn,
                    A::IssueSatisfactionCodes,
                    A::DecideDataRequest,
                    A::KeepPersonRecords,
                ],
            ),
            (
                R::CommunityHead,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::ReportUnadmitted,
                    A::AnswerNotice,
                    A::ViewLedger,
                    A::ApplyCertificate,
                    A::ProcessCertificate,
                    A::SignCertificate,
                    A::RevokeCertificate,
                    A::ViewCertificates,
                    A::ViewSealLedger,
                    A::ViewPlaques,
                    A::ManagePlaques,
                    A::ViewComprehensive,
                    A::NominateComprehensive,
                    A::ViewMonitoring,
                    A::AnswerMonitoring,
                    A::RateDepartment,
                    A::FillFormReturn,
                    A::IssueSatisfactionCodes,
                    A::DecideDataRequest,
                    A::KeepPersonRecords,
                    A::ReadClearIdNumbers,
                ],
            ),
            (
                R::StreetOfficial,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::AnswerNotice,
                    A::ViewLedger,
                    A::ViewCertificates,
                    A::ViewSealLedger,
                    A::ViewPlaques,
                    A::ManagePlaques,
                    A::RequestTemporaryPlaque,
                    A::CompleteSelfInspection,
                    A::ViewComprehensive,
                    A::ReviewNomination,
                    A::ViewOwnRating,
                ],
            ),
            (
                R::DistrictDepartment,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::DraftDemand,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::AnswerNotice,
                    A::ViewOwnRating,
                    A::ViewFormReturns,
                    A::RemindFormReturns,
                    A::ReadSharedData,
                    A::DecideDataRequest,
                ],
            ),
            (
                R::StaffingOffice,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::AnswerNotice,
                    A::ViewPlaques,
                    A::ApproveTemporaryPlaque,
                    A::ViewOwnRating,
                ],
            ),
            (
                R::DistrictApprover,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::AdmitDistrictDemand,
                    A::RevokeDemand,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::ReviewDemands,
                    A::ApproveBulletin,
                    A::ViewLedger,
                    A::ViewCertificates,
                    A::ViewSealLedger,
                    A::ManageCatalogue,
                    A::ViewPlaques,
                    A::LaunchCampaign,
                    A::ViewComprehensive,
                    A::SetAgriFormCap,
                    A::ViewOverview,
                    A::ViewDepartmentRanking,
                ],
            ),
            (
                R::CityDepartment,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::DraftDemand,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::AnswerNotice,
                    A::ViewOwnRating,
                    A::ViewFormReturns,
                    A::RemindFormReturns,
                    A::ReadSharedData,
                    A::DecideDataRequest,
                ],
            ),
            (
                R::CityApprover,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::AdmitCityDemand,
                    A::RevokeDemand,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::ManageDataDictionary,
                    A::ReviewDemands,
                    A::ApproveBulletin,
                    A::ViewLedger,
                    A::ViewCertificates,
                    A::ViewSealLedger,
                    A::ManageCatalogue,
                    A::ViewPlaques,
                    A::ViewComprehensive,
                    A::ViewOverview,
                    A::ViewDepartmentRanking,
                ],
            ),
            (
                R::Supervisor,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::RegisterDemand,
                    A::RevokeDemand,
                    A::ViewDemands,
                    A::ViewDataDictionary,
                    A::ReviewDemands,
                    A::ViewCases,
                    A::DecideCase,
                    A::DraftBulletin,
                    A::ViewLedger,
                    A::RevokeCertificate,
                    A::ViewCertificates,
                    A::ViewSealLedger,
                    A::ViewPlaques,
                    A::LaunchCampaign,
                    A::RunComprehensive,
                    A::ViewComprehensive,
                    A::ViewMonitoring,
                    A::DesignateMonitoringPoint,
                    A::ViewOverview,
                    A::ViewDepartmentRanking,
                ],
            ),
            (
                R::SystemAdmin,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ManageTree,
                    A::ViewAccounts,
                    A::ManageAccounts,
                    A::ManageSeals,
                    A::ManageHolidays,
                    A::ViewJobs,
                    A::RequestAdminReset,
                    A::ApproveAdminReset,
                ],
            ),
            (
                R::SecurityAdmin,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ViewAccounts,
                    A::GrantRoles,
                    A::LockAccounts,
                    A::EditSecurityPolicy,
                    A::RequestAdminReset,
                    A::ApproveAdminReset,
                    A::ResetSecondFactor,
                ],
            ),
            (
                R::AuditAdmin,
                &[
                    A::ViewTree,
                    A::ManageApiTokens,
                    A::ReadAudit,
                    A::RequestAdminReset,
                    A::ApproveAdminReset,
                    A::ViewDataAccessLog,
                ],
            ),
        ];
        assert_eq!(expected.len(), Role::ALL.len());
        for (role, actions) in expected {
            for action in Action::ALL {
                assert_eq!(
                    permits(*role, action),
                    actions.contains(&action),
                    "{role:?} × {action:?}"
                );
            }
        }
    }

    /// Every administrator against every other, alone and with each approver: only the two
    /// other roles may ask, and only the third may approve.
    #[test]
    fn dual_control_over_administrator_resets() {
        use Role as R;
        const ADMINS: [Role; 3] = [R::SystemAdmin, R::SecurityAdmin, R::AuditAdmin];
        for target in ADMINS {
            for requester in ADMINS {
                let asked = dual_control(target, requester, None);
                assert_eq!(
                    asked.is_ok(),
                    requester != target,
                    "{requester:?} asks for {target:?}"
                );
                for approver in ADMINS {
                    let ok = requester != target && approver != target && approver != requester;
                    assert_eq!(
                        dual_control(target, requester, Some(approver)).is_ok(),
                        ok,
                        "{requester:?} asks, {approver:?} approves, for {target:?}"
                    );
                }
            }
        }
        assert_eq!(
            dual_control(R::SystemAdmin, R::CityApprover, None)
                .unwrap_err()
                .code,
            "admin_reset_not_admin"
        );
        assert_eq!(
            dual_control(R::Resident, R::SystemAdmin, None)
                .unwrap_err()
                .code,
            "admin_reset_target_not_admin"
        );
    }

    #[test]
    fn jurisdiction_is_the_subtree() {
        let p = principal(Role::SystemAdmin, "/1/2/");
        let inside = Target {
            node_id: 5,
            path: "/1/2/5/",
        };
        let same = Target {
            node_id: 2,
            path: "/1/2/",
        };
        let sibling = Target {
            node_id: 3,
            path: "/1/3/",
        };
        let above = Target {
            node_id: 1,
            path: "/1/",
        };
        // "/1/2" must not cover "/1/22/": paths end with a slash.
        let lookalike = Target {
            node_id: 22,
            path: "/1/22/",
        };
        assert!(authorize(&p, Action::ManageTree, &inside).is_ok());
        assert!(authorize(&p, Action::ManageTree, &same).is_ok());
        for t in [sibling, above, lookalike] {
            let e = authorize(&p, Action::ManageTree, &t).unwrap_err();
            assert_eq!(e.code, "forbidden");
        }
        assert!(authorize(&p, Action::ReadAudit, &same).is_err());
    }

    /// 备案 is kept per level (4.2-2): a keeper registers only the demands of its own city or
    /// district, not those of a district below it, nor of another district.
    #[test]
    fn a_keeper_registers_only_its_own_levels_list() {
        let city = principal(Role::Supervisor, "/1/");
        let district = principal(Role::Supervisor, "/1/2/");
        let at = |path| Target { node_id: 0, path };
        assert!(authorize(&city, Action::RegisterDemand, &at("/1/")).is_ok());
        assert!(authorize(&city, Action::RegisterDemand, &at("/1/2/")).is_err());
        assert!(authorize(&district, Action::RegisterDemand, &at("/1/2/")).is_ok());
        assert!(authorize(&district, Action::RegisterDemand, &at("/1/3/")).is_err());
        assert!(authorize(&district, Action::RegisterDemand, &at("/1/")).is_err());
        // Revoking still covers the subtree.
        assert!(authorize(&city, Action::RevokeDemand, &at("/1/2/")).is_ok());
        let approver = principal(Role::DistrictApprover, "/1/2/");
        assert!(authorize(&approver, Action::RegisterDemand, &at("/1/2/")).is_err());
    }

    /// A notice is answered by the unit it names, not by the city or district a department's
    /// role otherwise covers, nor by a supervisor.
    #[test]
    fn a_notice_is_answered_by_its_own_unit_only() {
        let mut dept = principal(Role::DistrictDepartment, "/1/2/");
        dept.grants[0].node_id = 7;
        assert!(answers_for(&dept, 7));
        assert!(!answers_for(&dept, 9), "not the district it serves");
        assert!(!answers_for(&dept, 8));
        let sup = principal(Role::Supervisor, "/1/2/");
        assert!(!answers_for(&sup, 9));
        let mut blocked = dept.clone();
        blocked.must_change_password = true;
        assert!(!answers_for(&blocked, 7));
    }

    #[test]
    fn must_change_password_blocks_everything() {
        let mut p = principal(Role::SystemAdmin, "/1/");
        p.must_change_password = true;
        let t = Target {
            node_id: 1,
            path: "/1/",
        };
        assert_eq!(
            authorize(&p, Action::ViewTree, &t).unwrap_err().code,
            "password_change_required"
        );
        assert!(!p.may(Action::ViewTree));
    }

    /// An account that must enrol a second factor may do nothing else; a password change
    /// comes first.
    #[test]
    fn must_enrol_second_factor_blocks_everything() {
        let mut p = principal(Role::SecurityAdmin, "/1/");
        p.must_enrol_second_factor = true;
        let t = Target {
            node_id: 1,
            path: "/1/",
        };
        assert_eq!(
            authorize(&p, Action::EditSecurityPolicy, &t)
                .unwrap_err()
                .code,
            "second_factor_required"
        );
        assert!(!p.may(Action::ViewTree));
        assert!(visible(&p, Action::ViewTree).is_empty());
        p.must_change_password = true;
        assert_eq!(
            authorize(&p, Action::ViewTree, &t).unwrap_err().code,
            "password_change_required"
        );
    }

    #[test]
    fn where_roles_may_be_held() {
        use DepartmentFunction as F;
        use NodeKind as K;
        let cases = [
            (
                Role::CommunityHead,
                K::Community,
                None,
                Some(K::Street),
                true,
            ),
            (Role::CommunityHead, K::District, None, Some(K::City), false),
            (
                Role::StaffingOffice,
                K::Department,
                Some(F::StaffingOffice),
                Some(K::District),
                true,
            ),
            (
                Role::StaffingOffice,
                K::Department,
                Some(F::Other),
                Some(K::District),
                false,
            ),
            (
                Role::StaffingOffice,
                K::Department,
                Some(F::StaffingOffice),
                Some(K::City),
                false,
            ),
            (
                Role::Supervisor,
                K::Department,
                Some(F::CivilAffairs),
                Some(K::City),
                true,
            ),
            (
                Role::Supervisor,
                K::Department,
                Some(F::Other),
                Some(K::City),
                false,
            ),
            (
                Role::CityDepartment,
                K::Department,
                Some(F::Other),
                Some(K::District),
                false,
            ),
            (Role::SystemAdmin, K::Street, None, Some(K::District), false),
            (Role::AuditAdmin, K::City, None, None, true),
        ];
        for (role, kind, f, parent, want) in cases {
            assert_eq!(
                role.can_be_held_at(kind, f, parent),
                want,
                "{role:?} at {kind:?}"
            );
        }
    }
}
