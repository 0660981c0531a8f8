"""Learning-rate schedules: change ``optimizer.param_groups[i]["lr"]`` once per epoch (PyTorch's API).

``StepLR``, ``ExponentialLR`` and ``CosineAnnealingLR`` compute lr from the epoch count in closed
form (so a schedule restarts cleanly from its state_dict, and sets each group's lr outright on every
``step()``); ``ReduceLROnPlateau`` instead watches a metric passed to ``step(metric)``.
"""
from __future__ import annotations

import math
from typing import Any

from .optimizer import Optimizer


def _param_groups(optimizer: Optimizer, owner: str) -> list[dict[str, Any]]:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: expected an optim.Optimizer, got {type(optimizer).__name__}.")
    if not optimizer.param_groups:
        raise RuntimeError(f"{owner}: the optimizer has no parameters yet; bind it (optimizer.bind(params), "
                           f"or model.compile) before making a schedule for it.")
    return optimizer.param_groups


class _Schedule:
    """What every schedule shares: the last lrs it set, and its counters as a state_dict."""

    optimizer: Optimizer
    _last_lr: list[float]

    def get_last_lr(self) -> list[float]:
        """The lr of each group as last set by this scheduler."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (counters, base lrs, best metric), copied."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue the schedule saved by :meth:`state_dict` (load the optimizer's own state too)."""
        self.__dict__.update({k: (list(v) if isinstance(v, list) else v) for k, v in state_dict.items()})


class LRScheduler(_Schedule):
    """Base: ``lr_at(base_lr, epoch)`` in closed form; ``step()`` advances one epoch and sets every group.

    Making the scheduler counts as epoch 0 (lr = the groups' current lr, remembered as ``base_lrs``).
    """

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lrs = [g["lr"] for g in _param_groups(optimizer, type(self).__name__)]
        self.last_epoch = 0
        self._last_lr = list(self.base_lrs)

    def lr_at(self, base_lr: float, epoch: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def step(self) -> None:
        """End of an epoch: set each group's lr to the schedule's value for the next one."""
        self.last_epoch += 1
        self._last_lr = [self.lr_at(base, self.last_epoch) for base in self.base_lrs]
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr


class StepLR(LRScheduler):
    """Multiply lr by γ every ``step_size`` epochs: η_e = η₀ · γ^⌊e / step_size⌋."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if not (isinstance(step_size, int) and step_size >= 1):
            raise ValueError(f"StepLR: invalid step_size={step_size!r}; it must be a whole number of epochs >= 1.")
        if not gamma > 0:
            raise ValueError(f"StepLR: invalid gamma={gamma!r}; it must be > 0 (e.g. 0.1).")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """Multiply lr by γ every epoch: η_e = η₀ · γ^e."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        if not gamma > 0:
            raise ValueError(f"ExponentialLR: invalid gamma={gamma!r}; it must be > 0 (e.g. 0.95).")
        self.gamma = gamma
        super().__init__(optimizer)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from η₀ down to η_min over T_max epochs: η_e = η_min + (η₀ - η_min)(1 + cos(π e / T_max)) / 2.

    Past T_max the cosine continues (lr rises again), as in PyTorch.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        if not (isinstance(T_max, int) and T_max >= 1):
            raise ValueError(f"CosineAnnealingLR: invalid T_max={T_max!r}; it must be a whole number of epochs >= 1.")
        if not eta_min >= 0:
            raise ValueError(f"CosineAnnealingLR: invalid eta_min={eta_min!r}; it must be >= 0.")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class ReduceLROnPlateau(_Schedule):
    """Multiply lr by ``factor`` once a metric has not improved for more than ``patience`` epochs.

    ``step(metric)`` each epoch. "Improved" in mode 'min' with threshold_mode 'rel' means
    metric < best·(1 - threshold) ('abs': metric < best - threshold; mode 'max' mirrors, as PyTorch). After a
    reduction (lr ← max(lr·factor, min_lr), skipped if the change is below ``eps``) the bad-epoch
    count restarts and ``cooldown`` epochs pass before counting again. PyTorch's rule: reduce when
    bad epochs > patience (Keras's callback reduces at >= patience).
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | list[float] = 0.0, eps: float = 1e-8) -> None:
        groups = _param_groups(optimizer, "ReduceLROnPlateau")
        checks = [("mode", mode, mode in ("min", "max"), "use 'min' (a loss) or 'max' (an accuracy)"),
                  ("threshold_mode", threshold_mode, threshold_mode in ("rel", "abs"), "use 'rel' or 'abs'"),
                  ("factor", factor, 0 <= factor < 1, "it must be in [0, 1) (e.g. 0.1)"),
                  ("patience", patience, isinstance(patience, int) and patience >= 0, "it must be an int >= 0"),
                  ("cooldown", cooldown, isinstance(cooldown, int) and cooldown >= 0, "it must be an int >= 0"),
                  ("threshold", threshold, threshold >= 0, "it must be >= 0")]
        for name, value, ok, rule in checks:
            if not ok:
                raise ValueError(f"ReduceLROnPlateau: invalid {name}={value!r}; {rule}.")
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * len(groups)
        if len(min_lrs) != len(groups):
            raise ValueError(f"ReduceLROnPlateau: min_lr has {len(min_lrs)} values for {len(groups)} parameter "
                             f"groups; give one per group or a single number.")
        self.optimizer = optimizer
        self.mode, self.factor, self.patience, self.cooldown = mode, factor, patience, cooldown
        self.threshold, self.threshold_mode, self.min_lrs, self.eps = threshold, threshold_mode, min_lrs, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [g["lr"] for g in groups]

    def is_better(self, metric: float) -> bool:
        """Whether ``metric`` beats the best so far by more than the threshold."""
        if self.mode == "min":
            return metric < (self.best * (1 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold)
        return metric > (self.best * (1 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold)

    def step(self, metric: float) -> None:
        """Record this epoch's ``metric`` (e.g. validation loss) and reduce lr if it has plateaued."""
        metric = float(metric)
        self.last_epoch += 1
        if self.is_better(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]
