#!/usr/bin/env python3
"""The conformance vectors through writ.wasm in another language: Python's
wasmtime (PyPI), with nothing of writ's Rust host. The guest is loaded from
its WIT contract alone (world `writ`, interface `writ:authz/decisions`); every
check case's explanation must equal the native `writ check --explain` byte for
byte, every who-can case `writ who-can --explain`, errors by code and message,
and snapshot errors by code and path.

Signed vectors are counted apart: the guest does not verify signatures (its
hosts do, before it sees the bytes), and this host has no Ed25519.

usage: vectors.py --guest writ.wasm --writ target/debug/writ [--vectors tests/vectors]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from wasmtime import Engine, Store
from wasmtime.component import Component, Linker, Record

INTERFACE = "writ:authz/decisions@0.1.0"


class Guest:
    """writ.wasm, instantiated once; each snapshot is a new `authorizer`."""

    def __init__(self, path):
        self.engine = Engine()
        self.store = Store(self.engine)
        component = Component.from_file(self.engine, str(path))
        self.instance = Linker(self.engine).instantiate(self.store, component)
        self.api = self.instance.get_export_index(self.store, INTERFACE)
        if self.api is None:
            raise SystemExit(f"{path}: no export `{INTERFACE}`")

    def func(self, name):
        index = self.instance.get_export_index(self.store, name, instance=self.api)
        if index is None:
            raise SystemExit(f"the guest has no `{name}`")
        return self.instance.get_func(self.store, index)

    def call(self, name, *args):
        """A call's value, or ("error", code, path, message) for a WIT `error`."""
        func = self.func(name)
        value = func(self.store, *args)
        func.post_return(self.store)
        if isinstance(value, Record):
            return ("error", value.code, getattr(value, "path", None), value.message)
        return value


def native_answers(writ, snapshot_text, requests, vector):
    flags = []
    for name, value in (vector.get("limits") or {}).items():
        flags += ["--limit", f"{name}={value}"]
    if "minSequence" in vector:
        flags += ["--min-sequence", str(vector["minSequence"])]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as snapshot:
        snapshot.write(snapshot_text)
        snapshot.flush()
        lines = "".join(json.dumps(request) + "\n" for request in requests)
        out = subprocess.run([writ, "check", snapshot.name, "--explain", *flags],
                             input=lines, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def options_text(vector):
    options = {}
    if vector.get("limits"):
        options["limits"] = vector["limits"]
    if "minSequence" in vector:
        options["minSequence"] = vector["minSequence"]
    return json.dumps(options) if options else None


def run(guest, writ, vectors_dir, path):
    vector = json.loads(path.read_text())
    snapshot = vector["snapshot"]
    text = (vectors_dir / snapshot).read_text() if isinstance(snapshot, str) else json.dumps(snapshot)
    loaded = guest.call("[static]authorizer.load", text.encode(), options_text(vector))
    expected_error = vector.get("snapshotError")
    if isinstance(loaded, tuple):
        _, code, where, message = loaded
        if not expected_error:
            return [f"snapshot refused: {code} {message}"]
        problems = []
        if code != expected_error["code"]:
            problems.append(f"snapshot error {code}, expected {expected_error['code']}")
        if "path" in expected_error and where != expected_error["path"]:
            problems.append(f"snapshot error at {where}, expected {expected_error['path']}")
        return problems
    if expected_error:
        return [f"snapshot loaded, expected {expected_error['code']}"]
    checks = [case for case in vector["cases"] if "check" in case]
    native = native_answers(writ, text, [case["check"] for case in checks], vector)
    problems = []
    for case, expected in zip(checks, native):
        answer = guest.call("[method]authorizer.explain", loaded, json.dumps(case["check"]))
        if isinstance(answer, tuple):
            answer = json.dumps({"error": {"code": answer[1], "message": answer[3]}}, separators=(",", ":"), ensure_ascii=False)
        if answer != expected:
            problems.append(f"{case['name']}: guest {answer}, native {expected}")
    for case in (case for case in vector["cases"] if "whoCan" in case):
        question = json.dumps(case["whoCan"])
        answer = guest.call("[method]authorizer.who-can", loaded, question, True)
        if isinstance(answer, tuple):
            answer = json.dumps({"error": {"code": answer[1], "message": answer[3]}}, separators=(",", ":"), ensure_ascii=False)
        expected = native_who_can(writ, text, question, vector)
        if answer != expected:
            problems.append(f"{case['name']}: guest who-can {answer}, native {expected}")
    loaded.drop(guest.store)
    return problems


def native_who_can(writ, snapshot_text, question, vector):
    flags = []
    for name, value in (vector.get("limits") or {}).items():
        flags += ["--limit", f"{name}={value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as snapshot:
        snapshot.write(snapshot_text)
        snapshot.flush()
        out = subprocess.run([writ, "who-can", snapshot.name, "--request", question, "--explain", *flags],
                             capture_output=True, text=True).stdout
    return out.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guest", required=True, help="writ.wasm (writ guest -o writ.wasm)")
    parser.add_argument("--writ", required=True, help="the native writ command")
    parser.add_argument("--vectors", default=str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"))
    args = parser.parse_args()
    vectors_dir = pathlib.Path(args.vectors)
    guest = Guest(args.guest)
    files = sorted(p for p in vectors_dir.rglob("*.json") if "snapshots" not in p.relative_to(vectors_dir).parts)
    failed = signed = passed = 0
    for path in files:
        if "trustedKeys" in json.loads(path.read_text()):
            signed += 1
            continue
        problems = run(guest, args.writ, vectors_dir, path)
        name = path.relative_to(vectors_dir).with_suffix("")
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"  {problem}")
        else:
            passed += 1
    print(f"python wasmtime host: {passed} vector files as natively, {failed} failed, {signed} signed ones left to the hosts that verify")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
