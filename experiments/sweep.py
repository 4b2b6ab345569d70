"""Parameter sweeps: designs, run identities, resumable storage and Dask execution.

A sweep is a design (points in the space of some factors: model parameters such as
``protection_strength`` or campaign fields such as ``chistka.intensity``) times a number
of replicates (seeds). Each run is identified by a stable hash of its parameters, seed,
scenario and code version, so a sweep started again in the same folder skips the runs it
has already finished.

Storage (folder ``OUT``), readable with pandas (``pd.read_parquet(OUT / "runs")``) or
DuckDB (``SELECT * FROM 'OUT/runs/*.parquet'``):

* ``design.parquet`` - the points (``point_id`` and one column per factor);
* ``tasks.parquet`` - which run (``run_id``) is replicate r of point p; a design may
  visit the same point twice (Morris trajectories do), and such runs are run once;
* ``runs/part-*.parquet`` - one row per run: identity, factor values, seed, status
  (``ok`` or ``error`` with the error), wall time and summary metrics
  (:func:`experiments.metrics.summarize`);
* ``yearly/part-*.parquet`` - the yearly series of every run (tidy: run and year);
* ``journal.jsonl`` - runs finished since the last part was written; every finished run
  is appended and flushed to disk at once, so a sweep killed at any moment loses only
  the batches of runs in flight. Parts are written to a temporary file and renamed (atomic).
* ``manifest.json`` - the design, factors, scenario, code and package versions
  (:func:`prepare`, :mod:`experiments.manifest`).

Execution is on Dask: a local cluster with one single-threaded worker process per core
by default, or an existing cluster (``scheduler="tcp://host:8786"``); ``serial=True``
runs in this process. A Dask task carries a batch of runs (up to
:data:`experiments.runner.BATCH_RUNS`; the replicates of a point are simulated together,
:func:`execute_batch`), each journaled when its batch returns: a sweep killed mid-batch
loses at most the batches in flight. Tasks lost with a worker are re-run by Dask
elsewhere; every run is deterministic given its seed, alone or in a batch, so where and
with whom it ran does not change its result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

import experiments.manifest as manifest
import experiments.runner as runner
from experiments.metrics import summarize, yearly_record
from experiments.runner import build_scenario
from model import engine_class
from model.params import Parameters
from model.scenario import ScenarioError, campaign_override_range

DESIGNS = ("grid", "lhs", "sobol", "morris")
COMPACT_EVERY = 200  # runs per parquet part
# Dask's setting of the environment its local workers start with that slows runs (dask_client)
UNSET_MALLOC_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


class SweepError(ValueError):
    """A problem with a sweep's definition or its output folder (one line)."""


@dataclass(frozen=True)
class Factor:
    """One swept input: a parameter or ``campaign.field``, over [low, high] or a value list."""

    name: str
    low: float
    high: float
    values: tuple[float, ...] = ()
    integer: bool = False


def parse_factor(text: str) -> Factor:
    """``"protection_strength=0:1"``, ``"chistka.intensity=0.8:1.4"``, ``"cascade=2,4,8"``."""
    if "=" not in text:
        raise SweepError(f"--factor expects NAME=LOW:HIGH or NAME=V1,V2,..., got {text!r}")
    name, spec = (part.strip() for part in text.split("=", 1))
    try:
        if ":" in spec:
            low, high = (float(x) for x in spec.split(":"))
            values: tuple[float, ...] = ()
        else:
            values = tuple(float(x) for x in spec.split(","))
            low, high = min(values), max(values)
    except ValueError:
        raise SweepError(f"--factor {name}: cannot read {spec!r} "
                         "(use LOW:HIGH or V1,V2,...)") from None
    if not all(math.isfinite(v) for v in (low, high, *values)):
        raise SweepError(f"--factor {name}: {spec!r} is not a finite range (no nan or inf)")
    if low > high:
        raise SweepError(f"--factor {name}: low {low} is above high {high}")
    return check_factor(Factor(name, low, high, values))


