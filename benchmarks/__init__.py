"""Benchmarks that time tensorgrad next to its references in the same process and print ratios.

Run one with ``python -m benchmarks.NAME --help``; ``make bench`` runs them all and writes
``benchmarks/RESULTS.md``. They are never unit tests: tests only check that each runs on a tiny size.
"""
