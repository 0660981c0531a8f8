"""PyTorch's determinism switch. tensorgrad runs numpy on the CPU and has none of the nondeterministic GPU
kernels the switch turns off, so it only records the flag: programs that set it
(``torch.use_deterministic_algorithms(True)``, as the DCGAN tutorial does) run, and can read it back."""
from __future__ import annotations

_state = {"enabled": False, "warn_only": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """torch.use_deterministic_algorithms: records the flag (nothing to switch off here)."""
    if not isinstance(mode, bool) or not isinstance(warn_only, bool):
        raise TypeError(f"use_deterministic_algorithms: mode and warn_only must be bools, got {mode!r} and "
                        f"{warn_only!r}.")
    _state.update(enabled=mode, warn_only=warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """torch.are_deterministic_algorithms_enabled: the flag last set by use_deterministic_algorithms."""
    return _state["enabled"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """torch.is_deterministic_algorithms_warn_only_enabled: its warn_only flag."""
    return _state["warn_only"]


__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled"]
