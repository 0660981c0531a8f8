"""Computation-graph pictures: DOT text that graphviz parses, with the right nodes, labels and colours."""
from __future__ import annotations

import collections
import html
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import tensorgrad as tg

ROOT = Path(__file__).resolve().parents[1]
ROOT_FILLS = ("darkolivegreen1", "#caff70")             # graphviz writes X11-only colour names as hex
SVG_NS = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")

NODE_RE = re.compile(r'^\s*(\w+) \[label=(?:"((?:[^"\\]|\\.)*)"|<(.*)>) .*\];$', re.M)
EDGE_RE = re.compile(r"^\s*(\w+) -> (\w+);$", re.M)


# --------------------------------------------------------------------------- helpers
def logistic_unit(x=(1.0, 2.0, -0.5), w=(0.1, -0.2, 0.3), b=0.05, y=1.0):
    """The notes' single sigmoid unit with logistic loss; returns (loss, names)."""
    x, y = tg.tensor(list(x)), tg.tensor(y)
    w, b = tg.tensor(list(w), requires_grad=True), tg.tensor(b, requires_grad=True)
    z = x @ w + b
    a = z.sigmoid()
    loss = -(y * a.log() + (1 - y) * (1 - a).log())
    return loss, {"x": x, "y": y, "w": w, "b": b, "z": z, "a": a, "L": loss}


def dot_nodes(dot: str) -> dict[str, tuple[list[str], str]]:
    """Parse our DOT: node id -> (its label's fields, unescaped; the whole node statement)."""
    nodes = {}
    for m in NODE_RE.finditer(dot):
        cells = re.findall(r"<TD>(.*?)</TD>", m[3] or "")
        fields = [m[2]] if m[2] is not None else [html.unescape(c.replace("<BR/>", "\n")) for c in cells]
        nodes[m[1]] = (fields, m[0])
    return nodes


def svg_nodes(svg: str) -> dict[str, tuple[str, list[str], str | None]]:
    """Parse graphviz SVG: node id -> (fill colour, texts in order, tooltip)."""
    tree = ET.fromstring(svg)
    nodes = {}
    for g in tree.iter(SVG_NS + "g"):
        if g.get("class") != "node":
            continue
        title = g.find(SVG_NS + "title").text
        fill = next(g.iter(SVG_NS + "polygon")).get("fill")
        texts = [t.text for t in g.iter(SVG_NS + "text")]
        link = next(g.iter(SVG_NS + "a"), None)
        tooltip = None if link is None else link.get("{http://www.w3.org/1999/xlink}title")
        nodes[title] = (fill, texts, tooltip)
    return nodes


def svg_of(dot: str) -> str:
    done = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True)
    return done.stdout.decode()


def field(texts: list[str], prefix: str) -> np.ndarray:
    """The numbers in the record field that starts with ``prefix`` (e.g. 'grad ')."""
    (text,) = [t for t in texts if t.startswith(prefix)]
    return np.array([float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text[len(prefix):])])


# --------------------------------------------------------------------------- structure, labels, colours
@needs_dot
def test_logistic_unit_svg_has_exactly_the_expected_ops_tensors_and_colours():
    loss, names = logistic_unit()
    nodes = svg_nodes(svg_of(tg.to_dot(loss, names={k: names[k] for k in "xywb"})))
    ops = {k: v for k, v in nodes.items() if k.startswith("op")}
    tensors = {k: v for k, v in nodes.items() if k.startswith("t")}
    assert len(nodes) == len(ops) + len(tensors)
    assert collections.Counter(texts[0] for _, texts, _ in ops.values()) == {
        "matmul": 1, "add": 2, "sigmoid": 1, "log": 2, "mul": 2, "sub": 1, "neg": 1}
    assert {fill for fill, _, _ in ops.values()} == {"lightgrey"}
    assert all(tip == "() float32" for _, _, tip in ops.values())          # output shape on hover
    by_first = {texts[0]: (fill, texts) for fill, texts, _ in tensors.values()}
    # x, y, w, b, the constant 1 of (1 - a), the constant (1 - y) = 0, and the unnamed root
    assert sorted(by_first) == ["() float32", "0", "1", "b", "w", "x", "y"]
    assert by_first["w"] == ("lightblue", ["w", "(3,) float32"])
    assert by_first["b"] == ("lightblue", ["b", "() float32"])
    assert by_first["x"] == ("white", ["x", "(3,) float32"])
    assert by_first["y"][0] == by_first["1"][0] == by_first["0"][0] == "white"
    assert by_first["() float32"][1] == ["() float32"] and by_first["() float32"][0] in ROOT_FILLS


