"""The version ``keras.__version__`` reports: tensorgrad's own (this is not Keras, only its API)."""
from tensorgrad import __version__

__all__ = ["__version__"]
