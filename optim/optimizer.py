"""Optimizer: parameter groups, lazy per-parameter state, zero_grad/step, state_dict — shared by every rule.

A subclass only validates its hyperparameters (``_validate``), reads them once per group and step
(``_options``) and writes its update rule (``_update``) on numpy arrays, in place. Parameters may be
given at construction (PyTorch) or bound later with :meth:`Optimizer.bind` (Keras:
``compile(optimizer=optim.SGD(lr=0.01))``).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from tensorgrad import Tensor, as_tensor, enable_grad
from tensorgrad.autograd import increment_version

from tensorgrad._blas import axpy
from tensorgrad.aligned import aligned_copy, aligned_empty

ParamsLike = Iterable[Tensor] | Iterable[dict] | Tensor


def add_scaled(target: np.ndarray, x: np.ndarray, alpha: float, work: np.ndarray) -> None:
    """``target += alpha * x`` in place: one BLAS axpy pass where it applies, else numpy through ``work``
    (which may be ``x`` itself, never ``target``)."""
    if not axpy(target, x, alpha):
        np.multiply(x, alpha, out=work)
        np.add(target, work, out=target)


class Optimizer:
    """Base class: ``Optimizer(params, defaults)``, where ``params`` may be None.

    ``params`` is an iterable of Tensors, or of dicts ``{"params": [...], "lr": ...}`` (parameter
    groups whose own options override ``defaults``), or None for an unbound optimizer to
    :meth:`bind` later. ``param_groups[i]["lr"]`` may be changed between steps (schedulers do).
    State is created lazily per parameter, in the parameter's dtype, and updated in place.
    """

    def __init__(self, params: ParamsLike | None, defaults: dict[str, Any]) -> None:
        if isinstance(params, (int, float)) and not isinstance(params, bool):
            raise TypeError(f"{type(self).__name__}: the first argument is the parameters, got the number "
                            f"{params!r}. Write {type(self).__name__}(lr={params!r}) (or "
                            f"learning_rate={params!r}) for an optimizer to bind later.")
        self._validate(defaults)
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        self._work: dict[tuple, np.ndarray] = {}   # scratch arrays by (shape, dtype, slot); never saved
        self._works: dict[Tensor, tuple[np.ndarray, np.ndarray]] = {}   # each parameter's slot-1 scratch
        if params is not None:
            self.bind(params)

    # ------------------------------------------------------------------ hyperparameters
    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError for a bad hyperparameter of ``group``; subclasses list their rules."""
        self._check(group, "lr", group["lr"] >= 0, "the learning rate must be >= 0")

    def _check(self, group: dict[str, Any], name: str, ok: bool, rule: str) -> None:
        if not ok:
            raise ValueError(f"{type(self).__name__}: invalid {name}={group[name]!r}; {rule}.")

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

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add ``{"params": [...], **options}``; missing options come from the defaults."""
        (group,) = _as_groups([group], type(self).__name__)
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
                    p.grad = None if set_to_none else as_tensor(np.zeros_like(p.grad.data))

    # ------------------------------------------------------------------ the step
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, in place; returns ``closure()`` if given.

        ``closure`` (as in PyTorch) re-evaluates the model and returns the loss; it runs with
        gradients enabled before the update.
        """
        if not self.param_groups:
            raise RuntimeError(f"{type(self).__name__}.step(): the optimizer has no parameters. Give them "
                               f"when making it ({type(self).__name__}(model.parameters(), ...)) or call "
                               f".bind(model.parameters()) first (model.compile does this).")
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        states, works = self.state, self._works
        for group in self.param_groups:
            options = self._options(group)
            descent = self._plain_descent(options)
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                param, grad = p.data, grad.data
                if grad.shape != param.shape:
                    raise ValueError(f"{type(self).__name__}.step(): a parameter of shape {p.shape} has a "
                                     f"gradient of shape {grad.shape}; they must match.")
                state = states.get(p)
                if state is None:
                    state = states[p] = {}
                work = works.get(p)     # (the data array, its scratch): made again if p.data was replaced
                if work is None or work[0] is not param:
                    work = works[p] = (param, self._scratch(param, 1))
                if descent is None:
                    self._update(param, grad, state, options, work[1])
                else:
                    add_scaled(param, grad, descent, work[1])
                increment_version(p)
        return loss

    def _options(self, group: dict[str, Any]) -> Any:
        """What ``_update`` needs of ``group``'s hyperparameters, worked out once per group and step
        rather than once per parameter (the base class passes the group itself)."""
        return group

    def _plain_descent(self, options: Any) -> float | None:
        """-η when, for a group with these ``options``, the rule is plain gradient descent θ ← θ - η g
        (no state): then ``step`` applies it itself, without a call to ``_update`` per parameter."""
        return None

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], options: Any,
                work: np.ndarray) -> None:  # pragma: no cover - abstract
        """Apply the rule to ``param`` in place (``state`` starts empty for a new parameter);
        ``options`` is what :meth:`_options` made of the parameter's group, and ``work`` a scratch
        array of the parameter's shape and dtype (shared between parameters, never saved)."""
        raise NotImplementedError

    def _scratch(self, like: np.ndarray, slot: int) -> np.ndarray:
        """A reusable work array of ``like``'s shape and dtype (shared across parameters, not saved)."""
        work = self._work.get((like.shape, like.dtype, slot))
        if work is None:
            work = self._work[like.shape, like.dtype, slot] = aligned_empty(like.shape, like.dtype)
        return work

    def _decayed_grad(self, param: np.ndarray, grad: np.ndarray, weight_decay: float) -> np.ndarray:
        """``g + λ·θ`` (L2 weight decay folded into the gradient) in scratch slot 0; ``g`` if λ = 0."""
        if not weight_decay:
            return grad
        g = self._scratch(param, 0)
        np.multiply(param, weight_decay, out=g)
        np.add(g, grad, out=g)
        return g

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
        """Restore hyperparameters and per-parameter state saved by :meth:`state_dict` (copied in)."""
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
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
                    v = aligned_copy(v, p.dtype)
                entry[k] = v
            new_state[p] = entry
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            merged = {**{k: v for k, v in saved.items() if k != "params"}, "params": group["params"]}
            self._validate(merged)
            new_groups.append(merged)
        self.param_groups = new_groups
        self.state = new_state


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
