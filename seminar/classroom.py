"""The model as the seminar app builds it: a variant and a few controls over PurgeModel.

Kept apart from the app's drawing code (Mesa's layout: model, agents, app in separate
files). The reference engine is used, so every member is a Mesa agent that can be shown
in the district network.
"""

from __future__ import annotations

from model import PurgeModel, load_scenario
from model.scenario import Scenario


class SeminarModel(PurgeModel):
    """:class:`model.PurgeModel` built from the seminar's controls.

    Args:
        variant: A named explanation of :mod:`model.variants`.
        chistka_conducted_by: Who ran the 1933 purge: ``commission`` (as it was, L650-664),
            ``secretaries`` or ``rank_and_file``.
        proverka_conducted_by: Who ran the 1935 verification: ``secretaries`` (as it was,
            L1075), ``commission`` or ``rank_and_file``.
        rng: Seed (text is accepted: the app's seed box gives text).
        scenario: Ignored unless it is one of this project's scenarios (Mesa's controllers pass
            Mesa's own scenario object on reset).
        **overrides: Parameters of :class:`model.params.Parameters` (validated).
    """

    def __init__(self, *, variant: str = "center-periphery",
                 chistka_conducted_by: str = "commission",
                 proverka_conducted_by: str = "secretaries", rng=None, scenario=None,
                 n_members: int = 1500, **overrides):
        """Build the scenario from the controls, then the model."""
        calendar = scenario if isinstance(scenario, Scenario) else load_scenario()
        calendar = _conducted_by(calendar.with_variant(variant), "chistka", chistka_conducted_by)
        calendar = _conducted_by(calendar, "proverka", proverka_conducted_by)
        seed = 1 if rng in ("", None) else rng
        try:
            seed = int(str(seed).strip())
        except ValueError:
            raise ValueError(f"the random seed must be a whole number, got {rng!r}") from None
        self.variant = variant
        # the controls this model was built with (the app compares them with its controls)
        self.controls = {"variant": variant, "chistka_conducted_by": chistka_conducted_by,
                         "proverka_conducted_by": proverka_conducted_by,
                         "rng": str(seed),
                         "n_members": int(n_members), **overrides}
        super().__init__(scenario=calendar, rng=seed,
                         n_members=int(n_members), **overrides)


def _conducted_by(calendar: Scenario, campaign: str, who: str) -> Scenario:
    import dataclasses

    if who not in ("commission", "secretaries", "rank_and_file", "nkvd"):
        from model.scenario import ScenarioError

        raise ScenarioError(f"unknown conductor {who!r}")
    return dataclasses.replace(calendar, campaigns=tuple(
        dataclasses.replace(c, conducted_by=who) if c.name == campaign else c
        for c in calendar.campaigns))
