//! The JSON decoder behind every document writ reads (snapshots, requests, the
//! importers' dumps): a serde `Deserializer` over text.
//!
//! It accepts what `serde_json` accepts (RFC 8259; nesting up to 128 deep; lone
//! surrogate escapes refused) and words its errors the same way, with a line
//! and column that [`crate::json_path`] turns into the path of the value at fault.
//! It exists for size: every `deserialize_*` call of the wire types' derived code
//! is a copy of the decoder's generic part, so that part here only dispatches and
//! the parsing (whitespace, strings, numbers, the punctuation between values) is
//! one non-generic copy. `serde_json`'s own decoder, tuned for speed, compiled to
//! about a fifth of the JavaScript package. Answers are still written with
//! `serde_json`, and claims are still `serde_json::Value`s.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

/// Nesting deeper than this is refused (as `serde_json` does), so that a hostile
/// document cannot exhaust the stack.
const MAX_DEPTH: u8 = 128;

/// A decoding error: serde's message and, for errors found in the text, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: Box<str>,
    /// 1-based; 0 until the decoder places the error.
    line: usize,
    /// Bytes of the line read when the error was found (`serde_json`'s column).
    column: usize,
}

impl Error {
    /// The line the error was found on (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// How many bytes of that line had been read.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "{} at line {} column {}",
                self.message, self.line, self.column
            )
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self {
            message: message.to_string().into(),
            line: 0,
            column: 0,
        }
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
    let mut decoder = Decoder {
        text,
        index: 0,
        depth: MAX_DEPTH,
        scratch: String::new(),
    };
    let value = T::deserialize(&mut decoder)?;
    match decoder.whitespace() {
        None => Ok(value),
        Some(_) => Err(decoder.peek_error("trailing characters")),
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
    Float(f64),
}

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

struct Decoder<'de> {
    text: &'de str,
    index: usize,
    /// Levels of nesting still allowed.
    depth: u8,
    /// Strings with escapes are unescaped into this.
    scratch: String,
}

/// `10^0` to `10^308`, each the nearest `f64`.
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

