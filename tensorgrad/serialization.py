"""``tg.save(obj, path)`` / ``tg.load(path)``: tensors, arrays, numbers and nested dicts/lists of them,
in a safetensors file (the default) or an ``.npz`` archive, never a pickle.

The arrays are stored under dotted keys (``{"model": {"0.weight": w}}`` -> ``model.0.weight``); a flat
state dict keeps exactly its keys, so a PyTorch-spelled model's file loads with
``safetensors.torch.load_file`` + ``load_state_dict``. The structure (dicts, lists, tuples, key types,
Python numbers and strings, which leaves were Tensors) is JSON in the safetensors metadata (a member
``tensorgrad-structure.json`` in an npz), so ``load`` gives back what was saved. Files are written
atomically by :func:`tensorgrad.files.write_atomic`. Loading detects the format by content, and bounds
memory by what the file can hold: a header claiming more than the file stores is refused before any
allocation. Pickles (``torch.save`` checkpoints) are refused with the recipe to convert them.
"""
from __future__ import annotations

import io
import json
import math
import os
import stat
import zipfile
from typing import Any, BinaryIO, Iterator

import numpy as np
import safetensors
import safetensors.numpy

from .files import write_atomic
from .tensor import Tensor

FORMATS = ("safetensors", "npz")
STRUCTURE_KEY = "tensorgrad.structure"      # safetensors metadata entry holding the structure as JSON
STRUCTURE_MEMBER = "tensorgrad-structure.json"  # the same inside an npz archive
_LEAF_KEY = "data"                          # the key of an object that is a single tensor or array
MAX_DEFLATE_RATIO = 1032                    # deflate never inflates more than this (RFC 1951 limit ~1032:1)
_MAX_STRUCTURE_BYTES = 100 << 20
# the dtypes both safetensors and numpy know (in native byte order; stored little-endian)
STORABLE_DTYPES = frozenset(np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                                                  np.uint16, np.uint32, np.uint64, np.float16, np.float32,
                                                  np.float64, np.complex64))
_PYTORCH_RECIPE = (
    "To convert a PyTorch checkpoint, run in Python with torch installed:\n"
    "    import torch, safetensors.torch\n"
    "    state = torch.load(PATH, map_location='cpu', weights_only=True)  # or model.state_dict()\n"
    "    safetensors.torch.save_file({k: v.contiguous() for k, v in state.items()}, 'model.safetensors')\n"
    "then load 'model.safetensors' with tg.load (or nn.load_state).")


