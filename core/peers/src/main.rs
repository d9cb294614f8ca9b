//! The native peer comparison (a measurement, not a test): one generated RBAC
//! organisation — the one `wasm/bench/peers.mjs` asks CASL about, drawn from
//! the same SplitMix64 sequence — asked the same 2,000 questions with ground
//! truth by writ's core (under `camunda7`, `optimize` and `grants`) and by
//! cedar-policy, interleaved:
//!
//!   scripts/bench-cedar.sh [--users 1000] [--roles 20] [--rounds 3]
//!
//! Each engine must answer every question as the ground truth does (0
//! mismatches) before it is timed. Figures are the median of `--rounds`,
//! each the best of seven timings, in µs per check, with writ's ratio to
//! Cedar's time from the same run.
//!
//! In Cedar the organisation is what its documentation recommends for RBAC:
//! users are entities whose parents are their roles, each role's grant a
//! `permit (principal in Role::"…", action == Action::"…", resource == …)`
//! (`resource is ProcessDefinition` for a grant on every definition), asked
//! with `is_authorized` over the whole entity store. writ is asked through a
//! resolved principal (`can`, as the JavaScript handles are) and with a
//! request of string ids (`check`).

use std::collections::HashSet;
use std::hint::black_box;
use std::rc::Rc;
use std::str::FromStr;
use std::time::Instant;

use cedar_policy::{
    Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet, Request,
};
use writ_core::generate::Rng;
use writ_core::wire::{PrincipalDoc, RequestDoc, TypeRef};

const DEFINITIONS: usize = 200;
const QUESTIONS: usize = 2_000;

/// The four actions, in Camunda 7's, Camunda 8's and Cedar's words.
const ACTIONS: [(&str, &str, &str); 4] = [
    ("READ", "READ_PROCESS_DEFINITION", "read"),
    ("CREATE_INSTANCE", "CREATE_PROCESS_INSTANCE", "start"),
    ("UPDATE_INSTANCE", "UPDATE_PROCESS_INSTANCE", "update"),
    ("DELETE_INSTANCE", "DELETE_PROCESS_INSTANCE", "delete"),
];

/// A role's grants: (action, definition or `*`).
type Grants = Vec<(usize, String)>;

struct Organisation {
    roles: Vec<Grants>,
    /// Per user, the roles held.
    users: Vec<Vec<usize>>,
    /// (user, action, definition, allowed).
    questions: Vec<(usize, usize, String, bool)>,
}

/// The organisation of `peers.mjs`: the same draws in the same order.
fn organisation(user_count: usize, role_count: usize) -> Organisation {
    let mut rng = Rng::new(21);
    let roles: Vec<Grants> = (0..role_count)
        .map(|r| {
            let mut grants = Vec::new();
            let wildcard = r % 10 == 0;
            for _ in 0..1 + rng.below(3) {
                let action = rng.below(ACTIONS.len());
                if wildcard {
                    grants.push((action, "*".to_owned()));
                } else {
                    for _ in 0..1 + rng.below(4) {
                        grants.push((action, format!("process-{}", rng.below(DEFINITIONS))));
                    }
                }
            }
            grants
        })
        .collect();
    let users: Vec<Vec<usize>> = (0..user_count)
        .map(|_| {
            let mut held: Vec<usize> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let role = rng.below(role_count);
                if !held.contains(&role) {
                    held.push(role);
                }
            }
            held
        })
        .collect();
    let questions = (0..QUESTIONS)
        .map(|_| {
            let user = rng.below(user_count);
            let action = rng.below(ACTIONS.len());
            let resource = format!("process-{}", rng.below(DEFINITIONS + 20));
            let allowed = users[user].iter().any(|&role| {
                roles[role]
                    .iter()
                    .any(|(a, id)| *a == action && (id == "*" || *id == resource))
            });
            (user, action, resource, allowed)
        })
        .collect();
    Organisation {
        roles,
        users,
        questions,
    }
}

