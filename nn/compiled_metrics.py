"""What ``compile`` makes of ``metrics=[...]`` and ``weighted_metrics=[...]``: Keras 2's
``model.compiled_metrics``, a list of metric objects (one list per output for a model with several
outputs, named ``<output>_<metric>``), plus the running means of the loss ('loss', '<output>_loss').

``metrics`` get no sample weights, ``weighted_metrics`` get the sample and class weights (Keras's
split); a weighted metric whose name is taken is renamed ``weighted_<name>``; two metrics of one name
are an error. As Keras 2.15, ``model.metrics`` lists the 'loss' Mean once a loss has been computed and
the compiled metrics once they have seen a batch (so it is empty between compile and the first fit)."""
from __future__ import annotations

import copy
from typing import Any, Callable, Sequence

import numpy as np

import tensorgrad as tg

from .metric_base import Mean, Metric, to_numpy


def by_output(spec: Sequence[Any] | dict | None, names: Sequence[str], make: Callable[[Any], Metric],
              arg: str = "metrics") -> list[list[Metric]]:
    """Keras 2.15's reading of ``compile(metrics=...)`` for a model with outputs ``names``: a flat list
    applies to every output (each gets its own copy of a metric object); a dict gives each output name
    its metric or list of metrics; a list holding lists gives one entry per output, in order."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ValueError(f"compile: {arg} is a dict with keys {unknown} that name no output; the model's "
                             f"outputs are {list(names)}.")
        entries = [spec.get(name) for name in names]
    elif spec and any(isinstance(item, (list, tuple, dict)) for item in spec):
        entries = list(spec)
        if len(entries) != len(names):
            raise ValueError(f"compile: {arg} has {len(entries)} per-output entries but the model has "
                             f"{len(names)} outputs {list(names)}; give one list of metrics per output.")
    elif len(names) > 1:     # broadcast: every output its own objects (Keras copies a metric object per output)
        return [[_fresh_copy(make(item)) for item in spec or []] for _ in names]
    else:
        return [[make(item) for item in spec or []]]
    return [[make(item) for item in ([] if entry is None else entry if isinstance(entry, (list, tuple))
                                     else [entry])] for entry in entries]


def _fresh_copy(metric: Metric) -> Metric:
    """A copy of a metric object with its own, empty state (Keras's copy for each output)."""
    copied = copy.deepcopy(metric)
    copied.reset_state()
    return copied


def _name_metrics(per_output: list[tuple[list[Metric], list[Metric]]], output_names: Sequence[str]) -> None:
    """Keras 2.15's names: with several outputs each metric is prefixed ``<output>_``; a weighted metric
    whose name is taken becomes ``weighted_<name>`` (``<output>_weighted_<name>``); names are unique."""
    names: set[str] = {"loss"}
    prefixes = [f"{name}_" for name in output_names] if len(output_names) > 1 else [""] * len(per_output)

    def claim(metric: Metric) -> None:
        if metric.name in names:
            raise ValueError(f"Found two metrics with the same name: {metric.name!r}. All the metrics added to the "
                             f"model need to have unique names; give one a name=.")
        names.add(metric.name)

    for prefix, (metrics, weighted) in zip(prefixes, per_output):
        for metric in metrics:
            metric._name = prefix + metric.name
            claim(metric)
        for metric in weighted:
            metric._name = prefix + ("weighted_" if prefix + metric.name in names else "") + metric.name
            claim(metric)


class CompiledMetrics:
    """The compiled metric objects of a model, its 'loss' tracker (a ``Mean`` weighted by batch size)
    and, with several outputs, one ``<output>_loss`` tracker per output that has a loss (Keras 2.15).

    ``metrics`` and ``weighted_metrics`` are lists of metric objects, or with ``output_names`` of two
    or more outputs, one such list per output (see :func:`by_output`)."""

    def __init__(self, metrics: Sequence[Any], weighted_metrics: Sequence[Any], dtype: Any = None,
                 output_names: Sequence[str] = ()) -> None:
        several = len(output_names) > 1
        self.output_names = list(output_names)
        self.per_output = list(zip(metrics, weighted_metrics)) if several else [(list(metrics), list(weighted_metrics))]
        ordered = [m for unweighted, weighted in self.per_output for m in (*unweighted, *weighted)]
        if len({id(m) for m in ordered}) < len(ordered):
            raise ValueError("compile: one metric object is given twice; each entry of metrics and "
                             "weighted_metrics needs its own object (they keep separate states).")
        _name_metrics(self.per_output, self.output_names)
        self.ordered = ordered      # Keras's order: each output's metrics, then its weighted metrics
        self.loss_tracker = Mean(name="loss", dtype=dtype)
        self.output_loss_trackers: list[Mean | None] = []
        self.dtype = dtype
        self.loss_built = False
        self.built = False

    def track_output_losses(self, has_loss: Sequence[bool]) -> None:
        """One ``<output>_loss`` Mean per output with a loss, for a model with several outputs (Keras
        logs each output's unweighted loss beside the total)."""
        if len(has_loss) > 1:
            names = self.output_names or [f"output_{i + 1}" for i in range(len(has_loss))]
            self.output_loss_trackers = [Mean(name=f"{name}_loss", dtype=self.dtype) if present else None
                                         for name, present in zip(names, has_loss)]

    @property
    def metrics(self) -> list[Metric]:
        """The metric objects as Keras 2.15 lists them: 'loss' and the per-output losses once computed,
        the others once updated."""
        losses = [self.loss_tracker, *(m for m in self.output_loss_trackers if m is not None)]
        return [*(losses if self.loss_built else []), *(self.ordered if self.built else [])]

    @property
    def all_metrics(self) -> list[Metric]:
        """Every metric object, built or not (fit and evaluate reset them all)."""
        return [self.loss_tracker, *(m for m in self.output_loss_trackers if m is not None), *self.ordered]

    def update_loss(self, value: float, samples: int, per_output: Sequence[float | None] = ()) -> None:
        """Add a batch's loss (and each output's), weighted by its number of samples (Keras's compiled
        loss trackers)."""
        self.loss_tracker.update_state(value, sample_weight=samples)
        for tracker, output_value in zip(self.output_loss_trackers, per_output):
            if tracker is not None and output_value is not None:
                tracker.update_state(output_value, sample_weight=samples)
        self.loss_built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add a batch to every compiled metric (Keras 2's ``compiled_metrics.update_state``): 1-D targets
        beside 2-D predictions become (n, 1) first, as Keras's compiled metrics do. With several outputs
        ``y_true`` and ``y_pred`` hold one array per output."""
        if not self.ordered:
            return
        if len(self.per_output) > 1:
            if not isinstance(y_pred, (list, tuple)) or not isinstance(y_true, (list, tuple)) \
                    or not len(y_true) == len(y_pred) == len(self.per_output):
                raise ValueError(f"compiled_metrics.update_state: the model has {len(self.per_output)} outputs; give "
                                 f"y_true and y_pred as lists of {len(self.per_output)} arrays, one per output.")
            pairs = list(zip(y_true, y_pred))
        else:
            pairs = [(y_true, y_pred)]
        from .training import keras_target        # the rank matching fit's losses use too
        weights = None if sample_weight is None else to_numpy(sample_weight)
        for (unweighted, weighted), (target, pred) in zip(self.per_output, pairs):
            pred = to_numpy(pred)
            target = keras_target(to_numpy(target), pred)
            for metric in unweighted:
                _update(metric, target, pred, None)
            for metric in weighted:
                _update(metric, target, pred, weights)
        self.built = True

    def reset_state(self) -> None:
        for metric in self.all_metrics:
            metric.reset_state()


def _update(metric: Metric, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None) -> None:
    """Metrics get Tensors (no graph), as Keras gives tensors; float targets in the predictions' dtype."""
    def tensor(a: np.ndarray) -> tg.Tensor:
        return tg.as_tensor(a, y_pred.dtype if a.dtype.kind == "f" else None)
    metric.update_state(tensor(y_true), tg.as_tensor(y_pred),
                        sample_weight=None if sample_weight is None else tensor(sample_weight))
