"""Agent-based model of the Soviet Communist Party purges, 1933-1939 (after Getty 1985).

Two engines run the same rules (:mod:`model.rules`) on the same scenarios: the Mesa
reference engine :class:`PurgeModel` (one agent per member) and the vectorized
:class:`ArrayPurgeModel` (members as numpy arrays) for full historical scale.
"""

from model.arrays import ArrayPurgeModel
from model.model import PurgeModel
from model.params import ParameterError, Parameters
from model.scenario import Scenario, ScenarioError, load_scenario

ENGINES = {"agents": PurgeModel, "arrays": ArrayPurgeModel}
# "auto" picks the array engine from this many members up (6-12x faster at 4,000 members,
# more above, benchmarks/bench_engines.py); small runs keep the reference engine, where
# each member can be inspected as a Mesa agent (teaching, the app).
ARRAYS_FROM = 1000


def engine_class(name: str, n_members: int) -> type:
    """The model class for engine ``name`` ("agents", "arrays" or "auto")."""
    if name == "auto":
        name = "arrays" if n_members >= ARRAYS_FROM else "agents"
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose one of auto, {', '.join(ENGINES)}")
    return ENGINES[name]


__all__ = ["ENGINES", "ArrayPurgeModel", "PurgeModel", "Parameters", "ParameterError",
           "Scenario", "ScenarioError", "engine_class", "load_scenario"]
