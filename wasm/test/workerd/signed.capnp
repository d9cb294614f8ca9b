# workerd configuration of the signed-snapshot test (wasm/test/edge.test.mjs):
# a worker that loads tests/vectors' signed snapshot, and its tampered copy,
# with the package's workerd entry, verifying with workerd's WebCrypto.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "signed", worker = .signed)],
  sockets = [(name = "http", address = "127.0.0.1:8788", http = (), service = "signed")],
);

const signed :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "signed-worker.js"),
    (name = "org.json", text = embed "../../../tests/vectors/snapshots/signed/org.json"),
    (name = "org-tampered.json", text = embed "../../../tests/vectors/snapshots/signed/org-tampered.json"),
    (name = "org.json.sig", text = embed "../../../tests/vectors/snapshots/signed/org.json.sig"),
    (name = "org.json.truncated.sig", text = embed "../../../tests/vectors/snapshots/signed/org.json.truncated.sig"),
    (name = "release.pub", text = embed "../../../tests/vectors/snapshots/signed/release.pub"),
    (name = "other.pub", text = embed "../../../tests/vectors/snapshots/signed/other.pub"),
    (name = "writ/workerd.js", esModule = embed "../../pkg/workerd.js"),
    (name = "writ/writ.js", esModule = embed "../../pkg/writ.js"),
    (name = "writ/fast.js", esModule = embed "../../pkg/fast.js"),
    (name = "writ/writ_bg.wasm", wasm = embed "../../pkg/writ_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
