"""Mutation check: does the test suite notice a plausible change of behaviour?

Each mutant is one small edit of the code (a rule weakened, a factor dropped, a resume that
re-runs finished work). The script copies the repository to a temporary folder, applies
one mutant there (the work tree is never touched), runs the tests and reports whether they
failed ("caught") or passed ("SURVIVED"). A surviving mutant is a behaviour the tests do
not pin.

    .venv/bin/python scripts/mutants.py                 # every mutant, its own test files
    .venv/bin/python scripts/mutants.py --full          # every mutant, the whole suite
    .venv/bin/python scripts/mutants.py --only zeal     # mutants whose name contains "zeal"
    .venv/bin/python scripts/mutants.py --list

Exit status 1 if any mutant survived.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOUR = ("tests/test_rules_by_value.py", "tests/test_rules.py", "tests/test_mechanisms.py",
             "tests/test_docking.py")
FIDELITY = ("tests/test_fidelity.py",)  # the behaviour, not the rule tables


@dataclass(frozen=True)
class Mutant:
    """One edit: replace ``old`` (which must occur exactly once) by ``new`` in ``path``."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...] = BEHAVIOUR


MUTANTS: tuple[Mutant, ...] = (
    # --- the mutants named by issue 10 ----------------------------------------------------
    Mutant("zeal read one month late", "model/rules.py",
           "floor + (1.0 - floor) * _exp(-months_since_start / decay_months)",
           "floor + (1.0 - floor) * _exp(-(months_since_start + 1) / decay_months)"),
    Mutant("reinstatement 25 % less likely", "model/rules.py",
           "    return p + (1.0 - p) * restraint * (1.0 - 0.5 * reason_severity)",
           "    return 0.75 * (p + (1.0 - p) * restraint * (1.0 - 0.5 * reason_severity))"),
    Mutant("investigation's support rates swapped", "model/rules.py",
           "return (false_support + (true_support - false_support) * has_grounds) * protection",
           "return (true_support + (false_support - true_support) * has_grounds) * protection"),
    Mutant("opposition dropped from the arrest hazard", "model/rules.py",
           "hazard = base * level_exposure * (1.0 + weight_opposition * opposition",
           "hazard = base * level_exposure * (1.0 + 0.0 * opposition"),
    Mutant("machine dropped from the reference engine's protection", "model/model.py",
           "m.protected_now, region.machine,", "m.protected_now, 1.0,"),
    Mutant("resume re-runs finished runs", "experiments/sweep.py",
           "    skip = store.done - (store.failed if retry_failed else set())",
           "    skip = set()", ("tests/test_sweep.py",)),
    Mutant("resume assumes finished runs are a prefix", "experiments/sweep.py",
           "    todo = [t for t in unique if t.run_id not in skip]",
           "    todo = unique[len(skip & {t.run_id for t in unique}):]", ("tests/test_sweep.py",)),
    Mutant("distance multiplied by the tolerance", "experiments/scorecard.py",
           "(sim - book[name]) / unit)", "(sim - book[name]) * unit)",
           ("tests/test_calibrate.py",)),
    # --- the other mutants the issue names as passing before ---------------------------------
    Mutant("workers' advantage in appeals reversed", "model/rules.py",
           "(0.7 + 0.3 * is_worker)", "(1.0 - 0.3 * is_worker)"),
    Mutant("leaders' exposure dropped from the reference engine's police", "model/model.py",
           "prob = rules.arrest_hazard(self.arrest_rate, self.exposure_by_office[m.office],",
           "prob = rules.arrest_hazard(self.arrest_rate, 1.0,"),
    # --- engine-level mutants: one engine only -------------------------------------------------
    Mutant("workers' flag reversed in the array engine's appeals", "model/arrays.py",
           "m.origin[idx] == WORKER, each(self.reinstatement, idx),",
           "m.origin[idx] != WORKER, each(self.reinstatement, idx),"),
    Mutant("support rates swapped in the array engine", "model/arrays.py",
           "p.skill_protection, p.true_support,\n                                  p.false_support,",
           "p.skill_protection, p.false_support,\n                                  p.true_support,"),
    Mutant("machine dropped from the array engine's protection", "model/arrays.py",
           'self._region_traits()["machine"], self.defence_by_office, IN_PARTY_MAX,',
           'np.ones(len(self.regions)), self.defence_by_office, IN_PARTY_MAX,'),
    Mutant("deflection ignores the call for vigilance", "model/rules.py",
           "defenceless * deflection * (1.0 + vigilance) * (1.0 - screener_independence)",
           "defenceless * deflection * (1.0 - screener_independence)"),
    Mutant("formalism no longer lowers detection", "model/rules.py",
           "deflection\n                                  * (1.0 - formalism_blindness * formalism))",
           "deflection)"),
    Mutant("recent recruits drift no more than others", "model/rules.py",
           "(1.0 + weight_passive * is_passive + weight_recent * is_recent)",
           "(1.0 + weight_passive * is_passive)"),
    Mutant("an order to repeat adds no pressure", "model/rules.py",
           "return (pressure + rebuke_pressure, formalism * formalism_after_repeat,",
           "return (pressure, formalism * formalism_after_repeat,"),
    Mutant("appointees vote against their patron", "model/rules.py",
           "+ apparatus_share * apparatus * (1.0 - client_loyalty))",
           "+ apparatus_share * below)"),
    Mutant("admissions ignore the freeze", "model/rules.py",
           "return rate * members * (1 - frozen)", "return rate * members"),
    # --- issue 12: fidelity to the book ---------------------------------------------------
    Mutant("a declared alien origin is grounds again", "model/rules.py",
           "return 1 * (reason == _ALIEN_PAST) * (1 - 1 * hid_origin)",
           "return 0 * (reason == _ALIEN_PAST) * (1 - 1 * hid_origin)",
           FIDELITY),
    Mutant("restraint does not reach the secretaries", "model/rules.py",
           "return rate * (1.0 - restraint)", "return rate * (1.0 - 0.0 * restraint)",
           FIDELITY),
    Mutant("arrests run along no chains", "model/rules.py",
           "* (1.0 + (chain - 1.0) * implicated))", "* (1.0 + 0.0 * implicated))", FIDELITY),
    Mutant("targeted arrests pick anyone", "model/rules.py",
           "return h_opposition * opposition + h_alien * alien_past + h_economic * economic_official",
           "return h_opposition + h_alien * alien_past + h_economic * economic_official",
           FIDELITY),
    Mutant("screenings never remove an official from his post", "model/rules.py",
           "return remove / (demote + remove) * is_official",
           "return 0.0 * remove / (demote + remove) * is_official", FIDELITY),
)


