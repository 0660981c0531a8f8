"""transpose: two axes swap them (PyTorch), a tuple or all axes is numpy's permutation, none reverses;
permute is PyTorch's full permutation. Never a silent identity for x.transpose(0, 1)."""
import numpy as np
import pytest

import tensorgrad as tg

SQUARE = np.array([[1.0, 2.0], [3.0, 4.0]])
CUBE = np.arange(24.0).reshape(2, 3, 4)


def test_two_axes_of_a_square_matrix_swap():
    x = tg.tensor(SQUARE, requires_grad=True)
    np.testing.assert_array_equal(x.transpose(0, 1).data, SQUARE.T)
    np.testing.assert_array_equal(x.transpose(dim0=1, dim1=0).data, SQUARE.T)
    np.testing.assert_array_equal(tg.transpose(x, 0, 1).data, SQUARE.T)
    w = np.array([[1.0, 10.0], [100.0, 1000.0]])
    (x.transpose(0, 1) * w).sum().backward()
    np.testing.assert_array_equal(x.grad.data, w.T)      # d/dx Σ xᵀ ⊙ w = wᵀ


@pytest.mark.parametrize("dims", [(0, 2), (2, 0), (1, -1), (-3, 1), (1, 1)])
def test_two_axes_of_a_3d_tensor_swap(dims):
    x = tg.tensor(CUBE, requires_grad=True)
    np.testing.assert_array_equal(x.transpose(*dims).data, np.swapaxes(CUBE, *dims))
    np.testing.assert_array_equal(x.swapaxes(*dims).data, np.swapaxes(CUBE, *dims))
    assert tg.gradcheck(lambda t: t.transpose(*dims), [x])


def test_a_permutation_is_numpys():
    x = tg.tensor(CUBE)
    np.testing.assert_array_equal(x.transpose(2, 0, 1).data, CUBE.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.transpose((2, 0, 1)).data, CUBE.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.permute(2, 0, 1).data, CUBE.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.permute((1, 2, 0)).data, CUBE.transpose(1, 2, 0))
    np.testing.assert_array_equal(x.transpose().data, CUBE.T)
    np.testing.assert_array_equal(tg.tensor(SQUARE).transpose((0, 1)).data, SQUARE)   # asked for, explicitly


@pytest.mark.parametrize("call, message", [
    (lambda x: x.transpose(0), r"axes \(0,\) are not a permutation .*give two axes to swap"),
    (lambda x: x.transpose(0, 1, 2, 3), r"axes \(0, 1, 2, 3\) are not a permutation"),
    (lambda x: x.transpose(0, 3), r"dim 3 is out of range for shape \(2, 3, 4\)"),
    (lambda x: x.permute(0, 1), r"permute: got 2 dims \(0, 1\) .*shape \(2, 3, 4\)"),
])
def test_wrong_axes_are_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call(tg.tensor(CUBE))
