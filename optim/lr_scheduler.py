"""Learning-rate schedulers: change ``optimizer.param_groups[i]["lr"]`` once per epoch (or batch), PyTorch's API.

Each scheduler but ReduceLROnPlateau computes the lr of epoch e in closed form from the group's
``initial_lr`` (set from its lr by the first scheduler made on the optimizer, as in PyTorch), so a
schedule restarts cleanly from its state_dict and sets each group's lr outright on every ``step()``.
Making a scheduler applies its epoch-0 value (``LinearLR`` starts at start_factor·lr at once, as in
PyTorch); ``step()`` advances one epoch. ``ReduceLROnPlateau`` instead watches a metric passed to
``step(metric)``. ``SequentialLR`` runs schedulers one after another, each restarting at its epoch 0.
"""
from __future__ import annotations

import bisect
import math
from typing import Any, Callable, Sequence

from .optimizer import Optimizer


def _param_groups(optimizer: Optimizer, owner: str) -> list[dict[str, Any]]:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: expected an optim.Optimizer, got {type(optimizer).__name__}.")
    if not optimizer.param_groups:
        raise RuntimeError(f"{owner}: the optimizer has no parameters yet; bind it (optimizer.bind(params), "
                           f"or model.compile) before making a schedule for it.")
    return optimizer.param_groups


