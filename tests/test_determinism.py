"""Determinism: ``tensorgrad.manual_seed(n)`` seeds every random choice the library makes (weight
initializers, Dropout without its own seed, DataLoader and ``fit`` shuffling), so the same program
gives bit-identical weights — twice in one process, and in two fresh processes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

import nn
import optim
import tensorgrad as tg

ROOT = Path(__file__).resolve().parents[1]

# The program, as source, so that a fresh interpreter runs exactly what this process runs.
PROGRAM = '''
import hashlib
import numpy as np
import nn, optim, tensorgrad as tg

def run(seed):
    """Weights after Keras-style fit and a PyTorch-style loop, with every random source in play."""
    tg.manual_seed(seed)
    data = np.random.default_rng(123)                  # the data is fixed; only the library's choices vary
    x = data.normal(size=(40, 4)).astype(np.float32)
    y = (x[:, 0] - x[:, 1] > 0).astype(np.int64)
    model = nn.Sequential([nn.Dense(8, input_dim=4, activation="relu"), nn.Dropout(0.3),   # glorot init
                           nn.Dense(2, activation="softmax")])                           # unseeded dropout
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=8, shuffle=True, verbose=0)                      # fit shuffling
    loop = nn.Sequential([nn.Dense(3), nn.Dropout(0.5), nn.Dense(1)])                     # lazy init
    opt = optim.SGD(loop.parameters(), lr=0.05, momentum=0.9)
    loader = nn.DataLoader(x, y.astype(np.float32).reshape(-1, 1), batch_size=16, shuffle=True)
    for epoch in range(2):
        for xb, yb in loader:                                                              # loader shuffling
            opt.zero_grad()
            loss = ((loop(xb) - yb) ** 2).mean()
            loss.backward()
            opt.step()
    weights = model.get_weights() + loop.get_weights()
    return hashlib.sha256(b"".join(w.tobytes() for w in weights)).hexdigest()
'''
namespace: dict = {}
exec(PROGRAM, namespace)
run = namespace["run"]


def test_same_seed_same_bits_in_one_process():
    assert run(11) == run(11)


def test_another_seed_changes_the_weights():
    assert run(11) != run(12)


def test_same_seed_same_bits_in_two_fresh_processes():
    code = PROGRAM + "\nprint(run(11))\n"
    digests = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip() for _ in range(2)]
    assert digests[0] == digests[1] == run(11)


def _draws_after_seed(make):
    tg.manual_seed(5)
    first = make()
    tg.manual_seed(5)
    second = make()
    tg.manual_seed(6)
    other = make()
    return first, second, other


def _assert_seeded(make):
    first, second, other = _draws_after_seed(make)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_initializers_follow_the_seed():
    _assert_seeded(lambda: nn.Dense(5, input_dim=4).weight.numpy(force=True).copy())


def test_unseeded_dropout_follows_the_seed_and_a_seeded_one_ignores_it():
    ones = np.ones((6, 10), dtype=np.float32)
    _assert_seeded(lambda: nn.Dropout(0.5)(ones).numpy(force=True))
    masks = []
    for global_seed in (1, 2):
        tg.manual_seed(global_seed)
        masks.append(nn.Dropout(0.5, seed=3)(ones).numpy(force=True))
    np.testing.assert_array_equal(*masks)


def test_dataloader_order_follows_the_seed():
    x = np.arange(20, dtype=np.float32).reshape(20, 1)
    _assert_seeded(lambda: np.concatenate([b.numpy(force=True) for b in nn.DataLoader(x, batch_size=7, shuffle=True)]).ravel())


def test_fit_shuffling_follows_the_seed():
    x = np.arange(12, dtype=np.float32).reshape(12, 1)

    def order():
        """The rows fit visits, in order, recorded by a layer that passes its input through."""
        rows = []

        class Record(nn.Module):
            def forward(self, xb):
                xb = tg.as_tensor(xb)
                rows.append(xb.numpy(force=True).ravel().copy())
                return xb

        model = nn.Sequential([nn.Dense(1, input_dim=1, kernel_initializer="ones"), Record()])
        model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")
        rows.clear()                      # drop the shape-inference pass of the model's construction
        model.fit(x, x, epochs=2, batch_size=5, verbose=0)
        return np.concatenate(rows)

    _assert_seeded(order)
    unshuffled = x.ravel()
    assert not np.array_equal(order()[:12], unshuffled)       # it really shuffles
