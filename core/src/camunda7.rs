//! The Camunda 7 engine's precedence rule (`SEMANTICS.md` §1): user rows before
//! group rows before GLOBAL rows; inside a level, a specific grant, a specific
//! revoke, a wildcard grant, a wildcard revoke. First match decides.

use crate::index::{Entry, OwnedEntry};
use crate::model::{Owner, ResIx, Row, Source, TypeIx, WILDCARD};
use crate::prelude::*;
use crate::principal::{Bits, SourcePrincipal};
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
    /// Where the rows on the target that may concern the principal are, when a
    /// prepared question knows (the others are skipped: [`decide`] alone reads it).
    pub rows: Option<(u32, u32)>,
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
#[inline(always)]
fn qualifies(entry: &Entry, revoke_step: bool, p: u32) -> bool {
    match (entry.kind, revoke_step) {
        (AuthorizationType::Grant | AuthorizationType::Global, false) => entry.mask & p == p,
        (AuthorizationType::Revoke | AuthorizationType::Global, true) => entry.mask & p != p,
        _ => false,
    }
}

/// The rows of one step that decide for this query, in index order.
fn step_rows<'s>(
    source: &'s Source,
    principal: &SourcePrincipal,
    query: Query,
    step: Step,
) -> Vec<&'s Row> {
    let mut rows = Vec::new();
    let resource = match (step.specific, query.target) {
        (false, _) => WILDCARD,
        (true, Target::Id(Some(id))) => id,
        (true, _) => return rows,
    };
    if step.revoke && !principal.revokes {
        return rows;
    }
    let mut owners = Vec::new();
    match step.level {
        Level::User => owners.extend(principal.user.map(Owner::User)),
        Level::Group => owners.extend(principal.groups.iter().map(|&group| Owner::Group(group))),
        Level::Global => owners.push(Owner::Global),
    }
    for owner in owners {
        for entry in source.index.rows_on(owner, query.ty, resource) {
            if qualifies(entry, step.revoke, query.bits) {
                rows.push(source.row(entry.row));
            }
        }
    }
    rows
}

/// The engine's check without tenant or switch handling: the hot path.
///
/// The same order as [`STEPS`], gathered in two reads of the index instead of a
/// walk: the rows on the specific id (all owners; the principal's are kept, by
/// level) and each owner's wildcard rows (skipped for owners without any). Per
/// level, bits 0–3 record which of its four steps match, in step order, and the
/// lowest set bit of the first level with any decides. No allocation.
/// [`explain`] walks [`STEPS`] one by one; the conformance runner checks that
/// both agree on every vector, and the property tests against the reference.
pub(crate) fn decide(source: &Source, principal: &SourcePrincipal, query: Query) -> Outcome {
    // Levels: user, group, GLOBAL.
    let mut levels = [0_u8; 3];
    if let Target::Id(Some(id)) = query.target {
        let rows = match query.rows {
            Some(span) => source.index.rows_in(span),
            None => source.index.rows_on_resource(query.ty, id),
        };
        for owned in rows {
            if let Some(level) = level_on_resource(owned, principal).and_then(|l| levels.get_mut(l))
            {
                *level |= steps(&owned.entry(), query.bits, SPECIFIC_GRANT);
            }
        }
    }
    match principal.wildcards_of(query.ty) {
        // A handle's bits say as much as the rows for a single-bit permission.
        Some([user, group]) if query.bits.is_power_of_two() => {
            levels[0] |= union_steps(user, query.bits);
            levels[1] |= union_steps(group, query.bits);
        }
        _ => {
            if let Some(user) = principal.user {
                levels[0] |= wildcard_steps(source, Owner::User(user), query);
            }
            for &group in &principal.groups {
                levels[1] |= wildcard_steps(source, Owner::Group(group), query);
            }
        }
    }
    levels[2] |= wildcard_steps(source, Owner::Global, query);
    let enabled = if principal.revokes {
        0b1111
    } else {
        SPECIFIC_GRANT | WILDCARD_GRANT
    };
    // The three levels side by side, four bits each: the lowest set bit is the
    // first matching step of the first level with any (no loop over the array,
    // which `opt-level = "z"` leaves as an iterator call).
    let [user, group, global] = levels;
    let found = u32::from(user & enabled)
        | u32::from(group & enabled) << 4
        | u32::from(global & enabled) << 8;
    match found {
        0 => Outcome::NoMatch,
        // Revoke steps sit at odd bit positions (1 and 3).
        _ if found.trailing_zeros() % 2 == 1 => Outcome::Deny,
        _ => Outcome::Allow,
    }
}

