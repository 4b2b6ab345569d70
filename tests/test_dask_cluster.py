"""A sweep on a real Dask cluster survives a killed worker, with identical results.

A scheduler and two workers are started on localhost with the ``dask`` command; the
results must equal those of the same sweep run in one process.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli.main import main
from experiments.sweep import load_results
from tests.test_sweep import _runs, _start, _sweep_args, _wait_for_runs

DASK = Path(sys.executable).with_name("dask")


LOGS: list = []


def _spawn(*args: str, log: Path) -> subprocess.Popen:
    fh = open(log, "w")  # noqa: SIM115 - closed when the cluster is torn down
    LOGS.append(fh)
    return subprocess.Popen([str(DASK), *args], stdout=fh, stderr=subprocess.STDOUT)


@pytest.fixture
def cluster(tmp_path):
    if not DASK.exists() and not shutil.which("dask"):
        pytest.skip("the dask command is not installed")
    info = tmp_path / "scheduler.json"
    procs = [_spawn("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(info), log=tmp_path / "scheduler.log")]
    deadline = time.monotonic() + 60
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(info.read_text())["address"]
    workers = [_spawn("worker", address, "--nworkers", "1", "--nthreads", "1",
                      "--no-dashboard", "--no-nanny", "--name", f"w{i}",
                      log=tmp_path / f"worker{i}.log") for i in range(2)]
    procs += workers
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
    yield address, workers
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    while LOGS:
        LOGS.pop().close()


def test_a_sweep_survives_a_killed_worker_with_identical_results(cluster, tmp_path):
    address, workers = cluster
    assert main([*_sweep_args(tmp_path / "local", samples=20, n_members=4000), "--serial"]) == 0
    out = tmp_path / "cluster"
    proc = _start([*_sweep_args(out, samples=20, n_members=4000), "--scheduler", address])
    _wait_for_runs(out, 6, proc)
    # a task carries a batch of runs: wait until each worker has journaled one of its own
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and load_results(
            out, with_yearly=False)[0]["worker_pid"].nunique() < 2:
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep ended before the worker could be killed"
    workers[0].send_signal(signal.SIGKILL)  # a worker dies mid-sweep
    workers[0].wait()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    runs = _runs(out)
    assert len(runs) == 40 and (runs["status"] == "ok").all()
    pd.testing.assert_frame_equal(runs, _runs(tmp_path / "local"))
    # both workers did part of the work before one was killed
    pids = load_results(out, with_yearly=False)[0]["worker_pid"]
    assert pids.nunique() == 2
