//! The host's errors: the guest's own (the core's stable codes, passed
//! through unchanged) and the host's (`host.*`, `plugin.*`).

use std::fmt;

/// Why the host could not answer: the core's code when the guest refused
/// (`request.unknown_permission`, `snapshot.unknown_group`, …), or the
/// host's when the guest could not run (`host.guest_trap`, `host.timeout`,
/// `host.memory_limit`, `host.out_of_fuel`, `host.compile`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostError {
    code: String,
    path: Option<String>,
    message: String,
}

impl HostError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            path: None,
            message: message.into(),
        }
    }

    pub(crate) fn with_path(code: String, path: Option<String>, message: String) -> Self {
        Self {
            code,
            path,
            message,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Where in the snapshot (snapshot errors).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The message, in words.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the guest could not run (a trap, a limit): the instance was
    /// discarded, and asking again may well succeed.
    pub fn is_host_failure(&self) -> bool {
        self.code.starts_with("host.")
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostError {}

impl From<writ_core::SnapshotError> for HostError {
    fn from(error: writ_core::SnapshotError) -> Self {
        Self::with_path(
            error.code().to_owned(),
            Some(error.path().to_owned()),
            error.to_string(),
        )
    }
}

impl From<writ_core::RequestError> for HostError {
    fn from(error: writ_core::RequestError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}
