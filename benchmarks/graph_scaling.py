"""Backward time per node over chains of N cheap ops: it must stay flat as N grows (linear total).

    python -m benchmarks.graph_scaling [--sizes 10000 100000 1000000] [--repeats 3]

Also reports how Python's cyclic garbage collector affects building a big graph: tensorgrad's graphs
hold no reference cycles (they are freed by reference counting), so the collector only adds
scanning work; the engine leaves the user's gc settings alone.
"""
from __future__ import annotations

import argparse
import gc
import time

import numpy as np

import tensorgrad as tg

from .common import machine


def build_chain(n: int) -> tuple[tg.Tensor, tg.Tensor]:
    x = tg.tensor(np.ones(4, dtype=np.float32), requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y.sum()


def time_chain(n: int, gc_enabled: bool = True) -> tuple[float, float]:
    """(forward seconds, backward seconds) for a chain of n multiplications."""
    was = gc.isenabled()
    (gc.enable if gc_enabled else gc.disable)()
    try:
        start = time.perf_counter()
        x, loss = build_chain(n)
        built = time.perf_counter()
        loss.backward()
        done = time.perf_counter()
    finally:
        (gc.enable if was else gc.disable)()
    assert x.grad is not None
    return built - start, done - built


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    lines = [f"machine: {machine()}", "",
             "| N | forward us/node | backward us/node | forward us/node, gc off | backward us/node, gc off |",
             "|---|---|---|---|---|"]
    per_node = {}
    for n in args.sizes:
        best = [min(time_chain(n, True)[k] for _ in range(args.repeats)) / n * 1e6 for k in (0, 1)]
        best_off = [min(time_chain(n, False)[k] for _ in range(args.repeats)) / n * 1e6 for k in (0, 1)]
        per_node[n] = best[1]
        lines.append(f"| {n:,} | {best[0]:.2f} | {best[1]:.2f} | {best_off[0]:.2f} | {best_off[1]:.2f} |")
    small, large = min(per_node), max(per_node)
    lines.append("")
    lines.append(f"backward per node at N={large:,} / at N={small:,}: {per_node[large] / per_node[small]:.2f} "
                 f"(target <= 1.5)")
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
