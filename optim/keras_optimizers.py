"""Keras's optimizers (``keras.optimizers.Adam(...)``, ``compile(optimizer='adam')``): Keras 2.15's update
rules, argument names and defaults, made unbound for ``compile`` to bind.

Where Keras's rule differs from PyTorch's, these follow Keras: RMSprop and Adagrad put ε inside the
square root, Adam's ε is Keras's ε̂ (added to √v before the bias correction of the step size), SGD's
momentum buffer holds the learning rate (v = μv - ηg; θ += v), so a learning rate changed during
training (``LearningRateScheduler``) acts as in Keras. The PyTorch-spelled classes (``optim.SGD``...)
keep PyTorch's rules. Every class also takes Keras's common arguments:

* ``learning_rate``: a number, a schedule (``keras.optimizers.schedules``) called with
  ``iterations`` before each step, or a function of no arguments. ``lr`` is Keras 2's old spelling.
* ``weight_decay``: decoupled decay θ ← θ - η·wd·θ before each update (AdamW's default 0.004).
* ``clipnorm`` (each gradient to this L2 norm), ``global_clipnorm`` (all gradients together),
  ``clipvalue`` (each element into [-v, v]); as Keras, clipnorm wins over global_clipnorm over clipvalue.

``optimizer.learning_rate`` (and ``.lr``) read the current rate and set a new one; ``iterations``
counts the steps taken.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Iterable

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

from ._update import add_scaled
from .keras_schedules import LearningRateSchedule, deserialize, serialize
from .optimizer import Hyperparameters, Optimizer, is_real, pick_lr

_LEGACY_ARGUMENTS = ("decay", "gradient_aggregator", "gradient_transformers")


def _project(p: Tensor) -> None:
    """``p`` replaced in place by ``p.constraint(p)`` (a layer's kernel_constraint, nn.constraints), no graph."""
    with tg.no_grad():
        projected = p.constraint(tg.tensor(p.numpy(force=True)))
    p.numpy(force=True)[...] = projected.numpy(force=True) if isinstance(projected, Tensor) else np.asarray(projected)


class KerasOptimizer(Optimizer):
    """What Keras's optimizers share: the learning rate (number, schedule or function), ``iterations``,
    gradient clipping and decoupled weight decay. Subclasses give their rule and hyperparameters."""

    def __init__(self, learning_rate: Any, hyperparameters: Hyperparameters, *, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, jit_compile: bool = True, name: str | None = None,
                 lr: Any = None, default_learning_rate: float = 0.001, **kwargs: Any) -> None:
        owner = type(self).__name__
        for legacy in _LEGACY_ARGUMENTS:
            if legacy in kwargs:
                hint = (f" For decay, use learning_rate=keras.optimizers.schedules.InverseTimeDecay("
                        f"{learning_rate}, decay_steps=1, decay_rate={kwargs[legacy]}), which is old Keras's "
                        f"decay." if legacy == "decay" else "")
                raise ValueError(f"{owner}: `{legacy}` is deprecated in Keras 2.11+ optimizers (tensorgrad follows "
                                 f"Keras 2.15), and not supported.{hint}")
        if kwargs:
            raise TypeError(f"{owner}: unexpected keyword argument(s) {', '.join(sorted(kwargs))}.")
        if use_ema:
            raise ValueError(f"{owner}: use_ema=True (an exponential moving average of the weights) is not "
                             f"supported; leave it False.")
        for option, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm),
                              ("weight_decay", weight_decay)):
            if value is not None and not (is_real(value) and value >= 0):
                raise ValueError(f"{owner}: invalid {option}={value!r}; it must be a number >= 0 (or None).")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(f"{owner}: at most one of clipnorm and global_clipnorm can be set, got "
                             f"clipnorm={clipnorm}, global_clipnorm={global_clipnorm}.")
        self.name = name or owner
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.iterations = 0
        self._global_scale = 1.0
        lr = pick_lr(owner, learning_rate, lr, default_learning_rate, names=("learning_rate", "lr"))
        super().__init__(None, {"lr": lr, **hyperparameters})

    # ------------------------------------------------------------------ the learning rate
    def _validate(self, group: Hyperparameters) -> None:
        if not callable(group["lr"]):       # a schedule or function is checked when it is called
            super()._validate(group)

    def hyperparameters(self, group: dict[str, Any]) -> Hyperparameters:
        """The group's hyperparameters, with the learning rate of this step (a schedule's value at ``iterations``)."""
        values = super().hyperparameters(group)
        values["lr"] = self._current(values["lr"])
        return values

    def _current(self, lr: Any) -> float:
        if isinstance(lr, LearningRateSchedule):
            lr = lr(self.iterations)
        elif callable(lr):
            lr = lr()
        lr = float(lr)
        if not (math.isfinite(lr) and lr >= 0):
            raise ValueError(f"{type(self).__name__}: the learning rate at iteration {self.iterations} is {lr}; it "
                             f"must be a finite number >= 0.")
        return lr

    @property
    def learning_rate(self) -> float:
        """The learning rate the next step uses (a schedule's value at ``iterations``)."""
        return self._current(self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"])

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        """Set the learning rate of every group; refused, as in Keras, when it was made with a schedule."""
        if isinstance(self.defaults["lr"], LearningRateSchedule):
            raise TypeError(f"{type(self).__name__}: this optimizer was made with a LearningRateSchedule as its "
                            f"learning_rate, so its learning rate is not settable. Make it with a number "
                            f"learning_rate to set it (e.g. from a LearningRateScheduler callback).")
        Optimizer.learning_rate.fset(self, value)

    lr = learning_rate

    def __getattr__(self, name: str) -> Any:
        """Keras's attributes for the hyperparameters (``optimizer.beta_1``, ``optimizer.momentum``)."""
        defaults = self.__dict__.get("defaults", {})
        if name in defaults and name != "lr":
            groups = self.__dict__.get("param_groups")
            return groups[0][name] if groups else defaults[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Clip the gradients, decay the weights, apply the rule to each parameter, count the iteration."""
        loss = self._run(closure)
        self._global_scale = self._global_clip_scale()
        super().step()
        for p in self._all_params():       # Keras projects each constrained weight after the update
            if getattr(p, "constraint", None) is not None:
                _project(p)
        self.iterations += 1
        return loss

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Tensor]], name: str | None = None,
                        skip_gradients_aggregation: bool = False, **kwargs: Any) -> int:
        """Keras's ``apply_gradients(zip(grads, variables))``: one step (clipped, decayed, counted as
        :meth:`step`) on these variables with these gradients, the others untouched; a variable the
        optimizer does not hold yet joins it. A None gradient is skipped with Keras's warning. Returns
        ``iterations``."""
        pairs = list(grads_and_vars)
        for pair in pairs:
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], Tensor)):
                raise TypeError(f"{type(self).__name__}.apply_gradients: expected (gradient, variable) pairs such as "
                                f"zip(grads, model.trainable_variables), got {pair!r:.80}.")
        missing = [v for g, v in pairs if g is None]
        pairs = [(g, v) for g, v in pairs if g is not None]
        if not pairs:
            raise ValueError(f"{type(self).__name__}.apply_gradients: no gradients provided for any variable "
                             f"({len(missing)} variables, all with None gradients); the loss does not depend on them.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {[self._describe(v) for v in missing]} when "
                          f"minimizing the loss; they are left as they are.", stacklevel=2)
        known = {id(p) for p in self._all_params()}
        new = list({id(v): v for _, v in pairs if id(v) not in known}.values())
        if new:
            self.add_param_group({"params": new})
        given = {id(v): g if isinstance(g, Tensor) else tg.as_tensor(np.asarray(g, dtype=v.dtype)) for g, v in pairs}
        held = [(p, p.grad) for p in self._all_params()]
        try:
            for p in self._all_params():
                p.grad = given.get(id(p))
            self.step()
        finally:
            for p, grad in held:
                p.grad = grad
        return self.iterations

    def _global_clip_scale(self) -> float:
        """global_clipnorm's factor c / max(‖g‖, c), ‖g‖ the L2 norm of all gradients together (1 without it)."""
        if self.global_clipnorm is None or self.clipnorm is not None:
            return 1.0
        grads = [p.grad.numpy(force=True) for p in self._all_params() if p.grad is not None]
        norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
        return self.global_clipnorm / max(norm, self.global_clipnorm)

    def _gradient(self, p: Tensor) -> np.ndarray:
        """The gradient clipped as Keras clips it: clipnorm, else global_clipnorm, else clipvalue."""
        grad = super()._gradient(p)
        if self.clipnorm is not None:
            norm = math.sqrt(float(np.vdot(grad, grad)))
            return grad * (self.clipnorm / norm) if norm > self.clipnorm else grad    # g · c / max(‖g‖, c)
        if self._global_scale != 1.0:
            return grad * self._global_scale
        if self.clipvalue is not None:
            return np.clip(grad, -self.clipvalue, self.clipvalue)
        return grad

    def _update_parameter(self, p: Tensor, grad: np.ndarray, hyperparameters: Hyperparameters) -> None:
        """Keras's decoupled weight decay θ ← θ - η·wd·θ first, then the rule."""
        if self.weight_decay:
            p.numpy(force=True)[...] -= p.numpy(force=True) * (self.weight_decay * hyperparameters["lr"])
        super()._update_parameter(p, grad, hyperparameters)

    # ------------------------------------------------------------------ saving and config
    def state_dict(self) -> dict[str, Any]:
        """Optimizer.state_dict plus Keras's step count ``iterations`` (which schedules read)."""
        return {**super().state_dict(), "iterations": self.iterations}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self.iterations = int(state_dict.get("iterations", 0))

    def get_config(self) -> dict[str, Any]:
        """Keras's config: name, learning_rate (a schedule as ``{"class_name", "config"}``), the
        hyperparameters under Keras's names, and the common options."""
        lr = self.defaults["lr"]
        return {"name": self.name, "learning_rate": serialize(lr) if isinstance(lr, LearningRateSchedule) else lr,
                **{k: v for k, v in self.defaults.items() if k != "lr"}, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "KerasOptimizer":
        """The optimizer :meth:`get_config` described (unbound)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize(config["learning_rate"])
        for ignored in ("is_legacy_optimizer", "use_ema", "ema_momentum", "ema_overwrite_frequency", "jit_compile"):
            config.pop(ignored, None)
        return cls(**config)

    def _check_range(self, group: Hyperparameters, name: str, low: float, high: float, closed: bool = True) -> None:
        """``name`` is a number in [low, high] (or [low, high) when not ``closed``)."""
        self._check_number(group, name)
        value = group[name]
        ok = low <= value <= high if closed else low <= value < high
        self._check(group, name, ok, f"it must be in [{low}, {high}{']' if closed else ')'}")


# ---------------------------------------------------------------------------------------------- SGD
def keras_sgd_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, momentum: float,
                     nesterov: bool) -> None:
    """One step of Keras's SGD on ``param`` in place (the maths is in :class:`SGD`)."""
    if not momentum:
        add_scaled(param, grad, -lr)                          # θ ← θ - ηg
        return
    v = state.get("momentum")
    if v is None:
        v = state["momentum"] = np.zeros_like(param)          # v₀ = 0
    v *= momentum
    add_scaled(v, grad, -lr)                                  # v ← μv - ηg
    if nesterov:
        param += momentum * v - lr * grad                     # θ ← θ + μv - ηg
    else:
        param += v                                            # θ ← θ + v


class SGD(KerasOptimizer):
    """Keras's SGD: ``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``.

    With gradient g, learning rate η, momentum μ (velocity v, v_0 = 0)::

        θ ← θ - η g                              (μ = 0)
        v ← μ v - η g;   θ ← θ + v               (momentum)
        v ← μ v - η g;   θ ← θ + μ v - η g       (nesterov)

    η lives inside the velocity (PyTorch's ``optim.SGD`` keeps it outside): after the learning rate
    changes, the velocity keeps the steps it already holds.
    """

    update = staticmethod(keras_sgd_update)

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(momentum=momentum, nesterov=nesterov), name=name,
                         default_learning_rate=0.01, **kwargs)

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "momentum", 0, 1)


