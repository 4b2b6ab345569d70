"""The historical calendar as an editable scenario file (TOML), and its validation.

A scenario has four tables: ``[scenario]`` (name, period), ``[parameters]`` (overrides of
:class:`model.params.Parameters`), the regions and ``[[campaigns]]``. The regions are
either listed (``[[regions]]``, a party of one's own design) or read from a region file
(``[region_map]``: the historical party's regional organizations, :mod:`model.regions`),
of which a run keeps as many as its size calls for. Every key is
checked: an unknown key, a wrong type, a date out of order or a value out of range raises
:class:`ScenarioError` whose message is one line naming the file, the entry and the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from model.params import ParameterError, Parameters
from model.regions import RegionMap, RegionMapError, read_region_map
from model.rules import ARREST_TARGETS, GROUNDS
from model.variants import UnknownVariantError, variant

CONDUCTORS = ("commission", "secretaries", "rank_and_file", "nkvd")


class ScenarioError(ValueError):
    """A scenario file is malformed; the message is one line naming the problem."""


@lru_cache(maxsize=4096)  # called for every campaign every month: parse each label once
def month_index(text: str, start_year: int = 1933) -> int:
    """Month number of ``"YYYY-MM"`` counted from January of ``start_year`` (0-based)."""
    year, month = text.split("-")
    return (int(year) - start_year) * 12 + int(month) - 1


@lru_cache(maxsize=4096)  # (a run reads its month's label a few times a month)
def month_label(index: int, start_year: int = 1933) -> str:
    """Inverse of :func:`month_index`."""
    return f"{start_year + index // 12}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Region:
    """An *obkom*/*kraikom* and its machine; the attributes are how it treats campaigns."""

    name: str
    weight: float = 1.0  # share of simulated members (relative)
    obstruction: float = 0.3  # foot-dragging, 0..1 (L666-670)
    formalism: float = 0.3  # perfunctory conduct, 0..1 (L670 "formalno", L800)
    machine: float = 1.0  # strength of the family circle, multiplies protection (0..2)
    note: str = ""
    # a committee made in a reorganization: the region it splits from (empty for the
    # regions of 1933); it holds no members until the split (model.base.committees)
    parent: str = ""


@dataclass(frozen=True)
class Campaign:
    """One operation of the calendar: dates, conductor, targets and intensity.

    Fields left at their defaults switch the corresponding mechanism off, so a campaign
    that only releases criticism sets ``criticism`` and nothing else.
    """

    name: str
    start: str
    end: str
    russian: str = ""
    planned_end: str = ""
    conducted_by: str = "secretaries"
    # the center's monitoring of a screening: may it order a region to start again (the
    # proverka, L802, L940, L954), and does it rebuke regions for going too slowly (the
    # chistka, L668; not the proverka, L792)?
    repeats: bool = False
    rebukes_slowness: bool = False
    # screening (chistka, proverka, obmen): primary organizations are screened one by one
    pace: float = 0.0  # planned monthly share of organizations screened
    intensity: float = 0.0  # expulsion hazard of an average member at full zeal
    zeal_decay_months: float = 6.0
    zeal_floor: float = 1.0
    targets: dict[str, float] = field(default_factory=dict)
    records_check: float = 0.0  # attention to uchet: chance of finding a dead soul
    # meetings, denunciations and criticism (every organization, every month)
    vigilance: float = 0.0  # call to unmask (lateral denunciations)
    criticism: float = 0.0  # criticism from below released by a signal from above
    elections: bool = False  # secret-ballot elections to party committees
    # police channel
    arrest_rate: float = 0.0  # monthly NKVD arrest hazard of an ordinary member
    leader_removal_rate: float = 0.0  # monthly hazard the center removes an obkom leader
    # the reorganization: share of regional committees split in two in the campaign's first
    # month, a new committee taking half the region's districts (L1926, n. 69 at L3493)
    split_share: float = 0.0
    fused: bool = False  # criticism and police channels fused ("poor work = wrecking")
    fused_from: str = ""  # the month the fusion begins (default: the campaign's start)
    targeted_arrest_rate: float = 0.0  # monthly hazard of an operation against named groups
    arrest_targets: dict[str, float] = field(default_factory=dict)  # ARREST_TARGETS -> weight
    # restraint and membership regulation
    # the center's moderate line: restrains secretaries' expulsions from above, deflection
    # onto passives and screenings' weight on passivity, and presses appeals, 0..1
    restraint: float = 0.0
    reinstatement: float = 0.0  # review of past expulsions (appeals) only, 0..1 (L1081)
    voice: str = ""  # who in Moscow speaks ("Moscow did not speak with one voice", L1293)
    leniency: float = 0.0  # milder outcomes, 0..1
    admissions_frozen: bool = False
    admissions_rate: float = 0.0  # monthly admissions as share of membership
    records_reform: bool = False  # after it, records chaos falls (the obmen)
    source: str = ""

    def active(self, month: int) -> bool:
        """Whether the campaign runs in calendar month ``month`` (0 = Jan 1933)."""
        return month_index(self.start) <= month <= month_index(self.end)

    def fused_in(self, month: int) -> bool:
        """Whether the criticism and police channels are fused in calendar month ``month``."""
        return self.fused and month >= month_index(self.fused_from or self.start)

    def months_since_start(self, month: int) -> int:
        """Months elapsed since the campaign's first month."""
        return month - month_index(self.start)

    def planned_progress(self, month: int) -> float:
        """Share of organizations that should have been screened by the end of ``month``."""
        planned_end = self.planned_end or self.end
        span = month_index(planned_end) - month_index(self.start) + 1
        return min(1.0, (self.months_since_start(month) + 1) / span)


CAMPAIGN_RANGES: dict[str, tuple[float, float]] = {
    "pace": (0, 1), "intensity": (0, 5), "zeal_decay_months": (0.1, 120), "zeal_floor": (0, 1),
    "records_check": (0, 1), "vigilance": (0, 20), "criticism": (0, 20), "arrest_rate": (0, 1),
    "leader_removal_rate": (0, 1), "restraint": (0, 1), "reinstatement": (0, 1),
    "targeted_arrest_rate": (0, 1), "split_share": (0, 1),
    "leniency": (0, 1),
    "admissions_rate": (0, 0.5),
}
_REGION_RANGES: dict[str, tuple[float, float]] = {
    "weight": (0.001, 1000), "obstruction": (0, 1), "formalism": (0, 1), "machine": (0, 2),
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: period, parameters, regions and the campaign calendar."""

    name: str
    start: str
    end: str
    parameters: Parameters
    regions: tuple[Region, ...]
    campaigns: tuple[Campaign, ...]
    description: str = ""
    path: str = ""
    variant: str = "center-periphery"  # see model.variants
    # the region file the regions come from (None: listed in the scenario), and the
    # variant's edit of their traits, kept to apply again when the scale changes
    region_map: RegionMap | None = None
    region_edit: tuple[tuple[str, float], ...] = ()

    @property
    def n_months(self) -> int:
        """Number of monthly steps from ``start`` to ``end`` inclusive."""
        return month_index(self.end) - month_index(self.start) + 1

    @property
    def first_month(self) -> int:
        """Calendar index of the first simulated month (0 = Jan 1933)."""
        return month_index(self.start)

    def active_campaigns(self, month: int) -> list[Campaign]:
        """Campaigns running in calendar month ``month``."""
        return [c for c in self.campaigns if c.active(month)]

    def with_parameters(self, **overrides: Any) -> Scenario:
        """A copy with parameters overridden (validated like the file's own)."""
        try:
            params = self.parameters.with_overrides(overrides, where="override")
        except ParameterError as err:
            raise ScenarioError(str(err)) from None
        regions = (map_regions(self.region_map, params.n_members, dict(self.region_edit))
                   if self.region_map is not None else self.regions)
        return dataclasses.replace(self, parameters=params, regions=regions)


    def with_variant(self, name: str) -> Scenario:
        """The scenario under a named explanation (:mod:`model.variants`).

        The variant's parameters override the scenario's, its region traits replace the
        regions', and its campaign edit is applied to every campaign.
        """
        try:
            v = variant(name)
        except UnknownVariantError as err:
            raise ScenarioError(str(err)) from None
        out = self.with_parameters(**v.parameters) if v.parameters else self
        regions = tuple(dataclasses.replace(r, **v.regions) for r in out.regions)
        campaigns = (tuple(v.campaigns(c) for c in out.campaigns) if v.campaigns
                     else out.campaigns)
        edit = tuple({**dict(out.region_edit), **v.regions}.items())
        return dataclasses.replace(out, regions=regions, campaigns=campaigns, variant=name,
                                   region_edit=edit)

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A copy with parameters and campaign fields overridden, all validated.

        Keys are parameter names (``protection_strength``), ``campaign.field``
        (``chistka.intensity``) for the numeric fields of a campaign, or
        ``campaign.targets.ground`` (``chistka.targets.opposition``) for the weight, in
        [0, 100], of one ground among a screening's targets (set or added).
        """
        params = {k: v for k, v in overrides.items() if "." not in k}
        scenario = self.with_parameters(**params) if params else self
        campaigns = list(scenario.campaigns)
        names = [c.name for c in campaigns]
        for key, value in overrides.items():
            if "." not in key:
                continue
            name, field_name = key.split(".", 1)
            if name not in names:
                hint = difflib.get_close_matches(name, names, n=1)
                raise ScenarioError(f"override {key}: no campaign '{name}'"
                                    + (f" (did you mean '{hint[0]}'?)" if hint else ""))
            i = names.index(name)
            try:
                lo, hi = campaign_override_range(key)
            except ScenarioError as err:
                raise ScenarioError(f"override {key}: {err}") from None
            ground = field_name.removeprefix(TARGETS_PREFIX)
            if ground != field_name and campaigns[i].pace <= 0:
                raise ScenarioError(f"override {key}: '{name}' is not a screening (pace 0), "
                                    "so it has no targets")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    lo <= value <= hi):
                raise ScenarioError(f"override {key}: must be a number in [{lo}, {hi}], "
                                    f"got {value!r}")
            campaigns[i] = dataclasses.replace(campaigns[i], **(
                {"targets": {**campaigns[i].targets, ground: float(value)}}
                if ground != field_name else {field_name: float(value)}))
        return dataclasses.replace(scenario, campaigns=tuple(campaigns))


TARGETS_PREFIX = "targets."  # campaign.targets.ground: one ground's weight among the targets
TARGET_WEIGHT_RANGE = (0, 100)  # a weight among a campaign's targets or arrest targets


def campaign_override_range(key: str) -> tuple[float, float]:
    """The values the campaign override ``key`` may take.

    ``key`` is ``campaign.field`` or ``campaign.targets.ground``; the campaign's name is
    not checked here.

    Raises:
        ScenarioError: the field or ground is unknown (one line, without the key).
    """
    field_name = key.split(".", 1)[1]
    if field_name.startswith(TARGETS_PREFIX):
        ground = field_name.removeprefix(TARGETS_PREFIX)
        if ground not in GROUNDS:
            hint = difflib.get_close_matches(ground, GROUNDS, n=1)
            raise ScenarioError(f"unknown ground '{ground}'"
                                + (f" (did you mean '{hint[0]}'?)" if hint else "")
                                + f"; grounds: {', '.join(GROUNDS)}")
        return TARGET_WEIGHT_RANGE
    if field_name not in CAMPAIGN_RANGES:
        raise ScenarioError(f"'{field_name}' is not a numeric campaign field "
                            f"({', '.join(sorted(CAMPAIGN_RANGES))})")
    return CAMPAIGN_RANGES[field_name]


def map_regions(region_map: RegionMap, n_members: int,
                edit: dict[str, float] | None = None) -> tuple[Region, ...]:
    """The regions a run of ``n_members`` keeps from ``region_map``.

    Their traits are those of the file, edited by a variant's ``edit`` if given.
    """
    return tuple(Region(name=row.name, weight=row.weight, note=row.kind,
                        **{**row.traits, **(edit or {})})
                 for row in region_map.kept(n_members))


def default_scenario_path() -> Path:
    """Path of the packaged historical scenario, ``model/scenarios/historical.toml``."""
    return Path(str(resources.files("model") / "scenarios" / "historical.toml"))


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Read and validate a scenario file (the historical one by default).

    Raises:
        ScenarioError: one line naming the file and the problem.
    """
    path = Path(path) if path is not None else default_scenario_path()
    label = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ScenarioError(f"{label}: not valid TOML ({err})") from None
    return parse_scenario(raw, label=label, path=str(path))


def parse_scenario(raw: dict[str, Any], label: str = "scenario", path: str = "") -> Scenario:
    """Validate a scenario given as a dictionary (the parsed TOML)."""
    _no_unknown(raw, {"scenario", "parameters", "regions", "region_map", "campaigns"}, label)
    head = _table(raw, "scenario", label)
    _no_unknown(head, {"name", "description", "start", "end", "variant"}, f"{label}: [scenario]")
    name = _typed(head, "name", str, f"{label}: [scenario]", required=True)
    start = _date(head, "start", f"{label}: [scenario]", required=True)
    end = _date(head, "end", f"{label}: [scenario]", required=True)
    if month_index(start) < 0:
        raise ScenarioError(f"{label}: [scenario] start {start} is before 1933-01, the model's "
                            "first month")
    if month_index(end) < month_index(start):
        raise ScenarioError(f"{label}: [scenario] end {end} is before start {start}")
    try:
        params = Parameters().with_overrides(raw.get("parameters", {}),
                                             where=f"{label}: [parameters]")
    except ParameterError as err:
        raise ScenarioError(str(err)) from None
    regions = tuple(_region(r, i, label) for i, r in enumerate(_list(raw, "regions", label)))
    region_map = None
    if "region_map" in raw:
        if regions:
            raise ScenarioError(f"{label}: give the regions as [[regions]] or as a "
                                "[region_map], not both")
        region_map = _region_map(_table(raw, "region_map", label), label, path)
        regions = map_regions(region_map, params.n_members)
    if not regions:
        raise ScenarioError(f"{label}: at least one [[regions]] entry (or a [region_map]) is "
                            "needed")
    names = [r.name for r in regions]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{label}: region names must be unique, got {names}")
    campaigns = tuple(
        _campaign(c, i, label, start, end) for i, c in enumerate(_list(raw, "campaigns", label))
    )
    if not campaigns:
        raise ScenarioError(f"{label}: at least one [[campaigns]] entry is needed")
    seen: set[str] = set()
    for c in campaigns:
        if c.name in seen:
            raise ScenarioError(f"{label}: two campaigns are called '{c.name}'; names must be "
                                "unique (overrides and outputs refer to campaigns by name)")
        seen.add(c.name)
    scenario = Scenario(name=name, start=start, end=end, parameters=params, regions=regions,
                        campaigns=campaigns, description=head.get("description", ""), path=path,
                        region_map=region_map)
    variant = _typed(head, "variant", str, f"{label}: [scenario]")
    if variant and variant != "center-periphery":
        try:
            scenario = scenario.with_variant(variant)
        except ScenarioError as err:
            raise ScenarioError(f"{label}: [scenario] {err}") from None
    return scenario


# --- validation helpers -------------------------------------------------------------


def _no_unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(sorted(allowed))}"
            raise ScenarioError(f"{where}: unknown key '{key}' ({hint})")


def _table(raw: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise ScenarioError(f"{label}: missing [{key}] table")
    return value


def _list(raw: dict[str, Any], key: str, label: str) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ScenarioError(f"{label}: '{key}' must be an array of tables ([[{key}]])")
    return value


def _typed(table: dict[str, Any], key: str, kind: type, where: str, required: bool = False):
    if key not in table:
        if required:
            raise ScenarioError(f"{where}: missing required key '{key}'")
        return None
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ScenarioError(f"{where}: '{key}' must be {kind.__name__}, got {value!r}")
    return value


def _date(table: dict[str, Any], key: str, where: str, required: bool = False) -> str:
    value = _typed(table, key, str, where, required)
    if value is None:
        return ""
    parts = value.split("-")
    if (len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4
            or not 1 <= int(parts[1]) <= 12):
        raise ScenarioError(f"{where}: '{key}' must be a month 'YYYY-MM', got {value!r}")
    return f"{parts[0]}-{int(parts[1]):02d}"


def _number_fields(cls: type, table: dict[str, Any], ranges: dict[str, tuple[float, float]],
                   where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in table or f.name in ("name", "start", "end", "planned_end", "fused_from",
                                             "targets", "arrest_targets"):
            continue
        kind = {"float": float, "str": str, "bool": bool}[str(f.type)]
        value = _typed(table, f.name, kind, where)
        if f.name in ranges:
            lo, hi = ranges[f.name]
            if not lo <= value <= hi:
                raise ScenarioError(f"{where}: '{f.name}' = {value} is out of range [{lo}, {hi}]")
        out[f.name] = value
    return out


def _region_map(table: dict[str, Any], label: str, path: str) -> RegionMap:
    """The ``[region_map]`` table: the region file (beside the scenario, or packaged)."""
    where = f"{label}: [region_map]"
    _no_unknown(table, {"file", "members_per_region", "minimum", "traits_seed"}, where)
    name = _typed(table, "file", str, where, required=True)
    numbers = {}
    for key, default, lo in (("members_per_region", 1000, 1), ("minimum", 4, 1),
                             ("traits_seed", 1935, 0)):
        value = _typed(table, key, int, where)
        value = default if value is None else value
        if value < lo:
            raise ScenarioError(f"{where}: '{key}' must be at least {lo}, got {value}")
        numbers[key] = value
    beside = Path(path).parent / name if path else None
    file = beside if beside is not None and beside.exists() else (
        default_scenario_path().parent / name)
    try:
        return read_region_map(file, label=f"{label}: region file {name}", **numbers)
    except RegionMapError as err:
        raise ScenarioError(str(err)) from None


def _region(table: dict[str, Any], i: int, label: str) -> Region:
    where = f"{label}: regions[{i}]"
    name = _typed(table, "name", str, where, required=True)
    where = f"{label}: region '{name}'"
    _no_unknown(table, {f.name for f in dataclasses.fields(Region)} - {"parent"}, where)
    return Region(name=name, **_number_fields(Region, table, _REGION_RANGES, where))


def _campaign(table: dict[str, Any], i: int, label: str, s_start: str, s_end: str) -> Campaign:
    where = f"{label}: campaigns[{i}]"
    name = _typed(table, "name", str, where, required=True)
    where = f"{label}: campaign '{name}'"
    _no_unknown(table, {f.name for f in dataclasses.fields(Campaign)}, where)
    start = _date(table, "start", where, required=True)
    end = _date(table, "end", where, required=True)
    planned_end = _date(table, "planned_end", where)
    fused_from = _date(table, "fused_from", where)
    if fused_from and not month_index(start) <= month_index(fused_from) <= month_index(end):
        raise ScenarioError(f"{where}: fused_from {fused_from} is outside {start}..{end}")
    if month_index(end) < month_index(start):
        raise ScenarioError(f"{where}: end {end} is before start {start}")
    if planned_end and month_index(planned_end) < month_index(start):
        raise ScenarioError(f"{where}: planned_end {planned_end} is before start {start}")
    if month_index(start) < month_index(s_start) or month_index(end) > month_index(s_end):
        raise ScenarioError(f"{where}: dates {start}..{end} fall outside the scenario period "
                            f"{s_start}..{s_end}")
    fields = _number_fields(Campaign, table, CAMPAIGN_RANGES, where)
    if fields.get("conducted_by", "secretaries") not in CONDUCTORS:
        raise ScenarioError(f"{where}: 'conducted_by' must be one of {', '.join(CONDUCTORS)}, "
                            f"got {fields['conducted_by']!r}")
    targets = _weights(table, "targets", GROUNDS, "target", "ground", where)
    arrest_targets = _weights(table, "arrest_targets", ARREST_TARGETS, "arrest target", "group",
                              where)
    if fields.get("targeted_arrest_rate", 0) > 0 and not arrest_targets:
        raise ScenarioError(f"{where}: a 'targeted_arrest_rate' needs 'arrest_targets'")
    if fields.get("intensity", 0) > 0 and (fields.get("pace", 0) == 0 or not targets):
        raise ScenarioError(f"{where}: a screening with 'intensity' needs 'pace' > 0 and 'targets'")
    return Campaign(name=name, start=start, end=end, planned_end=planned_end,
                    fused_from=fused_from, targets=targets, arrest_targets=arrest_targets,
                    **fields)


def _weights(table: dict[str, Any], key: str, known: tuple[str, ...], noun: str, item: str,
             where: str) -> dict[str, float]:
    """A campaign's table of weights (``targets``, ``arrest_targets``), checked.

    Known names, each weight in :data:`TARGET_WEIGHT_RANGE`.
    """
    weights = table.get(key, {})
    if not isinstance(weights, dict):
        raise ScenarioError(f"{where}: '{key}' must be a table of {item} = weight")
    for name, weight in weights.items():
        if name not in known:
            raise ScenarioError(f"{where}: unknown {noun} '{name}' (known: {', '.join(known)})")
        lo, hi = TARGET_WEIGHT_RANGE
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not (
                lo <= weight <= hi):
            raise ScenarioError(f"{where}: {noun} '{name}' weight must be a number in [{lo}, {hi}], "
                                f"got {weight!r}")
    return {k: float(v) for k, v in weights.items()}


def overlapping_screenings(scenario: Scenario) -> list[tuple[str, str, str, str]]:
    """Pairs of screening campaigns (``pace > 0``) that run in the same months.

    Both screen every organization they reach, so a member can be judged twice in a
    month. The historical calendar has one such overlap, and it is the book's: the
    chistka's commissions worked until December 1935 (L666) while the proverka ran from
    May 1935. Returns (first, second, from, to) per pair.
    """
    screenings = [c for c in scenario.campaigns if c.pace > 0]
    out = []
    for i, a in enumerate(screenings):
        for b in screenings[i + 1:]:
            first = max(month_index(a.start), month_index(b.start))
            last = min(month_index(a.end), month_index(b.end))
            if first <= last:
                out.append((a.name, b.name, month_label(first), month_label(last)))
    return out


def new_overlaps(scenario: Scenario) -> list[str]:
    """One warning line per overlap of screenings that the historical calendar lacks."""
    known = {(a, b) for a, b, *_ in overlapping_screenings(load_scenario())}
    return [f"the screenings {a} and {b} overlap from {start} to {end}: a member can be "
            "judged by both in one month" for a, b, start, end in overlapping_screenings(scenario)
            if (a, b) not in known]
