//! Writing answers as JSON text: the bytes `serde_json` writes for the same
//! documents (compact, fields in declaration order), without serde.

use crate::prelude::*;
/// Writes `text` as a JSON string, escaped as `serde_json` escapes it.
pub fn write_str(out: &mut String, text: &str) {
    out.push('"');
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(text.get(plain..at).unwrap_or_default());
        if escape.is_empty() {
            // A control character: `\u00` and two lowercase hex digits.
            out.push_str("\\u00");
            for digit in [byte >> 4, byte & 0xf] {
                out.push(char::from(if digit < 10 {
                    b'0' + digit
                } else {
                    b'a' + digit - 10
                }));
            }
        } else {
            out.push_str(escape);
        }
        plain = at + 1;
    }
    out.push_str(text.get(plain..).unwrap_or_default());
    out.push('"');
}

/// Writes a decimal integer.
pub fn write_u64(out: &mut String, mut value: u64) {
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        let digit = u8::try_from(value % 10).unwrap_or(0);
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + digit;
        }
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &digit in digits.get(at..).unwrap_or_default() {
        out.push(char::from(digit));
    }
}

/// Writes an array of strings.
pub fn write_strs<S: AsRef<str>>(out: &mut String, items: &[S]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, item.as_ref());
    }
    out.push(']');
}

/// Writes an object field by field: `{` on creation, `}` at [`Self::end`].
#[derive(Debug)]
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, first: true }
    }

    /// Writes the field's name; the caller writes its value into the result.
    pub fn field(&mut self, name: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, name);
        self.out.push(':');
        self.out
    }

    pub fn str(&mut self, name: &str, value: &str) -> &mut Self {
        write_str(self.field(name), value);
        self
    }

    pub fn opt_str(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(name, value);
        }
        self
    }

    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.field(name)
            .push_str(if value { "true" } else { "false" });
        self
    }

    pub fn u64(&mut self, name: &str, value: u64) -> &mut Self {
        write_u64(self.field(name), value);
        self
    }

    pub fn strs<S: AsRef<str>>(&mut self, name: &str, items: &[S]) -> &mut Self {
        write_strs(self.field(name), items);
        self
    }

    pub fn end(self) {
        self.out.push('}');
    }
}

/// Writes a value as JSON text, a number as the text it was read as (so that
/// `1e2` stays `1e2`: a claim compares by its text).
pub fn write_value(out: &mut String, value: &super::Value) {
    use super::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text) => out.push_str(text),
        Value::String(text) => write_str(out, text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_map(out, map),
    }
}

/// Writes an object of values, as [`write_value`] does.
pub fn write_map(out: &mut String, map: &super::Map) {
    out.push('{');
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}
