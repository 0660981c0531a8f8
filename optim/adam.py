"""Adam and AdamW: momentum on the gradient plus RMSprop's per-coordinate scale, bias-corrected."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._update import add_scaled
from .optimizer import Optimizer, ParamsLike, is_real, pick_lr


def adam_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float,
                betas: tuple[float, float], eps: float, weight_decay: float, amsgrad: bool, maximize: bool,
                decoupled_weight_decay: bool) -> None:
    """One step of PyTorch's Adam (or AdamW) on ``param`` in place (the maths is in :class:`Adam`)."""
    beta1, beta2 = betas
    if maximize:
        grad = -grad
    state["step"] += 1
    t = state["step"]
    if decoupled_weight_decay:
        param *= 1.0 - lr * weight_decay                      # AdamW: θ ← θ(1 - ηλ)
    elif weight_decay:
        grad = grad + weight_decay * param                    # Adam: g ← g + λθ
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m *= beta1
    add_scaled(m, grad, 1.0 - beta1)                          # m ← β₁m + (1 - β₁)g
    v *= beta2
    add_scaled(v, grad * grad, 1.0 - beta2)                   # v ← β₂v + (1 - β₂)g²
    if amsgrad:
        v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])   # v̂ ← max(v̂, v)
    denom = np.sqrt(v) / math.sqrt(1.0 - beta2 ** t) + eps                        # √(v̂ / (1 - β₂ᵗ)) + ε
    add_scaled(param, m / denom, -lr / (1.0 - beta1 ** t))                       # θ ← θ - η/(1 - β₁ᵗ)·m/denom


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015), PyTorch's ``torch.optim.Adam`` rule and defaults.

    With gradient g_t, learning rate η, betas (β₁, β₂), weight decay λ (L2, added to the gradient)::

        g_t = g_t + λ θ_{t-1}                          (if λ ≠ 0)
        m_t = β₁ m_{t-1} + (1 - β₁) g_t                 (m_0 = 0)
        v_t = β₂ v_{t-1} + (1 - β₂) g_t²                (v_0 = 0)
        v̂_t = max(v̂_{t-1}, v_t) (amsgrad)   |   v_t
        θ_t = θ_{t-1} - η / (1 - β₁ᵗ) · m_t / (√v̂_t / √(1 - β₂ᵗ) + ε)

    Keras writes the step as η √(1 - β₂ᵗ)/(1 - β₁ᵗ) · m_t / (√v_t + ε̂), so its ε is ε̂ = ε √(1 - β₂ᵗ)
    in this notation: ``keras.optimizers.Adam`` and ``optim.get('adam')`` follow Keras's form.
    """

    update = staticmethod(adam_update)

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0,
                 amsgrad: bool = False, *, maximize: bool = False, decoupled_weight_decay: bool = False,
                 learning_rate: float | None = None) -> None:
        lr = pick_lr(type(self).__name__, lr, learning_rate, 1e-3)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    @staticmethod
    def init_state(param: np.ndarray, *, amsgrad: bool, **_: Any) -> dict[str, Any]:
        state = {"step": 0, "exp_avg": np.zeros_like(param), "exp_avg_sq": np.zeros_like(param)}
        if amsgrad:
            state["max_exp_avg_sq"] = np.zeros_like(param)
        return state

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        betas = group["betas"]
        self._check(group, "betas", isinstance(betas, (tuple, list)) and len(betas) == 2,
                    "betas is a pair (beta1, beta2)")
        self._check(group, "betas", all(map(is_real, betas)), "beta1 and beta2 must be numbers")
        self._check(group, "betas", 0 <= betas[0] < 1, "beta1 (betas[0]) must be in [0, 1)")
        self._check(group, "betas", 0 <= betas[1] < 1, "beta2 (betas[1]) must be in [0, 1)")
        self._check_number(group, "eps", "weight_decay")
        self._check(group, "eps", group["eps"] >= 0, "eps must be >= 0")
        self._check(group, "weight_decay", group["weight_decay"] >= 0, "weight decay must be >= 0")


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019), PyTorch's ``torch.optim.AdamW``: Adam with decoupled decay.

    The weight decay shrinks the parameter directly instead of entering the gradient::

        θ ← θ (1 - η λ);   then Adam's step above with λ = 0 (defaults λ = 0.01)
    """

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2,
                 amsgrad: bool = False, *, maximize: bool = False, learning_rate: float | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True, learning_rate=learning_rate)