# ---------------------------------------------------------------------------------------------- RMSprop
def keras_rmsprop_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, rho: float,
                         momentum: float, epsilon: float, centered: bool) -> None:
    """One step of Keras's RMSprop on ``param`` in place (the maths is in :class:`RMSprop`)."""
    v = state["velocity"]
    v *= rho
    add_scaled(v, grad * grad, 1.0 - rho)                     # v ← ρv + (1 - ρ)g²
    if centered:
        g_avg = state["average_gradient"]
        g_avg *= rho
        add_scaled(g_avg, grad, 1.0 - rho)                    # ḡ ← ρḡ + (1 - ρ)g
        increment = lr * grad / np.sqrt(v - g_avg * g_avg + epsilon)   # Δ = ηg / √(v - ḡ² + ε)
    else:
        increment = lr * grad / np.sqrt(v + epsilon)          # Δ = ηg / √(v + ε)
    if momentum > 0:
        buf = state["momentum"]
        buf *= momentum
        buf += increment                                      # b ← μb + Δ
        param -= buf                                          # θ ← θ - b
    else:
        param -= increment                                    # θ ← θ - Δ


class RMSprop(KerasOptimizer):
    """Keras's RMSprop: ``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)``.

    With gradient g, learning rate η, decay ρ, momentum μ; v, ḡ and b start at 0::

        v ← ρ v + (1 - ρ) g²
        ḡ ← ρ ḡ + (1 - ρ) g                           (centered)
        Δ = η g / √(v - ḡ² + ε)  (centered)   |   η g / √(v + ε)
        b ← μ b + Δ;  θ ← θ - b  (μ > 0)       |   θ ← θ - Δ

    ε is inside the root and η inside the momentum buffer (PyTorch: √v + ε, η outside).
    """

    update = staticmethod(keras_rmsprop_update)

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, name: str = "RMSprop", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(rho=rho, momentum=momentum, epsilon=epsilon, centered=centered),
                         name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, *, momentum: float, centered: bool, **_: Any) -> dict[str, Any]:
        state = {"velocity": np.zeros_like(param)}
        if momentum > 0:
            state["momentum"] = np.zeros_like(param)
        if centered:
            state["average_gradient"] = np.zeros_like(param)
        return state

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "rho", 0, 1)
        self._check_range(group, "momentum", 0, 1)
        self._check_range(group, "epsilon", 0, math.inf)


