"""nn.datasets: IDX parsing, the search order, the errors that name every place, the verified download."""
import gzip
import hashlib
import io
import struct
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from nn import datasets
from nn.datasets import DatasetNotFoundError, IdxDataset, IdxFormatError, read_idx

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(autouse=True)
def offline_home(monkeypatch, tmp_path):
    """Every test: an empty HOME (so a real cache is never read), no $TENSORGRAD_DATA, no network."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("TENSORGRAD_DATA", raising=False)

    def no_network(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    return home


def idx_bytes(array: np.ndarray, code: int) -> bytes:
    """An IDX file written from the format's definition: 0, 0, type code, ndim, big-endian dims, data."""
    big_endian = array.astype(array.dtype.newbyteorder(">"))
    return bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + big_endian.tobytes()


def write_split_files(directory: Path, n_train: int = 3, n_test: int = 2, offset: int = 0) -> dict:
    """The four gzipped IDX files of a tiny 2x3-pixel data set; ``offset`` makes copies tell apart."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte.gz": (np.arange(n_train * 6, dtype=np.uint8).reshape(n_train, 2, 3) + offset),
        "train-labels-idx1-ubyte.gz": np.arange(n_train, dtype=np.uint8) + offset,
        "t10k-images-idx3-ubyte.gz": np.full((n_test, 2, 3), 200 + offset, dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.arange(n_test, dtype=np.uint8)[::-1] + offset,
    }
    for name, array in arrays.items():
        (directory / name).write_bytes(gzip.compress(idx_bytes(array, 0x08)))
    return arrays


def tiny_dataset(tmp_path: Path, system_dir: Path | None = None, **sha256) -> IdxDataset:
    return IdxDataset(name="tiny", url="https://example.invalid/tiny/", sha256=sha256,
                      system_dirs=(str(system_dir),) if system_dir else (), system_package="dataset-tiny")


# ------------------------------------------------------------------------------------------ read_idx
def test_read_idx_parses_a_tiny_gzipped_file_exactly(tmp_path):
    images = np.array([[[0, 1, 2], [3, 4, 255]], [[9, 8, 7], [6, 5, 4]]], dtype=np.uint8)
    path = tmp_path / "images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 2, 2, 3) + images.tobytes()))
    parsed = read_idx(path)
    assert parsed.dtype == np.uint8 and parsed.shape == (2, 2, 3)
    np.testing.assert_array_equal(parsed, images)
    parsed[0, 0, 0] = 1  # writable, unlike np.frombuffer on bytes


@pytest.mark.parametrize("code, dtype", [(0x09, np.int8), (0x0B, np.int16), (0x0C, np.int32),
                                         (0x0D, np.float32), (0x0E, np.float64)])
def test_read_idx_reads_big_endian_types_into_native_order(tmp_path, code, dtype):
    values = np.array([[-3, 1], [2, 100]], dtype=dtype)
    path = tmp_path / "values.idx"  # no .gz suffix: read as a plain file
    path.write_bytes(idx_bytes(values, code))
    parsed = read_idx(path)
    assert parsed.dtype == np.dtype(dtype) and parsed.dtype.isnative
    np.testing.assert_array_equal(parsed, values)


GOOD = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4), 0x08)


@pytest.mark.parametrize("raw, complaint", [
    (b"\x00\x01\x08\x02" + GOOD[4:], "bad magic number 0x00010802"),
    (b"\x00\x00\x0a\x02" + GOOD[4:], "bad magic number 0x00000A02"),
    (b"\x00\x00\x08\x00", "bad magic number 0x00000800"),
    (b"\x00\x00", "only 2 bytes"),
    (GOOD[:8], "truncated header"),
    (GOOD[:-1], "only 11 bytes, not that"),
    (GOOD + b"\x00", "more than that"),
])
def test_read_idx_names_the_file_and_what_is_wrong(tmp_path, raw, complaint):
    path = tmp_path / "broken-idx2-ubyte.gz"
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(IdxFormatError) as err:
        read_idx(path)
    assert str(path) in str(err.value) and complaint in str(err.value)


def test_read_idx_reports_bad_and_truncated_gzip(tmp_path):
    packed = gzip.compress(GOOD)
    cases = {"not-gzip.gz": b"this is not gzip at all",
             "cut.gz": packed[: len(packed) // 2],
             "crc.gz": packed[:-8] + bytes([packed[-8] ^ 0xFF]) + packed[-7:]}  # flip the CRC-32 trailer
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(IdxFormatError, match="not a valid gzip file") as err:
            read_idx(tmp_path / name)
        assert name in str(err.value)


def test_read_idx_does_not_allocate_what_a_corrupt_header_claims(tmp_path):
    path = tmp_path / "huge.idx"
    path.write_bytes(bytes([0, 0, 0x0E, 3]) + struct.pack(">3I", 2**31, 2**31, 2**31) + b"\x00" * 16)
    with pytest.raises(IdxFormatError, match="only 16 bytes"):
        read_idx(path)


# ------------------------------------------------------------------------------------------ search order
def test_load_data_searches_env_then_cache_then_system_dir(tmp_path, monkeypatch, offline_home):
    system = tmp_path / "system"
    dataset = tiny_dataset(tmp_path, system_dir=system)
    write_split_files(system, offset=30)
    write_split_files(offline_home / ".cache" / "tensorgrad" / "tiny", offset=20)
    write_split_files(tmp_path / "env" / "tiny", offset=10)
    monkeypatch.setenv("TENSORGRAD_DATA", str(tmp_path / "env"))

    def first_train_label():
        (_, y_train), _ = dataset.load_data()
        return int(y_train[0])

    assert first_train_label() == 10                      # $TENSORGRAD_DATA first
    monkeypatch.delenv("TENSORGRAD_DATA")
    assert first_train_label() == 20                      # then ~/.cache/tensorgrad
    (offline_home / ".cache" / "tensorgrad" / "tiny" / "t10k-labels-idx1-ubyte.gz").unlink()
    assert first_train_label() == 30                      # an incomplete copy is skipped: system dir


def test_load_data_returns_keras_tuples_of_uint8(tmp_path):
    arrays = write_split_files(tmp_path / "data", n_train=4, n_test=3)
    (x_train, y_train), (x_test, y_test) = tiny_dataset(tmp_path).load_data(path=tmp_path / "data")
    np.testing.assert_array_equal(x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}


def test_path_argument_is_the_only_place_looked_in(tmp_path, monkeypatch):
    write_split_files(tmp_path / "env" / "tiny")
    monkeypatch.setenv("TENSORGRAD_DATA", str(tmp_path / "env"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetNotFoundError) as err:
        tiny_dataset(tmp_path).load_data(path=empty)  # download=True, but path= forbids it (no network call)
    message = str(err.value)
    assert f"1. {empty}/" in message and "2." not in message and str(tmp_path / "env") not in message
    assert "path= was given" in message


def test_not_found_error_names_every_place_and_how_to_get_the_data(tmp_path, monkeypatch, offline_home):
    monkeypatch.setenv("TENSORGRAD_DATA", str(tmp_path / "env"))
    partial = tmp_path / "env" / "tiny"
    write_split_files(partial)
    (partial / "t10k-images-idx3-ubyte.gz").unlink()
    system = tmp_path / "system"
    with pytest.raises(DatasetNotFoundError) as err:
        tiny_dataset(tmp_path, system_dir=system).load_data(download=False)
    message = str(err.value)
    lines = message.splitlines()
    assert lines[1].startswith(f"  1. {partial}/") and "missing t10k-images-idx3-ubyte.gz" in lines[1]
    cache = offline_home / ".cache" / "tensorgrad" / "tiny"
    assert lines[2].startswith(f"  2. {cache}/") and "does not exist" in lines[2]
    assert lines[3].startswith(f"  3. {system}/") and "dataset-tiny" in lines[3]
    assert "download=False" in message
    assert "apt-get install dataset-tiny" in message and "https://example.invalid/tiny/" in message


def test_unset_env_var_is_listed_as_a_place(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"\$TENSORGRAD_DATA is not set"):
        tiny_dataset(tmp_path).load_data(download=False)


def test_a_corrupt_file_is_an_error_naming_it_not_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSORGRAD_DATA", str(tmp_path / "env"))
    write_split_files(tmp_path / "env" / "tiny")
    write_split_files(tmp_path / "system")
    bad = tmp_path / "env" / "tiny" / "train-labels-idx1-ubyte.gz"
    bad.write_bytes(b"garbage")
    with pytest.raises(IdxFormatError) as err:
        tiny_dataset(tmp_path, system_dir=tmp_path / "system").load_data(download=False)
    assert str(bad) in str(err.value) and "delete or replace" in str(err.value)


def test_images_and_labels_of_different_counts_are_an_error(tmp_path):
    write_split_files(tmp_path / "data")
    labels = tmp_path / "data" / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros(5, np.uint8), 0x08)))  # 5 labels for 3 images
    with pytest.raises(IdxFormatError, match=r"train images \(3, 2, 3\) uint8 and labels \(5,\)"):
        tiny_dataset(tmp_path).load_data(path=tmp_path / "data")


def test_builtin_datasets_search_order_and_published_hashes(offline_home):
    places = [d for d, _ in datasets.fashion_mnist.search_dirs()]
    assert places == [None, offline_home / ".cache" / "tensorgrad" / "fashion-mnist", DEBIAN_DIR]
    assert [d for d, _ in datasets.mnist.search_dirs()] == [None, offline_home / ".cache" / "tensorgrad" / "mnist"]
    for dataset in (datasets.fashion_mnist, datasets.mnist):
        assert sorted(dataset.sha256) == sorted(datasets.IDX_FILES)
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in dataset.sha256.values())


# ------------------------------------------------------------------------------------------ download
def serve(monkeypatch, files: dict):
    """urlopen replaced by one that serves ``files`` (url -> bytes) and records what was asked for."""
    requested = []

    def fake_urlopen(url, timeout=None):
        requested.append(url)
        if url not in files:
            raise urllib.error.URLError(f"no route to {url}")
        return io.BytesIO(files[url])

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    return requested


def test_load_data_downloads_verified_files_into_the_cache(tmp_path, monkeypatch, offline_home):
    arrays = write_split_files(tmp_path / "origin")
    payloads = {name: (tmp_path / "origin" / name).read_bytes() for name in datasets.IDX_FILES}
    dataset = tiny_dataset(tmp_path, **{n: hashlib.sha256(b).hexdigest() for n, b in payloads.items()})
    requested = serve(monkeypatch, {dataset.url + n: b for n, b in payloads.items()})
    (_, y_train), (x_test, _) = dataset.load_data()
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(x_test, arrays["t10k-images-idx3-ubyte.gz"])
    cache = offline_home / ".cache" / "tensorgrad" / "tiny"
    assert sorted(p.name for p in cache.iterdir()) == sorted(datasets.IDX_FILES)  # no temp files left
    assert len(requested) == 4
    dataset.load_data()                                                           # second call: from the cache
    assert len(requested) == 4


def test_download_with_a_wrong_hash_saves_nothing(tmp_path, monkeypatch):
    url = "https://example.invalid/file.gz"
    serve(monkeypatch, {url: b"tampered bytes"})
    dest = tmp_path / "cache" / "file.gz"
    with pytest.raises(ValueError, match="expected " + "0" * 64):
        datasets.download_file(url, dest, "0" * 64)
    assert list(dest.parent.iterdir()) == []


def test_download_file_verifies_then_renames(tmp_path, monkeypatch):
    url = "https://example.invalid/file.gz"
    serve(monkeypatch, {url: b"payload"})
    dest = datasets.download_file(url, tmp_path / "cache" / "file.gz", hashlib.sha256(b"payload").hexdigest())
    assert dest.read_bytes() == b"payload" and list(dest.parent.iterdir()) == [dest]


def test_failed_download_is_a_not_found_error_naming_the_places(tmp_path, monkeypatch, offline_home):
    serve(monkeypatch, {})
    with pytest.raises(DatasetNotFoundError) as err:
        tiny_dataset(tmp_path, **{n: "0" * 64 for n in datasets.IDX_FILES}).load_data()
    assert "The download failed" in str(err.value) and "no route to" in str(err.value)
    assert str(offline_home / ".cache" / "tensorgrad" / "tiny") in str(err.value)


# ------------------------------------------------------------------------------------------ real data
@pytest.mark.skipif(not DEBIAN_DIR.is_dir(), reason="Debian package dataset-fashion-mnist is not installed "
                    "(sudo apt-get install dataset-fashion-mnist)")
def test_fashion_mnist_from_the_debian_package_parses(offline_home):
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data(download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y_train), [6000] * 10)   # balanced: 6 000 per class
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    assert x_train.min() == 0 and x_train.max() == 255
    assert abs(x_train.mean() / 255 - 0.2860) < 1e-3                    # the published pixel mean


# ------------------------------------------------------------------------------------------ tabular sets
def test_breast_cancer_has_30_features_and_standardizes():
    x, y = datasets.breast_cancer()
    assert x.shape == (569, 30) and y.shape == (569,) and x.dtype == y.dtype == np.float32
    assert np.bincount(y.astype(int)).tolist() == [212, 357]   # malignant, benign
    xs, ys = datasets.breast_cancer(standardize=True, dtype=np.float64)
    np.testing.assert_allclose(xs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(xs.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(xs[:, 0], (x[:, 0] - x[:, 0].mean(dtype=np.float64)) / x[:, 0].std(dtype=np.float64),
                               atol=1e-6)
    np.testing.assert_array_equal(ys, y)


def test_iris_names_its_features_and_setosa_is_separable_by_the_petals():
    data = datasets.iris()
    x, y = data
    assert x.shape == (150, 4) and y.dtype == np.int64 and np.bincount(y).tolist() == [50, 50, 50]
    petal = [data.feature_names.index("petal length (cm)"), data.feature_names.index("petal width (cm)")]
    assert data.target_names[0] == "setosa"
    setosa = y == 0
    assert x[setosa][:, petal[0]].max() < x[~setosa][:, petal[0]].min()   # the perceptron demo's premise


def test_xor_is_the_truth_table():
    x, y = datasets.xor()
    assert x.dtype == y.dtype == np.float32 and y.shape == (4, 1)
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(x[:, 0], x[:, 1]))


def _peak_bytes_of(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_is_refused_before_it_is_inflated(tmp_path):
    # the header declares 1000 x 64 x 64 bytes (4 MB); the stream inflates to 10 times that
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 1000, 64, 64)
    path = tmp_path / "bomb-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header + bytes(40 * 1000 * 64 * 64), compresslevel=9))
    assert path.stat().st_size < 200_000

    def read():
        with pytest.raises(IdxFormatError, match=r"bomb-idx3-ubyte\.gz.*more than that.*Refused without decompressing"):
            read_idx(path)
    assert _peak_bytes_of(read) < 1 << 20          # not the 4 MB the header declares, nor the 40 MB inflated


def test_a_gzip_header_claiming_more_than_deflate_can_hold_is_refused_at_once(tmp_path):
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 100_000, 1000, 100)     # 10 GB declared
    path = tmp_path / "claims-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header + bytes(4 << 20), compresslevel=9))     # 4 MB of zeros, ~4 KB packed

    def read():
        with pytest.raises(IdxFormatError, match=r"claims-idx3-ubyte\.gz.*more than \d+ compressed bytes can hold"):
            read_idx(path)
    assert _peak_bytes_of(read) < 1 << 20
