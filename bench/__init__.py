"""Benchmarks: each module prints a table and the command that reproduces it."""
