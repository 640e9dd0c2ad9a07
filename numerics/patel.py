r"""Patel (arXiv 1709.04718v2), numerically: the stochastic quadratic at ``dps`` digits, exact
batch enumeration for Lemma 3.6, Def. 3.14's ε-ball thresholds by Monte Carlo, and vectorized
SGD-k / GD runs on the quadratic-circle sums (§4, App. A) and Styblinski–Tang sums (§5).

Every loss and gradient comes from theory.patel (SymPy, lambdified); runs go through
numerics.ensemble.iterate, so a run that leaves the feasible region is an event, not a NaN.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

import mpmath
import numpy as np
import sympy as sp

from theory import patel
from theory.errors import ParameterError

from .ensemble import check_count, iterate, lambdify_gradient
from .precision import working_precision

# --- the stochastic quadratic at dps ---------------------------------------------------------------


@dataclass(frozen=True)
class QuadraticNumbers:
    """λ_1 ≥ … ≥ λ_m, t_Q, s_Q and the exact one-step thresholds, as mpmath numbers."""

    eigenvalues: tuple[mpmath.mpf, ...]
    t_Q: mpmath.mpf
    s_Q: mpmath.mpf
    homogeneous: bool
    exact_converge: mpmath.mpf
    exact_diverge: mpmath.mpf


def to_mp(expr: sp.Expr, dps: int) -> mpmath.mpf:
    """An exact SymPy number (rational or algebraic root) as an mpmath number at ``dps`` digits."""
    with working_precision(dps):
        return mpmath.mpf(sp.N(expr, dps + 10))


def quadratic_numbers(problem: patel.StochasticQuadratic, batch: sp.Expr, dps: int) -> QuadraticNumbers:
    thresholds = patel.exact_thresholds(problem, batch)
    return QuadraticNumbers(
        tuple(to_mp(value, dps) for value in problem.eigenvalues),
        to_mp(problem.t_Q, dps),
        to_mp(problem.s_Q, dps),
        problem.homogeneous,
        to_mp(thresholds.converge, dps),
        to_mp(thresholds.diverge, dps),
    )


def random_problem(rng: np.random.Generator, dimension: int, atoms: int, homogeneous: bool, entries: int = 2) -> patel.StochasticQuadratic:
    """A random instance of Problem 3.1 with exact rationals: Q_i = G_i G_i' with integer G_i of
    random rank (so some Q_i are singular), probabilities k_i / Σk_j, and r_i = -Q_i θ° (one
    rational θ° for every atom: homogeneous) or r_i = Q_i z_i with separate rational z_i."""
    def rational_vector():
        return sp.Matrix([sp.Rational(int(v), 2) for v in rng.integers(-4, 5, dimension)])

    Qs = []
    while len(Qs) < atoms:
        rank = int(rng.integers(1, dimension + 1))
        G = sp.Matrix(rng.integers(-entries, entries + 1, (dimension, rank)).tolist())
        if not G.is_zero_matrix:
            Qs.append(G * G.T)
    weights = [int(w) for w in rng.integers(1, 6, atoms)]
    probs = [sp.Rational(w, sum(weights)) for w in weights]
    anchor = rational_vector()
    rs = [-Q * anchor if homogeneous else Q * rational_vector() for Q in Qs]
    return patel.StochasticQuadratic(tuple(sp.ImmutableMatrix(Q) for Q in Qs), tuple(sp.ImmutableMatrix(r) for r in rs), tuple(probs))


def enumerated_one_step(problem: patel.StochasticQuadratic, batch: int, step: sp.Expr, theta: sp.Matrix) -> sp.Expr:
    """E[e_{N+1} | θ_N = θ] exactly, summing SGD-k's next error over every multiset of ``batch``
    atoms with its multinomial probability (no formula for the expectation is used)."""
    batch = check_count("k", batch)
    atoms = range(len(problem.Q))
    total = sp.Integer(0)
    for draw in itertools.combinations_with_replacement(atoms, batch):
        counts = [draw.count(i) for i in atoms]
        weight = sp.Integer(math.factorial(batch))
        for i, count in enumerate(counts):
            weight *= problem.probs[i] ** count / math.factorial(count)
        following = patel.sgd_k_step(theta, [(problem.Q[i], problem.r[i]) for i in draw], step)
        total += weight * patel.error(problem.mean_Q, following - problem.minimizer)
    return sp.expand(total)


def exact_error_path(problem: patel.StochasticQuadratic, batch: sp.Expr, steps: Sequence[sp.Expr], theta0: sp.Matrix) -> list[sp.Expr]:
    """E[e_N] for N = 0, …, len(steps) from a deterministic θ_0 (homogeneous θ*), exactly, by
    iterating theory.patel.second_moment_step."""
    d = theta0 - problem.minimizer
    moment = d * d.T
    path = [(problem.mean_Q * moment).trace()]
    for step in steps:
        moment = patel.second_moment_step(problem.law, moment, step, batch)
        path.append(sp.expand((problem.mean_Q * moment).trace()))
    return path


@dataclass(frozen=True)
class QuadraticRuns:
    """e_N = (θ_N - θ*)'E[Q](θ_N - θ*) of each run at N = 0…steps (escaped runs frozen)."""

    errors: np.ndarray
    escaped_at: np.ndarray