class StateDict(dict):
    """A state dict with string ``metadata`` that a safetensors file keeps beside the arrays (nn's models
    record their kernel layout there) and that loading gives back."""

    def __init__(self, *args: Any, metadata: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metadata: dict[str, str] = dict(metadata or {})


_RESERVED_METADATA = ("format", STRUCTURE_KEY)


class CheckpointError(ValueError):
    """A file that is not a readable tensorgrad checkpoint: corrupt, truncated, a pickle, an unknown format."""


# ------------------------------------------------------------------------------------------ structure
def flatten_structure(obj: Any, who: str = "tg.save") -> tuple[dict[str, np.ndarray], Any]:
    """(dotted key -> array, JSON structure) for ``obj``; keys that two routes spell alike are refused."""
    arrays: dict[str, np.ndarray] = {}
    routes: dict[str, str] = {}

    def leaf(value: np.ndarray, key: str, route: str) -> str:
        key = key or _LEAF_KEY
        if key in arrays:
            raise ValueError(f"{who}: {routes[key]} and {route} would both be stored under the key {key!r} "
                             f"(nested keys are joined with '.'); rename one of them.")
        if value.dtype.newbyteorder("=") not in STORABLE_DTYPES:
            raise TypeError(f"{who}: {route} is an array of dtype {value.dtype}; checkpoints hold bool, integer, "
                            f"float16/32/64 and complex64 arrays. Convert it (e.g. .astype(np.float32)) or keep "
                            f"it apart.")
        # little-endian and C-contiguous, as safetensors stores it (np.asarray keeps 0-d arrays 0-d)
        arrays[key], routes[key] = np.asarray(value, dtype=value.dtype.newbyteorder("<"), order="C"), route
        return key

    def walk(value: Any, key: str, route: str) -> Any:
        if isinstance(value, Tensor):
            return {"tensor": leaf(value._data, key, route), "requires_grad": bool(value.requires_grad)}
        if isinstance(value, np.ndarray):
            return {"array": leaf(value, key, route)}
        if isinstance(value, np.generic):
            return {"scalar": leaf(np.asarray(value), key, route)}
        if value is None or isinstance(value, (bool, int, float, str)):
            return {"value": value}
        if isinstance(value, dict):
            items = []
            for k, v in value.items():
                if isinstance(k, np.integer):
                    k = int(k)
                if isinstance(k, bool) or not isinstance(k, (str, int)):
                    raise TypeError(f"{who}: {route or 'the object'} has a key {k!r} of type {type(k).__name__}; "
                                    f"dict keys must be strings or integers.")
                items.append([k, walk(v, f"{key}.{k}" if key else str(k), f"{route}[{k!r}]")])
            return {"dict": items}
        if isinstance(value, (list, tuple)):
            kind = "list" if isinstance(value, list) else "tuple"
            return {kind: [walk(v, f"{key}.{i}" if key else str(i), f"{route}[{i}]") for i, v in enumerate(value)]}
        raise TypeError(f"{who}: {route or 'the object'} is a {type(value).__name__}; tensorgrad saves tensors, "
                        f"numpy arrays, numbers, strings, None and dicts/lists/tuples of them (no pickle). "
                        f"Save its state_dict() instead.")

    return arrays, walk(obj, "", "")


def unflatten_structure(structure: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The object :func:`flatten_structure` described, rebuilt around ``arrays``."""
    if "tensor" in structure:
        return Tensor(arrays[structure["tensor"]], requires_grad=structure.get("requires_grad", False))
    if "array" in structure:
        return arrays[structure["array"]]
    if "scalar" in structure:
        return arrays[structure["scalar"]][()]
    if "value" in structure:
        return structure["value"]
    if "dict" in structure:
        return {k: unflatten_structure(v, arrays) for k, v in structure["dict"]}
    if "list" in structure:
        return [unflatten_structure(v, arrays) for v in structure["list"]]
    return tuple(unflatten_structure(v, arrays) for v in structure["tuple"])


def _is_flat_state(arrays: dict[str, np.ndarray], structure: Any) -> bool:
    """A dict of arrays under their own keys: what np.load of the npz alone gives back."""
    return "dict" in structure and all(set(v) == {"array"} and v["array"] == k for k, v in structure["dict"])


# ------------------------------------------------------------------------------------------ saving
def format_for(path: str | os.PathLike, format: str | None, who: str) -> str:
    """The format to write: ``format`` when given, npz for a name ending in ``.npz``, else safetensors."""
    if format is None:
        return "npz" if os.fspath(path).lower().endswith(".npz") else "safetensors"
    if format not in FORMATS:
        raise ValueError(f"{who}: format={format!r} is not one of {', '.join(map(repr, FORMATS))}.")
    return format


def save(obj: Any, f: str | os.PathLike | BinaryIO, format: str | None = None) -> None:
    """Write ``obj`` (a Tensor, array, number, or nested dicts/lists/tuples of them, e.g. a state dict or
    ``{"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}``) to the file ``f``.

    Safetensors by default; npz when ``format="npz"`` or the name ends in ``.npz``. The file appears
    whole or not at all; a symlink is written through; read-only and special files are refused. ``f``
    may also be a binary file object (``io.BytesIO``), written at its position.
    """
    write_checkpoint(obj, f, format, "tg.save")


def write_checkpoint(obj: Any, f: str | os.PathLike | BinaryIO, format: str | None, who: str) -> None:
    """:func:`save`, with errors saying ``who`` (the public function the user called)."""
    is_path = isinstance(f, (str, os.PathLike))
    if not is_path and not hasattr(f, "write"):
        raise TypeError(f"{who}: f must be a file path (str or os.PathLike) or a binary file object, "
                        f"got a {type(f).__name__}.")
    fmt = format_for(f if is_path else "", format, who)
    arrays, structure = flatten_structure(obj, who)
    if fmt == "safetensors":
        metadata = {**getattr(obj, "metadata", {}), "format": "pt", STRUCTURE_KEY: json.dumps(structure)} \
            if isinstance(obj, StateDict) else {"format": "pt", STRUCTURE_KEY: json.dumps(structure)}
        data = safetensors.numpy.save(arrays, metadata=metadata)
        write = lambda out: out.write(data)  # noqa: E731
    else:
        extra = None if _is_flat_state(arrays, structure) else json.dumps(structure)
        write = lambda out: _write_npz(out, arrays, extra)  # noqa: E731
    if is_path:
        write_atomic(f, write, who)
    else:
        write(f)


def _write_npz(out: BinaryIO, arrays: dict[str, np.ndarray], structure: str | None) -> None:
    """An uncompressed npz (as np.savez): one ``<key>.npy`` member per array. User keys never become
    keyword arguments, so keys such as ``file`` or ``allow_pickle`` are stored like any other."""
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
        if structure is not None:
            archive.writestr(STRUCTURE_MEMBER, structure)


# ------------------------------------------------------------------------------------------ loading
def load(f: str | os.PathLike | BinaryIO, map_location: Any = None, weights_only: bool | None = None,
         mmap: Any = None) -> Any:
    """What :func:`save` wrote to ``f`` (Tensors come back as Tensors, arrays as arrays). Also reads any
    safetensors file (e.g. written by PyTorch: a dict of Tensors) and npz archives (a dict of arrays).
    ``f`` is a path or a binary file object (read from its position to the end).

    ``map_location``, ``weights_only`` and ``mmap`` are accepted for code written for ``torch.load``:
    tensorgrad runs on the CPU and never unpickles. A pickle (a ``torch.save`` file) raises
    CheckpointError with the recipe to convert it to safetensors.
    """
    if map_location not in (None, "cpu") and str(map_location) != "cpu":
        raise ValueError(f"tg.load: map_location={map_location!r}; tensorgrad runs on the CPU only, so pass "
                         f"map_location='cpu' or leave it out.")
    return read_checkpoint(f, "tg.load")


def read_checkpoint(f: str | os.PathLike | BinaryIO, who: str) -> Any:
    """The object stored in ``f``, its format detected from its first bytes (not its name)."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        st = os.stat(path)                      # a missing file raises FileNotFoundError naming it
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise CheckpointError(f"{who}: {path} is {kind}; give the path of a checkpoint file.")
        with open(path, "rb") as stream:
            head = stream.read(16)
        source: str | bytes = path
        size = st.st_size
    elif hasattr(f, "read"):
        source = f.read()
        path, head, size = str(getattr(f, "name", f"the {type(f).__name__} buffer")), source[:16], len(source)
    else:
        raise TypeError(f"{who}: f must be a file path (str or os.PathLike) or a binary file object, "
                        f"got a {type(f).__name__}.")
    kind = sniff(head, size)
    if kind == "safetensors":
        return _load_safetensors(source, path, who)
    if kind == "zip":
        return _load_zip(source if isinstance(source, str) else io.BytesIO(source), path, who)
    raise CheckpointError(_unreadable(path, kind, head, who))


def sniff(head: bytes, size: int) -> str:
    """The kind of file whose first bytes are ``head``: safetensors, zip, npy, pickle, hdf5, empty or unknown."""
    if not head:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "hdf5"
    if head[0] == 0x80 and len(head) > 1 and 2 <= head[1] <= 5:   # pickle's PROTO opcode
        return "pickle"
    if len(head) >= 9:
        header_size = int.from_bytes(head[:8], "little")
        if head[8:9] == b"{" and header_size > 0:
            return "safetensors" if header_size <= size - 8 else "truncated safetensors"
    return "unknown"


def _unreadable(path: str, kind: str, head: bytes, who: str) -> str:
    if kind == "pickle":
        return (f"{who}: {path} is a Python pickle (what torch.save writes). tensorgrad never unpickles a "
                f"file: unpickling runs arbitrary code. Re-save it as safetensors. {_recipe(path)}")
    if kind == "hdf5":
        return (f"{who}: {path} is an HDF5 file (a Keras .h5 model); tensorgrad reads safetensors and npz. "
                f"Export the weights as arrays (model.get_weights() in Keras) and save them with np.savez.")
    if kind == "npy":
        return (f"{who}: {path} holds a single array, not an archive of named arrays; "
                f"read it with np.load({path!r}).")
    expected = ".npz" if path.lower().endswith(".npz") else "safetensors"
    if kind == "empty":
        return (f"{who}: {path} is not a readable {expected} checkpoint: it is empty (0 bytes), so the save that "
                f"made it did not finish. Load an earlier checkpoint or save again.")
    if kind == "truncated safetensors":
        return (f"{who}: {path} is not a readable safetensors file: its header announces more bytes than the "
                f"file holds; the file is truncated. Load an earlier checkpoint or save again.")
    return (f"{who}: {path} is not a readable {expected} checkpoint (it starts with {head[:8]!r}, which "
            f"is neither safetensors nor npz); the file is truncated or corrupt, or another format.")


def _recipe(path: str) -> str:
    return _PYTORCH_RECIPE.replace("PATH", repr(path))


def _load_safetensors(source: str | bytes, path: str, who: str) -> Any:
    """Arrays and metadata of a safetensors file (memory-mapped) or of its bytes."""
    try:
        if isinstance(source, str):
            with safetensors.safe_open(source, framework="np") as opened:
                metadata = opened.metadata() or {}
                arrays = {k: opened.get_tensor(k) for k in opened.keys()}
        else:
            arrays = safetensors.numpy.load(source)
            header = json.loads(source[8:8 + int.from_bytes(source[:8], "little")])
            metadata = header.get("__metadata__") or {}
    except (safetensors.SafetensorError, OSError, ValueError, TypeError) as err:
        hint = ("; bfloat16 and float8 tensors have no numpy dtype: convert them to float32 in PyTorch "
                "before saving" if "bfloat16" in str(err) or "float8" in str(err) or "dtype" in str(err).lower()
                else "; the file is truncated or corrupt. Load an earlier checkpoint or save again")
        raise CheckpointError(f"{who}: {path} is not a readable safetensors file "
                              f"({type(err).__name__}: {err}){hint}.") from None
    if STRUCTURE_KEY not in metadata:                   # written elsewhere: a flat dict of Tensors
        unusable = [f"{k} ({v.dtype})" for k, v in arrays.items() if v.dtype.kind not in "biuf"]
        if unusable:                                    # e.g. bfloat16, which numpy reads through ml_dtypes
            raise CheckpointError(f"{who}: {path} holds tensors of a dtype tensorgrad has no arithmetic for: "
                                  f"{', '.join(unusable)}; convert bfloat16 and float8 tensors to float32 in "
                                  f"PyTorch before saving.")
        return _with_metadata({k: Tensor(v) for k, v in arrays.items()}, metadata)
    return _with_metadata(_rebuild(metadata[STRUCTURE_KEY], arrays, path, who), metadata)


def _with_metadata(obj: Any, metadata: dict[str, str]) -> Any:
    """A loaded dict as a StateDict carrying the file's own metadata entries, when it has any."""
    own = {k: v for k, v in metadata.items() if k not in _RESERVED_METADATA}
    return StateDict(obj, metadata=own) if own and type(obj) is dict else obj


def _rebuild(structure_json: str, arrays: dict[str, np.ndarray], path: str, who: str) -> Any:
    try:
        structure = json.loads(structure_json)
        return unflatten_structure(structure, arrays)
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise CheckpointError(f"{who}: {path} has a damaged structure record ({type(err).__name__}: {err}); "
                              f"its arrays are readable with safetensors or np.load.") from None


def _load_zip(source: str | BinaryIO, path: str, who: str) -> Any:
    try:
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            if any(n.endswith("data.pkl") for n in names):
                raise CheckpointError(
                    f"{who}: {path} is a PyTorch checkpoint (torch.save's zip of pickles). tensorgrad never "
                    f"unpickles a file: unpickling runs arbitrary code. {_recipe(path)}")
            arrays = dict(_npz_members(archive, path, who))
            structure = None
            if STRUCTURE_MEMBER in names:
                info = archive.getinfo(STRUCTURE_MEMBER)
                _check_inflation(info, path, who)
                if info.file_size > _MAX_STRUCTURE_BYTES:
                    raise CheckpointError(f"{who}: {path}: its structure record claims {info.file_size} bytes.")
                structure = archive.read(STRUCTURE_MEMBER).decode("utf-8")
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError, UnicodeError) as err:
        raise CheckpointError(f"{who}: {path} is not a readable .npz checkpoint ({type(err).__name__}: {err}); "
                              f"the file is truncated or corrupt. Load an earlier checkpoint or save the model "
                              f"again.") from None
    if not arrays and structure is None:
        raise CheckpointError(f"{who}: {path} is a zip archive without .npy arrays, not an npz checkpoint.")
    return arrays if structure is None else _rebuild(structure, arrays, path, who)


def _check_inflation(info: zipfile.ZipInfo, path: str, who: str) -> None:
    """A member whose declared size its compressed bytes cannot produce is refused before reading it."""
    limit = info.compress_size * (1 if info.compress_type == zipfile.ZIP_STORED else MAX_DEFLATE_RATIO) + 1024
    if info.file_size > limit:
        raise CheckpointError(f"{who}: {path}: member {info.filename!r} claims {info.file_size} bytes but stores "
                              f"{info.compress_size}; the archive is corrupt (or a decompression bomb). Refused "
                              f"without reading it.")


def _npz_members(archive: zipfile.ZipFile, path: str, who: str) -> Iterator[tuple[str, np.ndarray]]:
    """(key, array) for each ``.npy`` member, each header checked against the member's size first, so
    a header claiming 10^12 values is refused, not allocated."""
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            continue
        key = info.filename[:-4]
        _check_inflation(info, path, who)
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            reader = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in reader:
                raise ValueError(f"member {key!r} has .npy format version {version}; tensorgrad reads 1.0 and 2.0")
            shape, _, dtype = reader[version](member)
            header_bytes = member.tell()
        if dtype.hasobject:
            raise CheckpointError(f"{who}: {path}: array {key!r} holds Python objects (pickled data); tensorgrad "
                                  f"loads only numeric arrays and never unpickles.")
        claimed = math.prod(shape) * dtype.itemsize
        stored = info.file_size - header_bytes
        if claimed != stored:
            raise CheckpointError(f"{who}: {path}: the header of array {key!r} claims shape {tuple(shape)} of "
                                  f"{dtype} = {claimed:,} bytes, but the archive stores {stored:,}; the file is "
                                  f"corrupt. Refused without allocating it.")
        with archive.open(info) as member:
            yield key, np.lib.format.read_array(member, allow_pickle=False)


__all__ = ["save", "load", "write_checkpoint", "read_checkpoint", "CheckpointError", "StateDict", "FORMATS",
           "STORABLE_DTYPES", "MAX_DEFLATE_RATIO"]
