//! The JSON reader behind every document writ reads, and the writer of every
//! answer it gives.
//!
//! It accepts what `serde_json` accepts (RFC 8259; nesting up to 128 deep; lone
//! surrogate escapes refused) and words its errors the same way, with a line
//! and column that [`crate::json_path`] turns into the path of the value at fault.
//! The wire documents (`wire/decode.rs`) are read through the typed calls below
//! (`read_str`, `read_object`, …): hand-written decoders over one non-generic
//! reader, because serde derive compiled every wire type's visitors into the
//! JavaScript package (two fifths of it). The serde `Deserializer` over the same
//! reader ([`from_str`], in `json/serde_de.rs`) serves the importers and the
//! tests' oracles.

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt;

#[cfg(feature = "std")]
mod serde_de;
mod value;
mod write;

#[cfg(feature = "std")]
pub use serde_de::from_str;
pub use value::{Map, Value};
pub use write::{ObjectWriter, write_map, write_str, write_strs, write_u64, write_value};

/// Nesting deeper than this is refused (as `serde_json` does), so that a hostile
/// document cannot exhaust the stack.
/// (The count of levels still allowed reaching 0 is the refusal: 127 levels.)
const MAX_DEPTH: u8 = crate::limits::MAX_NESTING_DEPTH + 1;

/// A decoding error: the message and, for errors found in the text, where.
/// Boxed: every field read returns a `Result`, and a word-wide one is what
/// keeps the decoders small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<Placed>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Placed {
    message: Box<str>,
    /// 1-based; 0 until the decoder places the error.
    line: usize,
    /// Bytes of the line read when the error was found (`serde_json`'s column).
    column: usize,
    /// The code of the limit the text went past (`limit.id_length`), if that
    /// is what was wrong.
    limit: Option<&'static str>,
}

impl Error {
    fn placed(message: Box<str>, line: usize, column: usize) -> Self {
        Self(Box::new(Placed {
            message,
            line,
            column,
            limit: None,
        }))
    }

    /// The code of the limit exceeded (`limit.nesting_depth`, `limit.id_length`),
    /// when a limit is what the text broke.
    pub fn limit(&self) -> Option<&'static str> {
        self.0.limit
    }

    fn with_limit(mut self, code: &'static str) -> Self {
        self.0.limit = Some(code);
        self
    }

    /// The line the error was found on (1-based).
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// How many bytes of that line had been read.
    pub fn column(&self) -> usize {
        self.0.column
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Placed {
            message,
            line,
            column,
            ..
        } = &*self.0;
        if *line == 0 {
            f.write_str(message)
        } else {
            write!(f, "{message} at line {line} column {column}")
        }
    }
}

impl core::error::Error for Error {}

/// A value of the wrong type, in JSON's words as `serde_json` writes them.
#[derive(Debug)]
enum Found {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    /// The number as the text writes it.
    Float(Box<str>),
    Str(Box<str>),
    Seq,
    Map,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(value) => write!(f, "boolean `{value}`"),
            Self::Unsigned(value) => write!(f, "integer `{value}`"),
            Self::Signed(value) => write!(f, "integer `{value}`"),
            Self::Float(text) => write!(f, "floating point `{text}`"),
            Self::Str(text) => {
                // As Rust's `{:?}` writes the strings of JSON documents.
                f.write_str("string \"")?;
                for c in text.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        '\0' => f.write_str("\\0")?,
                        c if c < ' ' => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Self::Seq => f.write_str("sequence"),
            Self::Map => f.write_str("map"),
        }
    }
}

/// `expected {names}`, as serde words a list of field or variant names.
struct OneOf(&'static [&'static str]);

