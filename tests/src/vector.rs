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
//!     {"name": "…", "list": {"user": "…", "permission": "READ", "resourceType": "…"}, "expect": {"list": {"kind": "all"}}}
//!   ]
//! }
//! ```
//! In `expect`, only the fields given are compared; `rows` compares as a set.
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
    file.cases
        .iter()
        .filter_map(|case| {
            run_case(&authorizer, case)
                .err()
                .map(|why| format!("{}: {why}", case.name))
        })
        .collect()
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
    Ok(Err(
        "a case needs `check`, `permissions`, `list`, `claims` or `assign`".into(),
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
