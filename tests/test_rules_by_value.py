"""Every rule of model/rules.py by value: hand-computed tables, on scalars and on arrays.

The property tests (tests/test_rules.py) say which way a rule moves; these tables pin
how far. Each row gives the inputs and the value worked out by hand from the rule's
documented formula (the hazards are computed in the comments; ``1 - exp(-h)`` turns a
hazard into a probability). A rule without a table fails
:func:`test_every_rule_has_a_table`, so a new rule cannot go untested.
"""

from __future__ import annotations

import inspect
from math import exp

import numpy as np
import pytest

from model import rules


def p(hazard: float) -> float:
    """Probability of at least one event for a hand-computed hazard."""
    return 1.0 - exp(-hazard)


# The default weights of the parameters outcome_weights and visibility_weights.
W = (0.25, 0.5, 0.15, 0.1, 0.25, 0.2, 0.3)
V = (0.6, 0.5, 0.3, 0.6, 0.2)
# Chistka weights per ground, in GROUNDS order.
CHISTKA = (1.0, 1.5, 1.5, 1.2, 0.3, 2.0, 0.5, 0.0)
# Positions in REASONS: the eight grounds, then other, enemy_of_the_people, poor_leadership.
PASSIVITY, ALIEN, MISCONDUCT, INDISCIPLINE, OPPOSITION, OTHER, POOR = 0, 1, 2, 3, 6, 8, 10

