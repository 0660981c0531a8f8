"""optim: optimizers that update tensorgrad parameters in place, PyTorch's rules and defaults.

    >>> opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)   # PyTorch style
    >>> opt.zero_grad(); loss.backward(); opt.step()
    >>> opt = optim.SGD(lr=0.01)          # Keras style: unbound, compile() calls opt.bind(params)
    >>> opt = optim.get('adam')           # a Keras string, with Keras's defaults (eps=1e-7)

``lr_scheduler`` holds StepLR, ExponentialLR, CosineAnnealingLR and ReduceLROnPlateau.
"""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .keras_names import KERAS_OPTIMIZERS, get
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "get", "KERAS_OPTIMIZERS", "lr_scheduler"]
