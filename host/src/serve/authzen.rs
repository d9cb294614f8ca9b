//! The OpenID AuthZEN Authorization API 1.0: PDP metadata, Access
//! Evaluation(s), and the resource and action searches.
//!
//! Mapping (README, "The decision service"): subject type `user` or `client`
//! and its id; `subject.properties.groups` (a groups claim) and `.claims` (a
//! verified token's claims — the caller is trusted to have verified them);
//! `action.name` is the permission; `resource.type`/`.id` the resource;
//! `resource.properties.tenantId` the tenant, its other properties the
//! resource's (`assignee`, `candidateUsers`, `candidateGroups`);
//! `context.profile` and `context.source` choose the profile and engine
//! source. A deny is `200 {"decision": false}` with `context.reason` (writ's
//! rule code); `?explain=true` adds the explanation. Unknown fields are
//! ignored, as the specification requires.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use writ_core::json::{Map, ObjectWriter, Value, write_map, write_str, write_value};

use super::App;
use super::http::{Failure, decided, json, object};
use crate::{Decider, HostError};

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Flags {
    /// Add the explanation to the decision's context.
    #[serde(default)]
    explain: bool,
}

pub(super) fn routes(public: String) -> Router<Arc<App>> {
    let metadata = move || {
        let public = public.clone();
        async move { metadata(&public) }
    };
    Router::new()
        .route("/.well-known/authzen-configuration", get(metadata))
        .route("/access/v1/evaluation", post(evaluation))
        .route("/access/v1/evaluations", post(evaluations))
        .route("/access/v1/search/subject", post(search_subject))
        .route("/access/v1/search/resource", post(search_resource))
        .route("/access/v1/search/action", post(search_action))
}

/// PDP metadata: exactly the endpoints this service answers.
fn metadata(public: &str) -> Response {
    let base = public.trim_end_matches('/');
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    object
        .str("policy_decision_point", base)
        .str(
            "access_evaluation_endpoint",
            &format!("{base}/access/v1/evaluation"),
        )
        .str(
            "access_evaluations_endpoint",
            &format!("{base}/access/v1/evaluations"),
        )
        .str(
            "search_subject_endpoint",
            &format!("{base}/access/v1/search/subject"),
        )
        .str(
            "search_resource_endpoint",
            &format!("{base}/access/v1/search/resource"),
        )
        .str(
            "search_action_endpoint",
            &format!("{base}/access/v1/search/action"),
        );
    object.end();
    json(StatusCode::OK, text)
}

/// An id: a string, or (leniently, as some PEPs send them) a number.
fn id_of(value: Option<&Value>, path: &str, required: bool) -> Result<Option<String>, Failure> {
    match value {
        Some(Value::String(id)) => Ok(Some(id.clone())),
        Some(Value::Number(text)) => Ok(Some(text.to_string())),
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(Failure::malformed(format!("`{path}` is required"))),
        Some(_) => Err(Failure::malformed(format!("`{path}` must be a string"))),
    }
}

fn text_of(value: Option<&Value>, path: &str) -> Result<String, Failure> {
    match value {
        Some(Value::String(text)) => Ok(text.clone()),
        None | Some(Value::Null) => Err(Failure::malformed(format!("`{path}` is required"))),
        Some(_) => Err(Failure::malformed(format!("`{path}` must be a string"))),
    }
}

fn object_of<'v>(value: Option<&'v Value>, path: &str) -> Result<Option<&'v Map>, Failure> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(Failure::malformed(format!("`{path}` must be an object"))),
    }
}

/// One evaluation's parts, each a JSON object (or absent).
#[derive(Debug, Clone, Copy, Default)]
struct Parts<'m> {
    subject: Option<&'m Map>,
    action: Option<&'m Map>,
    resource: Option<&'m Map>,
    context: Option<&'m Map>,
}

impl<'m> Parts<'m> {
    fn of(map: &'m Map) -> Result<Self, Failure> {
        Ok(Self {
            subject: object_of(map.get("subject"), "subject")?,
            action: object_of(map.get("action"), "action")?,
            resource: object_of(map.get("resource"), "resource")?,
            context: object_of(map.get("context"), "context")?,
        })
    }

