//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs` call these), here
//! so that the stable test suite replays what the fuzzer found
//! (`fuzz/regressions/<target>/`, by `tests/run/fuzz_regressions.rs`) without
//! a nightly compiler. Each asserts more than "no panic": the two snapshot
//! loaders agree, `check` agrees with `explain`, the JSON reader accepts what
//! `serde_json` accepts, and a signature verifies only over the bytes it was
//! made for.

use std::sync::LazyLock;

use writ_core::signature::PublicKey;
use writ_core::wire::{ListRequestDoc, PermissionsRequestDoc, PrincipalDoc, RequestDoc};
use writ_core::{Authorizer, LoadOptions};

/// A target's body: one input.
pub type Target = fn(&[u8]);

/// Every target, by the name `scripts/fuzz.sh` takes.
pub const TARGETS: [(&str, Target); 8] = [
    ("snapshot", snapshot),
    ("compiled", compiled),
    ("request", request),
    ("import_camunda7", import_camunda7),
    ("import_camunda8", import_camunda8),
    ("import_emporix", import_emporix),
    ("json", json),
    ("signature", signature),
];

/// A few questions any snapshot can be asked.
const QUESTIONS: [&str; 6] = [
    r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
    r#"{"user":"u","permission":"READ_PROCESS_DEFINITION","resourceType":"PROCESS_DEFINITION"}"#,
    r#"{"user":"u","groups":["g"],"permission":"ACCESS","resourceType":"APPLICATION","resourceId":"optimize","profile":"optimize"}"#,
    r#"{"user":"u","anyOf":[{"permission":"READ","resourceType":1,"resourceId":"a"},{"permission":"ALL","resourceType":6}]}"#,
    r#"{"client":"c","claims":{"groups":["g"],"sub":"u"},"scopes":["s"],"restriction":"DE"}"#,
    r#"{"user":"u","bundle":"b Manager","tenantId":"t"}"#,
];

/// Decode, validate and index arbitrary bytes: never a panic, and the
/// loader that reads rows borrowed from the text agrees with the one that
/// validates a decoded document (same snapshot, or the same error code).
pub fn snapshot(data: &[u8]) {
    let loaded = Authorizer::from_bytes(data, &LoadOptions::default());
    // Below the string limit the two paths see the same document.
    if data.len() < writ_core::Limits::default().id_bytes
        && let Ok(text) = std::str::from_utf8(data)
    {
        let via_doc = writ_core::snapshot::decode(text).and_then(|doc| Authorizer::from_doc(&doc));
        match (&loaded, &via_doc) {
            (Ok(a), Ok(b)) => assert_eq!(a.stats(), b.stats()),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a} / {b}"),
            (a, b) => panic_mismatch(&format!("from_bytes {a:?} / decode+validate {b:?}")),
        }
    }
    if let Ok(authorizer) = loaded {
        ask(&authorizer);
    }
}

/// A compiled snapshot's body, sealed with a header and checksum that fit
/// (so that the fuzzer reaches the structural checks behind them; the seeds
/// are the vectors' snapshots compiled): never a panic, and what loads
/// decides every question as it does once compiled again. A JSON snapshot
/// is compiled first, and must load back deciding as it did.
pub fn compiled(data: &[u8]) {
    let options = LoadOptions::default();
    if data.first() == Some(&b'{') {
        if let Ok(authorizer) = Authorizer::from_bytes(data, &options) {
            same_answers(&authorizer, &authorizer.compile());
        }
        return;
    }
    // As given (a file, most likely refused by its header), then sealed.
    if let Ok(authorizer) = Authorizer::from_bytes(data, &options) {
        ask(&authorizer);
    }
    let file = writ_core::compiled::seal(data);
    if let Ok(authorizer) = Authorizer::from_compiled(&file, &options) {
        ask(&authorizer);
        same_answers(&authorizer, &authorizer.compile());
    }
}

/// `compiled` loads, and decides the questions as `authorizer` does.
fn same_answers(authorizer: &Authorizer, compiled: &[u8]) {
    let again = match Authorizer::from_compiled(compiled, &LoadOptions::default()) {
        Ok(again) => again,
        Err(error) => panic_mismatch(&format!("compiled, then refused: {error}")),
    };
    if again.stats() != authorizer.stats() {
        panic_mismatch("compiled, then loaded with other counts");
    }
    for text in QUESTIONS {
        let decide = |authorizer: &Authorizer| {
            authorizer
                .decode::<RequestDoc>(text)
                .map_err(|error| error.code())
                .and_then(|request| authorizer.explain(&request).map_err(|error| error.code()))
        };
        let (before, after) = (decide(authorizer), decide(&again));
        if before != after {
            panic_mismatch(&format!("{text}: {before:?}, compiled {after:?}"));
        }
    }
}

/// One request against the demo snapshots of every profile: never a panic,
/// and `check` agrees with `explain`.
pub fn request(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for authorizer in DEMOS.iter() {
        answer(authorizer, text);
    }
}