# rule name -> rows of (arguments, expected value); a tuple-valued rule expects a tuple.
TABLES: dict[str, list[tuple[tuple, object]]] = {
    # floor + (1 - floor) * exp(-months / decay)
    "campaign_zeal": [
        ((0, 1.0, 0.3), 1.0),                      # the first month is full zeal
        ((0, 6.0, 0.7), 1.0),
        ((1, 1.0, 0.3), 0.3 + 0.7 * exp(-1)),      # 0.5575
        ((6, 6.0, 0.7), 0.7 + 0.3 * exp(-1)),      # 0.8104
        ((2, 1.0, 0.0), exp(-2)),                  # 0.1353
        ((3, 2.0, 1.0), 1.0),                      # floor 1: no decay at all
    ],
    # min(base * (1 - obstruction) * (1 + formalism) * (1 + pressure), 1)
    "screening_pace": [
        ((0.33, 0.0, 0.0, 0.0), 0.33),
        ((0.33, 0.6, 0.6, 0.0), 0.2112),           # 0.33 * 0.4 * 1.6
        ((0.09, 0.2, 0.7, 0.5), 0.1836),           # 0.09 * 0.8 * 1.7 * 1.5
        ((0.5, 0.0, 1.0, 1.0), 1.0),               # 2.0, capped
        ((0.33, 1.0, 0.5, 3.0), 0.0),              # Vinnitsa refuses (L668)
    ],
    # sum of weight * ground; chistka weights in GROUNDS order
    "grounds_hazard": [
        (((1, 0, 0, 0, 0, 0, 0, 0), (1.0, 1.5, 1.5, 1.2, 0.3, 2.0, 0.5, 0.0)), 1.0),
        (((0, 1, 1, 0, 0, 0, 0, 0), (1.0, 1.5, 1.5, 1.2, 0.3, 2.0, 0.5, 0.0)), 3.0),
        (((1, 1, 1, 1, 1, 1, 1, 1), (1.0, 1.5, 1.5, 1.2, 0.3, 2.0, 0.5, 0.0)), 8.0),
        (((0, 0, 0, 0, 0, 0, 0, 0), (1.0, 1.5, 1.5, 1.2, 0.3, 2.0, 0.5, 0.0)), 0.0),
        (((0, 0, 0, 0, 0, 0, 0, 1), (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0)), 3.0),
    ],
    # (1 - client * in_office * strength * reach) * (1 - skilled * skill * reach),
    # reach = 1 - independence
    "protect_clients": [
        ((1, 1, 0.7, 0, 0.4, 0.0), 0.3),
        ((1, 1, 0.7, 0, 0.4, 0.5), 0.65),          # a commission halves the reach
        ((1, 1, 0.7, 1, 0.4, 0.0), 0.18),          # 0.3 * 0.6
        ((0, 0, 0.7, 1, 0.4, 0.5), 0.8),           # 1 - 0.4 * 0.5
        ((1, 0, 0.7, 0, 0.4, 0.0), 1.0),           # the patron has fallen
        ((0, 1, 0.7, 0, 0.4, 0.0), 1.0),           # not a client
        ((1, 1, 1.0, 1, 1.0, 1.0), 1.0),           # fully independent screener
    ],
    # protect_clients(client, in office, min(1, strength * machine), official, skill,
    # independence) * rank_shield(defence, independence)
    "case_protection": [
        ((1, 1, 1.0, 0, 0.0, 0.0, 0.7, 0.4), 0.3),
        ((1, 1, 2.0, 0, 0.0, 0.0, 0.7, 0.4), 0.0),          # a strong machine, capped at 1
        ((1, 1, 0.5, 0, 0.0, 0.0, 0.7, 0.4), 0.65),         # 1 - 0.35
        ((0, 0, 1.0, 1, 0.6, 0.5, 0.7, 0.4), 0.416),        # 0.8 * 0.52
        ((1, 1, 1.0, 1, 1.0, 0.0, 0.7, 0.4), 0.0),          # an obkom secretary
    ],
    # 1 - level * (1 - independence * (1 - level))
    "rank_shield": [
        ((0.0, 0.5), 1.0),
        ((1.0, 0.0), 0.0),
        ((1.0, 1.0), 0.0),                         # an obkom secretary, even by the NKVD
        ((0.6, 0.0), 0.4),
        ((0.6, 0.5), 0.52),                        # 1 - 0.6 * 0.8
        ((0.2, 0.5), 0.88),                        # 1 - 0.2 * 0.6
    ],
    # 1 + passive * (1 - client) * (1 - official) * deflection * (1 + vigilance) * reach
    "deflect_onto_passives": [
        ((1, 0, 0, 1.5, 0.0, 0.0), 2.5),
        ((1, 0, 0, 1.5, 0.5, 0.5), 2.125),         # 1 + 1.5 * 1.5 * 0.5
        ((1, 1, 0, 1.5, 0.5, 0.0), 1.0),           # a client is not ballast
        ((1, 0, 1, 1.5, 0.5, 0.0), 1.0),           # nor an official
        ((0, 0, 0, 1.5, 0.5, 0.0), 1.0),           # nor an active member
        ((1, 0, 0, 1.5, 0.5, 1.0), 1.0),           # an independent body does not deflect
    ],
    # 1 - exp(-intensity * zeal * risk * protection * deflection * (1 - blind * formalism))
    "screening_probability": [
        ((1.1, 1.0, 1.0, 1.0, 1.0, 0.0, 0.5), p(1.1)),
        ((1.1, 1.0, 1.0, 1.0, 1.0, 0.6, 0.5), p(0.77)),           # 1.1 * 0.7
        ((0.19, 0.7, 2.0, 0.3, 2.5, 1.0, 0.5), p(0.09975)),       # 0.19*0.7*2*0.3*2.5*0.5
        ((0.0, 1.0, 5.0, 1.0, 3.0, 0.0, 0.5), 0.0),
        ((1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0), 0.0),               # blind formalism
    ],
    # case: u < p(all); deflected: a case only because of deflection; shielded: no case
    # only because of protection
    "screening_verdict": [
        ((0.5, 1.1, 1.0, 1.0, 1.0, 1.0, 0.0, 0.5), (1, 0, 0)),     # 0.5 < p(1.1) = 0.67
        ((0.5, 0.5, 1.0, 1.0, 1.0, 2.5, 0.0, 0.5), (1, 1, 0)),     # p(0.5) = 0.39 < 0.5
        ((0.5, 1.1, 1.0, 1.0, 0.3, 1.0, 0.0, 0.5), (0, 0, 1)),     # p(0.33) = 0.28 < 0.5
        ((0.9, 1.1, 1.0, 1.0, 0.3, 1.0, 0.0, 0.5), (0, 0, 0)),     # 0.9 > p(1.1) too
        ((0.5, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5), (0, 0, 0)),     # p(0.55) = 0.42
        ((0.5, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0), (1, 0, 0)),
    ],
    # the first ground whose cumulative weight exceeds u * (baseline + weighted sum)
    "case_reason": [
        ((0.5, (1, 0, 0, 0, 0, 0, 0, 0), CHISTKA, 0.25), PASSIVITY),  # 0.625 < 1
        ((0.9, (1, 0, 0, 0, 0, 0, 0, 0), CHISTKA, 0.25), OTHER),      # 1.125 >= 1
        ((0.0, (0, 1, 1, 0, 0, 0, 0, 0), CHISTKA, 0.25), ALIEN),      # 0 < 1.5
        ((0.5, (0, 1, 1, 0, 0, 0, 0, 0), CHISTKA, 0.25), MISCONDUCT),  # 1.5 <= 1.625 < 3
        ((0.95, (0, 1, 1, 0, 0, 0, 0, 0), CHISTKA, 0.25), OTHER),     # 3.0875 >= 3
        ((0.5, (0, 0, 0, 0, 0, 0, 0, 0), CHISTKA, 0.25), OTHER),
    ],
    # first i with u < cumulative probability
    "pick": [
        ((0.1, (0.2, 0.3, 0.5)), 0),
        ((0.2, (0.2, 0.3, 0.5)), 1),
        ((0.49, (0.2, 0.3, 0.5)), 1),
        ((0.5, (0.2, 0.3, 0.5)), 2),
        ((0.999, (1.0, 0.0)), 0),
    ],
    # lateral 1-exp(-lr*vig*(unfounded+visible)); below 1-exp(-fbr*crit*grievance*official);
    # above 1-exp(-far*(1+vigilance)*(1-client)*(1-official)*(passive+retaliation*critic))
    "denounce": [
        ((0.12, 1.0, 0.6, 0.2, 0.25, 0.3, 0.5, 0, 0.05, 0.5, 1, 0, 0, 1.0),
         (p(0.096), 0.0, p(0.075))),                         # a passive rank-and-filer
        ((0.12, 0.5, 0.0, 0.2, 0.25, 1.0, 0.4, 1, 0.05, 0.0, 0, 0, 1, 1.0),
         (p(0.012), p(0.1), 0.0)),                           # an official criticised
        ((0.12, 0.0, 0.0, 0.2, 0.25, 0.0, 0.0, 0, 0.05, 1.0, 0, 0, 1, 2.0),
         (0.0, 0.0, p(0.2))),                                # a critic, retaliated against
        ((0.12, 1.0, 1.0, 0.2, 0.25, 1.0, 1.0, 0, 0.05, 1.0, 1, 1, 1, 1.0),
         (p(0.144), 0.0, 0.0)),                              # a client: no one from above
    ],
    # (false + (true - false) * grounds) * protection
    "investigate": [
        ((1.0, 1.0, 0.95, 0.8), 0.95),
        ((0.0, 1.0, 0.95, 0.8), 0.8),
        ((0.5, 1.0, 0.95, 0.8), 0.875),
        ((1.0, 0.3, 0.95, 0.8), 0.285),
        ((0.0, 1.0, 0.9, 0.2), 0.2),               # a baseless accusation, a fair check
        ((1.0, 1.0, 0.9, 0.2), 0.9),
    ],
    # official * remove / (demote + remove), remove 0.1 + 0.25, demote 0.15 (1-s)(1+l)
    "screening_removes": [
        ((0.0, 1, 0.0, W), 0.35 / 0.5),
        ((0.5, 1, 0.0, W), 0.35 / 0.425),
        ((0.0, 1, 1.0, W), 0.35 / 0.65),
        ((0.0, 0, 0.0, W), 0.0),                    # the rank and file hold no post
    ],
    # rate * (1 - restraint)
    "restrain": [
        ((0.05, 0.0), 0.05),
        ((0.05, 0.5), 0.025),
        ((3.0, 0.3), 2.1),                          # a screening's weight on passivity
        ((2.0, 1.0), 0.0),
    ],
    # 1 only for an alien origin (REASONS[1]) the member did not hide
    "disregard_declared_origin": [
        ((1, 0), 1),                                # declared alien origin: disregarded
        ((1, 1), 0),                                # hidden: grounds (L531)
        ((2, 0), 0),                                # misconduct is never disregarded
        ((0, 0), 0),                                # passivity
    ],
    # weights expel (0.25+0.5s)(1-l/2), demote 0.15(1-s)(1+l), reprimand 0.2,
    # remove 0.1+0.25*official, warn 0.3(1+l); normalised; OUTCOMES order
    "choose_outcome": [
        ((0.0, 0, 0.0, W), (0.25, 0.15, 0.2, 0.1, 0.3)),                 # total 1.0
        # 0.75 + 0 + 0.2 + 0.35 + 0.3 = 1.6; 0.25 + 0.15 + 0.2 + 0.1 + 0.6 = 1.3
        ((1.0, 1, 0.0, W), (0.75 / 1.6, 0.0, 0.2 / 1.6, 0.35 / 1.6, 0.3 / 1.6)),
        ((0.5, 0, 1.0, W), (0.25 / 1.3, 0.15 / 1.3, 0.2 / 1.3, 0.1 / 1.3, 0.6 / 1.3)),
        ((0.0, 1, 0.0, (0, 0, 0, 1, 1, 0, 0)), (0.0, 0.0, 0.0, 1.0, 0.0)),  # weights in order
    ],
    # expel / (expel + demote) of choose_outcome
    "screening_expels": [
        ((0.0, 0, 0.0, W), 0.625),                 # 0.25 / 0.4
        ((1.0, 0, 0.0, W), 1.0),                   # no demotion for the gravest
        ((0.2, 1, 0.0, W), 0.35 / 0.47),
        ((0.5, 0, 1.0, W), 0.625),                 # 0.25 / (0.25 + 0.15)
    ],
    # 1 - exp(-base * (1 + w_passive passive + w_recent recent) * chaos)
    "disappear_from_rolls": [
        ((0.0015, 0, 0, 1.0, 2.0, 1.0), p(0.0015)),
        ((0.0015, 1, 1, 1.0, 2.0, 1.0), p(0.006)),
        ((0.0015, 1, 0, 0.4, 2.0, 1.0), p(0.0018)),
        ((0.0015, 0, 1, 0.0, 2.0, 1.0), 0.0),      # perfect records: nobody vanishes
        ((0.0015, 1, 1, 1.0, 0.0, 0.0), p(0.0015)),
    ],
    # drift + (1 - drift) * withdrawal: drifts, or else withdraws
    "leave_rolls": [
        ((0.0, 0.0), 0.0),
        ((0.01, 0.0), 0.01),
        ((0.0, 0.002), 0.002),
        ((0.01, 0.002), 0.01198),                  # 0.01 + 0.99 * 0.002
        ((1.0, 0.5), 1.0),                         # who surely drifts cannot withdraw too
    ],
    # records_check * (1 - blind * formalism)
    "discover_dead_soul": [
        ((0.6, 0.0, 0.5), 0.6),
        ((0.6, 0.6, 0.5), 0.42),
        ((0.9, 1.0, 0.5), 0.45),
        ((0.0, 0.3, 0.5), 0.0),
        ((0.6, 1.0, 0.0), 0.6),
    ],
    # p = base (1 - 0.8 s)(0.7 + 0.3 worker); p + (1 - p) restraint (1 - s/2)
    "reinstate_on_appeal": [
        ((0.0, 1, 0.0, 0.25), 0.25),               # a passive worker, 1929 (L611-613)
        ((0.0, 0, 0.0, 0.25), 0.175),              # a passive non-worker
        ((1.0, 1, 0.0, 0.25), 0.05),
        ((0.5, 1, 0.5, 0.25), 0.46875),            # 0.15 + 0.85 * 0.5 * 0.75
        ((1.0, 0, 0.5, 0.25), 0.27625),            # 0.035 + 0.965 * 0.5 * 0.5
        ((0.0, 0, 1.0, 0.25), 1.0),
    ],
    # cursory: progress > too_fast * national or formalism > 0.5; slow: progress <
    # too_slow * planned and not cursory
    "monitor_region": [
        ((0.67, 0.33, 0.33, 0.1, 1.6, 0.4, 0.5), (0, 1)),   # Kursk after one month (L802)
        ((0.05, 0.33, 0.66, 0.1, 1.6, 0.4, 0.5), (1, 0)),
        ((0.33, 0.33, 0.33, 0.1, 1.6, 0.4, 0.5), (0, 0)),
        ((0.33, 0.33, 0.33, 0.8, 1.6, 0.4, 0.5), (0, 1)),   # formal-bureaucratic (L816)
        ((0.33, 0.33, 0.33, 0.5, 1.6, 0.4, 0.5), (0, 0)),   # exactly at the bar: not cursory
        ((0.2, 0.33, 0.5, 0.1, 1.6, 0.4, 0.5), (0, 0)),     # exactly at too_slow * planned
        ((0.05, 0.01, 0.66, 0.1, 1.6, 0.4, 0.5), (0, 1)),   # far ahead of a slow nation
        ((0.33, 0.33, 0.33, 0.4, 1.6, 0.4, 0.3), (0, 1)),  # a stricter center
    ],
    # 1 - exp(-base * criticism * grievance)
    "secret_ballot_turnover": [
        ((0.5, 1.5, 1.0), p(0.75)),
        ((0.2, 1.5, 1.0), p(0.3)),
        ((0.0, 1.5, 1.0), 0.0),
        ((0.5, 0.0, 1.0), 0.0),                     # no criticism released, no turnover
    ],
    # criticism * (1 - control) ** machine
    "suppress_criticism": [
        ((2.0, 0.0, 1.0), 2.0),                     # a cell's own general meeting
        ((2.0, 0.5, 1.0), 1.0),                     # a raikom, the reference machine
        ((2.0, 0.9, 1.0), 0.2),                     # an obkom, the reference machine
        ((2.0, 0.9, 2.0), 2.0 * 0.01),              # an obkom, the strongest machine
        ((2.0, 0.9, 0.0), 2.0),                     # no machine, no hold
        ((0.0, 0.9, 1.0), 0.0),                     # no criticism released
    ],
    # (1 - share) * min(1, rf + remote) + share * apparatus * (1 - loyalty)
    "electorate_grievance": [
        ((0.4, 0.3, 0.0, 0.8, 0.0), 0.4),           # a cell electing its secretary
        ((0.4, 0.3, 0.5, 0.8, 0.1), 0.5 * 0.5 + 0.5 * 0.06),   # a district conference
        ((0.4, 0.3, 0.9, 0.8, 0.2), 0.1 * 0.6 + 0.9 * 0.06),   # a regional conference
        ((0.95, 0.3, 0.0, 0.8, 0.2), 1.0),          # capped at 1
        ((0.4, 0.5, 1.0, 0.0, 0.0), 0.5),           # disloyal appointees vote their grievance
    ],
    # 1 - exp(-(base * exposure * (1 + 4 opposition + alien) + targeted)
    #         * (1 + (cascade-1) fallen) * (1 + (chain-1) implicated) * (1 - shield))
    # args: base, exposure, opposition, alien, fallen, cascade, implicated, chain, targeted,
    #       shield, w_opposition, w_alien
    "arrest_hazard": [
        ((0.0005, 1.0, 0, 0, 0, 4.0, 0, 2.0, 0.0, 0.0, 4.0, 1.0), p(0.0005)),
        ((0.0005, 12.0, 1, 0, 0, 4.0, 0, 2.0, 0.0, 0.0, 4.0, 1.0), p(0.03)),  # oppositionist obkom sec.
        ((0.0005, 3.0, 0, 1, 1, 4.0, 0, 2.0, 0.0, 0.0, 4.0, 1.0), p(0.012)),  # 0.0005*3*2*4
        ((0.0005, 1.0, 1, 1, 1, 4.0, 0, 2.0, 0.0, 0.7, 4.0, 1.0), p(0.0036)),  # 0.0005*6*4*0.3
        ((0.0005, 8.0, 1, 1, 1, 4.0, 0, 2.0, 0.0, 1.0, 4.0, 1.0), 0.0),
        ((0.0005, 1.0, 1, 1, 0, 4.0, 0, 2.0, 0.0, 0.0, 0.0, 0.0), p(0.0005)),  # weights read
        ((0.0005, 1.0, 0, 0, 0, 4.0, 1, 2.0, 0.0, 0.0, 4.0, 1.0), p(0.001)),  # implicated
        ((0.0, 1.0, 1, 0, 0, 4.0, 0, 2.0, 0.03, 0.0, 4.0, 1.0), p(0.03)),     # targeted only
        ((0.001, 2.0, 0, 0, 1, 4.0, 1, 3.0, 0.01, 0.5, 4.0, 1.0), p(0.072)),  # .012*4*3*.5
    ],
    # h_opposition * opposition + h_alien * alien + h_economic * economic official
    "targeted_arrests": [
        (((0.03, 0.0, 0.0), 1, 0, 0), 0.03),
        (((0.03, 0.0, 0.0), 0, 1, 1), 0.0),
        (((0.03, 0.01, 0.002), 1, 1, 1), 0.042),
        (((0.0, 0.0, 0.002), 0, 0, 1), 0.002),
    ],
    # 1 - exp(-rate * vigilance * implicated * (1 - restraint))
    "expel_for_connections": [
        ((0.05, 0.2, 1, 0.0), p(0.01)),
        ((0.05, 0.2, 0, 0.0), 0.0),
        ((0.05, 0.2, 1, 0.5), p(0.005)),
        ((0.05, 0.0, 1, 0.0), 0.0),
    ],
    # 1 - exp(-base * (1 + distrust))
    "remove_regional_leader": [
        ((0.15, 0.0), p(0.15)),
        ((0.15, 1.5), p(0.375)),
        ((0.0, 3.0), 0.0),
    ],
    # u < share, and at least two districts to divide
    "split_region": [
        ((0.2, 0.83, 10), True),
        ((0.9, 0.83, 10), False),
        ((0.2, 0.83, 1), False),
        ((0.0, 0.0, 5), False),
    ],
    # rate * members * (1 - frozen)
    "admit_candidates": [
        ((0.003, 3000, 0), 9.0),
        ((0.003, 3000, 1), 0.0),
        ((0.009, 1000, False), 9.0),
    ],
    # g + (1 - g) * rate * witnessed
    "grievance_growth": [
        ((0.2, 0.5, 0.3), 0.32),
        ((0.2, 0.0, 0.3), 0.2),
        ((1.0, 1.0, 0.3), 1.0),
        ((0.0, 1.0, 1.0), 1.0),
    ],
    # min(1, 0.6 alien + 0.5 misconduct + 0.3 indiscipline + 0.6 opposition + 0.2 passive)
    "visible_grounds": [
        ((1, 0, 0, 0, 0, V), 0.6),
        ((0, 0, 0, 0, 1, V), 0.2),
        ((0, 0, 1, 0, 1, V), 0.5),
        ((1, 1, 0, 0, 0, V), 1.0),                 # 1.1, capped
        ((0, 0, 0, 1, 0, V), 0.6),
        ((0, 0, 0, 0, 0, V), 0.0),
        ((0, 0, 0, 0, 1, (0, 0, 0, 0, 0.9)), 0.9),
    ],
    # the k-th visible ground, k = floor(u * number visible); none: "other"
    "visible_reason": [
        ((0.5, 0, 0, 0, 0, 0), OTHER),
        ((0.5, 1, 0, 0, 0, 0), ALIEN),
        ((0.3, 1, 1, 0, 0, 0), ALIEN),
        ((0.7, 1, 1, 0, 0, 0), MISCONDUCT),
        ((0.99, 0, 0, 1, 1, 1), PASSIVITY),        # the third of three
        ((0.5, 0, 0, 1, 1, 1), OPPOSITION),        # the second of three
        ((0.0, 0, 0, 0, 1, 0), OPPOSITION),
    ],
    # below: poor leadership, grounded plg + (1 - plg) misconduct; above: passivity
    # (grounded) or indiscipline (not); lateral: the visible reason, grounded unless other
    "accusation": [
        (("from_below", 0, 0, OTHER, 0.5), (POOR, 0.5)),
        (("from_below", 0, 1, OTHER, 0.5), (POOR, 1.0)),
        (("from_above", 1, 0, OTHER, 0.5), (PASSIVITY, 1.0)),
        (("from_above", 0, 1, OTHER, 0.5), (INDISCIPLINE, 0.0)),
        (("lateral", 0, 1, MISCONDUCT, 0.5), (MISCONDUCT, 1.0)),
        (("lateral", 1, 0, OTHER, 0.5), (OTHER, 0.0)),
    ],
    # share * fused * from below * (outcome expel or removal)
    "handed_to_police": [
        ((1, "from_below", 0, 0.5), 0.5),          # expelled
        ((1, "from_below", 3, 0.5), 0.5),          # removed from post
        ((1, "from_below", 1, 0.5), 0.0),          # demoted
        ((0, "from_below", 0, 0.5), 0.0),          # before the fusion (L2006)
        ((1, "lateral", 0, 0.5), 0.0),
    ],
    # (pressure + rp, obstruction * kept, distrust + added)
    "rebuke_for_slowness": [
        ((0.0, 0.5, 0.0, 0.5, 0.7, 0.5), (0.5, 0.35, 0.5)),
        ((1.0, 0.0, 1.5, 0.5, 0.7, 0.5), (1.5, 0.0, 2.0)),
    ],
    # (pressure + rp, formalism * kept, distrust + added)
    "order_to_repeat": [
        ((0.0, 0.6, 0.0, 0.5, 0.5, 1.0), (0.5, 0.3, 1.0)),
        ((0.45, 0.3, 1.5, 0.5, 0.5, 1.0), (0.95, 0.15, 2.5)),
    ],
    # pressure * retention
    "fade_pressure": [
        ((0.5, 0.9), 0.45),
        ((0.0, 0.9), 0.0),
        ((1.0, 1.0), 1.0),
    ],
    # min(1, visibility * injustices / max(present, 1))
    "witnessed_injustice": [
        ((1, 20, 5.0), 0.25),
        ((4, 20, 5.0), 1.0),
        ((0, 10, 5.0), 0.0),
        ((1, 0, 5.0), 1.0),
        ((1, 20, 10.0), 0.5),
    ],
    # min(1, rate * (1 + boost restraint)) * (appeals made < max)
    "appeal_probability": [
        ((0.04, 0.0, 0, 3.0, 2), 0.04),
        ((0.04, 0.5, 1, 3.0, 2), 0.1),
        ((0.04, 1.0, 2, 3.0, 2), 0.0),             # two appeals at most
        ((0.5, 1.0, 0, 3.0, 2), 1.0),
        ((0.04, 0.0, 2, 3.0, 3), 0.04),
    ],
    # (1 / months) * (1 - frozen)
    "promote_candidate": [
        ((0, 18.0), 1.0 / 18.0),
        ((1, 18.0), 0.0),
        ((True, 18.0), 0.0),
        ((0, 12.0), 1.0 / 12.0),
    ],
    # shield * protected * (1 - fused)
    "nkvd_local_shield": [
        ((0.7, 1, 0), 0.7),
        ((0.7, 1, 1), 0.0),                        # fused channels: no local shield (L2004)
        ((0.7, 0, 0), 0.0),
    ],
}


