"""Benchmarks: speed and memory figures measured against a baseline taken in the same run."""
