"""Experiments with the purge model: CLI, runs over seeds, comparison with the record."""
