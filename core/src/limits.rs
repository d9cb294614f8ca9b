//! The limits every binding applies to what it is given: a snapshot, a
//! request, a batch. Each has a default a server can live with, each can be
//! set per loaded snapshot, and exceeding one is a coded error
//! (`limit.snapshot_size`, …) found before anything of the input's claimed
//! size is allocated.

use crate::prelude::*;

/// Bounds on inputs. [`Limits::default`] is what every runtime uses unless told
/// otherwise; a snapshot's limits also bound the requests asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of snapshot text (`limit.snapshot_size`).
    pub snapshot_bytes: usize,
    /// Bytes of one request's JSON text: a `writ check` line, an HTTP body
    /// (`limit.request_size`).
    pub request_bytes: usize,
    /// Bytes of any one string in a snapshot or request: ids, names, claim
    /// values (`limit.id_length`).
    pub id_bytes: usize,
    /// Memberships of one principal: a user's or client's groups, tenants and
    /// roles together, a group's roles and tenants, a mapping rule's, and a
    /// request's groups claim (`limit.memberships`).
    pub memberships: usize,
    /// Checks in one composite: a request's `anyOf`/`allOf`, a bundle's
    /// `allOf`, a request's `scopes` (`limit.composite_length`).
    pub composite_length: usize,
    /// Requests in one batch: `checkMany`, an AuthZEN `evaluations` list, a
    /// `/v1/check` array (`limit.batch_length`).
    pub batch_length: usize,
    /// Levels of JSON nesting, at most 127 (`limit.nesting_depth`).
    pub nesting_depth: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            snapshot_bytes: 256 << 20,
            request_bytes: 1 << 20,
            id_bytes: 4 << 10,
            memberships: 1 << 20,
            composite_length: 1 << 10,
            batch_length: 100_000,
            nesting_depth: MAX_NESTING_DEPTH,
        }
    }
}

/// The deepest nesting any document may have: `serde_json`'s limit (127
/// levels), which keeps a hostile document from exhausting the stack.
pub const MAX_NESTING_DEPTH: u8 = 127;

/// A limit by its name, for a command line or an options object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitName {
    /// The name in options objects and on the command line (`requestBytes`).
    pub name: &'static str,
    /// The error code when exceeded.
    pub code: &'static str,
    /// What it bounds, in a few words.
    pub what: &'static str,
}

/// Every limit, in the order of [`Limits`]' fields.
pub const LIMITS: [LimitName; 7] = [
    LimitName {
        name: "snapshotBytes",
        code: "limit.snapshot_size",
        what: "bytes of snapshot text",
    },
    LimitName {
        name: "requestBytes",
        code: "limit.request_size",
        what: "bytes of one request",
    },
    LimitName {
        name: "idBytes",
        code: "limit.id_length",
        what: "bytes of any one string (ids, names, claim values)",
    },
    LimitName {
        name: "memberships",
        code: "limit.memberships",
        what: "groups, tenants and roles of one principal",
    },
    LimitName {
        name: "compositeLength",
        code: "limit.composite_length",
        what: "checks in one anyOf, allOf, bundle or scope list",
    },
    LimitName {
        name: "batchLength",
        code: "limit.batch_length",
        what: "requests in one batch",
    },
    LimitName {
        name: "nestingDepth",
        code: "limit.nesting_depth",
        what: "levels of JSON nesting (at most 127)",
    },
];

/// A limit's name (`LIMITS[i].name`) and its index.
fn position(name: &str) -> Option<usize> {
    LIMITS.iter().position(|limit| limit.name == name)
}

impl Limits {
    /// The value of limit `i` (in [`LIMITS`] order).
    pub fn get(&self, name: &str) -> Option<usize> {
        Some(match position(name)? {
            0 => self.snapshot_bytes,
            1 => self.request_bytes,
            2 => self.id_bytes,
            3 => self.memberships,
            4 => self.composite_length,
            5 => self.batch_length,
            _ => usize::from(self.nesting_depth),
        })
    }

