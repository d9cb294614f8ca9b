//! The serde `Deserializer` over writ's JSON reader, for documents read
//! through serde derive: the importers' REST dumps and the tests' oracles. The
//! wire documents every runtime reads have their own decoders (`wire/decode.rs`),
//! which compile to a fraction of this in the JavaScript package.

use crate::prelude::*;
use core::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

use super::{Decoder, Error, Found, Number, Str, Token};

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::placed(message.to_string().into(), 0, 0)
    }

    #[cold]
    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {expected}",
            Json(unexpected)
        ))
    }

    #[cold]
    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {expected}",
            Json(unexpected)
        ))
    }
}

/// What was found, in JSON's words as `serde_json` writes them: `null` rather
/// than serde's "unit value", and floats as JSON writes them (which also keeps
/// the standard library's float formatting, 9 KB, out of the package).
struct Json<'a>(Unexpected<'a>);

impl fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(value) => match serde_json::Number::from_f64(value) {
                Some(number) => write!(f, "floating point `{number}`"),
                None => f.write_str("floating point"),
            },
            unexpected => unexpected.fmt(f),
        }
    }
}

/// Decodes one JSON document into `T`; nothing but whitespace may follow it.
///
/// # Errors
/// Invalid JSON, or JSON of another shape than `T`'s.
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, Error> {
    let mut decoder = Decoder::new(text);
    let value = T::deserialize(&mut decoder)?;
    decoder.finish()?;
    Ok(value)
}

/// The typed readers of serde's calls: each wire type's derived code carries
/// only the visitor calls its type can take.
impl<'de> Decoder<'de> {
    /// Places an error raised by a visitor (which knows no position) here.
    fn fix_position(&self, mut error: Error) -> Error {
        if error.line() == 0 {
            (error.0.line, error.0.column) = self.position(self.index);
        }
        error
    }

    /// A container's result: the visitor's first error, else the closing
    /// bracket's, placed after the bracket when the visitor did not place it.
    fn close<T>(&mut self, visited: Result<T, Error>, close: u8) -> Result<T, Error> {
        let ended = self.end(close);
        match (visited, ended) {
            (Ok(value), Ok(())) => Ok(value),
            (Err(error), _) | (_, Err(error)) => Err(self.fix_position(error)),
        }
    }

    /// The first byte of the next value, which must be one of `wanted` (`0` for
    /// any number); anything else is refused as an invalid type, as `serde_json`
    /// refuses it.
    fn wanted_by(&mut self, wanted: &[u8], expected: &dyn Expected) -> Result<u8, Error> {
        let found = match self.kind(wanted)? {
            Ok(first) => return Ok(first),
            Err(found) => found,
        };
        let unexpected = match &found {
            Found::Null => Unexpected::Unit,
            Found::Bool(value) => Unexpected::Bool(*value),
            Found::Unsigned(value) => Unexpected::Unsigned(*value),
            Found::Signed(value) => Unexpected::Signed(*value),
            Found::Float(text) => Unexpected::Float(text.parse().unwrap_or(f64::NAN)),
            Found::Str(value) => Unexpected::Str(value),
            Found::Seq => Unexpected::Seq,
            Found::Map => Unexpected::Map,
        };
        Err(self.fix_position(de::Error::invalid_type(unexpected, expected)))
    }

    fn string_value(&mut self, expected: &dyn Expected) -> Result<Str<'de, '_>, Error> {
        self.wanted_by(b"\"", expected)?;
        self.scan_string()
    }

    fn number_value(&mut self, expected: &dyn Expected) -> Result<Number, Error> {
        self.wanted_by(b"0", expected)?;
        self.number()
    }

    fn bool_value(&mut self, expected: &dyn Expected) -> Result<bool, Error> {
        if self.wanted_by(b"tf", expected)? == b't' {
            self.ident(b"true").map(|()| true)
        } else {
            self.ident(b"false").map(|()| false)
        }
    }

    /// Opens an array or object as `wanted` allows; whether it is an object.
    fn open(&mut self, wanted: &[u8], expected: &dyn Expected) -> Result<bool, Error> {
        let first = self.wanted_by(wanted, expected)?;
        self.enter()?;
        Ok(first == b'{')
    }
}

/// Methods that read like another: every number type reads as a number (the
/// visitor checks the range), every string as a string.
macro_rules! forward_to {
    ($($target:ident => $($method:ident)+;)+) => {
        $($(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                self.$target(visitor)
            }
        )+)+
    };
}