def sgd_quadratic_runs(problem: patel.StochasticQuadratic, batch: int | None, step: float, theta0: sp.Matrix,
                       runs: int, steps: int, seed: np.random.SeedSequence, bound: float = 1e12) -> QuadraticRuns:
    """SGD-k (``batch`` = k) or GD (``batch`` = None) on Problem 3.1 from a fixed θ_0.

    The sampled objective is linear in (Q, r), so the batch gradient (1/k)Σ_j ∇(½θ'Q_jθ + r_j'θ)
    is the gradient of the objective at the batch-mean data; the gradient is lambdified from
    theory.patel.quadratic_objective."""
    p = problem.dimension
    objective, theta, data = patel.quadratic_objective(p)
    grad = lambdify_gradient(objective, theta, data)
    upper = [(row, col) for row in range(p) for col in range(row, p)]
    table = np.array([[float(Q[a, b]) for a, b in upper] + [float(v) for v in r] for Q, r in zip(problem.Q, problem.r)])
    probs = np.array([float(q) for q in problem.probs])
    mean_data = probs @ table
    A = np.array(problem.mean_Q.tolist(), dtype=float)
    star = np.array([float(v) for v in problem.minimizer])

    def step_fn(state, rng, t):
        if batch is None:
            values = np.broadcast_to(mean_data, (len(state), table.shape[1]))
        else:
            values = batch_mean(table, probs, batch, len(state), rng)
        return state - step * grad(state, *values.T)

    start = np.array([float(v) for v in theta0])
    result = iterate(step_fn, lambda rng, n: np.tile(start, (n, 1)), runs, steps, seed, bound, range(steps + 1))
    errors = np.stack([np.einsum("ni,ij,nj->n", s - star, A, s - star) for s in (result.snapshots[t] for t in range(steps + 1))])
    return QuadraticRuns(errors, result.escaped_at)


def batch_mean(table: np.ndarray, probs: np.ndarray, batch: int, runs: int, rng: np.random.Generator) -> np.ndarray:
    """The mean of ``batch`` i.i.d. rows of ``table`` (row i w.p. probs[i]) for each run: (runs, columns)."""
    cumulative = np.cumsum(probs)
    cumulative[-1] = 1.0
    draws = np.searchsorted(cumulative, rng.random((runs, batch)), side="right")
    if batch == 1:
        return table[draws[:, 0]]
    atoms = len(probs)
    counts = np.bincount((draws + atoms * np.arange(runs)[:, None]).ravel(), minlength=runs * atoms)
    return counts.reshape(runs, atoms) @ table / batch


# --- Theorem 2.1: gradient descent on a quadratic ---------------------------------------------------


