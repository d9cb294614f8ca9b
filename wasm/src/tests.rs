//! The binding as `js/fast.js` calls it: documents as JSON text (fast.js writes
//! a caller's objects as text itself, refusing what `JSON.stringify` would
//! drop or change), values and `Error`s out. One suite, run twice by
//! `scripts/test-wasm.sh`: in node (the runner's default) and in headless
//! Chromium (`WASM_BINDGEN_USE_BROWSER=1`). It lives inside the crate because
//! the crate is a `cdylib` only (see `Cargo.toml`). The package's JavaScript
//! API itself is tested in `wasm/test/*.test.mjs`.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Error, JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{Answer, Authorizer};

const ORG: &str = r#"{
  "format": 1, "revision": "r7", "profile": "camunda7",
  "tenants": [{"id": "emea"}],
  "users": [{"id": "kermit", "groups": ["sales"], "tenants": ["emea"]}, {"id": "gonzo", "groups": ["sales"]}],
  "groups": [{"id": "sales"}],
  "authorizations": [
    {"id": "a1", "type": "GRANT", "groupId": "sales", "resourceType": "PROCESS_DEFINITION",
     "resourceId": "invoice", "permissions": ["READ", "UPDATE"]},
    {"id": "a2", "type": "REVOKE", "userId": "gonzo", "resourceType": "PROCESS_DEFINITION",
     "resourceId": "*", "permissions": ["READ"]},
    {"id": "a3", "type": "GRANT", "userId": "kermit", "resourceType": "PROCESS_DEFINITION",
     "resourceId": "*", "permissions": ["READ"]}
  ]
}"#;

fn authorizer() -> Authorizer {
    Authorizer::from_json(&ORG.into(), None).expect("the test organisation loads")
}

/// A document as the binding receives it: JSON text.
fn json(text: &str) -> JsValue {
    text.into()
}

/// `JSON.stringify` of an answer, to compare it with the expected JSON.
fn text(value: &JsValue) -> String {
    JSON::stringify(value)
        .map(String::from)
        .expect("stringifies")
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("property read")
}

/// The `code` of a thrown error, checking that it is a real `Error`.
fn code(error: JsValue) -> String {
    assert!(error.is_instance_of::<Error>(), "not an Error: {error:?}");
    get(&error, "code").as_string().expect("a string code")
}

#[wasm_bindgen_test]
fn loads_text_and_bytes_and_refuses_objects() {
    let from_text = authorizer();
    assert_eq!(from_text.revision().as_deref(), Some("r7"));
    assert_eq!(from_text.profile(), "camunda7");
    let bytes: JsValue = js_sys::Uint8Array::from(ORG.as_bytes()).into();
    let from_bytes = Authorizer::from_json(&bytes, None).expect("bytes load");
    assert_eq!(from_bytes.revision().as_deref(), Some("r7"));
    let stats = from_bytes.stats();
    assert_eq!(get(&stats, "users").as_f64(), Some(2.0));
    assert_eq!(get(&stats, "authorizations").as_f64(), Some(3.0));
    // An object never reaches the core unwritten: fast.js writes it as text.
    let object = JSON::parse(ORG).expect("parses");
    let error = Authorizer::from_json(&object, None).expect_err("an object");
    assert_eq!(code(error), "snapshot.malformed");
    let latin1: JsValue =
        js_sys::Uint8Array::from(&b"{\"format\":1,\"revision\":\"caf\xe9\"}"[..]).into();
    let error = Authorizer::from_json(&latin1, None).expect_err("not UTF-8");
    assert_eq!(code(error), "snapshot.invalid_utf8");
}

