//! `writ`: decide, explain and list authorization questions over a snapshot.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use writ_core::import::camunda7 as import7;
use writ_core::json::ObjectWriter;
use writ_core::signature::{PrivateKey, PublicKey};
use writ_core::wire::{
    Encode, ErrorDoc, ErrorLine, PermissionsDoc, ProfileName, RequestDoc, RevokeMode, SnapshotDoc,
    TypeRef,
};
use writ_core::{Authorizer, LoadOptions, RequestError};
use writ_host::{Decider, Host, HostConfig, HostError};

mod demo;
mod io;

use io::{CliError, EXIT_DENIED, EXIT_INPUT, Line, Output};

#[derive(Debug, Parser)]
#[command(
    name = "writ",
    version,
    about = "Decide authorization questions over a snapshot, the way Camunda 7, Optimize, Camunda 8 and Emporix would",
    long_about = "Decide authorization questions over a snapshot, the way Camunda 7, Optimize, Camunda 8 and Emporix would.\n\n\
        A snapshot is one JSON file (format v1, see SNAPSHOT.md) holding users, groups, roles, tenants \
        and authorizations, under a profile: camunda7, optimize, or grants (Camunda 8, Management Identity, Emporix). `writ` loads it, validates it (every error names its path and a stable code), \
        and answers: may this user do this on that resource, why, what may they do there, and which \
        resources may a list view show them.",
    after_help = "Examples:\n  \
        writ demo\n  \
        writ validate org.json\n  \
        writ check org.json --user kermit --permission READ --resource-type TASK --resource-id t1\n  \
        writ check org.json --explain < requests.jsonl\n  \
        writ permissions org.json --user kermit --resource-type 6 --resource-id invoice\n  \
        writ list org.json --user kermit --permission READ_HISTORY --resource-type 6 --profile optimize\n  \
        writ import camunda7 engine-dump.json -o org.json\n  \
        writ keygen --out release && writ sign org.json --key release.key && writ validate org.json --verify-key release.pub\n\n\
        Exit codes: 0 success (a single check: allowed), 1 a single check denied (or an assignment refused), \
        2 usage or input error (a file, a snapshot, a request, a signature), 3 the output could not be written. \
        Errors are one line on stderr: `writ: error[code]: message`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the embedded example organisation and print a table of decisions with their explanations
    Demo,
    /// Check that a snapshot loads; print a summary, or the first error with its path and code
    Validate {
        #[command(flatten)]
        input: SnapshotArgs,
    },
    /// Decide one request from flags, or JSON lines from stdin (one decision per line, in order)
    #[command(
        long_about = "Decide one request from flags, or JSON lines from stdin.\n\n\
        Without --user, every stdin line is one request and yields one line on stdout, in input order:\n  \
        {\"user\":\"kermit\",\"permission\":\"READ\",\"resourceType\":\"PROCESS_DEFINITION\",\"resourceId\":\"invoice\"}\n\
        Optional fields: groups (replaces stored memberships), tenantId, source, profile (camunda7|optimize), \
        and instead of permission/resourceType/resourceId, anyOf or allOf: a list of \
        {permission, resourceType, resourceId}. anyOf is ordered: the first check that matches a row decides.\n\n\
        A decision line is {\"allowed\":true|false}, plus rule, reason, level and rows with --explain. \
        A line that cannot be answered — not JSON, not UTF-8, longer than the requestBytes limit, an unknown \
        permission — yields {\"error\":{\"code\":…,\"message\":…}} and the rest continue."
    )]
    Check {
        #[command(flatten)]
        query: CheckArgs,
        /// Add the deciding rows, their level and the rule to every decision
        #[arg(long)]
        explain: bool,
    },
    /// `check --explain`: the decision, the rows that decided it and the rule that made them win
    Explain {
        #[command(flatten)]
        query: CheckArgs,
    },
    /// Every permission a user holds on one resource (one call gates a whole toolbar)
    Permissions {
        #[command(flatten)]
        input: SnapshotArgs,
        #[command(flatten)]
        principal: PrincipalArgs,
        #[arg(long, value_name = "TYPE")]
        resource_type: String,
        #[arg(long, value_name = "ID")]
        resource_id: Option<String>,
        #[arg(long, value_name = "TENANT")]
        tenant_id: Option<String>,
    },
    /// Which resources of a type a list view may show: all, all except some ids, or only some ids
    List {
        #[command(flatten)]
        input: SnapshotArgs,
        #[command(flatten)]
        principal: PrincipalArgs,
        #[arg(long)]
        permission: String,
        #[arg(long, value_name = "TYPE")]
        resource_type: String,
    },
    /// Who may do this: the listed users (and clients) whose check allows, and whether anyone else would be
    #[command(
        long_about = "Who may do this: one JSON object {\"users\": [...], \"clients\": [...], \"anyUser\": bool, \"mappingRules\": [...]}. \
        users (and under `grants` clients) are the listed principals whose check allows, sorted; anyUser says whether a user \
        the snapshot does not list would be allowed (a `*` or GLOBAL row, authorization checks off); mappingRules, under \
        `grants`, the rules whose matching claims alone would allow it. With --explain, `explanations` gives the rule and \
        rows that allowed each.\n\n\
        Ask with flags (--permission, --resource-type, optional --resource-id, --tenant-id), or give any request without a \
        principal with --request (anyOf/allOf, Emporix scopes, a bundle, properties), e.g.\n  \
        writ who-can emporix.json --request '{\"scopes\":[\"integromat.scenario_edit\"]}'\n\n\
        Only the principals that the rows on the resource (and the tenant, admin settings, properties and account states) \
        single out are checked one by one; everyone else is decided as one unlisted user."
    )]
    WhoCan {
        #[command(flatten)]
        input: SnapshotArgs,
        #[command(flatten)]
        question: QuestionArgs,
        /// Add the rule and rows that allowed each principal
        #[arg(long)]
        explain: bool,
    },
    /// Every decision that differs between two snapshots, as JSON lines (exit 1 when any does)
    #[command(
        long_about = "Every (listed principal, permission, resource) whose decision differs between OLD and NEW, \
        one JSON line each:\n  \
        {\"user\":\"gonzo\",\"permission\":\"READ\",\"resourceType\":\"PROCESS_DEFINITION\",\"resourceId\":\"invoice\",\
        \"before\":true,\"after\":false,\"beforeRule\":…,\"afterRule\":…,\"rows\":{\"before\":[…],\"after\":[…]}}\n\
        The principals are the users (and under `grants` the clients) either snapshot lists; the resources, every id \
        a row of either names, and \"any other id\" of each type either knows (no resourceId); the permissions, \
        every one of each type. Only what the changed rows, users, groups and clients can reach is decided (a change of \
        options or catalogues reaches everything). Exit 0 when nothing differs, 1 when something does, as diff(1); 2 \
        for bad input. Both snapshots must have one profile. --summary prints counts per principal and per type instead."
    )]
    Diff {
        /// The snapshot before
        old: PathBuf,
        /// The snapshot after
        new: PathBuf,
        /// Only this user's (or client's) decisions
        #[arg(long)]
        user: Option<String>,
        /// Only this resource type's
        #[arg(long, value_name = "TYPE")]
        resource_type: Option<String>,
        /// Only this permission's
        #[arg(long)]
        permission: Option<String>,
        /// Counts per principal and per resource type instead of the lines
        #[arg(long)]
        summary: bool,
        /// Set a limit for loading both, NAME=VALUE (repeatable; see `writ check --help`)
        #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
        limits: Vec<(String, usize)>,
    },
    /// Who an external system fed by a derived membership must add and remove (exit 1 when any)
    #[command(
        long_about = "Drift against an external system whose members should be the principals a request allows \
        (e.g. the Emporix users holding the scenario-editor scope, members of a Make organisation): \
        {\"eligible\": n, \"toAdd\": [...], \"toRemove\": [...], \"unknown\": [...]}. toAdd: eligible, not members; \
        toRemove: members the snapshot lists who are not eligible (a role taken away, the membership left behind); \
        unknown: members the snapshot does not list. --eligible is a request without a principal, as \
        `writ who-can --request` takes, or {\"anyOf\":[request,...]} of such requests (eligible when any allows), e.g. \
        {\"anyOf\":[{\"scopes\":[\"integromat.scenario_edit\"]},{\"scopes\":[\"integromat.app_developer\"]}]}; --members a JSON array of ids or one id per line (`#` starts a comment line). Exit 0 when in step, 1 when \
        anything is to add or remove."
    )]
    Drift {
        #[command(flatten)]
        input: SnapshotArgs,
        /// The request that makes a principal eligible (JSON, without a principal)
        #[arg(long, value_name = "JSON")]
        eligible: String,
        /// The external system's current members: a JSON array of ids, or one id per line
        #[arg(long, value_name = "FILE")]
        members: PathBuf,
    },
    /// What tokens would carry: Management Identity's permissions.{audience} claim, Emporix's scopes
    Claims {
        #[command(flatten)]
        input: SnapshotArgs,
        #[command(flatten)]
        principal: PrincipalArgs,
    },
    /// Whether a proposed change keeps the invariants: an Emporix assignment, an Optimize collection member (exit 1 when refused)
    #[command(
        long_about = "Whether a proposed change keeps the snapshot's invariants (exit 1 when refused).\n\
        Emporix: --group G with --user U (a user into a group: a customer group per legal entity, user types) \
        or --access-control A (an access control onto a group).\n\
        Optimize: --collection C with --user U or --group G and --role VIEWER|EDITOR|MANAGER (the member's new role; \
        without --role the membership is removed): refused as optimize.last_manager when the collection would keep \
        no MANAGER."
    )]
    Assign {
        #[command(flatten)]
        input: SnapshotArgs,
        /// Emporix: the group assigned to; Optimize: a group member of --collection
        #[arg(long, required_unless_present_any = ["collection", "user"])]
        group: Option<String>,
        /// Emporix: a user to put into the group; Optimize: a user member of --collection
        #[arg(long, required_unless_present_any = ["access_control", "group"])]
        user: Option<String>,
        /// Emporix: an access control to attach to the group
        #[arg(long, conflicts_with = "collection")]
        access_control: Option<String>,
        /// Optimize: the collection whose member changes
        #[arg(long)]
        collection: Option<String>,
        /// Optimize: the member's new role (VIEWER, EDITOR, MANAGER); omit to remove the membership
        #[arg(long, requires = "collection", value_parser = ["VIEWER", "EDITOR", "MANAGER"])]
        role: Option<String>,
    },
    /// Make an Ed25519 key pair for signing snapshots: PREFIX.key (private) and PREFIX.pub (public)
    #[command(
        long_about = "Make an Ed25519 key pair for signing snapshots: PREFIX.key (private, written readable by its owner only) \
        and PREFIX.pub (public, what loaders trust with --verify-key). Both are JWKs (RFC 8037) whose `kid` is the key's \
        RFC 7638 thumbprint; a signature names the `kid` of the key that made it, so that keys can rotate. \
        Existing files are not overwritten."
    )]
    Keygen {
        /// Where to write the pair: PREFIX.key and PREFIX.pub
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Compile a snapshot into writ's binary form, which loads several times faster (for cold starts)
    #[command(
        long_about = "Compile a snapshot into writ's binary form: the validated, interned model, which loads \
        without decoding or validating JSON again (for edge functions and serverless handlers that load on every \
        cold start). Every command, `writ serve`, the JavaScript package (`Authorizer.fromBytes`) and the guest \
        load it wherever they load a snapshot, and decide exactly as from the JSON. The file is checked on load \
        (checksum, every count, offset and index); a damaged one is refused with `snapshot.corrupt`. Sign the \
        compiled file itself (`writ sign org.writ`) to load it with --verify-key."
    )]
    Compile {
        #[command(flatten)]
        input: SnapshotArgs,
        /// Where to write it (default: SNAPSHOT with the extension .writ)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Sign a snapshot: a detached JWS (EdDSA, unencoded payload) over its exact bytes, in SNAPSHOT.sig
    #[command(
        long_about = "Sign a snapshot: a detached JWS (RFC 7515 with RFC 7797's unencoded payload, alg EdDSA) over the \
        snapshot's exact bytes, written to SNAPSHOT.sig (or --output). The snapshot is validated first: writ never \
        signs a snapshot that would not load. Verify with any command's --verify-key, or any JOSE library."
    )]
    Sign {
        /// The snapshot file
        snapshot: PathBuf,
        /// The private key (from `writ keygen`)
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Where to write the signature (default: SNAPSHOT.sig)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Serve decisions over HTTP: AuthZEN Authorization API 1.0, writ's own API, reloads, metrics
    #[command(
        long_about = "Serve decisions over HTTP: the OpenID AuthZEN Authorization API 1.0 (POST /access/v1/evaluation, \
        /access/v1/evaluations, /access/v1/search/resource, /access/v1/search/action, /access/v1/search/subject; metadata at \
        GET /.well-known/authzen-configuration), writ's own JSON API (POST /v1/check, /v1/explain, /v1/permissions, \
        /v1/list, /v1/claims; GET /v1/snapshot), GET /metrics (Prometheus), /healthz and /readyz.\n\n\
        The snapshot comes from a file (reloaded on change with --watch), from a URL (--snapshot-url, polled with \
        If-None-Match), or from PUT /v1/snapshot (with --admin-token-file). Every reload is verified (--verify-key) \
        and validated before it is swapped in; a refused one is logged and counted, and the one in force keeps \
        answering. Every decision carries the revision that decided it (X-Writ-Revision). Decides in the guest \
        (writ.wasm in wasmtime) by default; --engine native decides with the core linked in. SIGTERM or Ctrl-C \
        stop it after the requests in flight. Logs go to stderr (--log, or RUST_LOG: info, debug for a line per request)."
    )]
    Serve {
        /// The snapshot file (not needed with --snapshot-url, or with --admin-token-file alone)
        snapshot: Option<PathBuf>,
        /// Where to listen
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Decide in the guest (wasm, the default) or with the core linked in (native)
        #[arg(long, value_enum, default_value_t = EngineArg::Wasm)]
        engine: EngineArg,
        /// Reload the snapshot file when it (or its signature) changes
        #[arg(long, requires = "snapshot")]
        watch: bool,
        /// Fetch the snapshot from this URL, polled with If-None-Match (its signature at URL.sig)
        #[arg(long, value_name = "URL", conflicts_with = "snapshot")]
        snapshot_url: Option<String>,
        /// How often the file or URL is looked at, in seconds
        #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
        poll: f64,
        /// A file holding the bearer token of PUT /v1/snapshot (without it that endpoint does not exist)
        #[arg(long, value_name = "FILE")]
        admin_token_file: Option<PathBuf>,
        /// Require every snapshot to be signed by this key (repeatable)
        #[arg(long, value_name = "FILE")]
        verify_key: Vec<PathBuf>,
        /// Refuse a first snapshot older than this sequence (later ones: never older than the one in force)
        #[arg(long, value_name = "N")]
        min_sequence: Option<u64>,
        /// Set a limit, NAME=VALUE (repeatable; see `writ check --help`)
        #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
        limits: Vec<(String, usize)>,
        /// Every deny carries its explanation (otherwise only with ?explain=true)
        #[arg(long)]
        explain_denies: bool,
        /// The base URL the AuthZEN metadata names (default: http://LISTEN)
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// Serve this directory's files at / (GET; e.g. www/dist, the playground that ./run-demo builds)
        #[arg(long, value_name = "DIR")]
        www: Option<PathBuf>,
        /// Log filter: error, warn, info, debug (a line per request), or a RUST_LOG filter
        #[arg(long, value_name = "FILTER")]
        log: Option<String>,
    },
    /// Write writ.wasm, the guest component `--engine wasm` runs, for other hosts
    #[command(
        long_about = "Write writ.wasm: writ's core as a WebAssembly component, the guest that `--engine wasm` runs \
        in wasmtime. Its contract is host/wit/writ.wit (world `writ`, interface `writ:authz/decisions`): \
        any component host loads it — wasmtime in Rust or Python, jco in JavaScript. It imports nothing."
    )]
    Guest {
        /// Where to write it
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Build a snapshot from another system's export
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write a generated organisation of the given size (for benchmarks)
    Generate {
        #[arg(long, default_value_t = 10_000)]
        users: usize,
        #[arg(long, default_value_t = 1_000)]
        groups: usize,
        #[arg(long, default_value_t = 100_000)]
        authorizations: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file (default: stdout)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Where a snapshot comes from and what it must satisfy to be loaded.
#[derive(Debug, Args)]
struct SnapshotArgs {
    /// The snapshot file (`-` for stdin)
    snapshot: PathBuf,
    /// Require a signature by this public key (repeatable: any of them may have signed)
    #[arg(long, value_name = "FILE")]
    verify_key: Vec<PathBuf>,
    /// The detached signature (default: SNAPSHOT.sig; needed with --verify-key)
    #[arg(long, value_name = "FILE")]
    signature: Option<PathBuf>,
    /// Refuse a snapshot whose `sequence` is older than N, or that has none (a rollback)
    #[arg(long, value_name = "N")]
    min_sequence: Option<u64>,
    /// Set a limit, NAME=VALUE (repeatable): snapshotBytes (256M), requestBytes (1M), idBytes (4K),
    /// memberships (1M), compositeLength (1024), batchLength (100000), nestingDepth (127);
    /// VALUE takes a K, M or G suffix (powers of 1024)
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
    limits: Vec<(String, usize)>,
    /// Decide with the core linked in (native) or with the guest, writ.wasm, in wasmtime
    /// (wasm): the same answers, byte for byte
    #[arg(long, value_enum, default_value_t = EngineArg::Native)]
    engine: EngineArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    Native,
    Wasm,
}

/// `requestBytes=2M`.
fn parse_limit(text: &str) -> Result<(String, usize), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=VALUE, not `{text}`"))?;
    if writ_core::Limits::default().get(name).is_none() {
        let names: Vec<&str> = writ_core::LIMITS.iter().map(|limit| limit.name).collect();
        return Err(format!(
            "unknown limit `{name}` (one of {})",
            names.join(", ")
        ));
    }
    let (digits, scale) = [('K', 10), ('M', 20), ('G', 30)]
        .into_iter()
        .find_map(|(suffix, shift)| {
            value
                .strip_suffix(suffix)
                .or_else(|| value.strip_suffix(suffix.to_ascii_lowercase()))
                .map(|digits| (digits, 1usize << shift))
        })
        .unwrap_or((value, 1));
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{value}` is not a whole number (with an optional K, M or G)"))?;
    let value = number
        .checked_mul(scale)
        .ok_or_else(|| format!("`{value}` is too large"))?;
    writ_core::Limits::default().set(name, value)?;
    Ok((name.to_owned(), value))
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Camunda 7 REST API responses (one dump per engine) → one snapshot
    #[command(
        long_about = "Camunda 7 REST API responses (one dump per engine) → one snapshot.\n\n\
        A dump is one JSON object whose keys hold the REST responses verbatim: authorizations (GET /authorization), \
        users (GET /user), groups (GET /group), groupMembers ({\"<groupId>\": GET /user?memberOfGroup=…}), \
        tenants (GET /tenant), tenantUserMembers ({\"<tenantId>\": GET /user?memberOfTenant=…}), \
        tenantGroupMembers ({\"<tenantId>\": GET /group?memberOfTenant=…}) and an optional engine name. \
        Several dumps become several sources (for Optimize's multi-engine rules)."
    )]
    Camunda7 {
        /// One dump per engine
        #[arg(required = true)]
        dumps: Vec<PathBuf>,
        /// Where to write the snapshot
        #[arg(short, long)]
        output: PathBuf,
        /// When REVOKE rows are consulted (the engine's authorizationCheckRevokes)
        #[arg(long, value_enum, default_value_t = RevokeArg::Auto)]
        revoke_mode: RevokeArg,
        /// Whether tenant membership is checked (the engine's tenantCheckEnabled)
        #[arg(long, value_enum, default_value_t = Switch::On)]
        tenant_checks: Switch,
        /// A group whose members skip tenant checks, besides camunda-admin (repeatable)
        #[arg(long = "admin-group", value_name = "ID")]
        admin_groups: Vec<String>,
        /// A revision label for the snapshot
        #[arg(long)]
        revision: Option<String>,
    },
    /// Camunda 8 Orchestration Cluster REST API v2 search responses → one `grants` snapshot
    #[command(
        long_about = "Camunda 8 Orchestration Cluster REST API v2 search responses → one `grants` snapshot.\n\n\
        A dump is one JSON object whose keys hold the search responses verbatim ({\"items\": [...], \"page\": {...}} \
        or a bare array): authorizations (POST /v2/authorizations/search), users, groups, roles, tenants, \
        mappingRules, and member listings groupMembers, roleMembers and tenantMembers \
        ({\"<id>\": {\"users\": …, \"clients\": …, \"groups\": …, \"roles\": …, \"mappingRules\": …}}). \
        See core/src/import/camunda8.rs for every item shape."
    )]
    Camunda8 {
        /// The dump
        dump: PathBuf,
        /// Where to write the snapshot
        #[arg(short, long)]
        output: PathBuf,
        /// Whether tenant membership is checked (camunda.security.multiTenancy.checksEnabled)
        #[arg(long, value_enum, default_value_t = Switch::On)]
        tenant_checks: Switch,
        /// Whether authorizations are checked (camunda.security.authorizations.enabled)
        #[arg(long, value_enum, default_value_t = Switch::On)]
        authorization_checks: Switch,
        /// A revision label for the snapshot
        #[arg(long)]
        revision: Option<String>,
    },
    /// Emporix IAM Service list responses (one tenant, in one or more dumps) → one `grants` snapshot
    #[command(
        long_about = "Emporix IAM Service list responses (one tenant, in one or more dumps) → one `grants` snapshot \
        (catalogue emporix).\n\n\
        A dump is one JSON object whose keys hold the list responses verbatim, each a bare array of items \
        or an array of pages: accessControls (GET /iam/{tenant}/access-controls), groups (GET /iam/{tenant}/groups), \
        groupUsers ({\"<groupId>\": GET /iam/{tenant}/groups/{groupId}/users}), and optionally \
        groupAccessControls ({\"<groupId>\": GET /iam/{tenant}/groups/{groupId}/access-controls}), \
        templates (GET /iam/{tenant}/templates), users (GET /iam/{tenant}/users: status, isAccountLocked, groupIds), \
        customers (GET /customer/{tenant}/customers: active, onHold) and userScopes \
        ({\"<userId>\": GET /iam/{tenant}/users/{userId}/scopes}, compared with the derived scopes, never a source). \
        Several dumps are merged into one snapshot: listings concatenated, per-group maps merged, the first of \
        duplicate ids kept. No call returns the dashboard domains: give them with --domains. \
        See core/src/import/emporix.rs for every field read."
    )]
    Emporix {
        /// The dumps of one tenant, merged in order
        #[arg(required = true)]
        dumps: Vec<PathBuf>,
        /// Where to write the snapshot
        #[arg(short, long)]
        output: PathBuf,
        /// A JSON array of dashboard domains ({"base", "levels"}, as the snapshot's `domains`) to copy in
        #[arg(long, value_name = "FILE")]
        domains: Option<PathBuf>,
        /// Make group GROUP the predefined customer group KIND (admin, buyer, requester or contact),
        /// whatever its `code` says (repeatable)
        #[arg(long = "predefined", value_name = "GROUP=KIND")]
        predefined: Vec<String>,
        /// A revision label for the snapshot
        #[arg(long)]
        revision: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RevokeArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Switch {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileArg {
    Camunda7,
    Optimize,
    Grants,
}

impl From<ProfileArg> for ProfileName {
    fn from(profile: ProfileArg) -> Self {
        match profile {
            ProfileArg::Camunda7 => Self::Camunda7,
            ProfileArg::Optimize => Self::Optimize,
            ProfileArg::Grants => Self::Grants,
        }
    }
}

#[derive(Debug, Args)]
struct PrincipalArgs {
    /// The user who asks
    #[arg(long, required_unless_present = "client")]
    user: Option<String>,
    /// The application who asks (profile `grants`; replaces --user)
    #[arg(long)]
    client: Option<String>,
    /// The verified token's claims as a JSON object, for mapping rules (profile `grants`)
    #[arg(long, value_parser = parse_claims)]
    claims: Option<writ_core::json::Map>,
    /// Groups to use instead of the stored memberships (comma-separated; `--groups ''` for none)
    #[arg(long, value_delimiter = ',')]
    groups: Option<Vec<String>>,
    /// The source (engine) to decide on, for snapshots with several
    #[arg(long)]
    source: Option<String>,
    /// Decide under this profile instead of the snapshot's
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    input: SnapshotArgs,
    /// The user who asks (without it or --client, requests are read as JSON lines from stdin)
    #[arg(long, requires_all = ["permission", "resource_type"])]
    user: Option<String>,
    /// The application who asks (profile `grants`; replaces --user)
    #[arg(long, requires_all = ["permission", "resource_type"])]
    client: Option<String>,
    /// The verified token's claims as a JSON object, for mapping rules (profile `grants`)
    #[arg(long, value_parser = parse_claims)]
    claims: Option<writ_core::json::Map>,
    /// Groups to use instead of the stored memberships (comma-separated)
    #[arg(long, value_delimiter = ',', requires = "user")]
    groups: Option<Vec<String>>,
    /// The permission asked for (e.g. READ, ALL)
    #[arg(long, requires = "user")]
    permission: Option<String>,
    /// The resource type, by name or integer id (e.g. PROCESS_DEFINITION or 6)
    #[arg(long, value_name = "TYPE", requires = "user")]
    resource_type: Option<String>,
    /// The resource id (omit for a check on all resources of the type)
    #[arg(long, value_name = "ID", requires = "user")]
    resource_id: Option<String>,
    /// The tenant the resource belongs to
    #[arg(long, value_name = "TENANT", requires = "user")]
    tenant_id: Option<String>,
    /// The source (engine) to decide on
    #[arg(long, requires = "user")]
    source: Option<String>,
    /// Decide under this profile instead of the snapshot's
    #[arg(long, value_enum, requires = "user")]
    profile: Option<ProfileArg>,
}

/// A request without a principal: flags, or JSON (who-can, drift).
#[derive(Debug, Args)]
struct QuestionArgs {
    /// The permission (e.g. READ)
    #[arg(long, required_unless_present = "request", conflicts_with = "request")]
    permission: Option<String>,
    /// The resource type, by name or integer id
    #[arg(
        long,
        value_name = "TYPE",
        required_unless_present = "request",
        conflicts_with = "request"
    )]
    resource_type: Option<String>,
    /// The resource id (omit for the whole type)
    #[arg(long, value_name = "ID", conflicts_with = "request")]
    resource_id: Option<String>,
    /// The tenant the resource belongs to
    #[arg(long, value_name = "TENANT", conflicts_with = "request")]
    tenant_id: Option<String>,
    /// The source (engine) to decide on, for snapshots with several
    #[arg(long, conflicts_with = "request")]
    source: Option<String>,
    /// Decide under this profile instead of the snapshot's
    #[arg(long, value_enum, conflicts_with = "request")]
    profile: Option<ProfileArg>,
    /// The whole request as JSON, without a principal (anyOf, allOf, scopes, bundle, properties, …)
    #[arg(long, value_name = "JSON")]
    request: Option<String>,
}

impl QuestionArgs {
    /// The request as JSON.
    fn json(&self) -> String {
        if let Some(request) = &self.request {
            return request.clone();
        }
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        write_principal(
            &mut object,
            None,
            None,
            None,
            None,
            self.source.as_deref(),
            self.profile,
        );
        write_check(
            &mut object,
            self.permission.as_deref(),
            self.resource_type.as_deref(),
            self.resource_id.as_deref(),
            self.tenant_id.as_deref(),
        );
        object.end();
        text
    }
}

/// The check fields of a request: permission, type (a name or an id), id, tenant.
fn write_check(
    object: &mut ObjectWriter<'_>,
    permission: Option<&str>,
    resource_type: Option<&str>,
    resource_id: Option<&str>,
    tenant_id: Option<&str>,
) {
    object.opt_str("permission", permission);
    if let Some(resource_type) = resource_type {
        write_type(object, resource_type);
    }
    object
        .opt_str("resourceId", resource_id)
        .opt_str("tenantId", tenant_id);
}

/// The principal fields every document starts with, written as the wire
/// writes them (a claim's number kept as it was given).
#[allow(
    clippy::too_many_arguments,
    reason = "the principal's fields, each optional"
)]
fn write_principal(
    object: &mut ObjectWriter<'_>,
    user: Option<&str>,
    client: Option<&str>,
    claims: Option<&writ_core::json::Map>,
    groups: Option<&[String]>,
    source: Option<&str>,
    profile: Option<ProfileArg>,
) {
    object.opt_str("user", user).opt_str("client", client);
    if let Some(claims) = claims {
        writ_core::json::write_map(object.field("claims"), claims);
    }
    if let Some(groups) = groups {
        object.strs("groups", groups);
    }
    object.opt_str("source", source);
    if let Some(profile) = profile {
        object.str("profile", ProfileName::from(profile).as_str());
    }
}

impl PrincipalArgs {
    /// The principal and whatever `more` adds, as one JSON document.
    fn json(&self, more: impl FnOnce(&mut ObjectWriter<'_>)) -> String {
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        write_principal(
            &mut object,
            self.user.as_deref(),
            self.client.as_deref(),
            self.claims.as_ref(),
            self.groups.as_deref(),
            self.source.as_deref(),
            self.profile,
        );
        more(&mut object);
        object.end();
        text
    }
}

impl CheckArgs {
    /// The request the flags describe (as JSON), if they describe one.
    fn request(&self) -> Option<String> {
        if self.user.is_none() && self.client.is_none() {
            return None;
        }
        let mut text = String::new();
        let mut object = ObjectWriter::new(&mut text);
        write_principal(
            &mut object,
            self.user.as_deref(),
            self.client.as_deref(),
            self.claims.as_ref(),
            self.groups.as_deref(),
            self.source.as_deref(),
            self.profile,
        );
        write_check(
            &mut object,
            self.permission.as_deref(),
            self.resource_type.as_deref(),
            self.resource_id.as_deref(),
            self.tenant_id.as_deref(),
        );
        object.end();
        Some(text)
    }
}

/// `--claims '{"groups":["eng"]}'`.
fn parse_claims(text: &str) -> Result<writ_core::json::Map, String> {
    writ_core::wire::read(text).map_err(|error| format!("claims must be a JSON object: {error}"))
}

/// A type given on the command line: a name, or an integer id.
fn type_ref(text: &str) -> TypeRef {
    text.parse()
        .map_or_else(|_| TypeRef::Name(text.to_owned()), TypeRef::Id)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => error.report(),
    }
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let mut out = Output::new();
    let code = match cli.command {
        Command::Demo => demo::run(&mut out)?,
        Command::Validate { input } => {
            let decider = load_decider(&input)?;
            out.line(&summary(&decider))?;
            ExitCode::SUCCESS
        }
        Command::Check { query, explain } => check(&query, explain, &mut out)?,
        Command::Explain { query } => check(&query, true, &mut out)?,
        Command::Permissions {
            input,
            principal,
            resource_type,
            resource_id,
            tenant_id,
        } => {
            let decider = load_decider(&input)?;
            let question = principal.json(|object| {
                write_type(object, &resource_type);
                object
                    .opt_str("resourceId", resource_id.as_deref())
                    .opt_str("tenantId", tenant_id.as_deref());
            });
            let held = decider
                .permissions(&question)
                .map(|permissions| PermissionsDoc { permissions }.to_json());
            answer(held, &mut out)?
        }
        Command::List {
            input,
            principal,
            permission,
            resource_type,
        } => {
            let decider = load_decider(&input)?;
            let question = principal.json(|object| {
                object.str("permission", &permission);
                write_type(object, &resource_type);
            });
            answer(decider.list(&question), &mut out)?
        }
        Command::WhoCan {
            input,
            question,
            explain,
        } => {
            let decider = load_decider(&input)?;
            answer(decider.who_can(&question.json(), explain), &mut out)?
        }
        Command::Diff {
            old,
            new,
            user,
            resource_type,
            permission,
            summary,
            limits,
        } => {
            let before = load_document(&old, &limits)?;
            let after = load_document(&new, &limits)?;
            let options = writ_core::diff::DiffOptions {
                user,
                resource_type,
                permission,
            };
            let diff = writ_core::diff::diff(&before.0, &before.1, &after.0, &after.1, &options)
                .map_err(|error| CliError::input(error.code(), error.to_string()))?;
            if summary {
                out.line(&writ_core::diff::summary(&diff.changes))?;
            } else {
                for change in &diff.changes {
                    out.line(&change.to_json())?;
                }
            }
            if diff.changes.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DENIED)
            }
        }
        Command::Drift {
            input,
            eligible,
            members,
        } => {
            let (bytes, signature, keys, options) = read_snapshot(&input)?;
            let authorizer = Authorizer::from_signed(&bytes, signature.as_deref(), &keys, &options)
                .map_err(|error| located(&input.snapshot, error))?;
            let requests = eligible_requests(&authorizer, &eligible)?;
            let text = io::read_utf8(&members, "the members", 64 << 20, "io.unreadable")?;
            let members = member_ids(&text).map_err(|message| {
                CliError::input("usage.members", format!("{}: {message}", members.display()))
            })?;
            let drift = writ_core::diff::drift(&authorizer, &requests, &members)
                .map_err(|error| CliError::input(error.code(), format!("--eligible: {error}")))?;
            out.line(&drift.to_json())?;
            if drift.to_add.is_empty() && drift.to_remove.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DENIED)
            }
        }
        Command::Claims { input, principal } => {
            let decider = load_decider(&input)?;
            answer(decider.claims(&principal.json(|_| {})), &mut out)?
        }
        Command::Assign {
            input,
            group,
            user,
            access_control,
            collection,
            role,
        } => {
            let decider = load_decider(&input)?;
            let mut assignment = String::new();
            let mut object = ObjectWriter::new(&mut assignment);
            object
                .opt_str("user", user.as_deref())
                .opt_str("group", group.as_deref())
                .opt_str("accessControl", access_control.as_deref())
                .opt_str("collection", collection.as_deref())
                .opt_str("role", role.as_deref());
            object.end();
            let result = decider.check_assignment(&assignment);
            let allowed = result.as_ref().is_ok_and(|decision| allowed(decision));
            let code = answer(result, &mut out)?;
            if code == ExitCode::SUCCESS && !allowed {
                ExitCode::from(EXIT_DENIED)
            } else {
                code
            }
        }
        Command::Keygen { out: prefix } => keygen(&prefix, &mut out)?,
        Command::Serve {
            snapshot,
            listen,
            engine,
            watch,
            snapshot_url,
            poll,
            admin_token_file,
            verify_key,
            min_sequence,
            limits,
            explain_denies,
            public_url,
            www,
            log,
        } => {
            out.flush()?;
            if let Some(dir) = &www
                && !dir.is_dir()
            {
                return Err(CliError::input(
                    "io.not_found",
                    format!("--www {}: not a directory", dir.display()),
                ));
            }
            let source = match (snapshot, snapshot_url) {
                (Some(path), _) => writ_host::serve::SnapshotSource::File {
                    path,
                    signature: None,
                    watch,
                },
                (None, Some(url)) => writ_host::serve::SnapshotSource::Url {
                    url,
                    signature: None,
                },
                (None, None) if admin_token_file.is_some() => writ_host::serve::SnapshotSource::Put,
                (None, None) => {
                    return Err(CliError::input(
                        "usage.snapshot",
                        "give a snapshot file, --snapshot-url, or --admin-token-file to PUT one",
                    ));
                }
            };
            let mut config = writ_host::serve::ServeConfig::new(source);
            config.listen = listen;
            config.wasm = (engine == EngineArg::Wasm).then(HostConfig::default);
            config.explain_denies = explain_denies;
            config.public_url = public_url;
            config.www = www;
            config.poll = std::time::Duration::try_from_secs_f64(poll)
                .ok()
                .filter(|poll| !poll.is_zero())
                .ok_or_else(|| {
                    CliError::input("usage.poll", "--poll is a positive number of seconds")
                })?;
            config.load.min_sequence = min_sequence;
            for (name, value) in &limits {
                config
                    .load
                    .limits
                    .set(name, *value)
                    .map_err(|message| CliError::input("usage.limit", message))?;
            }
            config.body_limit = config.load.limits.request_bytes;
            for key in &verify_key {
                let text = io::read_utf8(key, "the public key", 64 << 10, "key.malformed")?;
                config
                    .keys
                    .push(PublicKey::from_jwk(&text).map_err(|error| {
                        CliError::input(error.code(), format!("{}: {error}", key.display()))
                    })?);
            }
            if let Some(file) = &admin_token_file {
                let token = io::read_utf8(file, "the admin token", 4 << 10, "io.unreadable")?;
                let token = token.trim();
                if token.len() < 16 {
                    return Err(CliError::input(
                        "usage.admin_token",
                        "the admin token must be at least 16 characters",
                    ));
                }
                config.admin_token = Some(token.to_owned());
            }
            serve(config, log.as_deref())?
        }
        Command::Guest { output } => {
            io::write_file(&output, writ_host::GUEST_WASM)?;
            out.line(&format!(
                "wrote {} ({} bytes): world `writ` of host/wit/writ.wit",
                output.display(),
                writ_host::GUEST_WASM.len()
            ))?;
            ExitCode::SUCCESS
        }
        Command::Sign {
            snapshot,
            key,
            output,
        } => sign(&snapshot, &key, output.as_deref(), &mut out)?,
        Command::Compile { input, output } => compile(&input, output.as_deref(), &mut out)?,
        Command::Import(ImportCommand::Camunda7 {
            dumps,
            output,
            revoke_mode,
            tenant_checks,
            admin_groups,
            revision,
        }) => import_camunda7(
            &dumps,
            &output,
            revoke_mode,
            tenant_checks,
            admin_groups,
            revision,
        )?,
        Command::Import(ImportCommand::Camunda8 {
            dump,
            output,
            tenant_checks,
            authorization_checks,
            revision,
        }) => {
            let text = read_dump(&dump)?;
            let parsed = writ_core::import::camunda8::parse_dump(&text).map_err(|error| {
                CliError::input(error.code(), format!("{}: {error}", dump.display()))
            })?;
            let options = writ_core::import::camunda8::ImportOptions {
                revision,
                tenant_checks: Some(tenant_checks == Switch::On),
                authorization_checks: Some(authorization_checks == Switch::On),
            };
            let imported = writ_core::import::camunda8::import(&parsed, &options)
                .map_err(|error| CliError::input(error.code(), error.to_string()))?;
            write_imported(imported.snapshot, &imported.warnings, &output)?
        }
        Command::Import(ImportCommand::Emporix {
            dumps,
            output,
            domains,
            predefined,
            revision,
        }) => {
            let mut parsed = Vec::with_capacity(dumps.len());
            for path in &dumps {
                let text = read_dump(path)?;
                let dump = writ_core::import::emporix::parse_dump(&text).map_err(|error| {
                    CliError::input(error.code(), format!("{}: {error}", path.display()))
                })?;
                parsed.push(dump);
            }
            let domains = match &domains {
                Some(path) => {
                    let text =
                        io::read_utf8(path, "the domains file", 1 << 30, "import.invalid_utf8")?;
                    writ_core::import::emporix::parse_domains(&text).map_err(|error| {
                        CliError::input(error.code(), format!("{}: {error}", path.display()))
                    })?
                }
                None => Vec::new(),
            };
            let mut kinds = std::collections::BTreeMap::new();
            for text in &predefined {
                let entry = text.split_once('=').and_then(|(group, kind)| {
                    Some((group, writ_core::import::emporix::predefined_group(kind)?))
                        .filter(|(group, _)| !group.is_empty())
                });
                let Some((group, kind)) = entry else {
                    return Err(CliError::input(
                        "usage.predefined",
                        format!(
                            "--predefined `{text}`: expected GROUP=KIND, KIND one of admin, buyer, requester, contact"
                        ),
                    ));
                };
                kinds.insert(group.to_owned(), kind);
            }
            let options = writ_core::import::emporix::ImportOptions {
                revision,
                domains,
                predefined: kinds,
            };
            let imported = writ_core::import::emporix::import(&parsed, &options)
                .map_err(|error| CliError::input(error.code(), error.to_string()))?;
            write_imported(imported.snapshot, &imported.warnings, &output)?
        }
        Command::Generate {
            users,
            groups,
            authorizations,
            seed,
            output,
        } => {
            let shape = writ_core::generate::Shape {
                users,
                groups,
                authorizations,
                ..writ_core::generate::Shape::BENCH
            };
            let text = serde_json::to_string(&writ_core::generate::camunda7(shape, seed))
                .map_err(|error| CliError::input("generate.failed", error.to_string()))?;
            match output {
                Some(path) => io::write_file(&path, text.as_bytes())?,
                None => out.line(&text)?,
            }
            ExitCode::SUCCESS
        }
    };
    out.flush()?;
    Ok(code)
}

/// A snapshot's bytes, signature, trusted keys and load options, as its
/// arguments say: the size limit applied while reading.
type SnapshotInput = (Vec<u8>, Option<Vec<u8>>, Vec<PublicKey>, LoadOptions);

fn read_snapshot(args: &SnapshotArgs) -> Result<SnapshotInput, CliError> {
    let mut options = LoadOptions {
        min_sequence: args.min_sequence,
        ..LoadOptions::default()
    };
    for (name, value) in &args.limits {
        options
            .limits
            .set(name, *value)
            .map_err(|message| CliError::input("usage.limit", message))?;
    }
    let path = &args.snapshot;
    let limits = options.limits;
    let bytes = io::read_bounded(path, "the snapshot", limits.snapshot_bytes, |_| {
        let error = writ_core::SnapshotError::Limit {
            path: ".".into(),
            code: "limit.snapshot_size",
            message: format!(
                "more than {0} bytes of snapshot text: over the limit `snapshotBytes` of {0}",
                limits.snapshot_bytes
            ),
        };
        located(path, error)
    })?;
    let keys = args
        .verify_key
        .iter()
        .map(|key| {
            let text = io::read_utf8(key, "the public key", 64 << 10, "key.malformed")?;
            PublicKey::from_jwk(&text).map_err(|error| {
                CliError::input(error.code(), format!("{}: {error}", key.display()))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let signature = match (&args.signature, keys.is_empty()) {
        (Some(file), _) => Some(read_signature(file)?),
        (None, true) => None,
        (None, false) if path.as_os_str() == "-" => {
            return Err(CliError::input(
                "signature.missing",
                "a snapshot read from stdin needs --signature FILE to be verified",
            ));
        }
        (None, false) => {
            let mut default = path.clone().into_os_string();
            default.push(".sig");
            let default = PathBuf::from(default);
            match std::fs::metadata(&default) {
                Ok(_) => Some(read_signature(&default)?),
                Err(_) => None, // `signature.missing`, from the core
            }
        }
    };
    Ok((bytes, signature, keys, options))
}

/// A snapshot's document and its authorizer, loaded natively (for `diff`).
fn load_document(
    path: &Path,
    limits: &[(String, usize)],
) -> Result<(SnapshotDoc, Authorizer), CliError> {
    let mut options = LoadOptions::default();
    for (name, value) in limits {
        options
            .limits
            .set(name, *value)
            .map_err(|message| CliError::input("usage.limit", message))?;
    }
    if std::fs::File::open(path).is_ok_and(|mut file| {
        let mut first = [0; 1];
        Read::read_exact(&mut file, &mut first).is_ok() && writ_core::compiled::is_compiled(&first)
    }) {
        return Err(CliError::input(
            "usage.compiled_snapshot",
            format!(
                "{}: a compiled snapshot; this command reads the JSON it was compiled from",
                path.display()
            ),
        ));
    }
    let text = io::read_utf8(
        path,
        "the snapshot",
        options.limits.snapshot_bytes,
        "snapshot.invalid_utf8",
    )?;
    let authorizer =
        Authorizer::from_json_with(&text, &options).map_err(|error| located(path, error))?;
    let doc = writ_core::snapshot::decode(&text).map_err(|error| located(path, error))?;
    Ok((doc, authorizer))
}

/// `--eligible`: one request, or `{"anyOf": [request, ...]}` of whole
/// requests (each may carry what a composite's checks cannot, e.g. Emporix
/// `scopes`): eligible when any allows.
fn eligible_requests(authorizer: &Authorizer, text: &str) -> Result<Vec<RequestDoc>, CliError> {
    let refused =
        |error: RequestError| CliError::input(error.code(), format!("--eligible: {error}"));
    match authorizer.decode::<RequestDoc>(text) {
        Ok(request) => Ok(vec![request]),
        Err(error) => {
            let Ok(serde_json::Value::Object(object)) = serde_json::from_str(text) else {
                return Err(refused(error));
            };
            let Some(serde_json::Value::Array(items)) =
                object.get("anyOf").filter(|_| object.len() == 1)
            else {
                return Err(refused(error));
            };
            items
                .iter()
                .map(|item| {
                    authorizer
                        .decode::<RequestDoc>(&item.to_string())
                        .map_err(refused)
                })
                .collect()
        }
    }
}

/// An external system's member ids: a JSON array of strings, or one per line
/// (blank lines, `#` comment lines and surrounding spaces ignored).
fn member_ids(text: &str) -> Result<Vec<String>, String> {
    if text.trim_start().starts_with('[') {
        return writ_core::json::from_str::<Vec<String>>(text)
            .map_err(|error| format!("a JSON array of ids: {error}"));
    }
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// Runs `writ serve` until SIGTERM or Ctrl-C.
fn serve(config: writ_host::serve::ServeConfig, log: Option<&str>) -> Result<ExitCode, CliError> {
    let filter = log
        .map(str::to_owned)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".into());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .map_err(|error| CliError::input("usage.log", format!("--log `{filter}`: {error}")))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            CliError::input("serve.start", format!("cannot start the runtime: {error}"))
        })?;
    runtime
        .block_on(writ_host::serve::run(config, std::future::pending()))
        .map_err(host_error)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads, verifies and loads a snapshot with the engine its arguments choose.
fn load_decider(args: &SnapshotArgs) -> Result<Decider, CliError> {
    let (bytes, signature, keys, options) = read_snapshot(args)?;
    let host = match args.engine {
        EngineArg::Native => None,
        EngineArg::Wasm => Some(Host::new(HostConfig::default()).map_err(host_error)?),
    };
    Decider::load(host.as_ref(), &bytes, signature.as_deref(), &keys, &options).map_err(|error| {
        CliError::input_owned(
            error.code().to_owned(),
            format!("{}: {}", args.snapshot.display(), located_message(&error)),
        )
    })
}

/// A snapshot error's words as the native loader prints them (`` `path`: …``).
fn located_message(error: &HostError) -> String {
    error.message().to_owned()
}

fn host_error(error: HostError) -> CliError {
    CliError::input_owned(error.code().to_owned(), error.message().to_owned())
}

/// One line describing a loaded snapshot.
fn summary(decider: &Decider) -> String {
    demo::summary_of(decider.revision(), decider.profile(), decider.stats())
}

/// Whether a `Decision` JSON allows (it always starts with `allowed`).
fn allowed(decision: &str) -> bool {
    decision.starts_with(r#"{"allowed":true"#)
}

/// A resource type from the command line into a question: a name as a
/// string, an integer id as a number.
fn write_type(object: &mut ObjectWriter<'_>, resource_type: &str) {
    match type_ref(resource_type) {
        TypeRef::Id(id) => {
            object.u64("resourceType", u64::from(id));
        }
        TypeRef::Name(name) => {
            object.str("resourceType", &name);
        }
    }
}

fn read_signature(path: &Path) -> Result<Vec<u8>, CliError> {
    io::read_bounded(path, "the signature", 64 << 10, |_| {
        CliError::input(
            "signature.malformed",
            format!("{}: a signature is far smaller than 64 KB", path.display()),
        )
    })
}

/// A snapshot error, naming the file: `org.json: `users[0]`: …`.
fn located(path: &Path, error: writ_core::SnapshotError) -> CliError {
    CliError::input(error.code(), format!("{}: {error}", path.display()))
}

fn keygen(prefix: &Path, out: &mut Output) -> Result<ExitCode, CliError> {
    let with = |extension: &str| {
        let mut path = prefix.as_os_str().to_owned();
        path.push(extension);
        PathBuf::from(path)
    };
    let (private, public) = (with(".key"), with(".pub"));
    for path in [&private, &public] {
        if path.exists() {
            return Err(CliError::input(
                "io.exists",
                format!(
                    "`{}` exists; writ keygen does not overwrite keys",
                    path.display()
                ),
            ));
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|error| CliError::input("io.random", format!("no system randomness: {error}")))?;
    let key = PrivateKey::from_seed(seed);
    write_private(&private, format!("{}\n", key.to_jwk()).as_bytes())?;
    io::write_file(
        &public,
        format!("{}\n", key.public_key().to_jwk()).as_bytes(),
    )?;
    out.line(&format!(
        "wrote {} (keep it secret) and {}; key id {}",
        private.display(),
        public.display(),
        key.public_key().kid()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// A private key's file: created new, readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let described = format!("`{}`", path.display());
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|error| CliError::write(&described, &error))
}

/// `writ compile`: load (verified, if keys are given) natively, write the compiled form.
fn compile(
    input: &SnapshotArgs,
    output: Option<&Path>,
    out: &mut Output,
) -> Result<ExitCode, CliError> {
    let target = match output {
        Some(path) => path.to_owned(),
        None if input.snapshot.as_os_str() == "-" => {
            return Err(CliError::input(
                "usage.output",
                "a snapshot read from stdin needs --output FILE for its compiled form",
            ));
        }
        None => input.snapshot.with_extension("writ"),
    };
    if target == input.snapshot {
        return Err(CliError::input(
            "usage.output",
            format!(
                "{}: the compiled form would overwrite the snapshot it is compiled from; give --output",
                target.display()
            ),
        ));
    }
    let (bytes, signature, keys, options) = read_snapshot(input)?;
    let authorizer = Authorizer::from_signed(&bytes, signature.as_deref(), &keys, &options)
        .map_err(|error| located(&input.snapshot, error))?;
    let compiled = authorizer.compile();
    io::write_file(&target, &compiled)?;
    out.line(&format!(
        "wrote {}: {} bytes, compiled from {} bytes ({})",
        target.display(),
        compiled.len(),
        bytes.len(),
        demo::summary_of(
            authorizer.revision(),
            authorizer.profile(),
            authorizer.stats()
        )
        .trim_start_matches("ok: "),
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn sign(
    snapshot: &Path,
    key: &Path,
    output: Option<&Path>,
    out: &mut Output,
) -> Result<ExitCode, CliError> {
    let key_text = io::read_utf8(key, "the private key", 64 << 10, "key.malformed")?;
    let key = PrivateKey::from_jwk(&key_text)
        .map_err(|error| CliError::input(error.code(), format!("{}: {error}", key.display())))?;
    let limit = writ_core::Limits::default().snapshot_bytes;
    let bytes = io::read_bounded(snapshot, "the snapshot", limit, |_| {
        CliError::input(
            "limit.snapshot_size",
            format!(
                "{}: more than {limit} bytes of snapshot text: over the limit `snapshotBytes` of {limit}",
                snapshot.display()
            ),
        )
    })?;
    // Never sign what would not load.
    let authorizer = Authorizer::from_bytes(&bytes, &LoadOptions::default())
        .map_err(|error| located(snapshot, error))?;
    let target = match output {
        Some(path) => path.to_owned(),
        None if snapshot.as_os_str() == "-" => {
            return Err(CliError::input(
                "usage.output",
                "a snapshot read from stdin needs --output FILE for its signature",
            ));
        }
        None => {
            let mut path = snapshot.as_os_str().to_owned();
            path.push(".sig");
            PathBuf::from(path)
        }
    };
    io::write_file(&target, format!("{}\n", key.sign(&bytes)).as_bytes())?;
    out.line(&format!(
        "wrote {}: signed by key {} ({})",
        target.display(),
        key.public_key().kid(),
        demo::summary(&authorizer)
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// An import dump's text (at most 1 GiB).
fn read_dump(path: &Path) -> Result<String, CliError> {
    io::read_utf8(path, "the dump", 1 << 30, "import.invalid_utf8")
}

/// Prints a one-shot answer (JSON), or its error as an error line (exit 2).
fn answer(result: Result<String, HostError>, out: &mut Output) -> Result<ExitCode, CliError> {
    match result {
        Ok(json) => {
            out.line(&json)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            out.line(&error_line(&error))?;
            Ok(ExitCode::from(EXIT_INPUT))
        }
    }
}

/// `{"error": {...}}` for a request that could not be answered.
fn error_line(error: &HostError) -> String {
    ErrorLine {
        error: ErrorDoc {
            code: error.code().to_owned(),
            message: error.message().to_owned(),
        },
    }
    .to_json()
}

/// One request's decision line: `{"allowed":…}`, or explained.
fn decide(decider: &Decider, request: &str, explain: bool) -> Result<(bool, String), HostError> {
    if explain {
        let decision = decider.explain(request)?;
        Ok((allowed(&decision), decision))
    } else {
        decider.check_line(request)
    }
}

fn check(query: &CheckArgs, explain: bool, out: &mut Output) -> Result<ExitCode, CliError> {
    let decider = load_decider(&query.input)?;
    if let Some(request) = query.request() {
        return Ok(match decide(&decider, &request, explain) {
            Ok((allowed, line)) => {
                out.line(&line)?;
                if allowed {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(EXIT_DENIED)
                }
            }
            Err(error) => {
                out.line(&error_line(&error))?;
                ExitCode::from(EXIT_INPUT)
            }
        });
    }
    let input = BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
    stream(&decider, explain, input, out)?;
    Ok(ExitCode::SUCCESS)
}

/// One decision line per request line, in order, in constant memory. Output is
/// flushed whenever the input has nothing more buffered, so `writ check` works
/// both for bulk pipes and as an interactive coprocess. A line that cannot be
/// answered — too long, not UTF-8, not a request — is an error line, and the
/// stream goes on.
fn stream<R: Read>(
    decider: &Decider,
    explain: bool,
    mut input: BufReader<R>,
    out: &mut Output,
) -> Result<(), CliError> {
    let limits = decider.limits();
    let mut scratch = Vec::new();
    loop {
        // Nothing buffered means the next read may block: answer what we have first.
        if input.buffer().is_empty() {
            out.flush()?;
        }
        let line = io::next_line(&mut input, limits.request_bytes, &mut scratch)
            .map_err(|error| CliError::read("standard input", &error))?;
        let answer = match line {
            None => break,
            Some(Line::TooLong(length)) => Err(HostError::from(
                limits
                    .request(length)
                    .err()
                    .unwrap_or_else(|| RequestError::Malformed {
                        message: "the line is too long".into(),
                    }),
            )),
            Some(Line::Text(bytes)) => match std::str::from_utf8(&bytes) {
                Ok(text) => decide(decider, text, explain).map(|(_, line)| line),
                Err(error) => Err(HostError::from(RequestError::InvalidUtf8 {
                    message: format!("invalid UTF-8 at byte {} of the line", error.valid_up_to()),
                })),
            },
        };
        match answer {
            Ok(line) => out.line(&line)?,
            Err(error) => out.line(&error_line(&error))?,
        }
    }
    Ok(())
}

fn import_camunda7(
    dumps: &[PathBuf],
    output: &Path,
    revoke_mode: RevokeArg,
    tenant_checks: Switch,
    admin_groups: Vec<String>,
    revision: Option<String>,
) -> Result<ExitCode, CliError> {
    let mut parsed = Vec::with_capacity(dumps.len());
    for path in dumps {
        let text = read_dump(path)?;
        let dump = import7::parse_dump(&text).map_err(|error| {
            CliError::input(error.code(), format!("{}: {error}", path.display()))
        })?;
        parsed.push(dump);
    }
    let options = import7::ImportOptions {
        revoke_mode: match revoke_mode {
            RevokeArg::Auto => RevokeMode::Auto,
            RevokeArg::Always => RevokeMode::Always,
            RevokeArg::Never => RevokeMode::Never,
        },
        tenant_checks: tenant_checks == Switch::On,
        admin_groups,
        revision,
    };
    let imported = import7::import(&parsed, &options)
        .map_err(|error| CliError::input(error.code(), error.to_string()))?;
    write_imported(imported.snapshot, &imported.warnings, output)
}

/// Reports warnings, refuses a snapshot that would not load, and writes it.
fn write_imported(
    snapshot: SnapshotDoc,
    warnings: &[String],
    output: &Path,
) -> Result<ExitCode, CliError> {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    for warning in warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    // Never write a snapshot that would not load.
    let authorizer = Authorizer::from_doc(&snapshot).map_err(|error| {
        CliError::input(
            error.code(),
            format!("the imported snapshot is invalid: {error}"),
        )
    })?;
    let text = serde_json::to_string_pretty(&snapshot)
        .map_err(|error| CliError::input("import.malformed", error.to_string()))?;
    io::write_file(output, (text + "\n").as_bytes())?;
    let _ = writeln!(
        stderr,
        "wrote {}: {}",
        output.display(),
        demo::summary(&authorizer)
    );
    Ok(ExitCode::SUCCESS)
}