def gd_quadratic_distances(Q: np.ndarray, step: float, runs: int, steps: int, seed: np.random.SeedSequence) -> np.ndarray:
    """‖θ_N - θ*‖ (θ* = 0) of GD on ½θ'Qθ from starts uniform on the unit sphere: (steps+1, runs).
    The gradient is lambdified from theory.patel.quadratic_objective with r = 0."""
    p = Q.shape[0]
    objective, theta, data = patel.quadratic_objective(p)
    grad = lambdify_gradient(objective, theta, data)
    upper = [Q[a, b] for a in range(p) for b in range(a, p)] + [0.0] * p

    def step_fn(state, rng, t):
        return state - step * grad(state, *upper)

    def start(rng, n):
        z = rng.normal(size=(n, p))
        return z / np.linalg.norm(z, axis=1, keepdims=True)

    result = iterate(step_fn, start, runs, steps, seed, bound=1e150, snapshot_at=range(steps + 1))
    return np.stack([np.linalg.norm(result.snapshots[t], axis=1) for t in range(steps + 1)])


@dataclass(frozen=True)
class GrowthFit:
    """Least-squares slopes of ln(distance) against N, per run, with standard errors."""

    slopes: np.ndarray
    errors: np.ndarray


def growth_rates(distances: np.ndarray, last: np.ndarray | None = None, first: int = 0) -> GrowthFit:
    """Fit ln‖θ_N - θ*‖ = a + γN over N = first … last[run] (default: all steps) for each run with
    at least three points; γ is the exponential growth rate (Figs. 5-12)."""
    steps = distances.shape[0] - 1
    last = np.full(distances.shape[1], steps) if last is None else last
    slopes, errors = [], []
    for run in range(distances.shape[1]):
        n = np.arange(first, last[run] + 1)
        if len(n) < 3 or np.any(distances[n, run] <= 0):
            continue
        y = np.log(distances[n, run])
        design = np.column_stack([np.ones(len(n)), n])
        coef, residual, *_ = np.linalg.lstsq(design, y, rcond=None)
        dof = len(n) - 2
        sigma2 = float(residual[0]) / dof if residual.size and dof > 0 else 0.0
        cov = sigma2 * np.linalg.inv(design.T @ design)
        slopes.append(coef[1])
        errors.append(math.sqrt(max(cov[1, 1], 0.0)))
    return GrowthFit(np.array(slopes), np.array(errors))


# --- Def. 3.14: ε-ball thresholds by Monte Carlo ------------------------------------------------------


@dataclass(frozen=True)
class BallGeometry:
    """Eq. (49)-(50) estimated from ``samples`` uniform points of B(θ*, ε): the positive
    eigenvalues of the averaged Hessian (descending; all of them in ``spectrum``), s_f (the
    maximum of 0 and the average of the pointwise infimum) and t_f (the average pointwise
    supremum, the 'analogous' quantity of Tables 3 and 5), with the Monte-Carlo standard errors
    of the averaged Hessian's entries and of the two averages."""

    eigenvalues: tuple[float, ...]
    spectrum: tuple[float, ...]
    s_f: float
    t_f: float
    hessian_se: float
    s_se: float
    t_se: float
    eps: float
    samples: int


def uniform_ball(rng: np.random.Generator, center: np.ndarray, eps: float, n: int) -> np.ndarray:
    """n points uniform in the Euclidean ball B(center, eps)."""
    p = len(center)
    z = rng.normal(size=(n, p))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    return center + eps * z * rng.random((n, 1)) ** (1.0 / p)


def pencil_extremes(hessian: np.ndarray, excess: np.ndarray, relative_rank_tol: float = 1e-12) -> tuple[float, float]:
    """(inf, sup) of v'·excess·v / v'·hessian·v over v with v'·hessian·v ≠ 0 (eqs. (4)-(5)/(50)),
    by the eigenvalues of Λ^{-1/2}U'·excess·UΛ^{-1/2} on the numerical range of ``hessian``."""
    w, U = np.linalg.eigh(hessian)
    scale = max(np.max(np.abs(w)), np.finfo(float).tiny)
    keep = w > relative_rank_tol * scale
    if not np.any(keep):
        return 0.0, 0.0
    S = U[:, keep] / np.sqrt(w[keep])
    values = np.linalg.eigvalsh(S.T @ excess @ S)
    return float(values[0]), float(values[-1])


