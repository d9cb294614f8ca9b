//! Runs every vector file under `tests/vectors/` as its own named test.

use libtest_mimic::{Arguments, Failed, Trial};
use writ_conformance::vector;

fn main() {
    let args = Arguments::from_args();
    let root = vector::vectors_dir();
    let trials = vector::vector_files()
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .with_extension("")
                .display()
                .to_string();
            Trial::test(name, move || {
                let (file, snapshot) = vector::load(&path)?;
                if file.cases.is_empty() && file.snapshot_error.is_none() {
                    return Err(Failed::from("a vector file needs cases or a snapshotError"));
                }
                let failures = vector::run(&file, &snapshot);
                if failures.is_empty() {
                    Ok(())
                } else {
                    Err(Failed::from(failures.join("\n")))
                }
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
