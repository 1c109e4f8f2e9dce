#!/usr/bin/env bash
# Times `convivo solve` against SciPy's linear_sum_assignment and NetworkX's
# max_weight_matching on fixed-seed instances (uniform 2000x2000,
# Machol-Wien 2000x2000, complete graph on 400 vertices), checks that the
# totals agree and prints a markdown table. Installs Debian's python3-scipy
# and python3-networkx if /usr/bin/python3 lacks them (needs root).
#
# Usage: scripts/sidebyside.sh [WORKDIR]   (default: a fresh temp dir)
set -euo pipefail

cd "$(dirname "$0")/.."
python=/usr/bin/python3

if ! "$python" -c 'import scipy, networkx' 2>/dev/null; then
	echo "installing python3-scipy and python3-networkx" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q python3-scipy python3-networkx >&2 ||
		{ apt-get update -q >&2 && apt-get install -y -q python3-scipy python3-networkx >&2; }
fi

bin=/tmp/convivo-sbs
go build -o "$bin" ./cmd/convivo

if [[ $# -ge 1 ]]; then
	workdir=$1
else
	workdir=$(mktemp -d)
	trap 'rm -rf "$workdir"' EXIT
fi
echo "instances in $workdir" >&2
status=0
"$python" scripts/sidebyside.py "$bin" "$workdir" || status=$?

# The same instances through the Go solvers alone (no process, no JSON),
# the figure comparable to the reference's solve-only time.
echo
echo "| instance | convivo solver only s (Go benchmark, mean of 3) |"
echo "|---|---:|"
CONVIVO_SBS_DIR=$workdir go test -run '^$' -bench 'SideBySideInstances' -benchtime=3x ./matching/ |
	awk '/^BenchmarkSideBySideInstances\// { name = $1; sub(/^[^\/]*\//, "", name); sub(/-[0-9]+$/, "", name); printf "| %s | %.3f |\n", name, $3 / 1e9 }'
exit "$status"
