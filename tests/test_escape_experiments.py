"""The book's experiments on x w²/2: each against an exact answer or the law it samples."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from numerics import escape_experiments
from theory import ziyin
from theory.errors import ParameterError
from verify.stats import bonferroni, mean_interval, proportion_interval

R = sp.Rational


def test_escape_curves_simulation_falls_in_the_exact_laws_interval():
    sampled = (3, 30, 300)
    curves = escape_experiments.escape_curves(ziyin.noise(sp.Integer(-1)), R(4, 5), R(1, 1000), (1, 3, 30, 300), sampled, 4000,
                                              np.random.SeedSequence(1))
    exact = dict(zip(curves.times.tolist(), curves.exact))
    level = bonferroni(len(sampled))
    for t, k in zip(curves.sampled, curves.escaped):
        interval = proportion_interval(int(k), curves.runs, level)
        assert interval.low <= exact[t] <= interval.high, (t, k, exact[t])
    assert curves.mu < 0  # λ = 4/5 lies in the trap interval at a = -1
    assert curves.exact[-1] < curves.exact[0]


def test_uniform_start_keeps_signs_and_bins_every_lattice_point():
    start = escape_experiments.uniform_start(ziyin.noise(sp.Integer(-1)), R(4, 5), 500, (5, 20), np.random.SeedSequence(2))
    assert np.array_equal(np.sign(start.w[20]), np.sign(start.w[0]))
    counts, _ = np.histogram(start.log_ratio, bins=start.edges)
    assert counts.sum() == 500 and np.all(counts[[0, -1]] > 0)
    # t = 20 draws of two log-factors: at most 21 lattice points, one bin each
    assert len(start.edges) - 1 <= 21
    logs = np.log([1 - 0.8, 1 + 1.6])  # x ∈ {1, -2} at λ = 4/5
    assert start.normal_mean == pytest.approx(20 * logs.mean())
    assert start.normal_sd == pytest.approx(np.sqrt(20) * logs.std())


def test_uniform_start_refuses_a_sign_changing_factor():
    with pytest.raises(ParameterError, match="lr"):
        escape_experiments.uniform_start(ziyin.noise(sp.Integer(-1)), R(3, 2), 10, (5,), np.random.SeedSequence(0))


def test_phase_diagram_is_trapped_inside_cor1_and_escapes_outside():
    a_grid, lr_grid = [Fraction(-1)], [Fraction(1, 10), Fraction(4, 5), Fraction(2)]
    escaped = escape_experiments.phase_diagram(a_grid, lr_grid, 200, 500, Fraction(1, 1000), np.random.SeedSequence(3))
    assert escaped.shape == (3, 1)
    interval = ziyin.trap_interval()
    ends = [float(end.subs(ziyin.a, -1)) for end in (interval.lower, interval.upper)]
    assert not ends[0] < 0.1 < ends[1] and ends[0] < 0.8 < ends[1] and not ends[0] < 2 < ends[1]
    assert escaped[1, 0] == 0 and escaped[0, 0] == 1 and escaped[2, 0] == 1


def test_log_growth_mean_is_the_escape_rate():
    law, lrs = ziyin.noise(R(-1, 2)), (0.3, 1.5)
    growth = escape_experiments.log_growth(law, lrs, 4000, 50, np.random.SeedSequence(4))
    for lr, sample in zip(lrs, growth):
        mu = float(np.mean([np.log(abs(1 - lr * v)) for v in (1, -1.5)]))
        interval = mean_interval(sample, bonferroni(len(lrs)))
        assert interval.low <= mu <= interval.high, (lr, mu, interval)
