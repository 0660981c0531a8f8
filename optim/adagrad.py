"""Adagrad: a per-coordinate learning rate that shrinks with the sum of all past squared gradients."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._update import add_scaled
from .optimizer import Optimizer, ParamsLike, pick_lr


def adagrad_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, lr_decay: float,
                   weight_decay: float, initial_accumulator_value: float, eps: float, maximize: bool) -> None:
    """One step of PyTorch's Adagrad on ``param`` in place (the maths is in :class:`Adagrad`)."""
    if maximize:
        grad = -grad
    state["step"] += 1
    if weight_decay:
        grad = grad + weight_decay * param                    # g ← g + λθ
    lr_t = lr / (1.0 + (state["step"] - 1) * lr_decay)        # η_t = η / (1 + (t - 1)δ)
    s = state["sum"]
    s += grad * grad                                          # s ← s + g²
    add_scaled(param, grad / (np.sqrt(s) + eps), -lr_t)       # θ ← θ - η_t g / (√s + ε)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011), PyTorch's ``torch.optim.Adagrad`` rule and defaults.

    With gradient g_t, learning rate η, lr decay δ, weight decay λ, initial accumulator s_0::

        g_t = g_t + λ θ_{t-1}                  (if λ ≠ 0)
        η_t = η / (1 + (t - 1) δ)
        s_t = s_{t-1} + g_t²
        θ_t = θ_{t-1} - η_t g_t / (√s_t + ε)

    Keras's Adagrad puts ε inside the root, √(s_t + ε): ``keras.optimizers.Adagrad`` and
    ``optim.get('adagrad')`` follow Keras's form.
    """

    update = staticmethod(adagrad_update)

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10, *,
                 maximize: bool = False, learning_rate: float | None = None) -> None:
        lr = pick_lr("Adagrad", lr, learning_rate, 1e-2)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize))

    @staticmethod
    def init_state(param: np.ndarray, *, initial_accumulator_value: float, **_: Any) -> dict[str, Any]:
        return {"step": 0, "sum": np.full_like(param, initial_accumulator_value)}

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        names = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")
        self._check_number(group, *names)
        for name in names:
            self._check(group, name, group[name] >= 0, f"{name} must be >= 0")