# ---------------------------------------------------------------------------------------------- Adam, AdamW
def keras_adam_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, beta_1: float,
                      beta_2: float, epsilon: float, amsgrad: bool) -> None:
    """One step of Keras's Adam on ``param`` in place (the maths is in :class:`Adam`)."""
    state["step"] += 1
    t = state["step"]
    m, v = state["momentum"], state["velocity"]
    m *= beta_1
    add_scaled(m, grad, 1.0 - beta_1)                         # m ← β₁m + (1 - β₁)g
    v *= beta_2
    add_scaled(v, grad * grad, 1.0 - beta_2)                  # v ← β₂v + (1 - β₂)g²
    if amsgrad:
        v = np.maximum(state["velocity_hat"], v, out=state["velocity_hat"])    # v̂ ← max(v̂, v)
    alpha = lr * math.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)            # α = η√(1 - β₂ᵗ)/(1 - β₁ᵗ)
    add_scaled(param, m / (np.sqrt(v) + epsilon), -alpha)                     # θ ← θ - α m / (√v + ε̂)


class Adam(KerasOptimizer):
    """Keras's Adam: ``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)``.

    With gradient g at step t, learning rate η; m, v (and v̂) start at 0::

        m ← β₁ m + (1 - β₁) g
        v ← β₂ v + (1 - β₂) g²
        v̂ ← max(v̂, v)  (amsgrad; then v̂ replaces v below)
        θ ← θ - η √(1 - β₂ᵗ) / (1 - β₁ᵗ) · m / (√v + ε̂)

    ε̂ is Kingma & Ba's "epsilon hat": it is added before the bias correction, where PyTorch's ε is
    added after (√v / √(1 - β₂ᵗ) + ε); the two differ by the factor √(1 - β₂ᵗ) on ε.
    """

    update = staticmethod(keras_adam_update)

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, name: str = "Adam", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad),
                         name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, *, amsgrad: bool = False, **_: Any) -> dict[str, Any]:
        state = {"step": 0, "momentum": np.zeros_like(param), "velocity": np.zeros_like(param)}
        if amsgrad:
            state["velocity_hat"] = np.zeros_like(param)
        return state

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "beta_1", 0, 1, closed=False)
        self._check_range(group, "beta_2", 0, 1, closed=False)
        self._check_range(group, "epsilon", 0, math.inf)


