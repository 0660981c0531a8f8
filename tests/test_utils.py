"""nn.utils.to_categorical: Keras's one-hot encoding, undone by argmax."""
import numpy as np
import pytest

import tensorgrad as tg
from nn.utils import to_categorical


def test_round_trip_with_argmax():
    labels = np.random.default_rng(0).integers(0, 10, size=200).astype(np.uint8)
    one_hot = to_categorical(labels)
    assert one_hot.shape == (200, labels.max() + 1) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.sum(axis=1), 1)
    np.testing.assert_array_equal(one_hot.argmax(axis=-1), labels)


def test_num_classes_inferred_as_max_plus_one_or_given():
    np.testing.assert_array_equal(to_categorical([2, 0]), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(to_categorical([1], num_classes=4), [[0, 1, 0, 0]])


def test_trailing_axis_of_one_is_dropped_as_in_keras():
    assert to_categorical(np.array([[0], [2], [1]])).shape == (3, 3)
    assert to_categorical(np.array([[0, 1], [2, 1]])).shape == (2, 2, 3)


def test_integer_valued_floats_and_tensors_are_labels():
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 0.0])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(to_categorical(tg.tensor(np.array([0, 1])), dtype="float64"), np.eye(2))


@pytest.mark.parametrize("y, kwargs, message", [
    ([0, -1, 2], {}, "labels must be >= 0, got -1"),
    ([0.0, 0.5], {}, r"non-integer values such as \[0.5\]"),
    ([0.0, np.nan], {}, "non-integer values"),
    ([0, 3], dict(num_classes=3), "label 3 is out of range for num_classes=3"),
    ([], {}, "num_classes cannot be inferred"),
    ([0, 1], dict(num_classes=0), "num_classes must be a positive integer, got 0"),
])
def test_bad_labels_are_clear_errors(y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        to_categorical(y, **kwargs)


def test_non_numeric_labels_are_a_type_error():
    with pytest.raises(TypeError, match="integer class labels"):
        to_categorical(np.array(["cat", "dog"]))
