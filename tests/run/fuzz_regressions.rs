//! Every input the fuzzer found a failure with (`fuzz/regressions/<target>/`),
//! and every seed of the corpora (`scripts/fuzz-seeds.py` writes them from the
//! repository's own inputs), through the fuzz targets' bodies — on stable,
//! so that a fixed failure stays fixed in every test run.

use std::path::Path;

use writ_conformance::fuzz::TARGETS;

#[test]
fn regression_inputs_pass_every_target_body() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for (name, body) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap_or_default();
            body(&data);
            replayed += 1;
        }
    }
    eprintln!("{replayed} regression input(s) replayed");
}

#[test]
fn the_targets_accept_the_repository_s_own_inputs() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    for (name, body) in TARGETS {
        if let Ok(entries) = std::fs::read_dir(seeds.join(name)) {
            for entry in entries.flatten() {
                body(&std::fs::read(entry.path()).unwrap_or_default());
            }
        }
        // And the inputs every target sees first.
        body(b"");
        body(b"{}");
        body(br#"{"format":1,"profile":"camunda7"}"#);
    }
    let vectors = writ_conformance::vector::vector_files();
    assert!(!vectors.is_empty());
    for path in vectors {
        let text = std::fs::read(&path).unwrap_or_default();
        writ_conformance::fuzz::json(&text);
    }
    // The signed vector verifies through the signature target's body.
    let signed = writ_conformance::vector::vectors_dir().join("snapshots/signed");
    let mut input = std::fs::read(signed.join("org.json")).unwrap_or_default();
    input.push(0);
    input.extend(std::fs::read(signed.join("org.json.sig")).unwrap_or_default());
    writ_conformance::fuzz::signature(&input);
}
