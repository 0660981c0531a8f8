"""Optimizer: parameter groups, lazy per-parameter state, zero_grad/step, state_dict — shared by every rule.

A subclass says three things, the way PyTorch's single-tensor functions do:

* its hyperparameters and their defaults (``super().__init__(params, dict(lr=..., momentum=...))``)
  and the checks they must pass (``_validate``);
* the state one parameter needs (``init_state``), made once, lazily, by :meth:`Optimizer.step`;
* its rule: ``update(param, grad, state, **hyperparameters)``, a plain function on numpy arrays that
  changes ``param`` and ``state`` in place and reads the hyperparameters of the parameter's group
  by name (``lr``, ``momentum``, ...).

The learning rate is ``group["lr"]`` everywhere: the constructor's ``lr=`` (or Keras's
``learning_rate=``) lands there, schedulers and ``optimizer.learning_rate`` write it, and the rule
receives it as ``lr``. Parameters may be given at construction (PyTorch) or bound later with
:meth:`Optimizer.bind` (Keras: ``compile(optimizer=optim.SGD(lr=0.01))``).
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Iterable

import numpy as np

from tensorgrad import Tensor, as_tensor, enable_grad
from tensorgrad.autograd import increment_version

ParamsLike = Iterable[Tensor] | Iterable[dict] | Tensor
Hyperparameters = dict[str, Any]


class Optimizer:
    """Base class: ``Optimizer(params, defaults)``, where ``params`` may be None.

    ``params`` is an iterable of Tensors, or of dicts ``{"params": [...], "lr": ...}`` (parameter
    groups whose own options override ``defaults``), or None for an unbound optimizer to
    :meth:`bind` later. ``param_groups[i][name]`` may be read and changed between steps (schedulers
    do); ``state[p]`` holds each parameter's buffers, in the parameter's dtype, updated in place.
    """

    def __init__(self, params: ParamsLike | None, defaults: Hyperparameters) -> None:
        if isinstance(params, (int, float)) and not isinstance(params, bool):
            raise TypeError(f"{type(self).__name__}: the first argument is the parameters, got the number "
                            f"{params!r}. Write {type(self).__name__}(lr={params!r}) (or "
                            f"learning_rate={params!r}) for an optimizer to bind later.")
        self._validate(defaults)
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        if params is not None:
            self.bind(params)

    # ------------------------------------------------------------------ the rule (subclasses)
    @staticmethod
    def init_state(param: np.ndarray, **hyperparameters: Any) -> dict[str, Any]:
        """The state a parameter starts with (its buffers, step counter); made once, at its first step."""
        return {}

    @staticmethod
    def update(param: np.ndarray, grad: np.ndarray, state: dict[str, Any],
               **hyperparameters: Any) -> None:  # pragma: no cover - abstract
        """Apply the rule to ``param`` (and ``state``) in place, with its group's hyperparameters."""
        raise NotImplementedError

    # ------------------------------------------------------------------ hyperparameters
    def _validate(self, group: Hyperparameters) -> None:
        """Raise for a bad hyperparameter of ``group``; subclasses add their rules to this one."""
        self._check_number(group, "lr")
        self._check(group, "lr", group["lr"] >= 0, "the learning rate must be >= 0")

    def _check(self, group: Hyperparameters, name: str, ok: bool, rule: str) -> None:
        """ValueError naming the optimizer, the argument and its value, with ``rule``, unless ``ok``."""
        if not ok:
            raise ValueError(f"{type(self).__name__}: invalid {name}={group[name]!r}; {rule}.")

    def _check_number(self, group: Hyperparameters, *names: str) -> None:
        """TypeError unless each named hyperparameter is a real number (a string such as "0.1" is refused)."""
        for name in names:
            value = group[name]
            if not is_real(value):
                hint = f" Write {name}={value.strip()}." if isinstance(value, str) and _parses(value) else ""
                raise TypeError(f"{type(self).__name__}: {name} must be a number, got {type(value).__name__} "
                                f"{value!r}.{hint}")

    def hyperparameters(self, group: dict[str, Any]) -> Hyperparameters:
        """The group's hyperparameters (the keys of ``defaults``) as Python numbers, as the rule gets them.

        Numpy scalars become Python floats: a float64 scalar would otherwise turn a float32 update
        into float64 arithmetic (numpy 2's promotion rules).
        """
        return {name: _plain(group[name]) for name in self.defaults}

    @property
    def learning_rate(self) -> float:
        """Keras's ``optimizer.learning_rate``: the first group's lr (the default lr while unbound)."""
        return self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"]

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        """Set the lr of every group (and the default for groups added later)."""
        self._validate({**self.defaults, "lr": value})
        self.defaults["lr"] = value
        for group in self.param_groups:
            group["lr"] = value

    # ------------------------------------------------------------------ parameters
    @property
    def is_bound(self) -> bool:
        """True once the optimizer has parameters to update."""
        return bool(self.param_groups)

    def _all_params(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def bind(self, params: ParamsLike) -> "Optimizer":
        """Attach parameters (or groups) to an optimizer made without them; returns self.

        Binding again to the very same parameters is a no-op (Keras may compile twice); binding to
        different ones is refused, since the state belongs to the first set.
        """
        groups = _as_groups(params, type(self).__name__)
        if self.param_groups:
            given = [p for g in groups for p in g["params"]]
            if [id(p) for p in given] == [id(p) for p in self._all_params()]:
                return self
            raise ValueError(f"{type(self).__name__}.bind: this optimizer is already bound to "
                             f"{len(self._all_params())} parameters; make a new optimizer for other "
                             f"parameters, or add them with add_param_group().")
        for group in groups:
            self.add_param_group(group)
        return self

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add ``{"params": [...], **options}`` (PyTorch's name); missing options come from the defaults."""
        (group,) = _as_groups([param_group], type(self).__name__)
        full = {**self.defaults, **group}
        self._validate(full)
        taken = {id(p) for p in self._all_params()}
        for p in full["params"]:
            if id(p) in taken:
                raise ValueError(f"{type(self).__name__}: a parameter of shape {p.shape} appears in more "
                                 f"than one parameter group (or twice in one); give each parameter once.")
            taken.add(id(p))
        self.param_groups.append(full)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients before the next backward: ``.grad = None``, or zeros if not set_to_none."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.grad = None if set_to_none else as_tensor(np.zeros_like(p.grad.numpy(force=True)))

    # ------------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, in place; returns ``closure()`` if given.

        ``closure`` (as in PyTorch) re-evaluates the model and returns the loss; it runs with
        gradients enabled before the update.
        """
        loss = self._run(closure)
        for group in self.param_groups:
            hyperparameters = self.hyperparameters(group)
            for p in group["params"]:
                if p.grad is not None:
                    self._update_parameter(p, self._gradient(p), hyperparameters)
        return loss

    def _run(self, closure: Callable[[], Any] | None) -> Any:
        """Refuse an unbound optimizer, then run ``closure`` with gradients enabled (None without one)."""
        if not self.param_groups:
            raise RuntimeError(f"{type(self).__name__}.step(): the optimizer has no parameters. Give them "
                               f"when making it ({type(self).__name__}(model.parameters(), ...)) or call "
                               f".bind(model.parameters()) first (model.compile does this).")
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _gradient(self, p: Tensor) -> np.ndarray:
        """``p``'s gradient as an array, checked to have ``p``'s shape."""
        grad = p.grad.numpy(force=True)
        if grad.shape != p.shape:
            raise ValueError(f"{type(self).__name__}.step(): {self._describe(p)} has a gradient of shape "
                             f"{grad.shape}; they must match.")
        return grad

    def _update_parameter(self, p: Tensor, grad: np.ndarray, hyperparameters: Hyperparameters) -> None:
        """Make ``p``'s state on its first step, check it still fits ``p``, apply the rule, bump the version."""
        param, state = p.numpy(force=True), self.state.get(p)
        if state is None:
            state = self.state[p] = self.init_state(param, **hyperparameters)
        elif state:
            self._check_state_fits(p, state)
        self.update(param, grad, state, **hyperparameters)
        increment_version(p)

    def _check_state_fits(self, p: Tensor, state: dict[str, Any]) -> None:
        """A parameter whose data was replaced by one of another shape no longer fits its buffers."""
        for name, value in state.items():
            if isinstance(value, np.ndarray) and value.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.step(): {self._describe(p)} has optimizer state {name!r} of shape "
                    f"{value.shape}: its data was replaced by one of another shape since the last step. Restart "
                    f"its state with optimizer.state.pop(param), or make a new optimizer for the new shape.")

    def _describe(self, p: Tensor) -> str:
        """'parameter 2 of param_groups[0] (shape (3, 4))': which parameter an error is about."""
        for g, group in enumerate(self.param_groups):
            for i, q in enumerate(group["params"]):
                if q is p:
                    return f"parameter {i} of param_groups[{g}] (shape {p.shape})"
        return f"a parameter of shape {p.shape}"

    # ------------------------------------------------------------------ saving
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`` as PyTorch, copied.

        Parameters are numbered in group order, so the dict can be loaded into an optimizer built
        the same way over other tensors (a reloaded model).
        """
        index = {id(p): i for i, p in enumerate(self._all_params())}
        state = {index[id(p)]: {k: _copy(v) for k, v in s.items()}
                 for p in self._all_params() if (s := self.state.get(p))}
        groups = [{**{k: v for k, v in g.items() if k != "params"}, "params": [index[id(p)] for p in g["params"]]}
                  for g in self.param_groups]
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and per-parameter state saved by :meth:`state_dict` (copied in).

        A flag the saved groups lack (one added in a later version, such as ``maximize``) takes its default.
        """
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        for i, saved in enumerate(saved_groups):
            missing = [k for k in self.defaults if k not in saved and not isinstance(self.defaults[k], bool)]
            if missing:
                raise ValueError(f"{name}.load_state_dict: saved param_groups[{i}] has no "
                                 f"{', '.join(map(repr, missing))} (it has "
                                 f"{', '.join(repr(k) for k in saved if k != 'params')}): it was saved by another "
                                 f"kind of optimizer. Load it into an optimizer of the class that saved it.")
        sizes = [len(g["params"]) for g in self.param_groups]
        saved_sizes = [len(g["params"]) for g in saved_groups]
        if sizes != saved_sizes:
            raise ValueError(f"{name}.load_state_dict: the saved optimizer has parameter groups of sizes "
                             f"{saved_sizes}, this one {sizes}; build the optimizer over the same parameters "
                             f"(and bind it) before loading.")
        params = self._all_params()
        new_state: dict[Tensor, dict[str, Any]] = {}
        for key, saved in state_dict["state"].items():
            p = params[int(key)]
            entry = {}
            for k, v in saved.items():
                if isinstance(v, np.ndarray):
                    if v.shape != p.shape:
                        raise ValueError(f"{name}.load_state_dict: state {k!r} of parameter {key} has shape "
                                         f"{v.shape}, but the parameter has shape {p.shape}.")
                    v = np.array(v, dtype=p.dtype)
                entry[k] = v
            new_state[p] = entry
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            merged = {**self.defaults, **{k: v for k, v in saved.items() if k != "params"}, "params": group["params"]}
            self._validate(merged)
            new_groups.append(merged)
        self.param_groups = new_groups
        self.state = new_state


def is_real(value: Any) -> bool:
    """A real number (Python or numpy), not a bool and not a string."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _parses(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _plain(value: Any) -> Any:
    """A Python number for a numpy scalar (each item of a tuple too); anything else as it is."""
    if type(value) in (float, int, bool):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _as_groups(params: ParamsLike, owner: str) -> list[dict[str, Any]]:
    """Normalize tensors / groups to a list of ``{"params": [Tensor, ...], **options}``; checks each."""
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, dict):
        params = [params]
    items = list(params)
    if not items:
        raise ValueError(f"{owner}: got an empty parameter list; pass model.parameters() (or a list of "
                         f"tensors made with requires_grad=True).")
    if all(isinstance(i, dict) for i in items):
        groups = [dict(g) for g in items]
    elif not any(isinstance(i, dict) for i in items):
        groups = [{"params": items}]
    else:
        raise TypeError(f"{owner}: params mixes tensors and parameter-group dicts; give one kind.")
    for g in groups:
        if "params" not in g:
            raise ValueError(f"{owner}: a parameter group needs a 'params' entry, got keys {sorted(g)}.")
        ps = [g["params"]] if isinstance(g["params"], Tensor) else list(g["params"])
        for p in ps:
            if not isinstance(p, Tensor):
                raise TypeError(f"{owner}: parameters must be tensorgrad Tensors, got {type(p).__name__}.")
            if not p.is_leaf:
                raise ValueError(f"{owner}: cannot optimize a non-leaf tensor (shape {p.shape}, made by "
                                 f"{p.grad_fn.name}); optimize the leaves it was computed from.")
            if p.dtype.kind != "f":
                raise TypeError(f"{owner}: parameters must be floating point, got dtype {p.dtype} "
                                f"(shape {p.shape}).")
        g["params"] = ps
    return groups


def pick_lr(owner: str, value: float, synonym: float | None, default: float,
            names: tuple[str, str] = ("lr", "learning_rate")) -> float:
    """The learning rate given as ``names[0]`` (``value``) or as its synonym ``names[1]``: the synonym
    when given, and then a ``value`` other than the default and different from it is an error."""
    if synonym is None:
        return value
    if value != default and value != synonym:
        raise ValueError(f"{owner}: got {names[0]}={value!r} and {names[1]}={synonym!r}; they are the same "
                         f"setting, give one of them.")
    return synonym