class AdamW(Adam):
    """Keras's AdamW: Adam's rule after the decoupled weight decay θ ← θ - η·wd·θ (``weight_decay=0.004``)."""

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, name: str = "AdamW",
                 **kwargs: Any) -> None:
        if weight_decay is None:
            raise ValueError("AdamW: weight_decay must be a number (e.g. 0.004), got None.")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, name=name, weight_decay=weight_decay,
                         **kwargs)


# ---------------------------------------------------------------------------------------------- Adagrad
def keras_adagrad_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float,
                         initial_accumulator_value: float, epsilon: float) -> None:
    """One step of Keras's Adagrad on ``param`` in place (the maths is in :class:`Adagrad`)."""
    s = state["accumulator"]
    s += grad * grad                                          # s ← s + g²
    add_scaled(param, grad / np.sqrt(s + epsilon), -lr)       # θ ← θ - η g / √(s + ε)


class Adagrad(KerasOptimizer):
    """Keras's Adagrad: ``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``.

    With gradient g, learning rate η, accumulator s (s_0 = initial_accumulator_value)::

        s ← s + g²;   θ ← θ - η g / √(s + ε)

    ε is inside the root (PyTorch: √s + ε).
    """

    update = staticmethod(keras_adagrad_update)

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 name: str = "Adagrad", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(initial_accumulator_value=initial_accumulator_value, epsilon=epsilon),
                         name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, *, initial_accumulator_value: float, **_: Any) -> dict[str, Any]:
        return {"accumulator": np.full_like(param, initial_accumulator_value)}

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "initial_accumulator_value", 0, math.inf)
        self._check_range(group, "epsilon", 0, math.inf)