def _public_rules() -> list[str]:
    return sorted(name for name, fn in inspect.getmembers(rules, inspect.isfunction)
                  if not name.startswith("_") and fn.__module__ == rules.__name__)


def test_every_rule_has_a_table():
    assert _public_rules() == sorted(TABLES)


ROWS = [(name, args, expected) for name, rows in TABLES.items() for args, expected in rows]


def _close(value, expected) -> bool:
    if isinstance(expected, tuple):
        return len(value) == len(expected) and all(
            _close(v, e) for v, e in zip(value, expected, strict=True))
    return bool(np.allclose(value, expected, rtol=1e-12, atol=1e-12))


@pytest.mark.parametrize(("name", "args", "expected"), ROWS,
                         ids=[f"{n}-{i}" for n, rows in TABLES.items() for i in range(len(rows))])
def test_rule_by_value(name, args, expected):
    assert _close(getattr(rules, name)(*args), expected)


# Arguments that are a sequence of per-member values (grounds on axis 0, members on
# axis 1; a categorical's probabilities). Other sequences are parameters and stay as
# they are, as do strings (a channel).
PER_MEMBER_SEQUENCES = {("grounds_hazard", 0), ("case_reason", 1), ("pick", 1)}


def _as_arrays(name: str, position: int, arg):
    if (name, position) in PER_MEMBER_SEQUENCES:
        return [np.full(3, float(a)) for a in arg]
    if isinstance(arg, (tuple, str)):
        return arg
    return np.full(3, float(arg))