def ball_geometry(component_hessians: Callable[[np.ndarray], np.ndarray], probs: np.ndarray, center: np.ndarray,
                  eps: float, samples: int, rng: np.random.Generator, chunk: int = 250) -> BallGeometry:
    """``component_hessians(points (n, p)) -> (n, N, p, p)``: ∇²f_i at each point."""
    hessian_sum, lows, highs, entries = 0.0, [], [], []
    for start in range(0, samples, chunk):
        points = uniform_ball(rng, center, eps, min(chunk, samples - start))
        H_i = component_hessians(points)
        H = np.einsum("i,nijk->njk", probs, H_i)
        excess = np.einsum("i,nijk,nkl,nilm->njm", probs, H_i, H, H_i) - H @ H @ H
        for h, m in zip(H, excess):
            low, high = pencil_extremes(h, m)
            lows.append(low)
            highs.append(high)
        entries.append(H.reshape(len(H), -1))
        hessian_sum = hessian_sum + H.sum(axis=0)
    average = hessian_sum / samples
    return _geometry(average, np.concatenate(entries), np.array(lows), np.array(highs), eps, samples)


def diagonal_ball_geometry(component_diagonals: Callable[[np.ndarray], np.ndarray], probs: np.ndarray,
                           center: np.ndarray, eps: float, samples: int, rng: np.random.Generator,
                           chunk: int = 50) -> BallGeometry:
    """The same for Hessians that are diagonal at every point (separable losses such as (54)):
    ``component_diagonals(points) -> (n, N, p)``. With H = diag(h_j), the pencil of (50) is
    diagonal and its quotient at e_j is (E[h_ij²] h_j - h_j³)/h_j = Var_i(h_ij)."""
    sums, lows, highs, entries = 0.0, [], [], []
    for start in range(0, samples, chunk):
        points = uniform_ball(rng, center, eps, min(chunk, samples - start))
        h_i = component_diagonals(points)
        h = np.einsum("i,nij->nj", probs, h_i)
        variance = np.einsum("i,nij->nj", probs, h_i**2) - h**2
        positive = h > 0
        lows.extend(np.where(positive, variance, np.inf).min(axis=1))
        highs.extend(np.where(positive, variance, -np.inf).max(axis=1))
        entries.append(h)
        sums = sums + h.sum(axis=0)
    average = np.diag(sums / samples)
    return _geometry(average, np.concatenate(entries), np.array(lows), np.array(highs), eps, samples)


def _geometry(average: np.ndarray, entries: np.ndarray, lows: np.ndarray, highs: np.ndarray, eps: float, samples: int) -> BallGeometry:
    spectrum = np.sort(np.linalg.eigvalsh(average))[::-1]
    positive = tuple(float(v) for v in spectrum if v > 0)
    se = lambda values: float(np.std(values, ddof=1) / math.sqrt(len(values)))
    return BallGeometry(
        positive, tuple(float(v) for v in spectrum), max(0.0, float(np.mean(lows))), float(np.mean(highs)),
        float(np.max(np.std(entries, axis=0, ddof=1)) / math.sqrt(samples)), se(lows), se(highs), eps, samples,
    )


@cache
def _crossing(gradient_descent: bool):
    """The Lemma 3.7 crossing 2λ/(λ² + κ/k) (theory.patel.unit_crossing of the factor (12)),
    lambdified in (λ, κ, k); for GD (k = ∞) the factor has no κ term."""
    curvature = sp.Symbol("kappa", nonnegative=True)
    batch = sp.oo if gradient_descent else patel.k
    expr = patel.unit_crossing(patel.lemma37_factor(patel.lam, curvature, batch))
    return sp.lambdify((patel.lam, curvature, patel.k), expr, "math")