def check_factor(factor: Factor) -> Factor:
    """Validate a factor's name and range against the model (one-line errors)."""
    fields = {f.name: f for f in dataclasses.fields(Parameters)}
    if "." in factor.name:  # campaign.field or campaign.targets.ground
        try:
            lo, hi = campaign_override_range(factor.name)
        except ScenarioError as err:
            raise SweepError(f"factor {factor.name}: {err}") from None
        integer = False
    elif factor.name in fields:
        f = fields[factor.name]
        if not isinstance(f.default, (int, float)) or isinstance(f.default, bool):
            raise SweepError(f"factor {factor.name}: only scalar parameters can be swept")
        lo, hi = f.metadata["range"]
        integer = isinstance(f.default, int)
    else:
        import difflib

        hint = difflib.get_close_matches(factor.name, list(fields), n=1)
        raise SweepError(f"factor {factor.name}: unknown parameter"
                         + (f" (did you mean '{hint[0]}'?)" if hint else ""))
    if factor.low < lo or factor.high > hi:
        raise SweepError(f"factor {factor.name}: range [{factor.low}, {factor.high}] is outside "
                         f"the allowed [{lo}, {hi}]")
    return dataclasses.replace(factor, integer=integer)


def check_corners(scenario, factors: list[Factor]) -> None:
    """Every corner of the factors' ranges must make a valid scenario (one-line errors)."""
    for f in factors:
        scenario.with_overrides({f.name: f.low}).with_overrides({f.name: f.high})


