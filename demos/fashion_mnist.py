"""Seed 001's Fashion-MNIST classifier, Keras style: Flatten(28x28) -> Dense 300 relu -> Dense 100 relu
-> Dense 10 softmax, sparse categorical cross-entropy, SGD lr 0.01, batch 32, trained on 55 000 images,
validated on 5 000, tested on 10 000 (pixels / 255).

    python -m demos.fashion_mnist               # 5 epochs, about 10 s
    python -m demos.fashion_mnist --epochs 30   # the seed's fit(epochs=30)
    python -m demos.fashion_mnist --full        # 30 epochs, then 30 more at batch 100, as the seed's notebook

The seed's test figures (accuracy 0.8977, loss 0.3155) come after its notebook fit the model again,
30 epochs at batch_size=100 (its In [38]), on top of the first 30: --then-epochs reproduces that.

Prints the model summary, one progress line per epoch and the test metrics beside the seed's; writes
the learning curve (learning_curve.png) and the loss's computation graph (loss_graph.svg, needs
graphviz's `dot`) into --out.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import nn
import optim
import tensorgrad as tg
from demos.common import compare, parser

SEED_TEST_ACCURACY, SEED_TEST_LOSS, SEED_EPOCHS = 0.8977, 0.3155, 30
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")


def load_split(train_samples: int | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The seed's split: the first 5 000 training images for validation, the other 55 000 (or the first
    ``train_samples`` of them) for training, the 10 000 test images; pixels scaled to [0, 1]."""
    (x_full, y_full), (x_test, y_test) = nn.datasets.fashion_mnist.load_data()
    x_train, y_train = x_full[5000:], y_full[5000:]
    if train_samples is not None:
        x_train, y_train = x_train[:train_samples], y_train[:train_samples]
    scale = np.float32(1 / 255)
    return {"train": (x_train * scale, y_train.astype(np.int64)),
            "valid": (x_full[:5000] * scale, y_full[:5000].astype(np.int64)),
            "test": (x_test * scale, y_test.astype(np.int64))}


def build_model(output_activation: str | None = "softmax") -> nn.Sequential:
    """Flatten -> 300 relu -> 100 relu -> 10 (softmax for Keras's loss; None gives logits for CrossEntropyLoss)."""
    return nn.Sequential([nn.Flatten(input_shape=[28, 28]),
                          nn.Dense(300, activation="relu", name="hidden1"),
                          nn.Dense(100, activation="relu", name="hidden2"),
                          nn.Dense(10, activation=output_activation, name="output")])


def draw_loss_graph(model: nn.Sequential, x: np.ndarray, y: np.ndarray, path: Path) -> Path | None:
    """Render the graph of the model's loss on a few images, parameters named as named_parameters()
    gives them; None (and a note) when graphviz's `dot` is missing."""
    images = model.layers[0](x)          # flattened; the graph starts here, as pixels need no gradient
    loss = model.loss(y, model[1:](images))
    names = {"images": images, **dict(model.named_parameters()), "loss": loss}
    try:
        return tg.render(loss, path, names=names)
    except RuntimeError as err:
        print(f"note: skipped the loss graph: {err}")
        return None


def main(argv: list[str] | None = None) -> dict:
    """Train, evaluate and draw; returns the test metrics, the history and the files written."""
    ap = parser("fashion_mnist", __doc__)
    ap.add_argument("--epochs", type=int, default=5,
                    help=f"epochs to train (default 5; the seed's fit has {SEED_EPOCHS})")
    ap.add_argument("--then-epochs", type=int, default=0, metavar="N",
                    help="then fit again N epochs at batch size 100, as the seed's notebook does (default 0)")
    ap.add_argument("--full", action="store_true",
                    help=f"the seed's full run: --epochs {SEED_EPOCHS} --then-epochs {SEED_EPOCHS}")
    ap.add_argument("--train-samples", type=int, default=None, metavar="N",
                    help="train on the first N of the 55 000 training images (default: all)")
    ap.add_argument("--batch-size", type=int, default=32, help="mini-batch size (default 32, Keras's)")
    ap.add_argument("--lr", type=float, default=0.01, help="SGD learning rate (default 0.01, Keras's 'sgd')")
    ap.add_argument("--seed", type=int, default=0, help="tensorgrad.manual_seed for weights and shuffling")
    ap.add_argument("--out", type=Path, default=Path("out/fashion_mnist"), help="folder for the pictures")
    ap.add_argument("--verbose", type=int, default=1, choices=[0, 1, 2], help="fit's verbosity (Keras's)")
    args = ap.parse_args(argv)
    epochs, then_epochs = (SEED_EPOCHS, SEED_EPOCHS) if args.full else (args.epochs, args.then_epochs)

    tg.manual_seed(args.seed)
    data = load_split(args.train_samples)
    (x_train, y_train), (x_test, y_test) = data["train"], data["test"]
    print(f"Fashion-MNIST: train {x_train.shape}, valid {data['valid'][0].shape}, test {x_test.shape}")
    model = build_model()
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optim.SGD(lr=args.lr), metrics=["accuracy"])

    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=args.batch_size,
                        validation_data=data["valid"], verbose=args.verbose)
    if then_epochs:                      # fit again: continues from the current weights (Keras semantics)
        more = model.fit(x_train, y_train, epochs=then_epochs, batch_size=100, validation_data=data["valid"],
                         verbose=args.verbose)
        history.history = {k: v + more.history[k] for k, v in history.history.items()}
    seconds = time.perf_counter() - start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    trained = f"{epochs} epoch(s)" + (f" + {then_epochs} at batch 100" if then_epochs else "")
    print(f"\ntrained {trained} in {seconds:.1f} s; test set (the seed's figures: {SEED_EPOCHS} + {SEED_EPOCHS} "
          f"at batch 100):")
    compare("test accuracy", test_accuracy, SEED_TEST_ACCURACY)
    compare("test loss", test_loss, SEED_TEST_LOSS)
    predicted = np.argmax(model.predict(x_test[:3]), axis=-1)
    print(f"  first three test images: predicted {[CLASS_NAMES[i] for i in predicted]}, "
          f"true {[CLASS_NAMES[i] for i in y_test[:3]]}")

    curve = nn.plot_history(history, args.out / "learning_curve.png",
                            title=f"Fashion-MNIST, Flatten-300-100-10, SGD lr {args.lr}")
    print(f"wrote {curve}")
    graph = draw_loss_graph(model, x_test[:32], y_test[:32], args.out / "loss_graph.svg")
    if graph is not None:
        print(f"wrote {graph}")
    return {"test_accuracy": float(test_accuracy), "test_loss": float(test_loss), "epochs": epochs + then_epochs,
            "history": history.history, "seconds": seconds, "learning_curve": curve, "loss_graph": graph}


if __name__ == "__main__":
    main()
