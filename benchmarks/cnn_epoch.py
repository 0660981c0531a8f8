"""The classic Keras MNIST convnet, one training step after another, tensorgrad beside PyTorch CPU eager.

    python -m benchmarks.cnn_epoch [--steps 20] [--batch-size 128] [--quick]

Model: Conv2D(32, 3, relu) - MaxPool(2) - Conv2D(64, 3, relu) - MaxPool(2) - Flatten - Dropout(0.5) -
Dense(10, softmax) on 28x28x1 Fashion-MNIST images (random images when the data set is not installed),
sparse cross-entropy, SGD lr 0.01. Candidates, timed in interleaved rounds of ``--steps`` steps each:

  tensorgrad  nn.keras layers (channels last), a PyTorch-style loop (forward, loss, backward, step)
  pytorch     the same network in torch.nn (NCHW), same initial weights (when torch is installed)

Reports min/median time of a round, the ratio, the epoch time extrapolated to 60 000 images, and the peak
traced allocation (tracemalloc) of one tensorgrad step.
"""
from __future__ import annotations

import argparse
import tracemalloc
from typing import Any

import numpy as np

from .common import interleaved, machine, summary, torch_or_none

LR = 0.01
EPOCH_IMAGES = 60_000


def data(samples: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST training images (N, 28, 28, 1) in [0, 1] and labels; random ones without the data set."""
    try:
        import nn
        (x, y), _ = nn.datasets.fashion_mnist.load_data()
        x, y = x[:samples], y[:samples]
    except Exception:     # not installed: the timing does not depend on the pixels
        rng = np.random.default_rng(seed)
        x, y = rng.integers(0, 256, (samples, 28, 28), dtype=np.uint8), rng.integers(0, 10, samples)
    return (x.astype(np.float32) / 255).reshape(-1, 28, 28, 1), y.astype(np.int64)


def keras_convnet():
    """The Keras example's convnet in nn.keras layers (34,826 parameters)."""
    from nn.keras import layers as L
    import nn
    return nn.Sequential([L.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), L.MaxPooling2D(2),
                          L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5),
                          L.Dense(10, activation="softmax")])


def tensorgrad_steps(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int):
    """A closure running one pass of PyTorch-style training steps over (x, y)."""
    import nn
    import optim
    loss_fn = nn.losses.SparseCategoricalCrossentropy()
    opt = optim.SGD(model.parameters(), lr=LR)

    def run() -> None:
        for i in range(0, len(x), batch_size):
            opt.zero_grad()
            loss = loss_fn(y[i:i + batch_size], model(x[i:i + batch_size]))
            loss.backward()
            opt.step()
    return run


def pytorch_model(torch, keras_model: Any):
    """The same network in torch.nn, starting from the Keras model's weights (flatten in Keras's h, w, c order)."""
    nn_ = torch.nn
    conv1, conv2 = nn_.Conv2d(1, 32, 3), nn_.Conv2d(32, 64, 3)
    dense = nn_.Linear(1600, 10)
    k1, b1, k2, b2, w, b = keras_model.get_weights()
    with torch.no_grad():
        conv1.weight.copy_(torch.from_numpy(k1.transpose(3, 2, 0, 1).copy()))
        conv1.bias.copy_(torch.from_numpy(b1))
        conv2.weight.copy_(torch.from_numpy(k2.transpose(3, 2, 0, 1).copy()))
        conv2.bias.copy_(torch.from_numpy(b2))
        dense.weight.copy_(torch.from_numpy(w.T.copy()))
        dense.bias.copy_(torch.from_numpy(b))

    class ChannelsLastFlatten(nn_.Module):
        def forward(self, t):
            return t.permute(0, 2, 3, 1).reshape(t.shape[0], -1)

    return nn_.Sequential(conv1, nn_.ReLU(), nn_.MaxPool2d(2), conv2, nn_.ReLU(), nn_.MaxPool2d(2),
                          ChannelsLastFlatten(), nn_.Dropout(0.5), dense)


def pytorch_steps(torch, model: Any, x: np.ndarray, y: np.ndarray, batch_size: int):
    loss_fn = torch.nn.CrossEntropyLoss()     # on logits: the softmax of the Keras model is in the loss
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    tx, ty = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)

    def run() -> None:
        for i in range(0, len(tx), batch_size):
            opt.zero_grad()
            loss = loss_fn(model(tx[i:i + batch_size]), ty[i:i + batch_size])
            loss.backward()
            opt.step()
    return run


def peak_step_allocation(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int) -> float:
    """Peak traced allocation (MB) of one tensorgrad training step at ``batch_size``."""
    step = tensorgrad_steps(model, x[:batch_size], y[:batch_size], batch_size)
    step()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> str:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cnn_epoch", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=20, help="training steps per timed round (default 20)")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--repeats", type=int, default=3, help="interleaved rounds per candidate (default 3)")
    p.add_argument("--quick", action="store_true", help="2 steps of batch 16, 1 round: checks the script runs")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.batch_size, args.repeats = 2, 16, 1
    import tensorgrad as tg
    tg.manual_seed(0)
    x, y = data(args.steps * args.batch_size)
    model = keras_convnet()
    torch = torch_or_none()
    candidates = {}
    if torch is not None:
        torch.manual_seed(0)
        candidates["pytorch"] = pytorch_steps(torch, pytorch_model(torch, model), x, y, args.batch_size)
    candidates["tensorgrad"] = tensorgrad_steps(model, x, y, args.batch_size)
    for run in candidates.values():      # warm-up round
        run()
    times = interleaved(candidates, args.repeats)
    reference = "pytorch" if torch is not None else "tensorgrad"
    text = (f"Keras MNIST convnet, {args.steps} steps of batch {args.batch_size} per round, {args.repeats} rounds; "
            f"{machine()}\n\n" + summary(times, reference))
    step = min(times["tensorgrad"]) / args.steps
    text += f"\n\ntensorgrad epoch of {EPOCH_IMAGES} images (extrapolated): {step * EPOCH_IMAGES / args.batch_size:.1f} s"
    if torch is not None:
        text += f"\ntensorgrad / pytorch: {min(times['tensorgrad']) / min(times['pytorch']):.3f}"
    text += f"\npeak allocation of one tensorgrad step: {peak_step_allocation(model, x, y, args.batch_size):.1f} MB"
    print(text)
    return text


if __name__ == "__main__":
    main()
