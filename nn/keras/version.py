"""The version ``keras.__version__`` (and ``nn.__version__``, for ``import nn as tf``) reports.

This is not Keras, only its API: the string is the Keras 2 API version whose behaviour nn follows,
with tensorgrad's own version as the local label, e.g. ``2.15.0+tensorgrad.0.1.0``. So the notes'
``assert tf.__version__ >= "2.0"`` holds and ``print(keras.__version__)`` says what runs.
"""
from tensorgrad import __version__ as _tensorgrad_version

KERAS_API_VERSION = "2.15.0"
__version__ = f"{KERAS_API_VERSION}+tensorgrad.{_tensorgrad_version}"
VERSION = __version__   # tf.version.VERSION

__all__ = ["__version__", "VERSION", "KERAS_API_VERSION"]
