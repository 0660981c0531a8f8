"""What ``compile`` makes of ``metrics=[...]`` and ``weighted_metrics=[...]``: Keras 2's
``model.compiled_metrics``, a list of metric objects, plus the running mean of the loss ('loss').

``metrics`` get no sample weights, ``weighted_metrics`` get the sample and class weights (Keras's
split); a weighted metric whose name is taken is renamed ``weighted_<name>``; two metrics of one name
are an error. As Keras 2.15, ``model.metrics`` lists the 'loss' Mean once a loss has been computed and
the compiled metrics once they have seen a batch (so it is empty between compile and the first fit)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

import tensorgrad as tg

from .metric_base import Mean, Metric, to_numpy


def _name_metrics(metrics: list[Metric], weighted: list[Metric]) -> None:
    """Keras's names: unique, a weighted metric clashing with an unweighted one prefixed ``weighted_``."""
    names: set[str] = {"loss"}
    for metric in metrics:
        if metric.name in names:
            raise ValueError(f"Found two metrics with the same name: {metric.name!r}. All the metrics added to the "
                             f"model need to have unique names; give one a name=.")
        names.add(metric.name)
    for metric in weighted:
        if metric.name in names:
            metric._name = f"weighted_{metric.name}"
        if metric.name in names:
            raise ValueError(f"Found two metrics with the same name: {metric.name!r}. All the metrics added to the "
                             f"model need to have unique names; give one a name=.")
        names.add(metric.name)


class CompiledMetrics:
    """The compiled metric objects of a model and its 'loss' tracker (a ``Mean`` weighted by batch size)."""

    def __init__(self, metrics: Sequence[Metric], weighted_metrics: Sequence[Metric], dtype: Any = None) -> None:
        self.unweighted, self.weighted = list(metrics), list(weighted_metrics)
        if len({id(m) for m in self.unweighted + self.weighted}) < len(self.unweighted) + len(self.weighted):
            raise ValueError("compile: one metric object is given twice; each entry of metrics and "
                             "weighted_metrics needs its own object (they keep separate states).")
        _name_metrics(self.unweighted, self.weighted)
        self.loss_tracker = Mean(name="loss", dtype=dtype)
        self.loss_built = False
        self.built = False

    @property
    def metrics(self) -> list[Metric]:
        """The metric objects as Keras 2.15 lists them: 'loss' once computed, the others once updated."""
        return [*([self.loss_tracker] if self.loss_built else []),
                *(self.unweighted + self.weighted if self.built else [])]

    @property
    def all_metrics(self) -> list[Metric]:
        """Every metric object, built or not (fit and evaluate reset them all)."""
        return [self.loss_tracker, *self.unweighted, *self.weighted]

    def update_loss(self, value: float, samples: int) -> None:
        """Add a batch's loss, weighted by its number of samples (Keras's compiled loss tracker)."""
        self.loss_tracker.update_state(value, sample_weight=samples)
        self.loss_built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add a batch to every compiled metric (Keras 2's ``compiled_metrics.update_state``): 1-D targets
        beside 2-D predictions become (n, 1) first, as Keras's compiled metrics do."""
        if not (self.unweighted or self.weighted):
            return
        from .training import keras_target        # the rank matching fit's losses use too
        y_pred = to_numpy(y_pred)
        y_true = keras_target(to_numpy(y_true), y_pred)
        weights = None if sample_weight is None else to_numpy(sample_weight)
        for metric in self.unweighted:
            _update(metric, y_true, y_pred, None)
        for metric in self.weighted:
            _update(metric, y_true, y_pred, weights)
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
