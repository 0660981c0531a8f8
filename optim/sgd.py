"""SGD: gradient descent, optionally with momentum (heavy ball or Nesterov) and L2 weight decay."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._update import add_scaled
from .optimizer import Optimizer, ParamsLike, pick_lr


def sgd_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, momentum: float,
               dampening: float, nesterov: bool, weight_decay: float, maximize: bool) -> None:
    """One step of PyTorch's SGD on ``param`` in place (the maths is in :class:`SGD`)."""
    if maximize:
        grad = -grad
    if weight_decay:
        grad = grad + weight_decay * param                    # g ← g + λθ
    if momentum:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = np.array(grad, dtype=param.dtype)   # b₁ = g₁ (a copy)
        else:
            buf *= momentum
            add_scaled(buf, grad, 1.0 - dampening)            # b ← μb + (1 - τ)g
        grad = grad + momentum * buf if nesterov else buf     # d = g + μb  |  b
    add_scaled(param, grad, -lr)                              # θ ← θ - η d


class SGD(Optimizer):
    """Gradient descent, PyTorch's ``torch.optim.SGD`` rule and defaults.

    With gradient g_t, learning rate η, momentum μ, dampening τ, weight decay λ::

        g_t  ← -g_t                                          (if maximize)
        g_t  ← g_t + λ θ_{t-1}                               (if λ ≠ 0)
        b_1  = g_1;   b_t = μ b_{t-1} + (1 - τ) g_t           (if μ ≠ 0)
        d_t  = g_t + μ b_t  (nesterov)   |   b_t  (momentum)   |   g_t  (μ = 0)
        θ_t  = θ_{t-1} - η d_t

    Momentum convention: PyTorch's ``b = μ·b + g; θ -= η·b`` (η outside the buffer, so a changed η
    rescales the whole accumulated velocity at once). Keras's SGD (``keras.optimizers.SGD``,
    ``optim.get('sgd')``) keeps ``v = μ·v - η·g; θ += v`` instead; the two agree while η is constant.
    Batch, stochastic and mini-batch gradient descent are this one optimizer fed gradients of the
    whole set, one sample, or a mini-batch.
    """

    update = staticmethod(sgd_update)

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False, *,
                 maximize: bool = False, learning_rate: float | None = None) -> None:
        lr = pick_lr("SGD", lr, learning_rate, 1e-3)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        self._check_number(group, "momentum", "dampening", "weight_decay")
        self._check(group, "momentum", group["momentum"] >= 0, "momentum must be >= 0")
        self._check(group, "weight_decay", group["weight_decay"] >= 0, "weight decay must be >= 0")
        if group["nesterov"]:
            self._check(group, "momentum", group["momentum"] > 0,
                        "nesterov=True needs momentum > 0 (e.g. momentum=0.9)")
            self._check(group, "dampening", group["dampening"] == 0, "nesterov=True needs dampening=0")
