"""``keras.losses``: the loss classes under Keras's names, and ``get``.

Unlike Keras, a loss object is called ``loss(y_pred, y_true)`` (nn's PyTorch order); inside
``compile(loss=...)``, where Keras programs use them, the order does not show.
"""
from nn.losses import BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, get
from nn.losses import HuberLoss as Huber
from nn.losses import L1Loss as MeanAbsoluteError
from nn.losses import MSELoss as MeanSquaredError

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
           "MeanAbsoluteError", "Huber", "get"]
