"""Agent-based model of the Soviet Communist Party purges, 1933-1939 (after Getty 1985)."""

from model.arrays import ArrayPurgeModel
from model.model import PurgeModel
from model.params import ParameterError, Parameters
from model.scenario import Scenario, ScenarioError, load_scenario

ENGINES = {"agents": PurgeModel, "arrays": ArrayPurgeModel}

__all__ = ["ENGINES", "ArrayPurgeModel", "PurgeModel", "Parameters", "ParameterError", "Scenario", "ScenarioError",
           "load_scenario"]
