"""No leaks: a training step frees its graph, so 2,000 steps hold memory flat (counted in Python's
allocated memory blocks, ``sys.getallocatedblocks``: every leaked tensor, node or array object is one
or more blocks, and counting is free, unlike tracemalloc); graphs are freed by
reference counting alone (no cycles to wait for the garbage collector); History keeps floats only.
And the one way to keep a graph alive by accident — ``total = total + loss`` — is shown for what it
is, next to the fix, ``total += loss.item()``."""
from __future__ import annotations

import gc
import sys
import weakref

import numpy as np

import nn
import optim
import tensorgrad as tg

X = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
Y = X @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)


def _tiny():
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(4, input_dim=3, activation="tanh"), nn.Dense(1)])
    return model, optim.Adam(model.parameters(), lr=0.01)


def _step(model, opt, loss_fn):
    opt.zero_grad()
    loss = loss_fn(model(X), Y)
    loss.backward()
    opt.step()
    return loss.item()


def _live_ops() -> int:
    return sum(isinstance(o, tg.Function) for o in gc.get_objects())


def _allocated_blocks() -> int:
    gc.collect()
    return sys.getallocatedblocks()


def test_two_thousand_training_steps_hold_memory_flat():
    model, opt = _tiny()
    loss_fn = nn.MSELoss()
    losses = [0.0] * 2000                      # allocated up front: the floats are the only thing kept
    for i in range(200):                       # warm-up: optimizer state, scratch arrays, caches
        losses[i] = _step(model, opt, loss_fn)
    start = _allocated_blocks()
    for i in range(200, 2000):
        losses[i] = _step(model, opt, loss_fn)
    grown = _allocated_blocks() - start - 1800   # minus the 1,800 loss floats now in the list
    # a graph of ~15 nodes per step: leaking even one object per step would add 1,800 blocks (a
    # kept loss tensor and its graph: ~80,000); a clean run grows by ~150 (caches, interned values)
    assert grown < 1000, grown
    assert losses[-1] < losses[0]


def test_no_graph_node_survives_a_step():
    model, opt = _tiny()
    loss_fn = nn.MSELoss()
    _step(model, opt, loss_fn)
    gc.collect()
    before = _live_ops()
    for _ in range(50):
        _step(model, opt, loss_fn)
    gc.collect()
    assert _live_ops() == before


def test_graph_is_freed_by_reference_counting_alone():
    model, _ = _tiny()
    gc.collect()
    gc.disable()                               # no collector: only cycles would keep the graph alive
    try:
        loss = ((model(X) - Y) ** 2).mean()
        node = weakref.ref(loss._node)
        first = weakref.ref(tg.toposort([loss._node])[-1])
        loss.backward()
        del loss
        assert node() is None and first() is None
    finally:
        gc.enable()


def test_fit_for_two_thousand_steps_holds_memory_flat_and_history_is_floats():
    model, _ = _tiny()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=20, batch_size=4, verbose=0)              # warm-up
    start = _allocated_blocks()
    history = model.fit(X, Y, epochs=500, batch_size=4, verbose=0)   # 2,000 steps
    grown = _allocated_blocks() - start - 1500     # minus History's 500 epochs and 500 floats, and slack
    assert grown < 1000, grown
    assert all(type(v) is float for values in history.history.values() for v in values)
    assert history.epoch == list(range(500))


def _graph_size(t: tg.Tensor) -> int:
    return 0 if t._node is None else len(tg.toposort([t._node]))


def test_summing_loss_tensors_keeps_every_graph_alive_and_item_does_not():
    """``total = total + loss`` builds one graph across the epoch (each step's graph hangs off it);
    ``total += loss.item()`` adds floats. RELIABILITY.md documents this."""
    model, opt = _tiny()
    total = 0.0
    sizes = []
    for _ in range(5):
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        loss.backward(retain_graph=False)
        total = total + loss                    # the mistake: a Tensor that references every loss
        sizes.append(_graph_size(total))
    assert isinstance(total, tg.Tensor) and sizes == sorted(sizes) and sizes[-1] >= 5 * sizes[0]

    floats = 0.0
    for _ in range(5):
        loss = ((model(X) - Y) ** 2).mean()
        loss.backward()
        floats += loss.item()                   # the fix
    assert type(floats) is float