def mechanism_bounds(geometry: BallGeometry, batch: float) -> tuple[float, float]:
    """(u, l): Lemma 3.7's convergence bound min_l crossing(λ_l, t_f) and divergence bound
    max_l crossing(λ_l, s_f) at batch size k (math.inf for GD)."""
    if not geometry.eigenvalues:
        return math.inf, math.inf
    crossing = _crossing(math.isinf(batch))
    u = min(crossing(v, geometry.t_f, batch) for v in geometry.eigenvalues)
    l_value = max(crossing(v, geometry.s_f, batch) for v in geometry.eigenvalues)
    return u, l_value


def mechanism_bounds_se(geometry: BallGeometry, batch: float) -> tuple[float, float]:
    """Monte-Carlo standard errors of (u, l) at batch size k by the delta method: each positive
    eigenvalue moved by ± the averaged Hessian's entry standard error, s_f and t_f by ± theirs, the
    larger change of each added in quadrature. Infinite when an eigenvalue is within one standard
    error of zero (then m, and the bound 2/λ_m, are set by Monte-Carlo noise)."""
    if any(v <= geometry.hessian_se for v in geometry.eigenvalues):
        return math.inf, math.inf
    base = mechanism_bounds(geometry, batch)
    moves = [{"eigenvalues": tuple(v + sign * geometry.hessian_se * (j == i) for j, v in enumerate(geometry.eigenvalues))}
             for i in range(len(geometry.eigenvalues)) for sign in (1, -1)]
    moves += [{"s_f": max(0.0, geometry.s_f + sign * geometry.s_se)} for sign in (1, -1)]
    moves += [{"t_f": geometry.t_f + sign * geometry.t_se} for sign in (1, -1)]
    changes = np.array([[abs(a - b) for a, b in zip(mechanism_bounds(replace(geometry, **move), batch), base)] for move in moves])
    paired = changes.reshape(-1, 2, 2).max(axis=1)
    return tuple(float(v) for v in np.sqrt((paired**2).sum(axis=0)))


# --- quadratic-circle sums (§4, App. A) ---------------------------------------------------------------

#: the feasible region of Problem 4.1
QC_REGION = ((-10.0, 10.0), (-20.0, 15.0))


@dataclass(frozen=True)
class QCModel:
    """Components i = 1…N of (53): quadratic parameters q (3, N), circular parameters c (4, N)
    and probabilities p_i. Every q3 is the same, so (0, q3) and (0, 0) are homogeneous minimizers."""

    name: str
    q: np.ndarray
    c: np.ndarray
    probs: np.ndarray

    @property
    def circle_minimizer(self) -> np.ndarray:
        return np.zeros(2)

    @property
    def quadratic_minimizer(self) -> np.ndarray:
        return np.array([0.0, self.q[2, 0]])


@dataclass(frozen=True)
class QCSpec:
    """How one model draws its N components: E[q1] and the spread of q1, the range of q2 and of c3.
    c1 = circle depth, c2 = 0 (so the circular minimizer (0, 0) is isolated), c4 = 0, q3 = -15."""

    mean_q1: float
    q1_spread: float = 0.045
    q2_range: tuple[float, float] = (0.05, 0.15)
    c3_range: tuple[float, float] = (6.0, 8.0)
    depth: float = 1e-3


#: Models 1-4 of §4: sharp/flat circular basin × sharp/flat quadratic basin, with E[q1] chosen so the
#: quadratic thresholds sit near Table 2's (≈ 5 for Models 1, 3; ≈ 1000 for Models 2, 4).
QC_SPECS = {
    "Model 1": QCSpec(0.2, c3_range=(6.0, 8.0)),
    "Model 2": QCSpec(0.001, c3_range=(6.0, 8.0)),
    "Model 3": QCSpec(0.2, c3_range=(12.0, 14.0)),
    "Model 4": QCSpec(0.001, c3_range=(12.0, 14.0)),
}


