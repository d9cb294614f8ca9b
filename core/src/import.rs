//! Importers: other systems' exports in, snapshot documents out. Pure data
//! transformation (no I/O), so every binding can offer it.

pub mod camunda7;
pub mod camunda8;

use crate::ImportError;

/// Parses one dump of any importer, with the path of a shape error.
fn parse_dump<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ImportError> {
    crate::json_path::decode(text).map_err(|(path, error)| ImportError::Malformed {
        path,
        message: error.to_string(),
    })
}