def _copy_tree(dest: Path) -> None:
    """The tracked and new files of the work tree (no .venv, no results)."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run_mutant(mutant: Mutant, full: bool, workers: int) -> tuple[bool, float, str]:
    """Apply ``mutant`` in a copy and run its tests; (caught, seconds, last line)."""
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        base = Path(tmp)
        shared = ROOT.parent / "shared"
        if shared.exists():
            (base / "shared").symlink_to(shared)  # the book, where the tests look for it
        copy = base / "main"
        _copy_tree(copy)
        target = copy / mutant.path
        text = target.read_text()
        if text.count(mutant.old) != 1:
            raise SystemExit(f"mutant '{mutant.name}': the text to change occurs "
                             f"{text.count(mutant.old)} times in {mutant.path}")
        target.write_text(text.replace(mutant.old, mutant.new))
        tests = [] if full else list(mutant.tests)
        cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
               "-n", str(workers), *tests]
        env = {**os.environ, "PYTHONPATH": str(copy), "PURGES_REQUIRE_BROWSER": ""}
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True)
        lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
        return done.returncode != 0, time.perf_counter() - start, lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    """Run the mutants and print a table of caught and surviving ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the whole suite per mutant")
    parser.add_argument("--only", default="", help="mutants whose name contains this text")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if args.only.lower() in m.name.lower()]
    if args.list:
        for m in chosen:
            print(f"{m.name}  ({m.path}; tests: {', '.join(m.tests)})")
        return 0
    survived = 0
    for m in chosen:
        caught, seconds, last = run_mutant(m, args.full, args.workers)
        survived += not caught
        print(f"{'caught  ' if caught else 'SURVIVED'}  {seconds:6.0f} s  {m.name}  [{last}]",
              flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} mutants caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
