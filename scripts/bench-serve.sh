#!/usr/bin/env bash
# The load benchmark of `writ serve` (issue 18): on the generated 100k-row
# organisation, with the load generator (oha, from crates.io, into .tools) on
# the same machine, for each engine in turn (wasm, then native, interleaved
# when --rounds > 1):
#   - single AuthZEN evaluations, keep-alive, as fast as they go: requests/s;
#   - the same at a fixed 5,000 requests/s: p50 / p99 latency;
#   - batches of 100 through /access/v1/evaluations and /v1/check: checks/s.
# With --peer, also Cerbos (the PDP binary npm publishes, into .tools/cerbos),
# asked the same first question: Cerbos keeps no data, so the request carries
# what decides it (the users and groups granted READ on the definition or on
# `*`, computed from the same organisation: 16 KB), and once more with that
# cut down to a few ids (its floor). Revokes are not modelled there.
# It measures and prints; nothing is asserted (this machine is a noisy VM).
#
#   bash scripts/bench-serve.sh [--seconds 10] [--connections 32] [--rounds 1] [--peer]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

seconds=10
connections=32
rounds=1
peer=false
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --peer) peer=true; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench-serve.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ ! -x .tools/bin/oha ]; then
  echo "installing oha into .tools (once, a few minutes)"
  cargo install oha --locked --root .tools --quiet
fi
cargo build --release -p writ-host --quiet
writ=target/release/writ
work=target/bench-serve
mkdir -p "$work"
[ -f "$work/org.json" ] || "$writ" generate -o "$work/org.json"

# Bodies: one evaluation; a batch of 100 evaluations; 100 writ requests.
python3 - "$work" <<'EOF'
import json, random, sys
work = sys.argv[1]
random.seed(7)
def pick():
    return f"user-{random.randrange(10000)}", f"process-{random.randrange(5000)}"
user, process = pick()
one = {"subject": {"type": "user", "id": user}, "action": {"name": "READ"},
       "resource": {"type": "PROCESS_DEFINITION", "id": process}}
json.dump(one, open(f"{work}/evaluation.json", "w"))
items = []
requests = []
for _ in range(100):
    user, process = pick()
    items.append({"subject": {"type": "user", "id": user}, "action": {"name": "READ"},
                  "resource": {"type": "PROCESS_DEFINITION", "id": process}})
    requests.append({"user": user, "permission": "READ", "resourceType": "PROCESS_DEFINITION",
                     "resourceId": process})
json.dump({"evaluations": items}, open(f"{work}/evaluations.json", "w"))
json.dump(requests, open(f"{work}/check.json", "w"))
EOF

port=$((20000 + RANDOM % 20000))
server=""
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=""; }
trap stop EXIT

# oha's JSON summary → "rps p50 p99" (latencies in ms).
summary() {
  python3 -c '
import json, sys
s = json.load(sys.stdin)
rps = s["summary"]["requestsPerSec"]
p = s["latencyPercentiles"]
ok = s.get("statusCodeDistribution") or {}
codes = ",".join(f"{k}:{v}" for k, v in sorted(ok.items()))
print("%.0f %.3f %.3f %s" % (rps, p["p50"] * 1000, p["p99"] * 1000, codes or "-"))'
}

load() { # URL BODY [extra oha args]
  local url="$1" body="$2"; shift 2
  .tools/bin/oha --no-tui --output-format json -z "${seconds}s" -c "$connections" \
    -m POST -H 'content-type: application/json' -D "$body" "$@" "$url" | summary
}