/// Every permission bit the engine would allow on this resource, in one pass:
/// for a single-bit permission the union of a step's rows' granted (revoked)
/// bits says exactly whether the step matches, so [`decide`]'s walk runs over all
/// 32 bits at once. Multi-bit permissions (`ALL`, composites) still need
/// [`decide`]: one row must hold every bit.
pub(crate) fn allowed_bits(
    source: &Source,
    principal: &SourcePrincipal,
    ty: TypeIx,
    target: Target,
) -> u32 {
    // Per level (user, group, GLOBAL): granted and revoked unions, specific and wildcard.
    let mut specific = [(0_u32, 0_u32); 3];
    if let Target::Id(Some(id)) = target {
        for owned in source.index.rows_on_resource(ty, id) {
            if let Some(level) =
                level_on_resource(owned, principal).and_then(|l| specific.get_mut(l))
            {
                let entry = owned.entry();
                level.0 |= entry.granted();
                level.1 |= entry.revoked();
            }
        }
    }
    let [user, group] = principal
        .wildcards_of(ty)
        .unwrap_or_else(|| [0, 1].map(|level| principal.wildcard_level(source, ty, level)));
    let global = source.index.wildcard_rows(Owner::Global, ty).bits();
    let wildcards = [user, group, global].map(|bits| (bits.granted, bits.revoked));
    let revokes = if principal.revokes { u32::MAX } else { 0 };
    // Steps in order: a grant allows the bits no earlier step revoked; a revoke
    // closes its bits to later grants (an allowed bit stays allowed).
    let mut allowed = 0;
    let mut open = u32::MAX;
    for (specific, wildcard) in specific.into_iter().zip(wildcards) {
        for (granted, revoked) in [specific, wildcard] {
            allowed |= granted & open;
            open &= !(revoked & revokes);
        }
    }
    allowed
}

/// [`level_of`] for a row on a resource, rejecting most other owners' rows with
/// one test of the principal's owner bits first.
#[inline(always)]
fn level_on_resource(owned: &OwnedEntry, principal: &SourcePrincipal) -> Option<usize> {
    if !owned.may_be_among(&principal.owners) {
        return None;
    }
    level_of(owned.owner, principal)
}

/// The level (0 user, 1 group, 2 GLOBAL) at which a row's owner concerns the
/// principal, if it does.
#[inline(always)]
fn level_of(owner: Owner, principal: &SourcePrincipal) -> Option<usize> {
    match owner {
        Owner::User(user) if principal.user == Some(user) => Some(0),
        Owner::Group(group) if member(&principal.groups, group) => Some(1),
        Owner::Global => Some(2),
        _ => None,
    }
}

/// `groups.contains(&group)`, as a loop the compiler inlines at `opt-level = "z"`.
#[inline(always)]
fn member(groups: &[u32], group: u32) -> bool {
    for &held in groups {
        if held == group {
            return true;
        }
    }
    false
}

// The steps of one level, as bits in step order.
const SPECIFIC_GRANT: u8 = 1;
const WILDCARD_GRANT: u8 = 4;

/// Which of a grant step (`grant`) and the revoke step after it (`grant << 1`)
/// the row takes part in. Inlined by force: the package's `opt-level = "z"`
/// would otherwise call it, and [`qualifies`], once per row.
#[inline(always)]
fn steps(entry: &Entry, p: u32, grant: u8) -> u8 {
    let granted = qualifies(entry, false, p);
    let revoked = qualifies(entry, true, p);
    (if granted { grant } else { 0 }) | if revoked { grant << 1 } else { 0 }
}

/// The wildcard steps of one owner. Revokes read from the union of the rows'
/// revoked bits, and so do grants of a single permission bit: no row is read.
#[inline(always)]
fn wildcard_steps(source: &Source, owner: Owner, query: Query) -> u8 {
    let rows = source.index.wildcard_rows(owner, query.ty);
    let p = query.bits;
    let granted = if p.is_power_of_two() {
        rows.granted & p != 0
    } else {
        rows.entries.iter().any(|entry| qualifies(entry, false, p))
    };
    wildcard_step_bits(granted, rows.revoked & p != 0)
}

/// The wildcard steps of one level from its rows' bits: exact for a single-bit
/// permission `p` (some row grants `p` exactly when the union does).
#[inline(always)]
fn union_steps(bits: Bits, p: u32) -> u8 {
    wildcard_step_bits(bits.granted & p != 0, bits.revoked & p != 0)
}

#[inline(always)]
fn wildcard_step_bits(granted: bool, revoked: bool) -> u8 {
    (if granted { WILDCARD_GRANT } else { 0 }) | if revoked { WILDCARD_GRANT << 1 } else { 0 }
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
    let rows_of = |step: Step| step_rows(source, principal, query, step);
    let ids = |rows: &[&Row]| -> Vec<String> {
        rows.iter()
            .map(|row| source.row_ids.name(row.id).to_owned())
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
        rows: ids(&rows),
        overridden: beaten.map(|(_, rows)| ids(&rows)).unwrap_or_default(),
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
    source.user_tenants.of(principal.user).contains(&tenant)
        || principal
            .groups
            .iter()
            .any(|&group| source.group_tenants.get(group).contains(&tenant))
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
        let query = |target| Query {
            ty,
            bits,
            target,
            rows: None,
        };
        let everything = decide(source, principal, query(Target::Any)) == Outcome::Allow;
        let mut ids: Vec<ResIx> = owners
            .iter()
            .filter(|owner| **owner != Owner::AnyUser)
            .flat_map(|&owner| source.index.rows_of_type(owner, ty))
            .map(|entry| entry.resource)
            .filter(|&resource| resource != WILDCARD)
            .collect();
        crate::sort::sort_dedup(&mut ids);
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
        crate::sort::sort_dedup(&mut ids);
        (false, ids)
    }
}