def test_edges_follow_the_data_and_named_intermediates_sit_on_the_path():
    loss, names = logistic_unit()
    dot = tg.to_dot(loss, names=names)
    nodes = dot_nodes(dot)
    label_of = {node: fields[0] for node, (fields, _) in nodes.items()}
    edges = [(label_of[a], label_of[b]) for a, b in EDGE_RE.findall(dot)]
    assert ("w", "matmul") in edges and ("x", "matmul") in edges
    assert ("add", "z") in edges and ("z", "sigmoid") in edges and ("sigmoid", "a") in edges
    assert ("add", "sigmoid") not in edges                # consumers of z are fed through z's node
    assert edges.count(("a", "log")) == 1 and ("a", "sub") in edges
    assert edges[-1] == ("neg", "L")
    assert [line for fields, line in nodes.values() if "lightyellow" in line] == [
        line for fields, line in nodes.values() if fields[0] in ("z", "a")]


def test_show_data_and_grad_print_the_closed_form_values():
    loss, names = logistic_unit()
    for t in (names["z"], names["a"], loss):
        t.retain_grad()
    loss.backward()
    x, w, b, y = (names[k].numpy(force=True).astype(np.float64) for k in "xwby")
    a = 1 / (1 + np.exp(-(x @ w + b)))
    labels = {fields[0]: fields for fields, _ in
              dot_nodes(tg.to_dot(loss, names, show_data=True, show_grad=True)).values()}
    np.testing.assert_allclose(field(labels["w"], "data "), w, rtol=1e-3)
    np.testing.assert_allclose(field(labels["w"], "grad "), (a - y) * x, rtol=1e-3)   # -(y - a) x
    np.testing.assert_allclose(field(labels["b"], "grad "), a - y, rtol=1e-3)
    np.testing.assert_allclose(field(labels["z"], "grad "), a - y, rtol=1e-3)         # dL/dz = -(y - a)
    np.testing.assert_allclose(field(labels["a"], "data "), a, rtol=1e-3)
    np.testing.assert_allclose(field(labels["L"], "grad "), 1.0)
    assert not any(f.startswith("grad") for f in labels["x"])          # constants have no gradient


def test_large_tensors_are_summarised_and_missing_grads_say_none():
    rng = np.random.default_rng(0)
    W = tg.tensor(rng.normal(size=(30, 10)), requires_grad=True)
    out = (W * 2.0).sum()
    (fields, _), = [v for v in dot_nodes(tg.to_dot(out, {"W": W}, show_data=True, show_grad=True)).values()
                    if v[0][0] == "W"]
    d = W.numpy(force=True)
    assert fields == ["W", "(30, 10) float64",
                      f"data mean {d.mean():.4g} std {d.std():.4g} in [{d.min():.4g}, {d.max():.4g}]",
                      "grad None"]                                     # backward has not run


def test_a_tensor_given_two_names_shows_both():
    w = tg.tensor([1.0], requires_grad=True)
    dot = tg.to_dot((w * w).sum(), {"enc.weight": w, "dec.weight": w})
    assert list(dot_nodes(dot).values())[0][0] == ["enc.weight, dec.weight", "(1,) float32"]


