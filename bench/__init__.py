"""Benchmarks: the platform under national-scale load, measured against this machine's limits."""
