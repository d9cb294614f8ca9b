//! writ's JSON reader (`core/src/json.rs`) against `serde_json`, which it
//! replaced: the same value for every document `serde_json` reads, the same
//! message at the same line and column for every one it refuses; and the wire
//! documents' own decoders (`core/src/wire/decode.rs`) against the types' serde
//! derive: the same documents, or the same words of refusal, for mutated vector
//! snapshots and requests.

use proptest::prelude::*;
use serde_json::Value;
use writ_conformance::mutate::{mutations, vector_snapshots};
use writ_conformance::vector::{load, vector_files};
use writ_core::wire::SnapshotDoc;

fn ours(text: &str) -> Result<Value, String> {
    writ_core::json::from_str(text).map_err(|error| error.to_string())
}

fn theirs(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|error| error.to_string())
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |value| value.is_finite())
            .prop_map(Value::from),
        "[a-z0-9 \"\\\\/\u{0}-\u{1f}é中😀]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z\"\\\\]{0,6}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// An edit of a document's text: at a position (a fraction of its length),
/// remove a character, insert some, or both.
fn any_edit() -> impl Strategy<Value = (f64, bool, String)> {
    (
        0.0..1.0_f64,
        any::<bool>(),
        "[\\[\\]{}\",: 0-9eE.+\\-tfnula\\\\\u{1}\n]{0,3}",
    )
}

fn edited(text: &str, edits: &[(f64, bool, String)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (at, remove, insert) in edits {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a fraction of a length"
        )]
        let at = ((at * chars.len() as f64) as usize).min(chars.len());
        if *remove && at < chars.len() {
            chars.remove(at);
        }
        for (offset, char) in insert.chars().enumerate() {
            chars.insert(at + offset, char);
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn documents_read_as_serde_json_reads_them(value in any_value(), pretty: bool) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        prop_assert_eq!(ours(&text), theirs(&text));
    }

    #[test]
    fn broken_documents_are_refused_as_serde_json_refuses_them(
        value in any_value(),
        pretty: bool,
        edits in prop::collection::vec(any_edit(), 1..4),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let text = edited(&text, &edits);
        prop_assert_eq!(ours(&text), theirs(&text), "{:?}", text);
    }
}

/// Mutated vector snapshots (a character removed or inserted at every tenth
/// position) decode to the same document, or fail with the same words; where
/// the decoder places a shape error may differ (its path is what callers see,
/// and `error_paths` pins that).
#[test]
fn snapshots_decode_as_serde_json_decodes_them() {
    let mut compared = 0;
    for path in vector_files() {
        let Ok((_, snapshot)) = load(&path) else {
            continue;
        };
        let chars: Vec<char> = snapshot.chars().collect();
        let mut texts = vec![snapshot.clone()];
        for at in (0..chars.len()).step_by(10) {
            for insert in ["", "1", "\"", "}", ",", "x"] {
                let mut changed = chars.clone();
                changed.remove(at);
                changed.splice(at..at, insert.chars());
                texts.push(changed.into_iter().collect());
            }
        }
        for text in texts {
            let ours = writ_core::wire::read::<SnapshotDoc>(&text)
                .map_err(|error| words(error.to_string()));
            let theirs = serde_json::from_str::<SnapshotDoc>(&text)
                .map_err(|error| words(error.to_string()));
            assert_eq!(ours, theirs, "{}:\n{text}", path.display());
            compared += 1;
        }
    }
    assert!(compared > 10_000, "only {compared} documents compared");
}

/// The words of an error, without where it was found.
fn words(message: String) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A value of every type, and numbers out of every range.
fn every_kind(_: &Value) -> Vec<Value> {
    vec![
        Value::from(5),
        Value::from(-1),
        Value::from(1.5),
        Value::from(99_999_999_999_u64),
        Value::from("five"),
        Value::Null,
        Value::Bool(true),
        Value::Array(vec![]),
        Value::Object(serde_json::Map::new()),
    ]
}

/// `text` read by the wire decoder and by serde derive (over writ's serde
/// `Deserializer`, which reads structs from objects only, where `serde_json`
/// also takes arrays): the same document, or the same words of refusal.
fn same_reading<T>(text: &str) -> Result<(), String>
where
    T: writ_core::wire::Decode + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let ours = writ_core::wire::read::<T>(text).map_err(|error| words(error.to_string()));
    let theirs = writ_core::json::from_str::<T>(text).map_err(|error| words(error.to_string()));
    if ours == theirs {
        Ok(())
    } else {
        Err(format!("{text}\n  ours:   {ours:?}\n  theirs: {theirs:?}"))
    }
}

/// Every request of every vector, mutated at every value, reads the same both ways.
#[test]
fn requests_decode_as_serde_derive_decodes_them() {
    use writ_core::wire::{
        AssignmentDoc, ListRequestDoc, PermissionsRequestDoc, PrincipalDoc, RequestDoc,
    };
    let mut compared = 0;
    let mut differences = Vec::new();
    for path in vector_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(file) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let cases = file
            .get("cases")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for case in cases {
            for (kind, request) in case.as_object().into_iter().flatten() {
                let read: fn(&str) -> Result<(), String> = match kind.as_str() {
                    "check" => same_reading::<RequestDoc>,
                    "permissions" => same_reading::<PermissionsRequestDoc>,
                    "list" => same_reading::<ListRequestDoc>,
                    "claims" => same_reading::<PrincipalDoc>,
                    "assign" => same_reading::<AssignmentDoc>,
                    _ => continue,
                };
                let mut documents = vec![request.clone()];
                documents.extend(mutations(request, &every_kind));
                for document in documents {
                    compared += 1;
                    if let Err(difference) = read(&document.to_string()) {
                        differences.push(difference);
                    }
                }
            }
        }
    }
    assert!(compared > 5_000, "only {compared} requests compared");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ; first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
}

/// Every vector snapshot mutated at every value reads the same both ways.
#[test]
fn mutated_snapshots_decode_as_serde_derive_decodes_them() {
    let mut compared = 0;
    let mut differences = Vec::new();
    for (_, value) in vector_snapshots() {
        for document in mutations(&value, &every_kind) {
            compared += 1;
            if let Err(difference) = same_reading::<SnapshotDoc>(&document.to_string()) {
                differences.push(difference);
            }
        }
    }
    assert!(compared > 10_000, "only {compared} snapshots compared");
    assert!(
        differences.is_empty(),
        "{} of {compared} differ; first: {}",
        differences.len(),
        differences.first().map_or("", String::as_str)
    );
}
