"""Remembering the first symbol of a long sequence: an LSTM learns it where a SimpleRNN stays at chance.

Each sequence is ``--steps`` one-hot symbols (scaled by ``--scale``) from an alphabet of 4; the label is
the FIRST symbol and every later symbol is a random distractor, so the answer must be carried across
every step. The SimpleRNN's state h_t = tanh(x_t K + h_{t-1} R) is overwritten by each strong input and
its gradient to step 0 shrinks by tanh' at every step; the LSTM's cell state c_t = f c_{t-1} + i g is
additive, so the first symbol's gradient survives and the gates learn to keep it. Data are generated
here; nothing is downloaded. Printed: each model's test accuracy and loss per epoch (chance 0.25, loss
log 4 = 1.386). Measured (defaults): SimpleRNN 0.258, its loss stuck near 1.35; LSTM 0.488, loss 0.81
(40 epochs: 0.217 and 0.623). The LSTM learns the first symbol for some of the classes, not yet all:
Adam's steps stay large on this plateau, and its loss jumps now and then.

    python -m demos.sequence_memory                 # 30 steps, 20 epochs, both models (minutes)
    python -m demos.sequence_memory --steps 5 --epochs 4    # short memory: both learn it
"""
from __future__ import annotations

import time

import numpy as np

import nn
import optim
import tensorgrad as tg
from demos.common import parser
from nn.keras import layers as L

SYMBOLS = 4


def make_data(samples: int, steps: int, rng: np.random.Generator, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(samples, steps, SYMBOLS) one-hot sequences times ``scale``, and their first symbols."""
    symbols = rng.integers(0, SYMBOLS, (samples, steps))
    return np.eye(SYMBOLS, dtype=np.float32)[symbols] * np.float32(scale), symbols[:, 0]


def build(kind: str, units: int, lr: float) -> nn.Sequential:
    cell = L.LSTM(units) if kind == "LSTM" else L.SimpleRNN(units)
    model = nn.Sequential([cell, L.Dense(SYMBOLS, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optim.Adam(lr=lr), metrics=["accuracy"])
    return model


def main(argv: list[str] | None = None) -> dict:
    """Train a SimpleRNN and an LSTM on the same data; returns each one's test accuracy."""
    ap = parser("sequence_memory", __doc__)
    ap.add_argument("--steps", type=int, default=30, help="sequence length (default 30)")
    ap.add_argument("--samples", type=int, default=2048, help="training sequences (default 2048)")
    ap.add_argument("--scale", type=float, default=3.0, help="size of each input symbol (default 3)")
    ap.add_argument("--epochs", type=int, default=20, help="epochs per model (default 20)")
    ap.add_argument("--units", type=int, default=16, help="recurrent units (default 16)")
    ap.add_argument("--lr", type=float, default=0.004, help="Adam's learning rate (default 0.004)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x_train, y_train = make_data(args.samples, args.steps, rng, args.scale)
    x_test, y_test = make_data(512, args.steps, rng, args.scale)
    result = {}
    for kind in ("SimpleRNN", "LSTM"):
        tg.manual_seed(args.seed)
        model = build(kind, args.units, args.lr)
        start = time.perf_counter()
        history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
        result[kind] = float(accuracy)
        print(f"{kind:>9}: training loss per epoch {' '.join(f'{v:.3f}' for v in history.history['loss'])}")
        print(f"{kind:>9}: test accuracy {accuracy:.3f} (chance {1 / SYMBOLS:.2f}) after {args.epochs} epochs, "
              f"{time.perf_counter() - start:.1f} s")
    return result


if __name__ == "__main__":
    main()
