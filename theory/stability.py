r"""Linear stability of SGD at a point of any per-sample loss, derived from the loss.

The model: a per-sample loss ℓ(w; ξ) in parameters w ∈ ℝᵈ, samples ξ₁, …, ξₙ with probabilities
pᵢ, and SGD w ← w − η ∇_w (1/B) Σ_{i∈S} ℓ(w; ξᵢ), the batch S drawn uniformly without replacement
(Wu, Ma & E) or as B independent draws (Patel's SGD-k). At a point w* where every ∇ℓᵢ vanishes
(a fixed point of SGD) the linearised step is δ ← (I − ηM)δ with M the batch mean of the
per-sample Hessians Hᵢ = ∇²ℓᵢ(w*). Every quantity below is derived from ℓ by SymPy:

* the common null space N of the Hᵢ (neutral directions: M N = 0 for every batch, so δ's part in
  N never moves) and, on a basis V of N^⊥, the matrices Cᵢ = (VᵀV)⁻¹VᵀHᵢV, so that HᵢV = VCᵢ;
* the kind of w* for the expected loss, from the signs of the eigenvalues of C̄ = Σ pᵢCᵢ;
* GD's largest stable rate 2/λmax(C̄);
* the mean-square threshold: on P = VXVᵀ the second-moment operator is T_η(X) = E[(I − ηC)X(I − ηC)ᵀ]
  = X − ηL(X) + η²K(X), L(X) = C̄X + XC̄ᵀ, K(X) = E[C X Cᵀ] (E over the batch mean C). T_η maps PSD
  matrices to PSD matrices, so ρ(T_η) is an eigenvalue; T_η → I − ηL (ρ < 1) as η → 0⁺ at a minimum,
  so ρ first reaches 1 at the smallest η > 0 with det(T_η − I) = ηᵐ det(ηK − L) = 0: η* = 1/μmax,
  μmax the largest eigenvalue of L⁻¹K, an algebraic number (exact for rational data). In d = 1 this
  is Wu's η < 2a/(a² + c_B s²);
* when the Cᵢ commute: their common eigen-directions, and along each the law of the batch mean
  m of the eigenvalues, whose trap set {η : E ln|1 − ηm| < 0} (``theory.multiplicative``, exact) is
  where that coordinate of δ → 0 almost surely.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from math import lcm

import sympy as sp

from . import multiplicative, wu
from .errors import ParameterError
from .noise import FiniteNoise

#: largest dimension for exact symbolic work (the operator has d(d+1)/2 rows), and the largest
#: number of polynomial unknowns / total degree for the fixed-point search
MAX_DIMENSION = 8
MAX_SEARCH_PARAMS, MAX_SEARCH_DEGREE = 4, 6
#: most replicated samples for unequal probabilities (with replacement)
MAX_REPLICAS = 4096

eta = sp.Symbol("eta", positive=True)
mu = sp.Symbol("mu")


@dataclass(frozen=True)
class Model:
    """ℓ(w; ξ) (``loss``) in ``params``, with the ``data`` symbols taking ``samples[i]`` (one tuple of
    exact values per sample, in the order of ``data``) with probability ``probs[i]``."""

    loss: sp.Expr
    params: tuple[sp.Symbol, ...]
    data: tuple[sp.Symbol, ...]
    samples: tuple[tuple[sp.Expr, ...], ...]
    probs: tuple[sp.Expr, ...]

    def __post_init__(self):
        if not self.params:
            raise ParameterError("params", "at least one parameter is needed")
        if len(self.params) > MAX_DIMENSION:
            raise ParameterError("params", f"at most {MAX_DIMENSION} parameters for the exact analysis")
        free = self.loss.free_symbols - set(self.params) - set(self.data)
        if free:
            raise ParameterError("loss", f"symbols {sorted(map(str, free))} are neither parameters nor data")
        if not self.samples:
            raise ParameterError("samples", "at least one sample is needed")
        if any(len(row) != len(self.data) for row in self.samples):
            raise ParameterError("samples", "every sample needs one value per data symbol")
        if len(self.probs) != len(self.samples):
            raise ParameterError("probs", f"{len(self.probs)} probabilities for {len(self.samples)} samples")
        if any(not (p.is_Rational and p > 0) for p in self.probs) or sum(self.probs) != 1:
            raise ParameterError("probs", "probabilities must be positive rationals summing to exactly 1")
        unused = [str(p) for p in self.params if p not in self.loss.free_symbols]
        if unused:
            raise ParameterError("params", f"the loss does not depend on {', '.join(unused)}")

    @cached_property
    def sample_losses(self) -> tuple[sp.Expr, ...]:
        return tuple(self.loss.subs(dict(zip(self.data, row))) for row in self.samples)

    @cached_property
    def gradients(self) -> tuple[sp.Matrix, ...]:
        return tuple(sp.Matrix([sp.diff(f, w) for w in self.params]) for f in self.sample_losses)

    @cached_property
    def hessian_forms(self) -> tuple[sp.Matrix, ...]:
        return tuple(sp.hessian(f, self.params) for f in self.sample_losses)

    def at(self, point: dict) -> dict:
        missing = [str(w) for w in self.params if w not in point]
        if missing:
            raise ParameterError("at", f"no value for {', '.join(missing)}")
        return {w: point[w] for w in self.params}


class FixedPointManifold(Exception):
    """The fixed points of SGD are not isolated: ``solutions`` leave some parameters free."""

    def __init__(self, solutions):
        super().__init__("the fixed points form a manifold")
        self.solutions = solutions


def fixed_points(model: Model) -> list[dict]:
    """Every isolated real point where all per-sample gradients vanish, found by ``sympy.solve`` on
    the polynomial system (bounded: at most MAX_SEARCH_PARAMS unknowns, total degree MAX_SEARCH_DEGREE).
    Raises :class:`FixedPointManifold` when a solution leaves a parameter free."""
    equations = sorted({sp.expand(g) for grad in model.gradients for g in grad if sp.expand(g) != 0},
                       key=sp.default_sort_key)
    if not equations:
        raise FixedPointManifold([{}])
    for equation in equations:
        if not equation.is_polynomial(*model.params):
            raise ParameterError("at", "the loss's gradients are not polynomial in the parameters: give the point (--at)")
        if sp.Poly(equation, *model.params).total_degree() > MAX_SEARCH_DEGREE or len(model.params) > MAX_SEARCH_PARAMS:
            raise ParameterError("at", f"the fixed-point search is bounded to {MAX_SEARCH_PARAMS} parameters and gradients "
                                       f"of degree {MAX_SEARCH_DEGREE}: give the point (--at)")
    solutions = sp.solve(equations, model.params, dict=True)
    if any(set(solution) != set(model.params) or any(v.free_symbols for v in solution.values())
           for solution in solutions):
        raise FixedPointManifold(solutions)
    real = [s for s in solutions if all(v.is_real for v in s.values())]
    return sorted(real, key=lambda s: [sp.default_sort_key(s[w]) for w in model.params])


@dataclass(frozen=True)
class Direction:
    """A common eigen-direction of the Cᵢ (coordinates in the basis V of N^⊥) and the law of the
    batch mean m of the eigenvalues along it; δ's coordinate there → 0 a.s. iff η is in ``trap_set``."""

    vector: sp.Matrix
    law: FiniteNoise

    @cached_property
    def trap_set(self) -> list[multiplicative.TrapInterval]:
        return multiplicative.trap_set(self.law)


