//! The vector file format, and running one file against [`writ_core::Authorizer`].
//!
//! ```json
//! {
//!   "description": "what the file pins down and where the rule comes from",
//!   "snapshot": { ...snapshot v1... }            // or "snapshots/org.json", relative to tests/vectors
//!   "snapshotError": {"code": "snapshot.unknown_group", "path": "users[0].groups[0]"},  // instead of cases
//!   "cases": [
//!     {"name": "…", "check": {…request…}, "expect": {"allowed": true, "rows": ["a1"], "rule": "camunda7.match", "level": "user"}},
//!     {"name": "…", "check": {…}, "expectError": "request.unknown_permission"},
//!     {"name": "…", "permissions": {"user": "…", "resourceType": "…", "resourceId": "…"}, "expect": {"permissions": ["READ"]}},
//!     {"name": "…", "list": {"user": "…", "permission": "READ", "resourceType": "…"}, "expect": {"list": {"kind": "all"}}},
//!     {"name": "…", "whoCan": {"permission": "READ", "resourceType": "…", "resourceId": "…"},
//!      "expect": {"users": ["kermit"], "clients": [], "anyUser": false, "mappingRules": []}}
//!   ]
//! }
//! ```
//! In `expect`, only the fields given are compared; `rows` compares as a set.
//! Natively, every `whoCan` answer, and who-can of every `check` case's
//! request without its principal, must equal [`who_can_by_checks`]: the
//! brute force of checking every listed principal.
//! Under `grants`, `expect` may also give `via` (how the principal reaches the
//! deciding grant: `direct`, ``group `ops` ``, ``role `r` of group `g` ``, …).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use writ_core::wire::{
    AssignmentDoc, ClaimsDoc, ListDoc, ListRequestDoc, PermissionsRequestDoc, PrincipalDoc,
    RequestDoc, SnapshotDoc,
};
use writ_core::{Authorizer, RequestError};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VectorFile {
    pub description: String,
    pub snapshot: SnapshotRef,
    #[serde(default)]
    pub snapshot_error: Option<ExpectedSnapshotError>,
    /// Limits to load with (`{"idBytes": 8}`), by their names in SNAPSHOT.md.
    #[serde(default)]
    pub limits: std::collections::BTreeMap<String, usize>,
    /// The oldest `sequence` accepted.
    #[serde(default)]
    pub min_sequence: Option<u64>,
    /// Public keys (JWK files, relative to tests/vectors) trusted to sign the
    /// snapshot; with any, the snapshot must be signed by one of them.
    #[serde(default)]
    pub trusted_keys: Vec<String>,
    /// The detached signature (a file relative to tests/vectors) over the
    /// snapshot file's exact bytes.
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub cases: Vec<Case>,
}

/// A vector's load options, as every runtime passes them.
///
/// # Errors
/// An unknown limit or a value out of its range.
pub fn load_options(file: &VectorFile) -> Result<writ_core::LoadOptions, String> {
    let mut options = writ_core::LoadOptions {
        min_sequence: file.min_sequence,
        ..writ_core::LoadOptions::default()
    };
    for (name, &value) in &file.limits {
        options.limits.set(name, value)?;
    }
    Ok(options)
}

/// The text of a file named relative to tests/vectors.
///
/// # Errors
/// An unreadable file.
pub fn vector_text(relative: &str) -> Result<String, String> {
    let at = vectors_dir().join(relative);
    std::fs::read_to_string(&at).map_err(|e| format!("{}: {e}", at.display()))
}

