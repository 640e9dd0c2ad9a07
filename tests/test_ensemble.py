"""The generic ensemble engine: events instead of NaN, snapshots, input checks."""

import numpy as np
import pytest

import numerics.ensemble as ensemble
from theory.errors import ParameterError


def test_iterate_records_divergence_as_an_event():
    def double(state, rng, t):
        return 2 * state

    result = ensemble.iterate(double, lambda rng, n: np.ones((n, 1)), runs=5, steps=40, seed=np.random.SeedSequence(0),
                              bound=1000.0)
    assert (result.escaped_at == 10).all()
    assert np.isfinite(result.state).all() and (result.state == 512).all()


def test_iterate_snapshots_and_overflow():
    def explode(state, rng, t):
        return state * 1e200

    result = ensemble.iterate(explode, lambda rng, n: np.ones((n, 2)), runs=3, steps=5, seed=np.random.SeedSequence(0),
                              snapshot_at=(0, 1))
    assert (result.escaped_at == 1).all() and np.isfinite(result.state).all()
    assert set(result.snapshots) == {0, 1}


def test_bad_counts():
    with pytest.raises(ParameterError) as error:
        ensemble.iterate(lambda s, r, t: s, lambda rng, n: np.zeros((n, 1)), runs=0, steps=3,
                         seed=np.random.SeedSequence(0))
    assert error.value.parameter == "runs"


def test_blocks_spawn_lazily_the_same_children(monkeypatch):
    """Seed children spawned a few at a time are the children spawned all at once."""
    runs = 9 * ensemble.BLOCK_RUNS + 5
    all_at_once = [rng.integers(1 << 62) for _, _, rng in ensemble.blocks(runs, np.random.SeedSequence(4))]
    monkeypatch.setattr(ensemble, "SPAWN_GROUP", 2)
    in_groups = [rng.integers(1 << 62) for _, _, rng in ensemble.blocks(runs, np.random.SeedSequence(4))]
    assert all_at_once == in_groups and len(in_groups) == 10


def test_runs_beyond_one_ensemble_are_refused():
    with pytest.raises(ParameterError) as error:
        ensemble.check_runs(ensemble.MAX_RUNS + 1)
    assert error.value.parameter == "runs"
