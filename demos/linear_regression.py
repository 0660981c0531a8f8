"""Seed 003's Keras prediction example, as written: y = 10x + 2 on x = 0, 1; Sequential with
Dense(2, input_shape=(1,)) (two outputs, each fitted to y), MSE, SGD (lr 0.01), 100 epochs of batch 3
(one full-batch step each: there are 2 samples), then predictions at x = 2 beside y_test = 22.

100 steps of lr 0.01 leave the model under-trained (it predicts about 10-12 at x = 2): the loss's
slowest direction has curvature about 0.19, so the error shrinks by only ~0.2% a step. Fitting on
(Keras continues from the current weights) recovers w = 10, b = 2 and the prediction 22.

    python -m demos.linear_regression                    # 100 + 4900 epochs, about 2 s
    python -m demos.linear_regression --more-epochs 0    # the seed's 100 only
"""
from __future__ import annotations

import numpy as np

import nn
import tensorgrad as tg
from demos.common import compare, parser

W, B = 10, 2
SEED_EPOCHS = 100


def main(argv: list[str] | None = None) -> dict:
    """Fit as written, then fit on; returns predictions at x = 2 after each and the final w and b."""
    ap = parser("linear_regression", __doc__)
    ap.add_argument("--epochs", type=int, default=SEED_EPOCHS, help="first fit, as the seed (default 100)")
    ap.add_argument("--more-epochs", type=int, default=4900, help="further epochs to train on (default 4900)")
    ap.add_argument("--seed", type=int, default=0, help="tensorgrad.manual_seed for the initial weights")
    args = ap.parse_args(argv)

    x_train = np.array([[0], [1]])
    y_train = x_train * W + B
    x_test = np.array([[2], [2]])
    y_test = x_test * W + B

    tg.manual_seed(args.seed)
    model = nn.Sequential()
    model.add(nn.Dense(2, input_shape=(1,)))
    model.summary()
    model.compile(loss="mean_squared_error", optimizer="SGD")
    model.fit(x_train, y_train, batch_size=3, epochs=args.epochs, verbose=0)
    first = model.predict(x_test)
    print(f"after {args.epochs} epochs (as the seed): predictions at x = 2\n{first}\nY-test: {y_test.ravel()}")
    compare(f"prediction at x=2, {args.epochs} ep.", f"{first[0, 0]:.2f}, {first[0, 1]:.2f}",
            f"{y_test[0, 0]} (y_test)")

    model.fit(x_train, y_train, batch_size=3, epochs=args.more_epochs, verbose=0)
    last = model.predict(x_test)
    (w,), b = model.get_weights()
    total = args.epochs + args.more_epochs
    print(f"\nafter {total} epochs: predictions at x = 2\n{last}")
    compare(f"prediction at x=2, {total} ep.", f"{last[0, 0]:.2f}, {last[0, 1]:.2f}", f"{y_test[0, 0]} (y_test)")
    compare("w of each output", f"{w[0]:.3f}, {w[1]:.3f}", f"{W}")
    compare("b of each output", f"{b[0]:.3f}, {b[1]:.3f}", f"{B}")
    return {"first_predictions": first[0].tolist(), "predictions": last[0].tolist(), "w": w.tolist(),
            "b": b.tolist(), "epochs": total}


if __name__ == "__main__":
    main()
