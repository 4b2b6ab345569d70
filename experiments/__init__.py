"""Experiments with the purge model: runs over seeds, comparison with the record, sweeps.

The recipes of the ``purges`` commands are library functions (:mod:`experiments.recipes`):

* :func:`run_historical` - what ``purges run`` does;
* :func:`compare` - what ``purges compare`` does;
* :func:`calibrate` - what ``purges calibrate`` does.

The outputs they read off a run are defined once in :mod:`experiments.outputs`.
"""

from experiments.recipes import calibrate, compare, run_historical

__all__ = ["calibrate", "compare", "run_historical"]
