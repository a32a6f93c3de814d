//! The domain's one error type. Each variant carries a stable snake_case code for the API and a
//! Chinese message for people; the server maps kinds to HTTP statuses in one place.

use jianfu_store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input; nothing was changed.
    Invalid,
    /// Not logged in, or the session/token is no longer valid.
    Unauthenticated,
    /// Logged in but not allowed.
    Forbidden,
    NotFound,
    /// The request conflicts with the current state (duplicate, still in use, done twice).
    Conflict,
    /// Too many attempts; try later.
    TooMany,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub kind: ErrorKind,
    /// Stable snake_case code, e.g. `division_code_length`.
    pub code: &'static str,
    /// Chinese message for the user.
    pub message: String,
    /// The form field the message belongs next to, when there is one.
    pub field: Option<&'static str>,
    /// The other fields at fault in the same form, found together with this one so that the
    /// user sees every error at once ([`Problems`]); empty for most errors.
    pub more: Vec<DomainError>,
}

impl DomainError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
            more: Vec::new(),
        }
    }
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, code, message)
    }
    /// Bad input in one form field.
    pub fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            ..Self::invalid(code, message)
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", message)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", format!("{what}不存在"))
    }
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }
    pub fn unauthenticated(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, code, message)
    }
    pub fn internal() -> Self {
        Self::new(
            ErrorKind::Internal,
            "internal",
            "系统内部错误，操作未完成；请稍后重试或联系管理员",
        )
    }
}

impl DomainError {
    /// This error and the others found with it, in the order the form lists its fields.
    pub fn all(&self) -> impl Iterator<Item = &DomainError> {
        std::iter::once(self).chain(self.more.iter())
    }
}

/// Every problem of one form, collected so that the user is told them all at once instead of
/// one per submission. Checks push their field errors; [`Problems::finish`] answers the first
/// with the rest in its `more`. An error that is not about the input (no permission, a database
/// failure) wins over field errors and is answered alone.
#[derive(Debug, Default)]
pub struct Problems(Vec<DomainError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value, or `None` after recording why there is none.
    pub fn take<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    /// Records a problem (the first one per field: a field shows one message).
    pub fn push(&mut self, e: DomainError) {
        let seen = e.field.is_some() && self.0.iter().any(|p| p.field == e.field);
        if !seen {
            self.0.push(e);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` already has a problem (a later check that depends on it is skipped).
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|p| p.field == Some(field))
    }

    /// `Ok` when nothing was recorded; else the first problem carrying the others.
    pub fn finish(mut self) -> Result<()> {
        if let Some(i) = self.0.iter().position(|e| e.kind != ErrorKind::Invalid) {
            return Err(self.0.swap_remove(i));
        }
        let mut all = self.0.into_iter();
        match all.next() {
            None => Ok(()),
            Some(mut first) => {
                first.more = all.collect();
                Err(first)
            }
        }
    }
}

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）", self.message, self.code)
    }
}

impl std::error::Error for DomainError {}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        if let StoreError::Db(db) = &e
            && jianfu_store::is_pool_timeout(db, true)
        {
            // Under load every pooled connection was taken for longer than the pool's wait:
            // the client is asked to come back (429 with Retry-After), not told of a failure.
            tracing::warn!("a request waited too long for a database connection");
            return Self::new(
                ErrorKind::TooMany,
                "database_busy",
                "系统繁忙（等待数据库连接超时），未作任何更改，请稍后重试",
            );
        }
        if matches!(e, StoreError::Busy) {
            tracing::warn!("a write waited too long for its turn");
            return Self::new(
                ErrorKind::TooMany,
                "database_busy",
                "系统繁忙（等待写入超时），未作任何更改，请稍后重试",
            );
        }
        // Details go to the log, never to the user.
        tracing::error!(error = %e, "store error");
        Self::internal()
    }
}

impl From<jianfu_store::orm::DbErr> for DomainError {
    fn from(e: jianfu_store::orm::DbErr) -> Self {
        StoreError::from(e).into()
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;
