"""cat/split/chunk/flip/roll/pad/tile/squeeze... and gather/scatter/sort/topk/argmax: values against numpy,
gradients by finite differences (float64) and, where an index picks elements twice, by hand."""
import numpy as np
import pytest

import tensorgrad as tg

rng = np.random.default_rng(61)


def leaf(*shape):
    return tg.tensor(rng.normal(size=shape), requires_grad=True)


def test_cat_split_chunk_stack_family():
    a, b = leaf(2, 3), leaf(2, 3)
    np.testing.assert_array_equal(tg.cat([a, b], dim=1).numpy(force=True), np.concatenate([a.numpy(force=True), b.numpy(force=True)], 1))
    np.testing.assert_array_equal(tg.cat((a, b)).numpy(force=True), np.concatenate([a.numpy(force=True), b.numpy(force=True)]))
    assert tg.gradcheck(lambda p, q: tg.cat([p, q, p], dim=-1), [a, b])
    x = leaf(7, 2)
    assert [p.shape[0] for p in tg.split(x, 3)] == [3, 3, 1]
    assert [p.shape[0] for p in x.split([2, 5])] == [2, 5]
    assert [p.shape[0] for p in tg.chunk(x, 3)] == [3, 3, 1]
    assert [p.shape[1] for p in x.chunk(2, dim=1)] == [1, 1]
    assert tg.gradcheck(lambda t: tg.split(t, 3)[1] * tg.chunk(t, 3)[0], [x])
    with pytest.raises(ValueError, match="add up to 7"):
        tg.split(x, [2, 2])
    v, w = leaf(3), leaf(3)
    np.testing.assert_array_equal(tg.vstack([v, w]).numpy(force=True), np.vstack([v.numpy(force=True), w.numpy(force=True)]))
    np.testing.assert_array_equal(tg.hstack([v, w]).numpy(force=True), np.hstack([v.numpy(force=True), w.numpy(force=True)]))
    np.testing.assert_array_equal(tg.hstack([a, b]).numpy(force=True), np.hstack([a.numpy(force=True), b.numpy(force=True)]))
    assert tg.gradcheck(lambda p, q: tg.vstack([p, q]), [v, w])


def test_flip_roll_tile_repeat():
    x = leaf(2, 3, 4)
    np.testing.assert_array_equal(tg.flip(x, (0, 2)).numpy(force=True), np.flip(x.numpy(force=True), (0, 2)))
    np.testing.assert_array_equal(x.flip(1).numpy(force=True), np.flip(x.numpy(force=True), 1))
    np.testing.assert_array_equal(tg.roll(x, 2, 1).numpy(force=True), np.roll(x.numpy(force=True), 2, 1))
    np.testing.assert_array_equal(tg.roll(x, (1, -1), (0, 2)).numpy(force=True), np.roll(x.numpy(force=True), (1, -1), (0, 2)))
    np.testing.assert_array_equal(tg.roll(x, 5).numpy(force=True), np.roll(x.numpy(force=True), 5))
    np.testing.assert_array_equal(x.repeat(2, 1, 1, 2).numpy(force=True), np.tile(x.numpy(force=True), (2, 1, 1, 2)))
    np.testing.assert_array_equal(tg.tile(x, (2,)).numpy(force=True), np.tile(x.numpy(force=True), 2))
    for fn in (lambda t: tg.flip(t, 0), lambda t: tg.roll(t, (1, -2), (0, 2)), lambda t: tg.roll(t, 3),
               lambda t: t.repeat(2, 1, 2), lambda t: tg.tile(t, (3, 1, 1, 2))):
        assert tg.gradcheck(fn, [x])
    with pytest.raises(ValueError, match="at least one per dimension"):
        x.repeat(2, 2)


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_modes_against_numpy(mode):
    x = leaf(2, 3, 4)
    y = tg.pad(x, (1, 2, 2, 1), mode=mode)
    numpy_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    np.testing.assert_array_equal(y.numpy(force=True), np.pad(x.numpy(force=True), [(0, 0), (2, 1), (1, 2)], mode=numpy_mode))
    assert tg.gradcheck(lambda t: tg.pad(t, (1, 2, 2, 1), mode=mode), [x])
    assert tg.pad(x, (1, 1), value=7.0).numpy(force=True)[0, 0, 0] == 7.0


def test_squeeze_unsqueeze_flatten_permute_expand_movedim():
    x = leaf(2, 1, 3, 1)
    assert x.squeeze().shape == (2, 3) and x.squeeze(1).shape == (2, 3, 1) and x.squeeze(0).shape == x.shape
    assert tg.unsqueeze(x, -1).shape == (2, 1, 3, 1, 1) and x.unsqueeze(0).shape == (1, 2, 1, 3, 1)
    y = leaf(2, 3, 4, 5)
    assert y.flatten().shape == (120,) and y.flatten(1).shape == (2, 60) and tg.flatten(y, 1, 2).shape == (2, 12, 5)
    np.testing.assert_array_equal(y.permute(3, 0, 2, 1).numpy(force=True), y.numpy(force=True).transpose(3, 0, 2, 1))
    np.testing.assert_array_equal(tg.movedim(y, 0, -1).numpy(force=True), np.moveaxis(y.numpy(force=True), 0, -1))
    z = leaf(3, 1)
    assert z.expand(2, 3, 4).shape == (2, 3, 4) and z.expand(-1, 5).shape == (3, 5)
    assert z.expand_as(tg.zeros(3, 6)).shape == (3, 6)
    assert tg.gradcheck(lambda t: t.expand(2, 3, 4), [z])
    assert tg.gradcheck(lambda t: t.permute(1, 3, 0, 2).flatten(1, 2), [y])
    assert tg.tensor(5.0).flatten().shape == (1,)


