//! The district's comprehensive evaluation of communities (社区(村)工作综合考评, 4.3-4; issue 12
//! §2): the year's campaign with its design (indicator groups, the resident-satisfaction
//! questions), each community's self-nomination per indicator with its evidence files and the
//! street's review, the district's indicator scores, and the residents' satisfaction responses.
//!
//! A response is stored apart from who gave it: `comprehensive_respondent` only says that an
//! account has answered a campaign (one response each, enforced by its primary key), and
//! `comprehensive_response` holds the answers without any account, so nobody — the community
//! included — can tell who answered what.

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
enum ComprehensiveCampaign {
    Table,
    Id,
    DistrictNodeId,
    Name,
    Year,
    Design,
    NominationDeadline,
    MinResponses,
    Status,
    CreatedBy,
    CreatedAt,
    ClosedBy,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ComprehensiveNomination {
    Table,
    Id,
    CampaignId,
    CommunityNodeId,
    Indicator,
    Report,
    Status,
    Late,
    SubmittedBy,
    SubmittedAt,
    ReviewReason,
    ReviewedBy,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum ComprehensiveEvidence {
    Table,
    Id,
    NominationId,
    FileName,
    ContentType,
    SizeBytes,
    Sm3,
    Content,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ComprehensiveScore {
    Table,
    CampaignId,
    CommunityNodeId,
    Indicator,
    Score,
    ScoredBy,
    ScoredAt,
}

#[derive(DeriveIden)]
enum ComprehensiveRespondent {
    Table,
    CampaignId,
    AccountId,
}

#[derive(DeriveIden)]
enum ComprehensiveResponse {
    Table,
    Id,
    CampaignId,
    CommunityNodeId,
    Ratings,
    Comment,
    Low,
    AnsweredOn,
}

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

const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ComprehensiveCampaign as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(big_pk_auto(C::Id))
                .col(big_integer(C::DistrictNodeId))
                .col(string_len(C::Name, 200))
                .col(integer(C::Year))
                // The groups, indicators and questions as JSON (never changed once created).
                .col(text(C::Design))
                // YYYY-MM-DD, the last day of self-nomination.
                .col(string_len(C::NominationDeadline, 10))
                .col(integer(C::MinResponses))
                // `open` or `closed` (closed = scores frozen and the ranking published).
                .col(string_len(C::Status, 16))
                .col(big_integer(C::CreatedBy))
                .col(big_integer(C::CreatedAt))
                .col(big_integer_null(C::ClosedBy))
                .col(big_integer_null(C::ClosedAt))
                .foreign_key(&mut fk(
                    C::Table,
                    C::DistrictNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        // One campaign per district and year (4.3-4).
        m.create_index(
            Index::create()
                .name("comprehensive_campaign_district_year")
                .table(C::Table)
                .col(C::DistrictNodeId)
                .col(C::Year)
                .unique()
                .to_owned(),
        )
        .await?;

        use ComprehensiveNomination as N;
        m.create_table(
            Table::create()
                .table(N::Table)
                .col(big_pk_auto(N::Id))
                .col(big_integer(N::CampaignId))
                .col(big_integer(N::CommunityNodeId))
                // The indicator's number in the design (1-based, across the groups).
                .col(integer(N::Indicator))
                .col(text(N::Report))
                // `submitted`, `accepted` or `amend` (the street asked for more).
                .col(string_len(N::Status, 16))
                // Last submitted after the deadline (an amendment may come late).
                .col(boolean(N::Late))
                .col(big_integer(N::SubmittedBy))
                .col(big_integer(N::SubmittedAt))
                .col(text_null(N::ReviewReason))
                .col(big_integer_null(N::ReviewedBy))
                .col(big_integer_null(N::ReviewedAt))
                .foreign_key(&mut fk(N::Table, N::CampaignId, C::Table, C::Id, CASCADE))
                .foreign_key(&mut fk(
                    N::Table,
                    N::CommunityNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comprehensive_nomination_one")
                .table(N::Table)
                .col(N::CampaignId)
                .col(N::CommunityNodeId)
                .col(N::Indicator)
                .unique()
                .to_owned(),
        )
        .await?;

        use ComprehensiveEvidence as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::NominationId))
                .col(string_len(E::FileName, 200))
                .col(string_len(E::ContentType, 64))
                .col(big_integer(E::SizeBytes))
                .col(string_len(E::Sm3, 64))
                .col(blob(E::Content))
                .col(big_integer(E::CreatedBy))
                .col(big_integer(E::CreatedAt))
                .foreign_key(&mut fk(E::Table, E::NominationId, N::Table, N::Id, CASCADE))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comprehensive_evidence_nomination")
                .table(E::Table)
                .col(E::NominationId)
                .to_owned(),
        )
        .await?;

        use ComprehensiveScore as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(big_integer(S::CampaignId))
                .col(big_integer(S::CommunityNodeId))
                .col(integer(S::Indicator))
                // Hundredths of a point, 0–10000.
                .col(integer(S::Score))
                .col(big_integer(S::ScoredBy))
                .col(big_integer(S::ScoredAt))
                .primary_key(
                    Index::create()
                        .col(S::CampaignId)
                        .col(S::CommunityNodeId)
                        .col(S::Indicator),
                )
                .foreign_key(&mut fk(S::Table, S::CampaignId, C::Table, C::Id, CASCADE))
                .foreign_key(&mut fk(
                    S::Table,
                    S::CommunityNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;

        use ComprehensiveRespondent as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_integer(R::CampaignId))
                .col(big_integer(R::AccountId))
                .primary_key(Index::create().col(R::CampaignId).col(R::AccountId))
                .foreign_key(&mut fk(R::Table, R::CampaignId, C::Table, C::Id, CASCADE))
                .to_owned(),
        )
        .await?;

        use ComprehensiveResponse as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::CampaignId))
                .col(big_integer(A::CommunityNodeId))
                // One rating per question, in order, as a JSON array of rating codes.
                .col(text(A::Ratings))
                .col(text_null(A::Comment))
                // Some answer is 不满意 or 非常不满意.
                .col(boolean(A::Low))
                // The day only: no time that could be matched with a login.
                .col(string_len(A::AnsweredOn, 10))
                .foreign_key(&mut fk(A::Table, A::CampaignId, C::Table, C::Id, CASCADE))
                .foreign_key(&mut fk(
                    A::Table,
                    A::CommunityNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("comprehensive_response_community")
                .table(A::Table)
                .col(A::CampaignId)
                .col(A::CommunityNodeId)
                .to_owned(),
        )
        .await
    }
}
