"""Seed 001's Fashion-MNIST network trained with a hand-written PyTorch-style loop instead of fit():

    for xb, yb in DataLoader(x, y, batch_size=32, shuffle=True):
        opt.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); opt.step()

The last layer outputs logits and nn.CrossEntropyLoss applies the softmax (PyTorch's convention);
SGD lr 0.01, the same 55k/5k/10k split as demos.fashion_mnist.

    python -m demos.train_loop               # 5 epochs, about 10 s
    python -m demos.train_loop --full        # 30 epochs, as the seed
"""
from __future__ import annotations

import time

import numpy as np

import nn
import optim
import tensorgrad as tg
from demos.common import compare, parser
from demos.fashion_mnist import SEED_EPOCHS, SEED_TEST_ACCURACY, build_model, load_split


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray, batch_size: int = 1000) -> float:
    """Fraction of argmax(model(x)) == y, in eval mode without a graph."""
    model.eval()
    with tg.no_grad():
        hits = sum(int((np.argmax(model(x[i:i + batch_size]).numpy(force=True), axis=-1) == y[i:i + batch_size]).sum())
                   for i in range(0, len(x), batch_size))
    model.train()
    return hits / len(x)


def main(argv: list[str] | None = None) -> dict:
    """Train with the explicit loop; returns per-epoch training losses and the test accuracy."""
    ap = parser("train_loop", __doc__)
    ap.add_argument("--epochs", type=int, default=5, help="epochs to train (default 5)")
    ap.add_argument("--full", action="store_true", help=f"the seed's length: --epochs {SEED_EPOCHS}")
    ap.add_argument("--train-samples", type=int, default=None, metavar="N",
                    help="train on the first N of the 55 000 training images (default: all)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0, help="tensorgrad.manual_seed and the DataLoader's shuffling")
    args = ap.parse_args(argv)
    epochs = SEED_EPOCHS if args.full else args.epochs

    tg.manual_seed(args.seed)
    data = load_split(args.train_samples)
    (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = data["train"], data["valid"], data["test"]
    model = build_model(output_activation=None)          # logits
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=args.lr)
    loader = nn.DataLoader(x_train, y_train, batch_size=args.batch_size, shuffle=True, seed=args.seed)

    losses = []
    start = time.perf_counter()
    for epoch in range(epochs):
        total, seen = 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        losses.append(total / seen)
        print(f"epoch {epoch + 1}/{epochs}: train loss {losses[-1]:.4f}, "
              f"valid accuracy {accuracy(model, x_valid, y_valid):.4f}")
    seconds = time.perf_counter() - start
    test_accuracy = accuracy(model, x_test, y_test)
    print(f"\ntrained {epochs} epoch(s) in {seconds:.1f} s ({len(loader)} steps each)")
    compare(f"test accuracy ({epochs} ep.)", test_accuracy, SEED_TEST_ACCURACY)
    print(f"  (the seed's figure is Keras's fit() after {SEED_EPOCHS} epochs)")
    return {"train_loss": losses, "test_accuracy": test_accuracy, "epochs": epochs, "seconds": seconds}


if __name__ == "__main__":
    main()
