"""Seed 003's XOR networks: 2 -> 32 sigmoid -> 1 sigmoid, MSE, Adam (Keras defaults), 1000 full-batch
epochs, which the seed reports at binary accuracy 1.0 (loss 0.11); and the same with six hidden sigmoid
layers of 32, which the seed reports stuck at accuracy 0.75 (loss 0.2499).

Whether a run ends stuck depends on the initial weights, so each network is trained from several
seeds. What does not depend on the seed is the vanishing gradient: at initialization every sigmoid
layer multiplies the backpropagated error by a'(z) = a(1 - a) <= 1/4, so the deep net's first layer
gets a weight gradient about 1e-4 the size of its last layer's. Printed per layer, before training.

    python -m demos.xor            # 5 seeds per network, about 5 s
    python -m demos.xor --full     # 20 seeds
"""
from __future__ import annotations

import time

import numpy as np

import nn
import tensorgrad as tg
from demos.common import compare, parser

SEED_SHALLOW = {"accuracy": 1.0, "loss": 0.1103}
SEED_DEEP = {"accuracy": 0.75, "loss": 0.2499}


def build(hidden_layers: int) -> nn.Sequential:
    """2 -> ``hidden_layers`` x Dense(32, sigmoid) -> Dense(1, sigmoid), Keras's initializers."""
    layers = [nn.Dense(32, activation="sigmoid", input_dim=2)]
    layers += [nn.Dense(32, activation="sigmoid") for _ in range(hidden_layers - 1)]
    return nn.Sequential(layers + [nn.Dense(1, activation="sigmoid")])


def gradient_norms(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> list[float]:
    """‖dL/dW‖ of each layer's kernel for the MSE loss on the whole data, first layer first."""
    model.zero_grad()
    nn.MSELoss()(model(x), y).backward()
    norms = [float(np.linalg.norm(layer.weight.grad.numpy())) for layer in model.layers]
    model.zero_grad()
    return norms


def train(hidden_layers: int, seed: int, epochs: int, x: np.ndarray, y: np.ndarray) -> dict:
    """One seeded run as the seed writes it; returns the final loss/accuracy, predictions and initial gradient norms."""
    tg.manual_seed(seed)
    model = build(hidden_layers)
    model.compile(loss="mean_squared_error", optimizer="adam", metrics=["binary_accuracy"])
    norms = gradient_norms(model, x, y)
    history = model.fit(x, y, epochs=epochs, verbose=0)
    return {"seed": seed, "loss": history.history["loss"][-1], "accuracy": history.history["binary_accuracy"][-1],
            "predictions": model.predict(x).ravel(), "grad_norms": norms}


def report(title: str, runs: list[dict], seed_figures: dict) -> None:
    print(f"\n{title}")
    print(f"  {'seed':>4}  {'loss':>7}  {'accuracy':>8}  predictions for (0,0) (0,1) (1,0) (1,1)")
    for r in runs:
        predictions = np.array2string(r["predictions"], precision=3)
        print(f"  {r['seed']:>4}  {r['loss']:>7.4f}  {r['accuracy']:>8.2f}  {predictions}")
    solved = sum(r["accuracy"] == 1.0 for r in runs)
    compare("runs reaching accuracy 1.0", f"{solved}/{len(runs)}", f"{int(seed_figures['accuracy'] == 1.0)}/1")
    compare(f"accuracy, seed {runs[0]['seed']}", runs[0]["accuracy"], seed_figures["accuracy"], ".2f")
    compare(f"loss, seed {runs[0]['seed']}", runs[0]["loss"], seed_figures["loss"])
    compare("median loss", float(np.median([r["loss"] for r in runs])), seed_figures["loss"])


def main(argv: list[str] | None = None) -> dict:
    """Both networks over ``--runs`` seeds; returns their outcomes and the deep net's gradient ratios."""
    ap = parser("xor", __doc__)
    ap.add_argument("--runs", type=int, default=5, help="seeds per network (default 5)")
    ap.add_argument("--full", action="store_true", help="20 seeds per network")
    ap.add_argument("--seed", type=int, default=0, help="first seed (runs use seed, seed+1, ...)")
    ap.add_argument("--epochs", type=int, default=1000, help="epochs (default 1000, the seed's)")
    args = ap.parse_args(argv)
    runs = 20 if args.full else args.runs
    x, y = nn.datasets.xor()
    seeds = range(args.seed, args.seed + runs)

    start = time.perf_counter()
    shallow = [train(1, s, args.epochs, x, y) for s in seeds]
    deep = [train(6, s, args.epochs, x, y) for s in seeds]
    seconds = time.perf_counter() - start
    report("2-32-1 sigmoid, MSE, Adam (the seed's 1-layer XOR)", shallow, SEED_SHALLOW)
    report("2-32x6-1 sigmoid, MSE, Adam (the seed's 8-layer XOR: 6 hidden layers)", deep, SEED_DEEP)

    norms = np.array([r["grad_norms"] for r in deep])                 # (runs, 7 layers)
    ratios = norms[:, 0] / norms[:, -1]
    print(f"\nvanishing gradient: ‖dL/dW‖ per layer at initialization, seed {deep[0]['seed']} "
          f"(relative to the last layer):")
    for i, n in enumerate(norms[0]):
        print(f"  layer {i + 1}: {n:.3e}  ({n / norms[0, -1]:.1e})")
    print(f"  first/last over {runs} seeds: {ratios.min():.1e} .. {ratios.max():.1e} "
          f"(the seed's 'about 1e-4' of the last's)")
    print("  Adam divides each step by the gradient's running RMS, so even these tiny gradients move the first "
          "layer:\n  whether the deep net escapes the plateau depends on the seed, not on the gradient's size.")
    print(f"\n{2 * runs} runs of {args.epochs} epochs in {seconds:.1f} s")
    return {"shallow": shallow, "deep": deep, "shallow_accuracy": shallow[0]["accuracy"],
            "shallow_solved": sum(r["accuracy"] == 1.0 for r in shallow) / runs,
            "deep_solved": sum(r["accuracy"] == 1.0 for r in deep) / runs,
            "deep_grad_norms": norms[0].tolist(), "grad_ratio": float(ratios.max()), "seconds": seconds}


if __name__ == "__main__":
    main()
