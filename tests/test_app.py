"""The seminar app: its pieces without a browser, and the whole app in headless Chromium.

The browser test uses Debian's ``chromium`` through Playwright's Python package (no
browser download). ``.ci/run`` installs both and sets ``PURGES_REQUIRE_BROWSER=1``, so on
CI a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_app_components_draw_a_stepped_model():
    from seminar.app import (
        COMPONENTS,
        MODEL_PARAMS,
        Page,
        _network_figure,
        _rates_figure,
        _who_figure,
        district_graph,
    )
    from seminar.classroom import SeminarModel

    model = SeminarModel(rng="4", n_members=800, chistka_conducted_by="secretaries")
    assert model.calendar.campaigns[1].conducted_by == "secretaries"
    for _ in range(10):
        model.step()
    for draw in (_rates_figure, _who_figure, _network_figure):
        assert draw(model).axes
    graph = district_graph(model)
    assert graph.number_of_edges() > 0  # family circles exist
    assert Page is not None and len(COMPONENTS) == 4
    assert set(MODEL_PARAMS) >= {"variant", "protection_strength", "lateral_rate",
                                 "proverka_conducted_by",
                                 "chistka_conducted_by", "rebuke_pressure", "rng"}


def test_a_changed_control_asks_for_reset_and_names_the_control():
    from seminar.app import MODEL_PARAMS, changed_controls
    from seminar.classroom import SeminarModel

    chosen = {name: spec["value"] for name, spec in MODEL_PARAMS.items()}
    model = SeminarModel(**chosen)
    assert changed_controls(chosen, model) == []
    chosen["protection_strength"] = 0.0
    chosen["variant"] = "totalitarian"
    assert changed_controls(chosen, model) == [MODEL_PARAMS["variant"]["label"],
                                               MODEL_PARAMS["protection_strength"]["label"]]
    assert changed_controls(chosen, SeminarModel(**chosen)) == []  # after RESET


def test_green_in_the_network_means_protected_by_a_patron_in_office():
    from seminar.app import NODE_COLORS, district_graph, node_color
    from seminar.classroom import SeminarModel

    model = SeminarModel(rng="2", n_members=800)
    for _ in range(30):
        model.step()
    green = NODE_COLORS["protected by a patron in office"]
    members = [graph_node["member"] for _, graph_node in district_graph(model).nodes(data=True)]
    without_patron = [m for m in members if m.patron is None and m.in_party]
    assert without_patron and all(node_color(m) != green for m in without_patron)
    protected = [m for m in members if node_color(m) == green]
    assert protected and all(m.patron is not None and m.patron.in_party
                             and m.patron.is_official for m in protected)
    fallen = [m for m in members if m.in_party and m.patron is not None
              and not m.patron.in_party]
    assert all(node_color(m) != green for m in fallen)


def test_app_rates_compare_operations_and_do_not_draw_the_running_year_whole():
    """Ten months in: the chistka is under way ("so far"), 1933 is not a whole year."""
    from experiments import outputs, targets
    from experiments.runner import result_of
    from seminar.app import _rates_figure, calendar_years, rates_by_operation
    from seminar.classroom import SeminarModel

    model = SeminarModel(rng="4", n_members=800)
    assert _rates_figure(model).axes  # before the first step: nothing simulated yet
    assert calendar_years(model).empty and rates_by_operation(model)["simulated"].isna().all()
    for _ in range(10):
        model.step()
    assert model.month_label == "1933-10"
    ops = rates_by_operation(model)
    assert list(ops.index) == [op.label for op in targets.OPERATIONS]
    assert ops["state"].tolist() == ["so far"] + ["not begun"] * 4
    assert ops["simulated"].iloc[1:].isna().all()
    assert ops.loc["chistka 1933-35", "simulated"] == outputs.value(
        "chistka_national", result_of(model, seed=0))  # the operation, not the year
    years = calendar_years(model)
    assert years[["year", "complete", "months"]].values.tolist() == [[1933, False, 10]]
    by_operation, by_year = _rates_figure(model).axes
    assert "calendar year" in by_year.get_title() and "1 January" in by_year.get_ylabel()
    lines = {str(line.get_label()): line for line in by_year.lines}
    assert list(lines["simulated, whole years"].get_xdata()) == []  # 1933 is not whole
    assert [float(x) for x in lines["1933 so far (10 of 12 months)"].get_xdata()] == [1933]
    book = [line for label, line in lines.items() if label.startswith("book")]
    assert {float(x) for line in book for x in line.get_xdata()} == {1937, 1938}
    labels = [t.get_text().replace("\n", " ") for t in by_operation.get_xticklabels()]
    assert labels == list(ops.index)
    for _ in range(3):  # into 1934: 1933 is whole and drawn as such
        model.step()
    years = calendar_years(model).set_index("year")
    assert bool(years.loc[1933, "complete"]) and not bool(years.loc[1934, "complete"])

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path):
    port = _free_port()
    log = open(tmp_path / "app.log", "w")  # noqa: SIM115
    # as in a classroom without internet: the server's CDN proxy can reach nothing
    env = {**os.environ, "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/"}
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "app", "--port",
                             str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()  # SIGTERM to `purges app` alone, as a user's kill would send
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        server_left = _serving(url)
        _kill_group(proc.pid)  # whatever the app started goes with it, pass or fail
        proc.wait()
        log.close()
    assert not server_left, "SIGTERM to `purges app` left its server running"


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _shot(page, index: int) -> bytes:
    """A screenshot of the index-th plot, retried while the app is redrawing it."""
    from playwright.sync_api import Error

    for _ in range(20):
        try:
            return page.locator("img").nth(index).screenshot(timeout=10_000)
        except Error:  # redrawn (replaced in the DOM) while we looked
            page.wait_for_timeout(500)
    raise AssertionError(f"plot {index} never stopped redrawing")


def _browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def test_the_app_in_a_real_browser(app_url, tmp_path):
    if not _browser_available():
        if os.environ.get("PURGES_REQUIRE_BROWSER"):
            pytest.fail("Chromium or Playwright is missing (apt-get install chromium; "
                        "pip install playwright)")
        pytest.skip("Chromium or Playwright is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside, failed = [], []
        host = app_url.split("/")[2]

        def offline(route):  # the room has no internet: anything off the server fails
            if route.request.url.split("/")[2] != host:
                outside.append(route.request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", offline)
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(app_url, wait_until="networkidle", timeout=90_000)
        page.wait_for_selector("img", timeout=60_000)
        page.wait_for_timeout(2000)
        first = page.inner_text("body")
        title = page.title()
        rates_before = _shot(page, 0)
        who_before = _shot(page, 1)
        # change a control: the explanation; the page asks for RESET, then applies it
        page.get_by_text("center-periphery").first.click()
        page.get_by_role("option", name="totalitarian").click()
        page.get_by_text("Press RESET to apply").wait_for(timeout=10_000)
        page.get_by_role("button", name="RESET").click()
        page.get_by_text("Press RESET to apply").wait_for(state="detached", timeout=10_000)
        for _ in range(8):
            page.get_by_role("button", name="STEP").click()
            page.wait_for_timeout(300)
        page.get_by_text("1933-08").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        rates_after = _shot(page, 0)
        who_after = _shot(page, 1)
        shot = tmp_path / "app.png"
        page.screenshot(path=str(shot))
        body = page.inner_text("body")
        # play reaches the end of 1939 well within a minute
        started = time.monotonic()
        page.get_by_role("button", name="PLAY").click()
        page.get_by_text("1939-12").wait_for(timeout=60_000)
        played = time.monotonic() - started
        browser.close()
    assert title == "The party purges, 1933-1939"
    assert "Page 0" not in first  # no anonymous tab
    for developer_control in ("Play Interval", "Render Interval", "Use Threads"):
        assert developer_control not in first
    from model.params import Parameters

    shown = f"Protection of clients by their patrons: {Parameters().protection_strength:g}"
    assert shown in first  # values shown
    assert "chistka - purge" in first and "**" not in first  # the glossary, rendered
    assert "Exercise 1. Who protects whom" in first
    assert "Exercise 6. The center's pressure" in first
    assert rates_after != rates_before, "the expulsion curves did not change"
    assert who_after != who_before, "the who-is-expelled plot did not change"
    assert "totalitarian" in body and "chistka" in body
    assert shot.stat().st_size > 50_000
    assert not outside, f"the page asked the internet for {outside[:3]}"
    assert not failed, f"requests failed: {failed[:3]}"
    print(f"screenshot: {shot}; played 1933-08 to 1939-12 in {played:.0f} s")


def test_a_seed_that_is_not_a_number_gets_one_clear_line():
    from seminar.classroom import SeminarModel

    with pytest.raises(ValueError, match="the random seed must be a whole number, got 'x1'"):
        SeminarModel(rng="x1", n_members=200)
    assert SeminarModel(rng=" 7 ", n_members=200).controls["rng"] == "7"
