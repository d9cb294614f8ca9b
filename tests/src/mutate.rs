//! Documents one mutation away from a valid one, for the decoders' tests: each
//! value replaced by the values `wrong` gives for it, a key added, a key removed.

use std::path::PathBuf;

use serde_json::Value;

use crate::vector::{load, vector_files};

/// Every vector file's snapshot, parsed.
pub fn vector_snapshots() -> Vec<(PathBuf, Value)> {
    vector_files()
        .into_iter()
        .filter_map(|path| {
            let (_, snapshot) = load(&path).ok()?;
            let value = serde_json::from_str(&snapshot).ok()?;
            Some((path, value))
        })
        .collect()
}

/// Every document one mutation away from `value`.
pub fn mutations(value: &Value, wrong: &dyn Fn(&Value) -> Vec<Value>) -> Vec<Value> {
    let mut out = wrong(value);
    match value {
        Value::Object(map) => {
            let mut unknown = map.clone();
            unknown.insert("zzUnknown".into(), Value::Null);
            out.push(Value::Object(unknown));
            for (key, child) in map {
                let mut without = map.clone();
                without.remove(key);
                out.push(Value::Object(without));
                for mutated in mutations(child, wrong) {
                    let mut changed = map.clone();
                    changed.insert(key.clone(), mutated);
                    out.push(Value::Object(changed));
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                for mutated in mutations(child, wrong) {
                    let mut changed = items.clone();
                    if let Some(slot) = changed.get_mut(i) {
                        *slot = mutated;
                    }
                    out.push(Value::Array(changed));
                }
            }
        }
        _ => {}
    }
    out
}
