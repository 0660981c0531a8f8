"""``keras.backend``: ``clear_session()`` restarts the default layer names (nn.module)."""
from nn.module import clear_session

__all__ = ["clear_session"]
