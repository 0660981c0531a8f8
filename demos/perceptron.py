"""Seed 001's perceptron: is an iris a setosa, from its petal length and width? The seed fits
scikit-learn's Perceptron and reports accuracy 1.0; here the rule itself, one sample at a time:

    y_hat = step(x·w + b)            (tensorgrad.step: 1 where x·w + b >= 0, else 0)
    w <- w + eta (y - y_hat) x,   b <- b + eta (y - y_hat)

The classes are linearly separable, so by the perceptron convergence theorem the epochs stop making
mistakes after finitely many updates.

    python -m demos.perceptron [--eta 0.1] [--max-epochs 100]
"""
from __future__ import annotations

import numpy as np

import nn
import tensorgrad as tg
from demos.common import compare, parser

SEED_ACCURACY = 1.0


def predict(x: np.ndarray, w: tg.Tensor, b: tg.Tensor) -> np.ndarray:
    """step(x·w + b) for every row of ``x``."""
    return tg.step(tg.tensor(x) @ w + b).numpy()


def main(argv: list[str] | None = None) -> dict:
    """Train with the perceptron rule until an epoch makes no mistake; returns accuracy, epochs, w and b."""
    ap = parser("perceptron", __doc__)
    ap.add_argument("--eta", type=float, default=0.1, help="learning rate (default 0.1)")
    ap.add_argument("--max-epochs", type=int, default=100, help="stop after this many epochs (default 100)")
    args = ap.parse_args(argv)

    iris = nn.datasets.iris(dtype=np.float64)
    x = iris.x[:, 2:4]                                   # petal length and width (cm)
    y = (iris.y == 0).astype(np.float64)                 # 1 = setosa
    w = tg.tensor(np.zeros(2))
    b = tg.tensor(0.0, dtype=np.float64)
    for epoch in range(1, args.max_epochs + 1):
        mistakes = 0
        for xi, yi in zip(x, y):
            error = yi - predict(xi, w, b)               # y - y_hat: 0 when right, ±1 when wrong
            if error:
                mistakes += 1
                w = w + args.eta * error * xi
                b = b + args.eta * error
        print(f"epoch {epoch}: {mistakes} mistake(s), w = {np.round(w.numpy(), 3)}, b = {b.item():.3f}")
        if mistakes == 0:
            break
    accuracy = float((predict(x, w, b) == y).mean())
    print(f"\nboundary: {w[0].item():.3f} * petal length + {w[1].item():.3f} * petal width + {b.item():.3f} = 0")
    compare("accuracy (setosa or not)", accuracy, SEED_ACCURACY)
    return {"accuracy": accuracy, "epochs": epoch, "w": w.tolist(), "b": b.item()}


if __name__ == "__main__":
    main()
