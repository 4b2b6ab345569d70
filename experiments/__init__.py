"""Experiments with the purge model: runs over seeds, comparison with the record, sweeps.

The recipes of the ``purges`` commands are library functions (:mod:`experiments.recipes`):

* :func:`run_historical` - what ``purges run`` does;
* :func:`compare` - what ``purges compare`` does;
* :func:`calibrate` - what ``purges calibrate`` does.

The outputs they read off a run are defined once in :mod:`experiments.outputs`.
"""

__all__ = ["calibrate", "compare", "run_historical"]


def __getattr__(name: str):
    """The recipes, imported when first asked for (PEP 562).

    A module of the package (``experiments.sweep``, say) can then be imported, by a Dask
    worker or a test, without the recipes' dependencies (pyabc and its plotting take
    seconds to import).
    """
    if name in __all__:
        import experiments.recipes as recipes

        return getattr(recipes, name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
