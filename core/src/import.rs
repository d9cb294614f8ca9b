//! Importers: other systems' exports in, snapshot documents out. Pure data
//! transformation (no I/O), so every binding can offer it.

pub mod camunda7;
pub mod camunda8;
pub mod emporix;

use crate::ImportError;

/// Parses one dump of any importer, with the path of a shape error.
fn parse_dump<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ImportError> {
    crate::json_path::decode(text).map_err(|(path, error)| ImportError::Malformed {
        path,
        message: error.to_string(),
    })
}

/// Every element of a JSON array, read as `T`: what a listing's visitor does
/// with an array of items (or of pages).
fn seq_items<'de, T: serde::Deserialize<'de>, A: serde::de::SeqAccess<'de>>(
    mut seq: A,
) -> Result<Vec<T>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(item) = seq.next_element()? {
        items.push(item);
    }
    Ok(items)
}
