"""tg.utils.data (also nn.data), PyTorch's form: datasets, random_split, samplers, default_collate, the
DataLoader's batches, len, .dataset, shuffling from generators; FashionMNIST as a dataset."""
import dataclasses
import gzip
import struct
from collections import namedtuple

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn.transforms import Compose, Lambda, Normalize, ToTensor
from tensorgrad.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler,
                                   SequentialSampler, Subset, TensorDataset, default_collate, random_split)

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10) % 3


class Squares(Dataset):
    """A hand-written map-style dataset, as tutorials write them."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.array([i, i * i], dtype=np.float32), i % 2


def test_reachable_as_tg_utils_data_and_nn_data():
    assert tg.utils.data.DataLoader is nn.data.DataLoader is nn.DataLoader is DataLoader
    assert nn.data.TensorDataset is TensorDataset


def test_tensor_dataset_indexes_rows_and_checks_lengths():
    ds = TensorDataset(X, tg.tensor(Y))
    assert len(ds) == 10
    x3, y3 = ds[3]
    assert isinstance(x3, tg.Tensor) and x3.numpy(force=True).tolist() == [6.0, 7.0] and y3.item() == 0
    with pytest.raises(ValueError, match=r"size mismatch between tensors: first-axis lengths \[10, 9\]"):
        TensorDataset(X, Y[:9])


def test_dataloader_batches_a_dataset_into_tuples_of_tensors():
    loader = DataLoader(TensorDataset(X, Y), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3 and loader.dataset.tensors[0].shape == (10, 2)
    assert all(isinstance(b, tuple) and len(b) == 2 for b in batches)
    np.testing.assert_array_equal(np.concatenate([xb.numpy(force=True) for xb, _ in batches]), X)
    assert batches[0][1].dtype == Y.dtype and batches[-1][0].shape == (2, 2)
    assert len(DataLoader(TensorDataset(X, Y), batch_size=4, drop_last=True)) == 2
    assert len(DataLoader(TensorDataset(X))) == 10                      # PyTorch's default batch_size=1


def test_dataloader_default_collate_of_a_custom_dataset():
    loader = DataLoader(Squares(), batch_size=3)
    assert len(loader) == 3 and len(loader.dataset) == 7
    xb, yb = next(iter(loader))
    np.testing.assert_array_equal(xb.numpy(force=True), [[0, 0], [1, 1], [2, 4]])
    assert xb.dtype == np.float32 and yb.dtype == np.int64 and yb.numpy(force=True).tolist() == [0, 1, 0]
    sizes = [len(yb) for _, yb in loader]
    assert sizes == [3, 3, 1]


def test_shuffle_covers_every_sample_each_epoch_and_follows_the_seed():
    loader = DataLoader(TensorDataset(X, Y), batch_size=3, shuffle=True)
    tg.manual_seed(1)
    first = np.concatenate([yb.numpy(force=True) for _, xb in [(0, 0)] for _, yb in loader])
    epoch1 = np.concatenate([xb.numpy(force=True)[:, 0] for xb, _ in loader])
    assert sorted(epoch1.tolist()) == X[:, 0].tolist() and sorted(first.tolist()) == sorted(Y.tolist())
    tg.manual_seed(1)
    again = np.concatenate([yb.numpy(force=True) for _, yb in loader])
    np.testing.assert_array_equal(again, first)
    gen_a = DataLoader(TensorDataset(X), batch_size=10, shuffle=True, generator=np.random.default_rng(4))
    gen_b = DataLoader(TensorDataset(X), batch_size=10, shuffle=True, generator=np.random.default_rng(4))
    np.testing.assert_array_equal(next(iter(gen_a))[0].numpy(force=True), next(iter(gen_b))[0].numpy(force=True))


def test_collate_fn_and_batch_size_none():
    loader = DataLoader(Squares(), batch_size=2, collate_fn=lambda samples: [s[1] for s in samples])
    assert next(iter(loader)) == [0, 1]
    single = list(DataLoader(Squares(), batch_size=None))
    assert len(single) == 7 and isinstance(single[2][0], tg.Tensor) and single[2][1] == 0


def test_default_collate_follows_pytorchs_rules():
    assert default_collate([1.5, 2.5]).dtype == np.float64
    assert default_collate([1, 2]).dtype == np.int64 and default_collate([True, False]).dtype == bool
    assert default_collate(["a", "b"]) == ["a", "b"]
    batch = default_collate([{"x": np.zeros(2), "y": 1}, {"x": np.ones(2), "y": 0}])
    assert batch["x"].shape == (2, 2) and batch["y"].numpy(force=True).tolist() == [1, 0]
    Pair = namedtuple("Pair", "a b")
    pair = default_collate([Pair(1, 2.0), Pair(3, 4.0)])
    assert isinstance(pair, Pair) and pair.a.numpy(force=True).tolist() == [1, 3]
    assert isinstance(default_collate([(1, 2), (3, 4)]), tuple)
    with pytest.raises(RuntimeError, match=r"same shape, got \[\(2,\), \(3,\)\]"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="each element in the batch should be of equal size"):
        default_collate([(1, 2), (3,)])
    w = tg.tensor(np.ones(2), requires_grad=True)
    stacked = default_collate([w, w * 2])
    stacked.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(force=True), [3, 3])                       # stacked through the graph


def test_random_split_by_lengths_and_fractions():
    a, b = random_split(TensorDataset(X, Y), [7, 3], generator=np.random.default_rng(0))
    assert isinstance(a, Subset) and len(a) == 7 and len(b) == 3
    assert sorted(a.indices + b.indices) == list(range(10))
    parts = random_split(range(10), [0.34, 0.33, 0.33])
    assert [len(p) for p in parts] == [4, 3, 3]                                # remainder to the first, as PyTorch
    tg.manual_seed(2)
    first = random_split(range(10), [5, 5])[0].indices
    tg.manual_seed(2)
    assert random_split(range(10), [5, 5])[0].indices == first
    with pytest.raises(ValueError, match=r"sum of input lengths \(9\) does not equal the length of the input dataset"):
        random_split(range(10), [5, 4])
    xb, yb = next(iter(DataLoader(a, batch_size=7)))
    assert xb.shape == (7, 2) and yb.shape == (7,)


def test_subset_concat_and_samplers():
    ds = TensorDataset(X, Y)
    sub = Subset(ds, [9, 0])
    assert sub[0][0].numpy(force=True).tolist() == [18.0, 19.0] and len(sub) == 2
    both = ds + Squares()
    assert isinstance(both, ConcatDataset) and len(both) == 17 and both[12][1] == 0
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert sorted(RandomSampler(range(5))) == [0, 1, 2, 3, 4]
    assert len(list(RandomSampler(range(5), replacement=True, num_samples=12))) == 12
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, drop_last=True)) == 2
    loader = DataLoader(ds, batch_sampler=[[0, 1], [5]])
    assert [len(b[0]) for b in loader] == [2, 1] and loader.batch_size is None
    assert [int(b[1].numpy(force=True)[0]) for b in DataLoader(ds, sampler=[4, 2])] == [Y[4], Y[2]]
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)


def test_iterable_dataset_is_batched_as_a_stream():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(5))

    assert [b.numpy(force=True).tolist() for b in DataLoader(Stream(), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert [b.numpy(force=True).tolist() for b in DataLoader(Stream(), batch_size=2, drop_last=True)] == [[0, 1], [2, 3]]
    with pytest.raises(ValueError, match="IterableDataset: shuffle, sampler and batch_sampler do not apply"):
        DataLoader(Stream(), shuffle=True)


def test_a_list_of_samples_is_a_dataset_and_arrays_keep_the_array_form():
    pairs = [(np.float32(i), i) for i in range(5)]
    xb, yb = next(iter(DataLoader(pairs, batch_size=5)))
    assert xb.dtype == np.float32 and yb.numpy(force=True).tolist() == [0, 1, 2, 3, 4]
    array_form = DataLoader(X, Y, batch_size=4)
    assert len(array_form) == 3 and len(array_form.dataset) == 10 and isinstance(array_form, DataLoader)


def test_transforms_as_torchvision():
    image = (np.arange(12).reshape(3, 4) * 20).astype(np.uint8)
    t = ToTensor()(image)
    assert t.shape == (1, 3, 4) and t.dtype == np.float32 and t.numpy(force=True).max() == pytest.approx(220 / 255)
    assert ToTensor()(np.zeros((5, 6, 3), np.uint8)).shape == (3, 5, 6)
    norm = Normalize((0.5,), (0.5,))(t)
    np.testing.assert_allclose(norm.numpy(force=True), (t.numpy(force=True) - 0.5) / 0.5)
    pipeline = Compose([ToTensor(), Lambda(lambda x: x * 2)])
    np.testing.assert_allclose(pipeline(image).numpy(force=True), 2 * t.numpy(force=True))


def _write_idx(directory, name, array):
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    (directory / name).write_bytes(gzip.compress(header + array.tobytes()))


@pytest.fixture
def fashion_mnist_dir(tmp_path):
    """Four small IDX files in torchvision's layout root/FashionMNIST/raw."""
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    gen = np.random.default_rng(0)
    for prefix, n in (("train", 70), ("t10k", 65)):
        _write_idx(raw, f"{prefix}-images-idx3-ubyte.gz", gen.integers(0, 256, size=(n, 28, 28), dtype=np.uint8))
        _write_idx(raw, f"{prefix}-labels-idx1-ubyte.gz", gen.integers(0, 10, size=n, dtype=np.uint8))
    return tmp_path


