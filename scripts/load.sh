#!/usr/bin/env bash
# The load figures of the README: bot turn latency at 200 updates/s from
# 500 users on each store, and a 100,000-reminder fan-out against a fake
# Bot API that enforces Telegram's limits (on a virtual clock).
#
# Without CONVIVO_TEST_REDIS_URL it starts a redis-server like the one of
# docker-compose.yml (appendonly, appendfsync always) on a free loopback
# port, and stops it on exit. It runs the CONVIVO_LOAD-gated tests of
# cmd/convivo (not under -race: they measure) and prints a table. Takes
# about two minutes; extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CONVIVO_TEST_REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
  . scripts/redis.sh
  port=$(free_port 16480 16579)
  dir=$(mktemp -d)
  start_redis "$port" "$dir" --appendonly yes --appendfsync always
  redis_pid=$REDIS_STARTED_PID
  cleanup() { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$dir"; }
  trap cleanup EXIT
  export CONVIVO_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
  echo "== redis-server on 127.0.0.1:$port (appendonly, appendfsync always)"
fi
[ -n "${CONVIVO_TEST_REDIS_URL:-}" ] || echo "== no redis-server: the embedded store only"

log=$(mktemp)
trap 'rm -f "$log"; [ -n "${redis_pid:-}" ] && cleanup' EXIT
set +e
CONVIVO_LOAD=1 go test -count=1 -v -run 'TestLoad' -timeout 20m "$@" ./cmd/convivo >"$log" 2>&1
status=$?
set -e
if [ $status -ne 0 ]; then grep -B2 -A20 -E -- '--- FAIL|^panic:' "$log" | head -100; fi

echo
echo "Bot turn latency, /help from 500 users at 200 updates/s for 10 s (update queued at the fake -> reply there)"
printf '%-8s %8s %10s %10s %10s %s\n' store rate p50 p99 max "p99<=50ms"
grep -o 'LOAD latency .*' "$log" | awk '{
  for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  printf "%-8s %8s %10s %10s %10s %s\n", v["store"], v["rate"], v["p50"], v["p99"], v["max"], v["met"] }'
echo
echo "Reminder fan-out, 100,000 messages through the Sender (Telegram limits enforced, virtual clock)"
printf '%-10s %-10s %-14s %-6s %-10s %-10s %s\n' rate "of 25/s" virtual 429s first last "in quiet hours"
grep -o 'LOAD fanout .*' "$log" | awk '{
  for (i = 3; i <= NF; i++) { n = index($i, "="); if (n) v[substr($i, 1, n-1)] = substr($i, n+1) }
  printf "%-10s %-10s %-14s %-6s %-10s %-10s %s\n", v["rate"], v["share_of_25"], v["virtual"], v["429s"], v["first"], v["last"], v["in_quiet"] }'
echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | awk '{print $3}')"
exit $status
