//! Personal data at rest in the domain's terms: the applicant's full ID number is written
//! encrypted and bound to its row, read back only where the product shows it in full (the
//! applicant, the issuing worker, the certificate), found by exact search through its blind
//! index. The documents that carry it — an issued certificate's JSON and PDF, and the files
//! attached to an application — are encrypted the same way and decrypted on every read
//! (downloads, public verification, the seal ledger). At start-up and on key rotation every
//! row not yet under the current data key (plaintext rows of an older installation included)
//! is brought under it, in audited batches.

use jianfu_store::personal::{
    APPLICANT_ID_NUMBER, ATTACHMENT_CONTENT, CERTIFICATE_DOCUMENT, CERTIFICATE_OFD,
    CERTIFICATE_PDF, DataKeys, certificate_row,
};
use jianfu_store::repo::personal_data as repo;
use jianfu_store::{StoreError, WriteTx};

use crate::App;
use crate::bootstrap::operator_entry;
use crate::error::{DomainError, ErrorKind, Result};
use crate::id_number::mask;

/// Rows brought under the current key per write transaction: applications (an ID number
/// each), certificates (a document and a PDF of some tens of KiB each), attachments (up to
/// 5 MiB each).
const BATCH: u64 = 500;
const CERTIFICATE_BATCH: u64 = 100;
const ATTACHMENT_BATCH: u64 = 10;

