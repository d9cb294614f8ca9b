//! What the modules use from `alloc`, the same under `no_std` (the JavaScript
//! package) as under `std`. Hash tables are hashbrown's (the standard
//! library's `HashMap` is not in `alloc`), each with the hash its keys need.

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::format;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