def qc_model(name: str, components: int, rng: np.random.Generator) -> QCModel:
    spec = QC_SPECS[name]
    q1 = spec.mean_q1 * rng.uniform(1 - spec.q1_spread, 1 + spec.q1_spread, components)
    q2 = rng.uniform(*spec.q2_range, components)
    q3 = np.full(components, -15.0)
    c3 = rng.uniform(*spec.c3_range, components)
    c = np.stack([np.full(components, spec.depth), np.zeros(components), c3, np.zeros(components)])
    return QCModel(name, np.stack([q1, q2, q3]), c, rng.dirichlet(np.ones(components)))


@cache
def _qc_pieces():
    """Value, gradient and Hessian entries (11, 12, 22) of (A1) and (A2), lambdified from theory.patel."""
    out = []
    for expr, params in ((patel.quadratic_basin(), patel.QUADRATIC_PARAMS), (patel.circular_basin(), patel.CIRCULAR_PARAMS)):
        point = patel.QC_POINT
        gradient = [sp.diff(expr, v) for v in point]
        hessian = [sp.diff(expr, point[0], point[0]), sp.diff(expr, point[0], point[1]), sp.diff(expr, point[1], point[1])]
        out.append(sp.lambdify((*point, *params), [expr, *gradient, *hessian], "numpy"))
    return tuple(out)


def qc_pieces(model: QCModel, x: np.ndarray, y: np.ndarray, components: np.ndarray | slice = slice(None)) -> list[np.ndarray]:
    """[f, ∂1 f, ∂2 f, ∂11 f, ∂12 f, ∂22 f] of min{h_i, g_i} (A3) at (x, y), broadcasting over
    the component axis; where g_i ≤ h_i the quadratic piece is used (Remark 3)."""
    quadratic, circular = _qc_pieces()
    q = [v[components] for v in model.q]
    c = [v[components] for v in model.c]
    shape = np.broadcast(x, y, q[0]).shape
    with np.errstate(all="ignore"):
        g = [np.broadcast_to(v, shape) for v in quadratic(x, y, *q)]
        h = [np.broadcast_to(v, shape) for v in circular(x, y, *c)]
    use_g = g[0] <= h[0]
    return [np.where(use_g, a, b) for a, b in zip(g, h)]


def qc_hessians(model: QCModel, points: np.ndarray) -> np.ndarray:
    """∇²(min{g_i, h_i}) at each point for each component: (n, N, 2, 2)."""
    pieces = qc_pieces(model, points[:, :1], points[:, 1:])
    return np.stack([np.stack([pieces[3], pieces[4]], -1), np.stack([pieces[4], pieces[5]], -1)], -2)


def qc_gradient(model: QCModel, points: np.ndarray, components: np.ndarray | None) -> np.ndarray:
    """The gradient of the sampled component at each point (SGD-1), or of (53) itself (GD)."""
    if components is None:
        pieces = qc_pieces(model, points[:, :1], points[:, 1:])
        return np.column_stack([pieces[1] @ model.probs, pieces[2] @ model.probs])
    pieces = qc_pieces(model, points[:, 0], points[:, 1], components)
    return np.column_stack([pieces[1], pieces[2]])


@dataclass(frozen=True)
class DistanceRecord:
    """Distances to the minimizer at N = 0…steps (runs frozen after an escape), escape steps (-1: none)."""

    lr: float
    distances: np.ndarray
    escaped_at: np.ndarray
    left_basin_at: np.ndarray | None = None