    /// `self`'s keys over `defaults`, each key replacing the default whole.
    fn over(self, defaults: Self) -> Self {
        Self {
            subject: self.subject.or(defaults.subject),
            action: self.action.or(defaults.action),
            resource: self.resource.or(defaults.resource),
            context: self.context.or(defaults.context),
        }
    }
}

/// What the request asks, as writ's wire JSON. `resource_id`: whether the
/// resource's id is required (an evaluation) or ignored (a resource search).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Evaluation,
    SubjectSearch,
    ResourceSearch,
    ActionSearch,
}

/// The principal, permission and resource as one writ request document.
fn writ_request(parts: Parts<'_>, ask: Ask) -> Result<String, Failure> {
    let subject = parts
        .subject
        .ok_or_else(|| Failure::malformed("`subject` is required"))?;
    let resource = parts
        .resource
        .ok_or_else(|| Failure::malformed("`resource` is required"))?;
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    let kind = subject_type(subject)?;
    // A subject search asks about every subject of the type: no id.
    if ask != Ask::SubjectSearch {
        let id = id_of(subject.get("id"), "subject.id", true)?.unwrap_or_default();
        object.str(kind, &id);
    }
    let principal_properties = match ask {
        Ask::SubjectSearch => None,
        _ => object_of(subject.get("properties"), "subject.properties")?,
    };
    if let Some(properties) = principal_properties {
        if let Some(groups) = properties.get("groups") {
            write_value(object.field("groups"), groups);
        }
        if let Some(claims) = properties.get("claims") {
            write_value(object.field("claims"), claims);
        }
    }
    if ask != Ask::ActionSearch {
        let action = parts
            .action
            .ok_or_else(|| Failure::malformed("`action` is required"))?;
        object.str("permission", &text_of(action.get("name"), "action.name")?);
    }
    object.str(
        "resourceType",
        &text_of(resource.get("type"), "resource.type")?,
    );
    if ask != Ask::ResourceSearch {
        let required = ask == Ask::Evaluation;
        if let Some(id) = id_of(resource.get("id"), "resource.id", required)? {
            object.str("resourceId", &id);
        }
    }
    if let Some(properties) = object_of(resource.get("properties"), "resource.properties")? {
        if let Some(tenant) = properties.get("tenantId") {
            write_value(object.field("tenantId"), tenant);
        }
        let others: Map = properties
            .iter()
            .filter(|(key, _)| *key != "tenantId")
            .map(|(key, value)| (key.to_owned(), value.clone()))
            .collect();
        if !others.is_empty() && matches!(ask, Ask::Evaluation | Ask::SubjectSearch) {
            write_map(object.field("properties"), &others);
        }
    }
    if let Some(context) = parts.context {
        for key in ["profile", "source"] {
            if let Some(value) = context.get(key) {
                write_value(object.field(key), value);
            }
        }
    }
    object.end();
    Ok(text)
}

/// `subject.type`: `user` or `client`, writ's field of the same name.
fn subject_type(subject: &Map) -> Result<&'static str, Failure> {
    match text_of(subject.get("type"), "subject.type")?.as_str() {
        "user" => Ok("user"),
        "client" => Ok("client"),
        other => Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "request.subject_type",
            format!("subject type `{other}` is not one writ decides for (`user` or `client`)"),
        )),
    }
}

/// A decision object: `{"decision": …}`, a deny's reason, the explanation
/// when asked.
fn decision(decider: &Decider, request: &str, allowed: bool, explain: bool) -> String {
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    object.bool("decision", allowed);
    if !allowed || explain {
        let explained = decider.explain(request).ok();
        let rule = explained
            .as_deref()
            .and_then(|json| writ_core::wire::read::<Map>(json).ok())
            .and_then(|map| map.get("rule").and_then(Value::as_str).map(str::to_owned));
        let context = object.field("context");
        let mut inner = ObjectWriter::new(context);
        if !allowed && let Some(rule) = &rule {
            inner.str("reason", rule);
        }
        if explain && let Some(json) = &explained {
            inner.field("explanation").push_str(json);
        }
        inner.end();
    }
    object.end();
    text
}

