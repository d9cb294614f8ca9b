//! The guest (writ.wasm in wasmtime) beside the core linked in, in one run,
//! on the generated 100k-row organisations: `can` through a principal
//! handle, `check` with string ids (typed and as JSON), `check-many` of 100,
//! load, instantiation from the `InstancePre`, cold starts with and without
//! the precompiled cache, and a crossing alone.

#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should stop loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use writ_core::generate::{self, GrantsShape, Rng, Shape};
use writ_core::wire::{PrincipalDoc, RequestDoc, TypeRef};
use writ_core::{Authorizer, LoadOptions};
use writ_host::{Host, HostConfig};

struct Org {
    name: &'static str,
    text: String,
    requests: Vec<RequestDoc>,
}

fn organisations() -> Vec<Org> {
    let mut rng = Rng::new(7);
    let camunda7 = Org {
        name: "camunda7",
        text: serde_json::to_string(&generate::camunda7(Shape::BENCH, 1)).unwrap(),
        requests: (0..1024)
            .map(|_| RequestDoc {
                user: Some(format!("user-{}", rng.below(Shape::BENCH.users))),
                permission: Some(
                    ["READ", "UPDATE", "READ_HISTORY", "CREATE_INSTANCE"][rng.below(4)].into(),
                ),
                resource_type: Some(TypeRef::Name("PROCESS_DEFINITION".into())),
                resource_id: Some(format!(
                    "process-{}",
                    rng.below(Shape::BENCH.definitions + 500)
                )),
                ..RequestDoc::default()
            })
            .collect(),
    };
    let grants = Org {
        name: "grants",
        text: serde_json::to_string(&generate::grants(GrantsShape::BENCH, 1)).unwrap(),
        requests: (0..1024)
            .map(|_| RequestDoc {
                user: Some(format!("user-{}", rng.below(GrantsShape::BENCH.users))),
                permission: Some(
                    [
                        "READ_PROCESS_DEFINITION",
                        "CREATE_PROCESS_INSTANCE",
                        "READ_USER_TASK",
                    ][rng.below(3)]
                    .into(),
                ),
                resource_type: Some(TypeRef::Name("PROCESS_DEFINITION".into())),
                resource_id: Some(format!(
                    "process-{}",
                    rng.below(GrantsShape::BENCH.definitions + 500)
                )),
                ..RequestDoc::default()
            })
            .collect(),
    };
    vec![camunda7, grants]
}

fn bench(c: &mut Criterion) {
    let cache = std::env::temp_dir().join("writ-bench-cache");
    let host = Host::new(HostConfig {
        cache_dir: Some(cache.clone()),
        instances: 1,
        ..HostConfig::default()
    })
    .unwrap();

    let mut start = c.benchmark_group("start");
    start.sample_size(10);
    start.bench_function("cold start, precompiled cache", |b| {
        b.iter(|| {
            Host::new(HostConfig {
                cache_dir: Some(cache.clone()),
                ..HostConfig::default()
            })
            .unwrap()
        })
    });
    start.bench_function("cold start, compiling the guest", |b| {
        b.iter(|| {
            Host::new(HostConfig {
                cache_dir: None,
                ..HostConfig::default()
            })
            .unwrap()
        })
    });
    start.finish();
    c.bench_function("instantiate from InstancePre", |b| {
        b.iter(|| host.instantiate_once().unwrap())
    });

    for org in organisations() {
        let name = org.name;
        let native = Authorizer::from_json(&org.text).unwrap();
        let wasm = host
            .load(org.text.as_bytes(), &LoadOptions::default())
            .unwrap();

        let mut load = c.benchmark_group(format!("{name} load 100k rows"));
        load.sample_size(10);
        load.bench_function("native", |b| {
            b.iter(|| Authorizer::from_json(black_box(&org.text)).unwrap())
        });
        load.bench_function("wasm", |b| {
            b.iter(|| {
                host.load(black_box(org.text.as_bytes()), &LoadOptions::default())
                    .unwrap()
            })
        });
        load.finish();

        let requests = &org.requests;
        let jsons: Vec<String> = requests
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        let native_principals: Vec<_> = requests
            .iter()
            .map(|r| {
                native
                    .principal(&PrincipalDoc {
                        user: r.user.clone(),
                        ..PrincipalDoc::default()
                    })
                    .unwrap()
            })
            .collect();
        let wasm_principals: Vec<_> = requests
            .iter()
            .map(|r| {
                wasm.principal(&format!(r#"{{"user":"{}"}}"#, r.user.as_deref().unwrap()))
                    .unwrap()
            })
            .collect();

        let mut group = c.benchmark_group(name);
        let mut i = 0;
        group.bench_function("can, native", |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                let r = &requests[i];
                native.can(
                    &native_principals[i],
                    r.permission.as_deref().unwrap(),
                    "PROCESS_DEFINITION",
                    r.resource_id.as_deref(),
                )
            })
        });
        group.bench_function("can, wasm (principal handle)", |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                let r = &requests[i];
                wasm_principals[i].can(
                    r.permission.as_deref().unwrap(),
                    "PROCESS_DEFINITION",
                    r.resource_id.as_deref(),
                )
            })
        });
        group.bench_function("a crossing alone, wasm", |b| {
            b.iter(|| wasm.crossing().unwrap())
        });
        group.bench_function("check, native", |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                native.check(black_box(&requests[i]))
            })
        });
        group.bench_function("check, wasm (typed request)", |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                wasm.check(black_box(&requests[i]))
            })
        });
        group.bench_function("check, wasm (JSON text)", |b| {
            b.iter(|| {
                i = (i + 1) & 1023;
                wasm.check_json(black_box(&jsons[i]))
            })
        });
        group.bench_function("check-many of 100, native", |b| {
            b.iter(|| {
                i = (i + 100) & 1023;
                let batch = &requests[i.min(1024 - 100)..i.min(1024 - 100) + 100];
                batch.iter().map(|r| native.check(r)).collect::<Vec<_>>()
            })
        });
        let batches: Vec<String> = (0..=1024 - 100)
            .step_by(100)
            .map(|at| format!("[{}]", jsons[at..at + 100].join(",")))
            .collect();
        let mut k = 0;
        group.bench_function("check-many of 100, wasm (JSON array)", |b| {
            b.iter(|| {
                k = (k + 1) % batches.len();
                wasm.check_many_json(black_box(&batches[k])).unwrap()
            })
        });
        group.bench_function("check-many of 100, wasm", |b| {
            b.iter(|| {
                i = (i + 100) & 1023;
                let batch = &requests[i.min(1024 - 100)..i.min(1024 - 100) + 100];
                wasm.check_many(black_box(batch)).unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
