"""keras.utils.plot_model: the layer graph as DOT that graphviz parses, files by extension, inline SVG;
summary(expand_nested=)."""
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from nn import keras
from nn.keras import layers

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")


def _model():
    keras.backend.clear_session()
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(4,), name="b")
    inner = keras.Sequential([layers.Dense(3, input_shape=(4,)), layers.Dense(2)], name="inner")
    out = layers.Dense(1, name="head")(layers.concatenate([inner(a), layers.Dense(2, name="side")(b)]))
    return keras.Model([a, b], out)


def test_dot_has_one_node_per_layer_and_one_edge_per_connection():
    source = keras.utils.model_to_dot(_model(), show_shapes=True)
    assert len(re.findall(r"^\s*n\d+ \[label=", source, re.M)) == 6     # a, b, inner, side, concatenate, head
    assert len(re.findall(r"->", source)) == 5
    assert "(None, 4)" in source and "inner (Sequential)" in source
    nested = keras.utils.model_to_dot(_model(), expand_nested=True)
    assert "subgraph cluster_" in nested and len(re.findall(r"\[label=", nested)) == 8  # inner's 3 layers inside


@needs_dot
@pytest.mark.parametrize("suffix", ["png", "svg", "pdf", "dot"])
def test_plot_model_writes_the_format_of_the_extension(tmp_path, suffix):
    path = tmp_path / f"model.{suffix}"
    plot = keras.utils.plot_model(_model(), to_file=str(path), show_shapes=True, show_dtype=True, rankdir="LR")
    data = path.read_bytes()
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF", "dot": b"digraph"}[suffix]
    assert data.startswith(magic)
    svg = plot._repr_svg_()
    root = ET.fromstring(svg)                                     # well-formed SVG for Jupyter
    assert root.tag.endswith("svg") and "head (Dense)" in svg


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.plot_model(_model(), to_file=None, rankdir="UP")
    with pytest.raises(ValueError, match="cannot write"):
        keras.utils.plot_model(_model(), to_file=str(tmp_path / "model.jpgx"))


def test_sequential_and_subclassed_models_are_chains():
    model = keras.Sequential([layers.Dense(2, input_shape=(3,)), layers.Dense(1)])
    assert keras.utils.model_to_dot(model).count("->") == 2           # input -> dense -> dense_1


def test_summary_expand_nested_lists_inner_layers():
    model = _model()
    flat = model.summary(print_fn=None)
    nested = model.summary(print_fn=None, expand_nested=True)
    assert "| dense (Dense)" not in flat and "| dense (Dense)" in nested and "| dense_1 (Dense)" in nested
    total = 4 * 3 + 3 + 3 * 2 + 2 + 4 * 2 + 2 + 4 * 1 + 1                  # inner + side + head
    assert f"Total params: {total:,}" in nested
