//! The guest (`writ.wasm` in wasmtime) against the core linked in: every
//! conformance vector must give the same decisions, explanations and error
//! codes through both, vector by vector; snapshots swapped under concurrent
//! use answer as their revision says; a corrupted or foreign precompiled
//! guest is compiled again; a guest that hits a limit is replaced.

#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop loudly"
)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use writ_conformance::vector::{self, VectorFile};
use writ_core::signature::PublicKey;
use writ_core::wire::RequestDoc;
use writ_core::{Authorizer, LoadOptions};
use writ_host::{Decider, Host, HostConfig, Live};

/// A cache directory of this test run's own.
fn cache_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("cache dir");
    dir
}

fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| {
        Host::new(HostConfig {
            cache_dir: Some(cache_dir("guest-cache")),
            ..HostConfig::default()
        })
        .expect("the host starts")
    })
}

/// A vector's snapshot loaded with one engine, as every runtime loads it.
fn load(
    file: &VectorFile,
    snapshot: &str,
    host: Option<&Host>,
) -> Result<Decider, (String, Option<String>)> {
    let options = vector::load_options(file).expect("vector limits");
    let keys: Vec<PublicKey> = file
        .trusted_keys
        .iter()
        .map(|key| PublicKey::from_jwk(&vector::vector_text(key).expect("key file")).expect("key"))
        .collect();
    let signature = file
        .signature
        .as_deref()
        .map(|path| vector::vector_text(path).expect("signature file"));
    Decider::load(
        host,
        snapshot.as_bytes(),
        signature.as_deref().map(str::as_bytes),
        &keys,
        &options,
    )
    .map_err(|error| (error.code().to_owned(), error.path().map(str::to_owned)))
}

/// An answer or its error (code and message), for comparing engines.
fn either<T: std::fmt::Debug>(result: Result<T, writ_host::HostError>) -> String {
    match result {
        Ok(value) => format!("{value:?}"),
        Err(error) => format!("error {}: {}", error.code(), error.message()),
    }
}

fn compare_file(file: &VectorFile, snapshot: &str) -> Vec<String> {
    let native = load(file, snapshot, None);
    let wasm = load(file, snapshot, Some(host()));
    let (native, wasm) = match (native, wasm) {
        (Ok(native), Ok(wasm)) => (native, wasm),
        (Err(native), Err(wasm)) if native == wasm => return Vec::new(),
        (native, wasm) => {
            return vec![format!(
                "loading: native {:?}, wasm {:?}",
                native.map(|_| "loaded"),
                wasm.map(|_| "loaded")
            )];
        }
    };
    assert_eq!(native.engine(), "native");
    assert_eq!(wasm.engine(), "wasm");
    let mut problems = Vec::new();
    let mut differ = |what: &str, native: String, wasm: String| {
        if native != wasm {
            problems.push(format!("{what}: native {native}, wasm {wasm}"));
        }
    };
    differ(
        "revision, sequence, stats",
        format!(
            "{:?} {:?} {:?}",
            native.revision(),
            native.sequence(),
            native.stats()
        ),
        format!(
            "{:?} {:?} {:?}",
            wasm.revision(),
            wasm.sequence(),
            wasm.stats()
        ),
    );
    let mut checks: Vec<RequestDoc> = Vec::new();
    for case in &file.cases {
        let name = &case.name;
        if let Some(request) = &case.check {
            let json = serde_json::to_string(request).expect("request JSON");
            differ(
                &format!("{name}: explain"),
                either(native.explain(&json)),
                either(wasm.explain(&json)),
            );
            differ(
                &format!("{name}: check (JSON)"),
                either(native.check_json(&json)),
                either(wasm.check_json(&json)),
            );
            // The typed request: the same decision, or the same error code.
            let code = |result: Result<bool, writ_host::HostError>| {
                result.map_err(|error| error.code().to_owned())
            };
            differ(
                &format!("{name}: check (typed)"),
                format!("{:?}", code(native.check(request))),
                format!("{:?}", code(wasm.check(request))),
            );
            if let Some(problem) = handle_disagrees(&wasm, request, &json) {
                differ(&format!("{name}: handle"), String::new(), problem);
            }
            checks.push(request.clone());
        }
        for (what, doc) in [
            (
                "permissions",
                case.permissions.as_ref().map(serde_json::to_string),
            ),
            ("list", case.list.as_ref().map(serde_json::to_string)),
            ("claims", case.claims.as_ref().map(serde_json::to_string)),
            ("assign", case.assign.as_ref().map(serde_json::to_string)),
            ("whoCan", case.who_can.as_ref().map(serde_json::to_string)),
        ] {
            let Some(json) = doc.map(|doc| doc.expect("document JSON")) else {
                continue;
            };
            let (n, w) = match what {
                "permissions" => (
                    either(native.permissions(&json)),
                    either(wasm.permissions(&json)),
                ),
                "list" => (either(native.list(&json)), either(wasm.list(&json))),
                "claims" => (either(native.claims(&json)), either(wasm.claims(&json))),
                "whoCan" => (
                    either(native.who_can(&json, true)),
                    either(wasm.who_can(&json, true)),
                ),
                _ => (
                    either(native.check_assignment(&json)),
                    either(wasm.check_assignment(&json)),
                ),
            };
            differ(&format!("{name}: {what}"), n, w);
        }
    }
    differ(
        "check-many",
        either(native.check_many(&checks)),
        either(wasm.check_many(&checks)),
    );
    problems
}