def qc_runs(model: QCModel, center: np.ndarray, lrs: Sequence[float], sgd: bool, runs: int, steps: int,
            radius: float, seed: np.random.SeedSequence, reference: np.ndarray | None = None) -> list[DistanceRecord]:
    """SGD-1 (``sgd``) or GD at each learning rate, ``runs`` runs each, started uniformly in the
    disc of ``radius`` about ``center``; leaving the region of Problem 4.1 is an escape event.
    Distances are to ``reference`` (default: ``center``)."""
    _check_rates(lrs)
    sampler = np.cumsum(model.probs)
    sampler[-1] = 1.0
    rates = np.repeat(np.asarray(lrs, dtype=float), runs)
    (xlo, xhi), (ylo, yhi) = QC_REGION

    def step(state, rng, t):
        point, lr = state[:, :2], state[:, 2:]
        components = np.searchsorted(sampler, rng.random(len(state)), side="right") if sgd else None
        new = point - lr * qc_gradient(model, point, components)
        inside = (new[:, 0] > xlo) & (new[:, 0] < xhi) & (new[:, 1] > ylo) & (new[:, 1] < yhi)
        new[~inside] = np.inf
        return np.column_stack([new, lr])

    offset = [0]

    def initial(rng, n):
        lr = rates[offset[0] : offset[0] + n]
        offset[0] += n
        return np.column_stack([uniform_ball(rng, center, radius, n), lr])

    result = iterate(step, initial, len(rates), steps, seed, bound=np.inf, snapshot_at=range(steps + 1))
    return _records(result, center if reference is None else reference, lrs, runs, steps, 2)


def _check_rates(lrs: Sequence[float]) -> None:
    if not lrs or not all(np.isfinite(v) and v > 0 for v in lrs):
        raise ParameterError("lr", f"learning rates must be positive and finite, got {list(lrs)}")


def _records(result, center, lrs, runs, steps, p) -> list[DistanceRecord]:
    distances = np.stack([np.linalg.norm(result.snapshots[t][:, :p] - center, axis=1) for t in range(steps + 1)])
    return [
        DistanceRecord(float(lr), distances[:, i * runs : (i + 1) * runs], result.escaped_at[i * runs : (i + 1) * runs])
        for i, lr in enumerate(lrs)
    ]


# --- Styblinski–Tang sums (§5) -------------------------------------------------------------------------

#: the feasible region (-5, 5)^p of Problem 5.1
ST_BOX = 5.0


@dataclass(frozen=True)
class STModel:
    """Components f_1…f_N of (55), coefficients (N, p, 3) = (c_{i,1} ≥ 0, c_{i,2} ≤ 0, c_{i,3} ≥ 0)."""

    name: str
    coefficients: np.ndarray
    probs: np.ndarray

    @property
    def dimension(self) -> int:
        return self.coefficients.shape[1]

    @property
    def mean_coefficients(self) -> np.ndarray:
        return np.einsum("i,ijk->jk", self.probs, self.coefficients)


#: Models 1-3 of §5: (dimension, components)
ST_SIZES = {"Model 1": (10, 200), "Model 2": (50, 1000), "Model 3": (100, 2000)}


def st_model(name: str, rng: np.random.Generator, gamma_shape: float = 0.25) -> STModel:
    """c_{i,1} ~ Gamma(shape, 1/shape) (mean 1, heavy spread), c_{i,2} ~ -Gamma(4, 4) (mean -16),
    c_{i,3} ~ U(0, 10): the classic ST coefficients (1, -16, 5) on average, with a component spread
    chosen so that s_f at k = 1 is of the size Table 4 implies (thousands)."""
    p, n = ST_SIZES[name]
    c1 = rng.gamma(gamma_shape, 1.0 / gamma_shape, (n, p))
    c2 = -rng.gamma(4.0, 4.0, (n, p))
    c3 = rng.uniform(0.0, 10.0, (n, p))
    return STModel(name, np.stack([c1, c2, c3], axis=-1), rng.dirichlet(np.ones(n)))


@cache
def _st_derivatives():
    term = patel.styblinski_tang_term()
    args = (patel.xi, *patel.ST_PARAMS)
    return (sp.lambdify(args, sp.diff(term, patel.xi), "numpy"), sp.lambdify(args, sp.diff(term, patel.xi, 2), "numpy"),
            sp.lambdify(patel.ST_PARAMS, patel.styblinski_tang_stationarity(), "math"))


