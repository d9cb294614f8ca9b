//! Signed snapshots: a detached JWS (RFC 7515) over the snapshot's exact bytes,
//! with an unencoded payload (RFC 7797, `"b64": false`) so that verifying does
//! not base64-encode hundreds of megabytes, signed with Ed25519 (`"alg":
//! "EdDSA"`, RFC 8037). Keys are JWKs (`{"kty":"OKP","crv":"Ed25519","x":…}`);
//! a key's id (`kid`) is its RFC 7638 thumbprint, so that several trusted keys
//! can be told apart and rotated. Any JOSE library verifies writ's signatures,
//! and WebCrypto imports its keys as they are.
//!
//! A signature file holds `BASE64URL(header)..BASE64URL(signature)` (the
//! empty middle part is the detached payload). Verification is cofactorless
//! with a canonical `S` (RFC 8032, as OpenSSL and BoringSSL verify), so every
//! runtime accepts and refuses the same signatures.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::SnapshotError;
use crate::json::ObjectWriter;
use crate::prelude::*;

/// A key that signs snapshots (the private half, kept by whoever publishes them).
#[derive(Clone)]
pub struct PrivateKey {
    key: SigningKey,
    kid: String,
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never the secret.
        f.debug_struct("PrivateKey")
            .field("kid", &self.kid)
            .finish()
    }
}

/// A key trusted to have signed snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: String,
}

/// Why a key could not be read (`key.malformed`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeyError {
    message: String,
}

impl KeyError {
    /// The stable code: `key.malformed`.
    pub fn code(&self) -> &'static str {
        "key.malformed"
    }

    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl PrivateKey {
    /// The key of a 32-byte seed (from a system random source: the caller's).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        let kid = thumbprint(key.verifying_key().as_bytes());
        Self { key, kid }
    }

    /// Reads a private JWK (`kty` `OKP`, `crv` `Ed25519`, `x` and `d`).
    ///
    /// # Errors
    /// `key.malformed`: not such a JWK, or `x` is not the public half of `d`.
    pub fn from_jwk(text: &str) -> Result<Self, KeyError> {
        let jwk = Jwk::read(text)?;
        let Some(d) = &jwk.d else {
            return Err(KeyError::new("a private key needs its `d` member"));
        };
        let seed = key_bytes(d, "d")?;
        let key = Self::from_seed(seed);
        if key.key.verifying_key().as_bytes() != &key_bytes(&jwk.x, "x")? {
            return Err(KeyError::new("`x` is not the public key of `d`"));
        }
        jwk.check_kid(&key.kid)?;
        Ok(key)
    }

    /// The private JWK, with its `kid`.
    pub fn to_jwk(&self) -> String {
        jwk_text(
            self.key.verifying_key().as_bytes(),
            Some(self.key.as_bytes()),
            &self.kid,
        )
    }

    /// Its public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: self.key.verifying_key(),
            kid: self.kid.clone(),
        }
    }

    /// The detached JWS of `payload`: what a `.sig` file holds.
    pub fn sign(&self, payload: &[u8]) -> String {
        let header = base64url(header_text(&self.kid).as_bytes());
        let mut input = Vec::with_capacity(header.len() + 1 + payload.len());
        input.extend_from_slice(header.as_bytes());
        input.push(b'.');
        input.extend_from_slice(payload);
        let signature = self.key.sign(&input);
        format!("{header}..{}", base64url(&signature.to_bytes()))
    }
}

impl PublicKey {
    /// Reads a public JWK (`kty` `OKP`, `crv` `Ed25519`, `x`; a `d` is refused:
    /// a private key is not something to hand to a verifier).
    ///
    /// # Errors
    /// `key.malformed`.
    pub fn from_jwk(text: &str) -> Result<Self, KeyError> {
        let jwk = Jwk::read(text)?;
        if jwk.d.is_some() {
            return Err(KeyError::new(
                "this is a private key (it has `d`): give the public key",
            ));
        }
        let x = key_bytes(&jwk.x, "x")?;
        let key = VerifyingKey::from_bytes(&x)
            .map_err(|_| KeyError::new("`x` is not an Ed25519 public key"))?;
        let kid = thumbprint(&x);
        jwk.check_kid(&kid)?;
        Ok(Self { key, kid })
    }

