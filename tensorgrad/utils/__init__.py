"""Utilities with PyTorch's names: ``tensorgrad.utils.data`` (datasets, samplers, DataLoader)."""
from . import data

__all__ = ["data"]