/// A plain question asked through a guest principal handle answers as `check`.
fn handle_disagrees(wasm: &Decider, request: &RequestDoc, json: &str) -> Option<String> {
    let Decider::Wasm(authorizer) = wasm else {
        return None;
    };
    let (Some(permission), Some(resource_type)) = (&request.permission, &request.resource_type)
    else {
        return None;
    };
    if request.tenant_id.is_some()
        || request.properties.is_some()
        || request.anonymous_authorized
        || request.resource_exists.is_some()
        || request.any_of.is_some()
        || request.all_of.is_some()
        || request.bundle.is_some()
        || request.scopes.is_some()
    {
        return None;
    }
    let mut principal = serde_json::Map::new();
    for field in ["user", "client", "claims", "groups", "source", "profile"] {
        if let Some(value) = serde_json::from_str::<serde_json::Value>(json)
            .ok()?
            .get(field)
        {
            principal.insert(field.into(), value.clone());
        }
    }
    let handle = authorizer
        .principal(&serde_json::Value::Object(principal).to_string())
        .ok()?;
    let can = handle
        .can(
            permission,
            &resource_type.to_string(),
            request.resource_id.as_deref(),
        )
        .map_err(|error| error.code().to_owned());
    let checked = wasm
        .check_json(json)
        .map_err(|error| error.code().to_owned());
    (can != checked).then(|| format!("handle.can {can:?}, check {checked:?}"))
}

