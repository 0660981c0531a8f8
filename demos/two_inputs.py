"""Seed 004's two-input Functional model, as written: input A (64 features) -> Dense 16 relu -> Dense 8
relu; input B (128) -> Dense 64 -> 32 -> 8 relu; the two branches concatenated -> Dense 2 relu ->
Dense 1 linear (a regression). The seed only builds it; here it is trained (MSE, Adam) on synthetic
data whose target needs both inputs:

    y = sin(a·u) + (b·v)² / 2 - 1/2 + noise,   a ~ N(0, I_64), b ~ N(0, I_128), |u| = |v| = 1

The training loss falls, and the held-out loss rises when either input is replaced by zeros (the
model uses both).

    python -m demos.two_inputs [--epochs 10] [--samples 8000]
"""
from __future__ import annotations

import numpy as np

import nn
import tensorgrad as tg
from demos.common import parser


def build() -> nn.Model:
    """The seed's model: two branches made into Models, their outputs concatenated."""
    input_a = nn.Input(shape=(64,))
    input_b = nn.Input(shape=(128,))
    x = nn.Dense(16, activation="relu")(input_a)
    x = nn.Dense(8, activation="relu")(x)
    x = nn.Model(inputs=input_a, outputs=x)
    y = nn.Dense(64, activation="relu")(input_b)
    y = nn.Dense(32, activation="relu")(y)
    y = nn.Dense(8, activation="relu")(y)
    y = nn.Model(inputs=input_b, outputs=y)
    result = nn.concatenate([x.output, y.output])
    z = nn.Dense(2, activation="relu")(result)
    z = nn.Dense(1, activation="linear")(z)
    return nn.Model(inputs=[x.input, y.input], outputs=z)


def synthetic(samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs a (samples, 64), b (samples, 128) and the target y (samples, 1), float32; y has variance ~1."""
    u = rng.normal(size=64)
    v = rng.normal(size=128)
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    a = rng.normal(size=(samples, 64))
    b = rng.normal(size=(samples, 128))
    y = np.sin(a @ u) + (b @ v) ** 2 / 2 - 0.5 + 0.05 * rng.normal(size=samples)
    return a.astype(np.float32), b.astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def main(argv: list[str] | None = None) -> dict:
    """Train on synthetic data; returns the per-epoch losses and the held-out losses with each input zeroed."""
    ap = parser("two_inputs", __doc__)
    ap.add_argument("--epochs", type=int, default=10, help="epochs (default 10)")
    ap.add_argument("--samples", type=int, default=8000, help="training samples (default 8000; 1000 more held out)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the shuffling")
    args = ap.parse_args(argv)

    tg.manual_seed(args.seed)
    a, b, y = synthetic(args.samples + 1000, np.random.default_rng(args.seed))
    train, test = slice(0, args.samples), slice(args.samples, None)
    model = build()
    model.summary()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit([a[train], b[train]], y[train], epochs=args.epochs, batch_size=32, verbose=2)
    losses = history.history["loss"]
    held_out = {name: float(model.evaluate(inputs, y[test], verbose=0)) for name, inputs in
                {"both": [a[test], b[test]], "a zeroed": [np.zeros_like(a[test]), b[test]],
                 "b zeroed": [a[test], np.zeros_like(b[test])]}.items()}
    print(f"\ntraining loss: epoch 1 {losses[0]:.4f} -> epoch {len(losses)} {losses[-1]:.4f} "
          f"(the variance of y, the loss of predicting its mean: {float(y[train].var()):.4f})")
    print("held-out loss: " + ", ".join(f"{name} {value:.4f}" for name, value in held_out.items()))
    print("  seed 004: no training reported (the model is only built)")
    return {"loss": losses, "held_out": held_out, "target_variance": float(y[train].var())}


if __name__ == "__main__":
    main()
