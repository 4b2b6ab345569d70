"""Named model variants: rival explanations as presets over the same rules.

A variant changes parameters, the regions' traits and the campaigns of a scenario; it
never changes a rule. ``center-periphery`` is the model as calibrated by hand (Getty);
``totalitarian`` is the rival school as the book characterizes it; the ablations switch
one mechanism of the center-periphery variant off at a time. Select one with
``variant = "..."`` in a scenario's ``[scenario]`` table or ``--variant`` on the command
line.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.scenario import Campaign


@dataclass(frozen=True)
class Variant:
    """A named explanation: what it assumes, where that comes from, and how it is set."""

    name: str
    label: str
    assumes: str
    sources: str
    parameters: dict[str, Any] = field(default_factory=dict)
    regions: dict[str, float] = field(default_factory=dict)
    campaigns: Callable[[Campaign], Campaign] | None = None


def _center_defines_targets(c: Campaign) -> Campaign:
    """The totalitarian reading of the calendar.

    Targets are the center's: former oppositionists and class aliens ("the Old
    Bolsheviks of Lenin's (and Stalin's) generation were the purges' target", L145;
    Fainsod's "elimination of all actual or potential competitors", L141, n. 3), not the
    passive "ballast"; the apparatus executes them without losing zeal (no decay); and the
    operations form "the same planned crescendo of terror" (L175, L2342): each screening
    and meeting campaign is stronger than the one before, up to the Ezhovshchina.
    """
    year = int(c.start[:4])
    crescendo = {1933: 0.7, 1934: 0.8, 1935: 0.9, 1936: 1.1}.get(year, 1.0)
    changes: dict[str, Any] = {}
    if c.pace > 0:
        changes.update(zeal_floor=1.0, intensity=c.intensity * crescendo,
                       targets={"opposition": 3.0, "old_bolshevik": 2.0, "alien_past": 2.0,
                                "misconduct": 0.5,
                                "indiscipline": 0.5, "card_irregularity": 0.2,
                                "bureaucratism": 0.5, "passivity": 0.0})
    if c.vigilance > 0 and c.pace == 0:
        changes.update(vigilance=c.vigilance * crescendo)
    return dataclasses.replace(c, **changes)


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    Variant(
        "center-periphery", "Center-periphery (Getty)",
        "Ambiguous central campaigns are refracted by regional and district machines: "
        "family circles protect their clients, expulsions are deflected onto passive "
        "'ballast', records are chaotic, regions drag their feet or work formally; the "
        "center monitors noisy reports, rebukes and orders repeats; in 1937 criticism from "
        "below, secret-ballot elections and the NKVD go around the secretaries and the blow "
        "falls on leaders.",
        "Getty, Introduction (L145-175), ch. 2-3 (L664, L693, L713, L1461-1463), ch. 6-7 "
        "(L1912, L1994, L2002-2008), Conclusion (L2304-2342)"),
    Variant(
        "totalitarian", "Totalitarian / intentionalist",
        "An efficient, obedient and well-informed apparatus executes the center's targets: "
        "oppositionists, Old Bolsheviks' generation and class aliens. No protection of "
        "clients, no deflection onto passives, no foot-dragging or formalism, accurate "
        "records, no independent criticism from below (the 1937 elections are staged), a "
        "police that answers only to the center; the operations of 1933-37 are one planned "
        "crescendo culminating in the Ezhovshchina.",
        "The school as Getty characterizes it: L141 (Fainsod, Deutscher, Brzezinski, "
        "Arendt), L145 (one planned process, a single agency, the Old Bolsheviks as target), "
        "L147 ('efficient and obedient' bureaucracies), L175 and L2342 ('the same planned "
        "crescendo'), L1473 ('Stalin as master planner'), L2304 ('monolithic and "
        "homogeneous machine').",
        parameters={"protection_strength": 0.0, "skill_protection": 0.0, "deflection": 0.0,
                    "from_above_rate": 0.0, "retaliation": 0.0, "drift_rate": 0.0,
                    "initial_dead_soul_share": 0.0, "from_below_rate": 0.0,
                    "local_nkvd_shield": 0.0, "report_noise": 0.0, "cascade": 1.0},
        regions={"obstruction": 0.0, "formalism": 0.0, "machine": 0.0},
        campaigns=_center_defines_targets),
    Variant(
        "no-protection", "Center-periphery without protection",
        "As center-periphery, but secretaries shield nobody: no patron protection, no "
        "hoarding of skilled cadres, no local NKVD cover.",
        "Ablation of L713, L1463 ('The Obkom protected its own'), L693, L1775",
        parameters={"protection_strength": 0.0, "skill_protection": 0.0,
                    "local_nkvd_shield": 0.0}),
    Variant(
        "no-deflection", "Center-periphery without deflection",
        "As center-periphery, but local machines do not push expulsions onto passives and "
        "non-clients to show vigilance, nor deflect the heat of the 1937 elections from "
        "themselves to lower levels.",
        "Ablation of L664, L693, L1461, L1675, L1791, L1918",
        parameters={"deflection": 0.0, "from_above_rate": 0.0,
                    "election_control": (0.0, 0.0, 0.0, 0.0)}),
    Variant(
        "no-records-chaos", "Center-periphery with accurate records",
        "As center-periphery, but the rolls are accurate: no dead souls, nobody drifts away "
        "while staying on the rolls.",
        "Ablation of L695-703 (dead souls, the party 'lost' as many as it expelled)",
        parameters={"drift_rate": 0.0, "initial_dead_soul_share": 0.0}),
    Variant(
        "no-criticism", "Center-periphery without criticism from below",
        "As center-periphery, but the rank and file never turns on its leaders: no "
        "criticism from below, no turnover in the 1937 elections.",
        "Ablation of L1797-1799, L1912 (the February plenum 'awakened and unleashed' "
        "grievances), L1827-1835",
        parameters={"from_below_rate": 0.0, "election_base": 0.0}),
    Variant(
        "obedient-secretaries", "Center-periphery with obedient secretaries",
        "As center-periphery, but regional machines carry out operations promptly and "
        "thoroughly: no foot-dragging, no formalism, no retaliation against critics.",
        "Ablation of L666-668, L800, L816, L886 (foot-dragging and formalism), L1703",
        parameters={"retaliation": 0.0},
        regions={"obstruction": 0.0, "formalism": 0.0}),
)}

ABLATIONS = ("no-protection", "no-deflection", "no-records-chaos", "no-criticism",
             "obedient-secretaries")


class UnknownVariantError(ValueError):
    """A variant name that is not in :data:`VARIANTS` (one line, with a suggestion)."""


def variant(name: str) -> Variant:
    """The variant called ``name``.

    Raises:
        UnknownVariantError: one line naming the closest known variant.
    """
    if name not in VARIANTS:
        hint = difflib.get_close_matches(name, list(VARIANTS), n=1)
        raise UnknownVariantError(f"unknown variant '{name}'" + (
            f" (did you mean '{hint[0]}'?)" if hint else "") + f"; variants: {', '.join(VARIANTS)}")
    return VARIANTS[name]