/// Loads a vector's snapshot as every runtime does: limits, signature,
/// sequence. The outer `Err` is a broken vector (an unreadable key file).
///
/// # Errors
/// A broken vector.
pub fn load_snapshot(
    file: &VectorFile,
    snapshot: &str,
) -> Result<Result<Authorizer, writ_core::SnapshotError>, String> {
    let options = load_options(file)?;
    let mut keys = Vec::new();
    for key in &file.trusted_keys {
        let text = vector_text(key)?;
        keys.push(
            writ_core::signature::PublicKey::from_jwk(&text)
                .map_err(|e| format!("trusted key {key}: {e}"))?,
        );
    }
    let signature = file.signature.as_deref().map(vector_text).transpose()?;
    Ok(Authorizer::from_signed(
        snapshot.as_bytes(),
        signature.as_deref().map(str::as_bytes),
        &keys,
        &options,
    ))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SnapshotRef {
    Path(String),
    Inline(Box<serde_json::Value>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedSnapshotError {
    pub code: String,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub check: Option<RequestDoc>,
    #[serde(default)]
    pub permissions: Option<PermissionsRequestDoc>,
    #[serde(default)]
    pub list: Option<ListRequestDoc>,
    /// `grants`: what tokens would carry for this principal.
    #[serde(default)]
    pub claims: Option<PrincipalDoc>,
    /// `grants` (Emporix): whether a proposed assignment keeps the invariants.
    #[serde(default)]
    pub assign: Option<AssignmentDoc>,
    /// Who may do what a request without a principal asks.
    #[serde(default)]
    pub who_can: Option<RequestDoc>,
    #[serde(default)]
    pub expect: Option<Expect>,
    #[serde(default)]
    pub expect_error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub allowed: Option<bool>,
    #[serde(default)]
    pub rows: Option<Vec<String>>,
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// `grants`: how the principal reaches the deciding grant (`group \`ops\``).
    #[serde(default)]
    pub via: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    #[serde(default)]
    pub list: Option<ListDoc>,
    #[serde(default)]
    pub claims: Option<ClaimsDoc>,
    /// `whoCan`: the users, clients, unlisted users and mapping rules allowed.
    #[serde(default)]
    pub users: Option<Vec<String>>,
    #[serde(default)]
    pub clients: Option<Vec<String>>,
    #[serde(default)]
    pub any_user: Option<bool>,
    #[serde(default)]
    pub mapping_rules: Option<Vec<String>>,
}

/// The folder holding the vector files.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Every vector file below [`vectors_dir`], sorted, as paths relative to it.
pub fn vector_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "snapshots") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|ext| ext == "json") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&vectors_dir(), &mut out);
    out.sort();
    out
}

/// Reads a vector file and the snapshot text it names.
///
/// # Errors
/// Unreadable or malformed vector files.
pub fn load(path: &Path) -> Result<(VectorFile, String), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: VectorFile =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let snapshot = match &file.snapshot {
        SnapshotRef::Path(relative) => {
            let at = vectors_dir().join(relative);
            std::fs::read_to_string(&at).map_err(|e| format!("{}: {e}", at.display()))?
        }
        SnapshotRef::Inline(value) => value.to_string(),
    };
    Ok((file, snapshot))
}

/// Runs every case of one file; returns one message per failing case.
pub fn run(file: &VectorFile, snapshot: &str) -> Vec<String> {
    let loaded = match load_snapshot(file, snapshot) {
        Ok(loaded) => loaded,
        Err(broken) => return vec![format!("the vector is broken: {broken}")],
    };
    if let Some(expected) = &file.snapshot_error {
        return match loaded {
            Ok(_) => vec![format!(
                "snapshot loaded, expected error `{}`",
                expected.code
            )],
            Err(error) if error.code() != expected.code => {
                vec![format!(
                    "snapshot error `{}` ({error}), expected `{}`",
                    error.code(),
                    expected.code
                )]
            }
            Err(error)
                if expected
                    .path
                    .as_deref()
                    .is_some_and(|path| path != error.path()) =>
            {
                vec![format!(
                    "snapshot error at `{}`, expected `{}`",
                    error.path(),
                    expected.path.as_deref().unwrap_or("")
                )]
            }
            Err(_) => Vec::new(),
        };
    }
    let authorizer = match loaded {
        Ok(authorizer) => authorizer,
        Err(error) => return vec![format!("snapshot rejected: {} {error}", error.code())],
    };
    let doc = snapshot_doc(snapshot).ok();
    // The same snapshot compiled (`writ compile`) and loaded back decides every case alike.
    let compiled = match load_options(file)
        .map(|options| Authorizer::from_compiled(&authorizer.compile(), &options))
    {
        Ok(Ok(compiled)) => compiled,
        Ok(Err(error)) => {
            return vec![format!(
                "compiled snapshot rejected: {} {error}",
                error.code()
            )];
        }
        Err(broken) => return vec![format!("the vector is broken: {broken}")],
    };
    file.cases
        .iter()
        .filter_map(|case| {
            let mut problems = Vec::new();
            if let Err(why) = run_case(&authorizer, case) {
                problems.push(why);
            }
            if let Err(why) = run_case(&compiled, case) {
                problems.push(format!("compiled: {why}"));
            }
            // Who can do what the case asks: the inverted walk against checking everyone.
            let question = case
                .who_can
                .clone()
                .or_else(|| case.check.clone().map(without_principal));
            if let (Some(question), Some(doc)) = (question, &doc)
                && let Some(problem) = who_can_disagrees(&authorizer, doc, &question)
            {
                problems.push(problem);
            }
            (!problems.is_empty()).then(|| format!("{}: {}", case.name, problems.join("; ")))
        })
        .collect()
}

