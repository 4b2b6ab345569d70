"""The ``purges`` command line: :mod:`experiments.cli.main` is the entry point.

One module per command group (:mod:`~experiments.cli.run`, :mod:`~experiments.cli.sweep`,
:mod:`~experiments.cli.calibrate`, :mod:`~experiments.cli.compare`), each of which parses
its arguments, calls a recipe (:mod:`experiments.recipes`) and prints; what they share is
in :mod:`~experiments.cli.common`. No module imports from the entry point.
"""
