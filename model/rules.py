"""The behavioural rules of the purge model: one small pure function per mechanism.

Every rule is a pure function of numbers and returns a probability (or a tuple of
probabilities); the engines draw the random numbers. The arithmetic is written with
operators and the elementwise helpers below only, so each rule works unchanged on Python
floats (the Mesa reference engine, one agent at a time) and on numpy arrays (the
vectorized engine, all members at once). No rule is written twice.

Citations are to J. Arch Getty, *Origins of the Great Purges* (Cambridge, 1985),
by line of ``shared/seed/getty-origins-of-the-great-purges.txt`` ("L672"), or are
marked ASSUMPTION with the reason. Russian terms: *chistka* (purge, 1933),
*proverka* (verification of party documents, 1935), *obmen* (exchange of party
documents, 1936), *raikom*/*obkom* (district/regional party committee), PPO
(primary party organization, "cell"), *fakti* (concrete accusations raised at
meetings), *uchet* (membership registration), *kritika/samokritika* (criticism and
self-criticism), *semeistvennost'* ("familyness", family circles).
"""

from __future__ import annotations

import math

import numpy as np

# Expulsion grounds, in a fixed order shared by every rule and output table.
# Table 2.2 (L596), Table 2.3 (L680) and Table 3.5 (L1021) give the historical reasons;
# the model's grounds map onto them (see docs/ODD.md, "Reasons").
GROUNDS: tuple[str, ...] = (
    "passivity",  # Table 2.3 "Passivity"; Table 3.5 "Drifted away from party"
    "alien_past",  # Table 2.3 "Alien elements/hiding alien past"; Table 3.5 rows 1-2
    "misconduct",  # Table 2.3 "Moral corruption"; Table 3.5 "Criminals, deserters, corrupted"
    "indiscipline",  # Table 2.3 "Violation of party discipline"; Table 3.5 "Untrustworthy"
    "card_irregularity",  # Table 3.5 "Altered, forged, stolen party cards"
    "bureaucratism",  # Table 2.3 "careerist, bureaucrat"; officials only (L636, L1065)
    "opposition",  # "Trotskyists", former oppositionists (Table 3.5 row 1; L1447, L1461)
    # Joined in 1920 or earlier ("Old Bolsheviks", L145, L2051). No campaign of the
    # historical calendar names them; the totalitarian variant's center does (L145).
    "old_bolshevik",
)

OUTCOMES: tuple[str, ...] = ("expel", "demote", "reprimand", "remove_from_post", "warn")

# Reasons recorded for an expulsion: a ground, or "other" (none of the named grounds),
# or the police's "enemy of the people", or criticism from below's "poor leadership"
# (L1799). Their gravity is the parameter ``severity``, in this order.
# "connections_with_enemies": expelled for having known someone arrested (L2245-2249).
REASONS: tuple[str, ...] = (*GROUNDS, "other", "enemy_of_the_people", "poor_leadership",
                            "connections_with_enemies")
# Whom a targeted arrest operation names (a campaign's ``arrest_targets``): former
# oppositionists (after Kirov, L1371; from the autumn of 1936, L1485) and economic
# officials, "the enemy in high position" (L1495-1497, L1533, L2035).
ARREST_TARGETS: tuple[str, ...] = ("opposition", "alien_past", "economic_official")
REASON_CODE: dict[str, int] = {name: code for code, name in enumerate(REASONS)}
# Which grounds a lateral denunciation can be about, by visibility (Table 3.1, L836),
# in the order of the parameter ``visibility_weights``.
DENOUNCED_GROUNDS: tuple[str, ...] = ("alien_past", "misconduct", "indiscipline", "opposition",
                                      "passivity")
# Denunciation channels, and the police's (an expulsion's ``channel``).
CHANNELS: tuple[str, ...] = ("screening", "lateral", "from_below", "from_above", "nkvd")
# The codes the rules compare with, as plain numbers (numba compiles the rules with them:
# model.compiled).
_OTHER, _ALIEN_PAST = REASON_CODE["other"], REASON_CODE["alien_past"]
_PASSIVITY, _INDISCIPLINE = REASON_CODE["passivity"], REASON_CODE["indiscipline"]
_POOR_LEADERSHIP = REASON_CODE["poor_leadership"]
_DENOUNCED_CODES: tuple[int, ...] = tuple(REASON_CODE[g] for g in DENOUNCED_GROUNDS)
_EXPEL, _REMOVE_FROM_POST = OUTCOMES.index("expel"), OUTCOMES.index("remove_from_post")


# Elementwise helpers: numpy on arrays, the math module on plain numbers (a numpy ufunc
# costs about a microsecond on one float, which the reference engine pays per member).
def _exp(x):
    return np.exp(x) if isinstance(x, np.ndarray) else math.exp(x)