    /// The key's id: its RFC 7638 thumbprint.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK, with its `kid`.
    pub fn to_jwk(&self) -> String {
        jwk_text(self.key.as_bytes(), None, &self.kid)
    }
}

/// Checks a detached JWS over `payload` against the trusted keys.
///
/// # Errors
/// `signature.malformed` (not a detached compact JWS, a header that is not
/// JSON, a signature of the wrong length), `signature.unsupported` (another
/// algorithm, or an encoded payload), `signature.unknown_key` (signed by no
/// trusted key), `signature.invalid` (the bytes or the signature were altered).
pub fn verify(payload: &[u8], jws: &[u8], keys: &[PublicKey]) -> Result<(), SnapshotError> {
    let jws = core::str::from_utf8(jws)
        .map_err(|_| malformed("a signature is ASCII text"))?
        .trim();
    let mut parts = jws.split('.');
    let (Some(header), Some(""), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "expected a detached JWS: `header..signature` (three parts, the middle one empty)",
        ));
    };
    let header_json =
        base64url_decode(header).ok_or_else(|| malformed("the header is not base64url"))?;
    let header_json =
        String::from_utf8(header_json).map_err(|_| malformed("the header is not UTF-8 JSON"))?;
    let fields = Header::read(&header_json)?;
    if fields.alg.as_deref() != Some("EdDSA") {
        return Err(signature_error(
            "signature.unsupported",
            format!(
                "algorithm `{}` is not supported (expected `EdDSA`)",
                fields.alg.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    if fields.b64 != Some(false) || !fields.crit_b64 {
        return Err(signature_error(
            "signature.unsupported",
            "expected a detached, unencoded payload (`\"b64\": false`, `\"crit\": [\"b64\"]`)"
                .into(),
        ));
    }
    let bytes =
        base64url_decode(signature).ok_or_else(|| malformed("the signature is not base64url"))?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|bytes: Vec<u8>| {
        malformed(&format!(
            "an Ed25519 signature is 64 bytes, this one {}",
            bytes.len()
        ))
    })?;
    let kid = fields
        .kid
        .ok_or_else(|| malformed("the header names no key (`kid`)"))?;
    let Some(key) = keys.iter().find(|key| key.kid == kid) else {
        return Err(signature_error(
            "signature.unknown_key",
            format!("signed by key `{kid}`, which is not trusted"),
        ));
    };
    let mut input = Vec::with_capacity(header.len() + 1 + payload.len());
    input.extend_from_slice(header.as_bytes());
    input.push(b'.');
    input.extend_from_slice(payload);
    key.key
        .verify(&input, &Signature::from_bytes(&bytes))
        .map_err(|_| {
            signature_error(
                "signature.invalid",
                format!(
                    "the signature by key `{kid}` does not match the snapshot's bytes (altered, or signed over other bytes)"
                ),
            )
        })
}

/// `signature.missing`: a key is trusted but there is no signature to check.
pub fn missing(message: &str) -> SnapshotError {
    signature_error("signature.missing", message.into())
}

fn malformed(message: &str) -> SnapshotError {
    signature_error("signature.malformed", message.into())
}

fn signature_error(code: &'static str, message: String) -> SnapshotError {
    SnapshotError::Signature { code, message }
}

/// `{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":…}`
fn header_text(kid: &str) -> String {
    let mut text = String::new();
    text.push_str(r#"{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"#);
    crate::json::write_str(&mut text, kid);
    text.push('}');
    text
}

/// The members of a JWS header writ reads; others are allowed (`typ`, …)
/// unless `crit` names them.
#[derive(Debug, Default)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
    b64: Option<bool>,
    crit_b64: bool,
}

impl Header {
    fn read(text: &str) -> Result<Self, SnapshotError> {
        let map: crate::json::Map = crate::wire::read(text)
            .map_err(|error| malformed(&format!("the header is not a JSON object: {error}")))?;
        let mut header = Header::default();
        for (key, value) in map.iter() {
            match (key, value) {
                ("alg", crate::json::Value::String(alg)) => header.alg = Some(alg.clone()),
                ("kid", crate::json::Value::String(kid)) => header.kid = Some(kid.clone()),
                ("b64", crate::json::Value::Bool(b64)) => header.b64 = Some(*b64),
                ("crit", crate::json::Value::Array(names)) => {
                    for name in names {
                        match name {
                            crate::json::Value::String(name) if name == "b64" => {
                                header.crit_b64 = true;
                            }
                            _ => {
                                return Err(signature_error(
                                    "signature.unsupported",
                                    "`crit` names an extension writ does not know".into(),
                                ));
                            }
                        }
                    }
                }
                ("alg" | "kid" | "b64" | "crit", _) => {
                    return Err(malformed(&format!(
                        "header member `{key}` has the wrong type"
                    )));
                }
                _ => {}
            }
        }
        Ok(header)
    }
}

/// The members of an Ed25519 JWK writ reads.
struct Jwk {
    x: String,
    d: Option<String>,
    kid: Option<String>,
}

impl Jwk {
    fn read(text: &str) -> Result<Self, KeyError> {
        let map: crate::json::Map = crate::wire::read(text.trim())
            .map_err(|error| KeyError::new(format!("a key is a JWK, a JSON object: {error}")))?;
        let member = |name: &str| match map.get(name) {
            Some(crate::json::Value::String(text)) => Ok(Some(text.clone())),
            None => Ok(None),
            Some(_) => Err(KeyError::new(format!("`{name}` must be a string"))),
        };
        if member("kty")?.as_deref() != Some("OKP") || member("crv")?.as_deref() != Some("Ed25519")
        {
            return Err(KeyError::new(
                "expected an Ed25519 key (`\"kty\": \"OKP\"`, `\"crv\": \"Ed25519\"`)",
            ));
        }
        Ok(Self {
            x: member("x")?.ok_or_else(|| KeyError::new("the key has no `x`"))?,
            d: member("d")?,
            kid: member("kid")?,
        })
    }

    /// A `kid` member, when present, must be the key's thumbprint.
    fn check_kid(&self, thumbprint: &str) -> Result<(), KeyError> {
        match &self.kid {
            Some(kid) if kid != thumbprint => Err(KeyError::new(format!(
                "`kid` `{kid}` is not the key's thumbprint `{thumbprint}`"
            ))),
            _ => Ok(()),
        }
    }
}

fn key_bytes(text: &str, name: &str) -> Result<[u8; 32], KeyError> {
    base64url_decode(text)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| KeyError::new(format!("`{name}` is not 32 bytes of base64url")))
}

fn jwk_text(x: &[u8; 32], d: Option<&[u8; 32]>, kid: &str) -> String {
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    object
        .str("kty", "OKP")
        .str("crv", "Ed25519")
        .str("x", &base64url(x));
    if let Some(d) = d {
        object.str("d", &base64url(d));
    }
    object.str("kid", kid);
    object.end();
    text
}

/// RFC 7638: SHA-256 of the required members in order, base64url.
fn thumbprint(x: &[u8; 32]) -> String {
    let members = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, base64url(x));
    base64url(&Sha256::digest(members.as_bytes()))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5), as JOSE writes it.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let six = (n >> (18 - 6 * i)) & 63;
            text.push(char::from(
                ALPHABET.get(six as usize).copied().unwrap_or(b'A'),
            ));
        }
    }
    text
}