impl<'de> de::Deserializer<'de> for &mut Decoder<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let visited = match self.token()? {
            Token::Null => visitor.visit_unit(),
            Token::Bool(value) => visitor.visit_bool(value),
            Token::Number(Number::Unsigned(value)) => visitor.visit_u64(value),
            Token::Number(Number::Signed(value)) => visitor.visit_i64(value),
            Token::Number(Number::Float(value)) => visitor.visit_f64(value.value()),
            Token::Str(Str::Borrowed(value)) => visitor.visit_borrowed_str(value),
            Token::Str(Str::Copied(value)) => visitor.visit_str(value),
            Token::Array => {
                let visited = visitor.visit_seq(Access::new(self));
                return self.close(visited, b']');
            }
            Token::Object => {
                let visited = visitor.visit_map(Access::new(self));
                return self.close(visited, b'}');
            }
        };
        visited.map_err(|error| self.fix_position(error))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.whitespace() == Some(b'n') {
            self.ident(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Unit variants only, named by a string: the wire has no other enums
    /// (tagged ones go through `deserialize_any`). Anything else is refused with
    /// `serde_json`'s words.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.whitespace() {
            Some(b'"') => {}
            Some(_) => return Err(self.peek_error("expected value")),
            None => return Err(self.peek_error("EOF while parsing a value")),
        }
        let visited = visitor.visit_enum(StrDeserializer::new(self.key()?));
        visited.map_err(|error| self.fix_position(error))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.bool_value(&visitor)?;
        visitor
            .visit_bool(value)
            .map_err(|error| self.fix_position(error))
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let visited = match self.number_value(&visitor)? {
            Number::Unsigned(value) => visitor.visit_u64(value),
            Number::Signed(value) => visitor.visit_i64(value),
            Number::Float(value) => visitor.visit_f64(value.value()),
        };
        visited.map_err(|error| self.fix_position(error))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let visited = match self.string_value(&visitor)? {
            Str::Borrowed(value) => visitor.visit_borrowed_str(value),
            Str::Copied(value) => visitor.visit_str(value),
        };
        visited.map_err(|error| self.fix_position(error))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.open(b"[", &visitor)?;
        let visited = visitor.visit_seq(Access::new(self));
        self.close(visited, b']')
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.open(b"{", &visitor)?;
        let visited = visitor.visit_map(Access::new(self));
        self.close(visited, b'}')
    }

    /// An object only: `serde_json` also reads a struct from an array of its
    /// fields in order, which no wire document is, and which would keep the
    /// derived `visit_seq` of every wire type in the package.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char bytes byte_buf unit unit_struct tuple tuple_struct ignored_any
    }

    forward_to! {
        deserialize_u64 => deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
            deserialize_u8 deserialize_u16 deserialize_u32 deserialize_f32 deserialize_f64;
        deserialize_str => deserialize_string deserialize_identifier;
    }
}

/// The elements of an array, or the entries of an object, being read.
struct Access<'a, 'de> {
    decoder: &'a mut Decoder<'de>,
    first: bool,
}

impl<'a, 'de> Access<'a, 'de> {
    fn new(decoder: &'a mut Decoder<'de>) -> Self {
        Self {
            decoder,
            first: true,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Access<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.decoder.has_next(&mut self.first, b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.decoder).map(Some)
    }
}

impl<'de> de::MapAccess<'de> for Access<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if !self.decoder.has_next(&mut self.first, b'}')? {
            return Ok(None);
        }
        // Placed after the key, so that the path of an unknown field names it.
        let key = seed.deserialize(StrDeserializer::<Error>::new(self.decoder.key()?));
        key.map(Some)
            .map_err(|error| self.decoder.fix_position(error))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.decoder.colon()?;
        seed.deserialize(&mut *self.decoder)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::Value;

    use super::from_str;

    /// `serde_json`'s reading of a document: the value, or the error's text.
    fn theirs(text: &str) -> Result<Value, String> {
        serde_json::from_str(text).map_err(|error| error.to_string())
    }

