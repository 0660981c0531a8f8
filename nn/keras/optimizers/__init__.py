"""``keras.optimizers``: Keras's optimizer classes, rules and defaults (``optim.keras_optimizers``), their
learning-rate ``schedules``, and ``get`` for Keras's names."""
from optim.keras_names import get
from optim.keras_optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Ftrl, KerasOptimizer as Optimizer, Nadam, RMSprop

from . import schedules

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "get",
           "schedules"]
