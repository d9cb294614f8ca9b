//! The `writ` command end to end: exit codes, output shapes, error codes.

#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and benchmark code: a failure should stop loudly"
)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

const ORG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/org.json");

fn writ(args: &[&str], stdin: &str) -> Output {
    writ_bytes(args, stdin.as_bytes())
}

/// Runs `writ` with `stdin` as its standard input, whatever the bytes.
fn writ_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("writ starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("writ finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("writ-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

const READ_INVOICE: &[&str] = &[
    "--permission",
    "READ",
    "--resource-type",
    "PROCESS_DEFINITION",
    "--resource-id",
    "invoice",
];

#[test]
fn single_check_exit_codes_follow_the_decision() {
    let allowed = writ(
        &[&["check", ORG, "--user", "kermit"], READ_INVOICE].concat(),
        "",
    );
    assert_eq!(allowed.status.code(), Some(0));
    assert_eq!(stdout(&allowed).trim(), r#"{"allowed":true}"#);
    let denied = writ(
        &[&["check", ORG, "--user", "gonzo"], READ_INVOICE].concat(),
        "",
    );
    assert_eq!(denied.status.code(), Some(1));
    assert_eq!(stdout(&denied).trim(), r#"{"allowed":false}"#);
}

#[test]
fn explain_names_rows_level_and_rule() {
    let output = writ(
        &[&["explain", ORG, "--user", "gonzo"], READ_INVOICE].concat(),
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(decision["allowed"], false);
    assert_eq!(decision["rule"], "camunda7.level");
    assert_eq!(decision["level"], "user");
    assert_eq!(decision["rows"], serde_json::json!(["gonzo-no-read"]));
    assert_eq!(decision["overridden"], serde_json::json!(["acct-invoice"]));
}

#[test]
fn unknown_permission_is_an_input_error_with_its_code() {
    let output = writ(
        &[
            "check",
            ORG,
            "--user",
            "kermit",
            "--permission",
            "FLY",
            "--resource-type",
            "PROCESS_DEFINITION",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    let line: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(line["error"]["code"], "request.unknown_permission");
}

#[test]
fn stdin_lines_answer_in_order_and_survive_bad_lines() {
    let input = [
        r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
        "not json",
        r#"{"user":"kermit","permission":"FLY","resourceType":"PROCESS_DEFINITION"}"#,
        r#"{"user":"gonzo","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
        r#"{"user":"kermit","allOf":[{"permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"},{"permission":"CREATE_INSTANCE","resourceType":6,"resourceId":"invoice"}]}"#,
        r#"{"permission":"READ","resourceType":"PROCESS_DEFINITION"}"#,
    ]
    .join("\n");
    let output = writ(&["check", ORG], &input);
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], serde_json::json!({"allowed": true}));
    assert_eq!(lines[1]["error"]["code"], "request.malformed");
    assert_eq!(lines[2]["error"]["code"], "request.unknown_permission");
    assert_eq!(lines[3], serde_json::json!({"allowed": false}));
    assert_eq!(lines[4], serde_json::json!({"allowed": true}));
    assert_eq!(lines[5]["error"]["code"], "request.missing_user");
}

#[test]
fn check_explain_flag_adds_explanations_to_stream() {
    let output = writ(
        &["check", ORG, "--explain"],
        r#"{"user":"animal","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"x"}"#,
    );
    let line: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(line["rule"], "no_match");
    assert_eq!(line["rows"], serde_json::json!([]));
}

#[test]
fn permissions_and_list_print_one_object() {
    let output = writ(
        &[
            "permissions",
            ORG,
            "--user",
            "kermit",
            "--resource-type",
            "PROCESS_DEFINITION",
            "--resource-id",
            "invoice",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0));
    let held: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(
        held["permissions"],
        serde_json::json!(["READ", "CREATE_INSTANCE", "READ_HISTORY", "TASK_ASSIGN"])
    );
    let list = writ(
        &[
            "list",
            ORG,
            "--user",
            "gonzo",
            "--permission",
            "READ",
            "--resource-type",
            "PROCESS_DEFINITION",
        ],
        "",
    );
    let view: serde_json::Value = serde_json::from_str(&stdout(&list)).expect("json");
    assert_eq!(view, serde_json::json!({"kind": "only", "ids": []}));
    let optimize = writ(
        &[
            "list",
            ORG,
            "--user",
            "kermit",
            "--permission",
            "ACCESS",
            "--resource-type",
            "APPLICATION",
            "--profile",
            "optimize",
        ],
        "",
    );
    let view: serde_json::Value = serde_json::from_str(&stdout(&optimize)).expect("json");
    assert_eq!(
        view,
        serde_json::json!({"kind": "only", "ids": ["optimize", "tasklist"]})
    );
}

#[test]
fn validate_reports_path_and_code_and_exits_2() {
    let good = writ(&["validate", ORG], "");
    assert_eq!(good.status.code(), Some(0));
    assert!(stdout(&good).starts_with("ok: revision demo-2026-11"));
    let bad = temp_file(
        "bad.json",
        r#"{"format":1,"profile":"camunda7","users":[{"id":"a","groups":["nope"]}]}"#,
    );
    let output = writ(&["validate", bad.to_str().expect("utf-8 path")], "");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[snapshot.unknown_group]"), "{stderr}");
    assert!(stderr.contains("`users[0].groups[0]`"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(writ(&["check"], "").status.code(), Some(2));
    assert_eq!(
        writ(&["check", ORG, "--user", "kermit"], "").status.code(),
        Some(2)
    );
    assert_eq!(
        writ(
            &[
                "check",
                "/no/such/file.json",
                "--user",
                "a",
                "--permission",
                "READ",
                "--resource-type",
                "USER"
            ],
            ""
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn import_camunda7_writes_a_loadable_snapshot() {
    let dump = temp_file(
        "dump.json",
        r#"{"engine":"main",
            "authorizations":[{"id":"a1","type":1,"permissions":["READ"],"userId":null,"groupId":"sales","resourceType":6,"resourceId":"invoice"},
                              {"id":"a2","type":2,"permissions":["ALL"],"userId":"kermit","groupId":null,"resourceType":6,"resourceId":"payroll"}],
            "users":[{"id":"kermit","firstName":"Kermit","lastName":"Frog","email":"k@example.org"}],
            "groups":[{"id":"sales","name":"Sales","type":"WORKFLOW"}],
            "groupMembers":{"sales":[{"id":"kermit"}]},
            "tenants":[], "tenantUserMembers":{}, "tenantGroupMembers":{}}"#,
    );
    let out = dump.with_file_name("imported.json");
    let output = writ(
        &[
            "import",
            "camunda7",
            dump.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
            "--revoke-mode",
            "always",
            "--tenant-checks",
            "off",
            "--admin-group",
            "ops",
        ],
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(snapshot["options"]["revokeMode"], "always");
    assert_eq!(snapshot["options"]["tenantChecks"], false);
    assert_eq!(
        snapshot["options"]["adminGroups"],
        serde_json::json!(["ops"])
    );
    assert_eq!(snapshot["sources"][0]["name"], "main");
    let check = writ(
        &[
            &["check", out.to_str().expect("path"), "--user", "kermit"],
            READ_INVOICE,
        ]
        .concat(),
        "",
    );
    assert_eq!(check.status.code(), Some(0));
    let bad = temp_file(
        "bad-dump.json",
        r#"{"authorizations":[{"id":"x","type":"GRANT"}]}"#,
    );
    let output = writ(
        &[
            "import",
            "camunda7",
            bad.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error[import.malformed]"));
}

#[test]
fn demo_prints_a_table() {
    let output = writ(&["demo"], "");
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("camunda7.level"), "{text}");
    assert!(text.contains("tenant.not_member"), "{text}");
}

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo");

#[test]
fn import_camunda8_writes_a_grants_snapshot_that_decides() {
    let out = temp_file("c8.json", "");
    let dump = format!("{DEMO}/camunda8-dump.json");
    let output = writ(
        &[
            "import",
            "camunda8",
            &dump,
            "-o",
            out.to_str().expect("path"),
            "--tenant-checks",
            "on",
        ],
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("user `carol` is not listed"));
    let check = writ(
        &[
            "explain",
            out.to_str().expect("path"),
            "--user",
            "alice",
            "--permission",
            "CREATE_PROCESS_INSTANCE",
            "--resource-type",
            "PROCESS_DEFINITION",
            "--resource-id",
            "invoice",
            "--tenant-id",
            "emea",
        ],
        "",
    );
    assert_eq!(check.status.code(), Some(0));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&check)).expect("json");
    assert_eq!(decision["via"], "role `ops` of group `ops-team`");
    let bad = temp_file(
        "bad-c8.json",
        r#"{"authorizations":{"items":[{"authorizationKey":"1","ownerId":"x","ownerType":"NOBODY","resourceType":"USER","resourceId":"*","permissionTypes":["READ"]}]}}"#,
    );
    let output = writ(
        &[
            "import",
            "camunda8",
            bad.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("error[import."),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn import_emporix_writes_the_demo_snapshot() {
    let demo: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DEMO}/emporix.json")).expect("read the demo"),
    )
    .expect("json");
    let domains = temp_file("emporix-domains.json", &demo["domains"].to_string());
    let out = temp_file("emporix.json", "");
    let dump = format!("{DEMO}/emporix-dump.json");
    let output = writ(
        &[
            "import",
            "emporix",
            &dump,
            "--domains",
            domains.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ],
        "",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(snapshot, demo);

    // A group holding an access control restricted to the other user type.
    let bad = temp_file(
        "bad-emporix.json",
        r#"{"accessControls":[{"id":"self","scopes":["customer.customer_read_own"],"restrictedTo":"CUSTOMER"}],
            "groups":[{"id":"staff","userType":"EMPLOYEE","accessControls":["self"]}]}"#,
    );
    let output = writ(
        &[
            "import",
            "emporix",
            bad.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("error[import.user_type_mismatch]"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = writ(
        &[
            "import",
            "emporix",
            &dump,
            "--predefined",
            "le1-buyer=owner",
            "-o",
            out.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("error[usage.predefined]"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn claims_projects_identity_permissions_and_emporix_scopes() {
    let identity = format!("{DEMO}/identity.json");
    let output = writ(
        &[
            "claims",
            &identity,
            "--user",
            "zed",
            "--claims",
            r#"{"groups":["eng"]}"#,
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).trim(),
        r#"{"permissions":{"optimize-api":["write:*"]}}"#
    );
    let emporix = format!("{DEMO}/emporix.json");
    let output = writ(&["claims", &emporix, "--user", "dirk"], "");
    assert_eq!(
        stdout(&output).trim(),
        r#"{"scopes":["order.order_manage--DE","order.order_read--DE"]}"#
    );
    let bad = writ(
        &["claims", &identity, "--user", "zed", "--claims", "[1]"],
        "",
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn assign_checks_emporix_invariants() {
    let emporix = format!("{DEMO}/emporix.json");
    let refused = writ(
        &["assign", &emporix, "--user", "cara", "--group", "le1-buyer"],
        "",
    );
    assert_eq!(refused.status.code(), Some(1));
    let decision: serde_json::Value = serde_json::from_str(&stdout(&refused)).expect("json");
    assert_eq!(decision["rule"], "snapshot.customer_group_conflict");
    let refused = writ(
        &[
            "assign",
            &emporix,
            "--group",
            "oe-managers",
            "--access-control",
            "customer-self",
        ],
        "",
    );
    let decision: serde_json::Value = serde_json::from_str(&stdout(&refused)).expect("json");
    assert_eq!(decision["rule"], "snapshot.user_type_mismatch");
    let fine = writ(
        &[
            "assign",
            &emporix,
            "--user",
            "cara",
            "--group",
            "le1-contact",
        ],
        "",
    );
    assert_eq!(fine.status.code(), Some(0));
    let unknown = writ(
        &["assign", &emporix, "--user", "cara", "--group", "nope"],
        "",
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stdout(&unknown).contains("request.unknown_group"));
}

/// Runs `writ` with stdout going to `stdout` (a file, `/dev/full`, …).
fn writ_to(args: &[&str], stdout: std::fs::File) -> Output {
    Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("writ runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The run failed with `status` and its one error line names `code`.
#[track_caller]
fn assert_failed(output: &Output, status: i32, code: &str) {
    assert_eq!(output.status.code(), Some(status), "{}", stderr(output));
    assert!(
        stderr(output).starts_with(&format!("writ: error[{code}]: ")),
        "{}",
        stderr(output)
    );
    assert_eq!(stderr(output).lines().count(), 1, "{}", stderr(output));
}

#[test]
#[cfg(target_os = "linux")]
fn a_full_device_is_a_coded_error_not_a_panic() {
    for args in [
        &["validate", ORG][..],
        &["demo"],
        &[&["check", ORG, "--user", "kermit"][..], READ_INVOICE].concat(),
        &[
            "generate",
            "--users",
            "10",
            "--groups",
            "2",
            "--authorizations",
            "10",
        ],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let output = writ_to(args, full);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output)
                .starts_with("writ: error[io.write_failed]: cannot write standard output"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_closed_pipe_is_a_coded_error_not_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(["check", ORG])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("writ starts");
    drop(child.stdout.take()); // the reader goes away
    let line = r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#;
    let mut stdin = child.stdin.take().expect("stdin");
    // Enough lines to fill any pipe buffer; writing may fail once writ has exited.
    for _ in 0..20_000 {
        if writeln!(stdin, "{line}").is_err() {
            break;
        }
    }
    drop(stdin);
    let output = child.wait_with_output().expect("writ finishes");
    assert_failed(&output, 3, "io.write_failed");
}

#[test]
fn unreadable_inputs_have_io_codes() {
    let dir = temp_file("placeholder", "").with_file_name("");
    let not_utf8 = dir.join("latin1.json");
    std::fs::write(&not_utf8, b"{\"format\":1,\"revision\":\"caf\xe9\"}").expect("write");
    for (path, code) in [
        ("/no/such/snapshot.json", "io.not_found"),
        (dir.to_str().expect("path"), "io.unreadable"),
        (not_utf8.to_str().expect("path"), "snapshot.invalid_utf8"),
    ] {
        assert_failed(&writ(&["validate", path], ""), 2, code);
    }
}

#[test]
#[cfg(target_os = "linux")]
fn an_endless_snapshot_stops_at_the_size_limit() {
    let output = writ(
        &["validate", "/dev/zero", "--limit", "snapshotBytes=1M"],
        "",
    );
    assert_failed(&output, 2, "limit.snapshot_size");
}

#[test]
fn stdin_lines_that_are_not_utf8_or_too_long_are_error_lines_and_the_stream_goes_on() {
    let good = r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#;
    let long = format!(
        r#"{{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"{}"}}"#,
        "x".repeat(3000)
    );
    let mut input = Vec::new();
    input.extend_from_slice(good.as_bytes());
    input.extend_from_slice(b"\n{\"user\":\"k\xffrmit\"}\n");
    input.extend_from_slice(long.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(good.as_bytes());
    input.push(b'\n');
    let output = writ_bytes(&["check", ORG, "--limit", "requestBytes=2K"], &input);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["allowed"], true);
    assert_eq!(lines[1]["error"]["code"], "request.invalid_utf8");
    assert_eq!(lines[2]["error"]["code"], "limit.request_size");
    assert_eq!(lines[3]["allowed"], true);
}

#[test]
fn keys_signatures_and_sequences() {
    let dir = std::env::temp_dir().join(format!("writ-keys-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let at = |name: &str| dir.join(name).to_str().expect("path").to_owned();
    let snapshot = at("org.json");
    let text = std::fs::read_to_string(ORG).expect("org").replacen(
        "\"format\": 1,",
        "\"format\": 1, \"sequence\": 5,",
        1,
    );
    assert!(
        text.contains("\"sequence\": 5"),
        "the demo snapshot starts with its format"
    );
    std::fs::write(&snapshot, &text).expect("write");

    for prefix in ["release", "other"] {
        let made = writ(&["keygen", "--out", &at(prefix)], "");
        assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(at("release.key"))
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by its owner only"
        );
    }
    let again = writ(&["keygen", "--out", &at("release")], "");
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("error[io.exists]"));

    let signed = writ(&["sign", &snapshot, "--key", &at("release.key")], "");
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let sig = format!("{snapshot}.sig");
    assert!(std::fs::read_to_string(&sig).expect("sig").contains(".."));

    let code = |args: &[&str]| {
        let output = writ(args, "");
        let text = stderr(&output);
        let code = text
            .strip_prefix("writ: error[")
            .and_then(|rest| rest.split_once(']'))
            .map(|(code, _)| code.to_owned());
        (output.status.code(), code)
    };
    let release = at("release.pub");
    let other = at("other.pub");
    assert_eq!(
        code(&["validate", &snapshot, "--verify-key", &release]),
        (Some(0), None)
    );
    assert_eq!(
        code(&[
            "validate",
            &snapshot,
            "--verify-key",
            &other,
            "--verify-key",
            &release
        ]),
        (Some(0), None)
    );
    assert_eq!(
        code(&["validate", &snapshot, "--verify-key", &other]),
        (Some(2), Some("signature.unknown_key".into()))
    );
    assert_eq!(
        code(&["validate", &snapshot, "--verify-key", &at("release.key")]),
        (Some(2), Some("key.malformed".into()))
    );
    // A deciding command verifies too.
    let checked = writ(
        &[
            &[
                "check",
                &snapshot,
                "--verify-key",
                &release,
                "--user",
                "kermit",
            ][..],
            READ_INVOICE,
        ]
        .concat(),
        "",
    );
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));

    let truncated = at("truncated.sig");
    let full = std::fs::read_to_string(&sig).expect("sig");
    std::fs::write(&truncated, &full[..full.len() / 2]).expect("write");
    assert_eq!(
        code(&[
            "validate",
            &snapshot,
            "--verify-key",
            &release,
            "--signature",
            &truncated
        ]),
        (Some(2), Some("signature.malformed".into()))
    );
    std::fs::write(&snapshot, text.replacen("kermit", "kermiT", 1)).expect("tamper");
    assert_eq!(
        code(&["validate", &snapshot, "--verify-key", &release]),
        (Some(2), Some("signature.invalid".into()))
    );
    std::fs::remove_file(&sig).expect("remove");
    assert_eq!(
        code(&["validate", &snapshot, "--verify-key", &release]),
        (Some(2), Some("signature.missing".into()))
    );
    assert_eq!(
        code(&["validate", &snapshot, "--min-sequence", "6"]),
        (Some(2), Some("snapshot.rollback".into()))
    );
    assert_eq!(
        code(&["validate", &snapshot, "--min-sequence", "5"]),
        (Some(0), None)
    );
    // Never sign what would not load.
    let broken = at("broken.json");
    std::fs::write(
        &broken,
        r#"{"format":1,"profile":"camunda7","users":[{"id":""}]}"#,
    )
    .expect("write");
    assert_eq!(
        code(&["sign", &broken, "--key", &at("release.key")]),
        (Some(2), Some("snapshot.empty_id".into()))
    );
    assert!(!std::path::Path::new(&format!("{broken}.sig")).exists());
}

#[test]
fn the_wasm_engine_answers_byte_for_byte_as_the_native_one() {
    let requests =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/requests.jsonl"))
            .expect("demo requests")
            + "not json\n{\"user\":\"kermit\",\"permission\":\"FLY\",\"resourceType\":\"TASK\"}\n";
    let identity = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/identity.json");
    let emporix = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/emporix.json");
    let bad = temp_file(
        "bad-for-engines.json",
        r#"{"format":1,"profile":"camunda7","users":[{"id":"a","groups":["nope"]}]}"#,
    );
    let bad = bad.to_str().expect("path");
    let runs: Vec<(Vec<&str>, &str)> = vec![
        (vec!["check", ORG, "--explain"], requests.as_str()),
        (vec!["check", ORG], requests.as_str()),
        (
            [&["explain", ORG, "--user", "gonzo"][..], READ_INVOICE].concat(),
            "",
        ),
        (
            [&["check", ORG, "--user", "kermit"][..], READ_INVOICE].concat(),
            "",
        ),
        (
            vec![
                "permissions",
                ORG,
                "--user",
                "kermit",
                "--resource-type",
                "6",
                "--resource-id",
                "invoice",
            ],
            "",
        ),
        (
            vec![
                "list",
                ORG,
                "--user",
                "kermit",
                "--permission",
                "ACCESS",
                "--resource-type",
                "APPLICATION",
                "--profile",
                "optimize",
            ],
            "",
        ),
        (
            vec![
                "claims",
                identity,
                "--user",
                "zed",
                "--claims",
                r#"{"groups":["eng"],"n":1e2}"#,
            ],
            "",
        ),
        (
            vec!["assign", emporix, "--user", "cara", "--group", "le1-buyer"],
            "",
        ),
        (vec!["validate", ORG], ""),
        (vec!["validate", bad], ""),
        (
            vec![
                "check",
                ORG,
                "--user",
                "kermit",
                "--permission",
                "FLY",
                "--resource-type",
                "TASK",
            ],
            "",
        ),
    ];
    for (args, stdin) in runs {
        let native = writ(&args, stdin);
        let wasm = writ(&[&args[..], &["--engine", "wasm"]].concat(), stdin);
        assert_eq!(native.status.code(), wasm.status.code(), "{args:?}");
        assert_eq!(stdout(&native), stdout(&wasm), "{args:?}");
        assert_eq!(stderr(&native), stderr(&wasm), "{args:?}");
        assert!(
            !stdout(&native).is_empty() || !stderr(&native).is_empty(),
            "{args:?} printed nothing"
        );
    }
}

const ORG_NEXT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/org-next.json");

#[test]
fn who_can_lists_the_users_a_check_allows() {
    let output = writ(&[&["who-can", ORG], READ_INVOICE].concat(), "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let answer: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(
        answer,
        serde_json::json!({"users": ["fozzie", "kermit", "piggy"], "clients": [], "anyUser": false, "mappingRules": []})
    );
}

#[test]
fn diff_prints_each_changed_decision_and_exits_1() {
    let output = writ(&["diff", ORG, ORG_NEXT], "");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    // gonzo's revoke on every definition is gone, and engineers may read payroll.
    assert_eq!(lines.len(), 3, "{}", stdout(&output));
    assert_eq!(
        lines[1],
        serde_json::json!({"user": "gonzo", "permission": "READ", "resourceType": "PROCESS_DEFINITION",
            "resourceId": "payroll", "before": false, "after": true,
            "beforeRule": "camunda7.level", "afterRule": "camunda7.match",
            "rows": {"before": ["gonzo-no-read"], "after": ["eng-payroll-read"]}})
    );
    assert!(
        lines[2].get("resourceId").is_none(),
        "any other id: {}",
        lines[2]
    );

    let summary = writ(&["diff", ORG, ORG_NEXT, "--summary"], "");
    assert_eq!(summary.status.code(), Some(1));
    let counts: serde_json::Value = serde_json::from_str(&stdout(&summary)).expect("json");
    assert_eq!(
        counts,
        serde_json::json!({"changes": 3, "users": {"gonzo": 3}, "clients": {}, "resourceTypes": {"PROCESS_DEFINITION": 3}})
    );

    let filtered = writ(&["diff", ORG, ORG_NEXT, "--user", "kermit"], "");
    assert_eq!(
        (filtered.status.code(), stdout(&filtered)),
        (Some(0), String::new())
    );
    let same = writ(&["diff", ORG, ORG], "");
    assert_eq!(
        (same.status.code(), stdout(&same)),
        (Some(0), String::new())
    );
    let other = writ(&["diff", ORG, &format!("{DEMO}/identity.json")], "");
    assert_failed(&other, 2, "diff.profile_mismatch");
    let bad = temp_file(
        "diff-bad.json",
        r#"{"format":1,"profile":"camunda7","users":[{"id":""}]}"#,
    );
    assert_failed(
        &writ(&["diff", ORG, bad.to_str().expect("path")], ""),
        2,
        "snapshot.empty_id",
    );
}

#[test]
fn drift_from_an_emporix_import_finds_who_make_must_add_and_remove() {
    let snapshot = temp_file("make.json", "");
    let imported = writ(
        &[
            "import",
            "emporix",
            &format!("{DEMO}/make-dump.json"),
            "-o",
            snapshot.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    let members = format!("{DEMO}/make-members.txt");
    let eligible = r#"{"anyOf":[{"scopes":["integromat.scenario_edit"]},{"scopes":["integromat.app_developer"]}]}"#;
    let snapshot = snapshot.to_str().expect("path");
    let drift = |eligible: &str, members: &str| {
        writ(
            &[
                "drift",
                snapshot,
                "--eligible",
                eligible,
                "--members",
                members,
            ],
            "",
        )
    };
    let output = drift(eligible, &members);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // paul edits scenarios but is not in Make; otto lost the role and is;
    // rita is eligible by role but only provisioned; sam's account is locked.
    assert_eq!(
        stdout(&output),
        "{\"eligible\":3,\"toAdd\":[\"paul\"],\"toRemove\":[\"otto\"],\"unknown\":[\"former.contractor\"]}\n"
    );
    // One request with both scopes means the same (any one suffices).
    let both = drift(
        r#"{"scopes":["integromat.scenario_edit","integromat.app_developer"]}"#,
        &members,
    );
    assert_eq!(stdout(&both), stdout(&output));
    // In step: exit 0.
    let in_step = temp_file("make-members.json", r#"["nina","paul","quinn"]"#);
    let output = drift(eligible, in_step.to_str().expect("path"));
    assert_eq!(
        (output.status.code(), stdout(&output)),
        (
            Some(0),
            "{\"eligible\":3,\"toAdd\":[],\"toRemove\":[],\"unknown\":[]}\n".to_owned()
        )
    );
    let asked_of_one = drift(r#"{"user":"nina","scopes":["x"]}"#, &members);
    assert_failed(&asked_of_one, 2, "request.malformed");
    let not_json = temp_file("make-members-bad.json", r#"["nina", 3]"#);
    assert_failed(
        &drift(eligible, not_json.to_str().expect("path")),
        2,
        "usage.members",
    );
}

#[test]
fn optimize_collections_reports_event_processes_and_the_last_manager() {
    let optimize = format!("{DEMO}/optimize.json");
    let explain = |user: &str, permission: &str, ty: &str, id: &str| -> serde_json::Value {
        let output = writ(
            &[
                "explain",
                &optimize,
                "--user",
                user,
                "--permission",
                permission,
                "--resource-type",
                ty,
                "--resource-id",
                id,
            ],
            "",
        );
        serde_json::from_str(&stdout(&output)).expect("json")
    };
    let decided = |answer: serde_json::Value| (answer["allowed"].clone(), answer["rule"].clone());
    let json = |allowed: bool, rule: &str| (serde_json::json!(allowed), serde_json::json!(rule));
    assert_eq!(
        decided(explain(
            "piggy",
            "COLLECTION_EDIT_CONTENT",
            "COLLECTION",
            "finance"
        )),
        json(true, "optimize.collection_role")
    );
    assert_eq!(
        decided(explain(
            "piggy",
            "COLLECTION_MANAGE",
            "COLLECTION",
            "finance"
        )),
        json(false, "optimize.collection_role")
    );
    assert_eq!(
        decided(explain("kermit", "REPORT_VIEW", "REPORT", "payroll-cost")),
        json(false, "optimize.report_definition_denied")
    );
    assert_eq!(
        decided(explain("kermit", "REPORT_VIEW", "REPORT", "fozzie-draft")),
        json(false, "optimize.private_report")
    );
    assert_eq!(
        decided(explain(
            "fozzie",
            "EVENT_PROCESS_READ",
            "EVENT_PROCESS",
            "order-to-cash"
        )),
        json(false, "optimize.event_process_access")
    );
    assert_eq!(
        decided(explain("gonzo", "COLLECTION_VIEW", "COLLECTION", "finance")),
        json(false, "optimize.login_required")
    );
    let last = writ(
        &[
            "assign",
            &optimize,
            "--collection",
            "finance",
            "--user",
            "kermit",
        ],
        "",
    );
    assert_eq!(last.status.code(), Some(1), "{}", stderr(&last));
    assert!(
        stdout(&last).contains("optimize.last_manager"),
        "{}",
        stdout(&last)
    );
    let demoted = writ(
        &[
            "assign",
            &optimize,
            "--collection",
            "finance",
            "--group",
            "management",
            "--role",
            "VIEWER",
        ],
        "",
    );
    assert_eq!(demoted.status.code(), Some(0), "{}", stdout(&demoted));
    // The same answers through the guest in wasmtime.
    let wasm = writ(
        &[
            "assign",
            &optimize,
            "--engine",
            "wasm",
            "--collection",
            "finance",
            "--user",
            "kermit",
        ],
        "",
    );
    assert_eq!(stdout(&wasm), stdout(&last));
}

#[test]
fn compile_writes_a_snapshot_that_decides_alike_in_both_engines() {
    let dir = std::env::temp_dir().join(format!("writ-cli-compile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json = dir.join("org.json");
    std::fs::copy(ORG, &json).expect("copy the demo");
    let json = json.to_str().expect("utf-8 path");
    // The default output: the extension becomes `.writ`.
    let compiled = writ(&["compile", json], "");
    assert_eq!(compiled.status.code(), Some(0), "{}", stderr(&compiled));
    assert!(
        stdout(&compiled).starts_with("wrote "),
        "{}",
        stdout(&compiled)
    );
    let writ_file = dir.join("org.writ");
    let writ_path = writ_file.to_str().expect("utf-8 path");
    let bytes = std::fs::read(&writ_file).expect("compiled file");
    assert!(writ_core::compiled::is_compiled(&bytes));

    let requests =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/requests.jsonl"))
            .expect("requests");
    let answers = |snapshot: &str, engine: &str| {
        let output = writ(
            &["check", snapshot, "--explain", "--engine", engine],
            &requests,
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
    };
    let expected = answers(json, "native");
    assert!(expected.lines().count() > 5);
    assert_eq!(answers(writ_path, "native"), expected);
    assert_eq!(answers(writ_path, "wasm"), expected);

    // A damaged file is refused with its code, by either engine.
    let mut damaged = bytes.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    let damaged_path = dir.join("damaged.writ");
    std::fs::write(&damaged_path, &damaged).expect("write");
    let damaged_path = damaged_path.to_str().expect("utf-8 path");
    for engine in ["native", "wasm"] {
        let refused = writ(&["validate", damaged_path, "--engine", engine], "");
        assert_failed(&refused, 2, "snapshot.corrupt");
    }

    // Never over its own input; stdin needs --output; diff reads the JSON.
    assert_failed(&writ(&["compile", writ_path], ""), 2, "usage.output");
    assert_failed(&writ(&["compile", "-"], ""), 2, "usage.output");
    assert_failed(
        &writ(&["diff", json, writ_path], ""),
        2,
        "usage.compiled_snapshot",
    );
}
