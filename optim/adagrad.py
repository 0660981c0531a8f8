"""Adagrad: a per-coordinate learning rate that shrinks with the sum of all past squared gradients."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tensorgrad.aligned import aligned_full
from .optimizer import Optimizer, ParamsLike, add_scaled, pick_lr


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011), PyTorch's ``torch.optim.Adagrad`` rule and defaults.

    With gradient g_t, learning rate η, lr decay δ, weight decay λ, initial accumulator s_0::

        g_t = g_t + λ θ_{t-1}                  (if λ ≠ 0)
        η_t = η / (1 + (t - 1) δ)
        s_t = s_{t-1} + g_t²
        θ_t = θ_{t-1} - η_t g_t / (√s_t + ε)

    Keras's Adagrad puts ε inside the root, √(s_t + ε); ``optim.get('adagrad')`` keeps this rule
    with Keras's defaults (η = 0.001, s_0 = 0.1, ε = 1e-7).
    """

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10, *,
                 learning_rate: float | None = None) -> None:
        lr = pick_lr("Adagrad", lr, learning_rate, 1e-2)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            self._check(group, name, group[name] >= 0, f"{name} must be >= 0")

    def _options(self, group: dict[str, Any]) -> "_Options":
        return _Options(float(group["lr"]), float(group["lr_decay"]), float(group["weight_decay"]),
                        float(group["initial_accumulator_value"]), float(group["eps"]))

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], options: "_Options",
                work: np.ndarray) -> None:
        lr, lr_decay, weight_decay, initial_accumulator_value, eps = options
        if not state:
            state["step"] = 0
            state["sum"] = aligned_full(param.shape, initial_accumulator_value, param.dtype)
        state["step"] += 1
        g = self._decayed_grad(param, grad, weight_decay)
        lr_t = lr / (1.0 + (state["step"] - 1) * lr_decay)
        np.multiply(g, g, out=work)
        np.add(state["sum"], work, out=state["sum"])
        np.sqrt(state["sum"], out=work)
        np.add(work, eps, out=work)
        np.divide(g, work, out=work)
        add_scaled(param, work, -lr_t, work)


class _Options(NamedTuple):
    """One group's hyperparameters as Python numbers (numpy scalars would change the arithmetic's dtype)."""
    lr: float
    lr_decay: float
    weight_decay: float
    initial_accumulator_value: float
    eps: float
