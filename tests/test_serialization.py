"""tg.save / tg.load: round trips of every supported value, the file formats (safetensors by default,
npz by name or argument, told apart by content on loading), and clear errors for corrupt, truncated,
oversized and pickled files, each naming the file."""
from __future__ import annotations

import io
import json
import math
import pickle
import struct
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
from hypothesis import given, strategies as st

import nn
import tensorgrad as tg
from tensorgrad.serialization import CheckpointError


def _model(seed: int = 0) -> nn.Sequential:
    tg.manual_seed(seed)
    return nn.Sequential([nn.Dense(4, input_dim=3, activation="tanh"), nn.Dense(2)])


def _equal(a, b) -> None:
    """Deep equality with types: Tensors and arrays by dtype, shape and bits; NaN equal to NaN."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, tg.Tensor):
        assert a.requires_grad == b.requires_grad
        a, b = a.numpy(force=True), b.numpy(force=True)
    if isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b) and [type(k) for k in a] == [type(k) for k in b]
        for k in a:
            _equal(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _equal(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


EVERYTHING = {
    "model": {"layers.0.weight": np.arange(6, dtype=np.float32).reshape(2, 3), "layers.0.bias": np.zeros(2)},
    "optimizer": {"state": {0: {"step": 3, "exp_avg": np.full((2, 3), 0.5)}},
                  "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1], "name": None}]},
    "epoch": 7, "loss": float("nan"), "best": float("inf"), "big": 2**80, "flag": True, "note": "가중치 \"w\"",
    "t": tg.tensor([1.0, -2.0], requires_grad=True), "frozen": tg.tensor([[3, 4]]),
    "dtypes": [np.ones(2, dtype=d) for d in (np.float16, np.float64, np.int8, np.uint8, np.int16, np.uint16,
                                              np.int32, np.uint32, np.int64, np.uint64, np.bool_, np.complex64)],
    "scalars": (np.float32(1.5), np.int64(-3), np.array(2.5)), "empty": np.zeros((0, 3)), "nothing": [],
}


@pytest.mark.parametrize("name", ["ckpt.pth", "ckpt.safetensors", "ckpt.npz", "ckpt"])
def test_everything_round_trips_exactly(tmp_path, name):
    tg.save(EVERYTHING, tmp_path / name)
    _equal(tg.load(tmp_path / name), EVERYTHING)


def test_save_then_load_state_dict_gives_the_same_model(tmp_path):
    model, fresh = _model(1), _model(2)
    tg.save(model.state_dict(), tmp_path / "model.pth")
    fresh.load_state_dict(tg.load(tmp_path / "model.pth"))
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_array_equal(fresh(x).numpy(force=True), model(x).numpy(force=True))


def test_a_flat_state_dict_is_stored_under_exactly_its_keys(tmp_path):
    state = {"0.weight": np.ones((4, 3), np.float32), "0.bias": np.zeros(4, np.float32), "2.weight": np.eye(2)}
    tg.save(state, tmp_path / "m.safetensors")
    stored = safetensors.numpy.load_file(tmp_path / "m.safetensors")
    assert set(stored) == set(state)
    for k in state:
        np.testing.assert_array_equal(stored[k], state[k])
    tg.save(state, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:       # a plain npz: nothing extra
        assert npz.files == list(state)


def test_nested_structures_flatten_to_dotted_keys_with_the_structure_in_the_metadata(tmp_path):
    tg.save({"model": {"0.weight": np.ones(2)}, "hist": [np.zeros(1), {"a": np.ones(3)}], "epoch": 3},
            tmp_path / "c.safetensors")
    assert set(safetensors.numpy.load_file(tmp_path / "c.safetensors")) == {"model.0.weight", "hist.0", "hist.1.a"}
    with open(tmp_path / "c.safetensors", "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    assert json.loads(header["__metadata__"]["tensorgrad.structure"])["dict"][2] == ["epoch", {"value": 3}]


def test_format_follows_the_argument_and_loading_follows_the_content(tmp_path):
    tg.save({"w": np.ones(2)}, tmp_path / "a.npz", format="safetensors")   # safetensors under an npz name
    tg.save({"w": np.ones(2)}, tmp_path / "b.pth", format="npz")           # and the reverse
    assert (tmp_path / "a.npz").read_bytes()[8:9] == b"{" and zipfile.is_zipfile(tmp_path / "b.pth")
    for name in ("a.npz", "b.pth"):
        np.testing.assert_array_equal(nn.load_state(tmp_path / name)["w"], np.ones(2))
    np.savez(tmp_path / "numpy.npz", w=np.arange(3), b=np.ones(1))          # a user's own npz
    assert list(tg.load(tmp_path / "numpy.npz")) == ["w", "b"]
    with pytest.raises(ValueError, match="format='pickle' is not one of 'safetensors', 'npz'"):
        tg.save({}, tmp_path / "x", format="pickle")


def test_a_safetensors_file_written_elsewhere_loads_as_tensors(tmp_path):
    safetensors.numpy.save_file({"fc.weight": np.ones((2, 3), np.float32)}, tmp_path / "hub.safetensors")
    loaded = tg.load(tmp_path / "hub.safetensors")
    assert list(loaded) == ["fc.weight"] and isinstance(loaded["fc.weight"], tg.Tensor)
    assert nn.load_state(tmp_path / "hub.safetensors")["fc.weight"].shape == (2, 3)


@pytest.mark.parametrize("obj, error, message", [
    ({"a.b": np.ones(1), "a": {"b": np.zeros(1)}}, ValueError,
     r"\['a.b'\] and \['a'\]\['b'\] would both be stored under the key 'a.b'"),
    ({1: np.ones(1), "1": np.ones(1)}, ValueError, r"\[1\] and \['1'\] would both be stored under the key '1'"),
    ({"x": np.array(["text"])}, TypeError, r"\['x'\] is an array of dtype <U4"),
    ({"x": np.zeros(2, "datetime64[D]")}, TypeError, r"\[.x.\] is an array of dtype datetime64\[D\]"),
    ({"x": np.array([object()])}, TypeError, r"\['x'\] is an array of dtype object"),
    ({"x": [set()]}, TypeError, r"\['x'\]\[0\] is a set; tensorgrad saves tensors"),
    ({(1, 2): np.ones(1)}, TypeError, r"has a key \(1, 2\) of type tuple"),
    (nn.Dense(2, input_dim=2), TypeError, r"the object is a Dense.*Save its state_dict\(\) instead"),
])
def test_what_cannot_be_saved_is_refused_naming_where_it_is(tmp_path, obj, error, message):
    with pytest.raises(error, match=message):
        tg.save(obj, tmp_path / "x.safetensors")
    assert not (tmp_path / "x.safetensors").exists()


def test_torch_load_arguments_are_accepted_and_cuda_is_refused(tmp_path):
    tg.save({"w": np.ones(1)}, tmp_path / "m.pt")
    assert list(tg.load(tmp_path / "m.pt", map_location="cpu", weights_only=True)) == ["w"]
    with pytest.raises(ValueError, match="map_location='cuda'.*CPU"):
        tg.load(tmp_path / "m.pt", map_location="cuda")


# ------------------------------------------------------------------------------ corrupt and truncated files
def _checkpoint(tmp_path) -> bytes:
    tg.save(_model().state_dict(), tmp_path / "good.safetensors")
    return (tmp_path / "good.safetensors").read_bytes()


def test_truncated_and_corrupt_safetensors_files_name_the_file(tmp_path):
    good = _checkpoint(tmp_path)
    header_end = 8 + struct.unpack("<Q", good[:8])[0]
    cases = {"cut-in-data": good[:-5], "cut-in-header": good[:header_end // 2], "cut-after-length": good[:8],
             "no-data": good[:header_end], "bad-json": good[:9] + b"\x00" * (header_end - 9) + good[header_end:],
             "huge-length": struct.pack("<Q", 2**62) + good[8:], "extra-bytes": good + b"\x00" * 7}
    for name, raw in cases.items():
        path = tmp_path / f"{name}.safetensors"
        path.write_bytes(raw)
        for load in (tg.load, nn.load_state):
            with pytest.raises(ValueError, match=f"{name}.safetensors is not a readable") as err:
                load(path)
            assert isinstance(err.value, CheckpointError)


def test_any_truncation_or_byte_change_is_a_clean_error_or_a_valid_load(tmp_path, record_property):
    good = _checkpoint(tmp_path)
    path = tmp_path / "f.safetensors"
    seen = {"examples": 0, "refused": 0}

    @given(st.integers(min_value=0, max_value=len(good) - 1), st.integers(min_value=0, max_value=255))
    def check(at, value):
        for raw in (good[:at], good[:at] + bytes([value]) + good[at + 1:]):
            path.write_bytes(raw)
            seen["examples"] += 1
            try:
                loaded = tg.load(path)
            except CheckpointError as err:
                assert "f.safetensors" in str(err)
                seen["refused"] += 1
            else:
                # a change inside the data (or a key's spelling) still parses: the same number of arrays
                assert isinstance(loaded, dict) and len(loaded) == len(_model().state_dict())

    check()
    record_property("hypothesis examples", seen["examples"])
    assert seen["refused"] > 0


def test_an_npz_header_claiming_a_trillion_values_is_refused_without_allocating(tmp_path):
    buffer = io.BytesIO()                                             # a header claiming 10^12 values...
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    raw = buffer.getvalue() + np.zeros(4).tobytes()                   # ...before 4 of them
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("w.npy", raw)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"huge\.npz.*'w' claims shape \(1000000000000,\) of float64 = "
                                             r"8,000,000,000,000 bytes, but the archive stores 32"):
            nn.load_state(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def test_an_npz_member_that_claims_more_than_it_can_inflate_to_is_refused(tmp_path):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("w.npy", b"\x00" * 1000)
    raw = bytearray(path.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):   # uncompressed size in both headers
        at = raw.index(sig) + offset
        raw[at:at + 4] = struct.pack("<I", 2**32 - 1)
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"bomb\.npz: member 'w\.npy' claims 4294967295 bytes"):
        tg.load(path)


# ------------------------------------------------------------------------------ pickles and other formats
def test_a_pickle_is_refused_with_the_recipe_to_convert_it_not_a_pickle_load_hint(tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps({"w": np.ones(3)}, protocol=2))
    for load, who in ((tg.load, "tg.load"), (nn.load_state, "nn.load_state")):
        with pytest.raises(ValueError) as err:
            load(path)
        message = str(err.value)
        assert message.startswith(f"{who}: {path} is a Python pickle")
        assert "pickle.load" not in message and "allow_pickle" not in message
        assert "safetensors.torch.save_file" in message and "torch.load" in message


def test_a_pytorch_zip_checkpoint_is_recognised(tmp_path):
    path = tmp_path / "model.pth"
    with zipfile.ZipFile(path, "w") as archive:                     # the layout torch.save writes
        archive.writestr("model/data.pkl", pickle.dumps({"w": 1}))
        archive.writestr("model/version", "3\n")
        archive.writestr("model/data/0", b"\x00" * 16)
    with pytest.raises(ValueError, match=r"(?s)model\.pth is a PyTorch checkpoint .*safetensors\.torch\.save_file"):
        tg.load(path)


@pytest.mark.parametrize("raw, message", [
    (b"", r"empty\.bin is not a readable safetensors checkpoint: it is empty"),
    (b"\x89HDF\r\n\x1a\n" + b"\x00" * 32, r"empty\.bin is an HDF5 file"),
    (b"hello, world, not a checkpoint", r"empty\.bin is not a readable safetensors checkpoint \(it starts with"),
])
def test_other_files_are_named_and_explained(tmp_path, raw, message):
    (tmp_path / "empty.bin").write_bytes(raw)
    with pytest.raises(ValueError, match=message):
        tg.load(tmp_path / "empty.bin")


def test_a_directory_and_a_missing_file_are_named(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        tg.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="nowhere.pth"):
        tg.load(tmp_path / "nowhere.pth")


def test_load_state_refuses_a_nested_checkpoint_and_says_what_to_do(tmp_path):
    tg.save({"model": _model().state_dict(), "epoch": 2}, tmp_path / "full.pth")
    with pytest.raises(ValueError, match=r"nested checkpoint with keys 'model', 'epoch'.*tg\.load"):
        nn.load_state(tmp_path / "full.pth")
    _model(3).load_state_dict(tg.load(tmp_path / "full.pth")["model"])


def test_big_endian_and_strided_arrays_are_stored_by_value(tmp_path):
    big = np.arange(6, dtype=">i4").reshape(2, 3)
    strided = np.arange(16.0).reshape(4, 4)[:, ::2]
    tg.save({"big": big, "strided": strided}, tmp_path / "a.safetensors")
    loaded = tg.load(tmp_path / "a.safetensors")
    np.testing.assert_array_equal(loaded["big"], big)
    np.testing.assert_array_equal(loaded["strided"], strided)
    assert loaded["big"].dtype == np.dtype("<i4")


# ------------------------------------------------------------------------------ PyTorch's files
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", ["torch_state_dict.pt", "torch_state_dict_legacy.pt"])
def test_real_torch_save_files_are_refused_with_the_recipe(name):
    """Files written by torch.save (zip and legacy pickle formats; committed fixtures, no torch needed)."""
    with pytest.raises(CheckpointError) as err:
        nn.load_state(FIXTURES / name)
    message = str(err.value)
    assert name in message and "never unpickles" in message and "pickle.load" not in message
    assert "torch.load(" in message and "safetensors.torch.save_file(" in message


def test_following_the_recipe_converts_a_torch_checkpoint(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch
    state = torch.load(FIXTURES / "torch_state_dict.pt", map_location="cpu", weights_only=True)
    safetensors.torch.save_file({k: v.contiguous() for k, v in state.items()}, tmp_path / "model.safetensors")
    loaded = nn.load_state(tmp_path / "model.safetensors")
    assert set(loaded) == {"0.weight", "0.bias"}
    for k, v in state.items():
        np.testing.assert_array_equal(loaded[k], v.numpy())


def test_a_pytorch_spelled_state_dict_loads_into_torch_unchanged(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch
    rng = np.random.default_rng(0)
    weight, bias = rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=2).astype(np.float32)
    tg.save({"0.weight": tg.tensor(weight, requires_grad=True), "0.bias": bias}, tmp_path / "lin.pth")
    model = torch.nn.Sequential(torch.nn.Linear(3, 2))
    model.load_state_dict(safetensors.torch.load_file(tmp_path / "lin.pth"))    # strict: exactly its keys
    x = rng.normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(model(torch.from_numpy(x)).detach().numpy(), x @ weight.T + bias, rtol=1e-6)


def test_a_bfloat16_safetensors_file_is_a_clear_error(tmp_path):
    torch = pytest.importorskip("torch")
    import safetensors.torch
    safetensors.torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16)}, tmp_path / "bf16.safetensors")
    with pytest.raises(CheckpointError, match=r"bf16\.safetensors.*bfloat16.*float32"):
        tg.load(tmp_path / "bf16.safetensors")


@pytest.mark.parametrize("format", ["safetensors", "npz"])
def test_file_objects_round_trip_as_with_torch_save(format):
    buffer = io.BytesIO()
    tg.save(EVERYTHING, buffer, format=format)
    buffer.seek(0)
    _equal(tg.load(buffer), EVERYTHING)
    with pytest.raises(CheckpointError, match="the BytesIO buffer is not a readable safetensors file"):
        tg.load(io.BytesIO(buffer.getvalue()[:-3] if format == "safetensors" else b"\x08" + b"\x00" * 7 + b"{}"))
    with pytest.raises(TypeError, match="f must be a file path .* or a binary file object, got a int"):
        tg.save({}, 3)


def test_a_compressed_npz_loads(tmp_path):
    np.savez_compressed(tmp_path / "c.npz", w=np.arange(1000.0), b=np.ones((3, 3), np.int16))
    loaded = nn.load_state(tmp_path / "c.npz")
    np.testing.assert_array_equal(loaded["w"], np.arange(1000.0))
    assert loaded["b"].dtype == np.int16


def test_training_resumed_from_a_checkpoint_continues_bit_for_bit(tmp_path):
    import optim
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=(8, 2)).astype(np.float32)

    def step(model, opt):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()

    model = _model(4)
    opt = optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(3):
        step(model, opt)
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, tmp_path / "ckpt.pth")
    resumed = _model(5)
    resumed_opt = optim.Adam(resumed.parameters(), lr=1e-2)
    checkpoint = tg.load(tmp_path / "ckpt.pth")
    resumed.load_state_dict(checkpoint["model"])
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    assert checkpoint["epoch"] == 3 and checkpoint["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    for _ in range(2):
        step(model, opt)
        step(resumed, resumed_opt)
    for a, b in zip(model.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
