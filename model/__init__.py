"""Agent-based model of the Soviet Communist Party purges, 1933-1939 (after Getty 1985)."""

from model.model import PurgeModel
from model.params import ParameterError, Parameters
from model.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["PurgeModel", "Parameters", "ParameterError", "Scenario", "ScenarioError",
           "load_scenario"]
