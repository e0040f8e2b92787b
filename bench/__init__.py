"""Benchmarks run by `make bench`; results are merged into bench/results.json."""
