"""Run every benchmark and write their tables to benchmarks/RESULTS.md (what ``make bench`` does).

    python -m benchmarks.run_all [--quick]

``--quick`` uses small sizes (a smoke run of a few seconds); the default takes a few minutes.
"""
from __future__ import annotations

import argparse
import datetime
import os
import tempfile
from pathlib import Path

from . import cnn_epoch, graph_scaling, lstm_epoch, memory, mlp_epoch, op_overhead

FULL = {
    "MLP epoch, batch 32": (mlp_epoch, ["--batch-size", "32"]),
    "MLP epoch, batch 128": (mlp_epoch, ["--batch-size", "128"]),
    "Backward scaling": (graph_scaling, []),
    "Per-op overhead": (op_overhead, []),
    "Memory": (memory, []),
    "Keras convnet training steps, batch 128": (cnn_epoch, []),
    "LSTM training steps": (lstm_epoch, []),
}
QUICK = {
    "MLP epoch, batch 32": (mlp_epoch, ["--batch-size", "32", "--samples", "320", "--repeats", "1"]),
    "Backward scaling": (graph_scaling, ["--sizes", "1000", "2000", "--repeats", "1"]),
    "Per-op overhead": (op_overhead, ["--number", "100", "--repeats", "1"]),
    "Memory": (memory, ["--steps", "120"]),
    "Keras convnet training steps, batch 128": (cnn_epoch, ["--quick"]),
    "LSTM training steps": (lstm_epoch, ["--quick"]),
}


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that everything runs")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    args = parser.parse_args(argv)
    sections = [f"# Benchmark results\n\n{datetime.date.today().isoformat()}, "
                f"{'quick smoke run' if args.quick else 'full run'} (`python -m benchmarks.run_all"
                f"{' --quick' if args.quick else ''}`)."]
    for title, (module, module_args) in (QUICK if args.quick else FULL).items():
        print(f"\n## {title}")
        sections.append(f"## {title}\n\n`python -m {module.__name__} {' '.join(module_args)}`\n\n"
                        + module.main(module_args))
    out = Path(args.out)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".results-")
    with os.fdopen(fd, "w") as f:
        f.write("\n\n".join(sections) + "\n")
    os.replace(tmp, out)
    print(f"\nwrote {out}")
    return out


if __name__ == "__main__":
    main()
