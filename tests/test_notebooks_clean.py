"""The notebooks are committed as source: valid nbformat, no outputs or execution counts (reviewable
diffs, no stale results), and every data set they load is local (``download=False``). ``make test``
executes them (``pytest --nbmake``)."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_the_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_backpropagation.ipynb", "02_fashion_mnist_keras.ipynb",
                                           "03_fashion_mnist_pytorch_loop.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_and_never_downloading(path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    source = "\n".join(c.source for c in code)
    for call in re.findall(r"load_data\([^)]*\)", source):
        assert "download=False" in call, call
    assert "http://" not in source and "https://" not in source
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"
