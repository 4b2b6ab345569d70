"""The historical record: every figure the project uses, with its table, line and source.

The data live in ``experiments/data/historical_figures.csv``, one row per figure:
``figure_id``, the book's table (or ``text``), the line of
``shared/seed/getty-origins-of-the-great-purges.txt`` where it stands, what it measures,
where and when, its value (with a range where the book gives one), the source the
book cites for it, and, for a figure in the running text, a short quotation of the
words that give it (checked against the line by the tests). :func:`citation` turns a
figure's table, line and quotation into the citation shown to users
(:mod:`experiments.citations`). Figures the book's copy withholds for out-of-sample validation are
rows with status ``withheld`` and no value.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

import experiments.citations as citations

COLUMNS = ("figure_id", "source_table", "book_line", "quantity", "region", "year", "period",
           "operation", "category", "value", "value_low", "value_high", "unit", "status",
           "cited_source", "quote", "note")
STATUSES = ("reported", "derived", "withheld", "not_given")


class HistoryDataError(ValueError):
    """The historical data file is malformed; the message is one line naming the problem."""


def data_path() -> Path:
    """Path of the packaged CSV."""
    return Path(str(resources.files("experiments") / "data" / "historical_figures.csv"))


def load_figures(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the historical figures.

    Raises:
        HistoryDataError: on a missing column, a duplicate id, an unknown status, a
            withheld figure with a value, or a reported figure without one.
    """
    if path is None:
        return _load_default().copy()
    return _load(Path(path))


@cache
def _load_default() -> pd.DataFrame:
    return _load(data_path())


def _load(path: Path) -> pd.DataFrame:
    name = path.name
    try:
        df = pd.read_csv(path, dtype={"figure_id": str, "source_table": str, "period": str,
                                      "category": str, "note": str, "cited_source": str,
                                      "quote": str},
                         keep_default_na=False, na_values={"value": [""], "value_low": [""],
                                                           "value_high": [""]})
    except FileNotFoundError:
        raise HistoryDataError(f"{path}: no such data file") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise HistoryDataError(f"{name}: cannot parse ({str(err).splitlines()[0]})") from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise HistoryDataError(f"{name}: missing column(s) {', '.join(missing)}")
    dup = df["figure_id"][df["figure_id"].duplicated()]
    if len(dup):
        raise HistoryDataError(f"{name}: duplicate figure_id '{dup.iloc[0]}'")
    bad = df[~df["status"].isin(STATUSES)]
    if len(bad):
        raise HistoryDataError(f"{name}: figure '{bad['figure_id'].iloc[0]}' has unknown status "
                               f"'{bad['status'].iloc[0]}' (allowed: {', '.join(STATUSES)})")
    for col in ("value", "value_low", "value_high", "book_line", "year"):
        converted = pd.to_numeric(df[col], errors="coerce")
        wrong = converted.isna() & (df[col].astype(str).str.strip() != "") & df[col].notna()
        if wrong.any():
            fid = df.loc[wrong, "figure_id"].iloc[0]
            raise HistoryDataError(f"{name}: figure '{fid}' has a non-numeric {col}")
        df[col] = converted
    leak = df[(df["status"] == "withheld") & df["value"].notna()]
    if len(leak):
        raise HistoryDataError(f"{name}: withheld figure '{leak['figure_id'].iloc[0]}' has a value")
    empty = df[df["status"].isin(["reported", "derived"]) & df["value"].isna()]
    if len(empty):
        raise HistoryDataError(f"{name}: figure '{empty['figure_id'].iloc[0]}' has no value")
    df["book_line"] = df["book_line"].astype(int)
    df["year"] = df["year"].astype("Int64")
    return df


def citation(figure_id: str) -> str:
    """How a historian cites one figure: "Getty 1985, ch. 3, Table 3.3"."""
    cited = _citations()
    if figure_id not in cited:
        raise KeyError(f"no historical figure '{figure_id}'")
    return cited[figure_id]


@cache
def _citations() -> dict[str, str]:
    return {row.figure_id: citations.cite(int(row.book_line), quote=row.quote or None,
                                          table=row.source_table)
            for row in _load_default().itertuples()}


def figure(figure_id: str) -> float:
    """The value of one figure."""
    df = load_figures().set_index("figure_id")
    if figure_id not in df.index:
        raise KeyError(f"no historical figure '{figure_id}'")
    return float(df.loc[figure_id, "value"])


def table(source_table: str) -> pd.DataFrame:
    """All rows of one of the book's tables (e.g. ``"Table 3.2"``)."""
    df = load_figures()
    return df[df["source_table"] == source_table].reset_index(drop=True)


