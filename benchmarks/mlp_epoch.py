"""Seconds per epoch of the seeds' Fashion-MNIST MLP (784-300-100-10 ReLU/softmax, SGD lr 0.01, float32).

    python -m benchmarks.mlp_epoch --batch-size 32 [--samples 60000] [--repeats 5]

Candidates, timed interleaved in one process, min and median of the repetitions:
  numpy      the forward, backward and update written by hand in this file (no framework), on weights
             that start on a 64-byte boundary: numpy's best case, and the reference the ratios use
  numpy-as-allocated  the same, on weights wherever numpy's allocator put them (any 16-byte offset: the
             in-place update of a weight that straddles cache lines is slower, so this one varies by up to
             6% between processes, with nothing else changed)
  tensorgrad a PyTorch-style loop: zero_grad, model(x), loss, backward, step
  fit        model.fit(x, y, epochs=1, shuffle=False, verbose=0) on the same model
  pytorch    the same loop in PyTorch (only when torch is installed)
All walk the same batches in the same order (no shuffling), so they do the same arithmetic (the numpy
reference computes the loss value too, as every framework's step does before its backward).
"""
from __future__ import annotations

import argparse
from typing import Any

import numpy as np



from .common import cache_line_aligned_copy, interleaved, machine, summary, torch_or_none

SIZES = (784, 300, 100, 10)
LR = 0.01


def data(samples: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST's first rows when installed (else random pixels of the same shape), float32 /255."""
    try:
        import nn
        (x, y), _ = nn.datasets.fashion_mnist.load_data(download=False)
        x = x[:samples].reshape(-1, 784).astype(np.float32) / 255.0
        return x, y[:samples].astype(np.int64)
    except Exception:
        rng = np.random.default_rng(seed)
        return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples)


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    """Glorot-uniform kernels and zero biases, float32: W1, b1, W2, b2, W3, b3."""
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        out += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32), np.zeros(fan_out, np.float32)]
    return out


def numpy_epoch(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, batch_size: int) -> None:
    """One epoch of mini-batch SGD written by hand: the reference every framework is measured against."""
    W1, b1, W2, b2, W3, b3 = params
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        n = len(xb)
        h1 = xb @ W1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z = h2 @ W3
        z += b3
        z -= z.max(axis=1, keepdims=True)               # softmax cross-entropy, shifted for stability
        rows = np.arange(n)
        picked = z[rows, yb]
        np.exp(z, out=z)
        total = z.sum(axis=1, keepdims=True)
        loss = (np.log(total).sum() - picked.sum()) / n  # noqa: F841 - the loss value, which every framework's step computes
        z /= total                                      # dz = (softmax - onehot) / n
        z[rows, yb] -= 1
        z /= n
        dh2 = z @ W3.T
        dh2 *= h2 > 0
        dh1 = dh2 @ W2.T
        dh1 *= h1 > 0
        W3 -= LR * (h2.T @ z)
        b3 -= LR * z.sum(axis=0)
        W2 -= LR * (h1.T @ dh2)
        b2 -= LR * dh2.sum(axis=0)
        W1 -= LR * (xb.T @ dh1)
        b1 -= LR * dh1.sum(axis=0)


def tensorgrad_model(weights: list[np.ndarray]):
    import nn
    model = nn.Sequential([nn.Dense(300, activation="relu", input_dim=784), nn.Dense(100, activation="relu"),
                           nn.Dense(10)])
    model.set_weights([w.copy() for w in weights])
    return model


def tensorgrad_loop(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray, batch_size: int, model: Any = None):
    """One epoch of the PyTorch-style loop, as a function; on ``model`` if given (else a fresh one from ``weights``)."""
    import nn
    import optim
    model = tensorgrad_model(weights) if model is None else model
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=LR)

    def epoch() -> None:
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    return epoch


def tensorgrad_fit(weights: list[np.ndarray], x: np.ndarray, y: np.ndarray, batch_size: int):
    import optim
    model = tensorgrad_model(weights)
    from nn.losses import CrossEntropyLoss
    model.compile(optimizer=optim.SGD(lr=LR), loss=CrossEntropyLoss())
    return lambda: model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)


def pytorch_loop(torch, weights: list[np.ndarray], x: np.ndarray, y: np.ndarray, batch_size: int):
    layers = []
    for i in range(3):
        lin = torch.nn.Linear(SIZES[i], SIZES[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(weights[2 * i].T.copy()))
            lin.bias.copy_(torch.from_numpy(weights[2 * i + 1]))
        layers += [lin, torch.nn.ReLU()] if i < 2 else [lin]
    model = torch.nn.Sequential(*layers)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def epoch() -> None:
        for start in range(0, len(tx), batch_size):
            opt.zero_grad()
            loss = loss_fn(model(tx[start:start + batch_size]), ty[start:start + batch_size])
            loss.backward()
            opt.step()
    return epoch


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    x, y = data(args.samples)
    weights = initial_weights()
    aligned, as_allocated = [cache_line_aligned_copy(w) for w in weights], [w.copy() for w in weights]
    candidates = {"numpy": lambda: numpy_epoch(aligned, x, y, args.batch_size),
                  "numpy-as-allocated": lambda: numpy_epoch(as_allocated, x, y, args.batch_size),
                  "tensorgrad": tensorgrad_loop(weights, x, y, args.batch_size),
                  "fit": tensorgrad_fit(weights, x, y, args.batch_size)}
    torch = torch_or_none()
    if torch is not None:
        candidates["pytorch"] = pytorch_loop(torch, weights, x, y, args.batch_size)
    times = interleaved(candidates, args.repeats)
    scale = 60000 / args.samples
    text = (f"machine: {machine()}\n\nMLP 784-300-100-10, batch {args.batch_size}, float32, seconds per "
            f"60,000-image epoch (measured on {args.samples:,}, min of {args.repeats} interleaved runs)\n\n"
            + summary({k: [t * scale for t in v] for k, v in times.items()}, "numpy"))
    if "pytorch" in times:
        text += f"\n\ntensorgrad / pytorch: {min(times['tensorgrad']) / min(times['pytorch']):.3f}"
    text += f"\nfit / tensorgrad loop: {min(times['fit']) / min(times['tensorgrad']):.3f}"
    print(text)
    return text


if __name__ == "__main__":
    main()