@pytest.mark.parametrize(("name", "args", "expected"), ROWS,
                         ids=[f"{n}-{i}" for n, rows in TABLES.items() for i in range(len(rows))])
def test_rule_by_value_on_arrays(name, args, expected):
    """The array engine calls the same rule on whole arrays: each element is the scalar value."""
    value = getattr(rules, name)(*(_as_arrays(name, i, a) for i, a in enumerate(args)))
    if isinstance(expected, tuple):
        assert len(value) == len(expected)
        for v, e in zip(value, expected, strict=True):
            assert np.allclose(v, e, rtol=1e-12, atol=1e-12)
    else:
        assert np.shape(value) == (3,)
        assert np.allclose(value, expected, rtol=1e-12, atol=1e-12)


# --- Directions the book gives, at equal everything else --------------------------------

def test_workers_are_reinstated_more_often_at_equal_severity():
    """'Rank-and-file members of working-class origin' were reinstated (L613)."""
    for severity in (0.0, 0.3, 0.8):
        for restraint in (0.0, 0.5):
            assert rules.reinstate_on_appeal(severity, 1, restraint, 0.25) > \
                rules.reinstate_on_appeal(severity, 0, restraint, 0.25)


def test_former_oppositionists_and_alien_pasts_raise_the_arrest_hazard():
    """Former oppositionists were prime targets (L2035); alien pasts too."""
    plain = rules.arrest_hazard(0.001, 1.0, 0, 0, 0, 4.0, 0, 2.0, 0.0, 0.0, 4.0, 1.0)
    assert rules.arrest_hazard(0.001, 1.0, 1, 0, 0, 4.0, 0, 2.0, 0.0, 0.0, 4.0, 1.0) > \
        rules.arrest_hazard(0.001, 1.0, 0, 1, 0, 4.0, 0, 2.0, 0.0, 0.0, 4.0, 1.0) > plain


def test_a_grounded_accusation_is_upheld_more_often_than_a_baseless_one():
    """With the defaults (true_support > false_support) grounds matter (Table 3.2)."""
    from model.params import Parameters

    d = Parameters()
    assert d.true_support > d.false_support
    assert rules.investigate(1.0, 1.0, d.true_support, d.false_support) > \
        rules.investigate(0.0, 1.0, d.true_support, d.false_support)


def test_grounds_and_weights_must_match():
    with pytest.raises(ValueError):
        rules.grounds_hazard((1, 0), (1.0, 1.0, 1.0))
