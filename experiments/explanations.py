"""The rival explanations the verdict weighs, with their free parameters and priors.

Read from ``experiments/data/explanations.toml`` (one file; a reason beside every range):
each explanation is a variant of :mod:`model.variants` and the uniform priors of its free
parameters, the common ones (the strength of the operations) first. Every prior is
checked against the scenario at both ends of its range, so a bad key or range is one line
naming it, before any run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from experiments.runner import build_scenario
from experiments.sweep import Factor
from model.scenario import ScenarioError
from model.variants import VARIANTS

EXPLANATIONS_FILE = Path(__file__).parent / "data" / "explanations.toml"


class ExplanationsError(ValueError):
    """A malformed explanations file (one line naming the problem)."""


@dataclass(frozen=True)
class Prior:
    """A free parameter's uniform prior and why its range is what it is."""

    name: str
    low: float
    high: float
    why: str

    @property
    def factor(self) -> Factor:
        """As a sweep's or a calibration's factor."""
        return Factor(self.name, self.low, self.high)


@dataclass(frozen=True)
class Explanation:
    """A named explanation: its variant and the priors of its free parameters."""

    name: str
    variant: str
    label: str
    priors: tuple[Prior, ...]

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The free parameters' names, in prior order."""
        return tuple(p.name for p in self.priors)


def _priors(table: object, where: str) -> list[Prior]:
    if not isinstance(table, dict):
        raise ExplanationsError(f"{where}: 'priors' must be a table of name = {{low, high, why}}")
    out = []
    for name, spec in table.items():
        if not isinstance(spec, dict) or set(spec) != {"low", "high", "why"}:
            raise ExplanationsError(f"{where}: prior '{name}' needs exactly low, high and why")
        low, high, why = spec["low"], spec["high"], spec["why"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high)):
            raise ExplanationsError(f"{where}: prior '{name}': low and high must be numbers")
        if not low < high:
            raise ExplanationsError(f"{where}: prior '{name}': low {low} is not below high {high}")
        if not isinstance(why, str) or len(why.strip()) < 15:
            raise ExplanationsError(f"{where}: prior '{name}' needs its reason ('why')")
        out.append(Prior(name, float(low), float(high), why.strip()))
    return out


def load_explanations(path: str | Path | None = None) -> dict[str, Explanation]:
    """The explanations of ``path`` (default :data:`EXPLANATIONS_FILE`), checked.

    Raises:
        ExplanationsError: one line naming the file, the explanation and the problem.
    """
    path = Path(path) if path is not None else EXPLANATIONS_FILE
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ExplanationsError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as err:
        raise ExplanationsError(f"{path}: not valid TOML ({err})") from None
    common = _priors(raw.pop("common", {}).get("priors", {}), f"{path} [common]")
    own: dict[str, list[Prior]] = {}
    specs: dict[str, dict] = {}
    for name, spec in raw.items():
        where = f"{path} [{name}]"
        if not isinstance(spec, dict):
            raise ExplanationsError(f"{where}: must be a table")
        unknown = set(spec) - {"variant", "label", "priors", "priors_from"}
        if unknown:
            raise ExplanationsError(f"{where}: unknown key '{sorted(unknown)[0]}'")
        if spec.get("variant") not in VARIANTS:
            raise ExplanationsError(f"{where}: 'variant' must be one of {', '.join(VARIANTS)}")
        specs[name] = spec
        own[name] = _priors(spec.get("priors", {}), where)
    explanations = {}
    for name, spec in specs.items():
        where = f"{path} [{name}]"
        priors = list(own[name])
        source = spec.get("priors_from")
        if source is not None:
            if source not in own or specs[source].get("priors_from"):
                raise ExplanationsError(f"{where}: 'priors_from' must name an explanation "
                                        "with priors of its own")
            fixed = set(VARIANTS[spec["variant"]].parameters)
            priors += [p for p in own[source] if p.name not in fixed]
        priors = common + priors
        names = [p.name for p in priors]
        if len(set(names)) != len(names):
            raise ExplanationsError(f"{where}: a parameter has two priors")
        fixed = set(VARIANTS[spec["variant"]].parameters)
        undone = [p.name for p in priors if p.name in fixed]
        if undone:
            raise ExplanationsError(f"{where}: prior on '{undone[0]}', which the variant "
                                    f"'{spec['variant']}' fixes (it would undo the explanation)")
        for end in ("low", "high"):  # every key and range valid on the scenario
            try:
                build_scenario(None, spec["variant"], {p.name: getattr(p, end) for p in priors})
            except ScenarioError as err:
                raise ExplanationsError(f"{where}: {err}") from None
        explanations[name] = Explanation(name, spec["variant"], spec.get("label", name),
                                         tuple(priors))
    if not explanations:
        raise ExplanationsError(f"{path}: no explanations")
    return explanations