/// A per-item error of a batch: a deny, with the error in its context.
fn failed_decision(error: &HostError) -> String {
    let mut text = String::new();
    let mut object = ObjectWriter::new(&mut text);
    object.bool("decision", false);
    let context = object.field("context");
    let mut inner = ObjectWriter::new(context);
    let error_field = inner.field("error");
    let mut detail = ObjectWriter::new(error_field);
    detail
        .str("code", error.code())
        .str("message", error.message());
    detail.end();
    inner.end();
    object.end();
    text
}

async fn evaluation(
    State(app): State<Arc<App>>,
    Query(flags): Query<Flags>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let loaded = app.loaded()?;
    let decider = &loaded.decider;
    let map = object(&headers, &body, &decider.limits())?;
    let request = writ_request(Parts::of(&map)?, Ask::Evaluation)?;
    let explain = flags.explain || app.config.explain_denies;
    let allowed = decider.check_json(&request).map_err(|error| {
        app.metrics.decided("evaluation", None);
        Failure::of(&error)
    })?;
    app.metrics.decided("evaluation", Some(allowed));
    Ok(decided(
        decision(decider, &request, allowed, explain),
        decider.revision(),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Semantic {
    ExecuteAll,
    DenyOnFirstDeny,
    PermitOnFirstPermit,
}

async fn evaluations(
    State(app): State<Arc<App>>,
    Query(flags): Query<Flags>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let loaded = app.loaded()?;
    let decider = &loaded.decider;
    let map = object(&headers, &body, &decider.limits())?;
    let defaults = Parts::of(&map)?;
    let explain = flags.explain || app.config.explain_denies;
    let items: &[Value] = match map.get("evaluations") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => return Err(Failure::malformed("`evaluations` must be an array")),
    };
    // No items: the single evaluation, answered as one.
    if items.is_empty() {
        let request = writ_request(defaults, Ask::Evaluation)?;
        let allowed = decider.check_json(&request).map_err(|error| {
            app.metrics.decided("evaluations", None);
            Failure::of(&error)
        })?;
        app.metrics.decided("evaluations", Some(allowed));
        return Ok(decided(
            decision(decider, &request, allowed, explain),
            decider.revision(),
        ));
    }
    decider
        .limits()
        .batch(items.len())
        .map_err(|error| Failure::new(StatusCode::BAD_REQUEST, error.code(), error.to_string()))?;
    let semantic = match object_of(map.get("options"), "options")?
        .and_then(|options| options.get("evaluations_semantic"))
    {
        None | Some(Value::Null) => Semantic::ExecuteAll,
        Some(Value::String(name)) => match name.as_str() {
            "execute_all" => Semantic::ExecuteAll,
            "deny_on_first_deny" => Semantic::DenyOnFirstDeny,
            "permit_on_first_permit" => Semantic::PermitOnFirstPermit,
            other => {
                return Err(Failure::malformed(format!(
                    "unknown `options.evaluations_semantic` `{other}` (expected `execute_all`, `deny_on_first_deny` or `permit_on_first_permit`)"
                )));
            }
        },
        Some(_) => {
            return Err(Failure::malformed(
                "`options.evaluations_semantic` must be a string",
            ));
        }
    };
    // Every item complete (its keys or the defaults) before any is decided.
    let mut requests = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(item) = item else {
            return Err(Failure::malformed(format!(
                "`evaluations[{i}]` must be an object"
            )));
        };
        let parts = Parts::of(item)
            .map_err(|failure| {
                Failure::malformed(format!("`evaluations[{i}]`: {}", failure.message))
            })?
            .over(defaults);
        requests.push(writ_request(parts, Ask::Evaluation).map_err(|failure| {
            Failure::new(
                failure.status,
                &failure.code,
                format!("`evaluations[{i}]`: {}", failure.message),
            )
        })?);
    }
    let answers: Vec<Result<bool, HostError>> = match semantic {
        // One crossing for the whole batch; an item it could not answer is
        // asked alone, for its error.
        Semantic::ExecuteAll => {
            let batch = format!("[{}]", requests.join(","));
            let answers = decider
                .check_many_json(&batch)
                .map_err(|error| Failure::of(&error))?;
            answers
                .into_iter()
                .zip(&requests)
                .map(|(answer, request)| answer.map_or_else(|| decider.check_json(request), Ok))
                .collect()
        }
        Semantic::DenyOnFirstDeny | Semantic::PermitOnFirstPermit => {
            let stop_at = semantic == Semantic::PermitOnFirstPermit;
            let mut answers = Vec::new();
            for request in &requests {
                let answer = decider.check_json(request);
                let stop = match &answer {
                    Ok(allowed) => *allowed == stop_at,
                    Err(_) => !stop_at,
                };
                answers.push(answer);
                if stop {
                    break;
                }
            }
            answers
        }
    };
    let mut text = String::from("{\"evaluations\":[");
    for (i, (answer, request)) in answers.iter().zip(&requests).enumerate() {
        if i > 0 {
            text.push(',');
        }
        match answer {
            Ok(allowed) => {
                app.metrics.decided("evaluations", Some(*allowed));
                if explain {
                    text.push_str(&decision(decider, request, *allowed, true));
                } else {
                    text.push_str(if *allowed {
                        "{\"decision\":true}"
                    } else {
                        "{\"decision\":false}"
                    });
                }
            }
            Err(error) => {
                app.metrics.decided("evaluations", None);
                text.push_str(&failed_decision(error));
            }
        }
    }
    text.push_str("]}");
    Ok(decided(text, decider.revision()))
}

/// Who may act on the resource: writ's who-can. `subject.type` picks the
/// listed users or clients; whether anyone else may, and (`grants`) the
/// mapping rules that alone would allow it, are in `context.writ`.
async fn search_subject(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let (loaded, map, request, page) = search(&app, &headers, &body, Ask::SubjectSearch)?;
    let decider = &loaded.decider;
    let kind = Parts::of(&map)?
        .subject
        .map(subject_type)
        .transpose()?
        .unwrap_or("user");
    let answer = decider.who_can(&request, false).map_err(|error| {
        app.metrics.decided("search_subject", None);
        Failure::of(&error)
    })?;
    app.metrics.decided("search_subject", Some(true));
    let answer = writ_core::wire::read::<Map>(&answer).map_err(|error| {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serve.internal",
            error.to_string(),
        )
    })?;
    let ids = |key: &str| -> Vec<&str> {
        match answer.get(key) {
            Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    };
    let results: Vec<String> = ids(if kind == "client" { "clients" } else { "users" })
        .into_iter()
        .map(|id| {
            let mut text = String::new();
            let mut object = ObjectWriter::new(&mut text);
            object.str("type", kind).str("id", id);
            object.end();
            text
        })
        .collect();
    let mut context = String::new();
    let mut object = ObjectWriter::new(&mut context);
    let writ = object.field("writ");
    let mut inner = ObjectWriter::new(writ);
    inner
        .bool(
            "anyUser",
            matches!(answer.get("anyUser"), Some(Value::Bool(true))),
        )
        .strs("mappingRules", &ids("mappingRules"));
    inner.end();
    object.end();
    Ok(decided(
        page.write(&results, Some(&context)),
        decider.revision(),
    ))
}

/// A page of a search's results: `limit` from `page.limit` (none: all),
/// the offset from `page.token`, which also names the request it belongs to.
struct Page {
    offset: usize,
    limit: Option<usize>,
    fingerprint: String,
}

impl Page {
    fn of(map: &Map, request: &str) -> Result<Self, Failure> {
        let page = object_of(map.get("page"), "page")?;
        let limit = match page.and_then(|page| page.get("limit")) {
            None | Some(Value::Null) => None,
            Some(Value::Number(text)) => Some(
                text.parse::<usize>()
                    .map_err(|_| Failure::malformed("`page.limit` must be a whole number"))?,
            ),
            Some(_) => return Err(Failure::malformed("`page.limit` must be a number")),
        };
        // The request without its page, and the limit: a token is only good for them.
        let fingerprint = {
            let digest = Sha256::digest(format!("{request}|{limit:?}").as_bytes());
            digest
                .iter()
                .take(8)
                .map(|byte| format!("{byte:02x}"))
                .collect::<String>()
        };
        let offset = match page.and_then(|page| page.get("token")) {
            None | Some(Value::Null) => 0,
            Some(Value::String(token)) if token.is_empty() => 0,
            Some(Value::String(token)) => {
                let (offset, from) = token
                    .split_once('.')
                    .and_then(|(offset, from)| Some((offset.parse::<usize>().ok()?, from)))
                    .ok_or_else(|| {
                        Failure::new(
                            StatusCode::BAD_REQUEST,
                            "request.page_token",
                            "`page.token` is not one this service gave",
                        )
                    })?;
                if from != fingerprint {
                    return Err(Failure::new(
                        StatusCode::BAD_REQUEST,
                        "request.page_token",
                        "`page.token` belongs to another request: the entities and the limit must not change between pages",
                    ));
                }
                offset
            }
            Some(_) => return Err(Failure::malformed("`page.token` must be a string")),
        };
        Ok(Self {
            offset,
            limit,
            fingerprint,
        })
    }

    /// This page of `results` (each a JSON object's text), and the `page` object.
    fn write(&self, results: &[String], context: Option<&str>) -> String {
        let total = results.len();
        let start = self.offset.min(total);
        let end = self
            .limit
            .map_or(total, |limit| start.saturating_add(limit).min(total));
        let mut text = String::from("{");
        if self.limit.is_some() || self.offset > 0 {
            let next = if end < total {
                format!("{end}.{}", self.fingerprint)
            } else {
                String::new()
            };
            text.push_str("\"page\":{\"next_token\":");
            write_str(&mut text, &next);
            text.push_str(&format!(",\"count\":{},\"total\":{total}}},", end - start));
        }
        if let Some(context) = context {
            text.push_str("\"context\":");
            text.push_str(context);
            text.push(',');
        }
        text.push_str("\"results\":[");
        text.push_str(&results.get(start..end).unwrap_or(&[]).join(","));
        text.push_str("]}");
        text
    }
}

/// What a search starts from: the snapshot in force, the body's object,
/// writ's request and the page asked for.
fn search(
    app: &App,
    headers: &HeaderMap,
    body: &Bytes,
    ask: Ask,
) -> Result<(Arc<super::Loaded>, Map, String, Page), Failure> {
    let loaded = app.loaded()?;
    let map = object(headers, body, &loaded.decider.limits())?;
    let request = writ_request(Parts::of(&map)?, ask)?;
    let page = Page::of(&map, &request)?;
    Ok((loaded, map, request, page))
}

/// Which resources of a type the subject may act on: writ's `list`.
/// `all` and `allExcept` answer the wildcard id `*` (every id of the type),
/// and name the exceptions in `context.writ`.
async fn search_resource(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let (loaded, map, request, page) = search(&app, &headers, &body, Ask::ResourceSearch)?;
    let decider = &loaded.decider;
    let resource_type = Parts::of(&map)?
        .resource
        .and_then(|resource| {
            resource
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let list = decider.list(&request).map_err(|error| {
        app.metrics.decided("search_resource", None);
        Failure::of(&error)
    })?;
    app.metrics.decided("search_resource", Some(true));
    let list = writ_core::wire::read::<Map>(&list).map_err(|error| {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "serve.internal",
            error.to_string(),
        )
    })?;
    let entity = |id: &str| {
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        object.str("type", &resource_type).str("id", id);
        object.end();
        text
    };
    let ids: Vec<&str> = match list.get("ids") {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let (results, context) = match list.get("kind").and_then(Value::as_str) {
        Some("only") => (ids.iter().map(|id| entity(id)).collect(), None),
        Some("all") => (
            vec![entity("*")],
            Some("{\"writ\":{\"kind\":\"all\"}}".to_owned()),
        ),
        _ => {
            let mut context = String::from("{\"writ\":{\"kind\":\"allExcept\",\"except\":");
            writ_core::json::write_strs(&mut context, &ids);
            context.push_str("}}");
            (vec![entity("*")], Some(context))
        }
    };
    Ok(decided(
        page.write(&results, context.as_deref()),
        decider.revision(),
    ))
}

/// What the subject may do on the resource: writ's `permissions`.
async fn search_action(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let (loaded, _, request, page) = search(&app, &headers, &body, Ask::ActionSearch)?;
    let decider = &loaded.decider;
    let held = decider.permissions(&request).map_err(|error| {
        app.metrics.decided("search_action", None);
        Failure::of(&error)
    })?;
    app.metrics.decided("search_action", Some(true));
    let results: Vec<String> = held
        .iter()
        .map(|name| {
            let mut text = String::from("{\"name\":");
            write_str(&mut text, name);
            text.push('}');
            text
        })
        .collect();
    Ok(decided(page.write(&results, None), decider.revision()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Map {
        writ_core::wire::read(text).unwrap_or_default()
    }

    #[test]
    fn authzen_requests_map_to_writ_requests() {
        let map = parts(
            r#"{"subject":{"type":"user","id":"kermit","properties":{"groups":["ops"],"claims":{"n":1e2}}},
                "action":{"name":"COMPLETE"},"resource":{"type":"USER_TASK","id":"42",
                "properties":{"tenantId":"emea","assignee":"kermit"}},"context":{"profile":"grants"},"extra":1}"#,
        );
        let request = writ_request(Parts::of(&map).unwrap_or_default(), Ask::Evaluation);
        assert_eq!(
            request.ok().as_deref(),
            Some(
                r#"{"user":"kermit","groups":["ops"],"claims":{"n":1e2},"permission":"COMPLETE","resourceType":"USER_TASK","resourceId":"42","tenantId":"emea","properties":{"assignee":"kermit"},"profile":"grants"}"#
            )
        );
        let no_id = parts(
            r#"{"subject":{"type":"user","id":"k"},"action":{"name":"READ"},"resource":{"type":"TASK"}}"#,
        );
        assert_eq!(
            writ_request(Parts::of(&no_id).unwrap_or_default(), Ask::Evaluation)
                .map_err(|f| f.message),
            Err("`resource.id` is required".into())
        );
        let robot = parts(
            r#"{"subject":{"type":"robot","id":"r"},"action":{"name":"READ"},"resource":{"type":"TASK","id":"1"}}"#,
        );
        assert_eq!(
            writ_request(Parts::of(&robot).unwrap_or_default(), Ask::Evaluation)
                .map_err(|f| f.code),
            Err("request.subject_type".into())
        );
    }

    #[test]
    fn pages_cut_results_and_tokens_belong_to_their_request() {
        let results: Vec<String> = (0..5).map(|i| format!("{{\"name\":\"p{i}\"}}")).collect();
        let map = parts(r#"{"page":{"limit":2}}"#);
        let first = Page::of(&map, "q").unwrap_or_else(|_| unreachable!());
        let text = first.write(&results, None);
        assert!(text.starts_with(r#"{"page":{"next_token":"2."#), "{text}");
        assert!(
            text.ends_with(r#""count":2,"total":5},"results":[{"name":"p0"},{"name":"p1"}]}"#),
            "{text}"
        );
        let token = format!("2.{}", first.fingerprint);
        let next = parts(&format!(r#"{{"page":{{"limit":2,"token":"{token}"}}}}"#));
        assert!(Page::of(&next, "q").is_ok());
        assert_eq!(
            Page::of(&next, "another").map(|_| ()).map_err(|f| f.code),
            Err("request.page_token".into())
        );
        let last = parts(&format!(
            r#"{{"page":{{"limit":2,"token":"4.{}"}}}}"#,
            first.fingerprint
        ));
        let text = Page::of(&last, "q")
            .unwrap_or_else(|_| unreachable!())
            .write(&results, None);
        assert!(
            text.starts_with(r#"{"page":{"next_token":"","count":1,"total":5}"#),
            "{text}"
        );
    }
}
