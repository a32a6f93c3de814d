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
}

impl DomainError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
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

impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）", self.message, self.code)
    }
}

impl std::error::Error for DomainError {}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
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