#[wasm_bindgen_test]
fn load_options_set_limits_and_the_oldest_sequence() {
    let limited = Some(r#"{"limits":{"idBytes":4}}"#.to_owned());
    let error = Authorizer::from_json(&ORG.into(), limited).expect_err("ids over 4 bytes");
    assert_eq!(code(error), "limit.id_length");
    let error = Authorizer::from_json(&ORG.into(), Some(r#"{"minSequence":1}"#.into()))
        .expect_err("no sequence");
    assert_eq!(code(error), "snapshot.rollback");
    let error = Authorizer::from_json(&ORG.into(), Some(r#"{"limits":{"teapots":1}}"#.into()))
        .expect_err("unknown limit");
    assert_eq!(code(error), "options.malformed");
    let authorizer =
        Authorizer::from_json(&ORG.into(), Some(r#"{"limits":{"batchLength":2}}"#.into()))
            .expect("loads");
    assert_eq!(get(&authorizer.limits(), "batchLength").as_f64(), Some(2.0));
    assert_eq!(authorizer.sequence(), None);
    let error = authorizer
        .check_many(&"[{},{},{}]".into())
        .expect_err("three requests");
    assert_eq!(code(error), "limit.batch_length");
}

#[wasm_bindgen_test]
fn snapshot_errors_carry_code_and_path() {
    let error = Authorizer::from_json(
        &r#"{"format": 1, "profile": "camunda7", "users": [{"id": "x", "groups": ["nope"]}]}"#
            .into(),
        None,
    )
    .expect_err("unknown group");
    assert_eq!(
        get(&error, "path").as_string().as_deref(),
        Some("users[0].groups[0]")
    );
    assert_eq!(code(error), "snapshot.unknown_group");

    let error = Authorizer::from_json(&"not json".into(), None).expect_err("not JSON");
    assert_eq!(code(error), "snapshot.malformed");
    let error = Authorizer::from_json(&JsValue::UNDEFINED, None).expect_err("undefined");
    assert_eq!(code(error), "snapshot.malformed");
    let error = Authorizer::from_json(&json(r#"{"format": 2, "profile": "camunda7"}"#), None)
        .expect_err("format 2");
    assert_eq!(code(error), "snapshot.unsupported_format");
}

#[wasm_bindgen_test]
fn check_allows_and_denies_without_errors() {
    let authorizer = authorizer();
    let allowed = r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#;
    assert_eq!(authorizer.check(&json(allowed)), Ok(true));
    let object = JSON::parse(allowed).expect("parses");
    assert_eq!(
        authorizer.check(&object).map_err(code),
        Err("request.malformed".into()),
        "objects cross as text"
    );
    let denied = r#"{"user":"gonzo","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#;
    assert_eq!(authorizer.check(&json(denied)), Ok(false));
    let unknown_user =
        r#"{"user":"nobody","permission":"READ","resourceType":"PROCESS_DEFINITION"}"#;
    assert_eq!(authorizer.check(&json(unknown_user)), Ok(false));
}

#[wasm_bindgen_test]
fn request_errors_are_errors_with_codes() {
    let authorizer = authorizer();
    let cases = [
        (
            r#"{"user":"kermit","permission":"FLY","resourceType":"PROCESS_DEFINITION"}"#,
            "request.unknown_permission",
        ),
        (
            r#"{"user":"kermit","permission":"READ","resourceType":"NOPE"}"#,
            "request.unknown_resource_type",
        ),
        (
            r#"{"permission":"READ","resourceType":"PROCESS_DEFINITION"}"#,
            "request.missing_user",
        ),
        (r#"{"user":"kermit"}"#, "request.missing_check"),
        (
            r#"{"user":"kermit","permision":"READ"}"#,
            "request.malformed",
        ),
        ("[1, 2", "request.malformed"),
    ];
    for (request, expected) in cases {
        let error = authorizer.check(&json_or_text(request)).expect_err(request);
        assert_eq!(code(error), expected, "{request}");
    }
    assert_eq!(
        code(
            authorizer
                .check(&JsValue::UNDEFINED)
                .expect_err("undefined")
        ),
        "request.malformed"
    );
}

fn json_or_text(text: &str) -> JsValue {
    text.into()
}

#[wasm_bindgen_test]
fn check_many_answers_each_request_in_order() {
    let authorizer = authorizer();
    let requests = json(
        r#"[
          {"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"},
          {"user":"gonzo","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"},
          {"user":"kermit","permission":"FLY","resourceType":"PROCESS_DEFINITION"},
          {"user":"kermit","unknownField":1},
          "a string is not a request",
          null,
          {"user":"gonzo","permission":"UPDATE","resourceType":6,"resourceId":"invoice"}
        ]"#,
    );
    let answers = authorizer.check_many(&requests).expect("an array");
    let expected = [
        Answer::Allowed,
        Answer::Denied,
        Answer::Error,
        Answer::Error,
        Answer::Error,
        Answer::Error,
        Answer::Allowed,
    ];
    assert_eq!(answers, expected.map(|answer| answer as u8));
    assert_eq!(
        authorizer.check_many(&"[]".into()).expect("empty"),
        Vec::<u8>::new()
    );
    let error = authorizer
        .check_many(&Object::new())
        .expect_err("not an array");
    assert_eq!(code(error), "request.malformed");
}

#[wasm_bindgen_test]
fn explain_names_rows_and_rule() {
    let authorizer = authorizer();
    let decision = authorizer
        .explain(&json(r#"{"user":"gonzo","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#))
        .expect("explained");
    assert_eq!(get(&decision, "allowed").as_bool(), Some(false));
    assert_eq!(
        get(&decision, "rule").as_string().as_deref(),
        Some("camunda7.level")
    );
    assert_eq!(get(&decision, "level").as_string().as_deref(), Some("user"));
    let rows: Vec<_> = Array::from(&get(&decision, "rows"))
        .iter()
        .filter_map(|row| row.as_string())
        .collect();
    assert_eq!(rows, ["a2"]);
    let error = authorizer
        .explain(&json(r#"{"user":"gonzo"}"#))
        .expect_err("no check");
    assert_eq!(code(error), "request.missing_check");
}

#[wasm_bindgen_test]
fn permissions_and_lists() {
    let authorizer = authorizer();
    let permissions = authorizer
        .permissions(&json(
            r#"{"user":"kermit","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
        ))
        .expect("permissions");
    assert_eq!(text(&permissions), r#"["READ","UPDATE"]"#);
    let list = authorizer
        .list(&json(
            r#"{"user":"gonzo","permission":"UPDATE","resourceType":"PROCESS_DEFINITION"}"#,
        ))
        .expect("list");
    assert_eq!(text(&list), r#"{"kind":"only","ids":["invoice"]}"#);
    let error = authorizer
        .list(&json(
            r#"{"user":"gonzo","resourceType":"PROCESS_DEFINITION"}"#,
        ))
        .expect_err("no permission");
    assert_eq!(code(error), "request.malformed");
}

#[wasm_bindgen_test]
fn principal_handle_answers_like_requests() {
    let authorizer = authorizer();
    let kermit = authorizer
        .principal(&json(r#"{"user":"kermit"}"#))
        .expect("resolves");
    assert_eq!(kermit.user(), "kermit");
    assert_eq!(kermit.profile(), "camunda7");
    assert_eq!(
        text(&kermit.claims()),
        "{}",
        "no token claims outside `grants`"
    );
    assert_eq!(
        kermit.can("READ", "PROCESS_DEFINITION", Some("invoice".into())),
        Ok(true)
    );
    assert_eq!(
        kermit.can("DELETE", "PROCESS_DEFINITION", Some("invoice".into())),
        Ok(false)
    );
    assert_eq!(kermit.can("READ", "6", None), Ok(true));
    assert_eq!(
        code(
            kermit
                .can("FLY", "PROCESS_DEFINITION", None)
                .expect_err("unknown")
        ),
        "request.unknown_permission"
    );
    assert_eq!(
        code(kermit.can("READ", "NOPE", None).expect_err("unknown")),
        "request.unknown_resource_type"
    );

    let permissions = kermit
        .permissions(&6.into(), Some("invoice".into()), None)
        .expect("permissions");
    assert_eq!(text(&permissions), r#"["READ","UPDATE"]"#);
    let error = kermit
        .permissions(&1.5.into(), None, None)
        .expect_err("not an id");
    assert_eq!(code(error), "request.malformed");
    let list = kermit
        .list("READ", &"PROCESS_DEFINITION".into())
        .expect("list");
    assert_eq!(text(&list), r#"{"kind":"all"}"#);

    // A groups claim replaces the stored memberships.
    let alone = authorizer
        .principal(&json(r#"{"user":"kermit","groups":[]}"#))
        .expect("resolves");
    assert_eq!(
        alone.can("UPDATE", "PROCESS_DEFINITION", Some("invoice".into())),
        Ok(false)
    );
    // The handle outlives `free()` of the authorizer that made it.
    drop(authorizer);
    assert_eq!(
        kermit.can("UPDATE", "PROCESS_DEFINITION", Some("invoice".into())),
        Ok(true)
    );
}

#[wasm_bindgen_test]
fn principal_errors() {
    let authorizer = authorizer();
    let error = authorizer
        .principal(&json(r#"{"groups":["sales"]}"#))
        .expect_err("no user");
    assert_eq!(code(error), "request.missing_user");
    let error = authorizer
        .principal(&json(r#"{"user":"kermit","source":"elsewhere"}"#))
        .expect_err("no such source");
    assert_eq!(code(error), "request.unknown_source");
    let error = authorizer
        .principal(&json(r#"{"user":"kermit","colour":"green"}"#))
        .expect_err("unknown field");
    assert_eq!(code(error), "request.malformed");
}

#[wasm_bindgen_test]
fn errors_are_instances_of_error() {
    let error = authorizer().check(&json("{}")).expect_err("missing user");
    let error: Error = error.dyn_into().expect("an Error");
    assert!(String::from(error.message()).contains("user"));
}
