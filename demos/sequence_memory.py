"""Remembering the first symbol of a sequence: an LSTM learns it where a SimpleRNN stays at chance.

Each sequence is ``--steps`` symbols from an alphabet of 4, one-hot and scaled by ``--scale``, plus a
marker channel that is 1 at the first step only. The label is the FIRST symbol; every later symbol is a
random distractor from the same alphabet, so the answer must be carried across all the later steps
while inputs as strong as the answer keep arriving. The SimpleRNN's state h_t = tanh(x_t K + h_{t-1} R + b)
is rewritten by every input, and its gradient to step 0 shrinks by tanh' at every step; the LSTM's cell
state c_t = f c_{t-1} + i c̃ is additive, and its input gate can learn to open at the marker only and
stay shut for the distractors. Data are generated here (numpy, fixed seed); nothing is downloaded.

Both models: recurrent layer (16 units) - Dense(4, softmax), Adam(0.003, clipnorm=1), sparse categorical
cross-entropy, batch 32, 2 048 training and 512 test sequences. Printed: each model's training loss and
test accuracy per epoch (chance 0.25, loss log 4 = 1.386). See the README for the measured figures.

    python -m demos.sequence_memory                  # 20 steps, 20 epochs, both models (about 15 s CPU)
    python -m demos.sequence_memory --steps 4        # a short memory: both layers learn it
"""
from __future__ import annotations

import time

import numpy as np

import nn
import tensorgrad as tg
from demos.common import parser
from nn.keras import layers as L

SYMBOLS = 4


def make_data(samples: int, steps: int, rng: np.random.Generator, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(samples, steps, SYMBOLS + 1) sequences: one-hot symbols times ``scale`` and the first-step
    marker in the last channel; the labels are the first symbols."""
    symbols = rng.integers(0, SYMBOLS, (samples, steps))
    x = np.zeros((samples, steps, SYMBOLS + 1), np.float32)
    x[..., :SYMBOLS] = np.eye(SYMBOLS, dtype=np.float32)[symbols] * np.float32(scale)
    x[:, 0, SYMBOLS] = 1.0
    return x, symbols[:, 0]


def build(kind: str, units: int, lr: float) -> nn.Sequential:
    """A SimpleRNN or LSTM layer, then a softmax over the symbols; compiled with Adam (gradient norm clipped)."""
    cell = L.LSTM(units) if kind == "LSTM" else L.SimpleRNN(units)
    model = nn.Sequential([cell, L.Dense(SYMBOLS, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=nn.keras.optimizers.Adam(learning_rate=lr, clipnorm=1.0), metrics=["accuracy"])
    return model


def main(argv: list[str] | None = None) -> dict:
    """Train a SimpleRNN and an LSTM on the same data; returns each one's test accuracy and history."""
    ap = parser("sequence_memory", __doc__)
    ap.add_argument("--steps", type=int, default=20, help="sequence length (default 20)")
    ap.add_argument("--samples", type=int, default=2048, help="training sequences (default 2048)")
    ap.add_argument("--scale", type=float, default=3.0, help="size of each input symbol (default 3)")
    ap.add_argument("--epochs", type=int, default=20, help="epochs per model (default 20)")
    ap.add_argument("--units", type=int, default=16, help="recurrent units (default 16)")
    ap.add_argument("--lr", type=float, default=0.003, help="Adam's learning rate (default 0.003)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the shuffling")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x_train, y_train = make_data(args.samples, args.steps, rng, args.scale)
    x_test, y_test = make_data(512, args.steps, rng, args.scale)
    result: dict = {"history": {}}
    for kind in ("SimpleRNN", "LSTM"):
        tg.manual_seed(args.seed)
        model = build(kind, args.units, args.lr)
        start = time.process_time()
        history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0,
                            validation_data=(x_test, y_test))
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
        result[kind] = float(accuracy)
        result["history"][kind] = history.history
        print(f"{kind:>9}: training loss per epoch {' '.join(f'{v:.2f}' for v in history.history['loss'])}")
        print(f"{kind:>9}: test accuracy per epoch {' '.join(f'{v:.2f}' for v in history.history['val_accuracy'])}")
        print(f"{kind:>9}: test accuracy {accuracy:.3f} (chance {1 / SYMBOLS:.2f}) after {args.epochs} epochs, "
              f"{time.process_time() - start:.1f} s CPU")
    return result


if __name__ == "__main__":
    main()
