#!/usr/bin/env bash
# The test command: what a newcomer runs and what CI runs.
#
# It installs redis-server from Debian's packages when it is missing, starts
# one on a free loopback port (appendonly, appendfsync always) in a temp
# dir, points the store contract suite at it with CONVIVO_TEST_REDIS_URL,
# runs gofmt, go vet and go test -race over the whole module, and stops the
# server on exit, also on failure. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing redis-server (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

. scripts/redis.sh
port=$(free_port 16379 16479)
dir=$(mktemp -d)
start_redis "$port" "$dir" --appendonly yes --appendfsync always
redis_pid=$REDIS_STARTED_PID
cleanup() { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
export CONVIVO_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
echo "== redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port (appendonly, appendfsync always)"

# A one-node Redis Cluster owning every slot, so the store is also proven
# through a cluster client (keys of one change must share a hash slot).
cport=$(free_port $((port + 1)) 16579 cluster)
cdir=$(mktemp -d)
start_redis "$cport" "$cdir" --appendonly no --cluster-enabled yes --cluster-config-file "$cdir/nodes.conf"
cluster_pid=$REDIS_STARTED_PID
cleanup() {
  kill "$redis_pid" "$cluster_pid" 2>/dev/null || true
  wait "$redis_pid" "$cluster_pid" 2>/dev/null || true
  rm -rf "$dir" "$cdir"
}
redis-cli -p "$cport" cluster addslotsrange 0 16383 >/dev/null
for _ in $(seq 1 100); do
  if redis-cli -p "$cport" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then break; fi
  sleep 0.1
done
redis-cli -p "$cport" cluster info | grep -q 'cluster_state:ok' || { echo "redis cluster did not come up:" >&2; cat "$cdir/redis.log" >&2; exit 1; }
export CONVIVO_TEST_REDIS_CLUSTER_URL="redis://127.0.0.1:$cport"
echo "== one-node redis cluster on 127.0.0.1:$cport (every slot)"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted" >&2; exit 1; fi

echo "== go vet ./..."
go vet ./...

echo "== go test -race ./... (top-level results; the store contract suite runs as TestContract in boltstore and redisstore)"
log=$(mktemp)
set +e
go test -race -count=1 -v "$@" ./... >"$log" 2>&1
status=$?
set -e
grep -E '^(--- (PASS|FAIL|SKIP): [A-Za-z0-9_]+ |ok  |FAIL|panic:|\s+--- FAIL)' "$log" || true
if [ $status -ne 0 ]; then
  echo "== failures in detail:"
  grep -B2 -A20 -E -- '--- FAIL|^panic:' "$log" | head -300
fi
# Say plainly which stores the contract suite ran against.
awk '/^--- (PASS|FAIL): TestContract / { r = substr($2, 1, 4) }
     /^(ok|FAIL)[ \t]+github.com\/convivo\/convivo\/housing\/(boltstore|redisstore)/ {
       if (r != "") { n = split($2, p, "/"); print "== store contract suite on " p[n] ": " r }; r = "" }' "$log"
passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$log" || true)
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
