//! What the modules use from `alloc`, the same under `no_std` (the JavaScript
//! package) as under `std`, and the hash maps (hashbrown with the Fx hash: the
//! standard library's `HashMap` is not in `alloc`).

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::format;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;

pub(crate) type FxHashMap<K, V> = hashbrown::HashMap<K, V, rustc_hash::FxBuildHasher>;
