//! `writ serve` end to end, asked as a PEP would ask it: plain HTTP on
//! loopback from the test (ureq), servers started and stopped here.

#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop loudly"
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use writ_host::HostConfig;
use writ_host::serve::{ServeConfig, SnapshotSource};

const ORG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/org.json");

/// A running service, stopped when dropped.
struct Server {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), writ_host::HostError>>>,
}

impl Server {
    /// Starts a service; `Err` with the start's error (a refused snapshot).
    fn start(config: ServeConfig) -> Result<Self, writ_host::HostError> {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        listener.set_nonblocking(true).expect("nonblocking");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (started, ready) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let serving = writ_host::serve::serve_on(listener, config, async move {
                    let _ = stopped.await;
                });
                let _ = started.send(());
                serving.await
            })
        });
        ready.recv().expect("the server thread starts");
        let mut server = Self {
            base: format!("http://{address}"),
            stop: Some(stop),
            thread: Some(thread),
        };
        // Up once /healthz answers, or its start failed.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if server
                .thread
                .as_ref()
                .is_some_and(std::thread::JoinHandle::is_finished)
            {
                let result = server.thread.take().expect("thread").join().expect("joins");
                return Err(result.err().unwrap_or_else(|| {
                    writ_host::HostError::new("serve.stopped", "the server stopped")
                }));
            }
            if get(&format!("{}/healthz", server.base)).0 == 200 {
                return Ok(server);
            }
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// (status, headers, body) of a GET.
fn get(url: &str) -> (u16, Vec<(String, String)>, String) {
    match agent().get(url).call() {
        Ok(mut response) => {
            let headers = headers(&response);
            (
                response.status().as_u16(),
                headers,
                response.body_mut().read_to_string().unwrap_or_default(),
            )
        }
        Err(_) => (0, Vec::new(), String::new()),
    }
}

fn headers(response: &ureq::http::Response<ureq::Body>) -> Vec<(String, String)> {
    response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// (status, headers, body) of a POST of `body` as JSON.
fn post(url: &str, body: &str) -> (u16, Vec<(String, String)>, String) {
    send("POST", url, body, &[("content-type", "application/json")])
}

fn send(
    method: &str,
    url: &str,
    body: &str,
    extra: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, String) {
    let agent = agent();
    let mut request = match method {
        "PUT" => agent.put(url),
        _ => agent.post(url),
    };
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let mut response = request.send(body).expect("the server answers");
    let headers = headers(&response);
    (
        response.status().as_u16(),
        headers,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {body}"))
}

fn file_config(path: &str, engine_wasm: bool) -> ServeConfig {
    let mut config = ServeConfig::new(SnapshotSource::File {
        path: PathBuf::from(path),
        signature: None,
        watch: false,
    });
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.wasm = engine_wasm.then(|| HostConfig {
        cache_dir: Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("guest-cache")),
        ..HostConfig::default()
    });
    config
}

/// The native `writ check --explain` of each request.
fn native(snapshot: &str, requests: &[Value], flags: &[String]) -> Vec<Value> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_writ"))
        .args(["check", snapshot, "--explain"])
        .args(flags)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("writ");
    let input: String = requests
        .iter()
        .map(|request| format!("{request}\n"))
        .collect();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("writ");
    String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(parse)
        .collect()
}

/// The AuthZEN evaluation of a writ request, when AuthZEN can say it: one
/// permission on one resource with an id, for a user or a client.
fn authzen_of(request: &Value) -> Option<Value> {
    let object = request.as_object()?;
    let allowed = [
        "user",
        "client",
        "groups",
        "claims",
        "permission",
        "resourceType",
        "resourceId",
        "tenantId",
        "properties",
        "profile",
        "source",
    ];
    if object.keys().any(|key| !allowed.contains(&key.as_str())) {
        return None;
    }
    let (kind, id) = match (object.get("client"), object.get("user")) {
        (Some(client), _) => ("client", client.clone()),
        (None, Some(user)) => ("user", user.clone()),
        _ => return None,
    };
    let resource_type = match object.get("resourceType")? {
        Value::String(name) => name.clone(),
        Value::Number(id) => id.to_string(),
        _ => return None,
    };
    let mut subject = json!({"type": kind, "id": id});
    let mut subject_properties = serde_json::Map::new();
    for key in ["groups", "claims"] {
        if let Some(value) = object.get(key) {
            subject_properties.insert(key.into(), value.clone());
        }
    }
    if !subject_properties.is_empty() {
        subject["properties"] = Value::Object(subject_properties);
    }
    let mut resource = json!({"type": resource_type, "id": object.get("resourceId")?});
    let mut resource_properties = object
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(tenant) = object.get("tenantId") {
        resource_properties.insert("tenantId".into(), tenant.clone());
    }
    if !resource_properties.is_empty() {
        resource["properties"] = Value::Object(resource_properties);
    }
    let mut context = serde_json::Map::new();
    for key in ["profile", "source"] {
        if let Some(value) = object.get(key) {
            context.insert(key.into(), value.clone());
        }
    }
    let mut evaluation = json!({"subject": subject, "action": {"name": object.get("permission")?}, "resource": resource});
    if !context.is_empty() {
        evaluation["context"] = Value::Object(context);
    }
    Some(evaluation)
}