echo "writ serve load benchmark: $(nproc) cores, ${seconds}s per run, $connections connections, $(date -u +%FT%TZ)"
for round in $(seq "$rounds"); do
  for engine in wasm native; do
    stop
    "$writ" serve "$work/org.json" --listen "127.0.0.1:$port" --engine "$engine" --log warn &
    server=$!
    for _ in $(seq 300); do
      curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
      sleep 0.1
    done
    base="http://127.0.0.1:$port"
    read -r rps p50 p99 codes < <(load "$base/access/v1/evaluation" "$work/evaluation.json")
    echo "round $round $engine: single evaluations: $rps req/s (p50 $p50 ms, p99 $p99 ms) $codes"
    read -r rps p50 p99 codes < <(load "$base/access/v1/evaluation" "$work/evaluation.json" -q 5000)
    echo "round $round $engine: at 5,000 req/s: p50 $p50 ms, p99 $p99 ms ($rps req/s) $codes"
    read -r rps p50 p99 codes < <(load "$base/access/v1/evaluations" "$work/evaluations.json")
    echo "round $round $engine: /access/v1/evaluations of 100: $((rps * 100)) checks/s (p99 $p99 ms) $codes"
    read -r rps p50 p99 codes < <(load "$base/v1/check" "$work/check.json")
    echo "round $round $engine: /v1/check of 100: $((rps * 100)) checks/s (p99 $p99 ms) $codes"
  done
done

$peer || exit 0
stop
cerbos=.tools/cerbos/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64
if [ ! -x "$cerbos" ]; then
  echo "installing Cerbos (npm @cerbos/cerbos-linux-x64) into .tools/cerbos"
  npm install --prefix .tools/cerbos --no-save --no-audit --no-fund --silent @cerbos/cerbos-linux-x64@0.51.0
fi
mkdir -p "$work/cerbos/policies"
cat > "$work/cerbos/policies/process_definition.yaml" <<'EOF'
apiVersion: api.cerbos.dev/v1
resourcePolicy:
  version: default
  resource: process_definition
  rules:
    - actions: ["READ"]
      effect: EFFECT_ALLOW
      roles: ["*"]
      condition:
        match:
          any:
            of:
              - expr: request.principal.id in request.resource.attr.users
              - expr: "\"*\" in request.resource.attr.users"
              - expr: request.principal.attr.groups.exists(g, g in request.resource.attr.groups)
EOF
cerbos_port=$((port + 1))
cat > "$work/cerbos/config.yaml" <<EOF
server:
  httpListenAddr: "127.0.0.1:$cerbos_port"
  grpcListenAddr: "127.0.0.1:$((port + 2))"
storage:
  driver: disk
  disk:
    directory: $PWD/$work/cerbos/policies
audit:
  enabled: false
telemetry:
  disabled: true
EOF
python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
org = json.load(open(f"{work}/org.json"))
asked = json.load(open(f"{work}/evaluation.json"))
user, definition = asked["subject"]["id"], asked["resource"]["id"]
groups = next(u for u in org["users"] if u["id"] == user).get("groups", [])
users, granted = set(), set()
for row in org["authorizations"]:
    if (row["resourceType"] in ("PROCESS_DEFINITION", 6) and row["resourceId"] in (definition, "*")
            and row["type"] != "REVOKE" and {"READ", "ALL"} & set(row["permissions"])):
        if row.get("userId"):
            users.add(row["userId"])
        if row.get("groupId"):
            granted.add(row["groupId"])
def request(users, granted):
    return {"requestId": "bench", "principal": {"id": user, "roles": ["user"], "attr": {"groups": groups}},
            "resources": [{"actions": ["READ"], "resource": {"kind": "process_definition", "id": definition,
                           "attr": {"users": sorted(users), "groups": sorted(granted)}}}]}
json.dump(request(users, granted), open(f"{work}/cerbos/check.json", "w"))
json.dump(request([], sorted(granted)[:2]), open(f"{work}/cerbos/check-small.json", "w"))
EOF
"$cerbos" server --config="$work/cerbos/config.yaml" --log-level=warn >"$work/cerbos/log" 2>&1 &
server=$!
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$cerbos_port/_cerbos/health" >/dev/null 2>&1 && break
  sleep 0.1
done
url="http://127.0.0.1:$cerbos_port/api/check/resources"
read -r rps p50 p99 codes < <(load "$url" "$work/cerbos/check.json")
echo "cerbos: single checks, the deciding data in the request: $rps req/s (p50 $p50 ms, p99 $p99 ms) $codes"
read -r rps p50 p99 codes < <(load "$url" "$work/cerbos/check-small.json")
echo "cerbos: single checks, a few ids in the request: $rps req/s (p50 $p50 ms, p99 $p99 ms) $codes"