def _minimum(a, b):
    return np.minimum(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else min(a, b)


def _maximum(a, b):
    return np.maximum(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else max(a, b)


def _floor(x):
    return np.floor(x) if isinstance(x, np.ndarray) else math.floor(x)


def _hazard_to_probability(hazard):
    """Turn a non-negative hazard into a probability, ``1 - exp(-hazard)``."""
    if isinstance(hazard, np.ndarray):
        return 1.0 - np.exp(-np.maximum(hazard, 0.0))
    return 1.0 - math.exp(-max(hazard, 0.0))


def campaign_zeal(months_since_start, decay_months, floor):
    """Zeal of a campaign as it ages: high at the start, decaying to a floor.

    The 1933 *chistka* expelled "over one-third" of those screened in its first month,
    and "by the end of the year [the rate] had been cut in half" (L672). The book does
    not say why; the decay stands for the center's warnings against mass expulsions of
    passives (L646) and for the easiest cases being taken first. ASSUMPTION: an
    exponential decay to ``floor`` with time constant ``decay_months``.

    Args:
        months_since_start: Months since the campaign began (0 in its first month).
        decay_months: Time constant of the decay, in months (> 0).
        floor: Long-run zeal relative to the first month, in [0, 1].

    Returns:
        Zeal multiplier in (floor, 1].
    """
    return floor + (1.0 - floor) * _exp(-months_since_start / decay_months)


def screening_pace(base_pace, obstruction, formalism, pressure):
    """Share of a region's not-yet-screened primary organizations screened this month.

    Foot-dragging (*formalno*, withholding facilities and people) slowed every operation:
    the *chistka* had covered one-third of the party after seven months (L666-668), the
    *proverka* 57 % after two months and 81 % by the end of 1935 (L942, L970). Pressure
    from the center (rebukes) speeds a region up: ASSUMPTION, from the push to finish the
    proverka in October 1935 (L952-954); L816-818 describe Smolensk's more careful
    documentation after the rebuke, not its speed. Perfunctory work
    is fast work: "one raion in the Urals verified over 1,500 members in less than six
    days" (L800), so formalism raises the pace.

    Args:
        base_pace: The campaign's planned monthly coverage, in [0, 1].
        obstruction: The region's foot-dragging, in [0, 1] (1 = refuses, as Vinnitsa, L668).
        formalism: The region's perfunctoriness, in [0, 1].
        pressure: Central pressure on the region (>= 0; 0 = none).

    Returns:
        Probability that an unscreened organization is screened this month.
    """
    return _minimum(base_pace * (1.0 - obstruction) * (1.0 + formalism) * (1.0 + pressure), 1.0)


def grounds_hazard(grounds, weights):
    """Relative risk of a member from the grounds against him and the campaign's targets.

    Each campaign names what it is after: the *chistka* "class-alien", "double dealers",
    violators of discipline, degenerates, careerists (L627-632); the *proverka* false
    documents and hidden pasts (L776, Table 3.5); the *obmen* passives (L1101-1103).

    Args:
        grounds: Sequence (or 2-D array, grounds on axis 0) of 0/1 indicators in the
            order of :data:`GROUNDS`.
        weights: The campaign's weight per ground, same order.

    Returns:
        The weighted sum: 0 for a member with no grounds the campaign cares about.
    """
    if len(grounds) != len(weights):
        raise ValueError("grounds_hazard: one weight per ground")
    total = 0.0
    for k in range(len(weights)):
        total = total + weights[k] * grounds[k]
    return total


def protect_clients(is_client, patron_in_office, protection_strength, skilled, skill_protection,
                    screener_independence):
    """Multiplier (<= 1) on a member's hazard from his patron's protection.

    Secretaries shielded "their people" (L713, L1463: "The Obkom protected its own") and
    hoarded skilled administrators for plan fulfilment (L693). A screening run by an
    independent body (the 1933 purge commissions, L650-664) is harder to steer, so
    protection is scaled down by ``screener_independence``.

    Args:
        is_client: 1 if the member is a client of a secretary, else 0.
        patron_in_office: 1 if that patron is still in office and not himself exposed.
        protection_strength: Share of the hazard a patron can remove, in [0, 1].
        skilled: 1 if the member holds an office or is a skilled cadre.
        skill_protection: Share of the hazard removed for skilled cadres, in [0, 1].
        screener_independence: 0 when the secretaries screen, up to 1 for a body fully
            independent of them.

    Returns:
        Hazard multiplier in [0, 1].
    """
    reach = 1.0 - screener_independence
    shield = is_client * patron_in_office * protection_strength * reach
    shield_skill = skilled * skill_protection * reach
    return (1.0 - shield) * (1.0 - shield_skill)


def case_protection(is_client, patron_in_office, machine, is_official, level_defence,
                    screener_independence, protection_strength, skill_protection):
    """Multiplier (<= 1) on the hazard of a case against a member: patron, skill and rank.

    :func:`protect_clients` with the patron's strength scaled by his regional machine
    (``protection_strength * machine``, at most 1; a stronger obkom machine, as
    Rumiantsev's, L1463, shields more), times :func:`rank_shield`. Used alike by
    screenings, by the investigation of denunciations and (through
    :func:`nkvd_local_shield`) never by the police.

    Args:
        is_client: 1 if the member is a client of a secretary.
        patron_in_office: 1 if that patron is still in office and not himself exposed.
        machine: Strength of the region's machine (1 = typical).
        is_official: 1 if the member holds an office.
        level_defence: :func:`rank_shield`'s defence of his office (0 for the rank and file).
        screener_independence: As in :func:`protect_clients`.
        protection_strength: Share of the hazard a patron can remove (at ``machine`` 1).
        skill_protection: Share of the hazard removed for skilled cadres.

    Returns:
        Hazard multiplier in [0, 1].
    """
    strength = _minimum(1.0, protection_strength * machine)
    return (protect_clients(is_client, patron_in_office, strength, is_official, skill_protection,
                            screener_independence)
            * rank_shield(level_defence, screener_independence))


def rank_shield(level_defence, screener_independence):
    """Multiplier (<= 1) on the hazard of an officeholder judged by those below or beside him.

    "Because expulsions could only be approved by the leaders (raikom buros or obkom
    buros), it is not surprising that most of those expelled ... were rank-and-file
    members rather than responsible officials" (L1461); regional first secretaries fell
    only from above (L2002), higher officials defended themselves better (L1918). An
    independent screener (a purge commission) is less bound by rank, the less so the
    higher the rank: a regional first secretary cannot be reached at all from below.

    Args:
        level_defence: 0 (rank and file) .. 1 (obkom secretary), from the office held.
        screener_independence: As in :func:`protect_clients`.

    Returns:
        Hazard multiplier in [0, 1].
    """
    return 1.0 - level_defence * (1.0 - screener_independence * (1.0 - level_defence))


def deflect_onto_passives(is_passive, is_client, is_official, deflection, vigilance,
                          screener_independence):
    """Multiplier (>= 1) on the hazard of defenceless rank-and-file "ballast".

    Local machines showed "vigilance" with mass expulsions of passives and recent
    recruits while protecting their own (L664, L693, L1461); the louder the center's
    call for vigilance against enemies (1936-38), the more they deflected: secretaries
    "proved their vigilance by expelling and denouncing batches of rank-and-file members"
    (L1675, L2085, L2267). The center's rebukes over the screenings do not enter: the
    1935 rebuke carried no demand for more expulsions (L792, L806) and Smolensk answered
    it by forbidding "a campaign of unmasking" (L824-826). An independent commission
    deflects less (L664).

    Args:
        is_passive: 1 if the member is passive.
        is_client: 1 if the member is a client of a secretary.
        is_official: 1 if the member holds an office.
        deflection: Strength of deflection, >= 0.
        vigilance: The month's call for vigilance from the center's vigilance campaigns
            (the scenario's non-screening campaigns), >= 0.
        screener_independence: As in :func:`protect_clients`.

    Returns:
        Hazard multiplier >= 1.
    """
    defenceless = is_passive * (1 - is_client) * (1 - is_official)
    return 1.0 + defenceless * deflection * (1.0 + vigilance) * (1.0 - screener_independence)


def restrain(rate, restraint):
    """A secretaries' expulsion rate under the center's restraint: ``rate * (1 - restraint)``.

    The center's moderate line ran against the secretaries' expulsions of passives and
    their "unmasking" from above: the KPK plenum of March 1936 and the order of May 24,
    1936 against "formal", "mechanical" expulsions (L1297-1303), the June 1936 letter
    (L1307-1323), Stalin at the February-March 1937 plenum ("put an end to the present
    blockheaded interpretation of the question of passivity", L1715-1725), and the
    January 1938 resolution against secretaries who insure themselves "through the
    indiscriminate repression of party members" (L2163-2175), which "caused a decrease
    in the expulsions" (L2201). Applied to expulsions from above (``from_above_rate``),
    to deflection onto passives (``deflection``) and to a screening's weight on
    passivity.

    Args:
        rate: The rate, weight or strength without restraint (>= 0).
        restraint: 0..1, the center's restraint this month (the scenario's ``restraint``).

    Returns:
        The restrained rate.
    """
    return rate * (1.0 - restraint)


def screening_probability(intensity, zeal, relative_risk, protection, deflection, formalism,
                          formalism_blindness):
    """Probability that the review of one member in a screening finds him expellable.

    Combines the campaign's intensity (the book's expulsion rate for the operation,
    Table 3.4, L1007; Table 7.1, L2061), its zeal this month, the member's relative
    risk from the grounds against him, his protection and the deflection onto passives.
    Formalism (perfunctory checks "in five minutes", L800) lowers detection.

    Args:
        intensity: Campaign hazard for an average member at full zeal (>= 0).
        zeal: :func:`campaign_zeal` this month.
        relative_risk: :func:`grounds_hazard`, normalised to mean 1 in the membership.
        protection: :func:`protect_clients` multiplier.
        deflection: :func:`deflect_onto_passives` multiplier.
        formalism: The region's perfunctoriness, in [0, 1].
        formalism_blindness: Share of cases a fully perfunctory screening misses.

    Returns:
        Probability in [0, 1).
    """
    return _hazard_to_probability(intensity * zeal * relative_risk * protection * deflection
                                  * (1.0 - formalism_blindness * formalism))


def screening_verdict(u, intensity, zeal, relative_risk, protection, deflection, formalism,
                      formalism_blindness):
    """The review of one member in a screening, given his uniform draw ``u``.

    A case is opened when ``u`` falls below :func:`screening_probability`. The same draw
    tells which cases the local machine bent: a case opened only because the member was
    defenceless ballast is *deflected* (L664, L693); a case not opened only because a
    patron or rank shielded him is *shielded* (L713, L1463). Members who saw either
    resent their leaders (:func:`witnessed_injustice`).

    Args:
        u: Uniform draw in [0, 1), one per member.
        intensity: As in :func:`screening_probability`.
        zeal: As in :func:`screening_probability`.
        relative_risk: As in :func:`screening_probability`.
        protection: As in :func:`screening_probability`.
        deflection: As in :func:`screening_probability`.
        formalism: As in :func:`screening_probability`.
        formalism_blindness: As in :func:`screening_probability`.

    Returns:
        Tuple of 0/1 flags (case opened, deflected, shielded).
    """
    case = u < screening_probability(intensity, zeal, relative_risk, protection, deflection,
                                     formalism, formalism_blindness)
    fair = u < screening_probability(intensity, zeal, relative_risk, protection, 1.0, formalism,
                                     formalism_blindness)
    unshielded = u < screening_probability(intensity, zeal, relative_risk, 1.0, deflection,
                                           formalism, formalism_blindness)
    return case, case > fair, unshielded > case


def case_reason(u, grounds, weights, baseline_risk):
    """Which ground a screening case rests on: each in proportion to its weight.

    Args:
        u: Uniform draw in [0, 1).
        grounds: 0/1 indicators in :data:`GROUNDS` order (as :func:`grounds_hazard`).
        weights: The campaign's weight per ground.
        baseline_risk: Weight of the "other" reasons (parameter ``baseline_risk``).

    Returns:
        Position in :data:`REASONS`: a ground, or ``len(GROUNDS)`` ("other").
    """
    target = u * (baseline_risk + grounds_hazard(grounds, weights))
    reason = 0
    cumulative = 0.0
    for k in range(len(weights)):  # (grounds_hazard has checked the lengths)
        cumulative = cumulative + weights[k] * grounds[k]
        reason = reason + (target >= cumulative)
    return reason


def pick(u, probs):
    """The position of a categorical draw: the first ``i`` with ``u < sum(probs[:i + 1])``.

    Args:
        u: Uniform draw in [0, 1).
        probs: Sequence of probabilities (numbers or arrays) that sum to one.

    Returns:
        Position in ``probs`` (the last one if rounding leaves ``u`` above the total).
    """
    cumulative = 0.0
    position = 0
    for q in probs[:-1]:
        cumulative = cumulative + q
        position = position + (u >= cumulative)
    return position


def denounce(lateral_rate, vigilance, grounds_visible, unfounded, from_below_rate, criticism,
             grievance_against, is_official, from_above_rate, vigilance_call, is_passive, is_client,
             is_critic, retaliation):
    """Probabilities that a member is denounced this month, by channel.

    *Fakti* raised at meetings (L832-834): lateral denunciations by peers, mostly for
    kulak or alien connections and personal misconduct (Table 3.1, L836); criticism
    from below of officials, which needs a signal from above to be voiced (L1797,
    L1912); and denunciations from above, by secretaries showing vigilance on passives
    and non-clients (L1675) or retaliating against critics (L1703: Nikolaenko "expelled
    ... as though she were an annoying fly").

    Args:
        lateral_rate: Base monthly rate of peer denunciations in a campaign meeting.
        vigilance: The campaign's call for vigilance (>= 0).
        grounds_visible: 0..1, how visible the grounds against the member are.
        unfounded: Weight of denunciations of members with no visible ground
            (parameter ``unfounded_denunciation``): "rumors, suspicions, and grudges"
            (L834).
        from_below_rate: Base rate of criticism of officials from below.
        criticism: Criticism released from above this month (>= 0).
        grievance_against: Grievance of the rank and file against this official, 0..1.
        is_official: 1 if the member holds an office.
        from_above_rate: Base rate of denunciations by secretaries.
        vigilance_call: The month's call for vigilance from the center's vigilance
            campaigns (1936-38: secretaries "unmasking" the rank and file, L1675, L2085).
        is_passive: 1 if the member is passive.
        is_client: 1 if the member is a client of a secretary.
        is_critic: 1 if the member has criticised his leaders.
        retaliation: Strength of retaliation against critics, >= 0.

    Returns:
        Tuple of probabilities (lateral, from_below, from_above).
    """
    lateral = _hazard_to_probability(lateral_rate * vigilance * (unfounded + grounds_visible))
    below = _hazard_to_probability(from_below_rate * criticism * grievance_against * is_official)
    above = _hazard_to_probability(
        from_above_rate * (1.0 + vigilance_call) * (1 - is_client) * (1 - is_official)
        * (is_passive + retaliation * is_critic)
    )
    return lateral, below, above


def investigate(has_grounds, protection, true_support, false_support):
    """Probability that a checked, resolved denunciation is found "supported".

    In Smolensk city in 1935, of 492 statements checked, 323 were "supported" and 98
    "unsupported" (Table 3.2, L859); the other 71 had no recorded result (see the
    parameter ``pending_share``). A patron's protection makes a supported finding
    against a client less likely.

    Args:
        has_grounds: 0..1, whether (or how strongly) the accusation is true.
        protection: :func:`protect_clients` multiplier (1 = unprotected).
        true_support: Probability that a true accusation is upheld.
        false_support: Probability that a baseless accusation is upheld anyway.

    Returns:
        Probability in [0, 1].
    """
    return (false_support + (true_support - false_support) * has_grounds) * protection


def disregard_declared_origin(reason, hid_origin):
    """1 when an upheld accusation is disregarded: an alien origin openly declared.

    In the 1935 investigations "mere kulak origins or former membership in another
    political party were not sufficient grounds for expulsion": statements about facts
    already "matters of record", which the member "had never attempted to hide", were
    disregarded; "the only expulsion in which ... connections to 'alien elements' was
    the sole charge involved the member having 'hidden this from the party'" (L874-876;
    the rule of the twenties, L531).

    Args:
        reason: Position in :data:`REASONS` of the accusation.
        hid_origin: 1 when the member hid his alien origin (the census's ``alien_past``),
            0 when he declared it or has none.

    Returns:
        1 when the case is disregarded, else 0.
    """
    return 1 * (reason == _ALIEN_PAST) * (1 - 1 * hid_origin)


def choose_outcome(severity, is_official, leniency, weights):
    """Probabilities of the five outcomes of a supported case.

    Of 323 supported denunciations in Smolensk city, 1935: 134 expelled, 48 reprimands,
    41 removed from jobs, 100 warnings (Table 3.2, L859-872). In 1933 a member lacking
    political knowledge was "to be reduced from a member to a candidate, or from a
    candidate ... to a sympathizer" rather than expelled (L646). Graver grounds push the
    outcome towards expulsion; leniency (the January 1938 resolution, L2163-2203) away.

    Args:
        severity: 0..1, gravity of the grounds (alien past, opposition ~1; passivity ~0).
        is_official: 1 if the member holds an office (he then loses it when removed).
        leniency: 0 normally; up to 1 under a restraining directive.
        weights: The parameter ``outcome_weights``: expel (base, per unit of severity),
            demote, remove from post (base, extra for an official), reprimand, warn.

    Returns:
        Tuple of probabilities in :data:`OUTCOMES` order; they sum to 1.
    """
    expel_base, expel_severity, demote_w, remove_base, remove_official, reprimand_w, warn_w = (
        weights)
    expel = (expel_base + expel_severity * severity) * (1.0 - 0.5 * leniency)
    demote = (demote_w * (1.0 - severity)) * (1.0 + leniency)
    # "removed from their jobs" (Table 3.2) applies to anyone employed; officials, who
    # also hold a party post, lose it more often.
    remove = remove_base + remove_official * is_official
    reprimand = reprimand_w + 0.0 * severity
    warn = warn_w * (1.0 + leniency)
    total = expel + demote + remove + reprimand + warn
    return expel / total, demote / total, reprimand / total, remove / total, warn / total


def screening_expels(severity, is_official, leniency, weights):
    """Probability that a screening case ends in expulsion rather than demotion.

    A screening commission expelled or, for a member "lacking political knowledge",
    reduced him to candidate or sympathizer (L646); the two outcomes keep the odds they
    have in :func:`choose_outcome`.

    Args:
        severity: As in :func:`choose_outcome`.
        is_official: As in :func:`choose_outcome`.
        leniency: As in :func:`choose_outcome`.
        weights: As in :func:`choose_outcome`.

    Returns:
        Probability in [0, 1].
    """
    outcome = choose_outcome(severity, is_official, leniency, weights)
    expel, demote = outcome[0], outcome[1]
    return expel / (expel + demote)


def screening_removes(severity, is_official, leniency, weights):
    """Probability that a screening case not ending in expulsion removes an official.

    He is removed from his post rather than demoted.
    Screenings renewed the cadres: in the proverka "several more raikom first secretaries
    were removed from their posts for failing to organize the newly demanded party
    work"; thirty-seven secretaries were replaced in Smolensk city, twenty "for not
    providing leadership"; 64 % of Kalinin's party secretaries were "renewed"
    (L1063-1065). The two outcomes keep the odds they have in :func:`choose_outcome`.

    Args:
        severity: As in :func:`choose_outcome`.
        is_official: 1 for an officeholder (0: never removed).
        leniency: As in :func:`choose_outcome`.
        weights: As in :func:`choose_outcome`.

    Returns:
        Probability in [0, 1].
    """
    outcome = choose_outcome(severity, is_official, leniency, weights)
    demote, remove = outcome[1], outcome[3]
    return remove / (demote + remove) * is_official


def disappear_from_rolls(base_rate, is_passive, is_recent, records_chaos, weight_passive,
                         weight_recent):
    """Monthly probability that a member drifts away while staying on the rolls.

    Records chaos: members transferred or "simply disappeared" without being struck off
    (Iartsevo, L695); "dead souls" (56,500 in ten regions, L703); "During 1933-34, the
    party 'lost' almost as many members as it expelled" (L697). Passive and recent
    members drift more (ASSUMPTION: passives are by definition detached; recent
    recruits had joined "without proper verification", L619).

    Args:
        base_rate: Monthly drift hazard of an active, settled member.
        is_passive: 1 if passive.
        is_recent: 1 if joined 1929 or later.
        records_chaos: 0..1, how chaotic the records are (1 before the *proverka*).
        weight_passive: Extra hazard of a passive member (relative to 1).
        weight_recent: Extra hazard of a recent recruit (relative to 1).

    Returns:
        Probability in [0, 1).
    """
    return _hazard_to_probability(
        base_rate * (1.0 + weight_passive * is_passive + weight_recent * is_recent)
        * records_chaos)


def leave_rolls(drift, withdrawal_rate):
    """Monthly probability that a member leaves either way: drifts away, or else withdraws.

    A member drifts with :func:`disappear_from_rolls`'s ``drift`` and, if he does not,
    withdraws with the parameter ``withdrawal_rate`` (as the reference engine draws them
    one after the other, :meth:`model.agents.Member.step`).

    Args:
        drift: :func:`disappear_from_rolls`.
        withdrawal_rate: Monthly probability of a withdrawal.

    Returns:
        Probability in [0, 1].
    """
    return drift + (1.0 - drift) * withdrawal_rate


def discover_dead_soul(records_check, formalism, formalism_blindness):
    """Probability that a screening finds a "dead soul" on the rolls and strikes it off.

    Screenings uncovered the gap between records and real membership (L697-703; the
    *proverka* report of July 10, 1935, L808). Perfunctory screenings find fewer.

    Args:
        records_check: The campaign's attention to records (*uchet*), 0..1.
        formalism: The region's perfunctoriness, 0..1.
        formalism_blindness: Share a fully perfunctory screening misses.

    Returns:
        Probability in [0, 1].
    """
    return records_check * (1.0 - formalism_blindness * formalism)


def reinstate_on_appeal(reason_severity, is_worker, restraint, base):
    """Probability that an appeal by an expelled member succeeds.

    In 1929, 22 % of the expelled were reinstated on appeal (43 % in Smolensk, 33 % in
    Voronezh), "the vast majority ... expelled for 'passivity'" and "rank-and-file
    members of working-class origin" (L611-613). After the June 1936 letter on appeals
    (L1315-1323) and the January 1938 plenum (54 % of examined appeals readmitted,
    L2203) restraint raised the odds.

    Args:
        reason_severity: 0..1 gravity of the reason (passivity 0, opposition 1).
        is_worker: 1 for a member of working-class origin.
        restraint: 0..1, how strongly the center is pressing for reinstatements.
        base: Success probability for a passive worker with no restraint.

    Returns:
        Probability in [0, 1].
    """
    p = base * (1.0 - 0.8 * reason_severity) * (0.7 + 0.3 * is_worker)
    return p + (1.0 - p) * restraint * (1.0 - 0.5 * reason_severity)


def monitor_region(reported_progress, national_progress, planned_progress, reported_formalism,
                   too_fast, too_slow, cursory_formalism):
    """The center's reading of one region's noisy report: (rebuke_slow, order_repeat).

    The center read the regions' reports and rebuked both those going too slowly and
    those whose work was cursory: going far faster than the rest (Kursk 67 % and Saratov
    62 % after one month against a national 33 %, L798-802) or "formal-bureaucratic"
    (the June 27, 1935 rebuke of the Western Region, L816, L886). "Several organizations
    were ordered to repeat the operation from the beginning. Ultimately eighteen or
    nineteen regions would be ordered to begin again" (L802); "190 raions were repeating
    the verification" (L940).

    Args:
        reported_progress: Share of the region screened, as reported (noisy).
        national_progress: Mean reported progress over regions.
        planned_progress: Share planned by now.
        reported_formalism: The center's noisy reading of the region's perfunctoriness
            (inspectors, complaints at meetings, L800, L886).
        too_fast: Progress above ``too_fast * national_progress`` is judged cursory.
        too_slow: Progress below ``too_slow * planned_progress`` is judged foot-dragging.
        cursory_formalism: Reported formalism above this is judged cursory.

    Returns:
        Tuple of 0/1 flags (rebuke for slowness, order to repeat for cursory work).
    """
    cursory = np.maximum(reported_progress > too_fast * national_progress,
                         reported_formalism > cursory_formalism) * 1
    slow = (reported_progress < too_slow * planned_progress) * (1 - cursory)
    return slow, cursory


def electorate_grievance(rank_and_file, apparatus, apparatus_share, client_loyalty,
                         inaccessibility):
    """Grievance of the body that elects an officeholder against him, 0..1.

    The rank and file's grievances came from injustice witnessed in the screenings and
    from leaders they could not reach: "waiting around all day in the hallways" (L485), a
    party organizer who had seen his city secretary once in a year (L934), leaders
    "separated from the rank and file" who "insulated themselves from criticism" (L1749).
    The higher the office, the more remote its holder (``inaccessibility``), but the
    more of its electorate was his own apparatus: "87 percent of the membership of the
    raikom buros had been appointed rather than elected" (L1779), and the regional
    conferences that re-elected Rumiantsev were his officials (L1918). Appointees share
    the apparatus's grievances only as far as they are not loyal to the man who appointed
    them (``client_loyalty``).

    Args:
        rank_and_file: Mean grievance of the rank and file below him, 0..1.
        apparatus: Mean grievance of the officeholders below him, 0..1.
        apparatus_share: Share of the electorate that is his apparatus, 0..1 (parameter
            ``apparatus_delegates`` by office).
        client_loyalty: 0..1, how far an appointee will not vote against his patron.
        inaccessibility: Grievance added by the office's remoteness (parameter by office).

    Returns:
        Grievance in [0, 1].
    """
    below = _minimum(1.0, rank_and_file + inaccessibility)
    return ((1.0 - apparatus_share) * below
            + apparatus_share * apparatus * (1.0 - client_loyalty))


def suppress_criticism(criticism, control, machine):
    """Criticism that reaches an officeholder's electorate past his machine (*zazhim kritiki*).

    Suppression of criticism (*zazhim kritiki*): Moscow "feared that local leaders would
    pervert or manipulate the meetings and the voting" (L1787); *Pravda* exposed
    badly organized electoral meetings, "suspected ballot fraud", "illegal open voting",
    and places where "the local press had been forbidden to publish remarks critical of
    the local leaders" (L1791). The threat of the elections "was much greater at lower
    levels. More powerful regional officials were in a better position to defend their
    positions ... the regional 'lords' had deflected the heat to lower levels and
    weathered the storm" (L1918). The hold an office gives over its own election
    (``control``, by office) works through the region's family circle (``machine``, the
    region's trait: a committee made in 1937 has a weaker one, L1926; a variant without
    machines has none): the share of criticism let through, ``1 - control``, is raised
    to the power ``machine``, so no machine lets all of it through, the reference machine
    holds back ``control`` of it, and no finite machine holds back all of it unless the
    office's hold is complete. Criticism was still voiced - the June conferences
    "besieged" the obkoms - but the machines held the vote (L1938-1942).

    Args:
        criticism: Criticism released from above, >= 0.
        control: 0..1, the office's hold over its own election (parameter
            ``election_control`` by office).
        machine: The region's family circle, >= 0 (1 the reference; 0..2 in the cited
            regions).

    Returns:
        Criticism that reaches the electorate, in ``[0, criticism]`` (all of it with no
        hold or no machine).
    """
    return criticism * (1.0 - control) ** machine


def secret_ballot_turnover(grievance, criticism, base):
    """Probability that an officeholder is voted out in the 1937 secret-ballot elections.

    The February-March 1937 plenum "awakened and unleashed" grievances "it did not
    create" (L1912); secret ballots from unlimited lists removed poor leaders but not all
    (L1799). That "more powerful regional officials were in a better position to defend
    their positions" (L1918) is not given here: it comes from their electorates
    (:func:`electorate_grievance`) and their hold over the vote
    (:func:`suppress_criticism`). The turnover figures themselves are withheld for
    validation (L1827-1835).

    Args:
        grievance: :func:`electorate_grievance` against him, 0..1.
        criticism: Criticism that reaches the electorate, >= 0 (:func:`suppress_criticism`).
        base: Scale of the hazard.

    Returns:
        Probability in [0, 1).
    """
    return _hazard_to_probability(base * criticism * grievance)


def targeted_arrests(hazards, opposition, alien_past, economic_official):
    """Monthly hazard of the arrest operations aimed at named groups.

    Before the mass arrests of 1937 the NKVD went after named groups: a few former
    oppositionists after Kirov (L1371), "the rest of the former Trotskyist opposition"
    in the autumn of 1936 (L1485), and, once the Novosibirsk trial had equated
    Trotskyism with "the enemy in high position", economic officials (L1533; harassed
    since the spring of 1936 but shielded by Ordzhonikidze, L1495-1497; "particularly
    exposed", L2035).

    Args:
        hazards: The month's hazard per target, in :data:`ARREST_TARGETS` order (the
            active campaigns' ``targeted_arrest_rate`` times their ``arrest_targets``).
        opposition: 1 for a former oppositionist.
        alien_past: 1 for a member who hid an alien past.
        economic_official: 1 for an official outside the party apparatus (director,
            kolkhoz chairman).

    Returns:
        Hazard >= 0 (the ``targeted`` of :func:`arrest_hazard`).
    """
    h_opposition, h_alien, h_economic = hazards
    return h_opposition * opposition + h_alien * alien_past + h_economic * economic_official


def expel_for_connections(rate, vigilance, implicated, restraint):
    """Monthly probability a member is expelled for "connections with enemies".

    "Expulsions from the party on the grounds of 'connections' with enemies at one time
    assumed very large proportions": honest people were expelled "wholesale" for having
    been "brought into contact with enemies of the people by their work" (L2245-2249).
    A member of an organization where someone was arrested is implicated; the louder the
    call for vigilance the more such expulsions, and the center's restraint (the January
    1938 resolution against expulsions "without any basis", L2167) holds them back.

    Args:
        rate: Base rate (parameter ``connections_rate``).
        vigilance: The month's call for vigilance (>= 0).
        implicated: 1 for a member of an organization where someone was arrested.
        restraint: 0..1, the center's restraint.

    Returns:
        Probability in [0, 1).
    """
    return _hazard_to_probability(restrain(rate * vigilance * implicated, restraint))


def arrest_hazard(base, level_exposure, opposition, alien_past, patron_fallen, cascade,
                  implicated, chain, targeted, local_shield, weight_opposition,
                  weight_alien_past):
    """Monthly probability of arrest by the NKVD, bypassing the secretaries.

    The Ezhovshchina hit leaders more than the rank and file (L2037), former
    oppositionists and economic officials (L2035); arrests ran along chains of personal
    connection, "family circles" (L2025, L2031: "When Rumiantsev fell, Kovalev fell",
    L1994), and "one arrest led to another": those under interrogation were "encouraged
    to implicate and denounce others" (L2025), so an arrest raises the hazard of the
    arrested member's organization. Targeted operations (:func:`targeted_arrests`) add
    their hazard. Before the fusion of the criticism and police channels in July 1937, the
    local NKVD chief belonged to the family circle and shielded its members (L1767,
    L1775, L2004-2006).

    Args:
        base: The campaign's monthly arrest hazard for an ordinary member.
        level_exposure: Multiplier for the office held (1 for the rank and file).
        opposition: 1 for a former oppositionist.
        alien_past: 1 for a member with a compromising past.
        patron_fallen: 1 if the member's patron has fallen.
        cascade: Multiplier for clients of a fallen patron.
        implicated: 1 for a member of an organization where someone was arrested.
        chain: Multiplier for the implicated (parameter ``arrest_chain``).
        targeted: Hazard of targeted operations (:func:`targeted_arrests`).
        local_shield: 0..1, protection by the local NKVD for clients of a standing patron.
        weight_opposition: Extra hazard of a former oppositionist (relative to 1).
        weight_alien_past: Extra hazard of a compromising past (relative to 1).

    Returns:
        Probability in [0, 1).
    """
    hazard = base * level_exposure * (1.0 + weight_opposition * opposition
                                      + weight_alien_past * alien_past) + targeted
    hazard = (hazard * (1.0 + (cascade - 1.0) * patron_fallen)
              * (1.0 + (chain - 1.0) * implicated))
    return _hazard_to_probability(hazard * (1.0 - local_shield))


def remove_regional_leader(base, distrust):
    """Monthly probability that the center removes a regional first secretary from above.

    Regional first secretaries fell only from above: "an important satrap such as
    Rumiantsev ... was answerable only to the Central Committee" (L2002); emissaries from
    Moscow tipped the scales at regional conferences (L1938, L2029).

    Args:
        base: Monthly removal hazard in the campaign (0 outside it).
        distrust: The center's accumulated distrust of the region (rebukes), >= 0.

    Returns:
        Probability in [0, 1).
    """
    return _hazard_to_probability(base * (1.0 + distrust))


def split_region(u, split_share, n_districts):
    """Whether a regional committee is split in two in a reorganization (*razukrupnenie*).

    "The creation of hundreds of new *obkoms*, *kraikoms*, *raikoms*, and cells in a new
    administrative reorganization. All of them required new staffs" (L1926): between 1935
    and 1939, "40 new regional (*oblast'*) and territorial (*krai*) organizations" (n. 69,
    L3493). A region is split when its draw ``u`` falls below the campaign's share, and
    only if it has two districts or more to divide.

    Args:
        u: Uniform draw in [0, 1) of the region.
        split_share: Share of the regional committees split (the campaign's).
        n_districts: Districts of the region.

    Returns:
        True where the region is split.
    """
    return (u < split_share) & (n_districts >= 2)


def admit_candidates(rate, members, frozen):
    """Expected number of new candidates admitted this month.

    Admissions were suspended from the *chistka* (early 1933, L734) until November 1936
    (L1107); after the January 1938 plenum "the number of new members taken into the
    party tripled" (L2201).

    Args:
        rate: Monthly admissions as a share of the membership.
        members: Current membership.
        frozen: 1 while admissions are frozen.

    Returns:
        Expected admissions (a Poisson mean).
    """
    return rate * members * (1 - frozen)


def grievance_growth(grievance, witnessed_injustice, rate):
    """New grievance of a rank-and-file member against his leaders.

    Discontent with local leaders was widespread and latent before 1937: "The February
    plenum awakened and unleashed this sentiment; it did not create it" (L1912). It grows
    when members see clients spared and the defenceless expelled (L1769: members "lived in
    continual fear of being expelled by Kovalev"). ASSUMPTION: linear growth towards 1.

    Args:
        grievance: Current grievance, 0..1.
        witnessed_injustice: 0..1, share of this month's cases in his organization that
            were deflections or protections.
        rate: Growth rate per unit of injustice.

    Returns:
        The new grievance, 0..1.
    """
    return grievance + (1.0 - grievance) * rate * witnessed_injustice


def visible_grounds(alien_past, misconduct, indiscipline, opposition, is_passive, weights):
    """How much there is to denounce about a member, 0..1.

    Alien connections and misconduct were the usual *fakti*: over a third of the
    Smolensk denunciations of 1935 were for kulak or nepman connections and another third
    for personal, financial or moral misconduct (Table 3.1, L836).

    Args:
        alien_past: 1 for a member with kulak, nepman or other alien connections,
            hidden or declared (peers knew of both, Table 3.1, L836).
        misconduct: 1 for personal, financial or moral misconduct.
        indiscipline: 1 for violations of party discipline.
        opposition: 1 for a former oppositionist.
        is_passive: 1 for a passive member.
        weights: The parameter ``visibility_weights``, in :data:`DENOUNCED_GROUNDS` order.

    Returns:
        Visibility in [0, 1].
    """
    w_alien, w_misconduct, w_indiscipline, w_opposition, w_passive = weights
    return _minimum(1.0, w_alien * alien_past + w_misconduct * misconduct
                    + w_indiscipline * indiscipline + w_opposition * opposition
                    + w_passive * is_passive)


def visible_reason(u, alien_past, misconduct, indiscipline, opposition, is_passive):
    """What a peer's lateral denunciation is about: one of the member's visible grounds.

    Alien connections, misconduct, indiscipline, opposition or passivity (Table 3.1,
    L836), each the member visibly has equally likely; "other" when he has none.

    Args:
        u: Uniform draw in [0, 1).
        alien_past: 1 for a member with alien connections, hidden or declared.
        misconduct: 1 for misconduct.
        indiscipline: 1 for violations of discipline.
        opposition: 1 for a former oppositionist.
        is_passive: 1 for a passive member.

    Returns:
        Position in :data:`REASONS`.
    """
    flags = (alien_past, misconduct, indiscipline, opposition, is_passive)  # DENOUNCED_GROUNDS
    count = 0
    for i in range(len(flags)):
        count = count + 1 * flags[i]
    k = _floor(u * count)  # the k-th (from 0) of the visible grounds
    reason = _OTHER + 0 * count
    seen = 0
    for i in range(len(flags)):
        seen = seen + flags[i]
        reason = reason + flags[i] * (seen == k + 1) * (_DENOUNCED_CODES[i] - _OTHER)
    return reason


def accusation(channel, is_passive, misconduct, reason_visible, poor_leadership_grounded):
    """The reason a denunciation gives, and how far it is grounded (0..1), by channel.

    Criticism from below accused officials of "poor leadership" (L1799), grounded where
    there was misconduct and in part otherwise (parameter ``poor_leadership_grounded``);
    secretaries denouncing from above "unmasked" passives (L1675) or, against active
    critics, charged indiscipline (L1703), grounded only for the passive; a peer's
    lateral denunciation is about a visible ground (:func:`visible_reason`), grounded
    unless it names none.

    Args:
        channel: "lateral", "from_below" or "from_above".
        is_passive: 1 for a passive member.
        misconduct: 1 for a member with misconduct.
        reason_visible: :func:`visible_reason` (read for lateral denunciations only).
        poor_leadership_grounded: The parameter of that name.

    Returns:
        Tuple (position in :data:`REASONS`, grounded 0..1).
    """
    zero = 0 * is_passive
    if channel == "from_below":
        return (zero + _POOR_LEADERSHIP,
                poor_leadership_grounded + (1.0 - poor_leadership_grounded) * misconduct)
    if channel == "from_above":
        return (zero + _INDISCIPLINE + (_PASSIVITY - _INDISCIPLINE) * is_passive,
                1.0 * is_passive)
    return reason_visible, 1.0 * (reason_visible != _OTHER)


def handed_to_police(fused, channel, outcome, fused_arrest_share):
    """Probability that an official condemned from below is handed to the NKVD.

    Once the criticism and police channels fused in July 1937, "poor party work =
    wrecking" (L2006): an expulsion or removal voted from below could end in arrest.

    Args:
        fused: 1 once the channels have fused.
        channel: The denunciation's channel.
        outcome: Position in :data:`OUTCOMES` of the case's outcome.
        fused_arrest_share: Share of such cases handed over.

    Returns:
        Probability in [0, 1].
    """
    condemned = (outcome == _EXPEL) + (outcome == _REMOVE_FROM_POST)
    return fused_arrest_share * fused * (channel == "from_below") * condemned


def witnessed_injustice(injustices, members_present, visibility):
    """Share of an organization's screening that its members saw as unjust, 0..1.

    Deflections onto passives and cases dropped for clients were done in open meetings
    (L658) and remembered (L1769, L1912).

    Args:
        injustices: Deflected plus shielded cases in the organization this month.
        members_present: Members present at the screening (> 0).
        visibility: One unjust case among this many members is noticed by all
            (parameter ``injustice_visibility``).

    Returns:
        Share in [0, 1].
    """
    return _minimum(1.0, visibility * injustices / _maximum(members_present, 1))


def appeal_probability(appeal_rate, restraint, appeals_made, restraint_boost, max_appeals):
    """Monthly probability that an expelled member files an appeal.

    Appeals were examined "extremely slowly" (L1317) until the June 1936 letter and the
    January 1938 plenum pressed for them (L1315-1323, L2163-2203).

    Args:
        appeal_rate: Base monthly appeal rate.
        restraint: 0..1, the center's push for reinstatements.
        appeals_made: Appeals already filed by the member.
        restraint_boost: At full restraint the rate is ``1 + restraint_boost`` times the base.
        max_appeals: Appeals a member may file at most.

    Returns:
        Probability in [0, 1].
    """
    return (_minimum(1.0, appeal_rate * (1.0 + restraint_boost * restraint))
            * (appeals_made < max_appeals))


def promote_candidate(frozen, candidacy_months):
    """Monthly probability that a candidate becomes a full member.

    The book dates admissions (suspended in 1933, L734; reopened in November 1936,
    L1107), not promotions. ASSUMPTION: promotions stop and resume with admissions
    (candidacies had fixed lengths by party rules; the book gives none).

    Args:
        frozen: 1 while admissions (and promotions) are frozen.
        candidacy_months: Mean length of a candidacy (parameter ``promotion_months``).

    Returns:
        Probability in [0, 1].
    """
    return (1.0 / candidacy_months) * (1 - frozen)


def nkvd_local_shield(local_nkvd_shield, protected, fused):
    """Share of the arrest hazard a standing patron's local NKVD chief removes.

    The local NKVD chief belonged to the family circle (L1767, L1775) until the
    criticism and police channels fused in July 1937 (L2004-2006).

    Args:
        local_nkvd_shield: Strength of the shield, 0..1.
        protected: 1 for a client of a standing patron.
        fused: 1 once the channels have fused.

    Returns:
        Shield in [0, 1] (the ``local_shield`` of :func:`arrest_hazard`).
    """
    return local_nkvd_shield * protected * (1 - fused)


def rebuke_for_slowness(pressure, obstruction, distrust, rebuke_pressure,
                        obstruction_after_rebuke, distrust_per_rebuke):
    """A region rebuked for foot-dragging: more pressure, less obstruction, more distrust.

    Rudzutak blamed local leaders who obstructed the chistka (L668). Only campaigns that
    rebuke slowness use it (the scenario's ``rebukes_slowness``): the proverka's rebukes
    were for haste and formalism, "not too few" (L792).

    Args:
        pressure: The center's pressure on the region before the rebuke.
        obstruction: The region's foot-dragging before the rebuke.
        distrust: The center's distrust of the region before the rebuke.
        rebuke_pressure: Pressure a rebuke adds (parameter).
        obstruction_after_rebuke: Share of obstruction kept (parameter).
        distrust_per_rebuke: Distrust a rebuke adds (parameter).

    Returns:
        Tuple (pressure, obstruction, distrust) after the rebuke.
    """
    return (pressure + rebuke_pressure, obstruction * obstruction_after_rebuke,
            distrust + distrust_per_rebuke)


def order_to_repeat(pressure, formalism, distrust, rebuke_pressure, formalism_after_repeat,
                    distrust_per_repeat):
    """A region ordered to repeat an operation from the beginning (L802, L940).

    It is pressed harder, works more carefully ("meticulous documentation", L816) and is
    trusted less.

    Args:
        pressure: The center's pressure on the region before the order.
        formalism: The region's perfunctoriness before the order.
        distrust: The center's distrust of the region before the order.
        rebuke_pressure: Pressure the order adds (parameter).
        formalism_after_repeat: Share of formalism kept (parameter).
        distrust_per_repeat: Distrust the order adds (parameter).

    Returns:
        Tuple (pressure, formalism, distrust) after the order.
    """
    return (pressure + rebuke_pressure, formalism * formalism_after_repeat,
            distrust + distrust_per_repeat)


def fade_pressure(pressure, retention):
    """The center's pressure on a region a month later, without new rebukes (ASSUMPTION).

    Args:
        pressure: Pressure now (>= 0).
        retention: Share kept (parameter ``pressure_retention``).

    Returns:
        Pressure next month.
    """
    return pressure * retention