fn answer(authorizer: &Authorizer, text: &str) {
    if let Ok(request) = authorizer.decode::<RequestDoc>(text) {
        let checked = authorizer.check(&request);
        let explained = authorizer.explain(&request);
        match (&checked, &explained) {
            (Ok(allowed), Ok(decision)) => assert_eq!(*allowed, decision.allowed, "{text}"),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{text}"),
            (a, b) => panic_mismatch(&format!("{text}: check {a:?}, explain {b:?}")),
        }
    }
    if let Ok(doc) = authorizer.decode::<PermissionsRequestDoc>(text) {
        let _ = authorizer.permissions_of(&doc);
    }
    if let Ok(doc) = authorizer.decode::<ListRequestDoc>(text) {
        let _ = authorizer.list_of(&doc);
    }
    if let Ok(doc) = authorizer.decode::<PrincipalDoc>(text)
        && let Ok(principal) = authorizer.principal(&doc)
    {
        let _ = authorizer.claims(&principal);
        let _ = authorizer.can(&principal, "READ", "PROCESS_DEFINITION", Some("invoice"));
    }
}

fn ask(authorizer: &Authorizer) {
    for text in QUESTIONS {
        answer(authorizer, text);
    }
}

/// A fuzz target's failure: the fuzzer records the input that caused it.
#[track_caller]
#[expect(
    clippy::panic,
    reason = "a panic is how a fuzz target reports a failure"
)]
fn panic_mismatch(message: &str) -> ! {
    panic!("the two paths disagree: {message}")
}

static DEMOS: LazyLock<Vec<Authorizer>> = LazyLock::new(|| {
    [
        include_str!("../../host/demo/org.json"),
        include_str!("../../host/demo/identity.json"),
        include_str!("../../host/demo/emporix.json"),
    ]
    .iter()
    .filter_map(|text| Authorizer::from_json(text).ok())
    .collect()
});

/// A Camunda 7 REST dump: never a panic; an imported snapshot that
/// validates decides without one.
pub fn import_camunda7(data: &[u8]) {
    use writ_core::import::camunda7::{ImportOptions, import, parse_dump};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(dump) = parse_dump(text)
        && let Ok(imported) = import(&[dump], &ImportOptions::default())
        && let Ok(authorizer) = Authorizer::from_doc(&imported.snapshot)
    {
        ask(&authorizer);
    }
}

/// A Camunda 8 search dump, as [`import_camunda7`].
pub fn import_camunda8(data: &[u8]) {
    use writ_core::import::camunda8::{ImportOptions, import, parse_dump};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(dump) = parse_dump(text)
        && let Ok(imported) = import(&dump, &ImportOptions::default())
        && let Ok(authorizer) = Authorizer::from_doc(&imported.snapshot)
    {
        ask(&authorizer);
    }
}

/// An Emporix IAM dump, as [`import_camunda7`].
pub fn import_emporix(data: &[u8]) {
    use writ_core::import::emporix::{ImportOptions, import, parse_dump};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(dump) = parse_dump(text)
        && let Ok(imported) = import(&[dump], &ImportOptions::default())
        && let Ok(authorizer) = Authorizer::from_doc(&imported.snapshot)
    {
        ask(&authorizer);
    }
}

/// The JSON reader: the same value as `serde_json`, or the same error.
pub fn json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours: Result<serde_json::Value, String> =
        writ_core::json::from_str(text).map_err(|error| error.to_string());
    let theirs: Result<serde_json::Value, String> =
        serde_json::from_str(text).map_err(|error| error.to_string());
    assert_eq!(ours, theirs, "{text:?}");
}

/// The signed vector: its bytes, signature and key.
#[expect(
    clippy::expect_used,
    reason = "the vector's key is a file of this repository"
)]
static SIGNED: LazyLock<(&[u8], &str, PublicKey)> = LazyLock::new(|| {
    (
        include_bytes!("../vectors/snapshots/signed/org.json"),
        include_str!("../vectors/snapshots/signed/org.json.sig"),
        PublicKey::from_jwk(include_str!("../vectors/snapshots/signed/release.pub"))
            .expect("the vector's key loads"),
    )
});

/// Payload, a 0 byte, a signature: never a panic, and verified only when it
/// is exactly the signed vector's bytes and signature (nothing else can be
/// forged); the key reader never panics either.
pub fn signature(data: &[u8]) {
    let (payload, jws) = match data.iter().position(|&byte| byte == 0) {
        Some(at) => data.split_at(at),
        None => (data, &[][..]),
    };
    let jws = jws.get(1..).unwrap_or(&[]);
    let (signed, signature, key) = &*SIGNED;
    let verified = writ_core::signature::verify(payload, jws, std::slice::from_ref(key));
    if verified.is_ok() {
        assert_eq!(payload, *signed, "verified over other bytes");
        assert_eq!(
            std::str::from_utf8(jws).map(str::trim),
            Ok(signature.trim()),
            "another signature verified"
        );
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = PublicKey::from_jwk(text);
        let _ = writ_core::signature::PrivateKey::from_jwk(text);
    }
}
