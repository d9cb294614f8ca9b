//! The path of a JSON decoding error, recovered from where the error happened.
//!
//! The decoder (`json.rs`) reports a line and a column; this walks the text up to there and
//! names the value being read, in the form `serde_path_to_error` prints
//! (`users[0].groups[1]`, `resourceTypes[0].permissions.VIEW`, `.` for the
//! document itself). Tracking the path while decoding instead would compile the
//! serde code of every wire type a second time — most of a kilobyte per type, and
//! a sixth of the JavaScript package — for an answer only a rejected document
//! needs.

use crate::prelude::*;
/// Decodes JSON text through serde; on failure, the error and the path of the
/// value at fault.
#[cfg(feature = "std")]
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, (String, crate::json::Error)> {
    crate::json::from_str(text).map_err(|error| located(text, error))
}

/// Reads a wire document; on failure, the error and the path of the value at fault.
pub(crate) fn read<T: crate::wire::Decode>(text: &str) -> Result<T, (String, crate::json::Error)> {
    crate::wire::read(text).map_err(|error| located(text, error))
}

fn located(text: &str, error: crate::json::Error) -> (String, crate::json::Error) {
    (at(text, error.line(), error.column()), error)
}

/// One open container on the way to the error.
enum Frame {
    /// An object, and the key whose value is being read (until the next `,`).
    Object(Option<String>),
    /// An array, and the index of the element being read (`None` before the
    /// first element starts).
    Array(Option<usize>),
}

/// The path of the value being read at `line` and `column` (1-based, in bytes,
/// as [`crate::json::Error`] reports them, like `serde_json`) of `text`.
pub(crate) fn at(text: &str, line: usize, column: usize) -> String {
    let offset = offset_of(text, line, column);
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < offset {
        let Some(&byte) = bytes.get(at) else {
            break;
        };
        match byte {
            b'{' => {
                start_value(&mut stack);
                stack.push(Frame::Object(None));
            }
            b'[' => {
                start_value(&mut stack);
                stack.push(Frame::Array(None));
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(Some(index))) => *index += 1,
                Some(Frame::Array(None)) | None => {}
            },
            b'"' => {
                let end = string_end(bytes, at);
                match stack.last_mut() {
                    // A string where an object wants a key is the key.
                    Some(Frame::Object(key @ None)) => {
                        let raw = text.get(at..end.min(text.len())).unwrap_or("");
                        *key = Some(
                            crate::wire::read::<String>(raw)
                                .unwrap_or_else(|_| raw.trim_matches('"').to_owned()),
                        );
                    }
                    _ => start_value(&mut stack),
                }
                at = end;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' => {}
            // A number, `true`, `false`, `null`: a value starts.
            _ => start_value(&mut stack),
        }
        at += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array(Some(index)) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            Frame::Object(None) | Frame::Array(None) => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// Marks the first element of an array as started.
fn start_value(stack: &mut [Frame]) {
    if let Some(Frame::Array(index @ None)) = stack.last_mut() {
        *index = Some(0);
    }
}

/// The byte just past the string starting at `start` (its closing quote
/// included), or the end of the text.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The byte offset of a 1-based line and column; column 0 ("at the
/// end") is the end of the line.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text.get(start..).and_then(|rest| rest.find('\n')) {
            Some(newline) => start += newline + 1,
            None => return text.len(),
        }
    }
    let line_len = text
        .get(start..)
        .map_or(0, |rest| rest.find('\n').unwrap_or(rest.len()));
    start
        + if column == 0 {
            line_len
        } else {
            column.min(line_len)
        }
}

#[cfg(test)]
mod tests {
    use super::at;

    /// The path the decoder's error position leads to, for a document of this
    /// shape.
    fn path_of<T: serde::de::DeserializeOwned + core::fmt::Debug>(text: &str) -> String {
        let error = crate::json::from_str::<T>(text).expect_err("the document is malformed");
        at(text, error.line(), error.column())
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only decoded, to provoke errors")]
    struct Doc {
        users: Vec<User>,
        #[serde(default)]
        map: std::collections::BTreeMap<String, u32>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only decoded, to provoke errors")]
    struct User {
        id: String,
        #[serde(default)]
        groups: Vec<String>,
    }

    #[test]
    fn names_the_value_being_read() {
        assert_eq!(path_of::<Doc>(r#"{"users": [{"id": 5}]}"#), "users[0].id");
        assert_eq!(
            path_of::<Doc>(r#"{"users": [{"id": "a"}, {"id": "b", "groups": ["x", 7]}]}"#),
            "users[1].groups[1]"
        );
        assert_eq!(
            path_of::<Doc>("{\"users\": [\n  {\"id\": \"a\",\n   \"name\": \"b\"}]}"),
            "users[0].name"
        );
        assert_eq!(
            path_of::<Doc>(r#"{"users": [], "map": {"a": 1, "b": "x"}}"#),
            "map.b"
        );
        assert_eq!(path_of::<Doc>(r#"{"users": 7}"#), "users");
        assert_eq!(path_of::<Doc>(r#"{"users": [{"groups": []}]}"#), "users[0]");
        assert_eq!(
            path_of::<Doc>(r#"{"users": [{"id": "\"}\""}, 3]}"#),
            "users[1]"
        );
        assert_eq!(path_of::<Doc>(r#"{"users": []} trailing"#), ".");
        assert_eq!(
            path_of::<Doc>(r#"{"us\u0065rs": [{"i\"d": 1}]}"#),
            "users[0].i\"d"
        );
    }
}
