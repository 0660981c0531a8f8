"""``keras.optimizers``: optimizers with Keras's argument names and defaults (optim.keras_optimizers)."""
from optim.keras_names import get
from optim.keras_optimizers import SGD, Adagrad, Adam, RMSprop

__all__ = ["SGD", "Adagrad", "RMSprop", "Adam", "get"]
