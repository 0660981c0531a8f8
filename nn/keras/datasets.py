"""``keras.datasets``: ``mnist.load_data()`` and ``fashion_mnist.load_data()`` (nn.datasets)."""
from nn.datasets import fashion_mnist, mnist

__all__ = ["mnist", "fashion_mnist"]
