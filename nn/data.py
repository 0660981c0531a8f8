"""``nn.data`` is ``tensorgrad.utils.data`` (PyTorch's ``torch.utils.data``): Dataset, TensorDataset, Subset,
random_split, samplers and the DataLoader, including tensorgrad's array form ``DataLoader(x, y, batch_size=32)``."""
from tensorgrad.utils.data import *  # noqa: F401,F403
from tensorgrad.utils.data import __all__  # noqa: F401

from typing import Any  # noqa: E402 - below the re-export, which must stay whole

from tensorgrad.utils import data as _data  # noqa: E402

_TF_DATA = {"AUTOTUNE", "experimental", "Options", "TFRecordDataset", "TextLineDataset"}


def _tf_data_error(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"tf.data.{name} is not supported by nn (no tf.data pipelines). Pass numpy arrays to model.fit(x, y, "
        f"batch_size=..., shuffle=True), or batch them with nn.DataLoader(x, y, batch_size=32, shuffle=True).")


class _DatasetType(type):
    """``tf.data.Dataset.from_tensor_slices(...)`` (and the other tf.data constructors) under ``import nn
    as tf`` is a clear error; the class itself is PyTorch's Dataset, to subclass as usual."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("from_") or name in ("range", "zip", "list_files", "sample_from_datasets"):
            raise _tf_data_error(f"Dataset.{name}")
        raise AttributeError(f"type object '{cls.__name__}' has no attribute '{name}'")


class Dataset(_data.Dataset, metaclass=_DatasetType):  # noqa: F811 - PyTorch's Dataset, with tf.data's error
    __doc__ = _data.Dataset.__doc__


def __getattr__(name: str) -> Any:
    """``tf.data.*`` under ``import nn as tf`` is out of scope: say so and name the replacement."""
    if name in _TF_DATA:
        raise _tf_data_error(name)
    raise AttributeError(f"module 'nn.data' has no attribute '{name}'")
