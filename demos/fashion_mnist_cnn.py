"""The next chapter after seed 001's dense classifier: convnets on Fashion-MNIST, channels last as Keras.

Two models, sparse categorical cross-entropy, batch 128, images (28, 28, 1) / 255:
  classic  the Keras example's Conv2D(32, 3) - MaxPool - Conv2D(64, 3) - MaxPool - Flatten - Dropout(0.5) -
           Dense(10, softmax), 34 826 parameters, Adam 0.001 (the fast default);
  bn       Conv2D(32, 3, 'same') - BatchNormalization - relu - MaxPool - Conv2D(64, 3, 'same') -
           BatchNormalization - relu - MaxPool - Flatten - Dense(128, relu) - Dropout(0.3) - Dense(10, softmax),
           422 026 parameters (192 of them the moving statistics), Adam with the learning rate
           0.001 * 0.85^epoch (ExponentialDecay), the epoch of best validation loss kept (EarlyStopping with
           restore_best_weights, validation on the 5 000 held-out images): the --full recipe.
The seed's dense network reached test accuracy 0.8977.

    python -m demos.fashion_mnist_cnn            # classic, 1 epoch on 6 000 images (under a minute)
    python -m demos.fashion_mnist_cnn --full     # bn, 15 epochs on all 55 000: see the README for the figure

Prints the summary, one line per epoch and the test metrics beside the dense network's; writes the
learning curve (learning_curve.png) and the graph of one batch's loss (loss_graph.svg, a node per layer
with its output shape; needs graphviz's `dot`) into --out.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import nn
import tensorgrad as tg
from demos.common import compare, parser
from demos.fashion_mnist import SEED_TEST_ACCURACY, load_split
from nn.keras import layers as L

FULL_EPOCHS = 15
DECAY_PER_EPOCH = 0.85


def build_model() -> nn.Sequential:
    """The Keras example's convnet (keras.io, "Simple MNIST convnet")."""
    return nn.Sequential([L.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), L.MaxPooling2D(2),
                          L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                          L.Dense(10, activation="softmax")])


def build_bn_model() -> nn.Sequential:
    """The Keras example's two convolutions, 'same'-padded (the 28x28 and 14x14 maps keep their size, so
    the dense layer sees 7x7x64 features), each followed by BatchNormalization, and a 128-unit dense layer."""
    return nn.Sequential([L.Conv2D(32, 3, padding="same", input_shape=(28, 28, 1)), L.BatchNormalization(),
                          L.Activation("relu"), L.MaxPooling2D(2), L.Conv2D(64, 3, padding="same"),
                          L.BatchNormalization(), L.Activation("relu"),
                          L.MaxPooling2D(2), L.Flatten(), L.Dense(128, activation="relu"), L.Dropout(0.3),
                          L.Dense(10, activation="softmax")])


def optimizer_for(model_name: str, steps_per_epoch: int) -> nn.keras.optimizers.Adam:
    """Adam 0.001; the bn model's rate decays by DECAY_PER_EPOCH every epoch (η = 0.001 · 0.85^(step/steps))."""
    if model_name == "classic":
        return nn.keras.optimizers.Adam()
    decay = nn.keras.optimizers.schedules.ExponentialDecay(0.001, decay_steps=steps_per_epoch,
                                                           decay_rate=DECAY_PER_EPOCH)
    return nn.keras.optimizers.Adam(learning_rate=decay)


def draw_loss_graph(model: nn.Sequential, x: np.ndarray, y: np.ndarray, path: Path) -> Path | None:
    """The graph of the loss of a few images: one node per layer, labelled with its kernel and shape."""
    model.eval()
    loss = model.loss(y, model(x))
    model.train()
    try:
        return tg.render(loss, path, names={"loss": loss})
    except RuntimeError as err:
        print(f"note: skipped the loss graph: {err}")
        return None


def main(argv: list[str] | None = None) -> dict:
    """Train, evaluate and draw; returns the test metrics, the history and the files written."""
    ap = parser("fashion_mnist_cnn", __doc__)
    ap.add_argument("--epochs", type=int, default=1, help="epochs to train (default 1)")
    ap.add_argument("--train-samples", type=int, default=6000, metavar="N",
                    help="train on the first N of the 55 000 training images (default 6000)")
    ap.add_argument("--test-samples", type=int, default=None, metavar="N", help="evaluate on the first N test images")
    ap.add_argument("--full", action="store_true",
                    help=f"the bn model, {FULL_EPOCHS} epochs on all 55 000 training images")
    ap.add_argument("--model", choices=["classic", "bn"], default=None,
                    help="classic (default) or bn (the default with --full)")
    ap.add_argument("--batch-size", type=int, default=128, help="mini-batch size (default 128, the Keras example's)")
    ap.add_argument("--seed", type=int, default=0, help="tensorgrad.manual_seed for weights, dropout and shuffling")
    ap.add_argument("--out", type=Path, default=Path("out/fashion_mnist_cnn"), help="folder for the pictures")
    ap.add_argument("--verbose", type=int, default=2, choices=[0, 1, 2], help="fit's verbosity (Keras's)")
    args = ap.parse_args(argv)
    epochs, samples = (FULL_EPOCHS, None) if args.full else (args.epochs, args.train_samples)
    model_name = args.model or ("bn" if args.full else "classic")

    tg.manual_seed(args.seed)
    data = load_split(samples)
    as_images = lambda x: x.reshape(-1, 28, 28, 1)  # noqa: E731
    (x_train, y_train), (x_valid, y_valid) = data["train"], data["valid"]
    x_test, y_test = data["test"]
    if args.test_samples is not None:
        x_test, y_test = x_test[:args.test_samples], y_test[:args.test_samples]
    x_train, x_valid, x_test = as_images(x_train), as_images(x_valid), as_images(x_test)
    print(f"Fashion-MNIST: train {x_train.shape}, valid {x_valid.shape}, test {x_test.shape}")
    model = build_bn_model() if model_name == "bn" else build_model()
    model.summary()
    steps_per_epoch = -(-len(x_train) // args.batch_size)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer_for(model_name, steps_per_epoch),
                  metrics=["accuracy"])

    n_valid = len(x_valid) if args.full else 1000      # all 5 000 held-out images for the full run
    start, cpu_start = time.perf_counter(), time.process_time()
    # the full run keeps the epoch with the best validation loss (the last epoch's can be a worse one)
    best = [nn.keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)] \
        if args.full else []
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=args.batch_size, callbacks=best,
                        validation_data=(x_valid[:n_valid], y_valid[:n_valid]), verbose=args.verbose)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"\ntrained the {model_name} model {epochs} epoch(s) on {len(x_train)} images in {seconds:.1f} s "
          f"({cpu:.1f} s CPU); test set:")
    compare("test accuracy", test_accuracy, SEED_TEST_ACCURACY)
    print("  (seed: seed 001's dense 784-300-100-10 network)")

    curve = nn.plot_history(history, args.out / "learning_curve.png", title=f"Fashion-MNIST, {model_name} convnet")
    print(f"wrote {curve}")
    graph = draw_loss_graph(model, x_test[:8], y_test[:8], args.out / "loss_graph.svg")
    if graph is not None:
        print(f"wrote {graph}")
    return {"test_accuracy": float(test_accuracy), "test_loss": float(test_loss), "epochs": epochs, "model": model_name,
            "history": history.history, "seconds": seconds, "learning_curve": curve, "loss_graph": graph}


if __name__ == "__main__":
    main()
