"""The seminar's exercises, numbered once for the app, the notebook and ``docs/teaching.md``.

Each exercise changes only the app controls it names (:attr:`Exercise.controls`, the
names of :data:`seminar.app.MODEL_PARAMS`); the app lists the exercises with those
changes, ``notebooks/classroom_exercises.ipynb`` runs them with :func:`exercise_runs`,
and ``docs/teaching.md`` gives the same numbers and titles (``tests/test_exercises.py``
checks all three).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from experiments.citations import cite
from experiments.runner import RunResult, result_of
from model.scenario import month_index
from seminar.classroom import SeminarModel


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to change in the app, how far to play, what to look at."""

    number: int
    title: str
    book: str  # where the book discusses it (as a historian cites)
    controls: dict = field(default_factory=dict)  # app control -> value; the only change
    play_to: str = "1939-12"  # the month to play to
    minutes: int = 10
    task: str = ""
    observe: str = ""  # what students should see (the teacher's key)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(1, "Who protects whom", cite(1463, quote="Obkom protected its own"),
             {"protection_strength": 0.0}, "1936-12", 10,
             "Set 'Protection of clients by their patrons' to 0, press RESET and play to the "
             "end of 1936. Compare the officeholders among the expelled with the default.",
             "More officeholders among the expelled (the level bars gain secretaries and "
             "officials) and fewer green nodes in the network: expulsions needed the "
             "approval of the very leaders who might be expelled."),
    Exercise(2, "Who runs the purge", cite(660),
             {"chistka_conducted_by": "secretaries"}, "1933-12", 10,
             "Set 'Who runs the 1933 chistka' to secretaries, RESET and play through 1933. "
             "Compare who is expelled, and for what, with the default (commissions).",
             "Fewer officeholders and more passives among the expelled when the secretaries "
             "run the chistka: the commissions were harder for the machines to steer."),
    Exercise(3, "Ballast", cite(686) + "; " + cite(1038, quote="ballast", author=False),
             {"variant": "no-deflection"}, "1935-12", 10,
             "Choose the explanation no-deflection, RESET and play to the end of 1935. Look "
             "at the reasons for expulsion.",
             "The passives' share of the expelled falls well below Table 2.3's 23 %: the "
             "machines' 'vigilance' against the defenceless is what produces it."),
    Exercise(4, "An obedient apparatus", cite(147), {"variant": "totalitarian"}, "1939-12", 15,
             "Choose the explanation totalitarian, RESET and play to the end. Compare each "
             "operation's bar with the book's, operation with operation.",
             "No passives are expelled in the chistka, old members and former oppositionists "
             "are; the chistka expels about a third of the party against the book's 18.5 %, "
             "and calendar 1937 less than the book's 5 %: the rates no longer follow the "
             "book's fall from 18.5 % to 9 % to about 2 % and back up in 1937."),
    Exercise(5, "1937: going around the secretaries",
             cite(1912, quote="awakened and unleashed"),
             {"variant": "no-criticism"}, "1937-12", 15,
             "Choose the explanation no-criticism, RESET and play through 1937. Compare who "
             "is expelled in 1937 and who loses the 1937 elections with the default.",
             "Without criticism from below the 1937 elections remove hardly anyone; the blow "
             "of 1937 falls on the leaders only through the NKVD's arrests."),
    Exercise(6, "The center's pressure", cite(802),
             {"rebuke_pressure": 3.0}, "1935-12", 10,
             "Raise 'Center's pressure after a rebuke' to 3, RESET and play to the end of "
             "1935. Compare operation with operation (the first plot's bars).",
             "The chistka's and the proverka's rates rise only a little: rebuked regions "
             "screen faster and deflect more onto passives, so much the same purge is done "
             "sooner (the calendar-year panel shows more of it in 1933)."),
)


def exercise(number: int) -> Exercise:
    """Exercise ``number`` (1-based)."""
    for ex in EXERCISES:
        if ex.number == number:
            return ex
    raise KeyError(f"no exercise {number} (there are {len(EXERCISES)})")


def exercise_runs(number: int | None, seeds=(1, 2, 3), n_members: int = 1500,
                  play_to: str | None = None, **controls) -> list[RunResult]:
    """Run the app's model with exercise ``number``'s changes (None: the defaults).

    The same model and controls as the app (:class:`seminar.classroom.SeminarModel`),
    one run per seed, played to ``play_to`` ("YYYY-MM"; default the exercise's month, or
    the end without an exercise); ``controls`` adds changes.
    """
    ex = exercise(number) if number is not None else None
    changes = {**(ex.controls if ex else {}), **controls}
    until = month_index(play_to or (ex.play_to if ex else "1939-12"))
    out = []
    for seed in seeds:
        model = SeminarModel(rng=seed, n_members=n_members, **changes)
        while not model.finished and model.month <= until:
            model.step()
        out.append(result_of(model, seed=seed))
    return out
