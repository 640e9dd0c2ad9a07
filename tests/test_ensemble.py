"""The ensemble engines: reproducible, chunk-independent, events instead of NaN, right in law."""

import numpy as np
import pytest
import sympy as sp

import numerics.ensemble as ensemble
from numerics.exact_law import EscapeQuestion, escape_probability
from theory.errors import ParameterError
from theory.noise import FiniteNoise, GaussianNoise
from verify.stats import proportion_interval

R = sp.Rational
TWO_POINT = FiniteNoise.of([1, -2], [R(1, 2), R(1, 2)])


def test_same_seed_same_numbers_and_chunking_does_not_matter(monkeypatch):
    first = ensemble.multiplicative_log_abs_w(TWO_POINT, 0.8, 3000, 50, np.random.SeedSequence(7), record=(10, 50))
    monkeypatch.setattr(ensemble, "MAX_DRAWS_IN_MEMORY", 777)
    second = ensemble.multiplicative_log_abs_w(TWO_POINT, 0.8, 3000, 50, np.random.SeedSequence(7), record=(10, 50))
    assert np.array_equal(first, second)
    other = ensemble.multiplicative_log_abs_w(TWO_POINT, 0.8, 3000, 50, np.random.SeedSequence(8), record=(10, 50))
    assert not np.array_equal(first, other)


def test_gaussian_chunking_does_not_matter(monkeypatch):
    law = GaussianNoise(R(-1, 10), sp.Integer(2))
    first = ensemble.multiplicative_log_abs_w(law, 0.3, 500, 40, np.random.SeedSequence(1))
    monkeypatch.setattr(ensemble, "MAX_DRAWS_IN_MEMORY", 999)
    assert np.array_equal(first, ensemble.multiplicative_log_abs_w(law, 0.3, 500, 40, np.random.SeedSequence(1)))


def test_escape_fraction_matches_the_exact_law():
    runs, steps = 200000, 60
    log_w = ensemble.multiplicative_log_abs_w(TWO_POINT, 0.8, runs, steps, np.random.SeedSequence(3))[0]
    k = int(np.count_nonzero(log_w > np.log(1e-3)))
    exact = escape_probability(EscapeQuestion(TWO_POINT, R(4, 5), steps, R(1, 1000)), 20)
    assert float(exact) in proportion_interval(k, runs, 0.999)


def test_a_zero_factor_is_minus_infinity_not_nan():
    log_w = ensemble.multiplicative_log_abs_w(TWO_POINT, 1.0, 1000, 5, np.random.SeedSequence(0))[0]
    assert not np.isnan(log_w).any()
    assert np.isneginf(log_w).mean() == pytest.approx(1 - 2.0**-5, abs=0.05)


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


@pytest.mark.parametrize("kwargs, parameter", [({"runs": 0}, "runs"), ({"steps": -1}, "steps"), ({"lr": -0.1}, "lr")])
def test_bad_input(kwargs, parameter):
    arguments = {"noise": TWO_POINT, "lr": 0.5, "runs": 10, "steps": 5, "seed": np.random.SeedSequence(0), **kwargs}
    with pytest.raises(ParameterError) as error:
        ensemble.multiplicative_log_abs_w(**arguments)
    assert error.value.parameter == parameter
