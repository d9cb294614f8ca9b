//! The Camunda 7 engine's precedence rule (`SEMANTICS.md` §1): user rows before
//! group rows before GLOBAL rows; inside a level, a specific grant, a specific
//! revoke, a wildcard grant, a wildcard revoke. First match decides.

use crate::index::Entry;
use crate::model::{Owner, ResIx, Row, Source, TypeIx, WILDCARD};
use crate::principal::SourcePrincipal;
use crate::wire::{AuthorizationType, Level};

/// The three-valued result the engine's composite checks need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Allow,
    Deny,
    NoMatch,
}

/// Which resource a check names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// No id, or `"*"`: only wildcard rows are consulted.
    Any,
    /// A specific id; `None` when no row of this source names it.
    Id(Option<ResIx>),
}

/// One permission (as bits) on one resource, resolved against one source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Query {
    pub ty: TypeIx,
    pub bits: u32,
    pub target: Target,
}

/// One position in the precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    pub level: Level,
    pub specific: bool,
    pub revoke: bool,
}

impl Step {
    const fn new(level: Level, specific: bool, revoke: bool) -> Self {
        Self {
            level,
            specific,
            revoke,
        }
    }

    fn outcome(self) -> Outcome {
        if self.revoke {
            Outcome::Deny
        } else {
            Outcome::Allow
        }
    }
}

/// The whole precedence order, first to last.
const STEPS: [Step; 12] = [
    Step::new(Level::User, true, false),
    Step::new(Level::User, true, true),
    Step::new(Level::User, false, false),
    Step::new(Level::User, false, true),
    Step::new(Level::Group, true, false),
    Step::new(Level::Group, true, true),
    Step::new(Level::Group, false, false),
    Step::new(Level::Group, false, true),
    Step::new(Level::Global, true, false),
    Step::new(Level::Global, true, true),
    Step::new(Level::Global, false, false),
    Step::new(Level::Global, false, true),
];

/// Whether a row takes part in a step for permission bits `p`. GLOBAL rows serve
/// both as grants (holding every bit of `p`) and, with revokes on, as revokes
/// (lacking some bit of `p`).
fn qualifies(entry: &Entry, revoke_step: bool, p: u32) -> bool {
    match (entry.kind, revoke_step) {
        (AuthorizationType::Grant | AuthorizationType::Global, false) => entry.mask & p == p,
        (AuthorizationType::Revoke | AuthorizationType::Global, true) => entry.mask & p != p,
        _ => false,
    }
}

/// The rows of one step that decide for this query, in index order.
fn step_entries<'s>(
    source: &'s Source,
    principal: &'s SourcePrincipal,
    query: Query,
    step: Step,
) -> impl Iterator<Item = &'s Entry> + 's {
    let resource = match (step.specific, query.target) {
        (false, _) => Some(WILDCARD),
        (true, Target::Id(id)) => id,
        (true, Target::Any) => None,
    };
    let enabled = resource.is_some() && (!step.revoke || principal.revokes);
    let resource = resource.unwrap_or(WILDCARD);
    let (user, groups, global): (Option<Owner>, &[u32], bool) = match step.level {
        Level::User => (principal.user.map(Owner::User), &[], false),
        Level::Group => (None, &principal.groups, false),
        Level::Global => (None, &[], true),
    };
    let owners = user
        .into_iter()
        .chain(groups.iter().map(|&group| Owner::Group(group)))
        .chain(global.then_some(Owner::Global))
        .filter(move |_| enabled);
    owners
        .flat_map(move |owner| source.index.rows_on(owner, query.ty, resource))
        .filter(move |entry| qualifies(entry, step.revoke, query.bits))
}

/// The engine's check without tenant or switch handling: the hot path.
///
/// The same order as [`STEPS`], walked level by level: one pass over each owner's
/// specific and wildcard rows records which of the level's four steps match
/// (bits 0–3 in step order), and the lowest set bit decides. Two index lookups
/// per owner, no allocation. [`explain`] walks [`STEPS`] one by one; the
/// conformance runner checks that both agree on every vector.
pub(crate) fn decide(source: &Source, principal: &SourcePrincipal, query: Query) -> Outcome {
    const SPECIFIC_GRANT: u8 = 1;
    const SPECIFIC_REVOKE: u8 = 2;
    const WILDCARD_GRANT: u8 = 4;
    const WILDCARD_REVOKE: u8 = 8;
    let specific = match query.target {
        Target::Id(Some(id)) => Some(id),
        Target::Id(None) | Target::Any => None,
    };
    let enabled = if principal.revokes {
        0b1111
    } else {
        SPECIFIC_GRANT | WILDCARD_GRANT
    };
    let matches = |owner: Owner| -> u8 {
        let mut found = 0;
        if let Some(id) = specific {
            for entry in source.index.rows_on(owner, query.ty, id) {
                found |= if qualifies(entry, false, query.bits) {
                    SPECIFIC_GRANT
                } else {
                    0
                } | if qualifies(entry, true, query.bits) {
                    SPECIFIC_REVOKE
                } else {
                    0
                };
            }
        }
        for entry in source.index.rows_on(owner, query.ty, WILDCARD) {
            found |= if qualifies(entry, false, query.bits) {
                WILDCARD_GRANT
            } else {
                0
            } | if qualifies(entry, true, query.bits) {
                WILDCARD_REVOKE
            } else {
                0
            };
        }
        found & enabled
    };
    let levels = [
        principal.user.map_or(0, |user| matches(Owner::User(user))),
        principal
            .groups
            .iter()
            .fold(0, |found, &group| found | matches(Owner::Group(group))),
        matches(Owner::Global),
    ];
    for found in levels {
        if found != 0 {
            // Revoke steps sit at odd bit positions (1 and 3).
            return if found.trailing_zeros() % 2 == 1 {
                Outcome::Deny
            } else {
                Outcome::Allow
            };
        }
    }
    Outcome::NoMatch
}

