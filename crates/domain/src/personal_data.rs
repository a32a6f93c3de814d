//! Personal data at rest in the domain's terms: the applicant's full ID number is written
//! encrypted and bound to its row, read back only where the product shows it in full (the
//! applicant, the issuing worker, the certificate), found by exact search through its blind
//! index, and — at start-up and on key rotation — every row not yet under the current data key
//! (plaintext rows of an older installation included) is brought under it.

use jianfu_store::WriteTx;
use jianfu_store::entity::certificate_application;
use jianfu_store::orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, prelude::Expr,
};
use jianfu_store::personal::{APPLICANT_ID_NUMBER, DataKeys, PREFIX};

use crate::App;
use crate::bootstrap::operator_entry;
use crate::error::{DomainError, ErrorKind, Result};
use crate::id_number::mask;

/// Rows brought under the current key per write transaction.
const BATCH: u64 = 500;

impl App {
    /// The blind index of a full ID number.
    pub(crate) fn id_number_index(&self, full: &str) -> String {
        self.store
            .data_keys()
            .blind_index(APPLICANT_ID_NUMBER, full)
    }

    /// Stores the ID number of the new application `row_id` encrypted, in its transaction.
    pub(crate) async fn seal_id_number(&self, tx: &WriteTx, row_id: i64, full: &str) -> Result<()> {
        // Keys rotated by another process since this one read them are picked up first.
        self.store.refresh_data_keys()?;
        let sealed = self
            .store
            .data_keys()
            .encrypt(APPLICANT_ID_NUMBER, row_id, full);
        certificate_application::Entity::update_many()
            .col_expr(
                certificate_application::Column::ApplicantIdNumber,
                Expr::value(sealed),
            )
            .filter(certificate_application::Column::Id.eq(row_id))
            .exec(tx.conn())
            .await?;
        Ok(())
    }

    /// The full ID number of application `row_id` from its stored (encrypted) form.
    pub(crate) fn open_id_number(&self, row_id: i64, stored: &str) -> Result<String> {
        self.store
            .open_personal(APPLICANT_ID_NUMBER, row_id, stored)
            .map_err(|e| {
                tracing::error!(error = %e, "personal data could not be decrypted");
                DomainError::new(
                    ErrorKind::Internal,
                    "personal_data_unreadable",
                    format!(
                        "第 {row_id} 号申请的身份证号无法解密：密文与该申请不符（被调换或改动）或数据密钥不对，请联系系统管理员"
                    ),
                )
            })
    }

    /// Brings every application's ID number under the current data key: encrypts plaintext
    /// rows (an installation from before encryption) and re-encrypts rows under older keys
    /// (after `jianfu keys rotate-data`), filling the masked form and the blind index. Each
    /// batch is one audited write. Returns the number of rows changed.
    pub async fn seal_personal_data(&self) -> Result<u64> {
        let mut changed = 0u64;
        loop {
            let keys = self.store.data_keys();
            let current = format!("{PREFIX}{}:%", keys.current_id());
            let rows: Vec<(i64, String)> = certificate_application::Entity::find()
                .select_only()
                .column(certificate_application::Column::Id)
                .column(certificate_application::Column::ApplicantIdNumber)
                .filter(certificate_application::Column::ApplicantIdNumber.not_like(&current))
                .order_by_asc(certificate_application::Column::Id)
                .limit(BATCH)
                .into_tuple()
                .all(self.store.db())
                .await?;
            if rows.is_empty() {
                return Ok(changed);
            }
            let mut tx = self.store.begin_write().await?;
            let (mut plaintext, mut rekeyed) = (0u64, 0u64);
            for (id, stored) in &rows {
                let full = if DataKeys::key_id_of(stored).is_some() {
                    rekeyed += 1;
                    self.open_id_number(*id, stored)?
                } else {
                    plaintext += 1;
                    stored.trim().to_ascii_uppercase()
                };
                certificate_application::Entity::update_many()
                    .col_expr(
                        certificate_application::Column::ApplicantIdNumber,
                        Expr::value(keys.encrypt(APPLICANT_ID_NUMBER, *id, &full)),
                    )
                    .col_expr(
                        certificate_application::Column::ApplicantIdMasked,
                        Expr::value(mask(&full)),
                    )
                    .col_expr(
                        certificate_application::Column::ApplicantIdIndex,
                        Expr::value(keys.blind_index(APPLICANT_ID_NUMBER, &full)),
                    )
                    .filter(certificate_application::Column::Id.eq(*id))
                    .exec(tx.conn())
                    .await?;
            }
            tx.audit(operator_entry(
                "personal_data.encrypt",
                "certificate_application",
                None,
                serde_json::json!({
                    "column": "applicant_id_number",
                    "key_id": keys.current_id(),
                    "from_plaintext": plaintext,
                    "from_older_key": rekeyed,
                    "first_id": rows.first().map(|r| r.0),
                    "last_id": rows.last().map(|r| r.0),
                }),
            ))
            .await?;
            tx.commit().await?;
            changed += plaintext + rekeyed;
        }
    }

    /// Applications whose ID number is not under the current data key (0 once
    /// [`App::seal_personal_data`] has run).
    pub async fn personal_data_not_under_current_key(&self) -> Result<u64> {
        use jianfu_store::orm::PaginatorTrait;
        let current = format!("{PREFIX}{}:%", self.store.data_keys().current_id());
        Ok(certificate_application::Entity::find()
            .filter(certificate_application::Column::ApplicantIdNumber.not_like(&current))
            .count(self.store.db())
            .await?)
    }
}
