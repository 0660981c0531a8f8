"""Adam and AdamW: momentum on the gradient plus RMSprop's per-coordinate scale, bias-corrected."""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tensorgrad.aligned import aligned_full
from .optimizer import Optimizer, ParamsLike, add_scaled, pick_lr


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015), PyTorch's ``torch.optim.Adam`` rule and defaults.

    With gradient g_t, learning rate η, betas (β₁, β₂), weight decay λ (L2, added to the gradient)::

        g_t = g_t + λ θ_{t-1}                          (if λ ≠ 0)
        m_t = β₁ m_{t-1} + (1 - β₁) g_t                 (m_0 = 0)
        v_t = β₂ v_{t-1} + (1 - β₂) g_t²                (v_0 = 0)
        v̂_t = max(v̂_{t-1}, v_t) (amsgrad)   |   v_t
        θ_t = θ_{t-1} - η / (1 - β₁ᵗ) · m_t / (√v̂_t / √(1 - β₂ᵗ) + ε)

    Keras writes the same step as η √(1 - β₂ᵗ)/(1 - β₁ᵗ) · m_t / (√v_t + ε̂), so its ε is scaled by
    √(1 - β₂ᵗ); ``optim.get('adam')`` keeps this rule with Keras's defaults (η = 0.001, ε = 1e-7).
    """

    decoupled_weight_decay = False

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0,
                 amsgrad: bool = False, *, learning_rate: float | None = None) -> None:
        lr = pick_lr(type(self).__name__, lr, learning_rate, 1e-3)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        betas = group["betas"]
        self._check(group, "betas", len(betas) == 2, "betas is a pair (beta1, beta2)")
        self._check(group, "betas", 0 <= betas[0] < 1, "beta1 (betas[0]) must be in [0, 1)")
        self._check(group, "betas", 0 <= betas[1] < 1, "beta2 (betas[1]) must be in [0, 1)")
        self._check(group, "eps", group["eps"] >= 0, "eps must be >= 0")
        self._check(group, "weight_decay", group["weight_decay"] >= 0, "weight decay must be >= 0")

    def _options(self, group: dict[str, Any]) -> "_Options":
        beta1, beta2 = group["betas"]
        return _Options(float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                        float(group["weight_decay"]), bool(group["amsgrad"]))

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], options: "_Options",
                work: np.ndarray) -> None:
        lr, beta1, beta2, eps, weight_decay, amsgrad = options
        if not state:
            state["step"] = 0
            state["exp_avg"] = aligned_full(param.shape, 0, param.dtype)
            state["exp_avg_sq"] = aligned_full(param.shape, 0, param.dtype)
            if amsgrad:
                state["max_exp_avg_sq"] = aligned_full(param.shape, 0, param.dtype)
        state["step"] += 1
        t = state["step"]
        if self.decoupled_weight_decay:
            np.multiply(param, 1.0 - lr * weight_decay, out=param)
            g = grad
        else:
            g = self._decayed_grad(param, grad, weight_decay)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        np.multiply(m, beta1, out=m)
        add_scaled(m, g, 1.0 - beta1, work)
        np.multiply(v, beta2, out=v)
        np.multiply(g, g, out=work)
        add_scaled(v, work, 1.0 - beta2, work)
        if amsgrad:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        np.sqrt(v, out=work)
        np.divide(work, (1.0 - beta2 ** t) ** 0.5, out=work)
        np.add(work, eps, out=work)
        np.divide(m, work, out=work)
        add_scaled(param, work, -lr / (1.0 - beta1 ** t), work)


class _Options(NamedTuple):
    """One group's hyperparameters as Python numbers (numpy scalars would change the arithmetic's dtype)."""
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    amsgrad: bool


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019), PyTorch's ``torch.optim.AdamW``: Adam with decoupled decay.

    The weight decay shrinks the parameter directly instead of entering the gradient::

        θ ← θ (1 - η λ);   then Adam's step above with λ = 0 (defaults λ = 0.01)
    """

    decoupled_weight_decay = True

    def __init__(self, params: ParamsLike | None = None, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2,
                 amsgrad: bool = False, *, learning_rate: float | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, learning_rate=learning_rate)
