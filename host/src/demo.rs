//! `writ demo`: the embedded example organisation, a dozen questions, and a table
//! of the answers with their explanations.

use std::fmt::Write as _;
use std::process::ExitCode;

use writ_core::wire::RequestDoc;
use writ_core::{Authorizer, RequestError};

use crate::io::{CliError, Output};

const ORGANISATION: &str = include_str!("../demo/org.json");
const REQUESTS: &str = include_str!("../demo/requests.jsonl");

/// One line describing a loaded snapshot.
pub(crate) fn summary(authorizer: &Authorizer) -> String {
    summary_of(
        authorizer.revision(),
        authorizer.profile(),
        authorizer.stats(),
    )
}

/// One line describing a loaded snapshot, from what it says of itself.
pub(crate) fn summary_of(
    revision: Option<&str>,
    profile: writ_core::wire::ProfileName,
    stats: writ_core::Stats,
) -> String {
    format!(
        "ok: revision {}, profile {}, {} source(s), {} users, {} groups, {} tenants, {} authorizations",
        revision.unwrap_or("(none)"),
        profile.as_str(),
        stats.sources,
        stats.users,
        stats.groups,
        stats.tenants,
        stats.authorizations,
    )
}

pub(crate) fn run(out: &mut Output) -> Result<ExitCode, CliError> {
    let authorizer = Authorizer::from_json(ORGANISATION)?;
    out.line("writ demo: the embedded example organisation (host/demo/org.json)")?;
    out.line(&format!("{}\n", summary(&authorizer)))?;
    let mut rows = vec![[
        "user".to_owned(),
        "asks".into(),
        "decision".into(),
        "rule".into(),
        "why (deciding rows)".into(),
    ]];
    for line in REQUESTS.lines().filter(|line| !line.trim().is_empty()) {
        let demo_error =
            |error: RequestError| CliError::input(error.code(), format!("{line}: {error}"));
        let request: RequestDoc = writ_core::wire::decode(line).map_err(demo_error)?;
        let decision = authorizer.explain(&request).map_err(demo_error)?;
        let Some(explanation) = decision.explanation else {
            return Err(CliError::input(
                "demo.unexplained",
                format!("no explanation for {line}"),
            ));
        };
        let why = if explanation.rows.is_empty() {
            explanation.reason
        } else {
            format!("{} ({})", explanation.reason, explanation.rows.join(", "))
        };
        rows.push([
            request.user.clone().unwrap_or_default(),
            question(&request),
            if decision.allowed {
                "ALLOW".into()
            } else {
                "deny".into()
            },
            explanation.rule,
            why,
        ]);
    }
    out.text(&table(&rows))?;
    out.line(
        "\nTry: writ explain host/demo/org.json --user gonzo --permission READ --resource-type PROCESS_DEFINITION --resource-id invoice",
    )?;
    Ok(ExitCode::SUCCESS)
}

/// "READ on PROCESS_DEFINITION invoice [tenant apac] (optimize)".
fn question(request: &RequestDoc) -> String {
    let mut text = match (
        &request.permission,
        &request.resource_type,
        &request.any_of,
        &request.all_of,
    ) {
        (Some(permission), Some(ty), _, _) => {
            format!(
                "{permission} on {ty} {}",
                request.resource_id.as_deref().unwrap_or("*")
            )
        }
        (_, _, Some(list), _) | (_, _, _, Some(list)) => {
            let kind = if request.any_of.is_some() {
                "any of"
            } else {
                "all of"
            };
            let parts: Vec<String> = list
                .iter()
                .map(|check| {
                    format!(
                        "{} on {} {}",
                        check.permission,
                        check.resource_type,
                        check.resource_id.as_deref().unwrap_or("*")
                    )
                })
                .collect();
            format!("{kind}: {}", parts.join(" | "))
        }
        _ => "?".into(),
    };
    if let Some(tenant) = &request.tenant_id {
        let _ = write!(text, " [tenant {tenant}]");
    }
    if let Some(profile) = request.profile {
        let _ = write!(text, " ({})", profile.as_str());
    }
    text
}

fn table(rows: &[[String; 5]]) -> String {
    let mut widths = [0usize; 5];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|&width| "-".repeat(width)).collect();
            let _ = writeln!(out, "{}", rule.join("  "));
        }
    }
    out
}
