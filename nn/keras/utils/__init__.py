"""``keras.utils``: ``to_categorical`` (nn.utils); ``np_utils`` is its old module path (seed 002)."""
from nn.utils import to_categorical

from . import np_utils

__all__ = ["to_categorical", "np_utils"]