/// Decodes base64url without padding; `None` for any other character, a
/// padding, or a length no encoding has (and non-zero unused bits, so that
/// one value has one text).
pub(crate) fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut n: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let six = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        n = (n << 6) | u32::from(six);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push(u8::try_from((n >> bits) & 0xff).ok()?);
            n &= (1 << bits) - 1;
        }
    }
    // 6 unused bits is a length no encoding has; the others must be zero.
    (bits < 6 && n == 0).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> PrivateKey {
        PrivateKey::from_seed([seed; 32])
    }

    #[test]
    fn base64url_round_trips_and_refuses_what_no_encoder_writes() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len)
                .map(|i: u8| i.wrapping_mul(37).wrapping_add(11))
                .collect();
            let text = base64url(&bytes);
            assert!(!text.contains('='));
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(base64url_decode("QQ=="), None);
        assert_eq!(base64url_decode("Q"), None);
        assert_eq!(base64url_decode("QR"), None); // unused bits set
        assert_eq!(base64url_decode("QQ"), Some(b"A".to_vec()));
        assert_eq!(base64url_decode("a+b/"), None);
    }

    /// RFC 8037 appendix A: the key, its thumbprint, and the signature of
    /// "Example of Ed25519 signing" (with an encoded payload there; the
    /// signing input is what matters).
    #[test]
    fn rfc_8037_vectors() {
        let private = r#"{"kty":"OKP","crv":"Ed25519",
            "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let key = PrivateKey::from_jwk(private).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(key.kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        let input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        assert_eq!(
            base64url(&key.key.sign(input).to_bytes()),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }

    #[test]
    fn a_signature_verifies_with_its_key_only_and_over_its_bytes_only() {
        let signer = key(1);
        let payload = br#"{"format":1,"profile":"camunda7"}"#;
        let jws = signer.sign(payload);
        let trusted = [key(2).public_key(), signer.public_key()];
        assert_eq!(verify(payload, jws.as_bytes(), &trusted), Ok(()));
        let code = |result: Result<(), SnapshotError>| result.map_err(|e| e.code());
        // A tampered byte.
        let mut altered = payload.to_vec();
        altered[3] ^= 1;
        assert_eq!(
            code(verify(&altered, jws.as_bytes(), &trusted)),
            Err("signature.invalid")
        );
        // A key that did not sign.
        assert_eq!(
            code(verify(payload, jws.as_bytes(), &[key(2).public_key()])),
            Err("signature.unknown_key")
        );
        // Truncated, garbled, attached, another algorithm.
        let truncated = &jws[..jws.len() - 4];
        assert_eq!(
            code(verify(payload, truncated.as_bytes(), &trusted)),
            Err("signature.malformed")
        );
        assert_eq!(
            code(verify(payload, b"nonsense", &trusted)),
            Err("signature.malformed")
        );
        let (header, signature) = jws.split_once("..").unwrap_or_default();
        let attached = format!("{header}.e30.{signature}");
        assert_eq!(
            code(verify(payload, attached.as_bytes(), &trusted)),
            Err("signature.malformed")
        );
        let hs256 = format!(
            "{}..{signature}",
            base64url(br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#)
        );
        assert_eq!(
            code(verify(payload, hs256.as_bytes(), &trusted)),
            Err("signature.unsupported")
        );
        let encoded = format!(
            "{}..{signature}",
            base64url(br#"{"alg":"EdDSA","kid":"x"}"#)
        );
        assert_eq!(
            code(verify(payload, encoded.as_bytes(), &trusted)),
            Err("signature.unsupported")
        );
        // A trailing newline (as editors add) is not part of the signature text.
        assert_eq!(
            verify(payload, format!("{jws}\n").as_bytes(), &trusted),
            Ok(())
        );
    }

    #[test]
    fn keys_round_trip_through_their_jwks() {
        let private = key(9);
        let again = PrivateKey::from_jwk(&private.to_jwk()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.public_key(), private.public_key());
        let public =
            PublicKey::from_jwk(&private.public_key().to_jwk()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(public, private.public_key());
        assert_eq!(
            PublicKey::from_jwk(&private.to_jwk()).map_err(|e| e.code()),
            Err("key.malformed")
        );
        let wrong_kid = private
            .public_key()
            .to_jwk()
            .replace(&private.kid, "someone-else");
        assert!(PublicKey::from_jwk(&wrong_kid).is_err());
        assert!(PublicKey::from_jwk(r#"{"kty":"RSA"}"#).is_err());
        assert!(PublicKey::from_jwk("not json").is_err());
    }
}
