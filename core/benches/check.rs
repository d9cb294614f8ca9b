//! Snapshot decode + index build, and single checks, on the generated benchmark
//! organisation (10k users, 1k groups, 100k authorizations).

#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test and benchmark code: a failure should stop loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use writ_core::generate::{self, Rng, Shape};
use writ_core::wire::{PrincipalDoc, RequestDoc, TypeRef};
use writ_core::{Authorizer, LoadOptions};

fn organisation() -> String {
    serde_json::to_string(&generate::camunda7(Shape::BENCH, 1)).unwrap_or_default()
}

/// A spread of requests over users and definitions, known ids and unknown ones.
fn requests(count: usize) -> Vec<RequestDoc> {
    let mut rng = Rng::new(7);
    let permissions = ["READ", "UPDATE", "READ_HISTORY", "CREATE_INSTANCE"];
    (0..count)
        .map(|_| RequestDoc {
            user: Some(format!("user-{}", rng.below(Shape::BENCH.users))),
            permission: Some(permissions[rng.below(permissions.len())].to_owned()),
            resource_type: Some(TypeRef::Name("PROCESS_DEFINITION".into())),
            resource_id: Some(format!(
                "process-{}",
                rng.below(Shape::BENCH.definitions + 500)
            )),
            ..RequestDoc::default()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let text = organisation();
    let mut load = c.benchmark_group("load");
    load.sample_size(10);
    load.throughput(Throughput::Bytes(text.len() as u64));
    load.bench_function("decode+index 100k rows", |b| {
        b.iter(|| Authorizer::from_json(black_box(&text)))
    });
    load.bench_function("decode only (JSON to document)", |b| {
        b.iter(|| writ_core::snapshot::decode(black_box(&text)))
    });
    if let Ok(doc) = writ_core::snapshot::decode(&text) {
        load.bench_function("validate+index only (document to authorizer)", |b| {
            b.iter(|| Authorizer::from_doc(black_box(&doc)))
        });
    }
    let compiled = Authorizer::from_json(&text)
        .map(|authorizer| authorizer.compile())
        .unwrap_or_default();
    load.bench_function("compiled 100k rows (writ compile)", |b| {
        b.iter(|| Authorizer::from_compiled(black_box(&compiled), &LoadOptions::default()))
    });
    load.finish();

    let Ok(authorizer) = Authorizer::from_json(&text) else {
        panic!("the generated organisation loads")
    };
    let requests = requests(1024);
    let mut i = 0;
    c.bench_function("check (request with string ids)", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            authorizer.check(black_box(&requests[i]))
        });
    });

    let principals: Vec<_> = requests
        .iter()
        .map(|request| {
            let doc = PrincipalDoc {
                user: request.user.clone(),
                ..PrincipalDoc::default()
            };
            authorizer
                .principal(&doc)
                .unwrap_or_else(|_| panic!("principal resolves"))
        })
        .collect();
    let mut i = 0;
    c.bench_function("can (resolved principal)", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            let request = &requests[i];
            authorizer.can(
                black_box(&principals[i]),
                request.permission.as_deref().unwrap_or("READ"),
                "PROCESS_DEFINITION",
                request.resource_id.as_deref(),
            )
        });
    });
    let questions: Vec<_> = requests
        .iter()
        .map(|request| {
            authorizer
                .question(
                    request.permission.as_deref().unwrap_or("READ"),
                    "PROCESS_DEFINITION",
                    request.resource_id.as_deref(),
                )
                .unwrap_or_else(|_| panic!("question resolves"))
        })
        .collect();
    let mut i = 0;
    c.bench_function("ask (resolved principal, prepared question)", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            authorizer.ask(black_box(&principals[i]), black_box(&questions[i]))
        });
    });
    let mut i = 0;
    c.bench_function("explain (request with string ids)", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            authorizer.explain(black_box(&requests[i]))
        });
    });
}