# ---------------------------------------------------------------------------------------------- Adadelta
def keras_adadelta_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, rho: float,
                          epsilon: float) -> None:
    """One step of Keras's Adadelta on ``param`` in place (the maths is in :class:`Adadelta`)."""
    g2, d2 = state["accumulated_grad"], state["accumulated_delta_var"]
    g2 *= rho
    add_scaled(g2, grad * grad, 1.0 - rho)                    # E[g²] ← ρE[g²] + (1 - ρ)g²
    delta = -np.sqrt(d2 + epsilon) * grad / np.sqrt(g2 + epsilon)   # Δ = -√(E[Δ²] + ε) g / √(E[g²] + ε)
    d2 *= rho
    add_scaled(d2, delta * delta, 1.0 - rho)                  # E[Δ²] ← ρE[Δ²] + (1 - ρ)Δ²
    add_scaled(param, delta, lr)                              # θ ← θ + ηΔ


class Adadelta(KerasOptimizer):
    """Keras's Adadelta (Zeiler 2012): ``Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)``.

    With gradient g and running averages E[g²], E[Δ²] (both starting at 0)::

        E[g²] ← ρ E[g²] + (1 - ρ) g²
        Δ     = -√(E[Δ²] + ε) / √(E[g²] + ε) · g
        E[Δ²] ← ρ E[Δ²] + (1 - ρ) Δ²
        θ     ← θ + η Δ
    """

    update = staticmethod(keras_adadelta_update)

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7, name: str = "Adadelta",
                 **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(rho=rho, epsilon=epsilon), name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"accumulated_grad": np.zeros_like(param), "accumulated_delta_var": np.zeros_like(param)}

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "rho", 0, 1)
        self._check_range(group, "epsilon", 0, math.inf)