/// The organisation as a writ snapshot under `profile`: roles as groups under
/// `camunda7` and `optimize` (which also needs its login row), as roles under
/// `grants`.
fn snapshot(org: &Organisation, profile: &str) -> String {
    let grants = profile == "grants";
    let ids =
        |held: &[usize]| -> Vec<String> { held.iter().map(|r| format!("role-{r}")).collect() };
    let mut rows = Vec::new();
    for (r, list) in org.roles.iter().enumerate() {
        for (g, (action, id)) in list.iter().enumerate() {
            let owner = if grants {
                serde_json::json!({"ownerType": "ROLE", "ownerId": format!("role-{r}")})
            } else {
                serde_json::json!({"groupId": format!("role-{r}")})
            };
            let mut row = serde_json::json!({
                "id": format!("r{r}-{g}"), "type": "GRANT", "resourceType": "PROCESS_DEFINITION",
                "resourceId": id,
                "permissions": [if grants { ACTIONS[*action].1 } else { ACTIONS[*action].0 }],
            });
            if let (Some(row), Some(owner)) = (row.as_object_mut(), owner.as_object()) {
                row.extend(owner.clone());
            }
            rows.push(row);
        }
    }
    let roles: Vec<_> = (0..org.roles.len())
        .map(|r| serde_json::json!({"id": format!("role-{r}")}))
        .collect();
    let users: Vec<_> = org
        .users
        .iter()
        .enumerate()
        .map(|(u, held)| {
            if grants {
                serde_json::json!({"id": format!("user-{u}"), "roles": ids(held)})
            } else {
                serde_json::json!({"id": format!("user-{u}"), "groups": ids(held)})
            }
        })
        .collect();
    if profile == "optimize" {
        rows.push(
            serde_json::json!({"id": "login", "type": "GLOBAL", "userId": "*",
            "resourceType": "APPLICATION", "resourceId": "optimize", "permissions": ["ACCESS"]}),
        );
    }
    let doc = if grants {
        serde_json::json!({"format": 1, "profile": "grants", "options": {"defaultRoles": false},
            "roles": roles, "users": users, "authorizations": rows})
    } else {
        serde_json::json!({"format": 1, "profile": profile, "groups": roles, "users": users,
            "authorizations": rows})
    };
    doc.to_string()
}

/// Best of seven timings of `iterations` calls, in µs per call.
fn best(iterations: usize, mut body: impl FnMut(usize) -> bool) -> f64 {
    let mut fastest = f64::INFINITY;
    for _ in 0..7 {
        let start = Instant::now();
        let mut sink = 0usize;
        for i in 0..iterations {
            sink += usize::from(body(i));
        }
        black_box(sink);
        fastest = fastest.min(start.elapsed().as_secs_f64() * 1e6 / iterations as f64);
    }
    fastest
}

/// One engine: its name, its wrong answers, and its timings by metric.
struct Engine<'o> {
    name: String,
    mismatches: usize,
    metrics: Vec<(&'static str, Box<dyn Fn() -> f64 + 'o>)>,
}

