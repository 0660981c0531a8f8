"""The data sets the lecture notes train on, as numpy arrays.

``fashion_mnist.load_data()`` and ``mnist.load_data()`` return Keras's
``((x_train, y_train), (x_test, y_test))`` uint8 arrays, read from gzipped IDX files found, in order:
the ``path=`` argument (when given, the only place looked in), ``$TENSORGRAD_DATA/<name>/``,
``~/.cache/tensorgrad/<name>/``, an OS package's install directory (Debian's
``dataset-fashion-mnist``), and finally a download into the cache verified by SHA-256.
``breast_cancer()`` and ``iris()`` come from scikit-learn; ``xor()`` is the four points of seed 003.
``FashionMNIST(root, train=True, transform=None)`` and ``MNIST(...)`` are the same images as PyTorch
(torchvision) datasets, for ``DataLoader``.
"""
from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib import request

import numpy as np

from tensorgrad.files import write_atomic
from tensorgrad.serialization import MAX_DEFLATE_RATIO
from tensorgrad.utils.data import Dataset

DATA_ENV = "TENSORGRAD_DATA"
IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
# IDX type codes (third magic byte); multi-byte values are big-endian.
IDX_DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CHUNK = 1 << 20


class IdxFormatError(ValueError):
    """An IDX file that is truncated, not gzip, or whose header does not describe its contents."""


class DatasetNotFoundError(FileNotFoundError):
    """No complete copy of a data set in any place looked in, and no download."""


# ---------------------------------------------------------------------------------------- IDX files
def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """The array stored in an IDX file (gzipped when the name ends in .gz), in native byte order.

    Checks the magic number (two zero bytes, a known type code, ndim >= 1), and that the data after
    the header is exactly prod(dims) * itemsize bytes; anything else raises IdxFormatError naming the file.
    Memory stays bounded by the size the header declares; a gzip file whose trailer records more bytes
    than the header declares, or that could not hold them (a decompression bomb), is refused before
    it is inflated.
    """
    path = Path(path)
    is_gzip = path.suffix == ".gz"
    stream = gzip.open(path, "rb") if is_gzip else open(path, "rb")  # a missing file raises here, unwrapped
    try:
        with stream:
            return _parse_idx(stream, path, _gzip_bounds(path) if is_gzip else None)
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        kind = "a valid gzip file" if is_gzip else "readable"
        raise IdxFormatError(f"{path}: not {kind} ({type(err).__name__}: {err}); the file is corrupt "
                             f"or truncated.") from err