/// The same questions on the generated `grants` organisation (10k users, 1k groups,
/// 200 roles, 100k grants).
fn bench_grants(c: &mut Criterion) {
    use writ_core::generate::GrantsShape;
    let text = serde_json::to_string(&generate::grants(GrantsShape::BENCH, 1)).unwrap_or_default();
    let mut load = c.benchmark_group("grants load");
    load.sample_size(10);
    load.throughput(Throughput::Bytes(text.len() as u64));
    load.bench_function("decode+index 100k grants", |b| {
        b.iter(|| Authorizer::from_json(black_box(&text)))
    });
    let compiled = Authorizer::from_json(&text)
        .map(|authorizer| authorizer.compile())
        .unwrap_or_default();
    load.bench_function("compiled 100k grants (writ compile)", |b| {
        b.iter(|| Authorizer::from_compiled(black_box(&compiled), &LoadOptions::default()))
    });
    load.finish();

    let Ok(authorizer) = Authorizer::from_json(&text) else {
        panic!("the generated grants organisation loads")
    };
    let mut rng = Rng::new(9);
    let permissions = [
        "READ_PROCESS_DEFINITION",
        "CREATE_PROCESS_INSTANCE",
        "READ_USER_TASK",
    ];
    let requests: Vec<RequestDoc> = (0..1024)
        .map(|_| {
            let claims = format!(r#"{{"groups": ["team-{}"]}}"#, rng.below(20));
            RequestDoc {
                user: Some(format!("user-{}", rng.below(GrantsShape::BENCH.users))),
                claims: writ_core::wire::read(&claims).ok(),
                permission: Some(permissions[rng.below(permissions.len())].to_owned()),
                resource_type: Some(TypeRef::Name("PROCESS_DEFINITION".into())),
                resource_id: Some(format!(
                    "process-{}",
                    rng.below(GrantsShape::BENCH.definitions + 500)
                )),
                ..RequestDoc::default()
            }
        })
        .collect();
    let mut i = 0;
    c.bench_function("grants check (request with string ids and claims)", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            authorizer.check(black_box(&requests[i]))
        });
    });
    let principals: Vec<_> = requests
        .iter()
        .map(|request| {
            let doc = PrincipalDoc {
                user: request.user.clone(),
                claims: request.claims.clone(),
                ..PrincipalDoc::default()
            };
            authorizer
                .principal(&doc)
                .unwrap_or_else(|_| panic!("principal resolves"))
        })
        .collect();
    let mut i = 0;
    c.bench_function("grants can (resolved principal)", |b| {
        b.iter(|| {
            i = (i + 1) & 1023;
            let request = &requests[i];
            authorizer.can(
                black_box(&principals[i]),
                request
                    .permission
                    .as_deref()
                    .unwrap_or("READ_PROCESS_DEFINITION"),
                "PROCESS_DEFINITION",
                request.resource_id.as_deref(),
            )
        });
    });
}

/// One principal in very many groups (and, under `grants`, roles): loading
/// and resolving it must stay linear in its memberships (both were quadratic:
/// 200,000 groups took 1.2 s to load and 50 s for one `grants` check).
fn bench_memberships(c: &mut Criterion) {
    const GROUPS: usize = 200_000;
    let groups =
        |prefix: &str| -> Vec<String> { (0..GROUPS).map(|i| format!("{prefix}{i}")).collect() };
    let member = serde_json::json!({
        "format": 1, "profile": "camunda7",
        "users": [{"id": "u", "groups": groups("g")}],
        "groups": groups("g").iter().map(|id| serde_json::json!({"id": id})).collect::<Vec<_>>(),
    })
    .to_string();
    let grants = serde_json::json!({
        "format": 1, "profile": "grants",
        "users": [{"id": "u", "groups": groups("g"), "roles": groups("r")}],
        "groups": groups("g").iter().map(|id| serde_json::json!({"id": id, "roles": ["r1"]})).collect::<Vec<_>>(),
        "roles": groups("r").iter().map(|id| serde_json::json!({"id": id})).collect::<Vec<_>>(),
    })
    .to_string();
    let mut group = c.benchmark_group("memberships");
    group.sample_size(10);
    group.bench_function("load: one user in 200k groups", |b| {
        b.iter(|| Authorizer::from_json(black_box(&member)))
    });
    let Ok(authorizer) = Authorizer::from_json(&grants) else {
        panic!("the membership organisation loads")
    };
    let request: RequestDoc = writ_core::wire::decode(
        r#"{"user":"u","permission":"READ_PROCESS_DEFINITION","resourceType":"PROCESS_DEFINITION","resourceId":"x"}"#,
    )
    .unwrap_or_else(|_| panic!("the request decodes"));
    group.bench_function(
        "grants check: one user in 200k groups and 200k roles",
        |b| b.iter(|| authorizer.check(black_box(&request))),
    );
    group.finish();
}

