"""The losses of a model with several outputs, as Keras's compile takes them: a list (one per output, in
order), a dict keyed by output name, or one loss for every output; ``loss_weights`` (a list or a dict,
default 1 each) weigh them, and the trained loss is Σ weightₖ · lossₖ(yₖ, predₖ)."""
from __future__ import annotations

from typing import Any, Callable, Sequence


def resolve(loss: Any, loss_object: Callable[[Any], Any]) -> Any:
    """compile's ``loss`` with every name made an object: None, one loss, or a list / dict of them."""
    if loss is None:
        return None
    if isinstance(loss, (list, tuple)):
        return [loss_object(item) for item in loss]
    if isinstance(loss, dict):
        return {name: loss_object(item) for name, item in loss.items()}
    return loss_object(loss)


def _by_output(value: Any, names: list[str], what: str) -> list[Any]:
    """A per-output list from a list (in output order) or a dict keyed by output name."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if not names or unknown:
            raise ValueError(f"compile: {what} is a dict keyed by {sorted(value)}, but the model's outputs are named "
                             f"{names or '(unknown: the model has no graph; give a list)'}.")
        return [value.get(name) for name in names]
    items = list(value)
    if names and len(items) != len(names):
        raise ValueError(f"compile: {what} has {len(items)} entries but the model has {len(names)} outputs {names}.")
    return items


class OutputLosses:
    """One compiled loss per output and their weights (an output with no loss (None) adds nothing)."""

    def __init__(self, losses: list[Any], weights: list[float]) -> None:
        self.losses, self.weights = losses, weights

    def terms(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> list[Any]:
        """Each output's loss lossₖ(yₖ, predₖ), unweighted (None for an output without a loss)."""
        if len(self.losses) == 1 and not isinstance(y_pred, (list, tuple)):    # one output, weighted
            y_true, y_pred = [y_true], [y_pred]
        if not isinstance(y_pred, (list, tuple)) or not isinstance(y_true, (list, tuple)):
            raise ValueError(f"compile: {len(self.losses)} losses (one per output) need a model with as many outputs "
                             f"and targets y as a list of as many arrays (or a dict by output name).")
        if not len(y_pred) == len(y_true) == len(self.losses):
            raise ValueError(f"fit: the model gives {len(y_pred)} outputs, y has {len(y_true)} targets and compile "
                             f"has {len(self.losses)} losses; give one of each per output.")
        return [None if loss is None else loss.batch_value(t, p, sample_weight)
                for loss, t, p in zip(self.losses, y_true, y_pred)]

    def weighted_sum(self, terms: list[Any]) -> Any:
        """Σ weightₖ · termₖ over the outputs that have a loss."""
        weighted = [weight * term for weight, term in zip(self.weights, terms) if term is not None]
        return sum(weighted[1:], weighted[0])


def per_output(loss: Any, loss_weights: Any, names: Sequence[str], compiled: Callable[[Any], Any]) -> Any:
    """An OutputLosses for a list/dict of losses or given loss_weights, or for one loss on a model with
    several outputs (Keras applies it to each); None for one unweighted loss on one output."""
    names = list(names)
    several = isinstance(loss, (list, tuple, dict)) or len(names) > 1 or loss_weights is not None
    if not several or loss is None:
        return None
    if not isinstance(loss_weights, (list, tuple, dict, type(None))):
        raise TypeError(f"compile: loss_weights must be a list (one per output) or a dict by output name, got "
                        f"{loss_weights!r}.")
    losses = _by_output(loss, names, "loss") if isinstance(loss, (list, tuple, dict)) else [loss] * len(names)
    weights = [1.0] * len(losses) if loss_weights is None else \
        [1.0 if w is None else float(w) for w in _by_output(loss_weights, names, "loss_weights")]
    if len(weights) != len(losses):
        raise ValueError(f"compile: {len(weights)} loss_weights for {len(losses)} losses; give one weight per output.")
    return OutputLosses([None if item is None else compiled(item) for item in losses], weights)