def _read_up_to(stream: BinaryIO, n: int) -> bytearray:
    """At most ``n`` bytes, read in chunks so a corrupt header claiming huge sizes cannot exhaust memory."""
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(min(_CHUNK, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return buf


def _gzip_bounds(path: Path) -> tuple[int, int]:
    """(decompressed size mod 2**32 recorded in the gzip trailer, compressed size) of a gzip file."""
    size = path.stat().st_size
    if size < 18:                     # shorter than a gzip header + trailer: gzip itself reports it
        return -1, size
    with open(path, "rb") as f:
        f.seek(-4, os.SEEK_END)
        return struct.unpack("<I", f.read(4))[0], size


def _check_inflated_size(path: Path, dims: tuple[int, ...], dtype: np.dtype, total: int,
                         bounds: tuple[int, int] | None) -> None:
    """Refuse, before inflating, a gzip IDX file that cannot inflate to exactly ``total`` bytes."""
    if bounds is None or bounds[0] < 0:
        return
    recorded, compressed = bounds
    declared = f"the header says shape {dims} of {dtype.name} = {total - 4 - 4 * len(dims)} data bytes"
    if total > compressed * MAX_DEFLATE_RATIO + 1024:
        raise IdxFormatError(f"{path}: {declared}, more than {compressed} compressed bytes can hold (deflate "
                             f"inflates at most {MAX_DEFLATE_RATIO}x); the header is corrupt. Refused "
                             f"without decompressing it.")
    if total < 2**32 and recorded > total:
        raise IdxFormatError(f"{path}: not a valid gzip file for its header: {declared} ({total} bytes with the "
                             f"header), but the gzip trailer records {recorded} bytes once decompressed, more than "
                             f"that; the file is truncated or corrupt, or a decompression bomb. Refused without "
                             f"decompressing it.")


def _parse_idx(stream: BinaryIO, path: Path, gzip_bounds: tuple[int, int] | None = None) -> np.ndarray:
    magic = bytes(_read_up_to(stream, 4))
    if len(magic) < 4:
        raise IdxFormatError(f"{path}: only {len(magic)} bytes; an IDX file starts with a 4-byte magic number.")
    code, ndim = magic[2], magic[3]
    if magic[:2] != b"\0\0" or code not in IDX_DTYPES or ndim == 0:
        codes = " ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise IdxFormatError(f"{path}: bad magic number 0x{magic.hex().upper()}; an IDX file starts with two "
                             f"zero bytes, a type code ({codes}) and the number of dimensions (>= 1).")
    dim_bytes = bytes(_read_up_to(stream, 4 * ndim))
    if len(dim_bytes) < 4 * ndim:
        raise IdxFormatError(f"{path}: truncated header; the magic number announces {ndim} dimensions "
                             f"({4 * ndim} bytes) but only {len(dim_bytes)} bytes follow.")
    dims = struct.unpack(f">{ndim}I", dim_bytes)
    dtype = IDX_DTYPES[code]
    expected = math.prod(dims) * dtype.itemsize  # Python ints: no overflow on a corrupt header
    _check_inflated_size(path, dims, dtype, 4 + 4 * ndim + expected, gzip_bounds)
    data = _read_up_to(stream, expected + 1)
    if len(data) != expected:
        found = "more than" if len(data) > expected else f"only {len(data)} bytes, not"
        raise IdxFormatError(f"{path}: the header says shape {dims} of {dtype.name} = {expected} data bytes, "
                             f"but the file holds {found} that; it is truncated or corrupt.")
    return np.frombuffer(data, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="), copy=False)


# ---------------------------------------------------------------------------------------- download
def default_cache_dir() -> Path:
    """``~/.cache/tensorgrad``: where downloads go and the second place after ``$TENSORGRAD_DATA``."""
    return Path.home() / ".cache" / "tensorgrad"


def download_file(url: str, dest: str | os.PathLike[str], sha256: str, timeout: float = 60.0) -> Path:
    """Fetch ``url`` to ``dest`` atomically: into a temp file beside it, renamed only once its SHA-256 matches."""
    dest = Path(dest)
    print(f"downloading {url} -> {dest}", file=sys.stderr)

    def fetch(out: BinaryIO) -> None:
        digest = hashlib.sha256()
        with request.urlopen(url, timeout=timeout) as response:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise ValueError(f"download_file: {url} has SHA-256 {digest.hexdigest()}, expected {sha256}; "
                             f"the transfer was corrupted or the file changed upstream, so it was not saved.")
    write_atomic(dest, fetch, "download_file")
    return dest


# ---------------------------------------------------------------------------------------- IDX data sets
@dataclass(frozen=True, eq=False)
class IdxDataset:
    """A Keras-style image data set stored as four gzipped IDX files (images and labels, train and test)."""

    name: str                                     # subdirectory under $TENSORGRAD_DATA and the cache
    url: str                                      # base URL of the canonical copies
    sha256: dict[str, str] = field(repr=False)    # file name -> SHA-256 of the canonical gzip
    system_dirs: tuple[str, ...] = ()             # where OS packages install the files
    system_package: str | None = None             # the package that does (named in errors)

    def search_dirs(self, path: str | os.PathLike[str] | None = None) -> list[tuple[Path | None, str]]:
        """The places ``load_data`` looks in, in order, each with where it comes from (None: env unset)."""
        if path is not None:
            return [(Path(path).expanduser(), "path= argument")]
        env = os.environ.get(DATA_ENV)
        return [(Path(env).expanduser() / self.name if env else None, f"${DATA_ENV}"),
                (default_cache_dir() / self.name, "cache"),
                *((Path(d), f"package {self.system_package}") for d in self.system_dirs)]

    def load_data(self, path: str | os.PathLike[str] | None = None, download: bool = True
                  ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """``((x_train, y_train), (x_test, y_test))``: uint8 images (n, rows, cols) and labels (n,).

        ``path`` (a directory holding the four files) is then the only place looked in. Without it,
        and when no place has all four files, they are downloaded into the cache if ``download``.
        """
        places = self.search_dirs(path)
        for directory, _ in places:
            if directory is not None and all((directory / f).is_file() for f in IDX_FILES):
                return self._read(directory, places)
        if path is not None or not download:
            why = ("No download: path= was given, so no other place was tried" if path is not None
                   else "No download: download=False was passed")
            raise DatasetNotFoundError(self._explain("no complete copy of its files", places, why))
        try:
            directory = self.download()
        except (OSError, ValueError) as err:  # urllib's URLError and socket timeouts are OSErrors
            raise DatasetNotFoundError(self._explain("no complete copy of its files", places,
                                                     f"The download failed: {err}")) from err
        return self._read(directory, places)

    def download(self) -> Path:
        """Fetch the files missing from ``~/.cache/tensorgrad/<name>/``, each verified by SHA-256."""
        directory = default_cache_dir() / self.name
        for name in IDX_FILES:
            if not (directory / name).is_file():
                download_file(self.url + name, directory / name, self.sha256[name])
        return directory

    def _read(self, directory: Path, places: list[tuple[Path | None, str]]
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        try:
            x_train, y_train, x_test, y_test = (read_idx(directory / f) for f in IDX_FILES)
        except IdxFormatError as err:
            raise IdxFormatError(self._explain(f"a corrupt file: {err}", places,
                                               "Stopped there: delete or replace that file")) from err
        for split, x, y in (("train", x_train, y_train), ("t10k", x_test, y_test)):
            if x.ndim != 3 or y.ndim != 1 or x.dtype != np.uint8 or y.dtype != np.uint8 or len(x) != len(y):
                raise IdxFormatError(self._explain(
                    f"{directory}: {split} images {x.shape} {x.dtype} and labels {y.shape} {y.dtype} do "
                    f"not match; expected uint8 (n, rows, cols) and (n,) with the same n", places,
                    "Stopped there: delete or replace those files"))
        return (x_train, y_train), (x_test, y_test)

    def _explain(self, problem: str, places: list[tuple[Path | None, str]], outcome: str) -> str:
        """An error message: the problem, every place looked in with what it lacked, how to get the data."""
        lines = [f"{self.name}: {problem}. Looked in, in order:"]
        for i, (directory, origin) in enumerate(places, start=1):
            if directory is None:
                lines.append(f"  {i}. ${DATA_ENV}/{self.name}/  (${DATA_ENV} is not set)")
                continue
            missing = [f for f in IDX_FILES if not (directory / f).is_file()]
            state = ("does not exist" if not directory.is_dir() else
                     f"missing {', '.join(missing)}" if missing else "all files present")
            lines.append(f"  {i}. {directory}/  ({origin}): {state}")
        lines.append(outcome.rstrip(".") + ".")
        how = [f"sudo apt-get install {self.system_package}"] if self.system_package else []
        how += [f"put {', '.join(IDX_FILES)} from {self.url} into {default_cache_dir() / self.name}/ "
                f"or ${DATA_ENV}/{self.name}/, or pass their directory as path=",
                "or call load_data() with network access to download and verify them"]
        lines.append("To get the data: " + "; ".join(how) + ".")
        return "\n".join(lines)


# Canonical copies and their SHA-256: Keras's fashion_mnist.FILE_HASHES (the same four are listed in
# tensorflow_datasets' url_checksums/fashion_mnist.txt) and tensorflow_datasets' url_checksums/mnist.txt.
# Debian's gzips differ in their header bytes, so local files are checked by structure, not by hash.
fashion_mnist = IdxDataset(
    name="fashion-mnist",
    url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    sha256={"train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"},
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    system_package="dataset-fashion-mnist",
)
mnist = IdxDataset(
    name="mnist",
    url="https://storage.googleapis.com/cvdf-datasets/mnist/",
    sha256={"train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
)


# ---------------------------------------------------------------------------------------- small tabular sets
class LabelledData(tuple):
    """``(x, y)`` that unpacks like a tuple and also names its columns and classes."""

    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]

    def __new__(cls, x: np.ndarray, y: np.ndarray, feature_names: Any, target_names: Any) -> "LabelledData":
        self = super().__new__(cls, (x, y))
        self.feature_names = tuple(str(n) for n in feature_names)
        self.target_names = tuple(str(n) for n in target_names)
        return self

    @property
    def x(self) -> np.ndarray:
        return self[0]

    @property
    def y(self) -> np.ndarray:
        return self[1]


def _sklearn_loader(name: str) -> Any:
    try:
        from sklearn import datasets as sk_datasets
    except ImportError as err:
        raise ImportError(f"nn.datasets.{name.removeprefix('load_')}() reads scikit-learn's copy of the data; "
                          f"install it with `pip install scikit-learn` (or `pip install tensorgrad[demos]`).") from err
    return getattr(sk_datasets, name)()


def breast_cancer(standardize: bool = False, dtype: Any = np.float32) -> LabelledData:
    """Wisconsin breast cancer: x (569, 30) features, y (569,) with 1 = benign, 0 = malignant, both float.

    ``standardize`` maps each feature to (x - mean) / std over all 569 samples (population std); with a
    train/test split, standardize with the training statistics instead.
    """
    bunch = _sklearn_loader("load_breast_cancer")
    x = bunch.data.astype(np.float64)
    if standardize:
        x = (x - x.mean(axis=0)) / x.std(axis=0)
    return LabelledData(x.astype(dtype), bunch.target.astype(dtype), bunch.feature_names, bunch.target_names)


def iris(dtype: Any = np.float32) -> LabelledData:
    """Iris: x (150, 4) float (sepal length/width, petal length/width in cm), y (150,) int64 labels 0-2."""
    bunch = _sklearn_loader("load_iris")
    return LabelledData(bunch.data.astype(dtype), bunch.target.astype(np.int64), bunch.feature_names,
                        bunch.target_names)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table as seed 003 writes it: x (4, 2) and y (4, 1), float32."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    return x, y


__all__ = ["fashion_mnist", "mnist", "IdxDataset", "read_idx", "download_file", "default_cache_dir",
           "IdxFormatError", "DatasetNotFoundError", "LabelledData", "breast_cancer", "iris", "xor",
           "DATA_ENV", "IDX_FILES"]


# ---------------------------------------------------------------------------------------- as PyTorch datasets
class _IdxImages(Dataset):
    """torchvision's image data set: ``ds[i]`` is ``(image, label)``, the image a uint8 (28, 28) array
    (torchvision's is a PIL image; both become a (1, 28, 28) float Tensor in [0, 1] through
    ``nn.transforms.ToTensor()``), the label an int; ``transform``/``target_transform`` are applied to
    them. The files are found as ``load_data`` finds them: ``root`` first (the four .gz files in it, or in
    torchvision's ``root/<Name>/raw``), then the places ``load_data()`` looks in (downloading only with
    ``download=True``)."""
    source: IdxDataset
    classes: list[str]

    def __init__(self, root: str | os.PathLike[str] | None = None, train: bool = True, transform: Any = None,
                 target_transform: Any = None, download: bool = False) -> None:
        self.root, self.train = root, bool(train)
        self.transform, self.target_transform = transform, target_transform
        (x_train, y_train), (x_test, y_test) = self._load(download)
        self.data, labels = (x_train, y_train) if self.train else (x_test, y_test)
        self.targets = labels.astype(np.int64)
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def _load(self, download: bool) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        if self.root is not None:
            root = Path(self.root).expanduser()
            for directory in (root, root / type(self).__name__ / "raw", root / self.source.name):
                if all((directory / f).is_file() for f in IDX_FILES):
                    return self.source.load_data(path=directory)
        return self.source.load_data(download=download)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def __repr__(self) -> str:
        split = "Train" if self.train else "Test"
        return f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n    Split: {split}"


class FashionMNIST(_IdxImages):
    """Fashion-MNIST as a PyTorch dataset (60,000 train / 10,000 test images of 10 clothing classes)."""
    source = fashion_mnist
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class MNIST(_IdxImages):
    """MNIST handwritten digits as a PyTorch dataset (60,000 train / 10,000 test images)."""
    source = mnist
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]
