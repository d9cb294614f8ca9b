//! The snapshot in force, swapped atomically: readers never wait and never
//! see half a swap; a swap happens only for a snapshot that loaded, and never
//! to an older one (by `sequence`).

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::error::HostError;

/// What can be in force: anything that knows its snapshot's sequence.
pub trait Sequenced {
    /// The snapshot's `sequence`, if it has one.
    fn sequence(&self) -> Option<u64>;
}

impl Sequenced for writ_core::Authorizer {
    fn sequence(&self) -> Option<u64> {
        writ_core::Authorizer::sequence(self)
    }
}

impl Sequenced for crate::WasmAuthorizer {
    fn sequence(&self) -> Option<u64> {
        crate::WasmAuthorizer::sequence(self)
    }
}

/// The authorizer in force. Cheap to read from any number of threads.
#[derive(Debug)]
pub struct Live<T> {
    current: ArcSwap<T>,
}

impl<T: Sequenced> Live<T> {
    pub fn new(first: T) -> Self {
        Self {
            current: ArcSwap::from_pointee(first),
        }
    }

    /// The authorizer in force now (kept alive for as long as it is held).
    pub fn current(&self) -> Arc<T> {
        self.current.load_full()
    }

    /// Puts `next` in force, unless it is older than the one in force
    /// (`snapshot.rollback`: a lower `sequence`, or none where there was
    /// one); then the one in force stays. Gives the one replaced.
    ///
    /// # Errors
    /// `snapshot.rollback`.
    pub fn swap(&self, next: T) -> Result<Arc<T>, HostError> {
        let next = Arc::new(next);
        let mut refused = None;
        let previous = self.current.rcu(|current| {
            match (current.sequence(), next.sequence()) {
                (Some(now), Some(new)) if new < now => refused = Some((now, Some(new))),
                (Some(now), None) => refused = Some((now, None)),
                _ => {
                    refused = None;
                    return Arc::clone(&next);
                }
            }
            Arc::clone(current)
        });
        match refused {
            None => Ok(previous),
            Some((now, new)) => Err(HostError::new(
                "snapshot.rollback",
                match new {
                    Some(new) => {
                        format!("sequence {new} is older than {now}, the one in force (a rollback)")
                    }
                    None => format!("the snapshot has no sequence, and the one in force has {now}"),
                },
            )),
        }
    }
}
