"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tensorgrad.aligned import aligned_full
from .optimizer import Optimizer, ParamsLike, add_scaled, pick_lr


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), PyTorch's ``torch.optim.RMSprop`` rule and defaults.

    With gradient g_t, learning rate η, smoothing α (Keras's ``rho``), momentum μ, weight decay λ::

        g_t = g_t + λ θ_{t-1}                         (if λ ≠ 0)
        v_t = α v_{t-1} + (1 - α) g_t²                 (v_0 = 0)
        ḡ_t = α ḡ_{t-1} + (1 - α) g_t                  (centered only, ḡ_0 = 0)
        r_t = √(v_t - ḡ_t²) + ε  (centered)   |   √v_t + ε
        b_t = μ b_{t-1} + g_t / r_t;  θ_t = θ_{t-1} - η b_t    (if μ > 0, b_0 = 0)
        θ_t = θ_{t-1} - η g_t / r_t                             (if μ = 0)

    Keras puts ε inside the root, √(v_t + ε); ``optim.get('rmsprop')`` keeps this rule with
    Keras's defaults (η = 0.001, α = 0.9, ε = 1e-7).
    """

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 learning_rate: float | None = None) -> None:
        lr = pick_lr("RMSprop", lr, learning_rate, 1e-2)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        self._check(group, "alpha", 0 <= group["alpha"] <= 1, "alpha must be in [0, 1]")
        for name in ("eps", "weight_decay", "momentum"):
            self._check(group, name, group[name] >= 0, f"{name} must be >= 0")

    def _options(self, group: dict[str, Any]) -> "_Options":
        return _Options(float(group["lr"]), float(group["alpha"]), float(group["eps"]), float(group["weight_decay"]),
                        float(group["momentum"]), bool(group["centered"]))

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], options: "_Options",
                work: np.ndarray) -> None:
        lr, alpha, eps, weight_decay, mu, centered = options
        if not state:
            state["step"] = 0
            state["square_avg"] = aligned_full(param.shape, 0, param.dtype)
            if mu > 0:
                state["momentum_buffer"] = aligned_full(param.shape, 0, param.dtype)
            if centered:
                state["grad_avg"] = aligned_full(param.shape, 0, param.dtype)
        state["step"] += 1
        g = self._decayed_grad(param, grad, weight_decay)
        v = state["square_avg"]
        np.multiply(v, alpha, out=v)
        np.multiply(g, g, out=work)
        add_scaled(v, work, 1.0 - alpha, work)
        if centered:
            g_avg = state["grad_avg"]
            np.multiply(g_avg, alpha, out=g_avg)
            add_scaled(g_avg, g, 1.0 - alpha, work)
            np.multiply(g_avg, g_avg, out=work)
            np.subtract(v, work, out=work)
            np.sqrt(work, out=work)
        else:
            np.sqrt(v, out=work)
        np.add(work, eps, out=work)
        np.divide(g, work, out=work)
        if mu > 0:
            buf = state["momentum_buffer"]
            np.multiply(buf, mu, out=buf)
            np.add(buf, work, out=buf)
            add_scaled(param, buf, -lr, work)
        else:
            add_scaled(param, work, -lr, work)


class _Options(NamedTuple):
    """One group's hyperparameters as Python numbers (numpy scalars would change the arithmetic's dtype)."""
    lr: float
    alpha: float
    eps: float
    weight_decay: float
    momentum: float
    centered: bool
