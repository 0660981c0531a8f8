"""Which way a model stores its kernels, recorded in its checkpoints: Keras-spelled layers (Dense, Conv2D,
LSTM ...) keep kernels (in, out) / (kh, kw, in, out), PyTorch-spelled ones (Linear, Conv2d, nn.LSTM ...)
weights (out, in) / (out, in, kh, kw). Both spellings name a Sequential's parameters ``0.weight`` ...,
so a square kernel would load transposed without a word: ``load_state_dict`` refuses a checkpoint
whose recorded layout differs from the model's."""
from __future__ import annotations

from typing import Any, Mapping

KEY = "kernel_layout"                     # the safetensors metadata entry
KERAS = "keras (in, out)"
PYTORCH = "pytorch (out, in)"
MIXED = "mixed"


def _spellings() -> tuple[tuple[type, ...], tuple[type, ...]]:
    from .conv import Conv1D, Conv1d, Conv2D, Conv2d
    from .conv_transpose import Conv1DTranspose, Conv2DTranspose, ConvTranspose1d, ConvTranspose2d
    from .layers import Dense, Linear
    from .recurrent import GRU as KerasGRU
    from .recurrent import LSTM as KerasLSTM
    from .recurrent import SimpleRNN
    from .rnn import GRU, LSTM, RNN
    return ((Dense, Conv1D, Conv2D, Conv1DTranspose, Conv2DTranspose, SimpleRNN, KerasLSTM, KerasGRU),
            (Linear, Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, RNN, LSTM, GRU))


def kernel_layout(model: Any) -> str | None:
    """KERAS, PYTORCH or MIXED for the kernel-holding layers in ``model``; None when it has none."""
    keras, pytorch = _spellings()
    modules = list(model.modules()) if hasattr(model, "modules") else [model]
    found = {KERAS if isinstance(m, keras) else PYTORCH for m in modules if isinstance(m, keras + pytorch)}
    return None if not found else found.pop() if len(found) == 1 else MIXED


def layout_metadata(model: Any) -> dict[str, str]:
    """The metadata entry a checkpoint of ``model`` records (empty for a model without kernels)."""
    layout = kernel_layout(model)
    return {} if layout is None else {KEY: layout}


def check_layout(model: Any, state: Mapping[str, Any]) -> None:
    """ValueError when ``state`` records a kernel layout other than ``model``'s (a Keras-spelled checkpoint
    into a PyTorch-spelled model, or the reverse)."""
    stored = getattr(state, "metadata", {}).get(KEY)
    mine = kernel_layout(model)
    if stored is None or mine is None or stored == mine or MIXED in (stored, mine):
        return
    spelled = {KERAS: "the Keras way (Dense, Conv2D, LSTM ...)", PYTORCH: "the PyTorch way (nn.Linear, nn.Conv2d, "
                                                                            "nn.LSTM ...)"}
    raise ValueError(
        f"load_state_dict: the checkpoint stores its kernels {stored} (a model spelled {spelled[stored]}), but "
        f"{type(model).__name__} '{model.name}' is spelled {spelled[mine]} and keeps them {mine}; loading it would "
        f"transpose the kernels silently. Nothing was loaded. Build the model with the checkpoint's spelling, or "
        f"convert the arrays yourself (a Dense kernel is the transpose of a Linear weight) and pass them as a plain "
        f"dict.")