def test_a_leaf_root_is_a_single_green_node():
    dot = tg.to_dot(tg.tensor([1.0, 2.0], requires_grad=True), names=None)
    ((fields, line),) = dot_nodes(dot).values()
    assert fields == ["(2,) float32"] and 'BGCOLOR="darkolivegreen1"' in line


def test_several_roots_are_all_green_and_share_their_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    loss = h.sum()
    dot = tg.to_dot([h, loss], names={"x": x})
    nodes = dot_nodes(dot)
    greens = [fields[0] for fields, line in nodes.values() if "darkolivegreen1" in line]
    assert greens == ["(2,) float32", "() float32"]
    assert [fields[0] for fields, _ in nodes.values() if fields[0] in ("exp", "sum")] == ["exp", "sum"]


# --------------------------------------------------------------------------- determinism and escaping
def test_the_same_graph_gives_byte_identical_dot():
    first = tg.to_dot(*logistic_unit(), show_data=True, show_grad=True)
    second = tg.to_dot(*logistic_unit(), show_data=True, show_grad=True)   # new objects, new id()s
    assert first == second
    loss, names = logistic_unit()
    assert tg.to_dot(loss, names) == tg.to_dot(loss, names)


HOSTILE = ['say "hi"', "<W>", "{x|y}", "line1\nline2", "back\\slash", '}"; evil -> [', "가중치 w", "a\\n"]


def test_hostile_names_survive_the_dot_text_unchanged():
    params = [tg.tensor([float(i)], requires_grad=True) for i in range(len(HOSTILE))]
    dot = tg.to_dot(tg.stack(params).sum(), names=dict(zip(HOSTILE, params)))
    assert [fields[0] for fields, line in dot_nodes(dot).values() if 'BGCOLOR="lightblue"' in line] == HOSTILE


@needs_dot
def test_hostile_names_render_intact():
    params = [tg.tensor([float(i)], requires_grad=True) for i in range(len(HOSTILE))]
    total = params[0]
    for p in params[1:]:
        total = total + p
    nodes = svg_nodes(svg_of(tg.to_dot(total.sum(), names=dict(zip(HOSTILE, params)))))
    texts = [t for _, ts, _ in nodes.values() for t in ts]
    for name in HOSTILE:
        for line in name.split("\n"):
            assert line in texts
    assert sum(fill == "lightblue" for fill, _, _ in nodes.values()) == len(HOSTILE)


# --------------------------------------------------------------------------- render, Graph
@needs_dot
def test_render_writes_an_svg_and_appends_the_suffix(tmp_path):
    loss, names = logistic_unit()
    old_umask = os.umask(0o022)
    try:
        path = tg.render(loss, tmp_path / "sub" / "unit", names=names)
    finally:
        os.umask(old_umask)
    assert path == tmp_path / "sub" / "unit.svg"
    assert ET.parse(path).getroot().tag == SVG_NS + "svg"
    assert sorted(p.name for p in path.parent.iterdir()) == ["unit.svg"]       # no temp file left
    assert path.stat().st_mode & 0o777 == 0o644                               # as open() would make it


