#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into CORPUS/<target>/ from the
repository's own inputs: the conformance vectors' snapshots and requests, the
demo snapshots and dumps, the signed vector, and fuzz/seeds/; with WRIT_BIN
(the `writ` command), every snapshot seed also compiled, for `compiled`."""
import json, os, pathlib, subprocess, sys, hashlib, tempfile

root = pathlib.Path(__file__).resolve().parent.parent
corpus = pathlib.Path(sys.argv[1])
vectors = root / "tests" / "vectors"

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)

files = sorted(p for p in vectors.rglob("*.json") if "snapshots" not in p.parts)
for path in files:
    text = path.read_text()
    put("json", text)
    doc = json.loads(text)
    snap = doc.get("snapshot")
    if isinstance(snap, str):
        put("snapshot", (path.parent / snap).resolve().read_bytes() if not (vectors / snap).exists() else (vectors / snap).read_bytes())
    else:
        put("snapshot", json.dumps(snap))
    for case in doc.get("cases", []):
        for kind in ("check", "permissions", "list", "claims"):
            if kind in case:
                put("request", json.dumps(case[kind]))
def demo_target(name):
    if "dump" not in name:
        return "snapshot"
    return "import_camunda8" if "camunda8" in name else "import_emporix"
for path in (root / "host" / "demo").glob("*.json"):
    put(demo_target(path.name), path.read_bytes())
for line in (root / "host" / "demo" / "requests.jsonl").read_text().splitlines():
    if line.strip():
        put("request", line)
signed = vectors / "snapshots" / "signed"
payload = (signed / "org.json").read_bytes()
for sig in ("org.json.sig", "org.json.truncated.sig", "org.json.hs256.sig", "org.json.forged.sig"):
    put("signature", payload + b"\0" + (signed / sig).read_bytes())
put("signature", (signed / "release.pub").read_bytes())
for target_dir in (root / "fuzz" / "seeds").iterdir():
    for path in target_dir.iterdir():
        put(target_dir.name, path.read_bytes())

# `compiled` takes compiled bodies (the header is put back by the target) and
# JSON snapshots (compiled, then loaded back, by the target).
writ = os.environ.get("WRIT_BIN")
snapshot_seeds = corpus / "snapshot"
if snapshot_seeds.is_dir():
    with tempfile.TemporaryDirectory() as scratch:
        for path in sorted(snapshot_seeds.iterdir()):
            put("compiled", path.read_bytes())
            if not writ:
                continue
            out = pathlib.Path(scratch) / "seed.writ"
            done = subprocess.run([writ, "compile", str(path), "-o", str(out)], capture_output=True)
            if done.returncode == 0:
                put("compiled", out.read_bytes()[24:])
