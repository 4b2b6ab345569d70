"""The 1937 reorganization (issue 14, part 2): regions split, new committees, new staffs.

A campaign with a ``split_share`` splits that share of the regional committees in two in
its first month (rules.split_region; L1926, n. 69 at L3493): the new committee takes the
second half of the region's districts, a first secretary of its own and the district
secretaries as his clients. Both engines, against what the run reports.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.runner import result_of
from model import ArrayPurgeModel, PurgeModel, load_scenario
from model.base import committees
from model.census import NONE, REGIONAL_SECRETARY
from model.reporters import monthly_table
from model.variants import variant
from tests.conftest import run_until

ENGINES = {"arrays": ArrayPurgeModel, "agents": PurgeModel}
SCALE = 6000  # six regions of two or three districts


def scenario(share: float | None = None, **params):
    built = load_scenario().with_parameters(n_members=SCALE, **params)
    return built.with_overrides({"reorganization_1937.split_share": share}) if share is not None \
        else built


def membership(model) -> pd.DataFrame:
    return model.membership_table()


def secretary_rows(model) -> dict[int, int]:
    """Each region's first secretary now (region index -> member row), either engine."""
    if isinstance(model, PurgeModel):
        return {r.index: r.secretary.row for r in model.regions if r.secretary is not None}
    start = model.batch.block_start[0]
    return {g: int(s - start) for g, s in enumerate(model.batch.regional_secretary) if s != NONE}


def split_now(model):
    """Run ``model`` to the eve of the reorganization and make its split, nothing more."""
    run_until(model, "1937-08")
    active = model.begin_month()
    if isinstance(model, ArrayPurgeModel):
        model.batch.month = model.month
    model.reorganize(next(c for c in active if c.split_share > 0))
    return model


@pytest.mark.parametrize("engine", ENGINES)
def test_every_region_splits_at_a_share_of_one(engine):
    model = split_now(ENGINES[engine](scenario=scenario(1.0), rng=4))
    originals = [r for r in model.regions if not r.spec.parent]
    new = {r.spec.parent: r for r in model.regions if r.spec.parent}
    assert model.flows["regions_split"] == len(originals) == 6
    members = membership(model)
    secretaries = secretary_rows(model)
    for region in originals:
        made = new[region.name]
        assert made.live
        mine = np.flatnonzero(model.district_region == region.index)
        theirs = np.flatnonzero(model.district_region == made.index)
        # the new committee has the second half of the region's districts
        assert len(mine) >= 1 and len(theirs) >= 1 and mine.max() < theirs.min()
        assert abs(len(theirs) - len(mine)) <= 1
        assert set(members.loc[members["district"].isin(theirs), "region"]) == {made.index}
        # a first secretary of its own, from its own members, nobody's client
        s = secretaries[made.index]
        row = members.loc[members["row"] == s].iloc[0]
        assert row["region"] == made.index and row["office"] == REGIONAL_SECRETARY
        assert row["patron"] == NONE
        # the district secretaries are his clients now
        moved = members[members["district"].isin(theirs) & (members["office"] == 3)
                        & (members["state"] <= 1)]
        assert len(moved) and (moved["patron"] == s).all()
    events = [e for e in model.secretary_events if e[0] == model.month]
    assert sorted(e[1] for e in events if e[3] == "appointed") == sorted(r.index for r in
                                                                        new.values())


@pytest.mark.parametrize("engine", ENGINES)
def test_before_the_split_a_run_is_what_it_is_without_a_reorganization(engine):
    with_split = run_until(ENGINES[engine](scenario=scenario(0.83), rng=9), "1939-12")
    without = run_until(ENGINES[engine](scenario=scenario(0.0), rng=9), "1939-12")
    a, b = monthly_table(with_split), monthly_table(without)
    before = a["month"] < "1937-09"
    pd.testing.assert_frame_equal(a[before], b[before])
    assert a["regions_split"].sum() > 0 and b["regions_split"].sum() == 0
    assert not a[~before].equals(b[~before])  # and the split changes what follows


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), share=st.sampled_from([0.3, 0.83, 1.0]))
def test_a_split_keeps_every_member_and_organization_in_one_region(seed, share):
    model = ArrayPurgeModel(scenario=scenario(share), rng=seed)
    before = None
    while not model.finished:
        model.step()
        if model.month_label == "1937-08":
            before = membership(model)
        if model.month_label == "1937-09":
            after, batch = membership(model), model.batch
            live = [g for g, r in enumerate(model.regions) if r.live]
            ranges = sorted((batch.region_ppo_lo[g], batch.region_ppo_hi[g]) for g in live)
            assert ranges[0][0] == 0 and ranges[-1][1] == batch.n_ppos
            assert all(hi == lo for (_, hi), (lo, _) in zip(ranges, ranges[1:], strict=False))
            assert all(lo < hi for lo, hi in ranges)
            assert (batch.ppo_region == batch.district_region[batch.ppo_district]).all()
            assert len(after) >= len(before)  # nobody lost (recruits may come)
            split = monthly_table(model)["regions_split"].sum()
            assert split == len(live) - 6 and split <= 6
    check = result_of(model, seed).districts
    assert (check.groupby("year").size() == len(model.district_region)).all()


def test_a_new_committees_circle_is_new_and_no_stronger_than_its_parents():
    built = scenario(0.83)
    made = committees(built, built.parameters)
    assert len(made) == 2 * len(built.regions)
    for parent, new in zip(made[:6], made[6:], strict=True):
        assert new.parent == parent.name and new.weight == 0.0
        assert new.machine == min(parent.machine, built.parameters.new_committee_machine)
        assert (new.obstruction, new.formalism) == (parent.obstruction, parent.formalism)
    assert variant("totalitarian").regions["machine"] == 0.0  # a variant without machines
    obedient = built.with_variant("totalitarian")
    assert {r.machine for r in committees(obedient, obedient.parameters)} == {0.0}
    assert committees(scenario(0.0), built.parameters) == scenario(0.0).regions
