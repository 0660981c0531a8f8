"""The fused ops: the affine layer f(x W + b) and the sparse softmax cross-entropy, against the unfused maths."""
import numpy as np
import pytest

import tensorgrad as tg

rng = np.random.default_rng(0)


@pytest.mark.parametrize("activation", [None, "relu", "tanh"])
@pytest.mark.parametrize("x_shape", [(5, 3), (2, 4, 3), (3,)])
def test_linear_matches_unfused_ops_and_finite_differences(activation, x_shape):
    x = tg.tensor(rng.normal(size=x_shape), requires_grad=True)
    w = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = tg.tensor(rng.normal(size=4), requires_grad=True)
    unfused = {None: lambda z: z, "relu": tg.relu, "tanh": tg.tanh}[activation]
    np.testing.assert_allclose(tg.linear(x, w, b, activation).data, unfused(x @ w + b).data, rtol=1e-12)
    # nudge pre-activations off relu's kink before finite differences
    assert tg.gradcheck(lambda x_, w_, b_: tg.linear(x_, w_, b_ + 1e-3, activation), [x, w, b])
    assert tg.gradcheck(lambda x_, w_: tg.linear(x_, w_, None, activation), [x, w])


def test_linear_is_one_node_named_by_what_it_computes():
    x = tg.tensor(rng.normal(size=(2, 3)))
    w = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    out = tg.linear(x, w, tg.tensor(np.zeros(4), requires_grad=True), "relu")
    assert out._node.name == "linear+relu" and tg.linear(x, w)._node.name == "linear"
    assert all(not isinstance(p, tg.Function) for p in out._node.parents)


def test_linear_second_derivative_through_create_graph():
    x = tg.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = tg.tensor(rng.normal(size=(3, 2)), requires_grad=True)

    def grad_norm(w_):
        (gx,) = tg.grad(tg.linear(x, w_, None, "tanh").sum(), x, create_graph=True)
        return (gx ** 2).sum()
    assert tg.gradcheck(grad_norm, [w])


def test_linear_skips_the_input_gradient_nobody_needs():
    x = tg.tensor(rng.normal(size=(4, 3)))
    w = tg.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    tg.linear(x, w).sum().backward()
    assert x.grad is None and w.grad is not None


@pytest.mark.parametrize("args, message", [
    (((2, 3), (4, 2), None, None), r"input of shape \(2, 3\) has 3 features.*expects 4"),
    (((2, 3), (3, 2), (3,), None), r"bias must have shape \(2,\)"),
    (((2, 3), (3, 2), None, "softmax"), "activation must be one of"),
])
def test_linear_errors_name_the_shapes(args, message):
    x_shape, w_shape, b_shape, act = args
    b = None if b_shape is None else np.zeros(b_shape)
    with pytest.raises(ValueError, match=message):
        tg.linear(np.zeros(x_shape), np.zeros(w_shape), b, act)


def test_sparse_softmax_cross_entropy_is_minus_log_softmax_at_the_label_with_gradient_a_minus_onehot():
    z = tg.tensor(rng.normal(size=(5, 4)), requires_grad=True)
    labels = np.array([0, 3, 1, 1, 2])
    loss = tg.sparse_softmax_cross_entropy(z, labels)
    a = tg.softmax(z).data
    np.testing.assert_allclose(loss.data, -np.log(a[np.arange(5), labels]), rtol=1e-12)
    loss.sum().backward()
    np.testing.assert_allclose(z.grad.data, a - np.eye(4)[labels], rtol=1e-12, atol=1e-15)
    assert tg.gradcheck(lambda t: tg.sparse_softmax_cross_entropy(t, labels), [z])
    batched = np.array([[0, 1], [1, 1], [0, 0], [1, 0], [0, 1]])   # two positions per sample, 2 classes
    assert tg.gradcheck(lambda t: tg.sparse_softmax_cross_entropy(t.reshape(5, 2, 2), batched), [z])


