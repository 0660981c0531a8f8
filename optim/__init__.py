"""optim: optimizers that update tensorgrad parameters in place.

    >>> opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)   # PyTorch style and rule
    >>> opt.zero_grad(); loss.backward(); opt.step()
    >>> opt = optim.SGD(lr=0.01)          # unbound: compile() calls opt.bind(params)
    >>> opt = optim.get('adam')           # a Keras string: Keras's class, rule and defaults

The classes here (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta) follow PyTorch's rules and defaults; the Keras
classes (``optim.keras_optimizers``, reachable as ``nn.keras.optimizers``) follow Keras's.
``lr_scheduler`` holds PyTorch's learning-rate schedulers (StepLR, MultiStepLR, ExponentialLR,
CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR, SequentialLR, ReduceLROnPlateau).
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .keras_names import KERAS_OPTIMIZERS, get
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "get", "KERAS_OPTIMIZERS", "lr_scheduler"]
