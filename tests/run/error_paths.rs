//! Snapshot shape errors name the path `serde_path_to_error` would name, though
//! writ recovers it from its decoder's error position instead of tracking it while
//! decoding (`core/src/json_path.rs`): every vector snapshot, mutated at every
//! value (a value of the wrong type, an unknown key, a missing key), compact and
//! pretty-printed, must give the same path both ways.

use serde_json::{Map, Value};
use writ_conformance::mutate::{mutations, vector_snapshots};
use writ_core::SnapshotError;
use writ_core::snapshot::decode;
use writ_core::wire::SnapshotDoc;

/// A value of another type than `value`.
fn wrong(value: &Value) -> Vec<Value> {
    vec![match value {
        Value::String(_) => Value::from(5),
        Value::Number(_) => Value::from("five"),
        Value::Bool(_) => Value::from(1),
        Value::Array(_) => Value::Object(Map::new()),
        Value::Object(_) => Value::Array(Vec::new()),
        Value::Null => Value::from(true),
    }]
}

fn tracked_path(text: &str) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result: Result<SnapshotDoc, _> = serde_path_to_error::deserialize(&mut deserializer);
    result.err().map(|error| error.path().to_string())
}

/// Equal, except that where `serde_path_to_error` prints `?` for a map key that
/// is not a string (an enum, like a domain level), writ names the key.
fn same_path(got: &str, tracked: &str) -> bool {
    let got: Vec<&str> = got.split('.').collect();
    let tracked: Vec<&str> = tracked.split('.').collect();
    got.len() == tracked.len()
        && got.iter().zip(&tracked).all(|(got, tracked)| {
            got == tracked
                || tracked.strip_prefix('?').is_some_and(|rest| {
                    got.ends_with(rest)
                        && !got.get(..got.len() - rest.len()).unwrap_or("").is_empty()
                })
        })
}

#[test]
fn recovered_paths_are_the_tracked_paths() {
    let mut compared = 0;
    let mut differences = Vec::new();
    for (path, value) in vector_snapshots() {
        for mutated in mutations(&value, &wrong) {
            let texts = [
                serde_json::to_string(&mutated).unwrap(),
                serde_json::to_string_pretty(&mutated).unwrap(),
            ];
            for text in texts {
                let Some(want) = tracked_path(&text) else {
                    continue;
                };
                match decode(&text) {
                    Err(SnapshotError::Malformed { path: got, .. }) => {
                        compared += 1;
                        if !same_path(&got, &want) {
                            differences.push(format!(
                                "{}: {got} (tracked: {want})\n{text}",
                                path.display()
                            ));
                        }
                    }
                    // A newer `format` is reported as such, without a path.
                    Err(SnapshotError::UnsupportedFormat { .. }) => {}
                    other => {
                        differences.push(format!("{}: {other:?}, tracked {want}", path.display()))
                    }
                }
            }
        }
    }
    assert!(
        compared > 1000,
        "only {compared} malformed documents compared"
    );
    assert!(
        differences.is_empty(),
        "{} of {compared} differ; first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
}

/// Loading text (`Authorizer::from_json`, which reads the rows borrowed from it)
/// and validating the decoded document (`Authorizer::from_doc`) are two roads to
/// one validator: for every vector snapshot, mutated at every value, they load
/// the same snapshot or refuse it with the same error.
#[test]
fn loading_text_and_validating_a_document_agree() {
    let mut compared = 0;
    let mut differences = Vec::new();
    for (path, value) in vector_snapshots() {
        let mut documents = vec![value.clone()];
        documents.extend(mutations(&value, &wrong));
        for document in documents {
            let text = serde_json::to_string(&document).unwrap();
            let loaded =
                writ_core::Authorizer::from_json(&text).map(|authorizer| authorizer.stats());
            let validated = decode(&text)
                .and_then(|doc| writ_core::Authorizer::from_doc(&doc))
                .map(|authorizer| authorizer.stats());
            compared += 1;
            if loaded != validated {
                differences.push(format!(
                    "{}: {loaded:?} / {validated:?}\n{text}",
                    path.display()
                ));
            }
        }
    }
    assert!(compared > 10_000, "only {compared} documents compared");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ; first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
}
