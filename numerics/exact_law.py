r"""The exact finite-t law of ln|w_t| for discrete noise, without simulation.

For \hat L = x w²/2 and x with atoms x_i (probabilities p_i), w_t = w_0 Π_i c_i^{n_i} with
c_i = 1 - λx_i and (n_1, …, n_m) ~ Multinomial(t; p). The escape event |w_t| > ε is a half-space
Σ n_i ln|c_i| > ln(ε/|w_0|) in the counts, so the last two counts reduce to a binomial tail
(regularised incomplete beta at ``dps`` digits) and the others are enumerated. Draws of an atom
with c_i = 0 send w to 0 for good. Boundary cases |w_t| = ε are decided in exact arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from theory import multiplicative
from theory.errors import ParameterError
from theory.noise import FiniteNoise

from .precision import evaluate, working_precision

#: largest number of outer enumeration points (compositions of the first m-2 counts)
MAX_ENUMERATION = 2_000_000
#: largest estimated number of binomial terms summed at working precision (outer points × terms each)
MAX_WORK = 5_000_000


def tail_terms(n: int) -> int:
    """About how many pmf terms a binomial tail of n draws sums before they are negligible at the working
    precision: the pmf falls below 2^-(prec+10) of its peak within √(2(prec+10) ln 2) standard deviations,
    and σ ≤ √n/2."""
    return int(math.sqrt(2 * (mpmath.mp.prec + 10) * math.log(2)) * math.sqrt(n) / 2) + 1


@dataclass(frozen=True)
class EscapeQuestion:
    """P(|w_t| > eps) for SGD on x w²/2 from w0, at learning rate lr, after t steps."""

    noise: FiniteNoise
    lr: sp.Expr
    t: int
    eps: sp.Expr
    w0: sp.Expr = sp.Integer(1)

    def __post_init__(self):
        if not (self.lr.is_real and self.lr.is_positive):
            raise ParameterError("lr", f"learning rate must be positive, got {self.lr}")
        if isinstance(self.t, bool) or not isinstance(self.t, int) or self.t < 0:
            raise ParameterError("t", f"number of steps must be a non-negative integer, got {self.t}")
        if not (self.eps.is_real and self.eps.is_positive):
            raise ParameterError("eps", f"threshold must be positive, got {self.eps}")
        if not (self.w0.is_real and self.w0.is_finite) or self.w0 == 0:
            raise ParameterError("w0", f"initial point must be a non-zero real, got {self.w0}")

    @property
    def factors(self) -> list[sp.Expr]:
        return [sp.expand(multiplicative.update_factor(v, self.lr)) for v in self.noise.values]


def escape_probability(question: EscapeQuestion, dps: int = 50) -> mpmath.mpf:
    """P(|w_t| > ε) exactly (to ``dps`` digits), by the multinomial law of the draws."""
    noise, t = question.noise, question.t
    with working_precision(dps):
        factors = question.factors
        live = [i for i, c in enumerate(factors) if c != 0]
        if not live:
            return mpmath.mpf(0) if t > 0 else _indicator(question, [0] * len(factors))
        probs = [evaluate(noise.probs[i], dps) for i in live]
        p_live = mpmath.fsum(probs)
        # P(no draw of a killing atom) times the law of counts among the live atoms
        scale = p_live**t
        cond = [p / p_live for p in probs]
        logs = [mpmath.log(abs(evaluate(factors[i], dps))) for i in live]
        target = mpmath.log(evaluate(question.eps / abs(question.w0), dps))
        total = _tail(question, live, cond, logs, target, t, dps)
        return scale * total


def _tail(question, live, cond, logs, target, t, dps) -> mpmath.mpf:
    m = len(live)
    if m == 1:
        return mpmath.mpf(1) if _escapes(question, {live[0]: t}, logs[0] * t - target) else mpmath.mpf(0)
    outer = math.comb(t + m - 2, m - 2) if m > 2 else 1
    if outer > MAX_ENUMERATION:
        raise ParameterError("t", f"exact law needs {outer} enumeration points (limit {MAX_ENUMERATION}); lower t")
    work = outer * tail_terms(t)
    if work > MAX_WORK:
        raise ParameterError("t", f"the exact law at t = {t} with {m} atoms needs about {work:.1e} high-precision terms "
                                  f"(limit {MAX_WORK:.0e}); lower --t, or use the CLT value or `simulate ziyin`")
    total = mpmath.mpf(0)
    for head in _compositions(t, m - 2):
        rest = t - sum(head)
        pair = cond[-2] + cond[-1]
        log_weight = mpmath.loggamma(t + 1) - mpmath.loggamma(rest + 1) + rest * mpmath.log(pair)
        for n, p in zip(head, cond):
            log_weight += n * mpmath.log(p) - mpmath.loggamma(n + 1)
        weight = mpmath.exp(log_weight)
        base = mpmath.fsum(n * lg for n, lg in zip(head, logs))
        total += weight * _binomial_part(question, live, head, rest, cond[-2:], logs[-2:], base, target, dps)
    return total


def _binomial_part(question, live, head, rest, pair_probs, pair_logs, base, target, dps) -> mpmath.mpf:
    """Σ_k C(rest,k) q^k (1-q)^{rest-k} 1[base + k ln|c_a| + (rest-k) ln|c_b| > target]."""
    q = pair_probs[0] / (pair_probs[0] + pair_probs[1])
    slope = pair_logs[0] - pair_logs[1]
    offset = base + rest * pair_logs[1] - target  # escaped iff offset + k*slope > 0

    def escapes(k):
        counts = dict(zip(live, list(head) + [k, rest - k]))
        return _escapes(question, counts, offset + k * slope)

    if slope == 0:
        return mpmath.mpf(1) if escapes(0) else mpmath.mpf(0)
    k_star = -offset / slope  # the boundary in k
    if slope > 0:  # escaped iff k > k_star: find the smallest escaping k
        k = max(0, min(rest + 1, int(mpmath.floor(k_star))))
        while k <= rest and not escapes(k):
            k += 1
        while k > 0 and escapes(k - 1):
            k -= 1
        return _binomial_upper(rest, q, k)
    k = max(-1, min(rest, int(mpmath.ceil(k_star))))  # escaped iff k < k_star: largest escaping k
    while k >= 0 and not escapes(k):
        k -= 1
    while k < rest and escapes(k + 1):
        k += 1
    return _binomial_lower(rest, q, k)


def _binomial_lower(n: int, q, k: int) -> mpmath.mpf:
    """P(Binomial(n, q) ≤ k), by the same cancellation-free tail sums."""
    if k < 0:
        return mpmath.mpf(0)
    if k >= n:
        return mpmath.mpf(1)
    if k < n * q:
        return _tail_sum(n, q, k, -1)
    return 1 - _tail_sum(n, q, k + 1, +1)


def _binomial_upper(n: int, q, k: int) -> mpmath.mpf:
    """P(Binomial(n, q) ≥ k), summing positive terms away from the mean (no cancellation).

    The tail beyond the mean is summed outwards from k; otherwise the other tail is, and
    subtracted from 1 (it is then at most about one half, so nothing is lost).
    """
    if k <= 0:
        return mpmath.mpf(1)
    if k > n:
        return mpmath.mpf(0)
    if k > n * q:
        return _tail_sum(n, q, k, +1)
    return 1 - _tail_sum(n, q, k - 1, -1)


def _tail_sum(n: int, q, start: int, direction: int) -> mpmath.mpf:
    """Σ of the Binomial(n, q) pmf from ``start`` outwards (direction ±1) until terms are negligible."""
    log_term = (
        mpmath.loggamma(n + 1) - mpmath.loggamma(start + 1) - mpmath.loggamma(n - start + 1)
        + start * mpmath.log(q) + (n - start) * mpmath.log(1 - q)
    )
    term = mpmath.exp(log_term)
    ratio_up = q / (1 - q)
    total, k = mpmath.mpf(0), start
    negligible = mpmath.mpf(2) ** (-mpmath.mp.prec - 10)
    while 0 <= k <= n:
        total += term
        if term <= total * negligible:
            break
        if direction > 0:
            term *= ratio_up * (n - k) / (k + 1)
        else:
            term *= k / ((n - k + 1) * ratio_up)
        k += direction
    return total


def _escapes(question: EscapeQuestion, counts: dict[int, int], log_margin) -> bool:
    """|w0| Π|c_i|^{n_i} > ε, decided exactly when the floating margin is too small to trust."""
    if abs(log_margin) > mpmath.mpf(10) ** (-(mpmath.mp.dps - 15)):
        return bool(log_margin > 0)
    factors = question.factors
    if all(f.is_Rational for f in factors) and question.eps.is_Rational and question.w0.is_Rational:
        size = Fraction(abs(question.w0.p), question.w0.q)
        for i, n in counts.items():
            c = abs(factors[i])
            size *= Fraction(c.p, c.q) ** n
        return size > Fraction(question.eps.p, question.eps.q)
    lhs = abs(question.w0) * sp.Mul(*(abs(factors[i]) ** n for i, n in counts.items()))
    return bool(sp.simplify(lhs - question.eps) > 0)


def _indicator(question: EscapeQuestion, counts) -> mpmath.mpf:
    return mpmath.mpf(1) if abs(question.w0) > question.eps else mpmath.mpf(0)


def _compositions(total: int, parts: int):
    """All (n_1..n_parts) of non-negative integers with sum ≤ total."""
    if parts == 0:
        yield ()
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def clt_escape_probability(question: EscapeQuestion, dps: int = 50) -> mpmath.mpf:
    """Lemma 1's normal approximation: P(|w_t| > ε) ≈ 1 - Φ((ln(ε/|w0|) - tμ) / (s√t))."""
    if any(c == 0 for c in question.factors):
        raise ParameterError("lr", "Lemma 1 needs E ln|1 - λx| finite, but an atom sits at x = 1/λ")
    with working_precision(dps):
        mu = evaluate(multiplicative.log_rate(question.noise, question.lr), dps)
        s2 = evaluate(multiplicative.log_variance(question.noise, question.lr), dps)
        target = mpmath.log(evaluate(question.eps / abs(question.w0), dps))
        if question.t == 0 or s2 == 0:
            return mpmath.mpf(1) if question.t * mu > target else mpmath.mpf(0)
        z = (target - question.t * mu) / mpmath.sqrt(s2 * question.t)
        return mpmath.ncdf(-z)