/// The error of a stored value that does not decrypt: logged, and a 500 with a stable code.
fn unreadable(what: String) -> impl FnOnce(StoreError) -> DomainError {
    move |e| {
        tracing::error!(error = %e, "personal data could not be decrypted");
        DomainError::new(
            ErrorKind::Internal,
            "personal_data_unreadable",
            format!(
                "{what}无法解密：密文与所在记录不符（被调换或改动）或数据密钥不对，请联系系统管理员"
            ),
        )
    }
}

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
        Ok(repo::set_id_number(tx.conn(), row_id, sealed).await?)
    }

    /// The full ID number of application `row_id` from its stored (encrypted) form.
    pub(crate) fn open_id_number(&self, row_id: i64, stored: &str) -> Result<String> {
        self.store
            .open_personal(APPLICANT_ID_NUMBER, row_id, stored)
            .map_err(unreadable(format!("第 {row_id} 号申请的身份证号")))
    }

    /// An issued certificate's JSON document and PDF encrypted for the certificate of
    /// application `application_id` numbered `serial` (bound to both, not to the row id: see
    /// `jianfu_store::personal`). Done before the write transaction that inserts them.
    pub(crate) fn seal_certificate_files(
        &self,
        application_id: i64,
        serial: &str,
        document: &str,
        pdf: &[u8],
    ) -> Result<(String, Vec<u8>)> {
        self.store.refresh_data_keys()?;
        let keys = self.store.data_keys();
        let row = certificate_row(application_id, serial);
        Ok((
            keys.encrypt(CERTIFICATE_DOCUMENT, &row, document),
            keys.encrypt_bytes(CERTIFICATE_PDF, &row, pdf),
        ))
    }

    /// The OFD of certificate `serial` as it is stored (encrypted like its PDF).
    pub(crate) fn seal_certificate_ofd(
        &self,
        application_id: i64,
        serial: &str,
        ofd: &[u8],
    ) -> Result<Vec<u8>> {
        self.store.refresh_data_keys()?;
        Ok(self.store.data_keys().encrypt_bytes(
            CERTIFICATE_OFD,
            certificate_row(application_id, serial),
            ofd,
        ))
    }

    /// The OFD of certificate `serial` from its stored form.
    pub(crate) fn open_certificate_ofd(
        &self,
        application_id: i64,
        serial: &str,
        stored: &[u8],
    ) -> Result<Vec<u8>> {
        self.store
            .open_personal_bytes(
                CERTIFICATE_OFD,
                certificate_row(application_id, serial),
                stored,
            )
            .map_err(unreadable(format!("证明 {serial} 的 OFD")))
    }

    /// The JSON document of certificate `serial` from its stored form.
    pub(crate) fn open_certificate_document(
        &self,
        application_id: i64,
        serial: &str,
        stored: &str,
    ) -> Result<String> {
        self.store
            .open_personal(
                CERTIFICATE_DOCUMENT,
                certificate_row(application_id, serial),
                stored,
            )
            .map_err(unreadable(format!("证明 {serial} 的文档")))
    }

    /// The PDF of certificate `serial` from its stored form.
    pub(crate) fn open_certificate_pdf(
        &self,
        application_id: i64,
        serial: &str,
        stored: &[u8],
    ) -> Result<Vec<u8>> {
        self.store
            .open_personal_bytes(
                CERTIFICATE_PDF,
                certificate_row(application_id, serial),
                stored,
            )
            .map_err(unreadable(format!("证明 {serial} 的 PDF")))
    }

    /// Stores the content of the new attachment `row_id` encrypted, in its transaction.
    pub(crate) async fn seal_attachment(
        &self,
        tx: &WriteTx,
        row_id: i64,
        bytes: &[u8],
    ) -> Result<()> {
        self.store.refresh_data_keys()?;
        let sealed = self
            .store
            .data_keys()
            .encrypt_bytes(ATTACHMENT_CONTENT, row_id, bytes);
        Ok(repo::set_attachment(tx.conn(), row_id, sealed).await?)
    }

    /// The bytes of attachment `row_id` from its stored form.
    pub(crate) fn open_attachment(&self, row_id: i64, stored: &[u8]) -> Result<Vec<u8>> {
        self.store
            .open_personal_bytes(ATTACHMENT_CONTENT, row_id, stored)
            .map_err(unreadable(format!("第 {row_id} 号附件")))
    }

    /// Brings all personal data at rest under the current data key: encrypts plaintext rows
    /// (an installation from before encryption) and re-encrypts rows under older keys (after
    /// `jianfu keys rotate-data`) — applications' ID numbers (filling the masked form and the
    /// blind index), issued certificates' documents and PDFs, attachments. Each batch is one
    /// audited write. Returns the number of rows changed.
    pub async fn seal_personal_data(&self) -> Result<u64> {
        Ok(self.seal_id_numbers().await?
            + self.seal_certificates().await?
            + self.seal_attachments().await?)
    }

    /// Runs `reseal` on every row `fetch` finds not under the current key (in batches of
    /// rows it limits itself to), one audited write transaction per batch, until none is
    /// left. `reseal` answers whether the row was in clear (else under an older key).
    async fn in_batches<R>(
        &self,
        table: &str,
        columns: &str,
        fetch: impl AsyncFn(u32) -> Result<Vec<(i64, R)>>,
        reseal: impl AsyncFn(&WriteTx, &DataKeys, i64, &R) -> Result<bool>,
    ) -> Result<u64> {
        let mut changed = 0u64;
        loop {
            let keys = self.store.data_keys();
            let rows = fetch(keys.current_id()).await?;
            if rows.is_empty() {
                return Ok(changed);
            }
            let mut tx = self.store.begin_write().await?;
            let mut tally = Tally::default();
            for (id, row) in &rows {
                if reseal(&tx, &keys, *id, row).await? {
                    tally.plaintext += 1;
                } else {
                    tally.rekeyed += 1;
                }
            }
            let ids = rows.iter().map(|r| r.0);
            changed += tally.audit(&mut tx, &keys, table, columns, ids).await?;
            tx.commit().await?;
        }
    }

    async fn seal_id_numbers(&self) -> Result<u64> {
        let fetch = async |key_id: u32| -> Result<Vec<(i64, String)>> {
            Ok(repo::id_numbers_not_under(self.store.db(), key_id, BATCH).await?)
        };
        let reseal = async |tx: &WriteTx, keys: &DataKeys, id: i64, stored: &String| {
            let clear = DataKeys::key_id_of(stored).is_none();
            let full = if clear {
                stored.trim().to_ascii_uppercase()
            } else {
                self.open_id_number(id, stored)?
            };
            repo::reseal_id_number(
                tx.conn(),
                id,
                keys.encrypt(APPLICANT_ID_NUMBER, id, &full),
                mask(&full),
                keys.blind_index(APPLICANT_ID_NUMBER, &full),
            )
            .await?;
            Ok(clear)
        };
        self.in_batches(
            "certificate_application",
            "applicant_id_number",
            fetch,
            reseal,
        )
        .await
    }

    async fn seal_certificates(&self) -> Result<u64> {
        let fetch = async |key_id: u32| -> Result<Vec<(i64, StoredCertificate)>> {
            let rows =
                repo::certificates_not_under(self.store.db(), key_id, CERTIFICATE_BATCH).await?;
            Ok(rows
                .into_iter()
                .map(|(id, a, s, d, p, o)| (id, (a, s, d, p, o)))
                .collect())
        };
        let reseal = async |tx: &WriteTx,
                            keys: &DataKeys,
                            id: i64,
                            (application, serial, document, pdf, ofd): &(
            i64,
            String,
            String,
            Vec<u8>,
            Option<Vec<u8>>,
        )| {
            let doc_sealed = DataKeys::key_id_of(document).is_some();
            let pdf_sealed = DataKeys::key_id_of_bytes(pdf).is_some();
            let document = if doc_sealed {
                self.open_certificate_document(*application, serial, document)?
            } else {
                document.clone()
            };
            let pdf = if pdf_sealed {
                self.open_certificate_pdf(*application, serial, pdf)?
            } else {
                pdf.clone()
            };
            let ofd = match ofd {
                Some(o) if DataKeys::key_id_of_bytes(o).is_some() => {
                    Some(self.open_certificate_ofd(*application, serial, o)?)
                }
                other => other.clone(),
            };
            let row = certificate_row(*application, serial);
            repo::reseal_certificate(
                tx.conn(),
                id,
                keys.encrypt(CERTIFICATE_DOCUMENT, &row, &document),
                keys.encrypt_bytes(CERTIFICATE_PDF, &row, &pdf),
                ofd.map(|o| keys.encrypt_bytes(CERTIFICATE_OFD, &row, &o)),
            )
            .await?;
            Ok(!doc_sealed && !pdf_sealed)
        };
        self.in_batches("certificate", "document, pdf", fetch, reseal)
            .await
    }

    async fn seal_attachments(&self) -> Result<u64> {
        let fetch = async |key_id: u32| -> Result<Vec<(i64, Vec<u8>)>> {
            Ok(repo::attachments_not_under(self.store.db(), key_id, ATTACHMENT_BATCH).await?)
        };
        let reseal = async |tx: &WriteTx, keys: &DataKeys, id: i64, stored: &Vec<u8>| {
            let clear = DataKeys::key_id_of_bytes(stored).is_none();
            let plain = if clear {
                stored.clone()
            } else {
                self.open_attachment(id, stored)?
            };
            repo::set_attachment(
                tx.conn(),
                id,
                keys.encrypt_bytes(ATTACHMENT_CONTENT, id, &plain),
            )
            .await?;
            Ok(clear)
        };
        self.in_batches("attachment", "content", fetch, reseal)
            .await
    }

    /// Rows of personal data at rest not under the current data key (0 once
    /// [`App::seal_personal_data`] has run).
    pub async fn personal_data_not_under_current_key(&self) -> Result<u64> {
        let id = self.store.data_keys().current_id();
        Ok(repo::count_not_under(self.store.db(), id).await?)
    }
}

/// A certificate's application, serial, stored document and stored PDF.
type StoredCertificate = (i64, String, String, Vec<u8>, Option<Vec<u8>>);

/// What one batch of [`App::seal_personal_data`] changed.
#[derive(Default)]
struct Tally {
    plaintext: u64,
    rekeyed: u64,
}

impl Tally {
    /// The batch's audit entry; returns the number of rows changed.
    async fn audit(
        &self,
        tx: &mut WriteTx,
        keys: &DataKeys,
        table: &str,
        columns: &str,
        mut ids: impl Iterator<Item = i64>,
    ) -> Result<u64> {
        let first = ids.next();
        let last = ids.last().or(first);
        tx.audit(operator_entry(
            "personal_data.encrypt",
            table,
            None,
            serde_json::json!({
                "column": columns,
                "key_id": keys.current_id(),
                "from_plaintext": self.plaintext,
                "from_older_key": self.rekeyed,
                "first_id": first,
                "last_id": last,
            }),
        ))
        .await?;
        Ok(self.plaintext + self.rekeyed)
    }
}
