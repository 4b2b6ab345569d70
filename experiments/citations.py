"""Citations a historian can use, built from the book's line numbers.

Inside the repository every figure and rule is anchored to a line of the book
(``shared/seed/getty-origins-of-the-great-purges.txt``, "L672"): the anchor is what
the tests check. Nobody outside can look up "L672", so everything shown to a user
reads as a historian cites: ``Getty 1985, ch. 2, section "The chistka of 1933",
"over one-third"``; a table as ``Getty 1985, ch. 3, Table 3.3``; a note as
``Getty 1985, ch. 6, n. 74``. The concordance of chapters, sections, tables and notes
(``experiments/data/book_concordance.csv``) is built from the book by
``scripts/concordance.py``; the quotations are the ``quote`` column of
``experiments/data/historical_figures.csv``, each checked against its line.

>>> cite(672, quote="over one-third")
'Getty 1985, ch. 2, section "The chistka of 1933", "over one-third"'
>>> cite(986)
'Getty 1985, ch. 3, Table 3.3'
>>> humanize("Table 3.1 (L836); note 74 at L3503; L1003-1005")
'Getty 1985, ch. 3, Table 3.1; ch. 6, n. 74; ch. 3, section "The speed and incidence of the proverka"'
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BOOK = "Getty 1985"
CONCORDANCE = Path(__file__).with_name("data") / "book_concordance.csv"
LINE_REF = re.compile(r"(?:\bnotes? \d+ (?:at|in) )?\bL(\d{2,4})(?:\s*[-–]\s*L?(\d{2,4}))?\b")

SAID_TWICE = re.compile(r"Table (\d\.\d|C\.1)(?:,? (\()|, )(Getty 1985, )?([^,()]+), Table \1"
                        r"(?(2)\))")


@dataclass(frozen=True)
class Place:
    """Where a line of the book sits: chapter, and section, table or note if any."""

    line: int
    chapter: str | None
    section: str | None = None
    table: str | None = None
    note: str | None = None

    def parts(self) -> list[str]:
        """Chapter, then the note, table or section: the pieces of a citation."""
        out = [self.chapter] if self.chapter else []
        if self.note:
            out.append(self.note)
        elif self.table:
            out.append(self.table)
        elif self.section:
            out.append(f'section "{self.section}"')
        return out


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, int, int, str, str], ...]:
    with CONCORDANCE.open(encoding="utf-8") as fh:
        return tuple((r["kind"], int(r["first_line"]), int(r["last_line"]), r["chapter"],
                      r["label"]) for r in csv.DictReader(fh))


def place(line: int) -> Place:
    """The chapter, section, table or note that holds ``line`` of the book."""
    found = {kind: (chapter, label) for kind, first, last, chapter, label in _rows()
             if first <= line <= last}
    chapter = next((c for c, _ in found.values()), None)
    return Place(line, chapter,
                 section=found["section"][1] if "section" in found else None,
                 table=found["table"][1] if "table" in found else None,
                 note=found["note"][1] if "note" in found else None)


def cite(line: int | str | None, *, quote: str | None = None, table: str | None = None,
         author: bool = True) -> str:
    """Cite ``line`` of the book as a historian would, with ``quote`` if given.

    ``table`` names a table the caller knows the line belongs to (the data file's
    ``source_table``); a line outside the book's text (the front matter) gives the
    book alone. ``author=False`` leaves out "Getty 1985" (for a second citation
    in the same sentence).
    """
    if line in (None, ""):
        return BOOK if author else ""
    where = place(int(line))
    parts = where.parts()
    if table and table.startswith("Table") and not where.note:
        parts = [p for p in parts if not p.startswith(("Table", "section"))] + [table]
    if not parts:
        parts = ["front matter"]
    if quote:
        parts.append('"' + quote.replace("*", "") + '"')
    if author:
        parts.insert(0, BOOK)
    return ", ".join(parts)


def humanize(text: str) -> str:
    """Replace every line anchor ("L672", "L1003-1005") in ``text`` by its citation.

    The first citation in the text names the book, the following ones only the
    chapter: "Getty 1985, ch. 2, Table 2.3 ... ch. 3, Table 3.1".
    """
    seen = False

    def one(match: re.Match) -> str:
        nonlocal seen
        out = cite(int(match.group(1)), author=not seen)
        seen = True
        return out

    out = LINE_REF.sub(one, text)
    # "Table 3.1 (Getty 1985, ch. 3, Table 3.1)" says the table twice: once is enough
    return SAID_TWICE.sub(lambda m: f"{m.group(3) or ''}{m.group(4)}, Table {m.group(1)}", out)