def test_render_without_dot_says_how_to_install_and_keeps_the_dot_text(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    loss, names = logistic_unit()
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as err:
        tg.render(loss, tmp_path / "unit.svg", names=names)
    assert "pip install tensorgrad[graph]" in str(err.value) and "unit.dot" in str(err.value)
    assert not (tmp_path / "unit.svg").exists()
    assert fallback_text(tmp_path / "unit.dot") == tg.to_dot(loss, names)


def fallback_text(path: Path) -> str:
    """The DOT text of a fallback .dot, without the comment line that marks it as render's own."""
    first, rest = path.read_text().split("\n", 1)
    assert first.startswith("// DOT text saved by tensorgrad.render")
    return rest


def test_render_without_dot_never_overwrites_the_users_own_dot_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    mine = tmp_path / "model.dot"
    mine.write_text("digraph mine { a -> b }\n")
    loss, names = logistic_unit()
    with pytest.raises(RuntimeError) as err:
        tg.render(loss, tmp_path / "model.svg", names=names)
    assert mine.read_text() == "digraph mine { a -> b }\n"                 # the user's file is untouched
    assert "model.1.dot" in str(err.value) and "left as it was" in str(err.value)
    assert fallback_text(tmp_path / "model.1.dot") == tg.to_dot(loss, names)
    # a second render replaces its own fallback file, not the user's, and makes no third file
    loss2, _ = logistic_unit(b=0.5)
    with pytest.raises(RuntimeError, match="model.1.dot"):
        tg.render(loss2, tmp_path / "model.svg")
    assert mine.read_text() == "digraph mine { a -> b }\n"
    assert fallback_text(tmp_path / "model.1.dot") == tg.to_dot(loss2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.1.dot", "model.dot"]


def test_render_without_dot_replaces_its_own_previous_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for b in (0.1, 0.2):
        loss, _ = logistic_unit(b=b)
        with pytest.raises(RuntimeError):
            tg.render(loss, tmp_path / "unit.svg")
        assert fallback_text(tmp_path / "unit.dot") == tg.to_dot(loss)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit.dot"]


def test_a_lone_surrogate_in_a_name_is_escaped_and_the_dot_file_is_written(tmp_path, monkeypatch):
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    dot = tg.to_dot((w * w).sum(), names={"w\ud800x": w})
    dot.encode("utf-8")                                                      # encodable: no UnicodeEncodeError
    assert "w\\ud800x" in dot
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RuntimeError, match="graphviz"):
        tg.render((w * w).sum(), tmp_path / "g.svg", names={"w\ud800x": w})
    assert fallback_text(tmp_path / "g.dot") == dot


@needs_dot
def test_a_lone_surrogate_renders_as_its_escape(tmp_path):
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    path = tg.render((w * w).sum(), tmp_path / "g.svg", names={"w\udc80": w})
    texts = [t for _, ts, _ in svg_nodes(path.read_text()).values() for t in ts]
    assert "w\\udc80" in texts


@needs_dot
def test_render_writes_through_a_symlink_and_refuses_a_read_only_picture(tmp_path):
    loss, _ = logistic_unit()
    real = tmp_path / "real.svg"
    real.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    tg.render(loss, link)
    assert link.is_symlink() and ET.parse(real).getroot().tag == SVG_NS + "svg"
    real.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        tg.render(loss, real)
    assert real.stat().st_mode & 0o777 == 0o444


@needs_dot
def test_a_fallback_dot_file_parses_with_graphviz(tmp_path):
    loss, names = logistic_unit()
    with pytest.raises(RuntimeError):
        tg.render(loss, tmp_path / "unit.x", format="not-a-format")
    svg = subprocess.run(["dot", "-Tsvg", str(tmp_path / "unit.dot")], capture_output=True, check=True).stdout
    assert ET.fromstring(svg).tag == SVG_NS + "svg"


@needs_dot
def test_render_when_dot_fails_reports_its_error_and_keeps_the_dot_text(tmp_path):
    loss, _ = logistic_unit()
    with pytest.raises(RuntimeError, match=r"dot -Tnot-a-format` failed"):
        tg.render(loss, tmp_path / "unit.x", format="not-a-format")
    assert fallback_text(tmp_path / "unit.dot") == tg.to_dot(loss)


@needs_dot
def test_graph_object_displays_as_svg_in_notebooks(tmp_path):
    loss, names = logistic_unit()
    graph = tg.Graph(loss, names=names, rankdir="TB")
    assert str(graph) == graph.source == tg.to_dot(loss, names, rankdir="TB")
    assert ET.fromstring(graph._repr_svg_()).tag == SVG_NS + "svg"
    assert ET.parse(graph.render(tmp_path / "g.svg")).getroot().tag == SVG_NS + "svg"


# --------------------------------------------------------------------------- size, freed graphs, bad input
def test_a_100k_op_chain_is_walked_without_recursion_and_refused_by_default():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = -y
    with pytest.raises(ValueError, match=r"100002 nodes .*max_nodes=2000.*max_nodes=None"):
        tg.to_dot(y)
    dot = tg.to_dot(y, max_nodes=None)
    labels = [fields[0] for fields, _ in dot_nodes(dot).values()]
    assert labels.count("neg") == 100_000 and len(labels) == 100_002   # ops, the leaf x, the root
    assert len(EDGE_RE.findall(dot)) == 100_001


@needs_dot
def test_a_784_300_100_10_mlp_loss_draws_one_node_per_op(tmp_path):
    rng = np.random.default_rng(0)
    sizes = [784, 300, 100, 10]
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        W = rng.normal(size=(n_in, n_out)).astype(np.float32) * 0.05
        params[f"W{i}"] = tg.tensor(W, requires_grad=True)
        params[f"b{i}"] = tg.tensor(np.zeros(n_out, np.float32), requires_grad=True)
    X = tg.tensor(rng.random((32, 784)).astype(np.float32))
    T = tg.tensor(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)])
    h = (X @ params["W1"] + params["b1"]).relu()
    h = (h @ params["W2"] + params["b2"]).relu()
    loss = -(T * (h @ params["W3"] + params["b3"]).log_softmax()).sum(axis=1).mean()
    path = tg.render(loss, tmp_path / "mlp.svg", names={**params, "X": X, "T": T})
    nodes = svg_nodes(path.read_text())
    ops = collections.Counter(texts[0] for name, (_, texts, _) in nodes.items() if name.startswith("op"))
    assert ops == {"matmul": 3, "add": 3, "relu": 2, "log_softmax": 1, "mul": 1, "sum": 1, "mean": 1,
                   "neg": 1}
    assert len(nodes) == 13 + 9                       # 13 ops; 6 params, X, T and the root
    assert sum(fill == "lightblue" for fill, _, _ in nodes.values()) == 6


