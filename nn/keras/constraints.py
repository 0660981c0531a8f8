"""``keras.constraints``: MaxNorm, MinMaxNorm, UnitNorm, NonNeg (and their aliases, get) from nn.constraints."""
from nn.constraints import (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm, get, max_norm, min_max_norm, non_neg,
                            serialize, unit_norm)

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "UnitNorm", "NonNeg", "max_norm", "min_max_norm", "unit_norm",
           "non_neg", "get", "serialize"]