    /// Sets a limit by its name.
    ///
    /// # Errors
    /// An unknown name, a value of 0, or a nesting depth over 128, in words.
    pub fn set(&mut self, name: &str, value: usize) -> Result<(), String> {
        let Some(at) = position(name) else {
            let names: Vec<&str> = LIMITS.iter().map(|limit| limit.name).collect();
            return Err(format!(
                "unknown limit `{name}` (expected one of {})",
                names.join(", ")
            ));
        };
        if value == 0 {
            return Err(format!("limit `{name}` must be at least 1"));
        }
        match at {
            0 => self.snapshot_bytes = value,
            1 => self.request_bytes = value,
            2 => self.id_bytes = value,
            3 => self.memberships = value,
            4 => self.composite_length = value,
            5 => self.batch_length = value,
            _ => {
                self.nesting_depth = u8::try_from(value)
                    .ok()
                    .filter(|&depth| depth <= MAX_NESTING_DEPTH)
                    .ok_or_else(|| {
                        format!(
                            "limit `{name}` is at most 127, not {}",
                            number(value as u64)
                        )
                    })?;
            }
        }
        Ok(())
    }

    /// `limit.batch_length` when a batch of `len` requests is too long.
    ///
    /// # Errors
    /// The limit's error.
    pub fn batch(&self, len: usize) -> Result<(), crate::RequestError> {
        if len > self.batch_length {
            return Err(exceeded(5, len, self.batch_length));
        }
        Ok(())
    }

    /// `limit.request_size` when a request's text is too long.
    ///
    /// # Errors
    /// The limit's error.
    pub fn request(&self, bytes: usize) -> Result<(), crate::RequestError> {
        if bytes > self.request_bytes {
            return Err(exceeded(1, bytes, self.request_bytes));
        }
        Ok(())
    }
}

/// The error of limit `at` (in [`LIMITS`] order), exceeded by `found`.
#[cold]
#[inline(never)]
pub(crate) fn exceeded(at: usize, found: usize, limit: usize) -> crate::RequestError {
    let (code, message) = words(at, found, limit);
    crate::RequestError::Limit { code, message }
}

/// The code and message of limit `at` exceeded by `found`:
/// "300 bytes of one request: over the limit `requestBytes` of 200".
#[cold]
#[inline(never)]
pub(crate) fn words(at: usize, found: usize, limit: usize) -> (&'static str, String) {
    let Some(named) = LIMITS.get(at) else {
        return ("limit.exceeded", "over a limit".into());
    };
    let mut message = number(found as u64);
    message.push(' ');
    message.push_str(named.what);
    message.push_str(": over the limit `");
    message.push_str(named.name);
    message.push_str("` of ");
    crate::json::write_u64(&mut message, limit as u64);
    (named.code, message)
}

/// A number in words (the JSON writer's digits: `format!` of an integer
/// would bring the formatting machinery's integer code into the package).
pub(crate) fn number(value: u64) -> String {
    let mut text = String::new();
    crate::json::write_u64(&mut text, value);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_set_and_read_by_name() {
        let mut limits = Limits::default();
        for (i, limit) in LIMITS.iter().enumerate() {
            limits
                .set(limit.name, 100 + i)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(limits.get(limit.name), Some(100 + i));
        }
        assert!(limits.set("nestingDepth", 128).is_err());
        assert!(limits.set("requestBytes", 0).is_err());
        assert!(limits.set("teapots", 1).is_err());
        assert_eq!(limits.get("teapots"), None);
    }

    #[test]
    fn batches_and_requests_past_the_limit_are_coded() {
        let limits = Limits {
            batch_length: 2,
            request_bytes: 10,
            ..Limits::default()
        };
        assert!(limits.batch(2).is_ok());
        assert_eq!(
            limits.batch(3).map_err(|e| e.code()),
            Err("limit.batch_length")
        );
        assert_eq!(
            limits.request(11).map_err(|e| e.code()),
            Err("limit.request_size")
        );
    }
}
