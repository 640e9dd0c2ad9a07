r"""Patel (arXiv 1709.04718v2) §2, Thm 2.1 and Fig. 3: gradient descent on a quadratic.

f(θ) = ½(θ - θ*)'Q(θ - θ*), θ_(k+1) = θ_k - C∇f: converges if C < 2/λmax(Q), diverges if
C > 2/λmin(Q), exponentially at rate max_i |1 - Cλ_i|; example f = x², C = 1.1, x_0 = -1.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from numerics import patel as npatel
from theory import patel

from ...claim import Claim, Finding, Verdict, scale, simulation, symbolic
from ...display import tex
from ...papers import PATEL
from ...symbolic import is_zero
from ._common import C, R, lam, seed_data

# --- printed ----------------------------------------------------------------------------------
PRINTED_GD_NUMERATOR = sp.Integer(2)  # "C < 2/λmax(Q)", "C > 2/λmin(Q)"
PRINTED_EXAMPLE = (sp.Integer(-1), R(6, 5), R(-36, 25))  # §2: x0 = -1, x1 = 1.2, x2 = -1.44
PRINTED_EXAMPLE_RATE = R(6, 5)  # "an exponential rate of |1 - 2C| = 1.2"


def printed_gd_bounds(eigenvalues):
    """Thm 2.1: converges if C < 2/λmax(Q), diverges if C > 2/λmin(Q)."""
    return PRINTED_GD_NUMERATOR / max(eigenvalues), PRINTED_GD_NUMERATOR / min(eigenvalues)


# --- experiment -------------------------------------------------------------------------------
EXAMPLE_STEP, EXAMPLE_START = R(11, 10), -1
SIM_MARGINS = (0.98, 1.02)  # step sizes 0.98·(converge bound), 1.02·(diverge bound)


def separated_spd(rng, steps_of) -> np.ndarray:
    """A random Q = GG' + I whose two largest |1 - Cλ_i| differ by ≥ 5% at both step sizes, so that
    the dominant mode takes over within the fit window."""
    while True:
        G = rng.integers(-3, 4, (3, 3))
        Q = G @ G.T + np.eye(3)
        eig = np.linalg.eigvalsh(Q)
        factors = [np.sort(np.abs(1 - step * eig))[::-1] for step in steps_of(eig)]
        if all(f[1] < 0.95 * f[0] for f in factors):
            return Q


def experiment(Q, steps, runs: int, seed) -> list[dict]:
    """GD runs from the unit sphere on Q at each step size: predicted rate ln max|1 - Cλ|, median
    fitted rate of ln‖θ_N - θ*‖ over the second half of N ≤ min(120, 200/|ln r|), distances."""
    eig = np.linalg.eigvalsh(Q)
    rows = []
    for step, child in zip(steps, np.random.SeedSequence(seed).spawn(len(steps)) if isinstance(seed, int) else seed):
        predicted = math.log(np.max(np.abs(1 - step * eig)))
        count = int(min(120, 200 / abs(predicted)))
        distances = npatel.gd_quadratic_distances(Q, step, runs, count, child)
        fit = npatel.growth_rates(distances, first=count // 2)
        rows.append({"step": step, "predicted_rate": predicted, "median_fitted_rate": float(np.median(fit.slopes)),
                     "fitted": len(fit.slopes), "final": distances[-1], "distances": distances})
    return rows


def example_paths(step_sizes, steps: int) -> list[dict]:
    """The §2 example f = x² from x_0 = -1: exact |x_n| (n ≤ ``steps``) and the rate |1 - 2C| per step size."""
    x = sp.Symbol("x", real=True)
    return [{"C": step, "abs_x": [abs(float(v)) for v in patel.scalar_gd_iterates(x**2, x, EXAMPLE_START, step, steps)],
             "rate": abs(float(patel.gd_factor(2).subs(C, step)))} for step in step_sizes]


def threshold_runs(rng, seed, runs: int, steps: int) -> dict:
    """A random Q = GG' + I (G integer in [-3, 3]) and GD distances ‖θ_N - θ*‖ (runs from the unit
    sphere) at 0.98·2/λmax, between the thresholds (their geometric mean), and 1.02·2/λmin."""
    G = rng.integers(-3, 4, (3, 3))
    Q = G @ G.T + np.eye(3)
    eigenvalues = np.linalg.eigvalsh(Q)
    limits = [float(patel.gd_stability_limit().subs(lam, v)) for v in (eigenvalues.max(), eigenvalues.min())]
    settings = {r"$0.98 \cdot 2/\lambda_{\max}$": 0.98 * limits[0], "between": math.sqrt(limits[0] * limits[1]),
                r"$1.02 \cdot 2/\lambda_{\min}$": 1.02 * limits[1]}
    return {"Q": Q, "settings": [(name, step, npatel.gd_quadratic_distances(Q, step, runs, steps, stream))
                                 for stream, (name, step) in zip(seed.spawn(len(settings)), settings.items())]}


# --- checks -----------------------------------------------------------------------------------


@symbolic("GD map (I - CQ)(θ - θ*): |1 - Cλ| < 1 ⇔ 0 < C < 2/λ gives (1), (2) and the rate",
          falsifiers=(scale("PRINTED_GD_NUMERATOR", 2),))
def gd_map(ctx):
    """Derived from f = ½(θ - θ*)'Q(θ - θ*) by SymPy for a generic symmetric 2 × 2 Q."""
    q = sp.symbols("a b c", real=True)
    Q = sp.Matrix([[q[0], q[1]], [q[1], q[2]]])
    star, theta = sp.Matrix(sp.symbols("s0 s1", real=True)), sp.Matrix(sp.symbols("t0 t1", real=True))
    linear = is_zero((patel.gd_step(Q, star, theta, C) - star) - (sp.eye(2) - C * Q) * (theta - star))
    factor = patel.gd_factor()
    limit = patel.gd_stability_limit()
    upper, lower = printed_gd_bounds([lam])
    ok = linear and is_zero(factor - (1 - C * lam)) and is_zero(limit - upper) and is_zero(limit - lower)
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"θ_(k+1) - θ* = (I - CQ)(θ_k - θ*) ({'linear' if linear else 'not linear'}); along an eigenvector the factor is "
        f"{tex(factor)}, and (1 - Cλ)² = 1 at C = 0 and C = {tex(limit)}; the printed bound is {tex(upper)}: "
        + ("C < 2/λmax puts every factor in (-1, 1), C > 2/λmin makes every |factor| > 1; the rate is max_i |1 - Cλ_i|"
           if ok else "the derived and printed bounds differ"),
        "exact",
        {"map_is_linear": linear, "factor": factor, "stability_limit": limit},
        observed=limit, expected=upper,
    )


