"""Per-op overhead: ``(x*w + x).sum().backward()`` on shape-(4,) tensors, beside PyTorch and numpy.

    python -m benchmarks.op_overhead [--number 20000] [--repeats 5]
"""
from __future__ import annotations

import argparse
import timeit

import numpy as np

import tensorgrad as tg

from .common import machine, torch_or_none


def candidates(number: int) -> dict:
    x = tg.tensor(np.ones(4, dtype=np.float32), requires_grad=True)
    w = tg.tensor(np.ones(4, dtype=np.float32), requires_grad=True)

    def tensorgrad_step() -> None:
        x.grad = w.grad = None
        (x * w + x).sum().backward()

    a = np.ones(4, dtype=np.float32)
    found = {"tensorgrad": tensorgrad_step, "numpy add (one op, no graph)": lambda: a + a}
    torch = torch_or_none()
    if torch is not None:
        tx = torch.ones(4, requires_grad=True)
        tw = torch.ones(4, requires_grad=True)

        def torch_step() -> None:
            tx.grad = tw.grad = None
            (tx * tw + tx).sum().backward()
        found["pytorch"] = torch_step
    return found


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=20000, help="calls per repetition")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    found = candidates(args.number)
    times = {name: [] for name in found}
    for _ in range(args.repeats):               # interleaved
        for name, fn in found.items():
            times[name].append(timeit.timeit(fn, number=args.number) / args.number)
    lines = [f"machine: {machine()}", "", "| candidate | min us | ratio to pytorch |", "|---|---|---|"]
    ref = min(times["pytorch"]) if "pytorch" in times else None
    for name, ts in times.items():
        ratio = f"{min(ts) / ref:.2f}" if ref else "(torch not installed)"
        lines.append(f"| {name} | {min(ts) * 1e6:.2f} | {ratio} |")
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
