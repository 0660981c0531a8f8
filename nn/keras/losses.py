"""``keras.losses``: the loss classes under Keras's names, and ``get``.

Unlike Keras, a loss object is called ``loss(y_pred, y_true)`` (nn's PyTorch order); inside
``compile(loss=...)``, where Keras programs use them, the order does not show.
"""
from nn.losses import (BinaryCrossentropy, CategoricalCrossentropy, Huber, MeanAbsoluteError, MeanSquaredError,
                       SparseCategoricalCrossentropy, get)

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
           "MeanAbsoluteError", "Huber", "get"]