    fn ours(text: &str) -> Result<Value, String> {
        from_str(text).map_err(|error| error.to_string())
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "17",
            "-17",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-0.25e-3",
            "1E+2",
            "123456789.123456789",
            "0.1",
            "1e-7",
            "5e-324",
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            r#""""#,
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u4e2d\ud83d\ude00 é""#,
            "[]",
            "[1, [2, [3]], {}]",
            r#"{"a": 1, "b": [true, null], "c": {"d": "e"}, "a": 2}"#,
            "\n\t\r {\"k\" :\n\"v\"\n}\n",
        ] {
            assert_eq!(ours(text), theirs(text), "{text}");
        }
    }

    /// Out of range is decided without computing the value (`out_of_range`):
    /// the same verdict as `serde_json`'s, at every exponent where a `u64`
    /// significand can reach infinity and around it, and the same value where
    /// it is in range.
    #[test]
    fn refuses_floats_out_of_range_where_serde_json_does() {
        let significands = [
            "1",
            "9",
            "17976931348623157",
            "17976931348623158",
            "17976931348623159",
            "1797693134862315708",
            "1797693134862315799",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "0",
            "0.000",
        ];
        for significand in significands {
            for exponent in 270..=330 {
                for sign in ["", "-"] {
                    let text = format!("{sign}{significand}e{exponent}");
                    assert_eq!(ours(&text), theirs(&text), "{text}");
                    let text = format!("{sign}{significand}.5e+{exponent}");
                    assert_eq!(ours(&text), theirs(&text), "{text}");
                }
            }
        }
        let max = "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368";
        for text in [
            max.to_owned(),
            format!("{max}.0"),
            format!("{max}9"),
            format!("{}e1", &max[..300]),
            "1e2147483647".to_owned(),
            "1e2147483648".to_owned(),
            "0e99999999999".to_owned(),
            "1e-99999999999".to_owned(),
        ] {
            assert_eq!(ours(&text), theirs(&text), "{text}");
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses_with_its_words() {
        for text in [
            "",
            "   ",
            "nul",
            "nulL",
            "tru",
            "01",
            "-",
            "-a",
            "1.",
            "1.e5",
            "1e",
            "1e+",
            "1e400",
            "\"abc",
            "\"a\\x\"",
            "\"a\\u12\"",
            "\"a\\u12g4\"",
            "\"\\ud800\"",
            "\"\\ud800x\"",
            "\"\\ud800\\u0041\"",
            "\"\\udc00\"",
            "\"tab\there\"",
            "[1,]",
            "[1 2]",
            "[1",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "{\"a\": 1",
            "{1: 2}",
            "{\"a\": 1} x",
            "[] []",
            "x",
            "}",
        ] {
            assert_eq!(ours(text), theirs(text), "{text:?}");
        }
    }

    #[test]
    fn finds_quotes_escapes_and_control_characters_at_every_offset() {
        // Strings are scanned eight bytes at a time: put each special byte at
        // every position of a few blocks, after ASCII and after multi-byte text.
        for prefix in ["", "é", "中😀"] {
            for at in 0..20 {
                for special in ["\\\"", "\\\\", "\\n", "\\u0041", "\u{1}", "\"", "\"x"] {
                    let text = format!("\"{prefix}{}{special}{}\"", "a".repeat(at), "b".repeat(9));
                    assert_eq!(ours(&text), theirs(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn refuses_deep_nesting() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(ours(&deep), theirs(&deep));
        let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(ours(&fine), theirs(&fine));
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Doc {
        name: String,
        #[serde(default)]
        count: Option<u32>,
        kind: Kind,
        #[serde(default)]
        levels: BTreeMap<Kind, Vec<String>>,
    }

    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
    #[serde(rename_all = "UPPERCASE")]
    enum Kind {
        Grant,
        Revoke,
    }

    fn both(text: &str) -> (Result<Doc, String>, Result<Doc, String>) {
        (
            from_str::<Doc>(text).map_err(|error| error.to_string()),
            serde_json::from_str::<Doc>(text).map_err(|error| error.to_string()),
        )
    }

    #[test]
    fn decodes_derived_types_as_serde_json_does() {
        let (ours, theirs) = both(
            r#"{"name": "n\u0041", "count": null, "kind": "GRANT", "levels": {"REVOKE": ["x"]}}"#,
        );
        assert_eq!(ours, theirs);
        assert_eq!(ours.map(|doc| doc.name), Ok("nA".to_owned()));
        for text in [
            r#"{"name": "n", "kind": "GRANT", "extra": 1}"#,
            r#"{"name": "n", "kind": "BOTH"}"#,
            r#"{"name": 5, "kind": "GRANT"}"#,
            r#"{"name": null, "kind": "GRANT"}"#,
            r#"{"name": [], "kind": "GRANT"}"#,
            r#"{"name": "n", "kind": "GRANT", "levels": []}"#,
            r#"{"name": "n", "kind": "GRANT", "levels": {"GRANT": "x"}}"#,
            r#"{"name": "n", "kind": "GRANT", "count": true}"#,
            r#"{"name": "n", "kind": "GRANT", "count": 1e3}"#,
            r#"{"name": "n", "kind": "GRANT", "count": 99999999999}"#,
            r#"{"name": "n", "kind": "GRANT", "count": "7"}"#,
            r#"{"name": "n", "kind": "GRANT", "count": -1}"#,
            r#"{"name": "n", "kind": "GRANT", "count": 1.5}"#,
            r#"{"name": "n"}"#,
            r#"{"name": "n", "name": "m", "kind": "GRANT"}"#,
        ] {
            let (ours, theirs) = both(text);
            // Same verdict and words; positions may differ (the path is what
            // callers see, and `json_path`'s tests pin it).
            let words = |result: Result<Doc, String>| {
                result.map_err(|error| {
                    error
                        .split(" at line ")
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                })
            };
            assert_eq!(words(ours), words(theirs), "{text}");
        }
    }

    #[test]
    fn reads_structs_from_objects_only() {
        // `serde_json` would read this as `Doc { name: "n", count: Some(3), … }`.
        let error = from_str::<Doc>(r#"["n", 3, "GRANT"]"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: sequence, expected struct Doc at line 1 column 1"
        );
        let error = from_str::<Vec<Doc>>(r#"[{"name": "n", "kind": "GRANT"}, []]"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: sequence, expected struct Doc at line 1 column 34"
        );
    }

    #[test]
    fn refuses_an_enum_value_that_is_no_string_as_serde_json_does() {
        let error = from_str::<Doc>(r#"{"name": "n", "kind": 5}"#).unwrap_err();
        assert_eq!(error.to_string(), "expected value at line 1 column 23");
    }
}