/// A request's question without its principal (who-can's request).
pub fn without_principal(request: RequestDoc) -> RequestDoc {
    RequestDoc {
        user: None,
        client: None,
        groups: None,
        claims: None,
        ..request
    }
}

/// `who_can` against [`who_can_by_checks`]: `None` when they agree (an
/// error counts when both give the same code).
pub fn who_can_disagrees(
    authorizer: &Authorizer,
    doc: &SnapshotDoc,
    question: &RequestDoc,
) -> Option<String> {
    let walked = authorizer.who_can(question, false);
    let brute = who_can_by_checks(authorizer, doc, question);
    match (walked, brute) {
        (Ok(walked), Ok(brute)) if walked == brute => None,
        (Err(a), Err(b)) if a.code() == b.code() => None,
        (walked, brute) => Some(format!(
            "who-can {walked:?}, checking everyone {brute:?} (asked {})",
            serde_json::to_string(question).unwrap_or_default()
        )),
    }
}

/// Who can, by definition (SEMANTICS.md §5): every listed user and client
/// checked, a user no one lists checked, and each mapping rule checked
/// through claims that match it (for the rules whose claim such claims can
/// name alone; the others are taken from `who_can`).
///
/// # Errors
/// The first check's error.
pub fn who_can_by_checks(
    authorizer: &Authorizer,
    doc: &SnapshotDoc,
    question: &RequestDoc,
) -> Result<writ_core::wire::WhoCanDoc, RequestError> {
    use writ_core::wire::{ClaimOperator, ProfileName};
    if question.user.is_some()
        || question.client.is_some()
        || question.groups.is_some()
        || question.claims.is_some()
    {
        return Err(RequestError::Malformed {
            message: "a who-can question names no principal".into(),
        });
    }
    let mut users: Vec<&str> = doc.users.iter().map(|user| user.id.as_str()).collect();
    for source in &doc.sources {
        if question
            .source
            .as_ref()
            .is_none_or(|name| *name == source.name)
        {
            users.extend(source.users.iter().map(|user| user.id.as_str()));
        }
    }
    users.sort_unstable();
    users.dedup();
    let listed = |id: &str| {
        users.contains(&id)
            || doc.clients.iter().any(|client| client.id == id)
            || doc.options.admin_users.iter().any(|admin| admin == id)
    };
    let mut anyone = String::from("writ:anyone");
    let mentioned = |id: &str| {
        question.properties.as_ref().is_some_and(|properties| {
            serde_json::to_string(properties)
                .unwrap_or_default()
                .contains(id)
        })
    };
    while listed(&anyone) || mentioned(&anyone) {
        anyone.push('\'');
    }
    let as_user = |user: &str| RequestDoc {
        user: Some(user.to_owned()),
        ..question.clone()
    };
    let any_user = authorizer.check(&as_user(&anyone))?;
    let mut answer = writ_core::wire::WhoCanDoc {
        any_user,
        ..Default::default()
    };
    for user in &users {
        if authorizer.check(&as_user(user))? {
            answer.users.push((*user).to_owned());
        }
    }
    if question.profile.unwrap_or(doc.profile) == ProfileName::Grants {
        let mut clients: Vec<&str> = doc
            .clients
            .iter()
            .map(|client| client.id.as_str())
            .collect();
        clients.sort_unstable();
        for client in clients {
            let request = RequestDoc {
                client: Some(client.to_owned()),
                ..question.clone()
            };
            if authorizer.check(&request)? {
                answer.clients.push(client.to_owned());
            }
        }
        let walked = authorizer.who_can(question, false)?;
        // `$.name` and `name` look at the same claim.
        let claim = |name: &str| name.strip_prefix("$.").unwrap_or(name).to_owned();
        for rule in &doc.mapping_rules {
            // Claims made for this rule must match no other rule.
            let alone = !claim(&rule.claim_name).contains(['$', '.', '['])
                && doc
                    .mapping_rules
                    .iter()
                    .filter(|other| {
                        other.claim_value == rule.claim_value
                            && (claim(&other.claim_name) == claim(&rule.claim_name)
                                || claim(&other.claim_name).contains(['$', '.', '[']))
                    })
                    .count()
                    == 1;
            let allowed = if alone {
                let value = match rule.operator {
                    Some(ClaimOperator::Contains) => serde_json::json!([rule.claim_value]),
                    _ => serde_json::json!(rule.claim_value),
                };
                let claims: writ_core::json::Map = writ_core::wire::read(
                    &serde_json::json!({ claim(&rule.claim_name): value }).to_string(),
                )
                .unwrap_or_default();
                authorizer.check(&RequestDoc {
                    claims: Some(claims),
                    ..as_user(&anyone)
                })?
            } else {
                walked.mapping_rules.contains(&rule.id)
            };
            if allowed {
                answer.mapping_rules.push(rule.id.clone());
            }
        }
        answer.mapping_rules.sort();
    }
    Ok(answer)
}

