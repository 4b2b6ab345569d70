"""Model parameters: typed defaults, each with its source and valid range.

A default is either taken from Getty, *Origins of the Great Purges* (line numbers of
``shared/seed/getty-origins-of-the-great-purges.txt``), derived from the book's figures
(the derivation is given), or marked ASSUMPTION with the reason. Calendar-specific
quantities (how hard each campaign hit, when, run by whom) live in the scenario file,
not here: see ``model/scenarios/historical.toml``.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from dataclasses import dataclass, field
from typing import Any


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type or out of range."""


def _p(default: Any, lo: float | None, hi: float | None, source: str) -> Any:
    return field(default=default, metadata={"range": (lo, hi), "source": source})


@dataclass(frozen=True)
class Parameters:
    """All behavioural and structural parameters of the model (see docs/ODD.md)."""

    # --- Scale and structure -------------------------------------------------------
    n_members: int = _p(
        4000, 50, 10_000_000,
        "ASSUMPTION: default scale ~1:875 of the ~3.5 million members and candidates of "
        "early 1933 (model-notes; L619: +1.4 million since 1931), small enough to run in "
        "seconds with one Mesa agent per member.")
    ppo_size_mean: float = _p(
        18.0, 3, 500,
        "Belyi raion: 303 members and candidates (L960) in 21 cells (L409 via seed notes B3) "
        "= 14 a cell; city factory cells were larger. ASSUMPTION: mean 18, geometric spread.")
    district_size_mean: float = _p(
        400.0, 20, 20_000,
        "Belyi raion 303 (L960), Smolensk city ~5,000 (Table 3.6); the Western Region had "
        "110 districts (L393). ASSUMPTION: mean 400 members per raikom.")

    # --- Who the members are (early 1933) ---------------------------------------------
    share_workers: float = _p(
        0.677, 0, 1, "Workers were 67.7 % of the membership before the chistka in the ten "
                     "regions with data (L678).")
    share_peasants: float = _p(
        0.17, 0, 1, "ASSUMPTION: the non-worker remainder split as in Smolensk city 1934, "
                    "peasants 15 %, employees 14 % (Table 3.6, L1042), weighted to the "
                    "countryside.")
    cohort_shares: tuple[float, ...] = _p(
        (0.07, 0.25, 0.10, 0.22, 0.36), 0, 1,
        "Shares joined <=1920, 1921-27, 1928, 1929-30, 1931-32. 10 % of full members had "
        "joined in 1920 or earlier in 1934 (L2051); 'Most members had joined since 1929' "
        "(L313); 1,530,000 members went through the 1929 purge (L611) and the party grew "
        "by 1.4 million since 1931 (L619) to ~3.5 million: ~58 % joined since 1929. "
        "Ambiguity: half of the chistka expellees had joined since 1929 (L678), no more "
        "than their share of the party.")
    candidate_share_recent: float = _p(
        0.7, 0, 1, "ASSUMPTION: most 1931-32 recruits were still candidates when admissions "
                   "froze in early 1933 (L734); older cohorts are full members.")
    candidate_share_1929_30: float = _p(
        0.7 / 3, 0, 1, "ASSUMPTION: a third as many of the 1929-30 recruits as of the 1931-32 "
                       "ones were still candidates in 1933 (a candidacy lasted one to two "
                       "years; admissions froze in early 1933, L734).")
    passive_share_old: float = _p(
        0.12, 0, 1, "ASSUMPTION: passives were 23.2 % of chistka expellees (Table 2.3) and "
                    "'one in four' (L693); 32-60 % did not read the party press (L331).")
    passive_share_recent: float = _p(
        0.30, 0, 1, "ASSUMPTION: recruits of 1929-32 were 'politically almost illiterate' "
                    "(L619) and most proverka expellees were recent 'ballast' (L1038); the "
                    "book gives no share of passives among them, nor says that recent "
                    "recruits were more often passive than older members.")
    alien_past_share: float = _p(
        0.08, 0, 1, "ASSUMPTION: members who *hid* a kulak or other 'alien' origin, the "
                    "ground for expulsion ('Hiding one's origins ... was always grounds', "
                    "L531): ex-kulaks who joined as workers (L451); hidden class-alien "
                    "origin was 22 % of proverka expulsions (Table 3.5).")
    alien_declared_share: float = _p(
        0.08, 0, 1, "ASSUMPTION: members whose alien origin was openly declared on joining "
                    "and so a matter of record; not grounds for expulsion (L531, L874-876), "
                    "but peers could still denounce it (Table 3.1, L836). The book gives no "
                    "share; as many as hid it.")
    misconduct_share: float = _p(
        0.10, 0, 1, "ASSUMPTION: drunkenness was among the charges of 37 % of 1929 expellees "
                    "in Smolensk (L594); criminals and corrupt 21 % in 1935 (Table 3.5).")
    indiscipline_share: float = _p(
        0.10, 0, 1, "ASSUMPTION: violation of discipline 20.9 % of chistka expulsions "
                    "(Table 2.3), 'untrustworthy' 28 % in 1935 (Table 3.5).")
    card_irregular_share: float = _p(
        0.08, 0, 1, "ASSUMPTION: 200,000 duplicate cards and 47,000 unaccounted cards "
                    "(L762) in a party of ~2.5 million; 40 % invalid in a Leningrad sample "
                    "(L441) is an upper bound.")
    opposition_share_old: float = _p(
        0.03, 0, 1, "ASSUMPTION: former oppositionists were 'relatively few' (L313); only "
                    "1 % of 1929 expulsions were factional (L592). Applies to pre-1929 members.")
    official_share: float = _p(
        0.08, 0, 1, "ASSUMPTION: members in 'leading work' (directors, kolkhoz chairmen, "
                    "soviet officials) besides party secretaries; 485 of 1,068 proverka "
                    "expellees described had been in leading work (L1057).")
    client_share: float = _p(
        0.05, 0, 1, "ASSUMPTION: rank-and-file friends and relatives in a secretary's family "
                    "circle (L427). Appointed officials are always clients (L399, L1994).")
    initial_dead_soul_share: float = _p(
        0.16, 0, 0.9, "ASSUMPTION, derived from the fall of the rolls: 1933-34 the party "
                      "shrank by one-third while 17-18 % were expelled, so ~15 % "
                      "'disappeared' (L697). Ambiguity: the local counts are lower, 56,500 "
                      "dead souls among 1,149,000 screened = 4.9 % (L703), Iartsevo 54 of "
                      "1,682 = 3.2 % (L695), a Vitebsk committee 75 of 623 = 12 % (L699); "
                      "16 % of the rolls in January 1933 also carries the drift of 1933-34.")
    grievance_mean: float = _p(
        0.2, 0, 1, "ASSUMPTION: latent grass-roots discontent with local leaders before 1937 "
                   "(L1912: complaint letters 'reflect widespread and often bitter "
                   "discontent').")
    grievance_shape: float = _p(
        2.0, 0.1, 100, "ASSUMPTION: initial grievance is Beta-distributed with this first "
                       "shape parameter and mean grievance_mean (2: a broad hump; larger "
                       "values make discontent more uniform). The book gives no spread.")
    client_of_ppo_secretary_share: float = _p(
        0.5, 0, 1, "ASSUMPTION: share of rank-and-file clients whose patron is their cell's "
                   "secretary rather than the raikom secretary; family circles formed at "
                   "both levels (L427, L1461).")

    # --- Recruits (admissions reopened in November 1936, L1107) ----------------------------
    recruit_origin_shares: tuple[float, ...] = _p(
        (0.7, 0.2, 0.1), 0, 1,
        "Workers, peasants, employees among new candidates. The book gives no composition "
        "of the recruits; ASSUMPTION: near the 1933 membership (67.7 % workers, L678). "
        "Normalised to sum to one.")
    recruit_passive_share: float = _p(
        0.15, 0, 1, "ASSUMPTION: share of new recruits soon passive, half the share among the "
                    "1929-32 mass recruits (passive_share_recent): admissions after 1936 were "
                    "individual and checked (L1107).")
    promotion_months: float = _p(
        18.0, 1, 120, "ASSUMPTION: mean length of a candidacy before promotion to full "
                      "member. The book dates admissions (frozen in 1933, L734; reopened in "
                      "November 1936, L1107), not promotions; the model stops and resumes "
                      "promotions with them.")

    # --- Records chaos -------------------------------------------------------------------
    drift_rate: float = _p(
        0.0015, 0, 0.2, "ASSUMPTION: monthly hazard of silently leaving the organization "
                        "(transfers not struck off, disappearances: Iartsevo, L695; members "
                        "'had gone nobody knows where', Vitebsk, L439, L699). The book gives "
                        "no rate.")
    records_chaos_after_exchange: float = _p(
        0.4, 0, 1, "ASSUMPTION: the proverka and obmen improved uchet only in part (L1079, "
                   "L1119); drift falls to this share after the obmen.")
    drift_weight_passive: float = _p(
        2.0, 0, 100, "ASSUMPTION: a passive member drifts away 1 + this times as often as an "
                     "active one (passives are by definition detached; L693).")
    drift_weight_recent: float = _p(
        1.0, 0, 100, "ASSUMPTION: extra drift hazard of recruits of 1929 or later, who had "
                     "joined 'without proper verification' (L619), relative to one.")
    withdrawal_rate: float = _p(
        0.0015, 0, 0.2, "ASSUMPTION: monthly voluntary withdrawal struck off the rolls "
                        "(L697: 'withdrew from the party voluntarily').")

    # --- Protection, deflection, screeners -----------------------------------------------
    protection_strength: float = _p(
        0.7, 0, 1, "ASSUMPTION (strength not quantified): secretaries protected 'their "
                   "people' (L713, L1463).")
    skill_protection: float = _p(
        0.4, 0, 1, "ASSUMPTION: skilled administrators hoarded for the plan (L693, L449).")
    deflection: float = _p(
        1.5, 0, 20, "ASSUMPTION: mass expulsion of passives to show vigilance (L664, L693); "
                    "passives were the largest group of chistka expellees though not a "
                    "target (L693).")
    commission_independence: float = _p(
        0.5, 0, 1, "ASSUMPTION: 1933 ad hoc purge commissions of ten-year members outside "
                   "the apparatus (L650-662) were harder, not impossible, to steer (L664).")
    rank_and_file_independence: float = _p(
        0.3, 0, 1, "ASSUMPTION: screenings 'from below' (L880) still ran through the "
                   "secretaries, who approved expulsions (L1461).")

    # --- The screening's verdict ------------------------------------------------------------
    baseline_risk: float = _p(
        0.25, 0, 10, "ASSUMPTION: weight of grounds a campaign does not name ('other' "
                     "reasons, 17.9 % of chistka expulsions, Table 2.3), beside the named "
                     "grounds' weights in the scenario.")
    formalism_blindness: float = _p(
        0.5, 0, 1, "ASSUMPTION: share of cases (and of dead souls) a fully perfunctory "
                   "screening misses: checks 'in five minutes' (L800).")
    severity: tuple[float, ...] = _p(
        (0.0, 0.8, 0.5, 0.4, 0.3, 0.5, 1.0, 1.0, 0.3, 1.0, 0.1, 0.3), 0, 1,
        "Gravity of each reason for the outcome of a case and for appeals, in the order "
        "passivity, alien_past, misconduct, indiscipline, card_irregularity, bureaucratism, "
        "opposition, old_bolshevik, other, enemy_of_the_people, poor_leadership, "
        "connections_with_enemies (light: 'ordinary acquaintanceship', L2249). "
        "ASSUMPTION, ordered as the party ranked them: passivity was not even a listed "
        "target (L693); hidden alien pasts and opposition were 'political' (L1461); "
        "officials criticised from below were 'removed by their own activists for poor "
        "leadership, not by the police as enemies of the people' (L1799).")
    outcome_weights: tuple[float, ...] = _p(
        (0.25, 0.5, 0.15, 0.1, 0.25, 0.2, 0.3), 0, 10,
        "Weights of the outcomes of a supported case: expel (base, per unit of severity), "
        "demote (times 1 - severity), remove from post (base, extra for an official), "
        "reprimand, warn. Calibrated by hand to Smolensk city 1935: of 323 supported, 134 "
        "expelled, 48 reprimanded, 41 removed from jobs, 100 warned (Table 3.2, L859-872); "
        "demotion as in 1933 (L646). ASSUMPTION for the split between the weights.")

    # --- Denunciation and investigation ---------------------------------------------------
    lateral_rate: float = _p(
        0.24, 0, 5, "Calibrated by hand to 712 statements on ~4,100-4,850 members in Smolensk "
                    "city, summer 1935 (Table 3.2, L872; Table 3.6).")
    unfounded_denunciation: float = _p(
        0.05, 0, 5, "ASSUMPTION: a member with no visible ground is denounced at this "
                    "weight relative to one whose grounds are all visible: 'rumors, "
                    "suspicions, and grudges ... denunciations were made without any "
                    "supporting evidence' (L834), but about one-fifth of the 1935 "
                    "statements were groundless (L855, L876). Set by hand on Table 3.2.")
    from_below_rate: float = _p(
        0.25, 0, 50, "ASSUMPTION: criticism of officials from below once released (L1767-1775).")
    from_above_rate: float = _p(
        0.05, 0, 5, "ASSUMPTION: secretaries 'unmasking' rank-and-file passives (L1675).")
    retaliation: float = _p(
        1.0, 0, 20, "ASSUMPTION: critics expelled in retaliation (L1703, L1996).")
    visibility_weights: tuple[float, ...] = _p(
        (0.6, 0.5, 0.3, 0.6, 0.2), 0, 1,
        "How visible each ground is to peers, for alien_past, misconduct, indiscipline, "
        "opposition and passivity: over a third of the Smolensk denunciations of 1935 were "
        "for kulak or nepman connections and another third for misconduct (Table 3.1, "
        "L836). ASSUMPTION for the values, ordered as in Table 3.1.")
    poor_leadership_grounded: float = _p(
        0.5, 0, 1, "ASSUMPTION: how far criticism from below of an official without "
                   "misconduct is grounded (1 with misconduct): complaints 'reflect "
                   "widespread and often bitter discontent' (L1912), not all of it just.")
    check_probability: float = _p(
        0.69, 0, 1, "Table 3.2: 492 of 712 statements checked (L859).")
    pending_share: float = _p(
        0.0, 0, 1, "ASSUMPTION: share of checked statements left without a result. Table "
                   "3.2 leaves 71 of 492 checked without one (492 - 323 - 98, L859-864); the "
                   "model reads them as the statements disregarded because the ground was "
                   "already a matter of record (L874, rules.disregard_declared_origin), so "
                   "none is left pending by default (see docs/ODD.md, 'Table 3.2').")
    true_support: float = _p(
        0.95, 0, 1, "ASSUMPTION: probability that a grounded accusation is upheld on "
                    "investigation; statements were checked by inquiry in the member's "
                    "organization (L853). Set by hand on Table 3.2's 323 supported of 492.")
    false_support: float = _p(
        0.1, 0, 1, "ASSUMPTION: probability that a baseless accusation is upheld anyway. "
                   "The 1935 investigations were 'less arbitrary than one might have "
                   "thought': groundless statements ('suspicious behaviour', unproved "
                   "charges) were found so and ignored (L874-878); about one-fifth were "
                   "unsupported (L855).")
    grievance_rate: float = _p(
        0.3, 0, 5, "ASSUMPTION: growth of grievance per unit of witnessed injustice (L1769).")
    injustice_visibility: float = _p(
        5.0, 0, 100, "ASSUMPTION: one unjust case among this many members present is enough "
                     "for every member to have noticed (deflections and cases dropped were "
                     "done in open meetings, L658, and remembered, L1769, L1912).")

    # --- Appeals ---------------------------------------------------------------------------
    appeal_rate: float = _p(
        0.04, 0, 1, "ASSUMPTION: monthly probability an expelled member appeals; appeals were "
                    "examined 'extremely slowly' (L1317).")
    appeal_restraint_boost: float = _p(
        3.0, 0, 100, "ASSUMPTION: at full restraint the appeal rate is 1 + this times the base "
                     "rate (the June 1936 letter and the January 1938 plenum pressed for "
                     "appeals, L1315-1323, L2163-2203).")
    max_appeals: int = _p(
        2, 0, 100, "ASSUMPTION: appeals an expelled member files at most (to the raikom, then "
                   "higher; L1317).")
    reinstatement_base: float = _p(
        0.25, 0, 1, "1929: 22 % of expellees reinstated (L611), mostly passive workers (L613).")

    # --- The center's monitoring --------------------------------------------------------------
    report_noise: float = _p(
        0.3, 0, 5, "ASSUMPTION: regional reports were unreliable; the center did not know who "
                   "was in the party (L437, L467-471).")
    report_delay_months: int = _p(
        1, 0, 12, "The regions' first reports on an operation reach the center this many months "
                  "after it begins: the proverka began in mid-May 1935 and 'all regional and "
                  "territorial committees reported between June 11 and June 21' (L788); the "
                  "rebuke of the Western Region followed on June 27 (L790).")
    too_fast: float = _p(
        1.6, 1, 10, "Kursk 67 % and Saratov 62 % done after a month against a national 33 % "
                    "were rebuked as cursory (L798-802): about twice the mean. ASSUMPTION: 1.6.")
    too_slow: float = _p(
        0.4, 0, 1, "ASSUMPTION: threshold for a rebuke for foot-dragging (L668, L952).")
    rebuke_pressure: float = _p(
        0.5, 0, 10, "ASSUMPTION: pressure added by a rebuke; Smolensk's reaction to the June 27, "
                    "1935 rebuke was immediate (L818).")
    formalism_after_repeat: float = _p(
        0.5, 0, 1, "ASSUMPTION: a region ordered to repeat works more carefully: its "
                   "formalism is multiplied by this (L816: 'meticulous documentation').")
    cursory_formalism: float = _p(
        0.5, 0, 1, "ASSUMPTION: a region whose perfunctoriness the center reads above this "
                   "is ordered to repeat, as the 'formal-bureaucratic' Western Region was "
                   "rebuked (L816, L886).")
    obstruction_after_rebuke: float = _p(
        0.7, 0, 1, "ASSUMPTION: a region rebuked for foot-dragging keeps this share of its "
                   "obstruction (Smolensk's reaction was immediate, L818).")
    distrust_per_rebuke: float = _p(
        0.5, 0, 10, "ASSUMPTION: the center's distrust of a region grows by this with each "
                    "rebuke for slowness (L952-954).")
    distrust_per_repeat: float = _p(
        1.0, 0, 10, "ASSUMPTION: distrust added by an order to repeat an operation, twice a "
                    "rebuke's: cursory work was the graver fault (L802, L940).")
    pressure_retention: float = _p(
        0.9, 0, 1, "ASSUMPTION: share of the center's pressure on a region left after a month "
                   "without new rebukes (pressure fades).")

    # --- 1937: elections, NKVD, regional leaders ---------------------------------------------
    new_committee_machine: float = _p(
        0.5, 0, 2, "ASSUMPTION for the value: the strength of the family circle of a regional "
                   "committee made in the 1937 reorganization, against the reference 1 (a "
                   "scenario's machine trait): 'hundreds of new obkoms ... All of them "
                   "required new staffs' (L1926), so a new committee had no settled circle.")
    election_base: float = _p(
        1.0, 0, 50, "ASSUMPTION: scale of secret-ballot turnover (L1799); the turnover "
                    "figures are withheld for validation (L1827).")
    level_defence: tuple[float, ...] = _p(
        (0.0, 0.2, 0.6, 1.0), 0, 1,
        "Defence of an officeholder's own case in a screening, for PPO secretary, other "
        "official, raikom secretary, obkom secretary: leading party workers 'were not the "
        "first victims of the proverka' (L1063) and 'more powerful regional officials were "
        "in a better position to defend their positions' (L1918). ASSUMPTION for the "
        "values. Not used in the 1937 elections (see apparatus_delegates).")
    apparatus_delegates: tuple[float, ...] = _p(
        (0.0, 0.0, 0.5, 0.9), 0, 1,
        "Share of the body electing a PPO secretary, (other official: not elected), raikom "
        "secretary, obkom secretary made up of his own apparatus: a cell elects its "
        "secretary in a general meeting; '87 percent of the membership of the raikom buros "
        "had been appointed rather than elected' (L1779); regional conferences were the "
        "region's officials, and Rumiantsev was 'easily reelected' (L1918). ASSUMPTION for "
        "the values.")
    election_control: tuple[float, ...] = _p(
        (0.0, 0.0, 0.5, 0.9), 0, 1,
        "Hold of a PPO secretary, (other official: not elected), raikom secretary, obkom "
        "secretary over his own election, through his region's family circle (suppression "
        "of criticism, rules.suppress_criticism): local leaders manipulated meetings and "
        "votes, forbade critical remarks in the local press (L1787, L1791); 'more powerful "
        "regional officials were in a better position to defend their positions', the "
        "regional lords 'deflected the heat to lower levels' (L1918). A cell votes in its "
        "own general meeting (L1803-1813). ASSUMPTION for the values; the turnover figures "
        "are withheld (L1827-1835) and were not looked at.")
    client_loyalty: float = _p(
        0.8, 0, 1, "ASSUMPTION: how far an appointee will not vote against the man who "
                   "appointed him: the family circle closed ranks (L1767, L1994).")
    inaccessibility: tuple[float, ...] = _p(
        (0.0, 0.0, 0.1, 0.2), 0, 1,
        "Grievance added by the remoteness of a PPO secretary, (other official), raikom "
        "secretary, obkom secretary from the rank and file: 'waiting around all day in the "
        "hallways' (L485), a city secretary seen once in a year (L934). ASSUMPTION for the "
        "values.")
    arrest_exposure: tuple[float, ...] = _p(
        (1.0, 3.0, 4.0, 8.0, 12.0), 0, 1000,
        "Arrest hazard multiplier for rank and file, PPO secretary, other official, raikom "
        "and obkom secretary: 'leaders were much more likely to fall' (L2037, L2047); "
        "'officials working in economic-related fields were particularly exposed' (L2035). "
        "ASSUMPTION for the values; never tuned to the withheld 1937 counts.")
    cascade: float = _p(
        4.0, 1, 1000, "ASSUMPTION: arrests ran along chains of clients (L1994, L2025).")
    arrest_weight_opposition: float = _p(
        4.0, 0, 100, "ASSUMPTION: extra arrest hazard of a former oppositionist, relative to "
                     "one; oppositionists were the first targets (L1447, L2035).")
    arrest_weight_alien_past: float = _p(
        1.0, 0, 100, "ASSUMPTION: extra arrest hazard of a member with a compromising past, "
                     "relative to one (L2035).")
    arrest_chain: float = _p(
        2.0, 1, 100, "ASSUMPTION: arrest hazard multiplier for members of an organization "
                     "where someone was arrested: 'one arrest led to another', those under "
                     "interrogation were 'encouraged to implicate and denounce others' (L2025).")
    connections_rate: float = _p(
        0.05, 0, 10, "ASSUMPTION: monthly rate, per unit of vigilance, at which an "
                     "organization expels a member implicated by an arrest in it for "
                     "'connections with enemies', which 'at one time assumed very large "
                     "proportions' (L2245-2249).")
    fused_arrest_share: float = _p(
        0.5, 0, 1, "ASSUMPTION: once the channels fused, 'poor party work = wrecking' (L2006): "
                   "the share of officials condemned from below who are handed to the NKVD.")
    fused_meeting_independence: float = _p(
        0.5, 0, 1, "ASSUMPTION: once the channels fused, meetings are this far out of the "
                   "secretaries' reach (their protection 'stripped away', L2008).")
    local_nkvd_shield: float = _p(
        0.7, 0, 1, "ASSUMPTION: the local NKVD chief belonged to the family circle (L1775) "
                   "until the channels fused in July 1937 (L2004-2006).")

    def with_overrides(self, overrides: dict[str, Any], where: str = "parameters") -> Parameters:
        """Return a copy with ``overrides`` applied, each checked for name, type and range.

        Raises:
            ParameterError: one line naming the first offending key.
        """
        known = {f.name: f for f in dataclasses.fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                hint = difflib.get_close_matches(key, list(known), n=1)
                raise ParameterError(f"{where}: unknown parameter '{key}'" + (
                    f" (did you mean '{hint[0]}'?)" if hint else ""))
            clean[key] = _check_value(known[key], value, where)
        return dataclasses.replace(self, **clean)

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One row per parameter: name, default, range and source (for docs and manifests)."""
        out = []
        for f in dataclasses.fields(cls):
            lo, hi = f.metadata["range"]
            out.append({"name": f.name, "default": f.default, "min": lo, "max": hi,
                        "source": f.metadata["source"],
                        "inert": INERT_ON_THE_HISTORICAL_CALENDAR.get(f.name, "")})
        return out


# Parameters that change no output of the historical calendar, and why (tests/
# test_parameters.py perturbs every parameter and checks that this list is complete and
# true). Each would matter in a scenario that the reason names.
INERT_ON_THE_HISTORICAL_CALENDAR: dict[str, str] = {}


def _check_value(f: dataclasses.Field, value: Any, where: str) -> Any:
    lo, hi = f.metadata["range"]
    name = f"{where}.{f.name}"
    default = f.default
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or len(value) != len(default):
            raise ParameterError(f"{name}: expected a list of {len(default)} numbers, got {value!r}")
        items = tuple(_check_scalar(name, float(default[0]), v, lo, hi) for v in value)
        return items
    return _check_scalar(name, default, value, lo, hi)


def _check_scalar(name: str, default: Any, value: Any, lo: float | None, hi: float | None) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{name}: expected a number, got {value!r}")
    if not math.isfinite(value):  # nan passes every range comparison
        raise ParameterError(f"{name}: expected a finite number, got {value!r}")
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, float) and not value.is_integer():
            raise ParameterError(f"{name}: expected a whole number, got {value!r}")
        value = int(value)
    else:
        value = float(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ParameterError(f"{name}: {value!r} is out of range [{lo}, {hi}]")
    return value
