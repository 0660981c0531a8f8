"""nn.keras: the Keras namespace the lecture notes import from, over nn and optim (re-exports only).

Change only the import lines of a notes program:

    from tensorflow import keras          ->  from nn import keras
    import tensorflow as tf               ->  import nn as tf          (tf.keras.layers.Dense(1) works)
    import keras                          ->  from nn import keras
    from keras.models import Sequential   ->  from nn.keras.models import Sequential
    from keras.layers.core import Dense   ->  from nn.keras.layers.core import Dense
    from keras.utils import np_utils      ->  from nn.keras.utils import np_utils
"""
from nn.keras_variable import Variable
from nn.layers import Input
from nn.models import Model, Sequential

from . import (activations, backend, callbacks, constraints, datasets, initializers, layers, losses, metrics, models,
               ops, optimizers, regularizers, saving, utils)
from .version import __version__

__all__ = ["Input", "Model", "Sequential", "Variable", "activations", "backend", "callbacks", "constraints", "datasets", "initializers",
           "layers", "losses", "metrics", "models", "ops", "optimizers", "regularizers", "saving", "utils", "__version__"]