fn writ_engine<'o>(org: &'o Organisation, profile: &'static str) -> Result<Engine<'o>, String> {
    let grants = profile == "grants";
    let authorizer = Rc::new(
        writ_core::Authorizer::from_json(&snapshot(org, profile))
            .map_err(|error| format!("the snapshot loads: {error}"))?,
    );
    let handles = (0..org.users.len())
        .map(|u| {
            authorizer.principal(&PrincipalDoc {
                user: Some(format!("user-{u}")),
                ..PrincipalDoc::default()
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("a principal: {error}"))?;
    let word = move |action: usize| {
        if grants {
            ACTIONS[action].1
        } else {
            ACTIONS[action].0
        }
    };
    let requests: Vec<RequestDoc> = org
        .questions
        .iter()
        .map(|(user, action, resource, _)| RequestDoc {
            user: Some(format!("user-{user}")),
            permission: Some(word(*action).to_owned()),
            resource_type: Some(TypeRef::Name("PROCESS_DEFINITION".into())),
            resource_id: Some(resource.clone()),
            ..RequestDoc::default()
        })
        .collect();
    let asker = Rc::clone(&authorizer);
    let can = move |i: usize| {
        let (user, action, resource, _) = &org.questions[i % QUESTIONS];
        asker
            .can(
                &handles[*user],
                word(*action),
                "PROCESS_DEFINITION",
                Some(resource),
            )
            .unwrap_or(false)
    };
    let mismatches = (0..QUESTIONS)
        .filter(|&i| can(i) != org.questions[i].3)
        .count();
    let check = move |i: usize| authorizer.check(&requests[i % QUESTIONS]).unwrap_or(false);
    let mismatches = mismatches
        + (0..QUESTIONS)
            .filter(|&i| check(i) != org.questions[i].3)
            .count();
    Ok(Engine {
        name: format!("writ {profile}"),
        mismatches,
        metrics: vec![
            (
                "can (resolved principal)",
                Box::new(move || best(200_000, &can)),
            ),
            (
                "check (string ids)",
                Box::new(move || best(200_000, &check)),
            ),
        ],
    })
}

fn uid(ty: &str, id: &str) -> Result<EntityUid, String> {
    let ty = EntityTypeName::from_str(ty).map_err(|error| error.to_string())?;
    Ok(EntityUid::from_type_name_and_id(ty, EntityId::new(id)))
}

fn cedar_engine(org: &Organisation) -> Result<Engine<'_>, String> {
    let mut policies = String::new();
    for (r, list) in org.roles.iter().enumerate() {
        for (action, id) in list {
            let resource = if id == "*" {
                "resource is ProcessDefinition".to_owned()
            } else {
                format!("resource == ProcessDefinition::\"{id}\"")
            };
            policies.push_str(&format!(
                "permit (principal in Role::\"role-{r}\", action == Action::\"{}\", {resource});\n",
                ACTIONS[*action].2
            ));
        }
    }
    let policies = PolicySet::from_str(&policies).map_err(|error| error.to_string())?;
    let mut entities = Vec::new();
    for r in 0..org.roles.len() {
        entities.push(Entity::new_no_attrs(
            uid("Role", &format!("role-{r}"))?,
            HashSet::new(),
        ));
    }
    for (u, held) in org.users.iter().enumerate() {
        let parents = held
            .iter()
            .map(|r| uid("Role", &format!("role-{r}")))
            .collect::<Result<HashSet<_>, _>>()?;
        entities.push(Entity::new_no_attrs(
            uid("User", &format!("user-{u}"))?,
            parents,
        ));
    }
    let entities = Entities::from_entities(entities, None).map_err(|error| error.to_string())?;
    let requests = org
        .questions
        .iter()
        .map(|(user, action, resource, _)| {
            Request::new(
                uid("User", &format!("user-{user}"))?,
                uid("Action", ACTIONS[*action].2)?,
                uid("ProcessDefinition", resource)?,
                Context::empty(),
                None,
            )
            .map_err(|error| error.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let authorizer = cedar_policy::Authorizer::new();
    let decide = move |i: usize| {
        authorizer
            .is_authorized(&requests[i % QUESTIONS], &policies, &entities)
            .decision()
            == Decision::Allow
    };
    let mismatches = (0..QUESTIONS)
        .filter(|&i| decide(i) != org.questions[i].3)
        .count();
    Ok(Engine {
        name: "cedar-policy".into(),
        mismatches,
        metrics: vec![("is_authorized", Box::new(move || best(20_000, &decide)))],
    })
}

fn option(args: &[String], name: &str, fallback: usize) -> Result<usize, String> {
    match args.iter().position(|arg| arg == name) {
        None => Ok(fallback),
        Some(at) => args
            .get(at + 1)
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("{name} takes a number")),
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        println!("usage: writ-peers [--users 1000] [--roles 20] [--rounds 3]");
        return Ok(());
    }
    let users = option(&args, "--users", 1_000)?;
    let roles = option(&args, "--roles", 20)?.max(1);
    let rounds = option(&args, "--rounds", 3)?.max(1);
    let org = organisation(users.max(1), roles);
    let engines = [
        writ_engine(&org, "camunda7")?,
        writ_engine(&org, "optimize")?,
        writ_engine(&org, "grants")?,
        cedar_engine(&org)?,
    ];
    println!(
        "peers (native): {users} users, {roles} roles, {DEFINITIONS} definitions, {QUESTIONS} questions; median of {rounds}"
    );
    for engine in &engines {
        if engine.mismatches != 0 {
            return Err(format!(
                "{}: {} answers differ from the ground truth",
                engine.name, engine.mismatches
            ));
        }
    }
    let mut figures: Vec<(String, &str, Vec<f64>)> = Vec::new();
    for _ in 0..rounds {
        // Interleaved: every engine once per round.
        for engine in &engines {
            for (metric, measure) in &engine.metrics {
                let value = measure();
                match figures
                    .iter_mut()
                    .find(|(name, known, _)| *name == engine.name && known == metric)
                {
                    Some((_, _, values)) => values.push(value),
                    None => figures.push((engine.name.clone(), metric, vec![value])),
                }
            }
        }
    }
    let cedar = figures
        .iter()
        .find(|(name, _, _)| name == "cedar-policy")
        .map_or(f64::NAN, |(_, _, values)| median(values));
    for (name, metric, values) in &figures {
        let value = median(values);
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(0.0, f64::max);
        let ratio = if name == "cedar-policy" {
            String::new()
        } else {
            format!(
                "  ({:.4}× Cedar's time, {:.0}× faster)",
                value / cedar,
                cedar / value
            )
        };
        println!("{name:<14} {metric:<26} {value:>10.3} µs  [{low:.3}–{high:.3}]{ratio}");
    }
    Ok(())
}