impl fmt::Display for OneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => Ok(()),
            [one] => write!(f, "`{one}`"),
            [a, b] => write!(f, "`{a}` or `{b}`"),
            names => {
                f.write_str("one of ")?;
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{name}`")?;
                }
                Ok(())
            }
        }
    }
}

/// A string as read: borrowed from the text when it has no escapes.
enum Str<'de, 's> {
    Borrowed(&'de str),
    Copied(&'s str),
}

#[derive(Clone, Copy)]
enum Number {
    Unsigned(u64),
    Signed(i64),
    /// Read as a float; its value is computed only where serde's calls read
    /// it (whether it is out of range was decided while reading).
    Float(
        #[cfg_attr(
            not(feature = "std"),
            expect(dead_code, reason = "read by serde's calls")
        )]
        Float,
    ),
}

/// A float's decimal parts: `±significand × 10^exponent`.
#[derive(Clone, Copy)]
#[cfg_attr(
    not(feature = "std"),
    expect(dead_code, reason = "read by serde's calls")
)]
struct Float {
    significand: u64,
    exponent: i32,
    negative: bool,
}

impl Float {
    /// A signed zero.
    const fn zero(negative: bool) -> Self {
        Self {
            significand: 0,
            exponent: 0,
            negative,
        }
    }

    /// The value, the way `serde_json` computes it by default (one
    /// multiplication or division by a power of ten from a table): exact for
    /// significands below 2^53 and exponents within ±22, and the same value as
    /// before this decoder existed everywhere else.
    #[cfg(feature = "std")]
    fn value(self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "rounds like a float literal")]
        let mut value = self.significand as f64;
        let mut exponent = self.exponent;
        loop {
            match POWERS_OF_TEN.get(exponent.unsigned_abs() as usize) {
                Some(&power) if exponent >= 0 => value *= power,
                Some(&power) => value /= power,
                None if value == 0.0 => {}
                // Past 10^308 (refused while reading).
                None if exponent >= 0 => value = f64::INFINITY,
                None => {
                    value /= 1e308;
                    exponent += 308;
                    continue;
                }
            }
            return if self.negative { -value } else { value };
        }
    }
}

/// Whether `significand × 10^exponent` is beyond `f64` as [`Float::value`]
/// computes it (infinite), which `serde_json` refuses: decided with the top
/// twenty powers of ten only, so that the package carries no table of 309
/// floats (2.3 KB that barely compress) for an error message.
fn out_of_range(significand: u64, exponent: i32) -> bool {
    if significand == 0 || exponent < 0 {
        return false;
    }
    // INVARIANT: below 10^289 the product is at most 2^64 × 10^288, about
    // 1.8 × 10^307, and finite; `HIGH_POWERS_OF_TEN[k]` is `10^(289 + k)`.
    let Some(high) = u32::try_from(exponent)
        .ok()
        .and_then(|e| e.checked_sub(289))
    else {
        return false;
    };
    match HIGH_POWERS_OF_TEN.get(high as usize) {
        #[expect(clippy::cast_precision_loss, reason = "rounds like a float literal")]
        Some(&power) => (significand as f64 * power).is_infinite(),
        None => true,
    }
}

/// `10^289` to `10^308`, each the nearest `f64`: the powers by which a `u64`
/// significand can reach infinity.
const HIGH_POWERS_OF_TEN: [f64; 20] = [
    1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301,
    1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
];

/// The start of a value, read by the non-generic part of the decoder.
enum Token<'de, 's> {
    Null,
    Bool(bool),
    Number(Number),
    Str(Str<'de, 's>),
    /// `[` was read (and the nesting depth taken).
    Array,
    /// `{` was read (and the nesting depth taken).
    Object,
}

/// Reads JSON text: the one reader under the wire documents' decoders
/// ([`crate::wire::Decode`]) and under the serde `Deserializer` ([`from_str`]).
#[derive(Debug)]
pub struct Decoder<'de> {
    text: &'de str,
    index: usize,
    /// Levels of nesting still allowed.
    depth: u8,
    /// Bytes a string may have (`limit.id_length` beyond).
    max_string: usize,
    /// Strings with escapes are unescaped into this.
    scratch: String,
}

/// `10^0` to `10^308`, each the nearest `f64`.
#[cfg(feature = "std")]
const POWERS_OF_TEN: [f64; 309] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32,
    1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39, 1e40, 1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48,
    1e49, 1e50, 1e51, 1e52, 1e53, 1e54, 1e55, 1e56, 1e57, 1e58, 1e59, 1e60, 1e61, 1e62, 1e63, 1e64,
    1e65, 1e66, 1e67, 1e68, 1e69, 1e70, 1e71, 1e72, 1e73, 1e74, 1e75, 1e76, 1e77, 1e78, 1e79, 1e80,
    1e81, 1e82, 1e83, 1e84, 1e85, 1e86, 1e87, 1e88, 1e89, 1e90, 1e91, 1e92, 1e93, 1e94, 1e95, 1e96,
    1e97, 1e98, 1e99, 1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109, 1e110,
    1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119, 1e120, 1e121, 1e122, 1e123,
    1e124, 1e125, 1e126, 1e127, 1e128, 1e129, 1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136,
    1e137, 1e138, 1e139, 1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149,
    1e150, 1e151, 1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159, 1e160, 1e161, 1e162,
    1e163, 1e164, 1e165, 1e166, 1e167, 1e168, 1e169, 1e170, 1e171, 1e172, 1e173, 1e174, 1e175,
    1e176, 1e177, 1e178, 1e179, 1e180, 1e181, 1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188,
    1e189, 1e190, 1e191, 1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199, 1e200, 1e201,
    1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209, 1e210, 1e211, 1e212, 1e213, 1e214,
    1e215, 1e216, 1e217, 1e218, 1e219, 1e220, 1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227,
    1e228, 1e229, 1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239, 1e240,
    1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249, 1e250, 1e251, 1e252, 1e253,
    1e254, 1e255, 1e256, 1e257, 1e258, 1e259, 1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266,
    1e267, 1e268, 1e269, 1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279,
    1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289, 1e290, 1e291, 1e292,
    1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301, 1e302, 1e303, 1e304, 1e305,
    1e306, 1e307, 1e308,
];

/// The position of the first quote, backslash or control character from `at`,
/// or the start of the last partial block (for the caller to finish byte by
/// byte): strings are scanned a word at a time, the way `serde_json` scans them.
fn skip_plain(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(Ok(block)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
        let word = u64::from_le_bytes(block);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // The classic "has a zero byte" and "has a byte below n" tests.
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let found = found & HIGH;
        if found != 0 {
            // The lowest flag is exact: a borrow only runs upwards, so a false
            // flag can only follow a true one. Snapshot ids are short, so this
            // saves the byte loop on nearly every string.
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at
}

/// `value` with the decimal digit `digit` appended, if it fits.
fn push_digit(value: u64, digit: u8) -> Option<u64> {
    value
        .checked_mul(10)
        .and_then(|value| value.checked_add(u64::from(digit - b'0')))
}

impl<'de> Decoder<'de> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.index).copied()
    }

    /// The line and column after the first `index` bytes.
    fn position(&self, index: usize) -> (usize, usize) {
        let read = self
            .text
            .as_bytes()
            .get(..index)
            .unwrap_or(self.text.as_bytes());
        let line_start = read
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        let line = 1 + read.iter().filter(|&&byte| byte == b'\n').count();
        (line, read.len() - line_start)
    }

    /// An error placed after the first `index` bytes.
    fn error_at(&self, index: usize, message: &str) -> Error {
        let (line, column) = self.position(index);
        Error::placed(message.into(), line, column)
    }

    /// An error about what was read last.
    fn error(&self, message: &str) -> Error {
        self.error_at(self.index, message)
    }

    /// An error about the byte about to be read.
    fn peek_error(&self, message: &str) -> Error {
        self.error_at((self.index + 1).min(self.text.len()), message)
    }

    /// Skips whitespace; the next byte, if any.
    #[inline(always)]
    fn whitespace(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.index) {
            if !matches!(byte, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(byte);
            }
            self.index += 1;
        }
        None
    }

    /// The start of the next value; scalars are read whole.
    fn token(&mut self) -> Result<Token<'de, '_>, Error> {
        let Some(first) = self.whitespace() else {
            return Err(self.peek_error("EOF while parsing a value"));
        };
        match first {
            b'n' => self.ident(b"null").map(|()| Token::Null),
            b't' => self.ident(b"true").map(|()| Token::Bool(true)),
            b'f' => self.ident(b"false").map(|()| Token::Bool(false)),
            b'-' | b'0'..=b'9' => self.number().map(Token::Number),
            b'"' => self.scan_string().map(Token::Str),
            b'[' | b'{' => {
                self.enter()?;
                Ok(if first == b'[' {
                    Token::Array
                } else {
                    Token::Object
                })
            }
            _ => Err(self.peek_error("expected value")),
        }
    }

    /// Reads `word` (`null`, `true`, `false`), whose first byte was peeked.
    fn ident(&mut self, word: &[u8]) -> Result<(), Error> {
        for &expected in word {
            let Some(byte) = self.peek() else {
                return Err(self.error("EOF while parsing a value"));
            };
            self.index += 1;
            if byte != expected {
                return Err(self.error("expected ident"));
            }
        }
        Ok(())
    }

    /// Reads a string (its opening quote, next, included).
    fn scan_string(&mut self) -> Result<Str<'de, '_>, Error> {
        self.scan_string_within(self.max_string)
    }

    /// [`Self::scan_string`] of at most `limit` bytes (unescaped).
    fn scan_string_within(&mut self, limit: usize) -> Result<Str<'de, '_>, Error> {
        let text = self.text;
        let bytes = text.as_bytes();
        self.index += 1;
        let mut start = self.index;
        let mut escaped = false;
        self.scratch.clear();
        loop {
            let mut at = skip_plain(bytes, self.index);
            while let Some(&byte) = bytes.get(at) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                at += 1;
            }
            // `start` and `at` sit on ASCII bytes, so `get` always succeeds.
            let chunk = text.get(start..at).unwrap_or_default();
            self.index = at;
            match bytes.get(at) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.index += 1;
                    let len = if escaped {
                        self.scratch.len() + chunk.len()
                    } else {
                        chunk.len()
                    };
                    if len > limit {
                        return Err(self.long_string(len, limit));
                    }
                    if !escaped {
                        return Ok(Str::Borrowed(chunk));
                    }
                    self.scratch.push_str(chunk);
                    return Ok(Str::Copied(&self.scratch));
                }
                Some(b'\\') => {
                    self.scratch.push_str(chunk);
                    escaped = true;
                    self.index += 1;
                    self.escape()?;
                    start = self.index;
                }
                Some(_) => {
                    self.index += 1;
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
            }
        }
    }

    /// A string of `len` bytes, over the limit.
    #[cold]
    fn long_string(&self, len: usize, limit: usize) -> Error {
        let (code, message) = crate::limits::words(2, len, limit);
        self.error(&message).with_limit(code)
    }

    /// Reads one escape (its backslash was read) into `scratch`.
    fn escape(&mut self) -> Result<(), Error> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.index += 1;
        let unescaped = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape")),
        };
        self.scratch.push(unescaped);
        Ok(())
    }

    /// The character of `\uXXXX` (its `\u` was read), or of a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                // A `\u` must follow; the end of the text first is the end of
                // the string's (as `serde_json` reports it).
                for wanted in [b'\\', b'u'] {
                    match self.peek() {
                        None => return Err(self.error("EOF while parsing a string")),
                        Some(byte) => {
                            self.index += 1;
                            if byte != wanted {
                                return Err(self.error("unexpected end of hex escape"));
                            }
                        }
                    }
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone leading surrogate in hex escape")),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    /// Four hex digits, taken whole before they are checked (as `serde_json` does).
    fn hex4(&mut self) -> Result<u32, Error> {
        let Some(digits) = self.text.as_bytes().get(self.index..self.index + 4) else {
            self.index = self.text.len();
            return Err(self.error("EOF while parsing a string"));
        };
        self.index += 4;
        let code = digits.iter().try_fold(0, |code, &byte| {
            char::from(byte).to_digit(16).map(|digit| code * 16 + digit)
        });
        code.ok_or_else(|| self.error("invalid escape"))
    }

    /// Reads a number: an integer as `u64` (`i64` when negative) when it fits,
    /// anything else as `f64`. `-0` is the float `-0.0`, as in `serde_json`.
    fn number(&mut self) -> Result<Number, Error> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.index += 1;
        }
        let mut significand: u64 = 0;
        // Integer digits that did not fit the significand, and fraction digits
        // that did: the decimal exponent to apply.
        let mut exponent: i32 = 0;
        let mut float = false;
        match self.peek() {
            Some(b'0') => {
                self.index += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(digit @ b'0'..=b'9') = self.peek() {
                    self.index += 1;
                    match push_digit(significand, digit) {
                        Some(value) if !float => significand = value,
                        _ => {
                            float = true;
                            exponent += 1;
                        }
                    }
                }
            }
            Some(_) => {
                self.index += 1;
                return Err(self.error("invalid number"));
            }
            None => return Err(self.error("EOF while parsing a value")),
        }
        if self.peek() == Some(b'.') {
            self.index += 1;
            float = true;
            self.digits()?;
            // Digits past what the significand holds are dropped. A fraction
            // digit that still fits is pushed even when the integer part
            // overflowed, in the place of the first dropped integer digit
            // (`18446744073709551616.5` reads as `…1615`): `serde_json` does
            // so, and this decoder decides as it does.
            let mut full = false;
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                self.index += 1;
                if !full {
                    match push_digit(significand, digit) {
                        Some(value) => {
                            significand = value;
                            exponent -= 1;
                        }
                        None => full = true,
                    }
                }
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.index += 1;
            float = true;
            let negative_exponent = match self.peek() {
                Some(b'-') => {
                    self.index += 1;
                    true
                }
                Some(b'+') => {
                    self.index += 1;
                    false
                }
                _ => false,
            };
            self.digits()?;
            let mut written: i32 = 0;
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                self.index += 1;
                let Some(more) = written
                    .checked_mul(10)
                    .and_then(|written| written.checked_add(i32::from(digit - b'0')))
                else {
                    // An exponent beyond i32: infinite (refused) or zero.
                    if !negative_exponent && significand != 0 {
                        return Err(self.error("number out of range"));
                    }
                    while let Some(b'0'..=b'9') = self.peek() {
                        self.index += 1;
                    }
                    return Ok(Number::Float(Float::zero(negative)));
                };
                written = more;
            }
            exponent = if negative_exponent {
                exponent.saturating_sub(written)
            } else {
                exponent.saturating_add(written)
            };
        }
        if !float {
            return Ok(if !negative {
                Number::Unsigned(significand)
            } else if significand == 0 {
                Number::Float(Float::zero(true))
            } else {
                match 0_i64.checked_sub_unsigned(significand) {
                    Some(value) => Number::Signed(value),
                    // Beyond i64: a float.
                    None => Number::Float(Float {
                        significand,
                        exponent: 0,
                        negative: true,
                    }),
                }
            });
        }
        if out_of_range(significand, exponent) {
            return Err(self.error("number out of range"));
        }
        Ok(Number::Float(Float {
            significand,
            exponent,
            negative,
        }))
    }

    /// At least one digit must follow.
    fn digits(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'0'..=b'9') => Ok(()),
            Some(_) => {
                self.index += 1;
                Err(self.error("invalid number"))
            }
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// The first byte of the next value, which must be one of `wanted` (`0` for
    /// any number); otherwise the value found, read so far that the error's
    /// position names it (after its first byte, a container's bracket
    /// included, so that its path names the value, also an element).
    fn kind(&mut self, wanted: &[u8]) -> Result<Result<u8, Found>, Error> {
        let Some(first) = self.whitespace() else {
            return Err(self.peek_error("EOF while parsing a value"));
        };
        let kind = match first {
            b'-' | b'0'..=b'9' => b'0',
            other => other,
        };
        if wanted.contains(&kind) {
            return Ok(Ok(first));
        }
        let start = self.index;
        let found = match first {
            b'[' => {
                self.index += 1;
                Found::Seq
            }
            b'{' => {
                self.index += 1;
                Found::Map
            }
            _ => match self.token()? {
                Token::Null => Found::Null,
                Token::Bool(value) => Found::Bool(value),
                Token::Number(Number::Unsigned(value)) => Found::Unsigned(value),
                Token::Number(Number::Signed(value)) => Found::Signed(value),
                Token::Number(Number::Float(_)) => {
                    let text = self.text.get(start..self.index).unwrap_or_default();
                    Found::Float(text.into())
                }
                Token::Str(Str::Borrowed(value) | Str::Copied(value)) => Found::Str(value.into()),
                Token::Array | Token::Object => return Err(self.peek_error("expected value")),
            },
        };
        Ok(Err(found))
    }

    /// [`Self::kind`], refusing what is not wanted as "invalid type".
    fn wanted(&mut self, wanted: &[u8], expected: &str) -> Result<u8, Error> {
        match self.kind(wanted)? {
            Ok(first) => Ok(first),
            Err(found) => Err(self.invalid_type(&found, expected)),
        }
    }

    #[cold]
    fn invalid_type(&self, found: &Found, expected: &str) -> Error {
        self.message(format_args!("invalid type: {found}, expected {expected}"))
    }

    /// An error with a message, placed here.
    #[cold]
    fn message(&self, message: fmt::Arguments<'_>) -> Error {
        self.error(&message.to_string())
    }
    /// Reads the bracket (next) that opens a container, one level deeper.
    fn enter(&mut self) -> Result<(), Error> {
        self.depth -= 1;
        if self.depth == 0 {
            return Err(self
                .peek_error("recursion limit exceeded")
                .with_limit("limit.nesting_depth"));
        }
        self.index += 1;
        Ok(())
    }

    /// Whether another item follows in an array (`close` is `]`) or an object
    /// (`}`); `first`: none was read yet.
    fn has_next(&mut self, first: &mut bool, close: u8) -> Result<bool, Error> {
        let object = close == b'}';
        let next = match self.whitespace() {
            Some(byte) if byte == close => return Ok(false),
            Some(b',') if !*first => {
                self.index += 1;
                self.whitespace()
            }
            Some(byte) if *first => {
                *first = false;
                Some(byte)
            }
            Some(_) if object => return Err(self.peek_error("expected `,` or `}`")),
            Some(_) => return Err(self.peek_error("expected `,` or `]`")),
            None if object => return Err(self.peek_error("EOF while parsing an object")),
            None => return Err(self.peek_error("EOF while parsing a list")),
        };
        match next {
            Some(byte) if byte == close => Err(self.peek_error("trailing comma")),
            Some(byte) if object && byte != b'"' => Err(self.peek_error("key must be a string")),
            Some(_) => Ok(true),
            None => Err(self.peek_error("EOF while parsing a value")),
        }
    }

    /// Reads an object key (its opening quote is next). Keys are not held to
    /// the string limit (`idBytes` bounds values): a struct's are its field
    /// names, and any other is bounded by the document's size.
    fn key(&mut self) -> Result<&str, Error> {
        match self.scan_string_within(usize::MAX)? {
            Str::Borrowed(key) | Str::Copied(key) => Ok(key),
        }
    }

    fn colon(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b':') => {
                self.index += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_error("expected `:`")),
            None => Err(self.peek_error("EOF while parsing an object")),
        }
    }

    /// Reads the `]` or `}` (`close`) of a container whose visitor is done,
    /// giving the depth back; what is refused, and how, is `serde_json`'s.
    fn end(&mut self, close: u8) -> Result<(), Error> {
        self.depth += 1;
        let object = close == b'}';
        match self.whitespace() {
            Some(byte) if byte == close => {
                self.index += 1;
                Ok(())
            }
            Some(b',') if object => Err(self.peek_error("trailing comma")),
            Some(b',') => {
                self.index += 1;
                match self.whitespace() {
                    Some(b']') => Err(self.peek_error("trailing comma")),
                    _ => Err(self.peek_error("trailing characters")),
                }
            }
            Some(_) => Err(self.peek_error("trailing characters")),
            None if object => Err(self.peek_error("EOF while parsing an object")),
            None => Err(self.peek_error("EOF while parsing a list")),
        }
    }
}

/// The typed reading calls of the wire decoders (`wire/decode.rs`). Each reads
/// one value and refuses any other in `serde_json`'s words; the error's
/// position leads [`crate::json_path`] to the value at fault.
impl<'de> Decoder<'de> {
    pub(crate) fn new(text: &'de str) -> Self {
        Self {
            text,
            index: 0,
            depth: MAX_DEPTH,
            max_string: usize::MAX,
            scratch: String::new(),
        }
    }

    /// A decoder that refuses nesting and strings past `limits`.
    pub(crate) fn limited(text: &'de str, limits: &crate::Limits) -> Self {
        Self {
            // `enter` refuses when the count reaches 0: one more than the levels allowed.
            depth: limits.nesting_depth.min(MAX_DEPTH - 1) + 1,
            max_string: limits.id_bytes,
            ..Self::new(text)
        }
    }

    /// Nothing but whitespace may follow the document.
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            None => Ok(()),
            Some(_) => Err(self.peek_error("trailing characters")),
        }
    }

    /// Reads a `null` if one is next (an absent optional value).
    pub(crate) fn read_null(&mut self) -> Result<bool, Error> {
        if self.whitespace() == Some(b'n') {
            self.ident(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    pub(crate) fn read_str(&mut self) -> Result<&str, Error> {
        self.wanted(b"\"", "a string")?;
        match self.scan_string()? {
            Str::Borrowed(text) | Str::Copied(text) => Ok(text),
        }
    }

    pub(crate) fn read_string(&mut self) -> Result<String, Error> {
        self.read_str().map(str::to_owned)
    }

    /// A string, borrowed from the text unless it has escapes.
    pub(crate) fn read_text(&mut self) -> Result<Cow<'de, str>, Error> {
        self.wanted(b"\"", "a string")?;
        Ok(match self.scan_string()? {
            Str::Borrowed(text) => Cow::Borrowed(text),
            Str::Copied(text) => Cow::Owned(text.to_owned()),
        })
    }

    pub(crate) fn read_bool(&mut self) -> Result<bool, Error> {
        if self.wanted(b"tf", "a boolean")? == b't' {
            self.ident(b"true").map(|()| true)
        } else {
            self.ident(b"false").map(|()| false)
        }
    }

    pub(crate) fn read_u32(&mut self) -> Result<u32, Error> {
        self.wanted(b"0", "u32")?;
        let start = self.index;
        let found = match self.number()? {
            Number::Unsigned(value) => match u32::try_from(value) {
                Ok(value) => return Ok(value),
                Err(_) => Found::Unsigned(value),
            },
            Number::Signed(value) => Found::Signed(value),
            Number::Float(_) => {
                let text = self.text.get(start..self.index).unwrap_or_default();
                return Err(self.invalid_type(&Found::Float(text.into()), "u32"));
            }
        };
        Err(self.message(format_args!("invalid value: {found}, expected u32")))
    }

    pub(crate) fn read_u64(&mut self) -> Result<u64, Error> {
        self.wanted(b"0", "u64")?;
        let start = self.index;
        let found = match self.number()? {
            Number::Unsigned(value) => return Ok(value),
            Number::Signed(value) => Found::Signed(value),
            Number::Float(_) => {
                let text = self.text.get(start..self.index).unwrap_or_default();
                return Err(self.invalid_type(&Found::Float(text.into()), "u64"));
            }
        };
        Err(self.message(format_args!("invalid value: {found}, expected u64")))
    }

    /// A resource type: a name, or an integer id within `u32`.
    pub(crate) fn read_name_or_id(&mut self) -> Result<Result<u32, Cow<'de, str>>, Error> {
        const EXPECTED: &str = "a resource type name or integer id";
        if self.wanted(b"\"0", EXPECTED)? == b'"' {
            return self.read_text().map(Err);
        }
        let start = self.index;
        let out_of_range = match self.number()? {
            Number::Unsigned(id) => match u32::try_from(id) {
                Ok(id) => return Ok(Ok(id)),
                Err(_) => Found::Unsigned(id),
            },
            Number::Signed(id) => Found::Signed(id),
            Number::Float(_) => {
                let text = self.text.get(start..self.index).unwrap_or_default();
                return Err(self.invalid_type(&Found::Float(text.into()), EXPECTED));
            }
        };
        let id = match out_of_range {
            Found::Unsigned(id) => id.to_string(),
            Found::Signed(id) => id.to_string(),
            _ => String::new(),
        };
        Err(self.message(format_args!("resource type id {id} is out of range")))
    }

    /// A unit variant, named by a string: its position in `variants`.
    pub(crate) fn read_variant(
        &mut self,
        variants: &'static [&'static str],
    ) -> Result<usize, Error> {
        match self.whitespace() {
            Some(b'"') => {}
            Some(_) => return Err(self.peek_error("expected value")),
            None => return Err(self.peek_error("EOF while parsing a value")),
        }
        let name = self.key()?;
        if let Some(position) = variants.iter().position(|variant| *variant == name) {
            return Ok(position);
        }
        let name = name.to_owned();
        Err(self.unknown("variant", name, variants))
    }

    #[cold]
    fn unknown(&self, what: &str, name: String, known: &'static [&'static str]) -> Error {
        if known.is_empty() {
            self.message(format_args!(
                "unknown {what} `{name}`, there are no {what}s"
            ))
        } else {
            self.message(format_args!(
                "unknown {what} `{name}`, expected {}",
                OneOf(known)
            ))
        }
    }

    /// Opens an array: [`Items::next`] then says whether an element follows.
    pub(crate) fn read_array(&mut self) -> Result<Items, Error> {
        self.wanted(b"[", "a sequence")?;
        self.enter()?;
        Ok(Items {
            first: true,
            close: b']',
        })
    }

    /// Opens an object read as a map: [`Items::next_key`] gives each key.
    pub(crate) fn read_map(&mut self) -> Result<Items, Error> {
        self.wanted(b"{", "a map")?;
        self.enter()?;
        Ok(Items {
            first: true,
            close: b'}',
        })
    }

    /// Opens an object read as a struct (`expected`: `struct SnapshotDoc`) with
    /// these field names: [`Fields::next`] gives each field's position.
    pub(crate) fn read_object(
        &mut self,
        expected: &str,
        names: &'static [&'static str],
    ) -> Result<Fields, Error> {
        self.wanted(b"{", expected)?;
        self.enter()?;
        Ok(Fields {
            names,
            seen: 0,
            first: true,
        })
    }

    /// An array of strings.
    pub(crate) fn read_strings(&mut self) -> Result<Vec<String>, Error> {
        self.read_list(Self::read_string)
    }

    /// An array, each element read by `read`.
    pub(crate) fn read_list<T>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let mut items = self.read_array()?;
        let mut list = Vec::new();
        while items.next(self)? {
            list.push(read(self)?);
        }
        Ok(list)
    }

    /// Any value.
    pub(crate) fn read_value(&mut self) -> Result<Value, Error> {
        let start = self.whitespace().map(|_| self.index);
        Ok(match self.token()? {
            Token::Null => Value::Null,
            Token::Bool(value) => Value::Bool(value),
            Token::Number(_) => {
                let text = start.and_then(|start| self.text.get(start..self.index));
                Value::Number(text.unwrap_or_default().into())
            }
            Token::Str(Str::Borrowed(text) | Str::Copied(text)) => Value::String(text.to_owned()),
            Token::Array => {
                let mut items = Items {
                    first: true,
                    close: b']',
                };
                let mut list = Vec::new();
                while items.next(self)? {
                    list.push(self.read_value()?);
                }
                Value::Array(list)
            }
            Token::Object => Value::Object(self.read_entries()?),
        })
    }

    /// An object's entries, its `{` read.
    fn read_entries(&mut self) -> Result<Map, Error> {
        let mut items = Items {
            first: true,
            close: b'}',
        };
        let mut entries = Vec::new();
        while let Some(key) = items.next_key(self)? {
            let value = self.read_value()?;
            entries.push((key, value));
        }
        Ok(entries.into_iter().collect())
    }

    /// An object of any values.
    pub(crate) fn read_value_map(&mut self) -> Result<Map, Error> {
        self.read_map()?;
        self.read_entries()
    }
}

/// The elements of an array, or the entries of a map, being read.
#[derive(Debug)]
pub(crate) struct Items {
    first: bool,
    close: u8,
}

impl Items {
    /// Whether another element follows; at the end, the closing bracket is read.
    pub(crate) fn next(&mut self, decoder: &mut Decoder<'_>) -> Result<bool, Error> {
        if decoder.has_next(&mut self.first, self.close)? {
            return Ok(true);
        }
        decoder.end(self.close)?;
        Ok(false)
    }

    /// The next entry's key as a position in `variants` (its colon read), or
    /// `None` at the end; another key is refused as an unknown variant.
    pub(crate) fn next_variant(
        &mut self,
        decoder: &mut Decoder<'_>,
        variants: &'static [&'static str],
    ) -> Result<Option<usize>, Error> {
        if !self.next(decoder)? {
            return Ok(None);
        }
        let key = decoder.key()?;
        let Some(position) = variants.iter().position(|variant| *variant == key) else {
            let key = key.to_owned();
            return Err(decoder.unknown("variant", key, variants));
        };
        decoder.colon()?;
        Ok(Some(position))
    }

    /// The next entry's key (its colon read), or `None` at the end.
    pub(crate) fn next_key(&mut self, decoder: &mut Decoder<'_>) -> Result<Option<String>, Error> {
        if !self.next(decoder)? {
            return Ok(None);
        }
        let key = decoder.key()?.to_owned();
        decoder.colon()?;
        Ok(Some(key))
    }
}

/// The fields of a struct being read: which were seen, to refuse a second one
/// and to name a missing one.
#[derive(Debug)]
pub(crate) struct Fields {
    names: &'static [&'static str],
    seen: u64,
    first: bool,
}

impl Fields {
    /// The position (in the names) of the next field, its colon read; `None`
    /// once the closing brace is read. An unknown or repeated field is an
    /// error placed after its key, so that its path names it.
    pub(crate) fn next(&mut self, decoder: &mut Decoder<'_>) -> Result<Option<usize>, Error> {
        if !decoder.has_next(&mut self.first, b'}')? {
            decoder.end(b'}')?;
            return Ok(None);
        }
        let key = decoder.key()?;
        let Some(position) = self.names.iter().position(|name| *name == key) else {
            let key = key.to_owned();
            return Err(decoder.unknown("field", key, self.names));
        };
        let bit = 1_u64 << position;
        if self.seen & bit != 0 {
            let name = self.names.get(position).copied().unwrap_or_default();
            return Err(decoder.message(format_args!("duplicate field `{name}`")));
        }
        self.seen |= bit;
        decoder.colon()?;
        Ok(Some(position))
    }

    /// After [`Self::next`] answered `None`: every field of `required` (bits by
    /// position) was present, or the first absent one is named.
    pub(crate) fn require(&self, decoder: &Decoder<'_>, required: u64) -> Result<(), Error> {
        let missing = required & !self.seen;
        if missing == 0 {
            return Ok(());
        }
        let position = missing.trailing_zeros() as usize;
        let name = self.names.get(position).copied().unwrap_or_default();
        Err(decoder.message(format_args!("missing field `{name}`")))
    }
}

/// A decimal integer within `u32`, as Rust's `FromStr` reads one (digits after
/// an optional `+`): resource type ids given as names, claim path indices. The
/// same width in every runtime (`usize` is 32 bits in wasm).
pub(crate) fn decimal(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0_u32, |value, byte| {
        let digit = u32::from(byte.checked_sub(b'0').filter(|digit| *digit < 10)?);
        value.checked_mul(10)?.checked_add(digit)
    })
}

/// The `format` of a document that is valid JSON and an object with one
/// `format` field holding a `u32`, whatever else it holds: a newer format
/// need not parse as this build's.
pub(crate) fn format_of(text: &str) -> Option<u32> {
    let mut decoder = Decoder::new(text);
    let mut format = None;
    let mut items = decoder.read_map().ok()?;
    while let Some(key) = items.next_key(&mut decoder).ok()? {
        if key == "format" && format.is_none() {
            format = Some(decoder.read_u32().ok()?);
        } else if key == "format" {
            return None;
        } else {
            decoder.read_value().ok()?;
        }
    }
    decoder.finish().ok()?;
    format
}

#[cfg(test)]
mod tests {
    use super::{Float, HIGH_POWERS_OF_TEN, POWERS_OF_TEN, decimal, out_of_range, skip_plain};

    /// The first quote, backslash or control character from `at`, byte by byte.
    fn first_special(bytes: &[u8], at: usize) -> usize {
        bytes
            .get(at..)
            .unwrap_or(&[])
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .map_or(bytes.len(), |k| at + k)
    }

    /// `skip_plain` stops exactly on the first special byte of a block, or
    /// short of it where the caller finishes byte by byte; never beyond it.
    fn agrees(bytes: &[u8], at: usize) {
        let stop = skip_plain(bytes, at);
        let expected = first_special(bytes, at);
        assert!(stop <= expected, "{bytes:?} from {at}: {stop} > {expected}");
        if stop < expected {
            assert!(
                stop + 8 > bytes.len(),
                "{bytes:?} from {at}: stopped at {stop} in a full block"
            );
        }
    }

    #[test]
    fn skip_plain_stops_on_the_first_special_byte() {
        // Every byte value at every place of two blocks, behind plain, high
        // (UTF-8) and border (0x1f/0x20, 0x21/0x23) bytes, with a second
        // special byte after it.
        for filler in [b'a', 0x80, 0xff, 0x20, 0x21, 0x23, 0x5b, 0x5d] {
            for byte in 0..=255_u8 {
                for place in 0..17 {
                    let mut bytes = vec![filler; 20];
                    bytes[place] = byte;
                    bytes[place + 2] = b'"';
                    for at in 0..4 {
                        agrees(&bytes, at);
                    }
                }
            }
        }
        // Mixed blocks from a fixed sequence.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let bytes: Vec<u8> = (0..24)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    [b'a', b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xe6][(state % 8) as usize]
                })
                .collect();
            agrees(&bytes, (state % 5) as usize);
        }
    }

    /// `out_of_range` reads the top of the table `Float::value` computes with,
    /// and agrees with it on every exponent a `u64` can reach infinity from.
    #[test]
    fn out_of_range_is_where_the_value_is_infinite() {
        assert_eq!(HIGH_POWERS_OF_TEN[..], POWERS_OF_TEN[289..]);
        for exponent in -400..=400 {
            for significand in [
                0,
                1,
                17_976_931_348_623_157,
                17_976_931_348_623_158,
                u64::MAX,
            ] {
                let float = Float {
                    significand,
                    exponent,
                    negative: false,
                };
                assert_eq!(
                    out_of_range(significand, exponent),
                    float.value().is_infinite(),
                    "{significand}e{exponent}"
                );
            }
        }
    }

    #[test]
    fn decimals_read_as_rust_reads_them() {
        for text in [
            "0",
            "+7",
            "007",
            "4294967295",
            "4294967296",
            "",
            "+",
            "-1",
            "1a",
            " 1",
            "١",
        ] {
            assert_eq!(decimal(text), text.parse::<u32>().ok(), "{text:?}");
        }
    }
}