# ---------------------------------------------------------------------------------------------- Adamax
def keras_adamax_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, beta_1: float,
                        beta_2: float, epsilon: float) -> None:
    """One step of Keras's Adamax on ``param`` in place (the maths is in :class:`Adamax`)."""
    state["step"] += 1
    t = state["step"]
    m, u = state["m"], state["u"]
    m *= beta_1
    add_scaled(m, grad, 1.0 - beta_1)                         # m ← β₁m + (1 - β₁)g
    np.maximum(beta_2 * u, np.abs(grad), out=u)               # u ← max(β₂u, |g|)
    add_scaled(param, m / (u + epsilon), -lr / (1.0 - beta_1 ** t))   # θ ← θ - η/(1 - β₁ᵗ) · m/(u + ε)


class Adamax(KerasOptimizer):
    """Keras's Adamax (Kingma & Ba 2015, §7): ``Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``.

    With gradient g at step t; m and u start at 0::

        m ← β₁ m + (1 - β₁) g
        u ← max(β₂ u, |g|)
        θ ← θ - η / (1 - β₁ᵗ) · m / (u + ε)
    """

    update = staticmethod(keras_adamax_update)

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 name: str = "Adamax", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon), name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"step": 0, "m": np.zeros_like(param), "u": np.zeros_like(param)}

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "beta_1", 0, 1, closed=False)
        self._check_range(group, "beta_2", 0, 1, closed=False)
        self._check_range(group, "epsilon", 0, math.inf)


# ---------------------------------------------------------------------------------------------- Nadam
def keras_nadam_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float, beta_1: float,
                       beta_2: float, epsilon: float) -> None:
    """One step of Keras's Nadam on ``param`` in place (the maths is in :class:`Nadam`)."""
    state["step"] += 1
    t = state["step"]
    u_t = beta_1 * (1.0 - 0.5 * 0.96 ** t)                    # momentum schedule μ_t
    u_next = beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
    state["u_product"] *= u_t                                 # Π_{i≤t} μ_i
    u_product = state["u_product"]
    m, v = state["momentum"], state["velocity"]
    m *= beta_1
    add_scaled(m, grad, 1.0 - beta_1)                         # m ← β₁m + (1 - β₁)g
    v *= beta_2
    add_scaled(v, grad * grad, 1.0 - beta_2)                  # v ← β₂v + (1 - β₂)g²
    m_hat = (u_next / (1.0 - u_product * u_next)) * m + ((1.0 - u_t) / (1.0 - u_product)) * grad
    v_hat = v / (1.0 - beta_2 ** t)
    add_scaled(param, m_hat / (np.sqrt(v_hat) + epsilon), -lr)   # θ ← θ - η m̂ / (√v̂ + ε)


