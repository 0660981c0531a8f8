"""Adadelta: a step whose size is the running RMS of past steps over the running RMS of gradients."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._update import add_scaled
from .optimizer import Optimizer, ParamsLike, pick_lr


def adadelta_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, rho: float,
                    eps: float, weight_decay: float, maximize: bool) -> None:
    """One step of PyTorch's Adadelta on ``param`` in place (the maths is in :class:`Adadelta`)."""
    if maximize:
        grad = -grad
    state["step"] += 1
    if weight_decay:
        grad = grad + weight_decay * param                          # g ← g + λθ
    v, u = state["square_avg"], state["acc_delta"]
    v *= rho
    v += (1 - rho) * grad * grad                                    # v ← ρv + (1 - ρ)g²
    delta = np.sqrt(u + eps) / np.sqrt(v + eps) * grad              # Δ = √(u + ε) / √(v + ε) · g
    u *= rho
    u += (1 - rho) * delta * delta                                  # u ← ρu + (1 - ρ)Δ²
    add_scaled(param, delta, -lr)                                   # θ ← θ - ηΔ


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012), PyTorch's ``torch.optim.Adadelta`` rule and defaults (lr 1.0, ρ 0.9, ε 1e-6).

    With gradient g_t, decay ρ, weight decay λ::

        g_t = g_t + λ θ_{t-1}                         (if λ ≠ 0)
        v_t = ρ v_{t-1} + (1 - ρ) g_t²
        Δ_t = √(u_{t-1} + ε) / √(v_t + ε) · g_t
        u_t = ρ u_{t-1} + (1 - ρ) Δ_t²
        θ_t = θ_{t-1} - η Δ_t

    Keras's Adadelta (``keras.optimizers.Adadelta``) has its own defaults (learning_rate 0.001, ε 1e-7).
    """

    update = staticmethod(adadelta_update)

    def __init__(self, params: ParamsLike | None = None, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, *, maximize: bool = False, learning_rate: float | None = None) -> None:
        lr = pick_lr("Adadelta", lr, learning_rate, 1.0)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    @staticmethod
    def init_state(param: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"step": 0, "square_avg": np.zeros_like(param), "acc_delta": np.zeros_like(param)}

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        self._check_number(group, "rho", "eps", "weight_decay")
        self._check(group, "rho", 0 <= group["rho"] <= 1, "rho must be in [0, 1]")
        for name in ("eps", "weight_decay"):
            self._check(group, name, group[name] >= 0, f"{name} must be >= 0")
