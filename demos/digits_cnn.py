"""A small convnet on scikit-learn's 8x8 digits (1 797 images, bundled: nothing downloaded):
Conv2D(16, 3, same, relu) - MaxPooling2D(2) - Conv2D(32, 3, relu) - Flatten - Dense(10, softmax), Adam.
The dense network of seed 002 on the same images reaches about 0.97 (python -m demos.mnist --digits).

    python -m demos.digits_cnn               # 15 epochs, a few seconds
"""
from __future__ import annotations

import time

import nn
import tensorgrad as tg
from demos.common import parser
from demos.mnist import load_digits
from nn.keras import layers as L


def build_model() -> nn.Sequential:
    return nn.Sequential([L.Conv2D(16, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
                          L.MaxPooling2D(2), L.Conv2D(32, 3, activation="relu"), L.Flatten(),
                          L.Dense(10, activation="softmax")])


def main(argv: list[str] | None = None) -> dict:
    """Train on 80% of the digits, evaluate on the other 20%; returns the test metrics."""
    ap = parser("digits_cnn", __doc__)
    ap.add_argument("--epochs", type=int, default=15, help="epochs to train (default 15)")
    ap.add_argument("--seed", type=int, default=0, help="tensorgrad.manual_seed and the split's seed")
    args = ap.parse_args(argv)
    tg.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_digits(args.seed)
    x_train, x_test = x_train.reshape(-1, 8, 8, 1), x_test.reshape(-1, 8, 8, 1)
    model = build_model()
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"8x8 digits convnet, {args.epochs} epochs in {seconds:.1f} s: test accuracy {test_accuracy:.4f}, "
          f"loss {test_loss:.4f}")
    return {"test_accuracy": float(test_accuracy), "test_loss": float(test_loss), "seconds": seconds}


if __name__ == "__main__":
    main()
