"""Keras's optimizer classes (``keras.optimizers.SGD(lr=0.01)``): optim's update rules with Keras's
argument names (learning_rate, beta_1, rho, epsilon) and defaults, made unbound for ``compile``.

``lr`` is Keras 2's old spelling of ``learning_rate`` (seed 001 writes ``SGD(lr=0.01)``).
"""
from __future__ import annotations

from . import adagrad, adam, rmsprop, sgd
from .optimizer import pick_lr


def _learning_rate(owner: str, learning_rate: float, lr: float | None, default: float) -> float:
    """``learning_rate``, or Keras 2's old ``lr`` when given."""
    return pick_lr(owner, learning_rate, lr, default, names=("learning_rate", "lr"))


class SGD(sgd.SGD):
    """Keras's SGD: ``SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, *,
                 lr: float | None = None) -> None:
        super().__init__(None, lr=_learning_rate("SGD", learning_rate, lr, 0.01), momentum=momentum,
                         nesterov=nesterov)


class Adam(adam.Adam):
    """Keras's Adam: ``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)``."""

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, *, lr: float | None = None) -> None:
        super().__init__(None, lr=_learning_rate("Adam", learning_rate, lr, 0.001), betas=(beta_1, beta_2),
                         eps=epsilon, amsgrad=amsgrad)


class RMSprop(rmsprop.RMSprop):
    """Keras's RMSprop: ``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)``."""

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, *, lr: float | None = None) -> None:
        super().__init__(None, lr=_learning_rate("RMSprop", learning_rate, lr, 0.001), alpha=rho, eps=epsilon,
                         momentum=momentum, centered=centered)


class Adagrad(adagrad.Adagrad):
    """Keras's Adagrad: ``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``."""

    def __init__(self, learning_rate: float = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 *, lr: float | None = None) -> None:
        super().__init__(None, lr=_learning_rate("Adagrad", learning_rate, lr, 0.001),
                         initial_accumulator_value=initial_accumulator_value, eps=epsilon)


__all__ = ["SGD", "Adam", "RMSprop", "Adagrad"]
