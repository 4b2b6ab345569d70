"""The party's regional map: its regional organizations as data, and how a run keeps them.

The historical scenario divides the party among the regional organizations of the
mid-1930s (the *obkoms*, *kraikoms* and the central committees of the national
republics, ``model/scenarios/regions_1935.csv``): 46 of them, the book's "dozens" of
regions much like Smolensk (L405). The file gives for each its kind, relative size and
the three traits a region brings to a campaign (obstruction, formalism, the strength of
its machine), with their sources, and the verdict of its June 1937 conference where the
book reports one (ch. 6 n. 74, L3503).

* **Sizes.** No regional membership figure was found in the stored material but the
  Western Region's (33,944 checked in 1935, Table 3.3, L987: about 1.8 % of the ~1.87
  million implied by the national row, 170,000 = 9.1 %, L999), close to the 2.2 % of
  one region in 46. ASSUMPTION: equal sizes (weight 1); the urban strongholds (Moscow,
  Leningrad, Ivanovo, the Donbas, L405) were larger, by how much the book does not say.
* **Traits.** Regions the book characterizes keep their traits, each with its place in
  the book (``traits_source``). A trait left blank is drawn, once for the scenario with
  ``traits_seed``, from a Beta distribution with the mean and standard deviation of the
  cited values of that trait (obstruction and formalism on 0..1, the machine on 0..2):
  the uncharacterized regions spread as the characterized ones do, whose values rest on
  the book's regional figures (Table 3.3's 10.8-22 %, L944's 1.5-11 % of cards
  confiscated, the slow and the fast regions of L668-670 and L800-804).
* **Scale.** A run keeps one region per ``members_per_region`` members, at least
  ``minimum``, in the file's order (the regions the book characterizes first), each at
  its relative size: the default scale (4,000 members) keeps the four regions of the
  book's proverka account (Western, Leningrad, Kursk, Azov-Black Sea) as before; from
  46,000 members on, and at 1:1, every region is there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TRAITS = {"obstruction": 1.0, "formalism": 1.0, "machine": 2.0}  # trait: upper bound
VERDICTS = ("correct", "unsatisfactory", "serious_mistakes", "")
COLUMNS = ("name", "kind", "weight", *TRAITS, "traits_source", "conference_1937",
           "named_at", "note")


class RegionMapError(ValueError):
    """A region file is malformed; the message is one line naming the file, row and column."""


@dataclass(frozen=True)
class RegionRow:
    """One regional organization of the file, its traits cited or drawn."""

    name: str
    kind: str
    weight: float
    traits: dict[str, float]
    drawn: tuple[str, ...]  # the traits drawn (not in the book)
    conference_1937: str  # the June 1937 conference's verdict (L3503), "" if not reported
    source: str


@dataclass(frozen=True)
class RegionMap:
    """The regional organizations of a scenario, and how many a run of a given size keeps."""

    file: str
    rows: tuple[RegionRow, ...]
    members_per_region: int
    minimum: int
    traits_seed: int
    spread: dict[str, tuple[float, float]] = field(default_factory=dict)  # trait: mean, sd

    def count(self, n_members: int) -> int:
        """Regions kept by a run of ``n_members``.

        One per ``members_per_region`` members, at least ``minimum``, at most all.
        """
        return min(len(self.rows), max(self.minimum, n_members // self.members_per_region))

    def kept(self, n_members: int) -> tuple[RegionRow, ...]:
        """The rows a run of ``n_members`` keeps (the file's first :meth:`count`)."""
        return self.rows[:self.count(n_members)]


def _number(text: str, where: str, column: str, lo: float, hi: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise RegionMapError(f"{where}: '{column}' must be a number, got {text!r}") from None
    if not lo <= value <= hi:
        raise RegionMapError(f"{where}: '{column}' = {value} is out of range [{lo}, {hi}]")
    return value


def beta_draws(rng: np.random.Generator, mean: float, sd: float, upper: float,
               n: int) -> np.ndarray:
    """``n`` draws on [0, upper] from the Beta distribution of this mean and sd.

    The variance is capped below the largest a Beta distribution of that mean can have.
    """
    m, s = mean / upper, sd / upper
    var = min(s * s, 0.95 * m * (1 - m))
    k = m * (1 - m) / var - 1 if var > 0 else 1e6
    return upper * rng.beta(max(m * k, 1e-3), max((1 - m) * k, 1e-3), n)


def read_region_map(path: str | Path, members_per_region: int, minimum: int,
                    traits_seed: int, label: str | None = None) -> RegionMap:
    """Read and validate a region file; draw the traits it leaves blank (module docstring).

    Raises:
        RegionMapError: one line naming the file, the row and the problem.
    """
    path = Path(path)
    label = label or path.name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            raw = list(reader)
    except FileNotFoundError:
        raise RegionMapError(f"{label}: no such region file") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise RegionMapError(f"{label}: not a readable CSV file ({err})") from None
    missing = [c for c in ("name", "weight", *TRAITS) if c not in header]
    if missing:
        raise RegionMapError(f"{label}: missing column(s) {', '.join(missing)}")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise RegionMapError(f"{label}: unknown column(s) {', '.join(unknown)} "
                             f"(allowed: {', '.join(COLUMNS)})")
    if not raw:
        raise RegionMapError(f"{label}: no regions")
    names, cited = [], {t: [] for t in TRAITS}
    parsed = []
    for i, row in enumerate(raw, start=2):
        if None in row:
            raise RegionMapError(f"{label}: line {i} has more fields than the header")
        name = (row.get("name") or "").strip()
        where = f"{label}: line {i}" + (f" ('{name}')" if name else "")
        if not name:
            raise RegionMapError(f"{where}: empty 'name'")
        if name in names:
            raise RegionMapError(f"{where}: region '{name}' appears twice")
        names.append(name)
        verdict = (row.get("conference_1937") or "").strip()
        if verdict not in VERDICTS:
            raise RegionMapError(f"{where}: 'conference_1937' must be one of "
                                 f"{', '.join(v for v in VERDICTS if v)} or empty, got {verdict!r}")
        traits = {}
        for trait, upper in TRAITS.items():
            text = (row.get(trait) or "").strip()
            if text:
                traits[trait] = _number(text, where, trait, 0.0, upper)
                cited[trait].append(traits[trait])
        parsed.append((name, (row.get("kind") or "").strip(),
                       _number(row["weight"], where, "weight", 0.001, 1000.0), traits, verdict,
                       (row.get("traits_source") or "").strip()))
    rng = np.random.default_rng(traits_seed)
    spread, draws = {}, {}
    for trait, upper in TRAITS.items():
        blank = [k for k, p in enumerate(parsed) if trait not in p[3]]
        if blank and len(cited[trait]) < 2:
            raise RegionMapError(f"{label}: '{trait}' is blank in {len(blank)} rows but cited in "
                                 f"fewer than two, so its spread cannot be read off the file")
        if len(cited[trait]) >= 2:
            spread[trait] = (float(np.mean(cited[trait])), float(np.std(cited[trait], ddof=1)))
        if blank:
            draws[trait] = dict(zip(blank, beta_draws(rng, *spread[trait], upper, len(blank)),
                                    strict=True))
    rows = []
    for k, (name, kind, weight, traits, verdict, source) in enumerate(parsed):
        drawn = tuple(t for t in TRAITS if t not in traits)
        full = {t: traits[t] if t in traits else round(float(draws[t][k]), 4) for t in TRAITS}
        rows.append(RegionRow(name, kind, weight, full, drawn, verdict, source))
    return RegionMap(str(path), tuple(rows), members_per_region, minimum, traits_seed, spread)