/// The first position from `at` whose 8-byte block holds a quote, a backslash or
/// a control character (or that has no full block left): strings are scanned a
/// word at a time, the way `serde_json` scans them.
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
        if found & HIGH != 0 {
            break;
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
        Error {
            message: message.into(),
            line,
            column,
        }
    }

    /// An error about what was read last.
    fn error(&self, message: &str) -> Error {
        self.error_at(self.index, message)
    }

    /// An error about the byte about to be read.
    fn peek_error(&self, message: &str) -> Error {
        self.error_at((self.index + 1).min(self.text.len()), message)
    }

    /// Places an error raised by a visitor (which knows no position) here.
    fn fix_position(&self, error: Error) -> Error {
        if error.line != 0 {
            return error;
        }
        let (line, column) = self.position(self.index);
        Error {
            line,
            column,
            ..error
        }
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
            b'"' => self.string().map(Token::Str),
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
    fn string(&mut self) -> Result<Str<'de, '_>, Error> {
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
                if self.text.as_bytes().get(self.index..self.index + 2) != Some(b"\\u") {
                    self.index = (self.index + 1).min(self.text.len());
                    return Err(self.error("unexpected end of hex escape"));
                }
                self.index += 2;
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
            // Digits past what the significand holds are dropped (once the
            // integer part overflowed, every fraction digit is).
            let mut full = exponent > 0;
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
                    return Ok(Number::Float(if negative { -0.0 } else { 0.0 }));
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
                Number::Float(-0.0)
            } else {
                match 0_i64.checked_sub_unsigned(significand) {
                    Some(value) => Number::Signed(value),
                    #[expect(clippy::cast_precision_loss, reason = "beyond i64: a float")]
                    None => Number::Float(-(significand as f64)),
                }
            });
        }
        let value = self.scale(significand, exponent)?;
        Ok(Number::Float(if negative { -value } else { value }))
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

    /// `significand × 10^exponent`, the way `serde_json` computes it by default
    /// (one multiplication or division by a power of ten from a table): exact
    /// for significands below 2^53 and exponents within ±22, and the same value
    /// as before this decoder existed everywhere else.
    fn scale(&self, significand: u64, exponent: i32) -> Result<f64, Error> {
        #[expect(clippy::cast_precision_loss, reason = "rounds like a float literal")]
        let mut value = significand as f64;
        let mut exponent = exponent;
        loop {
            match POWERS_OF_TEN.get(exponent.unsigned_abs() as usize) {
                Some(&power) => {
                    if exponent >= 0 {
                        value *= power;
                        if value.is_infinite() {
                            return Err(self.error("number out of range"));
                        }
                    } else {
                        value /= power;
                    }
                    return Ok(value);
                }
                None if value == 0.0 => return Ok(value),
                None if exponent >= 0 => return Err(self.error("number out of range")),
                None => {
                    value /= 1e308;
                    exponent += 308;
                }
            }
        }
    }

    /// The first byte of the next value, which must be one of `wanted` (`0` for
    /// any number); anything else is read and refused as an invalid type, as
    /// `serde_json` refuses it. The typed readers below share this, so that each
    /// wire type's derived code carries only the visitor calls its type can take.
    fn wanted(&mut self, wanted: &[u8], expected: &dyn Expected) -> Result<u8, Error> {
        let Some(first) = self.whitespace() else {
            return Err(self.peek_error("EOF while parsing a value"));
        };
        let kind = match first {
            b'-' | b'0'..=b'9' => b'0',
            other => other,
        };
        if wanted.contains(&kind) {
            return Ok(first);
        }
        // The error is placed after the value's first byte (a container's
        // bracket included), so that its path names the value, also an element.
        let unexpected = match first {
            b'[' => {
                self.index += 1;
                Unexpected::Seq
            }
            b'{' => {
                self.index += 1;
                Unexpected::Map
            }
            _ => match self.token()? {
                Token::Null => Unexpected::Unit,
                Token::Bool(value) => Unexpected::Bool(value),
                Token::Number(Number::Unsigned(value)) => Unexpected::Unsigned(value),
                Token::Number(Number::Signed(value)) => Unexpected::Signed(value),
                Token::Number(Number::Float(value)) => Unexpected::Float(value),
                Token::Str(Str::Borrowed(value) | Str::Copied(value)) => {
                    let error = de::Error::invalid_type(Unexpected::Str(value), expected);
                    return Err(self.fix_position(error));
                }
                Token::Array | Token::Object => return Err(self.peek_error("expected value")),
            },
        };
        Err(self.fix_position(de::Error::invalid_type(unexpected, expected)))
    }

    fn string_value(&mut self, expected: &dyn Expected) -> Result<Str<'de, '_>, Error> {
        self.wanted(b"\"", expected)?;
        self.string()
    }

    fn number_value(&mut self, expected: &dyn Expected) -> Result<Number, Error> {
        self.wanted(b"0", expected)?;
        self.number()
    }

    fn bool_value(&mut self, expected: &dyn Expected) -> Result<bool, Error> {
        if self.wanted(b"tf", expected)? == b't' {
            self.ident(b"true").map(|()| true)
        } else {
            self.ident(b"false").map(|()| false)
        }
    }

    /// Opens an array or object as `wanted` allows; whether it is an object.
    fn open(&mut self, wanted: &[u8], expected: &dyn Expected) -> Result<bool, Error> {
        let first = self.wanted(wanted, expected)?;
        self.enter()?;
        Ok(first == b'{')
    }

    /// Reads the bracket (next) that opens a container, one level deeper.
    fn enter(&mut self) -> Result<(), Error> {
        self.depth -= 1;
        if self.depth == 0 {
            return Err(self.peek_error("recursion limit exceeded"));
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

    /// Reads an object key (its opening quote is next).
    fn key(&mut self) -> Result<&str, Error> {
        match self.string()? {
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

    /// A container's result: the visitor's first error, else the closing
    /// bracket's, placed after the bracket when the visitor did not place it.
    fn close<T>(&mut self, visited: Result<T, Error>, close: u8) -> Result<T, Error> {
        let ended = self.end(close);
        match (visited, ended) {
            (Ok(value), Ok(())) => Ok(value),
            (Err(error), _) | (_, Err(error)) => Err(self.fix_position(error)),
        }
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
            Token::Number(Number::Float(value)) => visitor.visit_f64(value),
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
            Number::Float(value) => visitor.visit_f64(value),
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
