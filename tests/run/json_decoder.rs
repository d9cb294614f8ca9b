//! writ's JSON decoder (`core/src/json.rs`) against `serde_json`, which it
//! replaced: the same value for every document `serde_json` reads, the same
//! message at the same line and column for every one it refuses, and the same
//! wire documents (or the same words of refusal) for mutated vector snapshots.

use proptest::prelude::*;
use serde_json::Value;
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
    let words = |message: String| {
        message
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
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
            let ours = writ_core::json::from_str::<SnapshotDoc>(&text)
                .map_err(|error| words(error.to_string()));
            let theirs = serde_json::from_str::<SnapshotDoc>(&text)
                .map_err(|error| words(error.to_string()));
            assert_eq!(ours, theirs, "{}:\n{text}", path.display());
            compared += 1;
        }
    }
    assert!(compared > 10_000, "only {compared} documents compared");
}
