//! Person-level records and the access log (issue 13 §4, 4.8-3), wholly here: a community's
//! records (insert with the sealed ID number, a page of them, all of one item for a read), the
//! access log (rows written with the read, a person's reads by blind index, every read for the
//! audit administrator with filters) and a resident account's identity. Writes take the
//! caller's `tx.conn()` so the audit entry commits with them.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::StoreError;
use crate::entity::{data_access, person_record, resident_identity};

pub use crate::entity::data_access::Model as AccessRow;
pub use crate::entity::person_record::Model as PersonRecordRow;
pub use crate::entity::resident_identity::Model as IdentityRow;

/// A new record; the ID number is sealed after the row has its id ([`set_id_number`]).
pub struct NewPersonRecord<'a> {
    pub community_node_id: i64,
    pub item_code: &'a str,
    pub name: &'a str,
    pub id_masked: &'a str,
    pub id_index: &'a str,
    pub details: &'a str,
    pub created_by: i64,
    pub created_by_name: &'a str,
    pub now: i64,
}

/// Stores a new record (its ID number still empty); its id.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    r: &NewPersonRecord<'_>,
) -> Result<i64, StoreError> {
    let m = person_record::ActiveModel {
        community_node_id: Set(r.community_node_id),
        item_code: Set(r.item_code.to_owned()),
        name: Set(r.name.to_owned()),
        id_number: Set(String::new()),
        id_masked: Set(r.id_masked.to_owned()),
        id_index: Set(r.id_index.to_owned()),
        details: Set(r.details.to_owned()),
        created_by: Set(r.created_by),
        created_by_name: Set(r.created_by_name.to_owned()),
        created_at: Set(r.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(m.id)
}

/// Stores record `id`'s sealed ID number.
pub async fn set_id_number<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    sealed: String,
) -> Result<(), StoreError> {
    person_record::Entity::update_many()
        .col_expr(
            person_record::Column::IdNumber,
            sea_orm::prelude::Expr::value(sealed),
        )
        .filter(person_record::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether `community` already keeps a record of the person `id_index` for `item_code`.
pub async fn exists<C: ConnectionTrait>(
    conn: &C,
    community: i64,
    item_code: &str,
    id_index: &str,
) -> Result<bool, StoreError> {
    Ok(person_record::Entity::find()
        .filter(person_record::Column::CommunityNodeId.eq(community))
        .filter(person_record::Column::ItemCode.eq(item_code))
        .filter(person_record::Column::IdIndex.eq(id_index))
        .count(conn)
        .await?
        > 0)
}

/// One page of `community`'s records (of `item_code` if given; `needle` in the name, or
/// `id_index` the person's blind index), newest first, and how many there are.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    community: i64,
    item_code: Option<&str>,
    needle: Option<(&str, &str)>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<PersonRecordRow>, u64), StoreError> {
    use person_record::Column as P;
    let mut q = person_record::Entity::find().filter(P::CommunityNodeId.eq(community));
    if let Some(code) = item_code {
        q = q.filter(P::ItemCode.eq(code));
    }
    if let Some((needle, index)) = needle {
        q = q.filter(
            Condition::any()
                .add(P::Name.contains(needle))
                .add(P::IdIndex.eq(index)),
        );
    }
    let q = q.order_by_desc(P::Id);
    let total = q.clone().count(conn).await?;
    Ok((q.offset(offset).limit(limit).all(conn).await?, total))
}

/// Every record of `item_code` that `community` keeps, in the order they were added.
pub async fn of_item<C: ConnectionTrait>(
    conn: &C,
    community: i64,
    item_code: &str,
) -> Result<Vec<PersonRecordRow>, StoreError> {
    Ok(person_record::Entity::find()
        .filter(person_record::Column::CommunityNodeId.eq(community))
        .filter(person_record::Column::ItemCode.eq(item_code))
        .order_by_asc(person_record::Column::Id)
        .all(conn)
        .await?)
}

/// Writes the access log's rows of one read.
pub async fn log_reads<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<AccessRow>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.into_iter().map(|r| data_access::ActiveModel {
        at: Set(r.at),
        reader_account_id: Set(r.reader_account_id),
        reader_name: Set(r.reader_name),
        reader_unit_id: Set(r.reader_unit_id),
        reader_unit_name: Set(r.reader_unit_name),
        community_node_id: Set(r.community_node_id),
        community_name: Set(r.community_name),
        item_code: Set(r.item_code),
        item_name: Set(r.item_name),
        person_record_id: Set(r.person_record_id),
        person_index: Set(r.person_index),
        purpose: Set(r.purpose),
        channel: Set(r.channel),
        clear_id: Set(r.clear_id),
        ..Default::default()
    });
    data_access::Entity::insert_many(models).exec(conn).await?;
    Ok(())
}

/// Filters of the access log (every one optional).
#[derive(Clone, Debug, Default)]
pub struct AccessFilter<'a> {
    /// Only the reads of this person (blind index).
    pub person_index: Option<&'a str>,
    pub reader_unit_id: Option<i64>,
    pub community_node_id: Option<i64>,
    pub item_code: Option<&'a str>,
    /// Unix ms, inclusive.
    pub from: Option<i64>,
    /// Unix ms, exclusive.
    pub until: Option<i64>,
}