def national_expulsion_rates() -> pd.DataFrame:
    """National expulsion rates, 1933-38 from Table 7.1 (percent of party).

    Columns: year, operation, rate_pct, value_low, value_high, source_table, book_line.
    """
    df = table("Table 7.1")
    df = df[(df["quantity"] == "expulsion_rate_pct") & df["value"].notna()]
    out = df.rename(columns={"value": "rate_pct"})[
        ["year", "operation", "rate_pct", "value_low", "value_high", "source_table", "book_line"]]
    return out.sort_values("year").reset_index(drop=True)


def calendar_year_rates() -> pd.DataFrame:
    """The national expulsion rates the book gives for a whole calendar year.

    Only these may stand beside a simulated calendar-year rate. They are the rows of
    :func:`national_expulsion_rates` whose ``period`` is January to December of their
    year: Table 7.1's 1937 and 1938 (L2053: "expelled from the party in 1937"). The
    chistka (1933-35), the proverka (1935) and the 1929 purge are operations, not years.
    Columns as :func:`national_expulsion_rates`.
    """
    rates = table("Table 7.1")
    whole = rates["period"] == rates["year"].astype(str) + "-01/" + rates["year"].astype(str) + "-12"
    years = set(rates.loc[whole & (rates["quantity"] == "expulsion_rate_pct"), "year"])
    out = national_expulsion_rates()
    return out[out["year"].isin(years)].reset_index(drop=True)


def smolensk_vs_national() -> pd.DataFrame:
    """Table 3.4: national and Smolensk rates per operation."""
    df = table("Table 3.4")
    nat = df[df["region"] == "USSR"].set_index("operation")["value"]
    smo = df[df["region"] == "Smolensk"].set_index("operation")["value"]
    years = df[df["region"] == "USSR"].set_index("operation")["year"]
    return pd.DataFrame({"year": years, "national_pct": nat, "smolensk_pct": smo}).reset_index()


def proverka_denunciation_chain() -> pd.DataFrame:
    """Table 3.2: the fate of 712 statements in Smolensk city, summer 1935 (stage, n)."""
    df = table("Table 3.2")
    return pd.DataFrame({"stage": df["category"], "n": df["value"].astype(int),
                         "book_line": df["book_line"]})


# The book's names of regional organizations (in its tables and text) and the regions of
# the model's map (model/scenarios/regions_1935.csv) they stand for. A city stands for its
# region (Smolensk, Moscow City, Leningrad City; Astrakhan for the Stalingrad territory
# it belonged to, Novosibirsk for the West Siberian territory it was the center of).
MAP_NAMES = {
    "Western Region": "Western Region", "Smolensk": "Western Region",
    "Novosibirsk": "West Siberian Territory", "Crimea": "Crimea", "Moscow": "Moscow Region",
    "Azerbaidzhan": "Azerbaijan", "Ivanov Region": "Ivanovo Industrial Region",
    "Astrakhan": "Stalingrad Territory", "Azov-Black Sea Territory": "Azov-Black Sea Territory",
    "Kursk Region": "Kursk Region", "Moscow Region": "Moscow Region",
    "Moscow City": "Moscow Region", "Leningrad City": "Leningrad Region",
    "Donets Region": "Donets Region", "Georgia": "Georgia",
}

# The regional measures of the record, per operation, as the dot plot shows them.
REGIONAL_MEASURES = {
    ("Table 3.3", "expulsion_rate_pct"): "expelled, % of those checked (Table 3.3)",
    ("text", "cards_confiscated_pct"): "cards confiscated in the second month (L944)",
    ("Table 3.4", "expulsion_rate_pct"): "Smolensk (city), % expelled (Table 3.4)",
}


def regional_figures() -> pd.DataFrame:
    """The book's figures for single regions, by operation, under the map's region names.

    Columns: operation (chistka, proverka), region (the map's name), book_name, value,
    measure (:data:`REGIONAL_MEASURES`), figure_id, book_line. Regional figures of 1933
    (Table 3.4's Smolensk) and of the 1935 proverka (Table 3.3, L944).
    """
    df = load_figures()
    rows = []
    for (source, quantity), measure in REGIONAL_MEASURES.items():
        pick = df[(df["source_table"] == source) & (df["quantity"] == quantity)
                  & df["region"].isin(MAP_NAMES) & df["value"].notna()
                  & df["operation"].isin(["chistka_1933", "proverka_1935"])]
        for _, row in pick.iterrows():
            rows.append({"operation": row["operation"].split("_")[0],
                         "region": MAP_NAMES[row["region"]], "book_name": row["region"],
                         "value": float(row["value"]), "measure": measure,
                         "figure_id": row["figure_id"], "book_line": int(row["book_line"])})
    return pd.DataFrame(rows)
