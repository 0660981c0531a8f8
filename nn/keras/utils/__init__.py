"""``keras.utils``: ``to_categorical``, ``normalize``, ``pad_sequences``, ``set_random_seed`` (nn.utils), ``plot_model`` (nn.model_plot),
``Sequence`` and ``PyDataset`` (nn.fit_data); ``np_utils`` is to_categorical's old module path."""
from nn.fit_data import PyDataset, Sequence
from nn.model_plot import model_to_dot, plot_model
from nn.saving import get_registered_name, register_keras_serializable
from nn.utils import normalize, pad_sequences, set_random_seed, to_categorical

from . import np_utils

__all__ = ["to_categorical", "normalize", "pad_sequences", "set_random_seed", "register_keras_serializable",
           "get_registered_name", "plot_model", "model_to_dot", "np_utils", "Sequence", "PyDataset"]
