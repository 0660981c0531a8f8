"""Autograd vs the lecture notes' hand-derived gradients, on the breast-cancer data (seed 000).

For the logistic unit, the 30-10-1 two-layer sigmoid network and a softmax classifier with
cross-entropy, prints every parameter's autograd gradient next to the closed form from the notes
and their largest absolute difference.

    python -m demos.closed_form [--samples 64] [--seed 0]
"""
from __future__ import annotations

import argparse

import numpy as np

import tensorgrad as tg


def load_breast_cancer(samples: int) -> tuple[np.ndarray, np.ndarray]:
    """The first ``samples`` rows of scikit-learn's breast-cancer set, standardized, in float64."""
    from sklearn.datasets import load_breast_cancer as sklearn_loader
    data = sklearn_loader()
    x = (data.data - data.data.mean(axis=0)) / data.data.std(axis=0)
    return x[:samples], data.target[:samples].astype(np.float64).reshape(-1, 1)


def logistic_loss(a: tg.Tensor, y: np.ndarray) -> tg.Tensor:
    """L = -(y log a + (1 - y) log(1 - a)), summed over the samples as in the notes."""
    return -(y * a.log() + (1 - y) * (1 - a).log()).sum()


def logistic_unit(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> dict:
    w = tg.tensor(rng.normal(scale=0.1, size=(x.shape[1], 1)), requires_grad=True)
    b = tg.tensor(np.zeros(1), requires_grad=True)
    a = (tg.tensor(x) @ w + b).sigmoid()
    logistic_loss(a, y).backward()
    err = -(y - a.numpy(force=True))                  # dL/dz = -(y - a)
    return {"w": (w.grad.numpy(), x.T @ err), "b": (b.grad.numpy(), err.sum(axis=0))}


def two_layer(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, hidden: int = 10) -> dict:
    W1 = tg.tensor(rng.normal(scale=0.3, size=(x.shape[1], hidden)), requires_grad=True)
    b1 = tg.tensor(np.zeros(hidden), requires_grad=True)
    W2 = tg.tensor(rng.normal(scale=0.3, size=(hidden, 1)), requires_grad=True)
    b2 = tg.tensor(np.zeros(1), requires_grad=True)
    A1 = (tg.tensor(x) @ W1 + b1).sigmoid()
    A2 = (A1 @ W2 + b2).sigmoid()
    logistic_loss(A2, y).backward()
    err_out = -(y - A2.numpy(force=True))
    err_to_hidden = err_out @ W2.numpy(force=True).T * A1.numpy(force=True) * (1 - A1.numpy(force=True))
    ones = np.ones(len(x))
    return {"W1": (W1.grad.numpy(), x.T @ err_to_hidden), "b1": (b1.grad.numpy(), ones @ err_to_hidden),
            "W2": (W2.grad.numpy(), A1.numpy(force=True).T @ err_out), "b2": (b2.grad.numpy(), ones @ err_out)}


def softmax_classifier(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> dict:
    t = np.eye(2)[y.ravel().astype(int)]              # one-hot targets
    W = tg.tensor(rng.normal(scale=0.1, size=(x.shape[1], 2)), requires_grad=True)
    b = tg.tensor(np.zeros(2), requires_grad=True)
    a = (tg.tensor(x) @ W + b).softmax(axis=1)
    n = len(x)
    (-(tg.tensor(t) * a.log()).sum() / n).backward()  # L = -(1/N) Σ_j Σ_i t_ij log a_ij
    err = (a.numpy(force=True) - t) / n               # dL/dz = -(t - a) / N
    return {"W": (W.grad.numpy(), x.T @ err), "b": (b.grad.numpy(), err.sum(axis=0))}


def report(title: str, grads: dict) -> float:
    print(f"\n{title}")
    print(f"  {'param':<6} {'shape':<10} {'autograd[0]':>14} {'closed form[0]':>15} {'max |diff|':>11}")
    worst = 0.0
    for name, (auto, closed) in grads.items():
        diff = float(np.max(np.abs(auto - closed)))
        worst = max(worst, diff)
        print(f"  {name:<6} {str(auto.shape):<10} {auto.ravel()[0]:>14.8f} {closed.ravel()[0]:>15.8f} {diff:>11.2e}")
    return worst


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=64, help="number of breast-cancer rows (max 569)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    args = parser.parse_args(argv)
    x, y = load_breast_cancer(args.samples)
    rng = np.random.default_rng(args.seed)
    print(f"breast cancer: {x.shape[0]} samples x {x.shape[1]} standardized features, float64")
    worst = max(report("logistic unit (30 -> 1 sigmoid), dL/dw = -(y-a)x", logistic_unit(x, y, rng)),
                report("two-layer network (30 -> 10 sigmoid -> 1 sigmoid)", two_layer(x, y, rng)),
                report("softmax + cross-entropy (30 -> 2), dL/dz = a - y", softmax_classifier(x, y, rng)))
    print(f"\nlargest difference between autograd and the notes' formulas: {worst:.2e}")
    return worst


if __name__ == "__main__":
    main()
