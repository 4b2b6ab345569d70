"""The `purges` command end to end at a small scale, and its handling of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import experiments.outputs as outputs
from experiments.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    code = main(["run", "--seeds", "2", "--set", "n_members=500", "--out", str(out),
                 "--processes", "1", "--quiet"])
    assert code == 0
    return out


def test_run_writes_tables_figures_and_manifest(run_dir):
    for name in ("yearly.csv", "monthly.csv", "expulsions.csv", "operations.csv",
                 "regions.csv", "comparison.csv", "manifest.json", "scenario.toml",
                 "national_rates.png", "western_vs_national.png", "denunciation_chain.png",
                 "districts.csv", "regional_secretaries.csv", "conferences.csv",
                 "regional_secretaries.png",
                 "district_rates.png", "regional_rates.png"):
        assert (run_dir / name).stat().st_size > 0, name
    yearly = pd.read_csv(run_dir / "yearly.csv")
    assert {"seed", "year", "members_start", "expelled", "expulsion_rate_pct"} <= set(yearly)
    assert sorted(yearly["year"].unique()) == list(range(1933, 1940))
    assert sorted(yearly["seed"].unique()) == [1, 2]
    monthly = pd.read_csv(run_dir / "monthly.csv")
    assert len(monthly) == 2 * 84
    expulsions = pd.read_csv(run_dir / "expulsions.csv")
    assert {"level", "reason", "joined", "origin", "region", "channel"} <= set(expulsions)
    breakdown = pd.read_csv(run_dir / "breakdown.csv")
    per_dimension = breakdown.groupby("dimension")["expelled"].sum()
    assert set(per_dimension.index) == {"level", "reason", "channel", "origin", "region",
                                        "year_joined", "status"}
    assert (per_dimension == len(expulsions)).all()  # every expulsion counted once per dimension


def test_manifest_records_what_is_needed_to_reproduce(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["seeds"] == [1, 2]
    assert manifest["overrides"] == {"n_members": 500}
    assert manifest["parameters"]["n_members"] == 500
    assert manifest["packages"]["mesa"].startswith("3.5")
    assert "git_commit" in manifest["code_version"]
    assert len(manifest["scenario"]["sha256"]) == 64
    assert manifest["engine"] == "agents"  # "auto" below 1,000 members


def test_array_engine_from_the_command_line(tmp_path):
    """The same run on the array engine: same tables, and the engine in the manifest."""
    assert main(["run", "--seeds", "2", "--set", "n_members=1200", "--engine", "arrays",
                 "--out", str(tmp_path), "--processes", "1", "--quiet", "--no-figures"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["engine"] == "arrays"
    yearly = pd.read_csv(tmp_path / "yearly.csv")
    assert sorted(yearly["year"].unique()) == list(range(1933, 1940))
    assert (yearly["expelled"] > 0).sum() >= 5


def test_same_seeds_reproduce_the_tables(run_dir, tmp_path):
    assert main(["run", "--seeds", "2", "--set", "n_members=500", "--out", str(tmp_path),
                 "--processes", "2", "--quiet", "--no-figures"]) == 0
    for name in ("yearly.csv", "expulsions.csv", "comparison.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(run_dir / name), pd.read_csv(tmp_path / name))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("args", "words"), [
    (["--set", "n_memberz=10"], ["n_memberz", "did you mean 'n_members'"]),
    (["--set", "protection_strength=7"], ["protection_strength", "out of range"]),
    (["--set", "n_members"], ["NAME=VALUE"]),
    (["--scenario", "nowhere.toml"], ["nowhere.toml"]),
    (["--seeds", "0"], ["--seeds"]),
    # nan passes every range comparison; it once ran and gave a chistka rate of 0 %
    (["--set", "protection_strength=nan"], ["protection_strength", "finite"]),
    (["--set", "cascade=inf"], ["cascade"]),
    (["--set", "chistka.intensity=nan"], ["chistka.intensity"]),
    (["--first-seed", "-3"], ["--first-seed"]),
    (["--processes", "0"], ["--processes"]),
])
def test_bad_input_is_one_line_and_keeps_earlier_results(tmp_path, args, words):
    out = tmp_path / "results"
    out.mkdir()
    (out / "yearly.csv").write_text("earlier results\n")
    proc = _cli("run", "--out", str(out), "--quiet", *args, cwd=ROOT)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("purges: error:"), proc.stderr
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w in lines[0]
    assert (out / "yearly.csv").read_text() == "earlier results\n"


def test_malformed_scenario_file_is_named(tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text((ROOT / "model/scenarios/historical.toml").read_text()
                   .replace('end = "1935-12"             # 81 %', 'end = "1935-02"             # 81 %'))
    proc = _cli("run", "--scenario", str(bad), "--out", str(tmp_path / "o"), cwd=ROOT)
    assert proc.returncode == 2
    assert "mine.toml: campaign 'proverka': end 1935-02 is before start 1935-05" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_scenario_copy_and_parameters(tmp_path, capsys):
    dest = tmp_path / "my.toml"
    assert main(["scenario", "--copy", str(dest)]) == 0
    assert "[[campaigns]]" in dest.read_text()
    regions = tmp_path / "regions_1935.csv"
    assert "Western Region" in regions.read_text()  # its regions beside it, to edit
    regions.write_text(regions.read_text().replace("Western Region,oblast,1,",
                                                   "Western Region,oblast,2,"))
    assert main(["run", "--scenario", str(dest), "--seeds", "1", "--set", "n_members=400",
                 "--out", str(tmp_path / "out"), "--quiet", "--processes", "1"]) == 0
    assert "Western Region,oblast,2," in (tmp_path / "out" / "regions_1935.csv").read_text()
    assert main(["scenario", "--copy", str(dest)]) == 2  # never overwrites
    assert main(["parameters"]) == 0
    assert "protection_strength" in capsys.readouterr().out


def test_nan_in_a_params_file_or_a_factor_is_refused(tmp_path, capsys):
    params = tmp_path / "p.toml"
    params.write_text("[overrides]\nprotection_strength = nan\n")
    assert main(["run", "--params", str(params), "--out", str(tmp_path / "r"), "--quiet"]) == 2
    assert "finite" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
    for spec in ("nan:1", "0:inf", "0.2,nan"):
        assert main(["sweep", "--factor", f"protection_strength={spec}", "--out",
                     str(tmp_path / "s"), "--serial", "--quiet"]) == 2
        assert "finite" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["run"], ["compare", "--variants", "totalitarian"]])
def test_bad_seeds_or_processes_make_no_folder(tmp_path, capsys, command):
    for bad in (["--first-seed", "-1"], ["--processes", "0"]):
        out = tmp_path / f"out{bad[1]}"
        assert main([*command, *bad, "--out", str(out), "--quiet"]) == 2
        assert bad[0] in capsys.readouterr().err
        assert not out.exists()


def test_app_on_a_bad_or_busy_port_is_one_line(capsys):
    import socket

    assert main(["app", "--port", "99999"]) == 2
    assert "--port" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
        captured = capsys.readouterr()
        assert f"127.0.0.1:{port}" in captured.err and "The seminar app" not in captured.out


# --- output folders (issue 15: outputs that are never lost) -------------------------------
def _one_line_error(proc) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("purges: error:"), proc.stderr
    return lines[0]


def test_run_refuses_another_command_s_folder_and_leaves_it_intact(tmp_path):
    """A run into a sweep's folder once overwrote its manifest: the sweep was lost."""
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    manifest = json.dumps({"tool": "purges sweep", "n_runs": 10})
    (sweep / "manifest.json").write_text(manifest)
    line = _one_line_error(_cli("run", "--out", str(sweep), "--quiet", "--seeds", "1",
                                "--set", "n_members=300", cwd=ROOT))
    assert "purges sweep" in line and "another --out" in line
    assert (sweep / "manifest.json").read_text() == manifest
    assert sorted(p.name for p in sweep.iterdir()) == ["manifest.json"]


