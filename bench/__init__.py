"""Benchmarks, run by ``make bench``: each module prints one table with its figures and ratios."""
