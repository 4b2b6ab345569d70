"""Build ``experiments/data/book_concordance.csv`` from the book: where each line of it sits.

Usage: ``python scripts/concordance.py [BOOK]`` (default: the book in ``../shared/seed/``).

The concordance lets every citation shown to a user read as a historian cites it
("Getty 1985, ch. 3, 'The speed and incidence of the proverka', Table 3.3") while the
book's line number stays the machine-checked anchor. The chapter and section headings
below are copied from the book's contents (L67-L97) and from the headings in its text;
the script finds the line of each heading in the book, so a heading that is not where
it is said to be fails loudly. Tables are found by their captions (Table 7.1 has no
caption line in this copy: its rows are found by its first row), notes by their
numbers in the Notes section (L2516 on), under each chapter's heading there.
``tests/test_citations.py`` rebuilds the file from the book and compares.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT.parent / "shared" / "seed" / "getty-origins-of-the-great-purges.txt"
OUT = ROOT / "experiments" / "data" / "book_concordance.csv"

# (chapter as cited, heading line text, [section headings in order])
CHAPTERS = [
    ("Introduction", "Introduction: the Great Purges as history", ["Rethinking Stalinism"]),
    ("ch. 1", "The Communist Party in the thirties",
     ["A divided leadership: the Seventeenth Party Congress",
      "A disordered organization: how Smolensk was really ruled"]),
    ("ch. 2", "What was a purge?", ["The *chistka* of 1933"]),
    ("ch. 3", "The Verification of Party Documents of 1935: a case study in bureaucratic ineptitude",
     ["The files and first hesitant steps", "The May 13 letter and the *proverka*",
      "The verification bungled", "The second verification of party documents: local meetings",
      "The *proverka* finally draws to a close: the summary reports",
      "The speed and incidence of the *proverka*", "The “lessons” of the *proverka* of 1935",
      "The 1936 Exchange of Party Documents", "Some conclusions on the verification and exchange"]),
    ("ch. 4", "Radicalism and party revival",
     ["Zhdanov, Stalin, and “party work”", "Cadres decide everything",
      "Zhdanov on the Saratov Kraikom", "Chinovniki and passives", "The Stalin constitution"]),
    ("ch. 5", "Radicalism and enemies of the people",
     ["Radicalism in 1936", "Who was N. I. Ezhov?", "Trotskyism in the thirties",
      "Ordzhonikidze and Molotov, radicals and moderates"]),
    ("ch. 6", "The crisis matures: 1937",
     ["The February 1937 plenum of the Central Committee", "After the plenum: local insurrections",
      "The 1937 elections", "The fall of the Western Oblast' leadership: the June coup"]),
    ("ch. 7", "Epilogue: the Ezhovshchina",
     ["Observations on incidence", "The January 1938 Central Committee plenum",
      "The abolition of mass purges"]),
    ("Conclusion", "Conclusion: some observations on politics in the thirties", []),
    ("Appendix", "Appendix: the Kirov assassination", []),
    ("Bibliographic essay", "Bibliographic essay", []),
]
# Headings of the notes to each chapter, in the Notes section.
NOTE_HEADINGS = {
    "Introduction": "Introduction: the Great Purges as history",
    "ch. 1": "1. The Communist Party in the thirties", "ch. 2": "2. What was a purge?",
    "ch. 3": "3. The Verification of Party Documents of 1935: a case study in bureaucratic ineptitude",
    "ch. 4": "4. Radicalism and party revival", "ch. 5": "5. Radicalism and enemies of the people",
    "ch. 6": "6. The crisis matures: 1937", "ch. 7": "7. Epilogue: the Ezhovshchina",
    "Conclusion": "Conclusion: some observations on politics in the thirties",
    "Appendix": "Appendix: the Kirov assassination",
}
TABLE_71_FIRST_ROW = "Operation\tNumber expelled\tPercent of party"
NOTE = re.compile(r"^(?:- )?(\d{1,3}) \S")


def _find(lines: list[str], text: str, start: int, end: int | None = None) -> int:
    """1-based number of the first line equal to ``text`` at or after ``start``."""
    for i in range(start, end or len(lines) + 1):
        if lines[i - 1].strip() == text:
            return i
    raise SystemExit(f"heading not found in the book after L{start}: {text!r}")


def build(book: Path) -> list[dict]:
    """The concordance's rows (kind, first_line, last_line, chapter, label) from the book."""
    lines = book.read_text(encoding="utf-8").splitlines()
    notes_start = _find(lines, "Notes", 2000)
    rows: list[dict] = []
    pos = 120                                     # after the table of contents
    starts = []
    for chapter, heading, sections in CHAPTERS:
        first = _find(lines, heading, pos, notes_start)
        starts.append(first)
        rows.append({"kind": "chapter", "first_line": first, "chapter": chapter,
                     "label": heading.replace("*", "")})
        pos = first + 1
        for section in sections:
            line = _find(lines, section, pos, notes_start)
            rows.append({"kind": "section", "first_line": line, "chapter": chapter,
                         "label": section.replace("*", "")})
            pos = line + 1
    for row, nxt in zip(rows, [r["first_line"] for r in rows[1:]] + [notes_start], strict=True):
        row["last_line"] = nxt - 1
    for i, text in enumerate(lines, 1):
        m = re.match(r"^Table (\d\.\d|C\.1)\. ", text)
        if m or text == TABLE_71_FIRST_ROW:
            label = f"Table {m.group(1)}" if m else "Table 7.1"
            last = next(j for j in range(i, len(lines) + 1)
                        if lines[j - 1].startswith(("Source", "[table rows withheld"))
                        or (j > i + 1 and not lines[j - 1].strip() and j - i > 30))
            rows.append({"kind": "table", "first_line": i, "last_line": last,
                         "chapter": _chapter_of(rows, i), "label": label})
    note_chapters = []
    for chapter, heading in NOTE_HEADINGS.items():
        note_chapters.append((chapter, _find(lines, heading, notes_start)))
    end_of_notes = _find(lines, "Bibliographic essay", note_chapters[-1][1])
    bounds = [c[1] for c in note_chapters[1:]] + [end_of_notes]
    for (chapter, first), last in zip(note_chapters, bounds, strict=True):
        current = None
        for i in range(first + 1, last):
            m = NOTE.match(lines[i - 1])
            if m and (current is None or int(m.group(1)) == current["number"] + 1):
                if current:
                    current["last_line"] = i - 1
                current = {"kind": "note", "first_line": i, "chapter": chapter,
                           "label": f"n. {m.group(1)}", "number": int(m.group(1))}
                rows.append(current)
        if current:
            current["last_line"] = last - 1
    for r in rows:
        r.pop("number", None)
    return rows


def _chapter_of(rows: list[dict], line: int) -> str:
    found = [r for r in rows if r["kind"] == "chapter" and r["first_line"] <= line]
    return found[-1]["chapter"]


def main(argv: list[str]) -> int:
    """Write the concordance; 2 if the book is missing."""
    book = Path(argv[1]) if len(argv) > 1 else BOOK
    if not book.exists():
        print(f"error: the book is not at {book}", file=sys.stderr)
        return 2
    rows = build(book)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["kind", "first_line", "last_line", "chapter", "label"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