@symbolic("§2 example f = x², C = 1.1, x0 = -1: 1.2, -1.44, rate |1 - 2C| = 1.2; C = 0.5 converges in one step",
          falsifiers=(scale("PRINTED_EXAMPLE_RATE", 2),))
def example(ctx):
    x = sp.Symbol("x", real=True)
    iterates = patel.scalar_gd_iterates(x**2, x, EXAMPLE_START, EXAMPLE_STEP, 4)
    ratios = [iterates[i + 1] / iterates[i] for i in range(4)]
    one_step = patel.scalar_gd_iterates(x**2, x, EXAMPLE_START, R(1, 2), 1)[1]
    rate = abs(patel.gd_factor(2).subs(C, EXAMPLE_STEP))
    ok = tuple(iterates[:3]) == PRINTED_EXAMPLE and rate == PRINTED_EXAMPLE_RATE and set(ratios) == {-rate} and one_step == 0
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"x_n = {', '.join(tex(v) for v in iterates)} (printed {', '.join(tex(v) for v in PRINTED_EXAMPLE)}): each step "
        f"multiplies by {tex(ratios[0])}, |1 - 2C| = {tex(rate)} (printed {tex(PRINTED_EXAMPLE_RATE)}); with C = 1/2, "
        f"x_1 = {tex(one_step)}",
        "exact",
        {"iterates": [str(v) for v in iterates], "rate": str(rate), "half_step_x1": str(one_step)},
        observed={"iterates": tuple(iterates[:3]), "rate": rate}, expected={"iterates": PRINTED_EXAMPLE, "rate": PRINTED_EXAMPLE_RATE},
    )


@simulation("GD runs on random positive definite Q: converge below 2/λmax, diverge above 2/λmin at rate max|1 - Cλ|",
            falsifiers=(scale("PRINTED_GD_NUMERATOR", 2),))
def gd_runs(ctx):
    """With the top two factors ≥ 5% apart, the other modes' share decays like 0.95^N, hence the
    relative tolerance 10⁻² on the median fitted rate."""
    rng = ctx.rng()
    runs = 50 if ctx.quick else 500
    rows, bad = [], 0
    seeds = iter(ctx.seed.spawn(16))

    def steps_of(eig):
        upper, lower = printed_gd_bounds(eig)
        return SIM_MARGINS[0] * float(upper), SIM_MARGINS[1] * float(lower)

    for _ in range(3 if ctx.quick else 6):
        Q = separated_spd(rng, steps_of)
        results = experiment(Q, steps_of(np.linalg.eigvalsh(Q)), runs, [next(seeds), next(seeds)])
        for result, expect in zip(results, ("converge", "diverge")):
            gap = abs(result["median_fitted_rate"] - result["predicted_rate"]) / abs(result["predicted_rate"])
            final = result["final"]
            good = (np.all(final < 1) if expect == "converge" else np.all(final > 1)) and gap < 1e-2 and result["fitted"] == runs
            bad += not good
            rows.append({"Q": Q.astype(int).tolist(), "step": result["step"], "expect": expect,
                         "predicted_rate": result["predicted_rate"], "median_fitted_rate": result["median_fitted_rate"],
                         "relative_gap": gap, "median_final_distance": float(np.median(final))})
    return Finding(
        Verdict.CONFIRMED if bad == 0 else Verdict.REFUTED,
        f"{len(rows)} settings × {runs} runs (start on the unit sphere) at {SIM_MARGINS[0]}·(printed convergence bound) and "
        f"{SIM_MARGINS[1]}·(printed divergence bound): {len(rows) - bad} behave as predicted (converge/diverge, fitted rate "
        f"within 1% of ln max|1 - Cλ|), {bad} do not",
        "relative gap of the median fitted rate ≤ 1e-2; final distance < 1 (converge) or > 1 (diverge)",
        {"settings": rows, "seed": seed_data(ctx)},
        observed={"settings failing": bad}, expected={"settings failing": 0},
    )


CLAIMS = (
    Claim(
        id="patel.thm2_1",
        papers=(PATEL,),
        where="§2, Thm 2.1 and Fig. 3",
        statement=r"C < 2/\lambda_{\max}(Q) \Rightarrow \|\theta_k-\theta^*\| \to 0,\ C > 2/\lambda_{\min}(Q) \Rightarrow "
        r"\|\theta_k-\theta^*\| \to \infty;\ f = x^2, C = 1.1, x_0 = -1: 1.2, -1.44,\ \text{rate } |1-2C| = 1.2",
        summary="GD on a quadratic converges below 2/λmax, diverges above 2/λmin, exponentially at rate |1 - Cλ|",
        checks=(gd_map, example, gd_runs),
    ),
)