def test_an_earlier_output_is_replaced_only_with_force(tmp_path):
    out = tmp_path / "results"
    args = ("run", "--out", str(out), "--quiet", "--seeds", "1", "--set", "n_members=300",
            "--no-figures")
    assert main(list(args)) == 0
    (out / "stale_figure.png").write_bytes(b"old")
    before = (out / "manifest.json").read_text()
    line = _one_line_error(_cli(*args, cwd=ROOT))
    assert "--force" in line
    assert (out / "manifest.json").read_text() == before  # nothing changed
    assert main([*args, "--force"]) == 0
    assert not (out / "stale_figure.png").exists()
    assert (out / "yearly.csv").exists() and (out / "manifest.json").read_text() != before


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "thesis.docx").write_text("chapter 1")
    line = _one_line_error(_cli("compare", "--out", str(tmp_path), "--quiet", "--seeds", "1",
                                cwd=ROOT))
    assert "not a purges output" in line
    assert (tmp_path / "thesis.docx").read_text() == "chapter 1"


@pytest.mark.parametrize("command", [["run"], ["compare", "--seeds", "1"],
                                     ["calibrate", "--factor", "chistka.intensity=0.5:1.5"],
                                     ["sweep", "--factor", "chistka.intensity=0.5:1.5"]])