fn run_case(authorizer: &Authorizer, case: &Case) -> Result<(), String> {
    let expect = case.expect.clone().unwrap_or_default();
    match (answer(authorizer, case, &expect), &case.expect_error) {
        (Ok(_), Some(code)) => Err(format!("expected error `{code}`, got an answer")),
        (Ok(result), None) => result,
        (Err(error), Some(code)) if error.code() == code => Ok(()),
        (Err(error), Some(code)) => Err(format!(
            "error `{}` ({error}), expected `{code}`",
            error.code()
        )),
        (Err(error), None) => Err(format!("unexpected error `{}`: {error}", error.code())),
    }
}

/// The case's answer compared with `expect`: `Err` only for request errors.
fn answer(
    authorizer: &Authorizer,
    case: &Case,
    expect: &Expect,
) -> Result<Result<(), String>, RequestError> {
    if let Some(request) = &case.check {
        let decision = authorizer.explain(request)?;
        // The fast path must agree with the explained one.
        let fast = authorizer.check(request)?;
        if fast != decision.allowed {
            return Ok(Err(format!(
                "check says {fast}, explain says {}",
                decision.allowed
            )));
        }
        if let Some(problem) = principal_paths_disagree(authorizer, request, fast) {
            return Ok(Err(problem));
        }
        let Some(explanation) = decision.explanation else {
            return Ok(Err("explain gave no explanation".into()));
        };
        let mut problems = Vec::new();
        if let Some(allowed) = expect.allowed
            && allowed != decision.allowed
        {
            problems.push(format!(
                "allowed {} (expected {allowed}; {}: {})",
                decision.allowed, explanation.rule, explanation.reason
            ));
        }
        if let Some(rows) = &expect.rows {
            let mut got = explanation.rows.clone();
            let mut want = rows.clone();
            got.sort();
            got.dedup();
            want.sort();
            want.dedup();
            if got != want {
                problems.push(format!("rows {got:?} (expected {want:?})"));
            }
        }
        if let Some(rule) = &expect.rule
            && *rule != explanation.rule
        {
            problems.push(format!(
                "rule `{}` (expected `{rule}`; {})",
                explanation.rule, explanation.reason
            ));
        }
        if let Some(level) = &expect.level {
            let got = explanation.level.map_or("none", |level| level.as_str());
            if got != level {
                problems.push(format!("level {got} (expected {level})"));
            }
        }
        if let Some(source) = &expect.source
            && explanation.source.as_deref() != Some(source)
        {
            problems.push(format!(
                "source {:?} (expected {source})",
                explanation.source
            ));
        }
        if let Some(via) = &expect.via
            && explanation.via.as_deref() != Some(via)
        {
            problems.push(format!("via {:?} (expected {via:?})", explanation.via));
        }
        return Ok(if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        });
    }
    if let Some(request) = &case.permissions {
        let got = authorizer.permissions_of(request)?.permissions;
        if let Some(problem) = handle_permissions_disagree(authorizer, request, &got) {
            return Ok(Err(problem));
        }
        return Ok(match &expect.permissions {
            Some(want) if *want != got => Err(format!("permissions {got:?} (expected {want:?})")),
            _ => Ok(()),
        });
    }
    if let Some(request) = &case.list {
        let got = authorizer.list_of(request)?;
        return Ok(match &expect.list {
            Some(want) if *want != got => Err(format!("list {got:?} (expected {want:?})")),
            _ => Ok(()),
        });
    }
    if let Some(principal) = &case.claims {
        let principal = authorizer.principal(principal)?;
        let got = authorizer.claims(&principal);
        return Ok(match &expect.claims {
            Some(want) if *want != got => Err(format!("claims {got:?} (expected {want:?})")),
            _ => Ok(()),
        });
    }
    if let Some(assignment) = &case.assign {
        let decision = authorizer.check_assignment(assignment)?;
        let rule = decision
            .explanation
            .map(|explanation| explanation.rule)
            .unwrap_or_default();
        let mut problems = Vec::new();
        if expect
            .allowed
            .is_some_and(|allowed| allowed != decision.allowed)
        {
            problems.push(format!("allowed {} (rule `{rule}`)", decision.allowed));
        }
        if expect.rule.as_ref().is_some_and(|want| *want != rule) {
            problems.push(format!("rule `{rule}`"));
        }
        return Ok(if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        });
    }
    if let Some(question) = &case.who_can {
        let got = authorizer.who_can(question, false)?;
        let mut problems = Vec::new();
        if expect.users.as_ref().is_some_and(|want| *want != got.users) {
            problems.push(format!("users {:?}", got.users));
        }
        if expect
            .clients
            .as_ref()
            .is_some_and(|want| *want != got.clients)
        {
            problems.push(format!("clients {:?}", got.clients));
        }
        if expect.any_user.is_some_and(|want| want != got.any_user) {
            problems.push(format!("anyUser {}", got.any_user));
        }
        if expect
            .mapping_rules
            .as_ref()
            .is_some_and(|want| *want != got.mapping_rules)
        {
            problems.push(format!("mappingRules {:?}", got.mapping_rules));
        }
        return Ok(if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        });
    }
    Ok(Err(
        "a case needs `check`, `permissions`, `list`, `claims`, `assign` or `whoCan`".into(),
    ))
}