def test_fashion_mnist_dataset_matches_load_data(fashion_mnist_dir):
    (x_train, y_train), (x_test, y_test) = nn.datasets.fashion_mnist.load_data(
        path=fashion_mnist_dir / "FashionMNIST" / "raw")
    test_set = nn.datasets.FashionMNIST(root=fashion_mnist_dir, train=False, transform=ToTensor(),
                                        target_transform=Lambda(lambda y: y + 100))
    assert len(test_set) == len(x_test) and test_set.classes[9] == "Ankle boot"
    image, label = test_set[5]
    assert image.shape == (1, 28, 28) and label == int(y_test[5]) + 100
    np.testing.assert_allclose(image.numpy(force=True)[0], x_test[5] / 255, rtol=1e-6)
    raw = nn.datasets.FashionMNIST(root=fashion_mnist_dir)
    assert len(raw) == len(x_train) and raw[0][0].dtype == np.uint8 and raw.targets.dtype == np.int64
    xb, yb = next(iter(DataLoader(test_set, batch_size=64)))
    assert xb.shape == (64, 1, 28, 28) and yb.dtype == np.int64


def test_fashion_mnist_without_local_files_or_download_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(nn.datasets.FashionMNIST, "source",
                        dataclasses.replace(nn.datasets.fashion_mnist, system_dirs=()))   # as on a bare machine
    with pytest.raises(nn.datasets.DatasetNotFoundError, match="Looked in"):
        nn.datasets.FashionMNIST(root=tmp_path)


def test_subset_random_sampler_draws_each_index_once_per_pass():
    sampler = tg.utils.data.SubsetRandomSampler([3, 5, 7], generator=np.random.default_rng(0))
    assert sorted(sampler) == [3, 5, 7] and len(sampler) == 3
    with pytest.raises(TypeError, match="generator must be a numpy Generator"):
        RandomSampler(range(3), generator=42)