def test_gather_and_its_gradient_with_repeated_indices():
    x = leaf(3, 4)
    index = np.array([[0, 0, 3], [1, 2, 2]])
    out = tg.gather(x, 1, index)
    np.testing.assert_array_equal(out.numpy(force=True), np.take_along_axis(x.numpy(force=True)[:2], index, 1))
    out.sum().backward()
    expected = np.zeros((3, 4))
    np.add.at(expected, (np.arange(2)[:, None], index), 1.0)
    np.testing.assert_array_equal(x.grad.numpy(force=True), expected)
    assert tg.gradcheck(lambda t: t.gather(0, tg.tensor([[2, 0, 1, 1]])), [x])
    with pytest.raises(IndexError, match="out of range"):
        tg.gather(x, 1, np.array([[4]]))
    with pytest.raises(TypeError, match="integer"):
        tg.gather(x, 1, np.array([[1.0]]))


def test_scatter_values_and_gradients():
    x, src = leaf(3, 4), leaf(2, 4)
    index = np.array([[0, 1, 2, 0], [2, 0, 0, 1]])
    out = tg.scatter(x, 0, index, src)
    expected = x.numpy(force=True).copy()
    for i in range(2):
        for j in range(4):
            expected[index[i, j], j] = src.numpy(force=True)[i, j]
    np.testing.assert_array_equal(out.numpy(force=True), expected)
    assert tg.gradcheck(lambda a, b: tg.scatter(a, 0, index, b), [x, src])
    filled = x.scatter(1, np.array([[0], [3], [1]]), value=-1.0)
    assert filled.numpy(force=True)[0, 0] == filled.numpy(force=True)[1, 3] == filled.numpy(force=True)[2, 1] == -1.0


def test_index_select_and_masked_fill():
    x = leaf(4, 3)
    np.testing.assert_array_equal(tg.index_select(x, 0, tg.tensor([3, 0, 3])).numpy(force=True), x.numpy(force=True)[[3, 0, 3]])
    np.testing.assert_array_equal(x.index_select(1, np.array([2])).numpy(force=True), x.numpy(force=True)[:, [2]])
    assert tg.gradcheck(lambda t: t.index_select(0, np.array([3, 0, 3])), [x])
    mask = x.numpy(force=True) > 0
    y = x.masked_fill(tg.tensor(mask), -1e9)
    np.testing.assert_array_equal(y.numpy(force=True), np.where(mask, -1e9, x.numpy(force=True)))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), (~mask).astype(float))
    with pytest.raises(TypeError, match="bool"):
        x.masked_fill(tg.tensor([1, 0, 1]), 0.0)


def test_sort_argsort_topk_argmax():
    x = tg.tensor([[3.0, 1.0, 2.0, 3.0], [0.5, -1.0, 4.0, 0.0]], dtype="float64", requires_grad=True)
    values, indices = x.sort(dim=1)
    np.testing.assert_array_equal(values.numpy(force=True), np.sort(x.numpy(force=True), 1))
    np.testing.assert_array_equal(indices.numpy(force=True), np.argsort(x.numpy(force=True), 1, kind="stable"))
    desc = tg.sort(x, descending=True)
    assert desc.indices.tolist()[0] == [0, 3, 2, 1]         # ties keep their order
    assert tg.argsort(x, dim=0).dtype == np.int64
    top = x.topk(2)
    assert top.values.tolist() == [[3.0, 3.0], [4.0, 0.5]] and top.indices.tolist() == [[0, 3], [2, 0]]
    assert tg.topk(x, 1, largest=False).indices.tolist() == [[1], [1]]
    top.values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), [[1, 0, 0, 1], [1, 0, 1, 0]])
    assert x.argmax().item() == 6 and x.argmax(dim=1).tolist() == [0, 2] and tg.argmin(x, 1, keepdim=True).shape == (2, 1)
    assert x.argmax(axis=0).tolist() == [0, 0, 1, 0]


def test_max_min_spellings():
    x = tg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], dtype="float64", requires_grad=True)
    assert x.max().item() == 7.0
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    values.sum().backward()                  # PyTorch's max(dim): the gradient goes to the one picked index
    np.testing.assert_array_equal(x.grad.numpy(force=True), [[0, 1, 0], [1, 0, 0]])
    x.grad = None
    x.max(axis=1).sum().backward()           # numpy's max(axis): ties share
    np.testing.assert_array_equal(x.grad.numpy(force=True), [[0, 1, 0], [0.5, 0, 0.5]])
    _, predicted = tg.max(x.numpy(force=True), 1)
    assert predicted.tolist() == [1, 0]
    assert tg.min(x, 0, keepdim=True).values.shape == (1, 3)
    assert tg.max(x, tg.tensor([[3.0, 3.0, 3.0]])).tolist() == [[3.0, 5.0, 3.0], [7.0, 3.0, 7.0]]
    assert x.sum(dim=1, keepdim=True).shape == (2, 1) and x.mean(axis=0, keepdims=True).shape == (1, 3)
    with pytest.raises(TypeError, match="not both"):
        x.sum(dim=0, axis=0)
    with pytest.raises(TypeError, match="amax"):
        x.max(dim=(0, 1))
