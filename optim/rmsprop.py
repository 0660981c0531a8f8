"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._update import add_scaled
from .optimizer import Optimizer, ParamsLike, pick_lr


def rmsprop_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, alpha: float,
                   eps: float, weight_decay: float, momentum: float, centered: bool, maximize: bool) -> None:
    """One step of PyTorch's RMSprop on ``param`` in place (the maths is in :class:`RMSprop`)."""
    if maximize:
        grad = -grad
    state["step"] += 1
    if weight_decay:
        grad = grad + weight_decay * param                    # g ← g + λθ
    v = state["square_avg"]
    v *= alpha
    add_scaled(v, grad * grad, 1.0 - alpha)                   # v ← αv + (1 - α)g²
    if centered:
        g_avg = state["grad_avg"]
        g_avg *= alpha
        add_scaled(g_avg, grad, 1.0 - alpha)                  # ḡ ← αḡ + (1 - α)g
        denom = np.sqrt(v - g_avg * g_avg) + eps              # r = √(v - ḡ²) + ε
    else:
        denom = np.sqrt(v) + eps                              # r = √v + ε
    if momentum > 0:
        buf = state["momentum_buffer"]
        buf *= momentum
        buf += grad / denom                                   # b ← μb + g/r
        add_scaled(param, buf, -lr)                           # θ ← θ - ηb
    else:
        add_scaled(param, grad / denom, -lr)                  # θ ← θ - η g/r


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), PyTorch's ``torch.optim.RMSprop`` rule and defaults.

    With gradient g_t, learning rate η, smoothing α (Keras's ``rho``), momentum μ, weight decay λ::

        g_t = g_t + λ θ_{t-1}                         (if λ ≠ 0)
        v_t = α v_{t-1} + (1 - α) g_t²                 (v_0 = 0)
        ḡ_t = α ḡ_{t-1} + (1 - α) g_t                  (centered only, ḡ_0 = 0)
        r_t = √(v_t - ḡ_t²) + ε  (centered)   |   √v_t + ε
        b_t = μ b_{t-1} + g_t / r_t;  θ_t = θ_{t-1} - η b_t    (if μ > 0, b_0 = 0)
        θ_t = θ_{t-1} - η g_t / r_t                             (if μ = 0)

    Keras puts ε inside the root, √(v_t + ε), and η inside the momentum buffer:
    ``keras.optimizers.RMSprop`` and ``optim.get('rmsprop')`` follow Keras's form.
    """

    update = staticmethod(rmsprop_update)

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False, *,
                 maximize: bool = False, learning_rate: float | None = None) -> None:
        lr = pick_lr("RMSprop", lr, learning_rate, 1e-2)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    @staticmethod
    def init_state(param: np.ndarray, *, momentum: float, centered: bool, **_: Any) -> dict[str, Any]:
        state = {"step": 0, "square_avg": np.zeros_like(param)}
        if momentum > 0:
            state["momentum_buffer"] = np.zeros_like(param)
        if centered:
            state["grad_avg"] = np.zeros_like(param)
        return state

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        self._check_number(group, "alpha", "eps", "weight_decay", "momentum")
        self._check(group, "alpha", 0 <= group["alpha"] <= 1, "alpha must be in [0, 1]")
        for name in ("eps", "weight_decay", "momentum"):
            self._check(group, name, group[name] >= 0, f"{name} must be >= 0")