/// One page of the access log under `f`, newest first, and how many rows match.
pub async fn access_page<C: ConnectionTrait>(
    conn: &C,
    f: &AccessFilter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AccessRow>, u64), StoreError> {
    use data_access::Column as D;
    let mut q = data_access::Entity::find();
    if let Some(p) = f.person_index {
        q = q.filter(D::PersonIndex.eq(p));
    }
    if let Some(u) = f.reader_unit_id {
        q = q.filter(D::ReaderUnitId.eq(u));
    }
    if let Some(c) = f.community_node_id {
        q = q.filter(D::CommunityNodeId.eq(c));
    }
    if let Some(i) = f.item_code {
        q = q.filter(D::ItemCode.eq(i));
    }
    if let Some(t) = f.from {
        q = q.filter(D::At.gte(t));
    }
    if let Some(t) = f.until {
        q = q.filter(D::At.lt(t));
    }
    let q = q.order_by_desc(D::At).order_by_desc(D::Id);
    let total = q.clone().count(conn).await?;
    Ok((q.offset(offset).limit(limit).all(conn).await?, total))
}

/// The parties the access log names, for its filters: the reading units, the communities and
/// the items, each once as (id or code, name as logged), ordered by name.
pub struct AccessParties {
    pub units: Vec<(i64, String)>,
    pub communities: Vec<(i64, String)>,
    pub items: Vec<(String, String)>,
}

/// Every reading unit, community and item that appears in the access log.
pub async fn access_parties<C: ConnectionTrait>(conn: &C) -> Result<AccessParties, StoreError> {
    use data_access::Column as D;
    Ok(AccessParties {
        units: distinct_pairs(conn, D::ReaderUnitId, D::ReaderUnitName).await?,
        communities: distinct_pairs(conn, D::CommunityNodeId, D::CommunityName).await?,
        items: distinct_pairs(conn, D::ItemCode, D::ItemName).await?,
    })
}

/// The distinct (key, name) pairs of the log, by name, one per key.
async fn distinct_pairs<C, K>(
    conn: &C,
    key: data_access::Column,
    name: data_access::Column,
) -> Result<Vec<(K, String)>, StoreError>
where
    C: ConnectionTrait,
    K: Ord + Clone,
    (K, String): sea_orm::TryGetableMany,
{
    let rows: Vec<(K, String)> = data_access::Entity::find()
        .select_only()
        .column(key)
        .column(name)
        .distinct()
        .order_by_asc(name)
        .order_by_asc(key)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(dedup_ids(rows))
}

/// One entry per id: a unit renamed between reads keeps the first name in order.
fn dedup_ids<K: Ord + Clone>(mut v: Vec<(K, String)>) -> Vec<(K, String)> {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|(k, _)| seen.insert(k.clone()));
    v
}

/// The identity of account `account`, if an administrator recorded one.
pub async fn identity<C: ConnectionTrait>(
    conn: &C,
    account: i64,
) -> Result<Option<IdentityRow>, StoreError> {
    Ok(resident_identity::Entity::find_by_id(account)
        .one(conn)
        .await?)
}

/// Records (or replaces) account `row.account_id`'s identity.
pub async fn set_identity<C: ConnectionTrait>(
    conn: &C,
    row: IdentityRow,
) -> Result<(), StoreError> {
    use resident_identity::Column as R;
    resident_identity::Entity::insert(resident_identity::ActiveModel {
        account_id: Set(row.account_id),
        id_masked: Set(row.id_masked),
        id_index: Set(row.id_index),
        set_by: Set(row.set_by),
        set_at: Set(row.set_at),
    })
    .on_conflict(
        OnConflict::column(R::AccountId)
            .update_columns([R::IdMasked, R::IdIndex, R::SetBy, R::SetAt])
            .to_owned(),
    )
    .exec(conn)
    .await?;
    Ok(())
}
