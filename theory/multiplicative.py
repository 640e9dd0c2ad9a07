r"""The multiplicative model \hat L(w) = x w^2 / 2 with x drawn afresh at every step.

Ziyin et al. (2021, eq. (4); 2022, eq. (2)). One SGD step multiplies w by the factor 1 - λx,
so ln|w_t/w_0| is a sum of i.i.d. terms ln|1 - λx_i| (Lemma 1, eqs. (21)-(22) [2021]). All
closed forms here are derived from the sampled loss by SymPy, never typed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from itertools import pairwise

import sympy as sp

from .errors import ParameterError
from .noise import FiniteNoise

w = sp.Symbol("w", real=True)
lam = sp.Symbol("lambda", positive=True)

#: degree above which the exact polynomial route is refused (SymPy root isolation: about 25 s at
#: degree 100 on this project's machine, minutes at 200); numerics.trapset then scans, uncertified
MAX_EXACT_DEGREE = 120


def sampled_loss(x_value: sp.Expr) -> sp.Expr:
    r"""\hat L(w; x) = x w^2 / 2."""
    return x_value * w**2 / 2


def update_factor(x_value: sp.Expr, lr: sp.Expr = lam) -> sp.Expr:
    """The factor 1 - λx by which one SGD step w ← w - λ ∂_w L̂ multiplies w (derived)."""
    step = w - lr * sp.diff(sampled_loss(x_value), w)
    return sp.expand(sp.cancel(step / w))


def log_rate(noise: FiniteNoise, lr: sp.Expr = lam) -> sp.Expr:
    """μ(λ) = E ln|1 - λx| (Lemma 1); also the escape rate γ(λ) of Def. 2/3."""
    return noise.expectation(lambda v: sp.log(sp.Abs(update_factor(v, lr))))


def log_variance(noise: FiniteNoise, lr: sp.Expr = lam) -> sp.Expr:
    """s²(λ) = Var ln|1 - λx| (Lemma 1)."""
    mu = log_rate(noise, lr)
    return noise.expectation(lambda v: sp.log(sp.Abs(update_factor(v, lr))) ** 2) - mu**2


def moment_factor(noise: FiniteNoise, k: int, lr: sp.Expr = lam) -> sp.Expr:
    """E[(1 - λx)^k]: E[w_{t+1}^k] = E[(1-λx)^k] E[w_t^k] since x_t is independent of w_t."""
    return sp.expand(noise.expectation(lambda v: update_factor(v, lr) ** k))


@dataclass(frozen=True)
class TrapPolynomial:
    """μ(λ) = ln|P(λ)| / q with P(λ) = Π_i (1 - λx_i)^{q p_i}, for rational probabilities p_i.

    Hence μ(λ) < 0  ⇔  P(λ)² < 1: the trap set is cut out by the real roots of P ∓ 1.
    """

    poly: sp.Poly
    denominator: int


def trap_polynomial(noise: FiniteNoise) -> TrapPolynomial:
    if not all(p.is_Rational for p in noise.probs):
        raise ParameterError("probs", "the exact trap set needs rational probabilities")
    q = reduce(sp.ilcm, (p.q for p in noise.probs), 1)
    degree = sum(int(p * q) for v, p in noise.atoms if v != 0)
    if degree > MAX_EXACT_DEGREE:
        raise ParameterError(
            "probs",
            f"common denominator {q} gives a degree-{degree} polynomial (exact route limit {MAX_EXACT_DEGREE})",
        )
    product = sp.Mul(*(update_factor(v) ** int(p * q) for v, p in noise.atoms))
    return TrapPolynomial(sp.Poly(sp.expand(product), lam), int(q))


@dataclass(frozen=True)
class RootEnclosure:
    """A certified enclosure ``low ≤ r ≤ high`` (rationals, 0 < low) of the one root r of the
    squarefree ``poly`` in that closed interval."""

    poly: sp.Poly
    low: sp.Rational
    high: sp.Rational

    def refined(self, relative: sp.Rational) -> RootEnclosure:
        """The enclosure narrowed (by exact bisection) to width ≤ ``relative`` · low."""
        low, high = self.low, self.high
        while high - low > relative * low:
            low, high = _narrowed(self.poly, low, high)
        return RootEnclosure(self.poly, low, high)


@dataclass(frozen=True)
class TrapInterval:
    """One open interval (low, high) of learning rates with μ(λ) < 0; ends are exact numbers.

    ``high`` is ``sympy.oo`` for an unbounded piece. A positive end that is a root of P ∓ 1 comes
    with its certified rational enclosure (``low_enclosure``, ``high_enclosure``): evaluate the end
    from it, never from the closed form, whose radicals may cancel catastrophically (1e300 ≫ 2).
    """

    low: sp.Expr
    high: sp.Expr
    low_enclosure: RootEnclosure | None = field(default=None, compare=False)
    high_enclosure: RootEnclosure | None = field(default=None, compare=False)


def trap_set(noise: FiniteNoise) -> list[TrapInterval]:
    """The exact set {λ > 0 : E ln|1 - λx| < 0} as disjoint open intervals.

    Endpoints are the positive real roots of P(λ) = ±1. Every decision is made on rational
    isolating intervals of those roots (SymPy's exact real-root isolation, so it is certified at
    any magnitude of the atoms): which roots are positive, their order, and a rational probe in
    each piece, classified by the exact sign of P² - 1 there.
    """
    if not all(v.is_Rational for v in noise.values):
        raise ParameterError("values", "the exact trap set needs rational values")
    poly = trap_polynomial(noise).poly
    if poly.degree() <= 0:
        return []  # x ≡ 0: μ ≡ 0, never negative
    cuts = _separated(_positive_roots(poly - 1) + _positive_roots(poly + 1))
    probes = [cuts[0][1].low / 2] if cuts else [sp.Integer(1)]
    probes += [(left.high + right.low) / 2 for (_, left), (_, right) in pairwise(cuts)]
    if cuts:
        probes.append(cuts[-1][1].high + 1)
    ends = [(sp.Integer(0), None)] + cuts + [(sp.oo, None)]
    pieces = []
    for (low, low_box), (high, high_box), probe in zip(ends, ends[1:], probes):
        value, scale = _scaled_value(poly, probe)
        if abs(value) < scale:  # P(probe)² < 1
            pieces.append(TrapInterval(low, high, low_box, high_box))
    return pieces


def _scaled_value(poly: sp.Poly, point: sp.Rational) -> tuple[int, int]:
    """(N, D) with poly(point) = N / D and D > 0, by Horner's rule on Python integers: fast at any
    size (SymPy's Poly.eval turns a rational of more than 4300 digits into text, which Python refuses)."""
    coefficients = [sp.Rational(c) for c in poly.all_coeffs()]
    common = 1
    for c in coefficients:
        common = common * int(c.q) // math.gcd(common, int(c.q))
    integers = [int(c.p) * (common // int(c.q)) for c in coefficients]
    p, q = int(point.p), int(point.q)
    total, q_power = integers[0], 1
    for a in integers[1:]:
        q_power *= q
        total = total * p + a * q_power
    return total, common * q_power


def _sign(poly: sp.Poly, point: sp.Rational) -> int:
    value, _ = _scaled_value(poly, point)
    return (value > 0) - (value < 0)


def _narrowed(poly: sp.Poly, low: sp.Rational, high: sp.Rational) -> tuple[sp.Rational, sp.Rational]:
    """Half of [low, high] that still holds the root (exact signs; a rational root is returned as [r, r])."""
    mid = (low + high) / 2
    at_mid, at_low = _sign(poly, mid), _sign(poly, low)
    if at_mid == 0:
        return mid, mid
    return (low, mid) if at_low * at_mid < 0 or at_low == 0 else (mid, high)


def _positive_roots(shifted: sp.Poly) -> list[tuple[sp.Expr, RootEnclosure]]:
    """(closed form, enclosure with 0 < low) of each positive real root of ``shifted``.

    A rational root is its own enclosure [r, r]; any other root is enclosed by SymPy's isolating
    interval on its irreducible factor (degree ≥ 2, so no rational point, 0 included, is a root of it).
    """
    square_free = sp.Poly(shifted.sqf_part(), lam)
    found = []
    # all real roots at once: SymPy isolates them per irreducible factor in one pass (counting them
    # by Sturm sequences and building each CRootOf alone took minutes at degree 50)
    for root in square_free.real_roots(radicals=False):
        if root.is_Rational:
            if root > 0:
                found.append((root, RootEnclosure(sp.Poly(lam - root, lam), root, root)))
            continue
        factor, (low, high) = _isolated(root)
        while low <= 0 <= high:
            low, high = _narrowed(factor, low, high)
        if low > 0:
            form = root
            if isinstance(root, sp.CRootOf) and factor.degree() == 2 and _small(factor):  # radicals, as real_roots writes them
                form = sp.Poly(factor.as_expr().subs(factor.gen, lam), lam).real_roots()[root.index]
            found.append((form, RootEnclosure(factor, low, high)))
    return found


#: coefficients of at most this many bits get a closed form in radicals (SymPy simplifies the square
#: root of the discriminant by factoring it: minutes for the 8000-digit ones of an atom at 1e4000)
RADICAL_BITS = 256


def _small(poly: sp.Poly) -> bool:
    coefficients = sp.Poly(poly.as_expr(), poly.gen).clear_denoms()[1].coeffs()
    return all(int(abs(c)).bit_length() <= RADICAL_BITS for c in coefficients)


def _isolated(root: sp.Expr) -> tuple[sp.Poly, tuple[sp.Rational, sp.Rational]]:
    """(irreducible polynomial of ``root``, a rational interval isolating it among that polynomial's roots)."""
    coefficient, rest = root.as_coeff_Mul()  # SymPy may write c·CRootOf(f, i) for a root of f(λ/c)
    if isinstance(rest, sp.CRootOf) and coefficient.is_Rational and coefficient != 0:
        box = rest._get_interval()  # SymPy's certified isolating interval
        ends = sorted(coefficient * sp.Rational(int(e.numerator), int(e.denominator)) for e in (box.a, box.b))
        return sp.Poly(rest.poly.as_expr().subs(rest.poly.gen, lam / coefficient), lam), tuple(ends)
    # SymPy wrote the root in radicals (a binomial factor λ^k - c): a product of powers, which
    # evaluates without cancellation; pick the isolating interval of its minimal polynomial around it
    factor = sp.Poly(sp.minimal_polynomial(root, lam), lam)
    value = sp.Rational(str(sp.N(root, 50)))
    for (low, high), _ in factor.intervals():
        low, high = sp.Rational(low), sp.Rational(high)
        if low <= value <= high:
            return factor, (low, high)
    raise AssertionError(f"no isolating interval holds {root}")


def _separated(cuts: list[tuple[sp.Expr, RootEnclosure]]) -> list[tuple[sp.Expr, RootEnclosure]]:
    """The roots in increasing order, their enclosures narrowed until consecutive ones are disjoint."""
    cuts = sorted(cuts, key=lambda cut: cut[1].low)
    while True:
        overlap = [i for i in range(len(cuts) - 1) if cuts[i][1].high >= cuts[i + 1][1].low]
        if not overlap:
            return cuts
        for i in overlap:
            for j in (i, i + 1):
                form, box = cuts[j]
                cuts[j] = (form, RootEnclosure(box.poly, *_narrowed(box.poly, box.low, box.high)))
        cuts.sort(key=lambda cut: cut[1].low)
