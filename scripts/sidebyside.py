#!/usr/bin/python3
"""Side-by-side timing of `convivo solve` against SciPy and NetworkX.

Usage: sidebyside.py CONVIVO_BINARY WORKDIR

Writes three instances to WORKDIR (fixed seeds), solves each with
`CONVIVO_BINARY solve PROBLEM < instance.json` (wall time of the whole
process, JSON parsing included) and with the reference library (time of the
solve call only, the instance already in memory), checks that the totals
agree to a relative 1e-9 and prints a markdown table. Exits 1 if any total
disagrees.
"""

import json
import math
import os
import subprocess
import sys
import time

import networkx as nx
import numpy as np
from scipy.optimize import linear_sum_assignment

SEED = 20261126
REL_TOL = 1e-9


def uniform_cost(n):
    """An n x n matrix of uniform [0, 1) floats."""
    return np.random.default_rng(SEED).random((n, n))


def machol_wien(n):
    """The Machol-Wien matrix c[i][j] = (i+1)(j+1), hard for augmenting paths."""
    i = np.arange(1, n + 1, dtype=np.float64)
    return np.outer(i, i)


def complete_graph(n):
    """Edges [u, v, w] of the complete graph on n vertices, w uniform [0, 1)."""
    rng = np.random.default_rng(SEED + n)
    return [[u, v, float(rng.random())] for u in range(n) for v in range(u + 1, n)]


def write_json(path, obj):
    """Writes obj as JSON; floats use repr, so both sides read the same doubles."""
    with open(path, "w") as f:
        json.dump(obj, f)


def ref_assignment(cost):
    t0 = time.perf_counter()
    rows, cols = linear_sum_assignment(cost)
    seconds = time.perf_counter() - t0
    return seconds, float(cost[rows, cols].sum())


def ref_matching(edges):
    g = nx.Graph()
    g.add_weighted_edges_from(edges)
    t0 = time.perf_counter()
    mate = nx.max_weight_matching(g)
    seconds = time.perf_counter() - t0
    return seconds, float(sum(g[u][v]["weight"] for u, v in mate))


def run_convivo(binary, problem, path):
    """Runs `binary solve problem < path`; returns (wall seconds, total)."""
    with open(path, "rb") as stdin:
        t0 = time.perf_counter()
        out = subprocess.run([binary, "solve", problem], stdin=stdin, capture_output=True, check=False)
        seconds = time.perf_counter() - t0
    if out.returncode != 0:
        sys.exit(f"convivo solve {problem} < {path}: exit {out.returncode}: {out.stderr.decode().strip()}")
    return seconds, float(json.loads(out.stdout)["total"])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    instances = [
        ("assignment uniform 2000x2000", "assignment", uniform_cost(2000)),
        ("assignment Machol-Wien 2000x2000", "assignment", machol_wien(2000)),
        ("matching complete graph K400", "matching", complete_graph(400)),
    ]
    print("| instance | convivo s (wall, incl. JSON) | reference s (solve only) | ratio | totals agree |")
    print("|---|---:|---:|---:|---|")
    ok = True
    for name, problem, data in instances:
        path = os.path.join(workdir, name.replace(" ", "-") + ".json")
        if problem == "assignment":
            write_json(path, {"cost": data.tolist(), "maximize": False})
            ref_s, ref_total = ref_assignment(data)
            ref_name = "SciPy linear_sum_assignment"
        else:
            write_json(path, {"edges": data, "maxcardinality": False})
            ref_s, ref_total = ref_matching(data)
            ref_name = "NetworkX max_weight_matching"
        our_s, our_total = run_convivo(binary, problem, path)
        agree = math.isclose(our_total, ref_total, rel_tol=REL_TOL, abs_tol=REL_TOL)
        ok = ok and agree
        print(f"| {name} vs {ref_name} | {our_s:.3f} | {ref_s:.3f} | {our_s / ref_s:.3f} | "
              f"{'yes' if agree else 'NO'} ({our_total!r} vs {ref_total!r}) |", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
