//! `writ`: decide, explain and list authorization questions over a snapshot.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use writ_core::import::camunda7 as import7;
use writ_core::wire::{
    AssignmentDoc, DecisionDoc, Encode, ErrorLine, PermissionsDoc, PrincipalDoc, ProfileName,
    RequestDoc, RevokeMode, TypeRef,
};
use writ_core::{Authorizer, RequestError};

mod demo;

/// Exit code for a single check that was denied.
const EXIT_DENIED: u8 = 1;
/// Exit code for usage errors and bad input (snapshot, request, dump).
const EXIT_INPUT: u8 = 2;

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
        writ import camunda7 engine-dump.json -o org.json\n\n\
        Exit codes: 0 success (a single check: allowed), 1 a single check denied, 2 usage or input error."
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
        /// The snapshot file (`-` for stdin)
        snapshot: PathBuf,
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
        A malformed line yields {\"error\":{\"code\":…,\"message\":…}} and the rest continue."
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
        /// The snapshot file
        snapshot: PathBuf,
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
        /// The snapshot file
        snapshot: PathBuf,
        #[command(flatten)]
        principal: PrincipalArgs,
        #[arg(long)]
        permission: String,
        #[arg(long, value_name = "TYPE")]
        resource_type: String,
    },
    /// What tokens would carry: Management Identity's permissions.{audience} claim, Emporix's scopes
    Claims {
        /// The snapshot file
        snapshot: PathBuf,
        #[command(flatten)]
        principal: PrincipalArgs,
    },
    /// Whether a proposed Emporix assignment keeps the invariants (exit 1 when refused)
    Assign {
        /// The snapshot file
        snapshot: PathBuf,
        /// The group assigned to
        #[arg(long)]
        group: String,
        /// A user to put into the group
        #[arg(long, required_unless_present = "access_control")]
        user: Option<String>,
        /// An access control to attach to the group
        #[arg(long)]
        access_control: Option<String>,
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
    /// The snapshot file
    snapshot: PathBuf,
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

impl PrincipalArgs {
    fn into_doc(self) -> PrincipalDoc {
        PrincipalDoc {
            user: self.user,
            client: self.client,
            claims: self.claims,
            groups: self.groups,
            source: self.source,
            profile: self.profile.map(Into::into),
        }
    }
}

impl CheckArgs {
    /// The request the flags describe, if they describe one.
    fn request(&self) -> Option<RequestDoc> {
        if self.user.is_none() && self.client.is_none() {
            return None;
        }
        Some(RequestDoc {
            user: self.user.clone(),
            client: self.client.clone(),
            claims: self.claims.clone(),
            groups: self.groups.clone(),
            tenant_id: self.tenant_id.clone(),
            source: self.source.clone(),
            profile: self.profile.map(Into::into),
            permission: self.permission.clone(),
            resource_type: self.resource_type.as_deref().map(type_ref),
            resource_id: self.resource_id.clone(),
            ..RequestDoc::default()
        })
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
        Err(error) => {
            eprintln!("writ: {error:#}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo => demo::run(),
        Command::Validate { snapshot } => {
            let authorizer = load(&snapshot)?;
            println!("{}", demo::summary(&authorizer));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { query, explain } => check(&query, explain),
        Command::Explain { query } => check(&query, true),
        Command::Permissions {
            snapshot,
            principal,
            resource_type,
            resource_id,
            tenant_id,
        } => {
            let authorizer = load(&snapshot)?;
            let held = authorizer
                .principal(&principal.into_doc())
                .and_then(|principal| {
                    let held = authorizer.permissions(
                        &principal,
                        &type_ref(&resource_type),
                        resource_id.as_deref(),
                        tenant_id.as_deref(),
                    )?;
                    Ok(PermissionsDoc { permissions: held })
                });
            answer(held)
        }
        Command::List {
            snapshot,
            principal,
            permission,
            resource_type,
        } => {
            let authorizer = load(&snapshot)?;
            let view = authorizer
                .principal(&principal.into_doc())
                .and_then(|principal| {
                    authorizer.list(&principal, &permission, &type_ref(&resource_type))
                });
            answer(view)
        }
        Command::Claims {
            snapshot,
            principal,
        } => {
            let authorizer = load(&snapshot)?;
            answer(
                authorizer
                    .principal(&principal.into_doc())
                    .map(|principal| authorizer.claims(&principal)),
            )
        }
        Command::Assign {
            snapshot,
            group,
            user,
            access_control,
        } => {
            let authorizer = load(&snapshot)?;
            let result = authorizer.check_assignment(&AssignmentDoc {
                user,
                group,
                access_control,
            });
            let allowed = result.as_ref().is_ok_and(|decision| decision.allowed);
            let code = answer(result)?;
            Ok(if code == ExitCode::SUCCESS && !allowed {
                ExitCode::from(EXIT_DENIED)
            } else {
                code
            })
        }
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
        ),
        Command::Import(ImportCommand::Camunda8 {
            dump,
            output,
            tenant_checks,
            authorization_checks,
            revision,
        }) => {
            let text = std::fs::read_to_string(&dump)
                .with_context(|| format!("cannot read `{}`", dump.display()))?;
            let parsed = writ_core::import::camunda8::parse_dump(&text).map_err(|error| {
                anyhow::anyhow!("error[{}]: {}: {error}", error.code(), dump.display())
            })?;
            let options = writ_core::import::camunda8::ImportOptions {
                revision,
                tenant_checks: Some(tenant_checks == Switch::On),
                authorization_checks: Some(authorization_checks == Switch::On),
            };
            let imported = writ_core::import::camunda8::import(&parsed, &options)
                .map_err(|error| anyhow::anyhow!("error[{}]: {error}", error.code()))?;
            write_imported(imported.snapshot, &imported.warnings, &output)
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
            let text = serde_json::to_string(&writ_core::generate::camunda7(shape, seed))?;
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write `{}`", path.display()))?,
                None => println!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads a snapshot, reporting a rejection as `error[code]: message`.
fn load(path: &Path) -> anyhow::Result<Authorizer> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("cannot read the snapshot from stdin")?
    } else {
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?
    };
    Authorizer::from_json(&text)
        .map_err(|error| anyhow::anyhow!("error[{}]: {}: {error}", error.code(), path.display()))
}

/// Prints a one-shot answer, or its error as an error line (exit 2).
fn answer<T: Encode>(result: Result<T, RequestError>) -> anyhow::Result<ExitCode> {
    match result {
        Ok(value) => {
            println!("{}", value.to_json());
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("{}", error_line(&error));
            Ok(ExitCode::from(EXIT_INPUT))
        }
    }
}

/// `{"error": {...}}` for a request that could not be answered.
fn error_line(error: &RequestError) -> String {
    ErrorLine {
        error: error.to_doc(),
    }
    .to_json()
}

fn decide(
    authorizer: &Authorizer,
    request: &RequestDoc,
    explain: bool,
) -> Result<DecisionDoc, RequestError> {
    if explain {
        authorizer.explain(request)
    } else {
        authorizer.check(request).map(|allowed| DecisionDoc {
            allowed,
            explanation: None,
        })
    }
}

fn check(query: &CheckArgs, explain: bool) -> anyhow::Result<ExitCode> {
    let authorizer = load(&query.snapshot)?;
    if let Some(request) = query.request() {
        return Ok(match decide(&authorizer, &request, explain) {
            Ok(decision) => {
                println!("{}", decision.to_json());
                if decision.allowed {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(EXIT_DENIED)
                }
            }
            Err(error) => {
                println!("{}", error_line(&error));
                ExitCode::from(EXIT_INPUT)
            }
        });
    }
    let input = BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
    stream(&authorizer, explain, input, std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

/// One decision line per request line, in order, in constant memory. Output is
/// flushed whenever the input has nothing more buffered, so `writ check` works
/// both for bulk pipes and as an interactive coprocess.
fn stream<R: Read>(
    authorizer: &Authorizer,
    explain: bool,
    mut input: BufReader<R>,
    output: impl Write,
) -> anyhow::Result<()> {
    let mut output = BufWriter::with_capacity(64 * 1024, output);
    let mut line = String::new();
    let mut written = String::new();
    loop {
        // Nothing buffered means the next read may block: answer what we have first.
        if input.buffer().is_empty() {
            output.flush()?;
        }
        line.clear();
        if input.read_line(&mut line).context("cannot read stdin")? == 0 {
            break;
        }
        let answer = writ_core::wire::decode::<RequestDoc>(&line)
            .and_then(|request| decide(authorizer, &request, explain));
        written.clear();
        match answer {
            Ok(decision) => decision.write_json(&mut written),
            Err(error) => ErrorLine {
                error: error.to_doc(),
            }
            .write_json(&mut written),
        }
        written.push('\n');
        output.write_all(written.as_bytes())?;
    }
    output.flush()?;
    Ok(())
}

fn import_camunda7(
    dumps: &[PathBuf],
    output: &Path,
    revoke_mode: RevokeArg,
    tenant_checks: Switch,
    admin_groups: Vec<String>,
    revision: Option<String>,
) -> anyhow::Result<ExitCode> {
    let mut parsed = Vec::with_capacity(dumps.len());
    for path in dumps {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let dump = import7::parse_dump(&text).map_err(|error| {
            anyhow::anyhow!("error[{}]: {}: {error}", error.code(), path.display())
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
        .map_err(|error| anyhow::anyhow!("error[{}]: {error}", error.code()))?;
    write_imported(imported.snapshot, &imported.warnings, output)
}

/// Reports warnings, refuses a snapshot that would not load, and writes it.
fn write_imported(
    snapshot: writ_core::wire::SnapshotDoc,
    warnings: &[String],
    output: &Path,
) -> anyhow::Result<ExitCode> {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    // Never write a snapshot that would not load.
    let authorizer = Authorizer::from_doc(&snapshot).map_err(|error| {
        anyhow::anyhow!(
            "error[{}]: the imported snapshot is invalid: {error}",
            error.code()
        )
    })?;
    let text = serde_json::to_string_pretty(&snapshot)?;
    std::fs::write(output, text + "\n")
        .with_context(|| format!("cannot write `{}`", output.display()))?;
    eprintln!("wrote {}: {}", output.display(), demo::summary(&authorizer));
    Ok(ExitCode::SUCCESS)
}
