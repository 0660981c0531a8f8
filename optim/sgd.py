"""SGD: plain gradient descent, with optional momentum, Nesterov momentum and L2 weight decay."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tensorgrad.aligned import aligned_copy
from .optimizer import Optimizer, ParamsLike, add_scaled, pick_lr


class SGD(Optimizer):
    """Gradient descent, PyTorch's ``torch.optim.SGD`` rule and defaults.

    With gradient g_t, learning rate η, momentum μ, dampening τ, weight decay λ::

        g_t  ← g_t + λ θ_{t-1}                              (if λ ≠ 0)
        b_1  = g_1;   b_t = μ b_{t-1} + (1 - τ) g_t          (if μ ≠ 0)
        d_t  = g_t + μ b_t  (nesterov)   |   b_t  (momentum)   |   g_t  (μ = 0)
        θ_t  = θ_{t-1} - η d_t

    Momentum convention: PyTorch's ``b = μ·b + g; θ -= η·b`` (η outside the buffer). Sutskever /
    Keras keep ``v = μ·v - η·g; θ += v`` (η inside); the two agree while η is constant and differ
    once η changes. Batch, stochastic and mini-batch gradient descent are this one optimizer fed
    gradients of the whole set, one sample, or a mini-batch.
    """

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0, *,
                 learning_rate: float | None = None) -> None:
        lr = pick_lr("SGD", lr, learning_rate, 1e-3)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                                      weight_decay=weight_decay))

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        self._check(group, "momentum", group["momentum"] >= 0, "momentum must be >= 0")
        self._check(group, "weight_decay", group["weight_decay"] >= 0, "weight decay must be >= 0")
        if group["nesterov"]:
            self._check(group, "momentum", group["momentum"] > 0,
                        "nesterov=True needs momentum > 0 (e.g. momentum=0.9)")
            self._check(group, "dampening", group["dampening"] == 0, "nesterov=True needs dampening=0")

    def _options(self, group: dict[str, Any]) -> "_Options":
        return _Options(float(group["lr"]), float(group["momentum"]), float(group["dampening"]),
                        float(group["weight_decay"]), bool(group["nesterov"]))

    def _plain_descent(self, options: "_Options") -> float | None:
        return -options.lr if not (options.momentum or options.weight_decay) else None

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], options: "_Options",
                work: np.ndarray) -> None:
        lr, mu, tau, weight_decay, nesterov = options
        g = self._decayed_grad(param, grad, weight_decay) if weight_decay else grad
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = aligned_copy(g, param.dtype)
            else:
                np.multiply(buf, mu, out=buf)
                add_scaled(buf, g, 1.0 - tau, work)
            if nesterov:
                d = self._scratch(param, 0)       # may already hold g (weight decay): g + μ b in place
                if d is g:
                    add_scaled(d, buf, mu, work)
                else:
                    np.multiply(buf, mu, out=d)
                    np.add(d, g, out=d)
                g = d
            else:
                g = buf
        add_scaled(param, g, -lr, work)


class _Options(NamedTuple):
    """One group's hyperparameters as Python numbers (numpy scalars would change the arithmetic's dtype)."""
    lr: float
    momentum: float
    dampening: float
    weight_decay: float
    nesterov: bool
