"""Seed 002's MNIST classifier: 784 -> Dense 100 relu -> Dense 50 relu -> Dense 10 softmax, Adam,
categorical cross-entropy on one-hot labels (to_categorical), pixels / 255; the seed reports test
loss 0.0880, accuracy 0.9762. Its fit arguments are not shown; this uses 10 epochs of batch 100 with
validation_split 0.2.

MNIST is read from the places nn.datasets.mnist.load_data() searches (never downloaded unless
--download); without it the demo says how to get it. --digits runs the same network on
scikit-learn's bundled 8x8 digits (1 797 images, 64 inputs, pixels / 16) instead.

    python -m demos.mnist --digits          # about 2 s
    python -m demos.mnist [--download]      # MNIST, 2 epochs; --full for 10
"""
from __future__ import annotations

import time

import numpy as np

import nn
import tensorgrad as tg
from demos.common import compare, parser

SEED_TEST_LOSS, SEED_TEST_ACCURACY = 0.0880, 0.9762


def build(inputs: int) -> nn.Sequential:
    """inputs -> 100 relu -> 50 relu -> 10 softmax, compiled as the seed (Adam, categorical cross-entropy)."""
    model = nn.Sequential([nn.Dense(100, activation="relu", input_shape=(inputs,)),
                           nn.Dense(50, activation="relu"),
                           nn.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def load_mnist(data_dir: str | None, download: bool) -> tuple | None:
    """((x_train, y_train), (x_test, y_test)) as flat /255 float32 rows, or None (after saying how to get it)."""
    try:
        (x_train, y_train), (x_test, y_test) = nn.datasets.mnist.load_data(path=data_dir, download=download)
    except nn.datasets.DatasetNotFoundError as err:
        print(f"{err}\nHere: --data-dir DIR for a directory holding the files, --download to fetch them, or --digits "
              f"to run on scikit-learn's 8x8 digits instead.")
        return None
    scale = np.float32(1 / 255)
    return (x_train.reshape(len(x_train), -1) * scale, y_train), (x_test.reshape(len(x_test), -1) * scale, y_test)


def load_digits(seed: int) -> tuple:
    """scikit-learn's 8x8 digits, pixels / 16, split 80/20 stratified."""
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split
    digits = sklearn_digits()
    x = (digits.data / 16).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.2, stratify=digits.target,
                                                        random_state=seed)
    return (x_train, y_train), (x_test, y_test)


def main(argv: list[str] | None = None) -> dict:
    """Train and evaluate on MNIST (or the 8x8 digits); returns the test metrics, or available=False."""
    ap = parser("mnist", __doc__)
    ap.add_argument("--digits", action="store_true", help="use scikit-learn's 8x8 digits instead of MNIST")
    ap.add_argument("--download", action="store_true", help="download MNIST (verified by SHA-256) if missing")
    ap.add_argument("--data-dir", default=None,
                    help="directory holding the four MNIST .gz files (then the only place looked in)")
    ap.add_argument("--epochs", type=int, default=None, help="epochs (default: 2 on MNIST, 30 on --digits)")
    ap.add_argument("--full", action="store_true", help="10 epochs on MNIST")
    ap.add_argument("--seed", type=int, default=0, help="tensorgrad.manual_seed (and the digits split)")
    args = ap.parse_args(argv)

    if args.digits:
        name, data, epochs = "8x8 digits", load_digits(args.seed), args.epochs or 30
    else:
        data = load_mnist(args.data_dir, args.download)
        if data is None:
            return {"available": False}
        name, epochs = "MNIST", args.epochs or (10 if args.full else 2)
    (x_train, y_train), (x_test, y_test) = data
    Y_train, Y_test = nn.to_categorical(y_train, 10), nn.to_categorical(y_test, 10)   # one-hot, as the seed
    print(f"{name}: train {x_train.shape}, test {x_test.shape}; labels one-hot {Y_train.shape}")

    tg.manual_seed(args.seed)
    model = build(x_train.shape[1])
    model.summary()
    start = time.perf_counter()
    model.fit(x_train, Y_train, epochs=epochs, batch_size=100, validation_split=0.2, verbose=2)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, Y_test, verbose=0)
    predicted = np.argmax(model.predict(x_test), axis=-1)           # one-hot back to labels
    print(f"\n{name}, {epochs} epochs in {seconds:.1f} s (the seed's figures are on MNIST):")
    compare("test accuracy", accuracy, SEED_TEST_ACCURACY)
    compare("test loss", loss, SEED_TEST_LOSS)
    print(f"  argmax of predict() agrees with evaluate's accuracy: {float((predicted == y_test).mean()):.4f}")
    return {"available": True, "dataset": name, "test_accuracy": float(accuracy), "test_loss": float(loss),
            "epochs": epochs, "seconds": seconds}


if __name__ == "__main__":
    main()