@dataclass(frozen=True)
class Point:
    """The linear stability of SGD at one point (see the module docstring)."""

    model: Model
    point: dict
    batch: int
    replace: bool

    # --- the point ------------------------------------------------------------------------
    @cached_property
    def gradients(self) -> tuple[sp.Matrix, ...]:
        return tuple(g.subs(self.point).applyfunc(sp.expand) for g in self.model.gradients)

    @property
    def sgd_fixed_point(self) -> bool:
        return all(g.is_zero_matrix for g in self.gradients)

    @cached_property
    def hessians(self) -> tuple[sp.Matrix, ...]:
        matrices = tuple(h.subs(self.point).applyfunc(sp.expand) for h in self.model.hessian_forms)
        for matrix in matrices:
            if not all(entry.is_Rational for entry in matrix):
                odd = next(entry for entry in matrix if not entry.is_Rational)
                raise ParameterError("at", f"the exact analysis needs rational Hessians at the point; one entry is {odd}")
        return matrices

    @cached_property
    def mean_hessian(self) -> sp.Matrix:
        return sp.Add(*(p * h for p, h in zip(self.model.probs, self.hessians)))

    # --- neutral directions and the reduced matrices C_i ------------------------------------
    @cached_property
    def neutral_directions(self) -> list[sp.Matrix]:
        """A basis of the common null space of all Hᵢ."""
        return sp.Matrix.vstack(*self.hessians).nullspace()

    @cached_property
    def basis(self) -> sp.Matrix:
        """V: a basis of N^⊥ (the column space of the Hᵢ), as columns; empty when every Hᵢ = 0."""
        columns = sp.Matrix.hstack(*self.hessians).columnspace()
        return sp.Matrix.hstack(*columns) if columns else sp.zeros(len(self.model.params), 0)

    @cached_property
    def reduced(self) -> tuple[sp.Matrix, ...]:
        """Cᵢ = (VᵀV)⁻¹VᵀHᵢV, so that HᵢV = VCᵢ (the range of each Hᵢ lies in N^⊥)."""
        v = self.basis
        if v.shape[1] == 0:
            return ()
        gram_inverse = (v.T * v).inv()
        return tuple(gram_inverse * v.T * h * v for h in self.hessians)

    @cached_property
    def reduced_mean(self) -> sp.Matrix:
        return sp.Add(*(p * c for p, c in zip(self.model.probs, self.reduced)))

    @cached_property
    def eigenvalues(self) -> list[sp.Expr]:
        """The eigenvalues of H̄ on N^⊥ (of C̄, similar to a symmetric matrix: all real), with multiplicity."""
        if not self.reduced:
            return []
        return sorted(self.reduced_mean.charpoly(mu).all_roots(), key=sp.default_sort_key)

    @property
    def kind(self) -> str:
        """minimum / maximum / saddle / degenerate of the expected loss, on N^⊥."""
        signs = {sp.sign(value) for value in self.eigenvalues}
        if not signs or 0 in signs:
            return "degenerate"
        if signs == {1}:
            return "minimum"
        return "maximum" if signs == {-1} else "saddle"

    # --- GD and the mean-square threshold ---------------------------------------------------
    @property
    def gd_max_lr(self) -> sp.Expr | None:
        """2/λmax(H̄) when H̄ ⪰ 0 on N^⊥ with λmax > 0; None when some eigenvalue is negative."""
        values = self.eigenvalues
        if not values or min(values) < 0 or max(values) <= 0:
            return None
        return 2 / max(values)

    @cached_property
    def samples_for_batches(self) -> tuple[tuple[sp.Matrix, ...], int]:
        """The reduced matrices as n equally likely samples (unequal probabilities are replicated
        to a common denominator, valid with replacement or for B = 1) and that n."""
        probs = self.model.probs
        if len(set(probs)) == 1:
            return self.reduced, len(self.reduced)
        if not self.replace and self.batch > 1:
            raise ParameterError("probs", "unequal probabilities need --replace (or B = 1): a batch drawn without "
                                          "replacement is uniform over the samples")
        denominator = lcm(*(p.q for p in probs))
        if denominator > MAX_REPLICAS:
            raise ParameterError("probs", f"a common denominator of {denominator} is past {MAX_REPLICAS}")
        copies = tuple(c for c, p in zip(self.reduced, probs) for _ in range(int(p * denominator)))
        return copies, denominator

    @cached_property
    def batch_factor(self) -> sp.Expr:
        """c_B of E[M∘M] − H̄∘H̄ = c_B(E[H∘H] − H̄∘H̄) (``theory.wu.batch_moments``, by counting batches)."""
        _, count = self.samples_for_batches
        if not self.replace and self.batch > len(self.model.samples):
            raise ParameterError("batch", f"a batch without replacement needs B ≤ n = {len(self.model.samples)}, "
                                          f"got {self.batch}")
        return wu.batch_factor(count, self.batch, self.replace)

    @cached_property
    def second_moment_maps(self) -> tuple[sp.Matrix, sp.Matrix]:
        """(L, K) on symmetric r×r matrices X of the reduced coordinates: L(X) = C̄X + XC̄ᵀ,
        K(X) = C̄XC̄ᵀ + c_B(E[CᵢXCᵢᵀ] − C̄XC̄ᵀ) (``symmetric_maps``)."""
        matrices, _ = self.samples_for_batches
        weights = [sp.Rational(1, len(matrices))] * len(matrices)
        return symmetric_maps(self.reduced_mean, matrices, weights, self.batch_factor)

    @cached_property
    def mean_square_polynomial(self) -> sp.Poly | None:
        """det(ηK − L) up to a constant: η* is its smallest positive root (None off a minimum)."""
        if self.kind != "minimum":
            return None
        ell, k = self.second_moment_maps
        product = ell.inv() * k
        characteristic = product.charpoly(mu)
        degree = characteristic.degree()
        reversed_ = sp.Poly(sp.expand(eta**degree * characteristic.as_expr().subs(mu, 1 / eta)), eta)
        return reversed_

    @cached_property
    def mean_square_max_lr(self) -> sp.Expr | None:
        """η*: E‖δ_t‖² → 0 for every δ₀ exactly when 0 < η < η* (None off a minimum)."""
        polynomial = self.mean_square_polynomial
        if polynomial is None:
            return None
        positive = [root for root in polynomial.real_roots() if root > 0]
        if not positive:
            raise AssertionError("a minimum always has a finite mean-square threshold")
        smallest = min(positive)
        if isinstance(smallest, sp.CRootOf) and smallest.poly.degree() <= 2:
            smallest = min(r for r in sp.roots(smallest.poly.as_expr(), smallest.poly.gen) if r.is_real and r > 0)
        return smallest

    def second_moment_radius_at(self, lr: sp.Expr) -> sp.Expr:
        """ρ(T_η) at a given η, exactly (the largest |eigenvalue| of X − ηL(X) + η²K(X))."""
        ell, k = self.second_moment_maps
        return spectral_radius(sp.eye(ell.shape[0]) - lr * ell + lr**2 * k)

    # --- a stationary point of the expected loss that is not a fixed point of SGD -----------
    @property
    def expected_gradient(self) -> sp.Matrix:
        return sp.Add(*(p * g for p, g in zip(self.model.probs, self.gradients)))

    def stationary_second_moment(self, lr: sp.Expr) -> sp.Matrix | None:
        """The stationary E[δδᵀ] of the linearised δ ← (I − ηM)δ − η g_S at a point where the expected
        gradient vanishes (not every gᵢ): P = T_η(P) + η² c_B E[gᵢgᵢᵀ] on symmetric d×d matrices (the
        batch gradient has mean 0 and covariance c_B E[gᵢgᵢᵀ], by the batch moments; the mean of δ
        is 0). None when ρ(T_η) ≥ 1 on the full space (then no stationary moment exists)."""
        if not self.expected_gradient.is_zero_matrix:
            raise ParameterError("at", "the expected gradient is not zero here: not a stationary point of the loss")
        size, probs, factor = len(self.model.params), self.model.probs, self.batch_factor
        ell, k = symmetric_maps(self.mean_hessian, self.hessians, probs, factor)
        operator = sp.eye(ell.shape[0]) - lr * ell + lr**2 * k  # T_η on symmetric d×d matrices
        if spectral_radius(operator) >= 1:
            return None
        pairs = _pairs(size)
        noise = lr**2 * factor * sp.Add(*(p * g * g.T for p, g in zip(probs, self.gradients)))
        solution = (sp.eye(len(pairs)) - operator).LUsolve(_coordinates(noise, pairs))
        moment = sp.zeros(size, size)
        for (i, j), value in zip(pairs, solution):
            moment[i, j] = moment[j, i] = value
        return moment

    # --- almost-sure stability --------------------------------------------------------------
    @property
    def commuting(self) -> bool:
        return all((a * b - b * a).is_zero_matrix for a, b in itertools.combinations(self.reduced, 2))

    @cached_property
    def directions(self) -> list[Direction] | None:
        """The common eigen-directions of commuting Cᵢ with rational eigenvalues, each with the law of
        its batch-mean eigenvalue (every batch enumerated); None if the Cᵢ do not commute or an
        eigenvalue is irrational (then no exact almost-sure answer is given)."""
        if not self.reduced or not self.commuting:
            return None
        size = self.reduced[0].shape[0]
        for weights in ((1,), (1, 2), (2, 3), (3, 7)):
            combination = sp.Add(*(w * c for w, c in zip(itertools.cycle(weights), self.reduced)))
            vectors = [v for _, _, basis in combination.eigenvects() for v in basis]
            if len(vectors) == size:
                break
        else:
            return None
        matrices, count = self.samples_for_batches
        batches = wu.batches(count, self.batch, self.replace)
        directions = []
        for vector in vectors:
            values = []
            for c in matrices:
                image = c * vector
                index = next(i for i in range(size) if vector[i] != 0)
                value = sp.nsimplify(image[index] / vector[index])
                if not (value.is_Rational and (image - value * vector).is_zero_matrix):
                    return None
                values.append(value)
            means = [sp.Add(*(values[i] for i in batch)) / self.batch for batch in batches]
            law = FiniteNoise(tuple(means), tuple(sp.Rational(1, len(means)) for _ in means))
            directions.append(Direction(vector, law))
        return directions

    def batch_update_matrices(self, lr: sp.Expr) -> tuple[list[sp.Matrix], int]:
        """Every batch's I − ηC (reduced coordinates), equally likely, and their count."""
        matrices, count = self.samples_for_batches
        size = self.reduced_mean.shape[0]
        return ([sp.eye(size) - lr * sp.Add(*(matrices[i] for i in batch)) / self.batch
                 for batch in wu.batches(count, self.batch, self.replace)], count)