def test_sparse_softmax_cross_entropy_second_derivative():
    z = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    labels = np.array([2, 0, 3])

    def grad_sq(t):
        (g,) = tg.grad(tg.sparse_softmax_cross_entropy(t, labels).sum(), t, create_graph=True)
        return (g ** 2).sum()
    assert tg.gradcheck(grad_sq, [z])


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 4]), "label 4 is outside the 4 classes 0..3"),
    (np.array([0.5, 1.0]), "labels must be integers, got dtype float64"),
    (np.array([0, 1, 2]), r"labels of shape \(3,\) must have the logits' shape without the class axis, \(2,\)"),
])
def test_sparse_softmax_cross_entropy_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        tg.sparse_softmax_cross_entropy(np.zeros((2, 4)), labels)


def test_sparse_softmax_cross_entropy_mean_is_one_node_equal_to_the_mean_of_the_per_sample_losses():
    z = tg.tensor(rng.normal(size=(6, 3)), requires_grad=True)
    labels = np.array([0, 2, 1, 1, 0, 2])
    mean = tg.sparse_softmax_cross_entropy(z, labels, mean=True)
    assert mean.shape == () and mean._node.name == "softmax_cross_entropy"
    assert all(not isinstance(p, tg.Function) for p in mean._node.parents)
    np.testing.assert_allclose(mean.item(), tg.sparse_softmax_cross_entropy(z, labels).data.mean(), rtol=1e-12)
    mean.backward()
    np.testing.assert_allclose(z.grad.data, (tg.softmax(z).data - np.eye(3)[labels]) / 6, rtol=1e-12, atol=1e-15)
    assert tg.gradcheck(lambda t: tg.sparse_softmax_cross_entropy(t, labels, mean=True), [z])

    def grad_sq(t):
        (g,) = tg.grad(tg.sparse_softmax_cross_entropy(t, labels, mean=True), t, create_graph=True)
        return (g ** 2).sum()
    assert tg.gradcheck(grad_sq, [z])


@pytest.mark.parametrize("mean", [True, False])
def test_sparse_softmax_cross_entropy_on_non_contiguous_logits(mean):
    """Transposed (non-contiguous) logits get softmax - onehot too (scaled by 1/N for the mean)."""
    x = tg.tensor(np.zeros((2, 3, 4)), requires_grad=True)
    labels = np.zeros((3, 2), dtype=int)
    tg.sparse_softmax_cross_entropy(x.transpose((1, 0, 2)), labels, mean=mean).sum().backward()
    expected = np.full((2, 3, 4), 0.25) - np.eye(4)[0]          # softmax of zeros is uniform
    np.testing.assert_allclose(x.grad.data, expected / (6 if mean else 1))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64])
def test_sparse_softmax_cross_entropy_takes_labels_of_every_integer_dtype(dtype):
    """Labels index the flattened logits; unsigned 64-bit labels must not turn those indices into floats."""
    z = np.random.default_rng(3).standard_normal((4, 3))
    labels = np.array([2, 0, 1, 2])
    expected = np.log(np.exp(z).sum(axis=1)) - z[np.arange(4), labels]
    logits = tg.tensor(z, requires_grad=True)
    loss = tg.sparse_softmax_cross_entropy(logits, labels.astype(dtype), mean=True)
    np.testing.assert_allclose(loss.item(), expected.mean(), rtol=1e-12)
    loss.backward()
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(logits.grad.data, (softmax - np.eye(3)[labels]) / 4, rtol=1e-12, atol=1e-15)


def test_mean_cross_entropy_of_an_empty_batch_is_nan_and_has_an_empty_gradient():
    """As PyTorch: the mean over no samples is NaN, not an error, and backward still runs."""
    logits = tg.tensor(np.zeros((0, 3), np.float32), requires_grad=True)
    loss = tg.sparse_softmax_cross_entropy(logits, np.zeros(0, int), mean=True)
    assert np.isnan(loss.item()) and loss.dtype == np.float32
    loss.backward()
    assert logits.grad.shape == (0, 3)