#[test]
fn every_vector_through_v1_check_and_authzen_answers_as_natively() {
    let vectors = writ_conformance::vector::vector_files();
    let mut asked_authzen = 0;
    let mut failures = Vec::new();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-vectors");
    std::fs::create_dir_all(&dir).expect("dir");
    for (n, path) in vectors.iter().enumerate() {
        let (file, snapshot) = writ_conformance::vector::load(path).expect("vector");
        let snapshot_path = dir.join(format!("{n}.json"));
        std::fs::write(&snapshot_path, &snapshot).expect("write");
        let mut config = file_config(snapshot_path.to_str().expect("path"), n % 4 == 0);
        config.load = writ_conformance::vector::load_options(&file).expect("limits");
        for key in &file.trusted_keys {
            let text = writ_conformance::vector::vector_text(key).expect("key");
            config
                .keys
                .push(writ_core::signature::PublicKey::from_jwk(&text).expect("key"));
        }
        if let Some(signature) = &file.signature {
            let at = writ_conformance::vector::vectors_dir().join(signature);
            if let SnapshotSource::File { signature, .. } = &mut config.source {
                *signature = Some(at);
            }
        }
        let name = path.display().to_string();
        let server = match (Server::start(config), &file.snapshot_error) {
            (Ok(_), Some(expected)) => {
                failures.push(format!("{name}: served, expected {}", expected.code));
                continue;
            }
            (Err(error), Some(expected)) => {
                if error.code() != expected.code {
                    failures.push(format!(
                        "{name}: {} ({}), expected {}",
                        error.code(),
                        error.message(),
                        expected.code
                    ));
                }
                continue;
            }
            (Err(error), None) => {
                failures.push(format!(
                    "{name}: did not start: {} {}",
                    error.code(),
                    error.message()
                ));
                continue;
            }
            (Ok(server), None) => server,
        };
        let requests: Vec<Value> = file
            .cases
            .iter()
            .filter_map(|case| case.check.as_ref())
            .map(|request| serde_json::to_value(request).expect("JSON"))
            .collect();
        if requests.is_empty() {
            continue;
        }
        let mut flags: Vec<String> = file
            .limits
            .iter()
            .flat_map(|(name, value)| ["--limit".to_owned(), format!("{name}={value}")])
            .collect();
        if let Some(min) = file.min_sequence {
            flags.extend(["--min-sequence".to_owned(), min.to_string()]);
        }
        let natively = native(&snapshot_path.display().to_string(), &requests, &flags);
        // /v1/check of the whole array: each element's decision or error.
        let (status, _, body) = post(
            &server.url("/v1/check"),
            &Value::Array(requests.clone()).to_string(),
        );
        if status != 200 {
            failures.push(format!("{name}: /v1/check of the array: {status} {body}"));
        }
        let many = parse(&body);
        for (i, (request, expected)) in requests.iter().zip(&natively).enumerate() {
            let expected_check = match expected.get("allowed") {
                Some(allowed) => json!({"allowed": allowed}),
                None => expected.clone(),
            };
            if many[i] != expected_check {
                failures.push(format!(
                    "{name}: /v1/check [{i}] {} native {expected_check}",
                    many[i]
                ));
            }
            let (_, _, explained) = post(&server.url("/v1/explain"), &request.to_string());
            if parse(&explained) != *expected {
                failures.push(format!("{name}: /v1/explain {explained} native {expected}"));
            }
            if let Some(evaluation) = authzen_of(request) {
                asked_authzen += 1;
                let (status, headers, body) = post(
                    &server.url("/access/v1/evaluation"),
                    &evaluation.to_string(),
                );
                match expected.get("allowed") {
                    Some(allowed) => {
                        let answer = parse(&body);
                        if status != 200 || answer["decision"] != *allowed {
                            failures.push(format!("{name}: evaluation {evaluation}: {status} {body}, native {expected}"));
                        }
                        if *allowed == json!(false)
                            && answer["context"]["reason"] != expected["rule"]
                        {
                            failures.push(format!(
                                "{name}: evaluation reason {body}, native rule {}",
                                expected["rule"]
                            ));
                        }
                        if header(&headers, "x-writ-revision")
                            != file_revision(&snapshot).as_deref()
                        {
                            failures.push(format!(
                                "{name}: X-Writ-Revision {:?}",
                                header(&headers, "x-writ-revision")
                            ));
                        }
                    }
                    None => {
                        let answer = parse(&body);
                        if status != 400 || answer["error"]["code"] != expected["error"]["code"] {
                            failures.push(format!("{name}: evaluation {evaluation}: {status} {body}, native {expected}"));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        asked_authzen > 300,
        "{asked_authzen} requests asked through AuthZEN"
    );
}

fn file_revision(snapshot: &str) -> Option<String> {
    let value: Value = serde_json::from_str(snapshot).ok()?;
    value
        .get("revision")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn evaluation(user: &str, permission: &str, id: &str) -> Value {
    json!({"subject": {"type": "user", "id": user}, "action": {"name": permission},
           "resource": {"type": "PROCESS_DEFINITION", "id": id}})
}

#[test]
fn authzen_metadata_single_batch_and_searches() {
    let server = Server::start(file_config(ORG, true)).expect("starts");
    // Metadata names exactly what is served.
    let (status, headers, body) = get(&server.url("/.well-known/authzen-configuration"));
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    let metadata = parse(&body);
    assert_eq!(metadata["policy_decision_point"], json!(server.base));
    for (key, path) in [
        ("access_evaluation_endpoint", "/access/v1/evaluation"),
        ("access_evaluations_endpoint", "/access/v1/evaluations"),
        ("search_subject_endpoint", "/access/v1/search/subject"),
        ("search_resource_endpoint", "/access/v1/search/resource"),
        ("search_action_endpoint", "/access/v1/search/action"),
    ] {
        assert_eq!(metadata[key], json!(format!("{}{path}", server.base)));
    }

    // Single: allow, deny with its rule, the explanation on request, the request id echoed.
    let url = server.url("/access/v1/evaluation");
    let (status, headers, body) = send(
        "POST",
        &url,
        &evaluation("kermit", "READ", "invoice").to_string(),
        &[
            ("content-type", "application/json"),
            ("x-request-id", "req-7"),
        ],
    );
    assert_eq!((status, parse(&body)), (200, json!({"decision": true})));
    assert_eq!(header(&headers, "x-request-id"), Some("req-7"));
    assert_eq!(header(&headers, "x-writ-revision"), Some("demo-2026-11"));
    let (status, _, body) = post(&url, &evaluation("gonzo", "READ", "invoice").to_string());
    assert_eq!(
        (status, parse(&body)),
        (
            200,
            json!({"decision": false, "context": {"reason": "camunda7.level"}})
        )
    );
    let (_, _, body) = post(
        &format!("{url}?explain=true"),
        &evaluation("gonzo", "READ", "invoice").to_string(),
    );
    let answer = parse(&body);
    assert_eq!(
        answer["context"]["explanation"]["rows"],
        json!(["gonzo-no-read"])
    );
    // Tenant and other resource properties.
    let tenant = json!({"subject": {"type": "user", "id": "kermit"}, "action": {"name": "READ"},
        "resource": {"type": "PROCESS_DEFINITION", "id": "invoice", "properties": {"tenantId": "apac"}}});
    assert_eq!(
        parse(&post(&url, &tenant.to_string()).2),
        json!({"decision": false, "context": {"reason": "tenant.not_member"}})
    );
    // Unknown fields are ignored.
    let mut extra = evaluation("kermit", "READ", "invoice");
    extra["extension"] = json!({"anything": 1});
    assert_eq!(
        parse(&post(&url, &extra.to_string()).2),
        json!({"decision": true})
    );

    // Batch: defaults and overrides, in order.
    let batch_url = server.url("/access/v1/evaluations");
    let batch = |semantic: Option<&str>| {
        let mut body = json!({
            "subject": {"type": "user", "id": "kermit"},
            "action": {"name": "READ"},
            "evaluations": [
                {"resource": {"type": "PROCESS_DEFINITION", "id": "invoice"}},
                {"subject": {"type": "user", "id": "gonzo"}, "resource": {"type": "PROCESS_DEFINITION", "id": "invoice"}},
                {"action": {"name": "FLY"}, "resource": {"type": "PROCESS_DEFINITION", "id": "invoice"}},
                {"resource": {"type": "PROCESS_DEFINITION", "id": "payroll"}}
            ]
        });
        if let Some(semantic) = semantic {
            body["options"] = json!({"evaluations_semantic": semantic});
        }
        let (status, _, answer) = post(&batch_url, &body.to_string());
        assert_eq!(status, 200, "{answer}");
        parse(&answer)["evaluations"].clone()
    };
    let all = batch(None);
    assert_eq!(all.as_array().map(Vec::len), Some(4));
    assert_eq!(all[0], json!({"decision": true}));
    assert_eq!(all[1], json!({"decision": false}));
    assert_eq!(all[2]["decision"], json!(false));
    assert_eq!(
        all[2]["context"]["error"]["code"],
        json!("request.unknown_permission")
    );
    assert_eq!(batch(Some("execute_all")), all);
    assert_eq!(
        batch(Some("deny_on_first_deny")),
        json!([{"decision": true}, {"decision": false}])
    );
    assert_eq!(
        batch(Some("permit_on_first_permit")),
        json!([{"decision": true}])
    );
    let (status, _, body) = post(
        &batch_url,
        &json!({"evaluations": [{}], "options": {"evaluations_semantic": "maybe"}}).to_string(),
    );
    assert_eq!(status, 400, "{body}");
    // No items: the single evaluation's answer.
    let (_, _, body) = post(
        &batch_url,
        &evaluation("kermit", "READ", "invoice").to_string(),
    );
    assert_eq!(parse(&body), json!({"decision": true}));
    // An item missing what neither it nor the defaults give: 400.
    let (status, _, body) = post(
        &batch_url,
        &json!({"evaluations": [{"resource": {"type": "TASK", "id": "1"}}]}).to_string(),
    );
    assert_eq!(status, 400, "{body}");

    // Resource search: writ's list; action search: writ's permissions.
    let search = json!({"subject": {"type": "user", "id": "kermit"}, "action": {"name": "ACCESS"}, "resource": {"type": "APPLICATION"}, "context": {"profile": "optimize"}});
    let (status, _, body) = post(
        &server.url("/access/v1/search/resource"),
        &search.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        parse(&body)["results"],
        json!([{"type": "APPLICATION", "id": "optimize"}, {"type": "APPLICATION", "id": "tasklist"}])
    );
    let actions = json!({"subject": {"type": "user", "id": "kermit"}, "resource": {"type": "PROCESS_DEFINITION", "id": "invoice"}});
    let (status, _, body) = post(
        &server.url("/access/v1/search/action"),
        &actions.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        parse(&body)["results"],
        json!([{"name": "READ"}, {"name": "CREATE_INSTANCE"}, {"name": "READ_HISTORY"}, {"name": "TASK_ASSIGN"}])
    );
    // Paged: two at a time, the token carries on, the last page's token is empty.
    let mut paged = actions.clone();
    paged["page"] = json!({"limit": 3});
    let first = parse(&post(&server.url("/access/v1/search/action"), &paged.to_string()).2);
    assert_eq!(first["results"].as_array().map(Vec::len), Some(3));
    assert_eq!(first["page"]["total"], json!(4));
    let token = first["page"]["next_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    assert!(!token.is_empty());
    paged["page"]["token"] = json!(token);
    let second = parse(&post(&server.url("/access/v1/search/action"), &paged.to_string()).2);
    assert_eq!(second["results"], json!([{"name": "TASK_ASSIGN"}]));
    assert_eq!(second["page"]["next_token"], json!(""));
    // A token of another request.
    let mut other = paged.clone();
    other["subject"]["id"] = json!("gonzo");
    assert_eq!(
        post(&server.url("/access/v1/search/action"), &other.to_string()).0,
        400
    );
    // Subject search: writ's who-can, as the CLI answers it, paged.
    let subject_url = server.url("/access/v1/search/subject");
    for (permission, id, tenant) in [
        ("READ", "invoice", None),
        ("READ", "payroll", None),
        ("CREATE_INSTANCE", "invoice", Some("emea")),
        ("UPDATE", "invoice", None),
    ] {
        let mut resource = json!({"type": "PROCESS_DEFINITION", "id": id});
        let mut flags = vec![
            "who-can".to_owned(),
            ORG.to_owned(),
            format!("--permission={permission}"),
            "--resource-type=PROCESS_DEFINITION".to_owned(),
            format!("--resource-id={id}"),
        ];
        if let Some(tenant) = tenant {
            resource["properties"] = json!({"tenantId": tenant});
            flags.push(format!("--tenant-id={tenant}"));
        }
        let native = std::process::Command::new(env!("CARGO_BIN_EXE_writ"))
            .args(&flags)
            .output()
            .expect("writ who-can runs");
        let native = parse(&String::from_utf8_lossy(&native.stdout));
        let body = json!({"subject": {"type": "user"}, "action": {"name": permission}, "resource": resource});
        let (status, headers, answer) = post(&subject_url, &body.to_string());
        assert_eq!(status, 200, "{answer}");
        assert_eq!(header(&headers, "x-writ-revision"), Some("demo-2026-11"));
        let answer = parse(&answer);
        let users: Vec<Value> = native["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|id| json!({"type": "user", "id": id}))
            .collect();
        assert_eq!(
            answer["results"],
            json!(users),
            "{permission} {id} {tenant:?}"
        );
        assert_eq!(answer["context"]["writ"]["anyUser"], native["anyUser"]);
        // One at a time, following the tokens, gives the same subjects.
        let mut paged = body.clone();
        paged["page"] = json!({"limit": 1});
        let mut walked = Vec::new();
        loop {
            let page = parse(&post(&subject_url, &paged.to_string()).2);
            walked.extend(page["results"].as_array().cloned().unwrap_or_default());
            let next = page["page"]["next_token"].as_str().unwrap_or("").to_owned();
            if next.is_empty() {
                break;
            }
            paged["page"]["token"] = json!(next);
        }
        assert_eq!(json!(walked), json!(users));
    }
    // Errors: an unknown permission, a principal type writ does not know.
    let bad = json!({"subject": {"type": "user"}, "action": {"name": "FLY"}, "resource": {"type": "PROCESS_DEFINITION", "id": "invoice"}});
    let (status, _, body) = post(&subject_url, &bad.to_string());
    assert_eq!(status, 400);
    assert_eq!(
        parse(&body)["error"]["code"],
        json!("request.unknown_permission")
    );
    let robot = json!({"subject": {"type": "robot"}, "action": {"name": "READ"}, "resource": {"type": "PROCESS_DEFINITION", "id": "invoice"}});
    assert_eq!(post(&subject_url, &robot.to_string()).0, 400);
}

#[test]
fn errors_have_the_specification_s_statuses_and_nothing_malformed_is_allowed() {
    let mut config = file_config(ORG, true);
    config.body_limit = 4096;
    let server = Server::start(config).expect("starts");
    let url = server.url("/access/v1/evaluation");
    // (what, body, headers, status, code)
    type Case<'c> = (&'c str, String, &'c [(&'c str, &'c str)], u16, &'c str);
    let cases: Vec<Case<'_>> = vec![
        ("not JSON", "{".into(), &[("content-type", "application/json")], 400, "request.malformed"),
        ("not an object", "[1]".into(), &[("content-type", "application/json")], 400, "request.malformed"),
        ("no subject", json!({"action": {"name": "READ"}, "resource": {"type": "TASK", "id": "1"}}).to_string(), &[], 400, "request.malformed"),
        ("no resource id", json!({"subject": {"type": "user", "id": "kermit"}, "action": {"name": "READ"}, "resource": {"type": "TASK"}}).to_string(), &[], 400, "request.malformed"),
        ("an unknown subject type", json!({"subject": {"type": "robot", "id": "r"}, "action": {"name": "READ"}, "resource": {"type": "TASK", "id": "1"}}).to_string(), &[], 400, "request.subject_type"),
        ("an unknown permission", evaluation("kermit", "FLY", "invoice").to_string(), &[], 400, "request.unknown_permission"),
        ("an unknown type", json!({"subject": {"type": "user", "id": "kermit"}, "action": {"name": "READ"}, "resource": {"type": "NOPE", "id": "1"}}).to_string(), &[], 400, "request.unknown_resource_type"),
        ("a number as the permission", json!({"subject": {"type": "user", "id": "kermit"}, "action": {"name": 7}, "resource": {"type": "TASK", "id": "1"}}).to_string(), &[], 400, "request.malformed"),
        ("a body over the limit", json!({"subject": {"type": "user", "id": "x".repeat(5000)}}).to_string(), &[], 413, ""),
        ("another content type", evaluation("kermit", "READ", "invoice").to_string(), &[("content-type", "text/plain")], 415, "request.content_type"),
    ];
    for (what, body, headers, status, code) in cases {
        let (got, _, answer) = send("POST", &url, &body, headers);
        assert_eq!(got, status, "{what}: {answer}");
        assert!(!answer.contains("\"decision\":true"), "{what} was allowed");
        if !code.is_empty() {
            assert_eq!(parse(&answer)["error"]["code"], json!(code), "{what}");
        }
    }
    assert_eq!(get(&server.url("/access/v1/nothing")).0, 404);
    assert_eq!(get(&server.url("/access/v1/evaluation")).0, 405);
    // No PUT without an admin token configured.
    assert_eq!(send("PUT", &server.url("/v1/snapshot"), "{}", &[]).0, 405);
}

#[test]
fn a_guest_that_cannot_answer_is_a_500_and_the_service_goes_on() {
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
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-big.json");
    std::fs::write(&path, &big.stdout).expect("write");
    let mut config = file_config(path.to_str().expect("path"), true);
    if let Some(host) = &mut config.wasm {
        host.call_timeout = Duration::from_millis(20);
        host.instances = 1;
    }
    config.load.limits.batch_length = 1_000_000;
    config.load.limits.request_bytes = 256 << 20;
    config.body_limit = 256 << 20;
    let server = Server::start(config).expect("starts");
    let request = json!({"user": "user-1", "anyOf": [{"permission": "READ", "resourceType": "PROCESS_DEFINITION", "resourceId": "process-1"}, {"permission": "UPDATE", "resourceType": "PROCESS_DEFINITION", "resourceId": "process-2"}]});
    let many = Value::Array(vec![request.clone(); 300_000]).to_string();
    let (status, _, body) = post(&server.url("/v1/check"), &many);
    assert_eq!(status, 500, "{body}");
    assert_eq!(parse(&body)["error"]["code"], json!("host.timeout"));
    let (status, _, body) = post(&server.url("/v1/check"), &request.to_string());
    assert_eq!(status, 200, "{body}");
    let (_, _, metrics) = get(&server.url("/metrics"));
    assert!(
        metrics
            .lines()
            .any(|line| line.starts_with("writ_guest_traps_total 1")),
        "{metrics}"
    );
}

/// A snapshot of the demo organisation at `sequence`, in which kermit may
/// read `invoice` only in odd sequences.
fn revision(sequence: u64) -> String {
    let grant = if sequence % 2 == 1 { "READ" } else { "DELETE" };
    json!({"format": 1, "revision": format!("r{sequence}"), "sequence": sequence, "profile": "camunda7",
        "users": [{"id": "kermit"}],
        "authorizations": [{"id": "a", "type": "GRANT", "userId": "kermit", "resourceType": "PROCESS_DEFINITION", "resourceId": "invoice", "permissions": [grant]}]})
    .to_string()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Whether kermit may READ invoice, and the revision that decided it.
fn kermit_reads_invoice(server: &Server) -> (Option<String>, Value) {
    let (_, headers, body) = post(
        &server.url("/access/v1/evaluation"),
        &evaluation("kermit", "READ", "invoice").to_string(),
    );
    (
        header(&headers, "x-writ-revision").map(str::to_owned),
        parse(&body)["decision"].clone(),
    )
}

fn snapshot_of(server: &Server) -> Value {
    parse(&get(&server.url("/v1/snapshot")).2)
}

#[test]
fn a_watched_file_reloads_and_a_bad_one_keeps_the_old_answering() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-watched.json");
    std::fs::write(&path, revision(1)).expect("write");
    let mut config = file_config(path.to_str().expect("path"), true);
    if let SnapshotSource::File { watch, .. } = &mut config.source {
        *watch = true;
    }
    config.poll = Duration::from_millis(50);
    let server = Server::start(config).expect("starts");
    assert_eq!(snapshot_of(&server)["revision"], json!("r1"));
    std::fs::write(&path, revision(2)).expect("write");
    wait_until("r2", || snapshot_of(&server)["revision"] == json!("r2"));
    assert_eq!(
        kermit_reads_invoice(&server),
        (Some("r2".into()), json!(false))
    );
    // A bad one: refused, visible, and r2 still answers.
    std::fs::write(
        &path,
        r#"{"format":1,"profile":"camunda7","users":[{"id":""}]}"#,
    )
    .expect("write");
    wait_until("the refusal", || {
        snapshot_of(&server)["lastRefused"]["code"] == json!("snapshot.empty_id")
    });
    assert_eq!(snapshot_of(&server)["revision"], json!("r2"));
    let (_, _, metrics) = get(&server.url("/metrics"));
    assert!(
        metrics.contains("writ_reloads_total{result=\"refused\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("writ_snapshot_sequence 2"), "{metrics}");
    // An older one: a rollback, refused.
    std::fs::write(&path, revision(1)).expect("write");
    wait_until("the rollback", || {
        snapshot_of(&server)["lastRefused"]["code"] == json!("snapshot.rollback")
    });
    assert_eq!(snapshot_of(&server)["revision"], json!("r2"));
    assert_eq!(get(&server.url("/readyz")).0, 200);
    // A compiled snapshot (`writ compile`) reloads as JSON does; a damaged
    // one is refused and the one in force goes on answering.
    let compiled = writ_core::Authorizer::from_json(&revision(3))
        .expect("r3 loads")
        .compile();
    std::fs::write(&path, &compiled).expect("write");
    wait_until("r3", || snapshot_of(&server)["revision"] == json!("r3"));
    assert_eq!(
        kermit_reads_invoice(&server),
        (Some("r3".into()), json!(true))
    );
    let mut damaged = compiled;
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    std::fs::write(&path, &damaged).expect("write");
    wait_until("the corrupt refusal", || {
        snapshot_of(&server)["lastRefused"]["code"] == json!("snapshot.corrupt")
    });
    assert_eq!(snapshot_of(&server)["revision"], json!("r3"));
}

/// A file rewritten with the same length and time (two writes within one
/// tick of the file system's clock) is still seen: its content tells.
#[test]
fn a_watched_file_rewritten_within_one_tick_reloads() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-racy.json");
    std::fs::write(&path, revision(1)).expect("write");
    let modified = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .expect("mtime");
    let mut config = file_config(path.to_str().expect("path"), true);
    if let SnapshotSource::File { watch, .. } = &mut config.source {
        *watch = true;
    }
    config.poll = Duration::from_millis(50);
    let server = Server::start(config).expect("starts");
    assert_eq!(snapshot_of(&server)["revision"], json!("r1"));
    let (before, after) = (revision(1), revision(3));
    assert_eq!(before.len(), after.len());
    let file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&path)
        .expect("open");
    (&file).write_all(after.as_bytes()).expect("write");
    file.set_modified(modified).expect("set mtime");
    drop(file);
    wait_until("r3", || snapshot_of(&server)["revision"] == json!("r3"));
}

/// A scripted HTTP server for snapshot URLs: each GET gets the next answer
/// (status, ETag, body), the last one again once the script is done; it
/// records the If-None-Match it was sent.
struct Origin {
    address: SocketAddr,
    asked: Arc<Mutex<Vec<Option<String>>>>,
    stop: Arc<AtomicBool>,
}

impl Origin {
    fn start(script: Vec<(u16, Option<&'static str>, String)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let address = listener.local_addr().expect("address");
        let asked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (Arc::clone(&asked), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut next = 0;
            while !stopped.load(Ordering::Relaxed) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                stream.set_nonblocking(false).expect("blocking");
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request).to_lowercase();
                let tag = text.lines().find_map(|line| {
                    line.strip_prefix("if-none-match: ")
                        .map(|tag| tag.trim().to_owned())
                });
                seen.lock().expect("lock").push(tag);
                let (status, etag, body) = script[next.min(script.len() - 1)].clone();
                next += 1;
                let reason = match status {
                    200 => "OK",
                    304 => "Not Modified",
                    _ => "Error",
                };
                let mut head = format!(
                    "HTTP/1.1 {status} {reason}\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                if let Some(etag) = etag {
                    head.push_str(&format!("etag: {etag}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        Self {
            address,
            asked,
            stop,
        }
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[test]
fn a_snapshot_url_is_polled_with_etags_and_survives_errors_and_garbage() {
    let origin = Origin::start(vec![
        (200, Some("\"v1\""), revision(1)),
        (304, None, String::new()),
        (500, None, "oops".into()),
        (200, Some("\"junk\""), "this is not JSON".into()),
        (200, Some("\"v3\""), revision(3)),
        (304, None, String::new()),
    ]);
    let mut config = ServeConfig::new(SnapshotSource::Url {
        url: format!("http://{}/org.json", origin.address),
        signature: None,
    });
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.wasm = None;
    config.poll = Duration::from_millis(40);
    let server = Server::start(config).expect("starts");
    wait_until("r1", || snapshot_of(&server)["revision"] == json!("r1"));
    wait_until("garbage refused", || {
        snapshot_of(&server)["lastRefused"]["code"] == json!("snapshot.malformed")
    });
    assert_eq!(
        snapshot_of(&server)["revision"],
        json!("r1"),
        "the old one answers through errors and garbage"
    );
    wait_until("r3", || snapshot_of(&server)["revision"] == json!("r3"));
    let asked = origin.asked.lock().expect("lock").clone();
    assert_eq!(asked[0], None);
    assert_eq!(
        asked[1].as_deref(),
        Some("\"v1\""),
        "the second poll sends the first's ETag"
    );
    let (_, _, metrics) = get(&server.url("/metrics"));
    assert!(
        metrics.contains("writ_reloads_total{result=\"ok\"} 2"),
        "{metrics}"
    );
}

#[test]
fn a_service_without_a_snapshot_is_not_ready_until_one_is_put() {
    let token = "a-long-enough-admin-token";
    let mut config = ServeConfig::new(SnapshotSource::Put);
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.wasm = None;
    config.admin_token = Some(token.into());
    let server = Server::start(config).expect("starts");
    assert_eq!(get(&server.url("/readyz")).0, 503);
    let (status, _, body) = post(
        &server.url("/access/v1/evaluation"),
        &evaluation("kermit", "READ", "invoice").to_string(),
    );
    assert_eq!(
        (status, parse(&body)["error"]["code"].clone()),
        (503, json!("serve.not_ready"))
    );
    let url = server.url("/v1/snapshot");
    let (status, headers, _) = send("PUT", &url, &revision(1), &[]);
    assert_eq!(status, 401);
    assert!(header(&headers, "www-authenticate").is_some());
    assert_eq!(
        send(
            "PUT",
            &url,
            &revision(1),
            &[("authorization", "Bearer wrong-token-of-same-len")]
        )
        .0,
        401
    );
    let bearer = format!("Bearer {token}");
    let (status, headers, body) = send("PUT", &url, &revision(3), &[("authorization", &bearer)]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "x-writ-revision"), Some("r3"));
    assert_eq!(get(&server.url("/readyz")).0, 200);
    let (status, _, body) = send("PUT", &url, &revision(2), &[("authorization", &bearer)]);
    assert_eq!(
        (status, parse(&body)["error"]["code"].clone()),
        (409, json!("snapshot.rollback"))
    );
    let (status, _, body) = send("PUT", &url, "{", &[("authorization", &bearer)]);
    assert_eq!(
        (status, parse(&body)["error"]["code"].clone()),
        (400, json!("snapshot.malformed"))
    );
    assert_eq!(snapshot_of(&server)["revision"], json!("r3"));
}

#[test]
fn under_load_during_reloads_every_answer_matches_its_revision() {
    let token = "a-long-enough-admin-token";
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-load.json");
    std::fs::write(&path, revision(1)).expect("write");
    let mut config = file_config(path.to_str().expect("path"), true);
    config.admin_token = Some(token.into());
    let server = Server::start(config).expect("starts");
    let stop = AtomicBool::new(false);
    let answered = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let ask = evaluation("kermit", "READ", "invoice").to_string();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let agent = agent();
                while !stop.load(Ordering::Relaxed) {
                    let Ok(mut response) = agent
                        .post(&server.url("/access/v1/evaluation"))
                        .header("content-type", "application/json")
                        .send(&ask)
                    else {
                        failed.fetch_add(1, Ordering::Relaxed);
                        continue;
                    };
                    let revision = response
                        .headers()
                        .get("x-writ-revision")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let body = response.body_mut().read_to_string().unwrap_or_default();
                    if response.status() != 200 {
                        failed.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let sequence: u64 = revision
                        .trim_start_matches('r')
                        .parse()
                        .expect("a revision");
                    let expected = sequence % 2 == 1;
                    assert_eq!(
                        parse(&body)["decision"],
                        json!(expected),
                        "revision {revision}"
                    );
                    answered.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let bearer = format!("Bearer {token}");
        for sequence in 2..60u64 {
            let (status, _, body) = send(
                "PUT",
                &server.url("/v1/snapshot"),
                &revision(sequence),
                &[("authorization", &bearer)],
            );
            assert_eq!(status, 200, "{body}");
            std::thread::sleep(Duration::from_millis(20));
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert_eq!(failed.load(Ordering::Relaxed), 0, "no request failed");
    assert!(
        answered.load(Ordering::Relaxed) > 200,
        "{} answered",
        answered.load(Ordering::Relaxed)
    );
}

/// A raw HTTP/1.1 GET, so that no client tidies the path: (status line, body).
fn raw_get(server: &Server, path: &str) -> String {
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connects");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("writes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reads");
    answer
}

#[test]
fn the_www_directory_is_served_at_the_root_and_nothing_outside_it() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve-www");
    let _ = std::fs::remove_dir_all(&dir);
    let www = dir.join("site");
    std::fs::create_dir_all(www.join("writ")).unwrap();
    std::fs::write(
        www.join("index.html"),
        "<!doctype html><title>playground</title>",
    )
    .unwrap();
    std::fs::write(www.join("writ/web.js"), "export {};").unwrap();
    std::fs::write(www.join("writ/writ_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("secret.txt"), "outside").unwrap();

    // Without --www the root is an unknown endpoint.
    let server = Server::start(file_config(ORG, false)).expect("starts");
    assert_eq!(get(&server.url("/")).0, 404);
    drop(server);

    let mut config = file_config(ORG, false);
    config.www = Some(www.clone());
    let server = Server::start(config).expect("starts");
    let (status, headers, body) = get(&server.url("/"));
    assert_eq!(
        (status, body.as_str()),
        (200, "<!doctype html><title>playground</title>")
    );
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/html; charset=utf-8")
    );
    let (status, headers, _) = get(&server.url("/writ/web.js"));
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let (status, headers, _) = get(&server.url("/writ/writ_bg.wasm"));
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("application/wasm"));
    assert_eq!(
        get(&server.url("/writ/")).0,
        404,
        "a directory without index.html"
    );
    assert_eq!(get(&server.url("/nothing.js")).0, 404);
    // The API is still the API, and a POST is not a file read.
    assert_eq!(get(&server.url("/healthz")).0, 200);
    assert_eq!(post(&server.url("/"), "{}").0, 404);
    for hostile in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/writ/..%2f..%2fsecret.txt",
        "/writ/%5c..%5csecret.txt",
    ] {
        let answer = raw_get(&server, hostile);
        assert!(!answer.contains("outside"), "{hostile} escaped: {answer}");
        assert!(
            answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
            "{hostile}: {answer}"
        );
    }
}
