"""``keras.utils.np_utils``: where Keras 2.x kept ``to_categorical`` (seed 002: ``np_utils.to_categorical``)."""
from nn.utils import to_categorical

__all__ = ["to_categorical"]