def test_an_unusable_folder_is_one_line_before_any_simulation(tmp_path, command):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    line = _one_line_error(_cli(*command, "--out", str(blocker / "out"), "--quiet", cwd=ROOT))
    assert "cannot create output folder" in line


def test_the_console_summary_says_what_was_run(tmp_path):
    """Scenario, explanation, members and seeds; whole labels; percentages apart."""
    proc = _cli("run", "--out", str(tmp_path / "r"), "--seeds", "2", "--set", "n_members=400",
                "--no-figures", "--variant", "totalitarian", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "Scenario 'historical', explanation totalitarian, 400 members, 2 seeds (1-2)" in text
    assert text.index("Percentages") < text.index("Ratios and shares")
    assert "proverka expellees in 'leading work', % (Shil'man: 485 of 1,068 described)" in text
    assert ('Getty 1985, ch. 3, section "The speed and incidence of the proverka", "485 of '
            'them, or nearly half"') in text  # where the book says it, as a historian cites


def test_compare_sets_an_edited_scenario_against_the_historical_one(tmp_path):
    """`purges compare --scenario mine.toml`: a difference table and overlaid curves."""
    text = (ROOT / "model" / "scenarios" / "historical.toml").read_text()
    mine = tmp_path / "harsher.toml"
    mine.write_text(text.replace("intensity = 1.13 ", "intensity = 2.0 ", 1))
    out = tmp_path / "cmp"
    assert main(["compare", "--scenario", str(mine), "--variants", "center-periphery",
                 "--seeds", "2", "--set", "n_members=600", "--processes", "1", "--out",
                 str(out), "--quiet"]) == 0
    diff = pd.read_csv(out / "scenario_vs_historical.csv").set_index("target")
    assert diff.loc["chistka_national", "difference"] > 2  # a harsher chistka
    assert diff.loc["chistka_national", "book"] == pytest.approx(18.5)
    assert (out / "scenario_vs_historical.png").stat().st_size > 0
    documented = next(t for t in outputs.TABLES if t.file == "scenario_vs_historical.csv")
    assert list(diff.reset_index().columns) == [c.name for c in documented.columns]


def test_overlapping_screenings_of_an_edited_scenario_get_a_warning(tmp_path):
    """The historical chistka-proverka overlap is the book's (L666); a new one is flagged."""
    text = (ROOT / "model" / "scenarios" / "historical.toml").read_text()
    mine = tmp_path / "overlap.toml"
    mine.write_text(text.replace('start = "1936-03"           # planned Feb 1',
                                 'start = "1935-09"           # planned Feb 1', 1))
    proc = _cli("run", "--scenario", str(mine), "--seeds", "1", "--set", "n_members=300",
                "--no-figures", "--quiet", "--out", str(tmp_path / "r"), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("purges: warning:")]
    assert len(warnings) == 2 and "proverka and obmen" in warnings[1]  # and the chistka
    plain = _cli("run", "--seeds", "1", "--set", "n_members=300", "--no-figures", "--quiet",
                 "--out", str(tmp_path / "h"), cwd=ROOT)
    assert "warning" not in plain.stderr