/// The handle (`Authorizer::principal`) of a request's principal: the same fields
/// in every request type that names one.
macro_rules! handle_of {
    ($authorizer:expr, $request:expr) => {
        $authorizer.principal(&PrincipalDoc {
            user: $request.user.clone(),
            client: $request.client.clone(),
            claims: $request.claims.clone(),
            groups: $request.groups.clone(),
            source: $request.source.clone(),
            profile: $request.profile,
        })
    };
}

/// A resolved principal (a handle, which [`Authorizer::principal`] prepares for
/// many checks) must list the permissions a whole request listed.
pub fn handle_permissions_disagree(
    authorizer: &Authorizer,
    request: &PermissionsRequestDoc,
    listed: &[String],
) -> Option<String> {
    let principal = match handle_of!(authorizer, request) {
        Ok(principal) => principal,
        Err(error) => return Some(format!("the request lists, its principal failed: {error}")),
    };
    let handle = authorizer.permissions(
        &principal,
        &request.resource_type,
        request.resource_id.as_deref(),
        request.tenant_id.as_deref(),
    );
    // And through a prepared resource: names and held flags, as bindings ask.
    let prepared = authorizer
        .resource(
            &request.resource_type.to_string(),
            request.resource_id.as_deref(),
        )
        .and_then(|resource| {
            let held = authorizer.held(&principal, &resource, request.tenant_id.as_deref())?;
            let names = authorizer.permission_names(&resource);
            Ok(names
                .into_iter()
                .zip(held)
                .filter(|&(_, held)| held)
                .map(|(name, _)| name.to_owned())
                .collect::<Vec<_>>())
        });
    match (handle, prepared) {
        (Ok(handle), Ok(prepared)) if handle == listed && prepared == listed => None,
        (handle, prepared) => Some(format!(
            "the request lists {listed:?}, its handle {handle:?}, a prepared resource {prepared:?}"
        )),
    }
}

/// For a request with one check and nothing else (no tenant, no properties, no
/// composite), a resolved principal's `can` and a prepared `Question` must
/// answer what `check` answered: bindings serve handles from those paths.
pub fn principal_paths_disagree(
    authorizer: &Authorizer,
    request: &RequestDoc,
    checked: bool,
) -> Option<String> {
    let (Some(permission), Some(ty)) = (&request.permission, &request.resource_type) else {
        return None;
    };
    if request.tenant_id.is_some()
        || request.properties.is_some()
        || request.anonymous_authorized
        || request.any_of.is_some()
        || request.all_of.is_some()
    {
        return None;
    }
    let ty = ty.to_string();
    let id = request.resource_id.as_deref();
    let principal = match handle_of!(authorizer, request) {
        Ok(principal) => principal,
        Err(error) => return Some(format!("check answered, principal failed: {error}")),
    };
    let can = authorizer.can(&principal, permission, &ty, id);
    let asked = authorizer
        .question(permission, &ty, id)
        .and_then(|question| authorizer.ask(&principal, &question));
    match (can, asked) {
        (Ok(can), Ok(asked)) if can == checked && asked == checked => None,
        (can, asked) => Some(format!(
            "check says {checked}, can says {can:?}, ask says {asked:?}"
        )),
    }
}

/// Parses a snapshot document, for tools that want the document rather than an authorizer.
///
/// # Errors
/// As [`writ_core::snapshot::decode`].
pub fn snapshot_doc(text: &str) -> Result<SnapshotDoc, writ_core::SnapshotError> {
    writ_core::snapshot::decode(text)
}
