"""Kleinberg et al. §5 on small networks: one-point convexity along SGD (Fig. 5), the 'slope' across
branches (§5.3) and restarts at a smaller step (Fig. 6)."""

import json

import numpy as np

from claim_helpers import evidence, verdict_tests
from verify.claims.kleinberg import _trajectories as tj

EXPECTED = {
    "kleinberg.fig5": ("confirmed", ("confirmed", "confirmed", "confirmed")),
    "kleinberg.slope": ("confirmed", ("confirmed",)),
    "kleinberg.fig6": ("confirmed", ("confirmed", "confirmed", "confirmed")),
}

results, test_verdicts = verdict_tests(EXPECTED)


def test_the_printed_schedule_and_the_epoch_structure():
    assert tj.schedule(300)[149] == 0.1 and tj.schedule(300)[150] == 0.01 and tj.schedule(300)[225] == 0.001
    assert tj.STEPS_PER_EPOCH * tj.BATCH == tj.SETUP.samples


def test_the_ball_is_uniform_in_radius():
    rng = np.random.default_rng(0)
    points = tj.ball(np.zeros(50), 0.5, 4000, rng)
    radii = np.linalg.norm(points, axis=1)
    assert radii.max() <= 0.5 and abs(np.mean(radii**50) - 0.5**50 / 2) < 0.1 * 0.5**50  # r^d ~ U[0, r^d]


def test_counts_and_margins(results):
    fig5 = evidence(results, "kleinberg.fig5", "Fig. 5a").finding
    assert fig5.observed["epochs with the printed sign"] == fig5.observed["epochs"] > 40
    steps = evidence(results, "kleinberg.fig5", "Fig. 5c").finding
    assert 0 < steps.observed["largest step length"] < 0.5
    slope = evidence(results, "kleinberg.slope", "§5.3").finding
    assert slope.observed["interval"][1] <= 0.001 and slope.data["inner products"] > 10_000
    restart = evidence(results, "kleinberg.fig6", "Later restart epochs give local minima with lower").finding
    assert restart.observed["Kendall τ"] < -0.5 and restart.observed["p-value"] < 0.001


def test_data_is_compact_and_summaries_state_the_scale(results):
    for claim_id in EXPECTED:
        for found in results[claim_id].evidence:
            assert len(json.dumps(found.finding.data, default=float)) < 50_000
            assert f"d = {tj.SETUP.size}" in found.finding.summary or "epochs" in found.finding.summary