class Nadam(KerasOptimizer):
    """Keras's Nadam (Dozat 2016, Adam with Nesterov momentum):
    ``Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``.

    With gradient g at step t, the momentum schedule μ_t = β₁(1 - ½·0.96ᵗ) and P_t = μ_1⋯μ_t::

        m ← β₁ m + (1 - β₁) g;         v ← β₂ v + (1 - β₂) g²
        m̂ = μ_{t+1} m / (1 - P_t μ_{t+1}) + (1 - μ_t) g / (1 - P_t)
        v̂ = v / (1 - β₂ᵗ)
        θ ← θ - η m̂ / (√v̂ + ε)
    """

    update = staticmethod(keras_nadam_update)

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 name: str = "Nadam", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon), name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, **_: Any) -> dict[str, Any]:
        return {"step": 0, "u_product": 1.0, "momentum": np.zeros_like(param), "velocity": np.zeros_like(param)}

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "beta_1", 0, 1, closed=False)
        self._check_range(group, "beta_2", 0, 1, closed=False)
        self._check_range(group, "epsilon", 0, math.inf)


# ---------------------------------------------------------------------------------------------- Ftrl
def keras_ftrl_update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any], *, lr: float,
                      learning_rate_power: float, initial_accumulator_value: float,
                      l1_regularization_strength: float, l2_regularization_strength: float,
                      l2_shrinkage_regularization_strength: float, beta: float) -> None:
    """One step of Keras's FTRL on ``param`` in place (the maths is in :class:`Ftrl`)."""
    n, z = state["accumulator"], state["linear"]
    power = -learning_rate_power
    l2 = l2_regularization_strength + beta / (2.0 * lr)
    shrunk = grad + 2.0 * l2_shrinkage_regularization_strength * param   # g̃ = g + 2λ_s θ
    n_new = n + grad * grad                                              # n' = n + g²
    z += shrunk - (n_new ** power - n ** power) / lr * param             # z ← z + g̃ - σθ
    quadratic = n_new ** power / lr + 2.0 * l2
    param[...] = (np.clip(z, -l1_regularization_strength, l1_regularization_strength) - z) / quadratic
    n[...] = n_new


class Ftrl(KerasOptimizer):
    """Keras's FTRL-proximal (McMahan et al. 2013): ``Ftrl(learning_rate=0.001, learning_rate_power=-0.5,
    initial_accumulator_value=0.1, l1_regularization_strength=0.0, l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0, beta=0.0)``.

    With gradient g, p = -learning_rate_power, λ₁, λ₂ the L1/L2 strengths, λ_s the shrinkage;
    n starts at initial_accumulator_value and z at 0::

        n' = n + g²;   σ = (n'ᵖ - nᵖ) / η
        z ← z + (g + 2 λ_s θ) - σ θ
        θ ← (clip(z, -λ₁, λ₁) - z) / (n'ᵖ / η + 2 (λ₂ + β / (2η)));   n ← n'
    """

    update = staticmethod(keras_ftrl_update)

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, name: str = "Ftrl", **kwargs: Any) -> None:
        super().__init__(learning_rate, dict(
            learning_rate_power=learning_rate_power, initial_accumulator_value=initial_accumulator_value,
            l1_regularization_strength=l1_regularization_strength,
            l2_regularization_strength=l2_regularization_strength,
            l2_shrinkage_regularization_strength=l2_shrinkage_regularization_strength, beta=beta), name=name, **kwargs)

    @staticmethod
    def init_state(param: np.ndarray, *, initial_accumulator_value: float, **_: Any) -> dict[str, Any]:
        return {"accumulator": np.full_like(param, initial_accumulator_value), "linear": np.zeros_like(param)}

    def _validate(self, group: Hyperparameters) -> None:
        super()._validate(group)
        self._check_range(group, "learning_rate_power", -math.inf, 0)
        for name in ("initial_accumulator_value", "l1_regularization_strength", "l2_regularization_strength",
                     "l2_shrinkage_regularization_strength", "beta"):
            self._check_range(group, name, 0, math.inf)


KERAS_CLASSES = (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl)

__all__ = ["KerasOptimizer", *(cls.__name__ for cls in KERAS_CLASSES)]