#[test]
fn every_vector_answers_through_the_guest_as_natively() {
    let files = vector::vector_files();
    assert!(files.len() > 150, "{} vector files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let (file, snapshot) = vector::load(path).expect("vector file");
        for problem in compare_file(&file, &snapshot) {
            failures.push(format!("{}: {problem}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Two revisions whose answers differ: kermit may read `invoice` in the odd
/// ones only.
fn revision(sequence: u64) -> String {
    let grant = if sequence % 2 == 1 { "READ" } else { "DELETE" };
    format!(
        r#"{{"format":1,"revision":"r{sequence}","sequence":{sequence},"profile":"camunda7",
          "users":[{{"id":"kermit"}}],
          "authorizations":[{{"id":"a","type":"GRANT","userId":"kermit","resourceType":"PROCESS_DEFINITION","resourceId":"invoice","permissions":["{grant}"]}}]}}"#
    )
}

#[test]
fn snapshots_swapped_under_concurrent_use_answer_as_their_revision_says() {
    let host = Host::new(HostConfig {
        cache_dir: Some(cache_dir("guest-cache")),
        instances: 4,
        ..HostConfig::default()
    })
    .expect("host");
    let load = |sequence: u64| {
        Decider::Wasm(
            host.load(revision(sequence).as_bytes(), &LoadOptions::default())
                .expect("loads"),
        )
    };
    let live = Live::new(load(1));
    let stop = AtomicBool::new(false);
    let asked = AtomicUsize::new(0);
    let request: RequestDoc = writ_core::wire::decode(
        r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
    )
    .expect("request");
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let current = live.current();
                    let sequence = current.sequence().expect("a sequence");
                    let allowed = current.check(&request).expect("no call fails");
                    // The native answer for the revision it reports.
                    let native = Authorizer::from_json(&revision(sequence))
                        .expect("native")
                        .check(&request)
                        .expect("native");
                    assert_eq!(allowed, native, "revision {sequence}");
                    assert_eq!(current.revision(), Some(format!("r{sequence}").as_str()));
                    asked.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let mut swaps = 0;
        for sequence in 2..200u64 {
            // A good one, then a refused one: the good one stays in force.
            live.swap(load(sequence))
                .expect("a newer snapshot swaps in");
            let refused = host.load(
                b"{\"format\":1,\"profile\":\"camunda7\",\"users\":7}",
                &LoadOptions::default(),
            );
            assert_eq!(
                refused.map(|_| ()).map_err(|e| e.code().to_owned()),
                Err("snapshot.malformed".into())
            );
            assert_eq!(
                live.swap(load(sequence - 1))
                    .map(|_| ())
                    .map_err(|e| e.code().to_owned()),
                Err("snapshot.rollback".into())
            );
            assert_eq!(live.current().sequence(), Some(sequence));
            swaps += 1;
        }
        stop.store(true, Ordering::Relaxed);
        assert_eq!(swaps, 198);
    });
    assert!(
        asked.load(Ordering::Relaxed) > 100,
        "the readers asked while swaps happened"
    );
}

#[test]
fn a_corrupted_or_foreign_precompiled_guest_is_compiled_again() {
    use writ_host::CacheOutcome;
    let dir = cache_dir("cache-corruption");
    for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
        std::fs::remove_file(entry.path()).expect("clean");
    }
    let start = || {
        Host::new(HostConfig {
            cache_dir: Some(dir.clone()),
            ..HostConfig::default()
        })
        .expect("host")
    };
    assert_eq!(start().cache_outcome(), CacheOutcome::Compiled);
    assert_eq!(start().cache_outcome(), CacheOutcome::Hit);
    let artifact = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
        .expect("the artifact");
    let whole = std::fs::read(&artifact).expect("read");
    // One byte of the compiled code changed: its digest no longer matches.
    let mut corrupted = whole.clone();
    let middle = corrupted.len() / 2;
    corrupted[middle] ^= 0x40;
    std::fs::write(&artifact, &corrupted).expect("corrupt");
    let host = start();
    assert_eq!(host.cache_outcome(), CacheOutcome::Replaced);
    assert_eq!(
        std::fs::read(&artifact).expect("read"),
        whole,
        "rebuilt as it was"
    );
    // Truncated.
    std::fs::write(&artifact, &whole[..whole.len() / 3]).expect("truncate");
    assert_eq!(start().cache_outcome(), CacheOutcome::Replaced);
    // Whole and well-formed, but not a wasmtime artifact of this version (its
    // digest is right, so only wasmtime's own check can refuse it).
    let mut foreign = b"writ precompiled guest v1\n".to_vec();
    let body = b"\x7fELF not the artifact of this wasmtime".to_vec();
    foreign.extend_from_slice(&sha256(&body));
    foreign.extend_from_slice(&body);
    std::fs::write(&artifact, &foreign).expect("foreign");
    let host = start();
    assert_eq!(host.cache_outcome(), CacheOutcome::Replaced);
    // And it decides.
    let org = host
        .load(revision(1).as_bytes(), &LoadOptions::default())
        .expect("loads");
    assert_eq!(org.check_json(r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#), Ok(true));
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

#[test]
fn a_guest_past_its_limits_is_a_coded_error_and_the_next_call_gets_a_fresh_instance() {
    // A generated organisation that needs more memory than the limit allows.
    let big = std::process::Command::new(env!("CARGO_BIN_EXE_writ"))
        .args([
            "generate",
            "--users",
            "2000",
            "--groups",
            "200",
            "--authorizations",
            "20000",
        ])
        .output()
        .expect("writ generate");
    let host = Host::new(HostConfig {
        cache_dir: Some(cache_dir("guest-cache")),
        memory_bytes: 4 << 20,
        ..HostConfig::default()
    })
    .expect("host");
    let refused = host.load(&big.stdout, &LoadOptions::default());
    assert_eq!(
        refused.map(|_| ()).map_err(|e| e.code().to_owned()),
        Err("host.memory_limit".into())
    );
    // The same host loads what fits, and answers.
    let small = host
        .load(revision(1).as_bytes(), &LoadOptions::default())
        .expect("loads");
    let ask = r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#;
    assert_eq!(small.check_json(ask), Ok(true));

    // A deadline too short for loading: host.timeout.
    let slow = Host::new(HostConfig {
        cache_dir: Some(cache_dir("guest-cache")),
        load_timeout: Duration::from_millis(1),
        ..HostConfig::default()
    })
    .expect("host");
    let timed_out = slow.load(&big.stdout, &LoadOptions::default());
    assert_eq!(
        timed_out.map(|_| ()).map_err(|e| e.code().to_owned()),
        Err("host.timeout".into())
    );

    // A call past its deadline: that instance is discarded, and the next
    // call is answered by a fresh one.
    let hurried = Host::new(HostConfig {
        cache_dir: Some(cache_dir("guest-cache")),
        call_timeout: Duration::from_millis(20),
        instances: 1,
        ..HostConfig::default()
    })
    .expect("host");
    let org = hurried
        .load(
            &big.stdout,
            &LoadOptions {
                limits: writ_core::Limits {
                    batch_length: 1_000_000,
                    ..writ_core::Limits::default()
                },
                ..LoadOptions::default()
            },
        )
        .expect("loads");
    let request: RequestDoc = writ_core::wire::decode(
        r#"{"user":"user-1","anyOf":[{"permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"process-1"},{"permission":"UPDATE","resourceType":"PROCESS_DEFINITION","resourceId":"process-2"}]}"#,
    ).expect("request");
    let many = vec![request.clone(); 500_000];
    let stopped = org.check_many(&many);
    assert_eq!(
        stopped.map(|_| ()).map_err(|e| e.code().to_owned()),
        Err("host.timeout".into())
    );
    assert_eq!(org.discarded(), 1);
    let native =
        Authorizer::from_json(std::str::from_utf8(&big.stdout).expect("UTF-8")).expect("native");
    assert_eq!(
        org.check(&request),
        Ok(native.check(&request).expect("native"))
    );
}
