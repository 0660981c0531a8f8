"""Running the notebooks under pytest (``pytest --nbmake notebooks``, part of ``make test``).

The Fashion-MNIST notebooks are skipped when the data package is not installed (a notebook never
downloads). Their kernels get one BLAS thread: on a busy 2-core machine OpenBLAS's threads fight
over the cores and a small model trains up to 30 times slower (measured: one epoch of 5,000 images,
30 s with the default threads against 1 s with one, under a load average of 16).
"""
import os
from pathlib import Path

import pytest

from nn.datasets import IDX_FILES, fashion_mnist

NEEDS_FASHION_MNIST = {"02_fashion_mnist_keras.ipynb", "03_fashion_mnist_pytorch_loop.ipynb"}


def fashion_mnist_present() -> bool:
    return any(d is not None and all((d / f).is_file() for f in IDX_FILES) for d, _ in fashion_mnist.search_dirs())


def pytest_collection_modifyitems(config, items):
    if fashion_mnist_present():
        return
    skip = pytest.mark.skip(reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); "
                                   "notebooks never download")
    for item in items:
        if Path(str(item.fspath)).name in NEEDS_FASHION_MNIST:
            item.add_marker(skip)


BLAS_THREADS = "OPENBLAS_NUM_THREADS"
_SET_HERE = pytest.StashKey[bool]()


def pytest_runtest_setup(item):
    """One BLAS thread for the kernel this notebook starts (it inherits the environment); unless set."""
    if BLAS_THREADS not in os.environ:
        os.environ[BLAS_THREADS] = "1"
        item.stash[_SET_HERE] = True


def pytest_runtest_teardown(item):
    if item.stash.get(_SET_HERE, False):
        del os.environ[BLAS_THREADS]
