# workerd configuration of the edge example: the edge function (`edge`) in front
# of a stand-in origin (`origin`). Paths are relative to this file; the package is
# the one wasm/build.sh builds into wasm/pkg. Serve with
#   workerd serve wasm/examples/edge/config.capnp --socket-addr http=127.0.0.1:8787
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "edge", worker = .edge),
    (name = "origin", worker = .origin),
  ],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "edge")],
);

const edge :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "snapshot.json", text = embed "../org.json"),
    (name = "writ/workerd.js", esModule = embed "../../pkg/workerd.js"),
    (name = "writ/writ.js", esModule = embed "../../pkg/writ.js"),
    (name = "writ/fast.js", esModule = embed "../../pkg/fast.js"),
    (name = "writ/writ_bg.wasm", wasm = embed "../../pkg/writ_bg.wasm"),
  ],
  bindings = [(name = "ORIGIN", service = "origin")],
  compatibilityDate = "2025-09-01",
);

const origin :Workerd.Worker = (
  modules = [(name = "origin.js", esModule = embed "origin.js")],
  compatibilityDate = "2025-09-01",
);
