"""Draw the lecture notes' networks as computation graphs (SVG via graphviz's `dot`).

    python -m demos.draw_graph --out out/graphs

(a) logistic_unit.svg: the single sigmoid unit with logistic loss on one sample of 3 features,
    every tensor's data and gradient printed (dL/dz = a - y, the notes' -(y - a)).
(b) two_layer_loss.svg: the 30-10-1 sigmoid network's mean logistic loss over a batch, with the
    parameters named W1, b1, W2, b2 and the activations A1, A2 as in the notes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor


def logistic_loss(y: Tensor, a: Tensor) -> Tensor:
    """L = -(y log a + (1 - y) log(1 - a)), elementwise."""
    return -(y * a.log() + (1 - y) * (1 - a).log())


def logistic_unit() -> tuple[Tensor, dict[str, Tensor]]:
    """z = x·w + b, a = sigmoid(z), L = logistic loss; backward run, every named tensor's grad kept."""
    x = tg.tensor([1.0, 2.0, -0.5])
    y = tg.tensor(1.0)
    w = tg.tensor([0.1, -0.2, 0.3], requires_grad=True)
    b = tg.tensor(0.05, requires_grad=True)
    z = x @ w + b
    a = z.sigmoid()
    loss = logistic_loss(y, a)
    for t in (z, a, loss):
        t.retain_grad()
    loss.backward()
    return loss, {"x": x, "y": y, "w": w, "b": b, "z": z, "a": a, "L": loss}


def two_layer_loss(m: int = 64, seed: int = 0) -> tuple[Tensor, dict[str, Tensor]]:
    """The notes' DualLayer (30 features, 10 sigmoid hidden units, 1 sigmoid output) on ``m`` random
    samples: A1 = sigmoid(X W1 + b1), A2 = sigmoid(A1 W2 + b2), loss = mean logistic loss."""
    rng = np.random.default_rng(seed)
    X = tg.tensor(rng.normal(size=(m, 30)).astype(np.float32))
    Y = tg.tensor(rng.integers(0, 2, size=(m, 1)).astype(np.float32))
    W1 = tg.tensor(rng.normal(size=(30, 10)).astype(np.float32), requires_grad=True)
    b1 = tg.tensor(np.zeros(10, np.float32), requires_grad=True)
    W2 = tg.tensor(rng.normal(size=(10, 1)).astype(np.float32), requires_grad=True)
    b2 = tg.tensor(np.zeros(1, np.float32), requires_grad=True)
    A1 = (X @ W1 + b1).sigmoid()
    A2 = (A1 @ W2 + b2).sigmoid()
    loss = logistic_loss(Y, A2).mean()
    return loss, {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "X": X, "Y": Y, "A1": A1, "A2": A2, "loss": loss}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demos.draw_graph", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/graphs"), help="folder for the pictures "
                        "(default: out/graphs)")
    parser.add_argument("--format", default="svg", choices=["svg", "png", "pdf"],
                        help="image format (default: svg)")
    args = parser.parse_args(argv)
    unit_loss, unit_names = logistic_unit()
    net_loss, net_names = two_layer_loss()
    pictures = {"logistic_unit": dict(root=unit_loss, names=unit_names, show_data=True, show_grad=True),
                "two_layer_loss": dict(root=net_loss, names=net_names)}
    try:
        for stem, kw in pictures.items():
            print(tg.render(path=args.out / f"{stem}.{args.format}", format=args.format, **kw))
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
