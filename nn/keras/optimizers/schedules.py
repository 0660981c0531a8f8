"""``keras.optimizers.schedules``: learning rates as a function of the step count (``optim.keras_schedules``)."""
from optim.keras_schedules import (CosineDecay, ExponentialDecay, InverseTimeDecay, LearningRateSchedule,
                                   PiecewiseConstantDecay, PolynomialDecay, deserialize, serialize)

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "InverseTimeDecay", "CosineDecay",
           "PolynomialDecay", "serialize", "deserialize"]
