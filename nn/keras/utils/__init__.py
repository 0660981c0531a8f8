"""``keras.utils``: ``to_categorical``, ``normalize``, ``pad_sequences``, ``set_random_seed`` (nn.utils);
``np_utils`` is to_categorical's old module path."""
from nn.saving import get_registered_name, register_keras_serializable
from nn.utils import normalize, pad_sequences, set_random_seed, to_categorical

from . import np_utils

__all__ = ["to_categorical", "normalize", "pad_sequences", "set_random_seed", "register_keras_serializable",
           "get_registered_name", "np_utils"]