/// Who can, on the 100k-row organisations: the inverted walk against
/// checking every listed user (what it must equal).
fn bench_who_can(c: &mut Criterion) {
    use writ_core::generate::GrantsShape;
    let camunda7 = generate::camunda7(Shape::BENCH, 1);
    let grants = generate::grants(GrantsShape::BENCH, 1);
    let mut group = c.benchmark_group("who-can");
    group.sample_size(20);
    for (name, doc, permission) in [
        ("camunda7", &camunda7, "READ"),
        ("grants", &grants, "READ_PROCESS_DEFINITION"),
    ] {
        let Ok(authorizer) = Authorizer::from_doc(doc) else {
            panic!("the generated organisation loads")
        };
        let question = RequestDoc {
            permission: Some(permission.to_owned()),
            resource_type: Some(TypeRef::Name("PROCESS_DEFINITION".into())),
            resource_id: Some("process-17".into()),
            ..RequestDoc::default()
        };
        let users: Vec<&str> = doc.users.iter().map(|user| user.id.as_str()).collect();
        // Who can by definition: every listed user checked.
        let check_everyone = || -> Vec<String> {
            users
                .iter()
                .filter(|user| {
                    authorizer
                        .check(&RequestDoc {
                            user: Some((**user).to_owned()),
                            ..question.clone()
                        })
                        .unwrap_or(false)
                })
                .map(|user| (*user).to_owned())
                .collect()
        };
        let walked = authorizer.who_can(&question, false).unwrap_or_default();
        let mut brute = check_everyone();
        brute.sort();
        assert_eq!(
            walked.users, brute,
            "{name}: who-can equals checking everyone"
        );
        group.bench_function(
            format!("{name}: who_can (inverted walk), one definition"),
            |b| b.iter(|| authorizer.who_can(black_box(&question), false)),
        );
        group.bench_function(
            format!("{name}: check every listed user, one definition"),
            |b| b.iter(check_everyone),
        );
    }
    group.finish();
}

/// The diff of a 100k-row organisation and the same with one row removed
/// (a group's row that decides something: every member is reached) — target ≤ 2 s natively, the
/// snapshots already loaded (`writ diff` also loads both).
fn bench_diff(c: &mut Criterion) {
    use writ_core::diff::{self, DiffOptions};
    use writ_core::generate::GrantsShape;
    let camunda7 = generate::camunda7(Shape::BENCH, 1);
    let grants = generate::grants(GrantsShape::BENCH, 1);
    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    for (name, before) in [("camunda7", &camunda7), ("grants", &grants)] {
        // The first group's row from the middle on whose removal changes a decision.
        let options = DiffOptions::default();
        let Ok(old) = Authorizer::from_doc(before) else {
            panic!("the generated organisation loads")
        };
        let middle = before.authorizations.len() / 2;
        let Some((after, new, found)) = (middle..before.authorizations.len())
            .filter(|&at| {
                before
                    .authorizations
                    .get(at)
                    .is_some_and(|row| row.group_id.is_some() || row.owner_id.is_some())
            })
            .take(200)
            .find_map(|at| {
                let mut after = before.clone();
                after.authorizations.remove(at);
                let new = Authorizer::from_doc(&after).ok()?;
                let found = diff::diff(before, &old, &after, &new, &options).ok()?;
                (!found.changes.is_empty()).then_some((after, new, found))
            })
        else {
            panic!("a group's row whose removal changes a decision")
        };
        eprintln!(
            "{name}: {} changes, {} decisions compared",
            found.changes.len(),
            found.decided
        );
        group.bench_function(format!("{name}: diff, one row removed of 100k"), |b| {
            b.iter(|| diff::diff(before, &old, black_box(&after), &new, &options));
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench,
    bench_grants,
    bench_memberships,
    bench_who_can,
    bench_diff
);
criterion_main!(benches);