/// A decision with the rows that made it and the rows it beat.
#[derive(Debug, Clone)]
pub(crate) struct Explained {
    pub outcome: Outcome,
    pub rule: &'static str,
    pub reason: String,
    pub level: Option<Level>,
    pub rows: Vec<String>,
    pub overridden: Vec<String>,
}

/// The same walk as [`decide`], collecting every row of the deciding step and of
/// the first later step that would have decided the other way.
pub(crate) fn explain(
    source: &Source,
    principal: &SourcePrincipal,
    query: Query,
    permission: &str,
) -> Explained {
    let rows_of = |step: Step| -> Vec<&Row> {
        step_entries(source, principal, query, step)
            .map(|entry| source.row(entry.row))
            .collect()
    };
    let mut steps = STEPS.iter().copied();
    let Some((step, rows)) = steps
        .by_ref()
        .map(|step| (step, rows_of(step)))
        .find(|(_, rows)| !rows.is_empty())
    else {
        return Explained {
            outcome: Outcome::NoMatch,
            rule: "no_match",
            reason: "no authorization matched".into(),
            level: None,
            rows: Vec::new(),
            overridden: Vec::new(),
        };
    };
    let beaten = steps
        .filter(|later| later.revoke != step.revoke)
        .map(|later| (later, rows_of(later)))
        .find(|(_, rows)| !rows.is_empty());
    let what = |step: Step, rows: &[&Row]| describe(step, rows, source, permission);
    let (rule, reason) = match &beaten {
        None => ("camunda7.match", what(step, &rows)),
        Some((later, later_rows)) => {
            let rule = if later.level != step.level {
                "camunda7.level"
            } else if later.specific != step.specific {
                "camunda7.specificity"
            } else {
                "camunda7.grant_before_revoke"
            };
            (
                rule,
                format!("{} beats {}", what(step, &rows), what(*later, later_rows)),
            )
        }
    };
    Explained {
        outcome: step.outcome(),
        rule,
        reason,
        level: Some(step.level),
        rows: rows.iter().map(|row| row.id.to_string()).collect(),
        overridden: beaten
            .map(|(_, rows)| rows.iter().map(|row| row.id.to_string()).collect())
            .unwrap_or_default(),
    }
}

/// "user-level grant on `invoice`", "group-level revoke on `*`", "global authorization on `*` lacking `READ`".
fn describe(step: Step, rows: &[&Row], source: &Source, permission: &str) -> String {
    let on = rows
        .first()
        .map_or("*", |row| source.resources.name(row.resource));
    match (step.level, step.revoke) {
        (Level::Global, false) => format!("global grant on `{on}`"),
        (Level::Global, true) => format!("global authorization on `{on}` lacking `{permission}`"),
        (level, revoke) => {
            let kind = if revoke { "revoke" } else { "grant" };
            format!("{}-level {kind} on `{on}`", level.as_str())
        }
    }
}

/// Whether the principal is a member of `tenant` directly or through a group.
pub(crate) fn tenant_member(
    source: &Source,
    principal: &SourcePrincipal,
    tenant: Option<u32>,
) -> bool {
    let Some(tenant) = tenant else { return false };
    let direct = principal
        .user
        .and_then(|user| source.user_tenants.get(user as usize))
        .is_some_and(|tenants| tenants.contains(&tenant));
    direct
        || principal.groups.iter().any(|&group| {
            source
                .group_tenants
                .get(group as usize)
                .is_some_and(|tenants| tenants.contains(&tenant))
        })
}

/// What a list view may show under the engine's rules: with revokes on, exactly
/// the ids the check allows; with revokes off, a plain OR over GLOBAL and GRANT
/// rows (those with `userId = "*"` included).
pub(crate) fn list(
    source: &Source,
    principal: &SourcePrincipal,
    ty: TypeIx,
    bits: u32,
) -> (bool, Vec<ResIx>) {
    let owners: Vec<Owner> = principal
        .user
        .map(Owner::User)
        .into_iter()
        .chain(principal.groups.iter().map(|&group| Owner::Group(group)))
        .chain([Owner::AnyUser, Owner::Global])
        .collect();
    if principal.revokes {
        let query = |target| Query { ty, bits, target };
        let everything = decide(source, principal, query(Target::Any)) == Outcome::Allow;
        let mut ids: Vec<ResIx> = owners
            .iter()
            .filter(|owner| **owner != Owner::AnyUser)
            .flat_map(|&owner| source.index.rows_of_type(owner, ty))
            .map(|entry| entry.resource)
            .filter(|&resource| resource != WILDCARD)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        // Listed ids are the exceptions to `everything`.
        ids.retain(|&id| {
            (decide(source, principal, query(Target::Id(Some(id)))) == Outcome::Allow) != everything
        });
        (everything, ids)
    } else {
        let granting = owners
            .iter()
            .flat_map(|&owner| source.index.rows_of_type(owner, ty))
            .filter(|entry| entry.kind != AuthorizationType::Revoke && entry.mask & bits == bits);
        let mut ids = Vec::new();
        for entry in granting {
            if entry.resource == WILDCARD {
                return (true, Vec::new());
            }
            ids.push(entry.resource);
        }
        ids.sort_unstable();
        ids.dedup();
        (false, ids)
    }
}
