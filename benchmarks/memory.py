"""Memory of training: is every step's graph freed, and how much does a step allocate at its peak?

    python -m benchmarks.memory [--steps 2000] [--batch-size 32]

1. RSS (resident memory) after 100 training steps and after ``--steps`` steps of the MLP
   784-300-100-10: equal within a few MB when graphs and intermediate gradients are freed.
2. Peak traced allocation (tracemalloc) of one training step, tensorgrad beside the hand-written
   numpy step of benchmarks.mlp_epoch, and their ratio (target <= 1.5).
"""
from __future__ import annotations

import argparse
import resource
import tracemalloc

from .common import machine
from .mlp_epoch import LR, data, initial_weights, numpy_epoch, tensorgrad_model


def rss_mb() -> float:
    """Current resident set size in MB (from /proc; the peak from getrusage elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def training_steps(batch_size: int):
    import nn
    import optim
    x, y = data(batch_size * 50)
    model = tensorgrad_model(initial_weights())
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=LR)
    batches = [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(x), batch_size)]

    def run(steps: int) -> None:
        for s in range(steps):
            xb, yb = batches[s % len(batches)]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    return run, batches


def peak_bytes(fn) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    run, batches = training_steps(args.batch_size)
    run(100)
    after_100 = rss_mb()
    run(args.steps - 100)
    after_all = rss_mb()
    run(1)                                            # warm: lazily created optimizer scratch exists
    tg_peak = peak_bytes(lambda: run(1))
    weights = initial_weights()
    xb, yb = batches[0]
    numpy_epoch(weights, xb, yb, args.batch_size)
    np_peak = peak_bytes(lambda: numpy_epoch(weights, xb, yb, args.batch_size))
    text = "\n".join([
        f"machine: {machine()}", "",
        "| measure | value |", "|---|---|",
        f"| RSS after 100 steps | {after_100:.1f} MB |",
        f"| RSS after {args.steps} steps | {after_all:.1f} MB |",
        f"| growth | {after_all - after_100:+.1f} MB |",
        f"| peak allocation of one step, tensorgrad | {tg_peak / 2**20:.2f} MB |",
        f"| peak allocation of one step, hand-written numpy | {np_peak / 2**20:.2f} MB |",
        f"| ratio (target <= 1.5) | {tg_peak / max(np_peak, 1):.2f} |",
    ])
    print(text)
    return text


if __name__ == "__main__":
    main()
