//! Certificates (证明事项, 4.5) and electronic seals: the catalogue of certificate types (the
//! city's, each district's selection and local additions, and the discontinued list), residents'
//! applications with their attachments, the community seals and the seal authority that signs
//! their records, issued certificates, the seal-use ledger, and the imported holiday calendars
//! that time limits are counted on.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Node {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CertificateType {
    Table,
    Id,
    ScopeNodeId,
    Code,
    Name,
    Listing,
    BasisKind,
    BasisTitle,
    BasisArticle,
    WithinDuty,
    Conditions,
    Materials,
    Template,
    ProcessingDays,
    NeedsInvestigation,
    PublicInterest,
    Purpose,
    Steps,
    AlternativeRoute,
    AlternativeNote,
    Source,
    Decision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CatalogueEntry {
    Table,
    DistrictNodeId,
    TypeId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CertificateApplication {
    Table,
    Id,
    CommunityNodeId,
    TypeId,
    RequestedName,
    ApplicantAccountId,
    ApplicantName,
    ApplicantIdNumber,
    Purpose,
    Details,
    Status,
    Path,
    ReceivedOn,
    DueOn,
    Decision,
    InvestigationNote,
    InvestigatedBy,
    Deliberation,
    HeadApprovedBy,
    HeadApprovedAt,
    RiskAssessment,
    DelayNote,
    RefuseReason,
    ReviewedBy,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Attachment {
    Table,
    Id,
    ApplicationId,
    FileName,
    ContentType,
    SizeBytes,
    Sm3,
    Content,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SealAuthority {
    Table,
    Id,
    Name,
    PublicKey,
    KeyBlob,
    CreatedAt,
}

// The column is `seal_code` (the seal's printed ID), not a repetition of the table name.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
enum Seal {
    Table,
    Id,
    CommunityNodeId,
    SealCode,
    Record,
    KeyBlob,
    Status,
    ValidFrom,
    ValidTo,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Certificate {
    Table,
    Id,
    ApplicationId,
    Serial,
    CheckCode,
    SealId,
    Document,
    Pdf,
    Status,
    IssuedBy,
    IssuedAt,
    RevokedBy,
    RevokedAt,
    RevokeReason,
}

#[derive(DeriveIden)]
enum SealUse {
    Table,
    Id,
    SealId,
    CertificateId,
    AccountId,
    At,
    Approval,
}

#[derive(DeriveIden)]
enum HolidayYear {
    Table,
    Year,
    Source,
    ImportedBy,
    ImportedAt,
}

/// A foreign key from `table.col` to `to.id`.
fn fk(
    table: impl IntoIden,
    col: impl IntoIden,
    to: impl IntoIden,
    to_id: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, to_id)
        .on_delete(on_delete)
        .to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    m.create_index(Index::create().name(name).table(table).col(col).to_owned())
        .await
}

const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CertificateType as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(big_pk_auto(T::Id))
                // The city (city catalogue and discontinued list) or a district (local types).
                .col(big_integer(T::ScopeNodeId))
                .col(string_len(T::Code, 64).unique_key())
                .col(string_len(T::Name, 100))
                // retained | discontinued (不再保留, 4.5-11/4.5-12)
                .col(string_len(T::Listing, 16))
                // law | regulation | rule | retained_list; null on the discontinued list.
                .col(string_len_null(T::BasisKind, 16))
                .col(string_len_null(T::BasisTitle, 200))
                .col(string_len_null(T::BasisArticle, 100))
                .col(boolean(T::WithinDuty))
                .col(text(T::Conditions))
                .col(text(T::Materials))
                .col(text(T::Template))
                // 0 = same day (当场办结), N = within N working days (限时办结).
                .col(integer(T::ProcessingDays))
                .col(boolean(T::NeedsInvestigation))
                .col(boolean(T::PublicInterest))
                .col(text(T::Purpose))
                .col(text(T::Steps))
                .col(string_len_null(T::AlternativeRoute, 32))
                .col(text_null(T::AlternativeNote))
                // Where the entry comes from (a document, or 示例 for invented demo data).
                .col(text(T::Source))
                // The catalogue rules' decision (JSON), shown on the guide.
                .col(text(T::Decision))
                .col(big_integer(T::CreatedAt))
                .col(big_integer(T::UpdatedAt))
                .foreign_key(&mut fk(
                    T::Table,
                    T::ScopeNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;

        // A district's catalogue (4.5-2): the city types it adopts and its own local types.
        m.create_table(
            Table::create()
                .table(CatalogueEntry::Table)
                .col(big_integer(CatalogueEntry::DistrictNodeId))
                .col(big_integer(CatalogueEntry::TypeId))
                .col(big_integer(CatalogueEntry::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(CatalogueEntry::DistrictNodeId)
                        .col(CatalogueEntry::TypeId),
                )
                .foreign_key(&mut fk(
                    CatalogueEntry::Table,
                    CatalogueEntry::DistrictNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    CatalogueEntry::Table,
                    CatalogueEntry::TypeId,
                    T::Table,
                    T::Id,
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;

        use CertificateApplication as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::CommunityNodeId))
                // Null when the resident asked for something in no catalogue (refused, 4.5-10).
                .col(big_integer_null(A::TypeId))
                .col(string_len(A::RequestedName, 100))
                .col(big_integer_null(A::ApplicantAccountId))
                .col(string_len(A::ApplicantName, 50))
                // Full 公民身份号码: shown masked everywhere except to the applicant and the
                // issuing worker (audited).
                .col(string_len(A::ApplicantIdNumber, 18))
                .col(text(A::Purpose))
                .col(text(A::Details))
                // submitted | refused | issued
                .col(string_len(A::Status, 16))
                // catalogue | transitional (4.5-12) | none
                .col(string_len(A::Path, 16))
                .col(string_len(A::ReceivedOn, 10))
                .col(string_len_null(A::DueOn, 10))
                .col(text(A::Decision))
                .col(text_null(A::InvestigationNote))
                .col(big_integer_null(A::InvestigatedBy))
                .col(text_null(A::Deliberation))
                .col(big_integer_null(A::HeadApprovedBy))
                .col(big_integer_null(A::HeadApprovedAt))
                .col(text_null(A::RiskAssessment))
                .col(text_null(A::DelayNote))
                .col(text_null(A::RefuseReason))
                .col(big_integer_null(A::ReviewedBy))
                .col(big_integer(A::CreatedBy))
                .col(big_integer(A::CreatedAt))
                .col(big_integer(A::UpdatedAt))
                .foreign_key(&mut fk(
                    A::Table,
                    A::CommunityNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(A::Table, A::TypeId, T::Table, T::Id, RESTRICT))
                .foreign_key(&mut fk(
                    A::Table,
                    A::ApplicantAccountId,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    A::Table,
                    A::CreatedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "certificate_application_community",
            A::Table,
            A::CommunityNodeId,
        )
        .await?;
        index(
            m,
            "certificate_application_applicant",
            A::Table,
            A::ApplicantAccountId,
        )
        .await?;

        // Attachments live in the database (never under a served path), checked by content.
        m.create_table(
            Table::create()
                .table(Attachment::Table)
                .col(big_pk_auto(Attachment::Id))
                .col(big_integer(Attachment::ApplicationId))
                .col(string_len(Attachment::FileName, 120))
                .col(string_len(Attachment::ContentType, 64))
                .col(big_integer(Attachment::SizeBytes))
                .col(string_len(Attachment::Sm3, 64))
                .col(blob(Attachment::Content))
                .col(big_integer(Attachment::CreatedBy))
                .col(big_integer(Attachment::CreatedAt))
                .foreign_key(&mut fk(
                    Attachment::Table,
                    Attachment::ApplicationId,
                    A::Table,
                    A::Id,
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "attachment_application",
            Attachment::Table,
            Attachment::ApplicationId,
        )
        .await?;

        // The city's seal authority (one row, id 1): signs every seal record. Its private key is
        // SM4-encrypted under a key derived from the deployment secret.
        m.create_table(
            Table::create()
                .table(SealAuthority::Table)
                .col(big_integer(SealAuthority::Id).primary_key())
                .col(string_len(SealAuthority::Name, 100))
                .col(text(SealAuthority::PublicKey))
                .col(text(SealAuthority::KeyBlob))
                .col(big_integer(SealAuthority::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Seal::Table)
                .col(big_pk_auto(Seal::Id))
                .col(big_integer(Seal::CommunityNodeId))
                .col(string_len(Seal::SealCode, 32).unique_key())
                // The signed seal record (GB/T 38540 style) as JSON.
                .col(text(Seal::Record))
                .col(text(Seal::KeyBlob))
                // active | retired
                .col(string_len(Seal::Status, 16))
                .col(string_len(Seal::ValidFrom, 10))
                .col(string_len(Seal::ValidTo, 10))
                .col(big_integer(Seal::CreatedAt))
                .col(big_integer(Seal::UpdatedAt))
                .foreign_key(&mut fk(
                    Seal::Table,
                    Seal::CommunityNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "seal_community", Seal::Table, Seal::CommunityNodeId).await?;

        use Certificate as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(big_pk_auto(C::Id))
                .col(big_integer(C::ApplicationId).unique_key())
                .col(string_len(C::Serial, 32).unique_key())
                .col(string_len(C::CheckCode, 16))
                .col(big_integer(C::SealId))
                // The sealed certificate (content, seal record, signature) as JSON.
                .col(text(C::Document))
                .col(blob(C::Pdf))
                // issued | revoked
                .col(string_len(C::Status, 16))
                .col(big_integer(C::IssuedBy))
                .col(big_integer(C::IssuedAt))
                .col(big_integer_null(C::RevokedBy))
                .col(big_integer_null(C::RevokedAt))
                .col(text_null(C::RevokeReason))
                .foreign_key(&mut fk(
                    C::Table,
                    C::ApplicationId,
                    A::Table,
                    A::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    C::Table,
                    C::SealId,
                    Seal::Table,
                    Seal::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    C::Table,
                    C::IssuedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;

        // The seal-use ledger: one row per application of a seal, always to an issued
        // certificate (there is no "stamp a blank page" action).
        m.create_table(
            Table::create()
                .table(SealUse::Table)
                .col(big_pk_auto(SealUse::Id))
                .col(big_integer(SealUse::SealId))
                .col(big_integer(SealUse::CertificateId))
                .col(big_integer(SealUse::AccountId))
                .col(big_integer(SealUse::At))
                .col(text(SealUse::Approval))
                .foreign_key(&mut fk(
                    SealUse::Table,
                    SealUse::SealId,
                    Seal::Table,
                    Seal::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    SealUse::Table,
                    SealUse::CertificateId,
                    C::Table,
                    C::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    SealUse::Table,
                    SealUse::AccountId,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "seal_use_seal", SealUse::Table, SealUse::SealId).await?;

        // Holiday calendars imported by an administrator; a year here replaces the built-in one.
        m.create_table(
            Table::create()
                .table(HolidayYear::Table)
                .col(integer(HolidayYear::Year).primary_key())
                .col(text(HolidayYear::Source))
                .col(big_integer(HolidayYear::ImportedBy))
                .col(big_integer(HolidayYear::ImportedAt))
                .foreign_key(&mut fk(
                    HolidayYear::Table,
                    HolidayYear::ImportedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