def salib_problem(factors: list[Factor]) -> dict[str, Any]:
    """The SALib problem definition of continuous factors."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def make_design(factors: list[Factor], design: str, samples: int, levels: int = 3,
                seed: int = 0) -> pd.DataFrame:
    """Points of the design: ``point_id`` and one column per factor.

    ``grid``: every combination of each factor's values (or ``levels`` evenly spaced
    values over [low, high]). ``lhs``: ``samples`` Latin-hypercube points (SALib).
    ``sobol``: Saltelli's scheme for first- and total-order Sobol indices, ``samples``
    base points, ``samples * (k + 2)`` points (SALib). ``morris``: ``samples``
    trajectories of ``k + 1`` points (SALib).
    """
    if not factors:
        raise SweepError("a sweep needs at least one --factor")
    if design not in DESIGNS:
        raise SweepError(f"unknown design {design!r}; choose one of {', '.join(DESIGNS)}")
    if samples < 1 or levels < 2:
        raise SweepError("--samples must be at least 1 and --levels at least 2")
    problem = salib_problem(factors)
    if design == "grid":
        axes = [f.values or tuple(np.linspace(f.low, f.high, levels)) for f in factors]
        points = np.array(list(itertools.product(*axes)), dtype=float)
    elif design == "lhs":
        from SALib.sample import latin

        points = latin.sample(problem, samples, seed=seed)
    elif design == "sobol":
        from SALib.sample import sobol

        if samples & (samples - 1):
            raise SweepError(f"--samples for a Sobol design must be a power of 2, got {samples}")
        points = sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris

        points = morris.sample(problem, samples, num_levels=4, seed=seed)
    frame = pd.DataFrame(points, columns=[f.name for f in factors])
    for f in factors:
        if f.integer:
            frame[f.name] = frame[f.name].round().astype(int)
    frame.insert(0, "point_id", np.arange(len(frame)))
    return frame


def run_id(overrides: dict[str, Any], seed: int, scenario_sha: str, code: str,
           engine: str) -> str:
    """Stable identity of one run: hash of parameters, seed, scenario, code and engine."""
    text = json.dumps({"overrides": {k: _plain(v) for k, v in sorted(overrides.items())},
                       "seed": int(seed), "scenario": scenario_sha, "code": code,
                       "engine": engine}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return value


@dataclass(frozen=True)
class Task:
    """One run of a sweep: everything a worker needs, nothing else."""

    run_id: str
    point_id: int
    replicate: int
    seed: int
    overrides: dict[str, Any]
    scenario_path: str | None
    engine: str


def make_tasks(design: pd.DataFrame, replicates: int, first_seed: int, fixed: dict[str, Any],
               scenario_path: str | None, scenario_sha: str, code: str,
               engine: str) -> list[Task]:
    """Every (point, replicate) of the design; replicate r of every point uses the same seed.

    Common random numbers: the same seeds at every point make differences between points
    due to the factors, not to the draws (useful for sensitivity analysis).
    """
    tasks = []
    factor_names = [c for c in design.columns if c != "point_id"]
    for row in design.to_dict(orient="records"):
        point = {name: _plain(row[name]) for name in factor_names}
        overrides = {**fixed, **point}
        for r in range(replicates):
            seed = first_seed + r
            tasks.append(Task(run_id(overrides, seed, scenario_sha, code, engine),
                              int(row["point_id"]), r, seed, overrides, scenario_path, engine))
    return tasks


def execute_task(task: Task) -> dict[str, Any]:
    """Run one task (on a worker); never raises: a failure is a record with its error."""
    return execute_batch([task])[0]


def execute_batch(tasks: list[Task]) -> list[dict[str, Any]]:
    """Run a batch of tasks (one Dask task); never raises: a failure is a record.

    The runs of a batch are simulated together (:func:`experiments.runner.simulate_runs`:
    replicates and design points alike, each as it would run alone); if that fails, each
    runs alone, so a failure is one run's.
    """
    out: list[dict[str, Any]] = []
    first = 0
    while first < len(tasks):  # runs of one engine together
        last = first + 1
        while last < len(tasks) and tasks[last].engine == tasks[first].engine:
            last += 1
        out.extend(_execute_together(tasks[first:last]))
        first = last
    return out


def _execute_together(tasks: list[Task]) -> list[dict[str, Any]]:
    """The runs of ``tasks`` together; if that fails, each alone (a failure is one run's)."""
    start = time.perf_counter()
    try:
        files = {path: build_scenario(path) for path in {t.scenario_path for t in tasks}}
        scenarios = [files[t.scenario_path].with_overrides(t.overrides) if t.overrides
                     else files[t.scenario_path] for t in tasks]  # each file read once
        models = runner.simulate_runs(scenarios, [t.seed for t in tasks], tasks[0].engine)
        results = [runner.result_of(model, task.seed)
                   for task, model in zip(tasks, models, strict=True)]
        done = [_record(task, {"status": "ok", "error": "", **summarize(result)},
                        yearly_record(result))
                for task, result in zip(tasks, results, strict=True)]
    except Exception:  # noqa: BLE001 - find the run that fails, keep the others
        if len(tasks) == 1:
            return [_failed(tasks[0], start)]
        return [out for task in tasks for out in _execute_together([task])]
    wall = (time.perf_counter() - start) / len(tasks)  # the runs ran together
    for out in done:
        out["run"]["wall_s"] = wall
    return done


def _record(task: Task, summary: dict[str, Any], yearly: dict[str, Any]) -> dict[str, Any]:
    run = {"run_id": task.run_id, "point_id": task.point_id, "replicate": task.replicate,
           "seed": task.seed, "engine": task.engine,
           **{f"x_{k}": v for k, v in task.overrides.items()}, **summary,
           "wall_s": 0.0, "worker_pid": os.getpid()}
    return {"run": run, "yearly": yearly}


def _failed(task: Task, start: float) -> dict[str, Any]:
    """The record of a run that raised (the exception being handled)."""
    err = sys.exc_info()[1]
    last = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    where = f" ({Path(last.filename).name}:{last.lineno})" if last else ""
    out = _record(task, {"status": "error", "error": f"{type(err).__name__}: {err}{where}"}, {})
    out["run"]["wall_s"] = time.perf_counter() - start
    return out


class Store:
    """The output folder of a sweep: journal, parquet parts, and what is already done."""

    def __init__(self, out: Path):
        """Open (and create) ``out``; recover runs journaled by an interrupted sweep."""
        self.out = out
        (out / "runs").mkdir(parents=True, exist_ok=True)
        (out / "yearly").mkdir(exist_ok=True)
        self.journal_path = out / "journal.jsonl"
        self._journal = None
        self._pending = 0
        runs, _ = load_results(out, with_yearly=False)
        self.done: set[str] = set(runs["run_id"]) if len(runs) else set()
        self.failed: set[str] = set(runs.loc[runs["status"] == "error", "run_id"]) if len(
            runs) else set()

    def add(self, result: dict[str, Any]) -> None:
        """Journal one finished run (flushed and fsynced before returning)."""
        if self._journal is None:
            self._journal = open(self.journal_path, "a", encoding="utf-8")  # noqa: SIM115
        self._journal.write(json.dumps(result, default=_plain, allow_nan=True) + "\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self.done.add(result["run"]["run_id"])
        self._pending += 1
        if self._pending >= COMPACT_EVERY:
            self.compact()

    def compact(self) -> None:
        """Move the journal into parquet parts (atomic renames), then empty it."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        runs, yearly = _read_journal(self.journal_path)
        if len(runs):
            stamp = f"{time.time_ns():x}"
            _write_atomic(runs, self.out / "runs" / f"part-{stamp}.parquet")
            if len(yearly):
                _write_atomic(yearly, self.out / "yearly" / f"part-{stamp}.parquet")
        tmp = self.journal_path.with_suffix(".tmp")
        tmp.write_text("")
        os.replace(tmp, self.journal_path)
        self._pending = 0

    def close(self) -> None:
        """Compact what is left (called on success and on Ctrl-C)."""
        self.compact()


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_journal(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    runs, yearly = [], {"run_id": []}  # the yearly series: one list per column
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue  # the last line of a sweep killed while writing it
            runs.append(item["run"])
            series = item["yearly"]
            if series:
                length = len(next(iter(series.values())))
                for column in (c for c in series if c not in yearly):  # first seen here
                    yearly[column] = [None] * len(yearly["run_id"])
                for column, values in yearly.items():
                    values.extend([item["run"]["run_id"]] * length if column == "run_id"
                                  else series.get(column, [None] * length))
    return (pd.DataFrame(runs),
            pd.DataFrame(yearly) if yearly["run_id"] else pd.DataFrame())


def load_results(out: str | Path, with_yearly: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All runs of a sweep folder (parts and journal), one row per run id."""
    out = Path(out)
    frames = [pd.read_parquet(p) for p in sorted((out / "runs").glob("part-*.parquet"))]
    journal_runs, journal_yearly = _read_journal(out / "journal.jsonl")
    frames.append(journal_runs)
    frames = [f for f in frames if len(f)]
    runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["run_id", "status"])
    runs = runs.drop_duplicates("run_id", keep="last").reset_index(drop=True)
    yearly = pd.DataFrame()
    if with_yearly:
        parts = [pd.read_parquet(p) for p in sorted((out / "yearly").glob("part-*.parquet"))]
        parts.append(journal_yearly)
        parts = [p for p in parts if len(p)]
        if parts:
            yearly = pd.concat(parts, ignore_index=True).drop_duplicates(
                ["run_id", "year"], keep="last").reset_index(drop=True)
    return runs, yearly


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: to ``scheduler`` if given, else to a new local cluster."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="20s") as client:
            try:
                yield client
            except BaseException:
                _quiet_dask()
                raise
        return
    import dask

    n = workers or os.cpu_count() or 1
    # Workers log only critical messages: a failing run is already a record with its error
    # (execute_task), and a worker whose scheduler went away first on Ctrl-C would print
    # "Failed to communicate with scheduler during heartbeat" with a traceback (ERROR).
    # Dask starts its workers with glibc's MALLOC_TRIM_THRESHOLD_ set (to hand memory back
    # to the system); that also fixes glibc's threshold for allocating with mmap, so every
    # array of a batch's size (half a megabyte) is mapped and unmapped afresh: runs took
    # 38 % longer in a worker than in a process (benchmarks/bench_sweep.py, December 6,
    # 2026). A local cluster's workers keep glibc's defaults.
    with dask.config.set({UNSET_MALLOC_TRIM: None}), \
            LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                         dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        try:
            yield client
        except BaseException:  # Ctrl-C: tear down without Dask's shutdown tracebacks
            _quiet_dask()
            raise


def _quiet_dask() -> None:
    """Silence the loggers that print tracebacks while a cluster is torn down mid-work."""
    import logging

    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def run_tasks(tasks: list[Task], store: Store, *, serial: bool = False,
              scheduler: str | None = None, workers: int | None = None,
              retry_failed: bool = False, progress: bool = True) -> dict[str, int]:
    """Run the tasks not yet in ``store``; returns counts of done, run and failed runs."""
    skip = store.done - (store.failed if retry_failed else set())
    unique = list({t.run_id: t for t in tasks}.values())  # a design may repeat a point
    todo = [t for t in unique if t.run_id not in skip]
    counts = {"total": len(unique), "already_done": len(unique) - len(todo), "run": 0,
              "failed": 0}
    bar = tqdm(total=len(unique), initial=counts["already_done"], desc="sweep", unit="run",
               disable=not progress, smoothing=0.05)
    try:
        for result in _results(todo, serial, scheduler, workers):
            store.add(result)
            counts["run"] += 1
            counts["failed"] += result["run"]["status"] != "ok"
            bar.update()
    finally:
        bar.close()
        store.close()
    return counts


def _results(todo: list[Task], serial: bool, scheduler: str | None,
             workers: int | None) -> Iterable[dict[str, Any]]:
    if not todo:
        return
    # a task carries a batch of runs (a Dask task costs ~50 ms); on Dask small enough that
    # every worker gets several; killed mid-batch, a sweep loses at most the batches in flight
    size = runner.BATCH_RUNS if serial else max(1, min(
        runner.BATCH_RUNS, len(todo) // (4 * (workers or os.cpu_count() or 1))))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    if serial:
        for batch in batches:
            yield from execute_batch(batch)
        return
    from distributed import as_completed

    with dask_client(scheduler, workers) as client, _interrupt_flag() as interrupted:
        futures = [client.submit(execute_batch, b, key=f"runs-{b[0].run_id}-{len(b)}",
                                 pure=False) for b in batches]
        try:
            pending = as_completed(futures)
            while not pending.is_empty():
                if interrupted.is_set():
                    raise KeyboardInterrupt
                if not pending.has_ready():
                    time.sleep(0.05)
                    continue
                for future in pending.next_batch(block=False):
                    try:
                        results = future.result()
                    except Exception:
                        if interrupted.is_set():  # a worker stopped by the same Ctrl-C
                            raise KeyboardInterrupt from None
                        raise
                    if interrupted.is_set():
                        raise KeyboardInterrupt
                    yield from results
                    future.release()
        finally:
            for f in futures:
                f.cancel()


@contextlib.contextmanager
def _interrupt_flag() -> Iterator[threading.Event]:
    """Ctrl-C sets a flag that the result loop checks between runs.

    A KeyboardInterrupt raised wherever the main thread happens to be waiting inside
    Dask's client can be swallowed there, and the sweep then runs to its end; the flag is
    read by our own loop, between two journaled runs, so Ctrl-C always stops the sweep
    with every finished run saved. (Only the main thread may set a signal handler; from
    another thread the default behaviour is kept.)
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def tasks_frame(tasks: list[Task]) -> pd.DataFrame:
    """The (point, replicate) -> run mapping of a sweep."""
    return pd.DataFrame({"point_id": [t.point_id for t in tasks],
                         "replicate": [t.replicate for t in tasks],
                         "seed": [t.seed for t in tasks], "run_id": [t.run_id for t in tasks]})


def write_manifest(out: Path, record: dict[str, Any]) -> None:
    """Write (or check against) the sweep's manifest: a folder holds one sweep only."""
    path = out / "manifest.json"
    if path.exists():
        old = json.loads(path.read_text())
        if old.get("sweep_sha") != record["sweep_sha"]:
            raise SweepError(f"{out} holds a different sweep (design, factors, seeds, scenario "
                             "or code differ); use another --out folder")
        record = {**record, "started_utc": old.get("started_utc"),
                  "resumed": old.get("resumed", 0) + 1}
    manifest.write(out, record)


def prepare(out: str | Path, factors: list[Factor | str], design: str = "lhs", *,
            samples: int = 16, levels: int = 3, design_seed: int = 0, replicates: int = 2,
            first_seed: int = 1, scenario: str | None = None, fixed: dict | None = None,
            engine: str = "auto", tool: str = "purges sweep") -> tuple[Path, list[Task], dict]:
    """Validate a sweep, write its manifest, design and tasks; returns (out, tasks, manifest).

    A folder that holds the same sweep is resumed (:func:`run_tasks` skips the finished
    runs); one that holds another sweep is refused.
    """
    factors = [f if isinstance(f, Factor) else parse_factor(f) for f in factors]
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise SweepError("a factor is given twice")
    if replicates < 1:
        raise SweepError(f"--replicates must be at least 1, got {replicates}")
    fixed = dict(fixed or {})
    clash = set(fixed) & set(names)
    if clash:
        raise SweepError(f"{', '.join(sorted(clash))} is both --set and --factor")
    built = build_scenario(scenario, None, fixed)
    check_corners(built, factors)
    points = make_design(factors, design, samples, levels, design_seed)
    n_members = built.parameters.n_members
    if "n_members" in names:
        n_members = int(points["n_members"].max())
    engine = engine_class(engine, n_members).engine
    path, sha = scenario_digest(scenario)
    version = manifest.code_version()
    code = (f"{version.get('git_commit')}{'+dirty' if version.get('git_dirty') else ''}"
            if version.get("git_commit") else f"purges-{version.get('package')}")
    tasks = make_tasks(points, replicates, first_seed, fixed, path, sha, code, engine)
    spec = {"design": design, "factors": [f.__dict__ for f in factors],
            "samples": samples, "levels": levels, "design_seed": design_seed,
            "replicates": replicates, "first_seed": first_seed, "fixed": fixed,
            "scenario_sha256": sha, "code": code, "engine": engine}
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SweepError(f"cannot create output folder {out}: {err.strerror}") from None
    record = manifest.build(
        tool, started=manifest.now(), finished=False, packages=manifest.SWEEP_PACKAGES,
        version=version, **spec, sweep_sha=sweep_sha(spec), salib_problem=salib_problem(factors),
        scenario={"file": path or "packaged historical.toml", "sha256": sha},
        n_points=len(points), n_runs=len(tasks))
    write_manifest(out, record)
    for name, frame in (("design", points), ("tasks", tasks_frame(tasks))):
        tmp = out / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, out / f"{name}.parquet")
    return out, tasks, record


def sweep_sha(spec: dict[str, Any]) -> str:
    """Hash of what defines a sweep (so a folder cannot mix two)."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def scenario_digest(path: str | None) -> tuple[str, str]:
    """(path or None for the packaged scenario, sha256 of its text)."""
    from model.scenario import default_scenario_path

    source = Path(path) if path else default_scenario_path()
    try:
        text = source.read_bytes()
    except OSError as err:
        raise ScenarioError(f"{source}: {err.strerror}") from None
    return (str(source) if path else None), hashlib.sha256(text).hexdigest()