def _pairs(size: int) -> list[tuple[int, int]]:
    """The coordinates (i, j), i ≤ j, of a symmetric size×size matrix."""
    return [(i, j) for i in range(size) for j in range(i, size)]


def _coordinates(x: sp.Matrix, pairs) -> sp.Matrix:
    return sp.Matrix([x[i, j] for i, j in pairs])


def symmetric_maps(mean: sp.Matrix, matrices, weights, factor: sp.Expr) -> tuple[sp.Matrix, sp.Matrix]:
    """(L, K) as matrices on symmetric X (coordinates X[i, j], i ≤ j) for a batch mean M with
    E[M] = ``mean`` and the batch factor c_B of E[M∘M] − M̄∘M̄ = c_B(Σ wᵢ Aᵢ∘Aᵢ − M̄∘M̄):
    L(X) = M̄X + XM̄ᵀ, K(X) = E[MXMᵀ] = M̄XM̄ᵀ + c_B(Σ wᵢ AᵢXAᵢᵀ − M̄XM̄ᵀ); so
    E[(I − ηM)X(I − ηM)ᵀ] = X − ηL(X) + η²K(X)."""
    pairs = _pairs(mean.shape[0])
    columns_l, columns_k = [], []
    for i, j in pairs:
        x = sp.zeros(*mean.shape)
        x[i, j] = x[j, i] = 1
        outer = mean * x * mean.T
        within = sp.Add(*(w * a * x * a.T for w, a in zip(weights, matrices)))
        columns_l.append(_coordinates(mean * x + x * mean.T, pairs))
        columns_k.append(_coordinates(outer + factor * (within - outer), pairs))
    return sp.Matrix.hstack(*columns_l), sp.Matrix.hstack(*columns_k)


def spectral_radius(matrix: sp.Matrix) -> sp.Expr:
    """The largest |eigenvalue| of an exact matrix, from its characteristic polynomial."""
    return max(abs(root) for root in matrix.charpoly(mu).all_roots())