def _per_group(owner: str, name: str, value: Any, groups: list) -> list:
    """``value`` for each group: a list/tuple of one per group, or one value for all."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(groups):
            raise ValueError(f"{owner}: {name} has {len(value)} values for {len(groups)} parameter groups; give "
                             f"one per group or a single value.")
        return list(value)
    return [value] * len(groups)


class _Schedule:
    """What every scheduler shares: the last lrs it set, and its counters as a state_dict."""

    optimizer: Optimizer
    _last_lr: list[float]

    def get_last_lr(self) -> list[float]:
        """The lr of each group as last set by this scheduler."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer and functions (counters, base lrs, best metric), copied."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items()
                if k not in ("optimizer", "lr_lambdas", "_schedulers")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue the schedule saved by :meth:`state_dict` (load the optimizer's own state too)."""
        self.__dict__.update({k: (list(v) if isinstance(v, list) else v) for k, v in state_dict.items()})


class LRScheduler(_Schedule):
    """Base: ``lr_at(base_lr, epoch)`` in closed form; ``step()`` advances one epoch and sets every group.

    ``last_epoch=-1`` (the default) starts a schedule; another value resumes one at ``last_epoch + 1``,
    which needs the groups' ``initial_lr`` (PyTorch's convention).
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        groups = _param_groups(optimizer, name)
        if last_epoch == -1:
            for group in groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(groups):
                if "initial_lr" not in group:
                    raise ValueError(f"{name}: last_epoch={last_epoch} resumes a schedule, but param_groups[{i}] "
                                     f"has no 'initial_lr'; start with last_epoch=-1, or load the optimizer's "
                                     f"state_dict saved with its scheduler first.")
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in groups]
        self.last_epoch = last_epoch + 1
        self._apply(self.last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:  # pragma: no cover - abstract
        """The lr at ``epoch`` of a group whose initial lr is ``base_lr``."""
        raise NotImplementedError

    def lrs_at(self, epoch: int) -> list[float]:
        """Every group's lr at ``epoch``."""
        return [self.lr_at(base, epoch) for base in self.base_lrs]

    def _apply(self, epoch: int) -> None:
        """Set every group's lr to its value at ``epoch``."""
        self._last_lr = self.lrs_at(epoch)
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def step(self) -> None:
        """End of an epoch: set each group's lr to the schedule's value for the next one."""
        self.last_epoch += 1
        self._apply(self.last_epoch)


class StepLR(LRScheduler):
    """Multiply lr by γ every ``step_size`` epochs: η_e = η₀ · γ^⌊e / step_size⌋."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        if not (isinstance(step_size, int) and step_size >= 1):
            raise ValueError(f"StepLR: invalid step_size={step_size!r}; it must be a whole number of epochs >= 1.")
        if not gamma > 0:
            raise ValueError(f"StepLR: invalid gamma={gamma!r}; it must be > 0 (e.g. 0.1).")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    """Multiply lr by γ at each milestone: η_e = η₀ · γ^(number of milestones ≤ e) (a repeated milestone counts twice)."""

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        milestones = list(milestones)
        if not all(isinstance(m, int) and not isinstance(m, bool) for m in milestones):
            raise ValueError(f"MultiStepLR: invalid milestones={milestones!r}; give whole epoch numbers.")
        if not gamma > 0:
            raise ValueError(f"MultiStepLR: invalid gamma={gamma!r}; it must be > 0 (e.g. 0.1).")
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)


class ExponentialLR(LRScheduler):
    """Multiply lr by γ every epoch: η_e = η₀ · γ^e."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        if not gamma > 0:
            raise ValueError(f"ExponentialLR: invalid gamma={gamma!r}; it must be > 0 (e.g. 0.95).")
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from η₀ down to η_min over T_max epochs: η_e = η_min + (η₀ - η_min)(1 + cos(π e / T_max)) / 2.

    Past T_max the cosine continues (lr rises again), as in PyTorch.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if not (isinstance(T_max, int) and T_max >= 1):
            raise ValueError(f"CosineAnnealingLR: invalid T_max={T_max!r}; it must be a whole number of epochs >= 1.")
        if not eta_min >= 0:
            raise ValueError(f"CosineAnnealingLR: invalid eta_min={eta_min!r}; it must be >= 0.")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class LambdaLR(LRScheduler):
    """η_e = η₀ · λ(e), with ``lr_lambda`` one function for every group or a list of one per group."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        groups = _param_groups(optimizer, "LambdaLR")
        if isinstance(lr_lambda, (list, tuple)) and len(lr_lambda) != len(groups):
            raise ValueError(f"LambdaLR: expected {len(groups)} lr_lambdas (one per parameter group), got "
                             f"{len(lr_lambda)}.")
        self.lr_lambdas = _per_group("LambdaLR", "lr_lambda", lr_lambda, groups)
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch, got {type(f).__name__}.")
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, epoch: int) -> list[float]:
        return [base * f(epoch) for base, f in zip(self.base_lrs, self.lr_lambdas)]


class LinearLR(LRScheduler):
    """Scale lr linearly from start_factor·η₀ to end_factor·η₀ over ``total_iters`` epochs, then hold::

        η_e = η₀ · (start + (end - start) · min(e, total_iters) / total_iters)
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: invalid start_factor={start_factor!r}; it must be in (0, 1].")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: invalid end_factor={end_factor!r}; it must be in [0, 1].")
        if not (isinstance(total_iters, int) and total_iters >= 1):
            raise ValueError(f"LinearLR: invalid total_iters={total_iters!r}; it must be a whole number >= 1.")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        fraction = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * fraction)


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2018), stepped once per batch: lr rises from max_lr/div_factor to
    max_lr over the first ``pct_start`` of ``total_steps``, then anneals to initial_lr/final_div_factor
    (with ``three_phase``: back to the initial lr first, then down). Momentum (SGD's ``momentum``,
    Adam's β₁) moves the opposite way between max_momentum and base_momentum when ``cycle_momentum``.

    Each phase anneals from a to b by 'cos': b + (a - b)(1 + cos(π p))/2, or 'linear': a + (b - a) p, with p
    the fraction of the phase done; the phases end at steps pct_start·total - 1 (and 2·pct_start·total - 2)
    and total - 1. Stepping more than ``total_steps`` times is an error, as in PyTorch.
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float], total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85, max_momentum: float | Sequence[float] = 0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        groups = _param_groups(optimizer, "OneCycleLR")
        if total_steps is not None:
            if not (isinstance(total_steps, int) and total_steps > 0):
                raise ValueError(f"OneCycleLR: invalid total_steps={total_steps!r}; it must be a whole number > 0.")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not (isinstance(value, int) and value > 0):
                    raise ValueError(f"OneCycleLR: invalid {name}={value!r}; it must be a whole number > 0.")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch (total_steps = their product).")
        if not (isinstance(pct_start, float) and 0 <= pct_start <= 1):
            raise ValueError(f"OneCycleLR: invalid pct_start={pct_start!r}; it must be a float in [0, 1].")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: invalid anneal_strategy={anneal_strategy!r}; use 'cos' or 'linear'.")
        self.anneal_strategy, self.cycle_momentum = anneal_strategy, cycle_momentum
        up = float(pct_start * self.total_steps) - 1
        if three_phase:
            self.phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr", "base_momentum",
                            "max_momentum"),
                           (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        else:
            self.phases = [(up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                           (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
        if last_epoch == -1:
            for group, top in zip(groups, _per_group("OneCycleLR", "max_lr", max_lr, groups)):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.use_beta1 = "betas" in optimizer.defaults
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and not self.use_beta1:
                raise ValueError(f"OneCycleLR: cycle_momentum=True needs an optimizer with momentum or betas "
                                 f"({type(optimizer).__name__} has neither); pass cycle_momentum=False.")
            if last_epoch == -1:
                tops = _per_group("OneCycleLR", "max_momentum", max_momentum, groups)
                bases = _per_group("OneCycleLR", "base_momentum", base_momentum, groups)
                for group, top, base in zip(groups, tops, bases):
                    group["max_momentum"], group["base_momentum"] = top, base
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, fraction: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)
        return (end - start) * fraction + start

    def _at(self, group: dict[str, Any], step: int) -> tuple[float, float | None]:
        """(lr, momentum) of ``group`` at ``step``."""
        start_step = 0.0
        for i, (end_step, lr_from, lr_to, m_from, m_to) in enumerate(self.phases):
            if step <= end_step or i == len(self.phases) - 1:
                fraction = (step - start_step) / (end_step - start_step)
                momentum = self._anneal(group[m_from], group[m_to], fraction) if self.cycle_momentum else None
                return self._anneal(group[lr_from], group[lr_to], fraction), momentum
            start_step = end_step
        raise AssertionError("unreachable: the last phase always answers")  # pragma: no cover

    def _check_step(self, step: int) -> None:
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times; the schedule has total_steps="
                             f"{self.total_steps}. Make it with the number of batches you train on.")

    def lrs_at(self, epoch: int) -> list[float]:
        self._check_step(epoch)
        return [self._at(group, epoch)[0] for group in self.optimizer.param_groups]

    def _apply(self, epoch: int) -> None:
        super()._apply(epoch)
        if self.cycle_momentum:
            for group in self.optimizer.param_groups:
                momentum = self._at(group, epoch)[1]
                if self.use_beta1:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another: ``schedulers[i]`` from epoch ``milestones[i-1]``, each starting
    again at its own epoch 0 (PyTorch's semantics)."""

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int],
                 last_epoch: int = -1) -> None:
        schedulers, milestones = list(schedulers), list(milestones)
        if not schedulers:
            raise ValueError("SequentialLR: give at least one scheduler.")
        for i, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(f"SequentialLR: schedulers[{i}] is a {type(scheduler).__name__}; only epoch "
                                f"schedulers chain (ReduceLROnPlateau watches a metric and cannot).")
            if scheduler.optimizer is not optimizer:
                raise ValueError(f"SequentialLR: schedulers[{i}] belongs to another optimizer than the one given.")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} milestones, got "
                             f"{len(milestones)}.")
        self._schedulers, self._milestones = schedulers, milestones
        for group in optimizer.param_groups:       # undo what making the schedulers set
            group["lr"] = group.get("initial_lr", group["lr"])
        super().__init__(optimizer, last_epoch)

    def _current(self, epoch: int) -> tuple[LRScheduler, int]:
        """The scheduler that runs at ``epoch`` and its own epoch count."""
        i = bisect.bisect_right(self._milestones, epoch)
        return self._schedulers[i], epoch - (self._milestones[i - 1] if i else 0)

    def lrs_at(self, epoch: int) -> list[float]:
        scheduler, local = self._current(epoch)
        return scheduler.lrs_at(local)

    def _apply(self, epoch: int) -> None:
        scheduler, local = self._current(epoch)
        scheduler.last_epoch = local
        scheduler._apply(local)
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Its own counters and each scheduler's state_dict."""
        return {**super().state_dict(), "_schedulers": [s.state_dict() for s in self._schedulers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        for scheduler, saved in zip(self._schedulers, state_dict.pop("_schedulers", [])):
            scheduler.load_state_dict(saved)
        super().load_state_dict(state_dict)


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
