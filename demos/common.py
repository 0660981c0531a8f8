"""What every demo shares: its command-line parser and the line that puts our figure beside the seed's."""
from __future__ import annotations

import argparse


def parser(module: str, doc: str) -> argparse.ArgumentParser:
    """An argparse parser named ``python -m demos.<module>`` whose --help is the demo's docstring."""
    return argparse.ArgumentParser(prog=f"python -m demos.{module}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def compare(label: str, ours: float | str, seed: float | str, fmt: str = ".4f") -> None:
    """Print ``label: ours  (seed: theirs)``, numbers with ``fmt``."""
    def show(v: float | str) -> str:
        return v if isinstance(v, str) else format(v, fmt)
    print(f"  {label:<28} ours {show(ours):>16}   seed {show(seed):>16}")