def st_gradient(points: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """∇f at points (n, p) for per-run coefficients (n, p, 3) or shared ones (p, 3)."""
    first = _st_derivatives()[0]
    return first(points, coefficients[..., 0], coefficients[..., 1], coefficients[..., 2])


def st_component_diagonals(model: STModel, points: np.ndarray) -> np.ndarray:
    """The diagonal of ∇²f_i at each point: (n, N, p)."""
    second = _st_derivatives()[1]
    c = model.coefficients
    return second(points[:, None, :], c[None, :, :, 0], c[None, :, :, 1], c[None, :, :, 2])


@dataclass(frozen=True)
class STMinimizers:
    """Per coordinate: the two local minima of the mean term and the local maximum between them."""

    flattest: np.ndarray
    sharpest: np.ndarray
    barrier: np.ndarray


def st_minimizers(model: STModel) -> STMinimizers:
    """(55) is separable: each coordinate's mean cubic ∂/∂x has three real roots (two minima and
    the barrier); the flattest (sharpest) minimizer takes the minimum of smaller (larger)
    curvature in every coordinate, which minimises (maximises) every Hessian eigenvalue."""
    coefficients_of, second = _st_derivatives()[2], _st_derivatives()[1]
    flat, sharp, barrier = [], [], []
    for a1, a2, a3 in model.mean_coefficients:
        roots = np.roots([float(v) for v in coefficients_of(a1, a2, a3)])
        if np.max(np.abs(roots.imag)) > 1e-9:
            raise ParameterError("coefficients", "a coordinate of the mean ST function has a single well")
        low, middle, high = np.sort(roots.real)
        pair = sorted((low, high), key=lambda x: second(x, a1, a2, a3))
        flat.append(pair[0])
        sharp.append(pair[1])
        barrier.append(middle)
    return STMinimizers(np.array(flat), np.array(sharp), np.array(barrier))


def st_runs(model: STModel, center: np.ndarray, barrier: np.ndarray, settings: Sequence[tuple[float, float]],
            batch: int | None, runs: int, steps: int, seed: np.random.SeedSequence) -> list[DistanceRecord]:
    """SGD-k (``batch`` = k) or GD at each (learning rate, start radius) setting, ``runs`` runs each,
    started uniformly on the sphere of that radius about ``center``. Leaving (-5, 5)^p is an escape
    event; a run has left the basin of ``center`` once some coordinate crossed its barrier."""
    _check_rates([lr for lr, _ in settings])
    p = model.dimension
    table = model.coefficients.reshape(len(model.probs), -1)
    columns = np.repeat(np.array(settings, dtype=float), runs, axis=0)

    def step(state, rng, t):
        point, lr = state[:, :p], state[:, p : p + 1]
        if batch is None:
            coefficients = model.mean_coefficients
        else:
            coefficients = batch_mean(table, model.probs, batch, len(state), rng).reshape(len(state), p, 3)
        return np.column_stack([point - lr * st_gradient(point, coefficients), state[:, p:]])

    offset = [0]

    def initial(rng, n):
        rows = columns[offset[0] : offset[0] + n]
        offset[0] += n
        z = rng.normal(size=(n, p))
        z /= np.linalg.norm(z, axis=1, keepdims=True)
        return np.column_stack([center + rows[:, 1:2] * z, rows])

    result = iterate(step, initial, len(columns), steps, seed, bound=ST_BOX, snapshot_at=range(steps + 1))
    side = np.sign(center - barrier)
    records = []
    for i, (lr, _) in enumerate(settings):
        rows = slice(i * runs, (i + 1) * runs)
        snaps = np.stack([result.snapshots[t][rows, :p] for t in range(steps + 1)])
        distances = np.linalg.norm(snaps - center, axis=2)
        escaped = result.escaped_at[rows]
        crossed = np.any(np.sign(snaps - barrier) != side, axis=2)
        first_cross = np.where(crossed.any(axis=0), crossed.argmax(axis=0), -1)
        left = np.where((escaped >= 0) & ((first_cross < 0) | (escaped < first_cross)), escaped, first_cross)
        records.append(DistanceRecord(float(lr), distances, escaped, left))
    return records