def test_drawing_after_backward_gives_the_same_picture():
    loss, names = logistic_unit()
    before = tg.to_dot(loss, names, show_data=True)
    loss.backward()                                   # frees every node's saved tensors
    assert loss.grad_fn.freed
    assert tg.to_dot(loss, names, show_data=True) == before


def test_bad_arguments_are_named():
    loss, names = logistic_unit()
    with pytest.raises(ValueError, match=r"rankdir='XY'"):
        tg.to_dot(loss, rankdir="XY")
    with pytest.raises(TypeError, match=r"names\['w'\] is a ndarray"):
        tg.to_dot(loss, names={"w": names["w"].numpy(force=True)})
    with pytest.raises(TypeError, match=r"item 1 is a float"):
        tg.to_dot([loss, 1.0])


# --------------------------------------------------------------------------- the demo
@needs_dot
def test_demo_writes_parseable_svgs(tmp_path):
    out = tmp_path / "graphs"
    done = subprocess.run([sys.executable, "-m", "demos.draw_graph", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    unit = svg_nodes((out / "logistic_unit.svg").read_text())
    net = svg_nodes((out / "two_layer_loss.svg").read_text())
    named = {texts[0] for _, texts, _ in net.values()}
    assert {"W1", "b1", "W2", "b2", "X", "Y", "A1", "A2"} <= named
    assert all(any(t.startswith("grad ") for t in texts) for fill, texts, _ in unit.values()
               if fill in ("lightblue", "lightyellow", *ROOT_FILLS))


def test_demo_without_dot_exits_with_the_install_hint_and_leaves_dot_files(tmp_path):
    done = subprocess.run([sys.executable, "-m", "demos.draw_graph", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, env={"PATH": str(tmp_path / "empty")})
    assert done.returncode == 1 and "apt-get install graphviz" in done.stderr
    assert "digraph tensorgrad {" in fallback_text(tmp_path / "logistic_unit.dot")
