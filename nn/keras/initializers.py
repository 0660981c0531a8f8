"""``keras.initializers``: Keras's initializer classes and their lowercase aliases (as Keras 2.15,
``initializers.glorot_uniform(seed=0)`` is the class ``GlorotUniform``), ``get``, ``serialize``,
``deserialize``. nn.init keeps the plain functions ``init(shape, rng, dtype)`` and PyTorch's in-place ones."""
from typing import Any

from nn import init as _init
from nn.keras_initializers import (CLASSES, Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity,
                                   Initializer, LecunNormal, LecunUniform, Ones, Orthogonal, RandomNormal,
                                   RandomUniform, TruncatedNormal, VarianceScaling, Zeros, deserialize, serialize)

constant, zeros, ones, identity, orthogonal = Constant, Zeros, Ones, Identity, Orthogonal
random_normal, random_uniform, truncated_normal, variance_scaling = (RandomNormal, RandomUniform, TruncatedNormal,
                                                                     VarianceScaling)
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal


def get(identifier: Any) -> Any:
    """An initializer from a Keras name ('glorot_uniform', 'GlorotUniform'), a ``{"class_name", "config"}``
    dict, or a callable (returned as it is); None stays None."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        by_plain_name = {name.lower(): cls for name, cls in CLASSES.items()}
        cls = by_plain_name.get(identifier.replace("_", "").lower())
        if cls is not None:
            return cls()
    return _init.get(identifier)


__all__ = [*CLASSES, "Initializer", "serialize", "deserialize", "get", "constant", "zeros", "ones", "identity",
           "orthogonal", "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "glorot_uniform",
           "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal"]
