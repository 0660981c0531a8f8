"""Keras's learning-rate schedules (``keras.optimizers.schedules``): the learning rate as a function of the
optimizer's step count, given as ``learning_rate=`` to a Keras optimizer.

    >>> lr = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
    >>> model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")

Each schedule is called with ``step`` = the optimizer's ``iterations`` before the update (0 at the
first step), as Keras does, and follows Keras 2.15's formula, written in its docstring.
"""
from __future__ import annotations

import bisect
import math
from typing import Any, Sequence


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate``; ``get_config()`` / ``from_config()`` as in Keras."""

    def __call__(self, step: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments, so ``type(s).from_config(s.get_config())`` rebuilds the schedule."""
        return dict(self._config)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "LearningRateSchedule":
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items() if k != "name")
        return f"{type(self).__name__}({args})"

    _config: dict[str, Any]


def _positive(owner: str, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{owner}: {name} must be a number > 0, got {value!r}.")


def _number(owner: str, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be a finite number, got {value!r}.")


class _DecayEveryStep(LearningRateSchedule):
    """A schedule of η₀, decay_steps and decay_rate, read at p = step / decay_steps (⌊p⌋ with staircase)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str | None = None) -> None:
        owner = type(self).__name__
        _number(owner, "initial_learning_rate", initial_learning_rate)
        _positive(owner, "decay_steps", decay_steps)
        _number(owner, "decay_rate", decay_rate)
        self.initial_learning_rate, self.decay_steps, self.decay_rate = initial_learning_rate, decay_steps, decay_rate
        self.staircase, self.name = staircase, name
        self._config = dict(initial_learning_rate=initial_learning_rate, decay_steps=decay_steps,
                            decay_rate=decay_rate, staircase=staircase, name=name)

    def _progress(self, step: int) -> float:
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p


class ExponentialDecay(_DecayEveryStep):
    """η(step) = η₀ · rate^(step / decay_steps); with ``staircase=True`` the exponent is ⌊step / decay_steps⌋."""

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class InverseTimeDecay(_DecayEveryStep):
    """η(step) = η₀ / (1 + rate · step / decay_steps); with ``staircase=True``, ⌊step / decay_steps⌋.

    ``InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)`` is old Keras's ``SGD(lr, decay=decay)``.
    """

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate / (1 + self.decay_rate * self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] while step ≤ boundaries[0], values[i] while boundaries[i-1] < step ≤ boundaries[i], then values[-1]."""

    def __init__(self, boundaries: Sequence[float], values: Sequence[float], name: str | None = None) -> None:
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"PiecewiseConstantDecay: the length of values ({len(values)}) must be the length of "
                             f"boundaries ({len(boundaries)}) + 1: one value before, between and after the boundaries.")
        if any(b > a for a, b in zip(boundaries[1:], boundaries)):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be increasing, got {boundaries}.")
        for v in values:
            _number("PiecewiseConstantDecay", "each value", v)
        self.boundaries, self.values, self.name = boundaries, values, name
        self._config = dict(boundaries=boundaries, values=values, name=name)

    def __call__(self, step: int) -> float:
        return self.values[bisect.bisect_left(self.boundaries, step)]


class CosineDecay(LearningRateSchedule):
    """Half a cosine from η₀ down to α·η₀ over ``decay_steps``, then α·η₀ for ever (Loshchilov & Hutter)::

        η(step) = η₀ · ((1 - α) · ½(1 + cos(π · min(step, decay_steps) / decay_steps)) + α)

    With ``warmup_target``, the rate first rises linearly from η₀ to the target over ``warmup_steps``,
    then decays from the target as above over the next ``decay_steps``.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0, name: str | None = None,
                 warmup_target: float | None = None, warmup_steps: int = 0) -> None:
        _number("CosineDecay", "initial_learning_rate", initial_learning_rate)
        _positive("CosineDecay", "decay_steps", decay_steps)
        _number("CosineDecay", "alpha", alpha)
        if warmup_target is not None:
            _number("CosineDecay", "warmup_target", warmup_target)
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(f"CosineDecay: warmup_steps must be a whole number >= 0, got {warmup_steps!r}.")
        self.initial_learning_rate, self.decay_steps, self.alpha = initial_learning_rate, decay_steps, alpha
        self.warmup_target, self.warmup_steps, self.name = warmup_target, warmup_steps, name
        self._config = dict(initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, alpha=alpha,
                            name=name, warmup_target=warmup_target, warmup_steps=warmup_steps)

    def _decayed(self, step: float, start: float) -> float:
        cosine = 0.5 * (1 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: int) -> float:
        if self.warmup_target is None:
            return self._decayed(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            return self.initial_learning_rate + (self.warmup_target - self.initial_learning_rate) * step / self.warmup_steps
        return self._decayed(step - self.warmup_steps, self.warmup_target)


class PolynomialDecay(LearningRateSchedule):
    """η(step) = (η₀ - η_end) · (1 - min(step, decay_steps) / decay_steps)^power + η_end.

    With ``cycle=True`` the decay restarts: decay_steps grows to the next multiple of itself past step.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str | None = None) -> None:
        _number("PolynomialDecay", "initial_learning_rate", initial_learning_rate)
        _positive("PolynomialDecay", "decay_steps", decay_steps)
        _number("PolynomialDecay", "end_learning_rate", end_learning_rate)
        _number("PolynomialDecay", "power", power)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name
        self._config = dict(initial_learning_rate=initial_learning_rate, decay_steps=decay_steps,
                            end_learning_rate=end_learning_rate, power=power, cycle=cycle, name=name)

    def __call__(self, step: int) -> float:
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps = decay_steps * max(1, math.ceil(step / decay_steps))
        else:
            step = min(step, decay_steps)
        fraction = 1 - step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * fraction ** self.power + self.end_learning_rate


SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, CosineDecay,
                                           PolynomialDecay)}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}``, Keras's form."""
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config: dict[str, Any]) -> LearningRateSchedule:
    """The schedule :func:`serialize` described."""
    name = config.get("class_name")
    if name not in SCHEDULES:
        raise ValueError(f"schedules.deserialize: unknown schedule {name!r}; known: {', '.join(SCHEDULES)}.")
    return SCHEDULES[name].from_config(config.get("config", {}))


__all__ = ["LearningRateSchedule", *SCHEDULES, "serialize", "deserialize"]
