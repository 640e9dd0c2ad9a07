"""The exact finite-t law against brute-force enumeration, and its edge cases."""

import itertools
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from numerics.exact_law import EscapeQuestion, clt_escape_probability, escape_probability
from theory import multiplicative
from theory.errors import ParameterError
from theory.noise import FiniteNoise

R = sp.Rational
TWO_POINT = FiniteNoise.of([1, -2], [R(1, 2), R(1, 2)])


def brute(law, lr, steps, eps, w0=1):
    factors = [Fraction(str(multiplicative.update_factor(v, lr))) for v in law.values]
    probs = [Fraction(str(p)) for p in law.probs]
    total = Fraction(0)
    for sequence in itertools.product(range(len(factors)), repeat=steps):
        size, weight = Fraction(str(w0)), Fraction(1)
        for i in sequence:
            size *= factors[i]
            weight *= probs[i]
        total += weight if abs(size) > Fraction(str(eps)) else 0
    return total


@pytest.mark.parametrize(
    "law, lr, steps, eps, w0",
    [
        (TWO_POINT, R(4, 5), 9, R(1, 1000), 1),
        (TWO_POINT, R(1, 2), 8, sp.Integer(1), 1),  # ties |w_t| = ε
        (FiniteNoise.of([1, -2, 3], [R(1, 6), R(1, 3), R(1, 2)]), R(3, 10), 6, R(1, 2), 1),
        (FiniteNoise.of([1, -2, 3, R(1, 2)], [R(1, 6), R(1, 3), R(1, 4), R(1, 4)]), sp.Integer(1), 5, R(1, 3), R(1, 2)),
    ],
)
def test_matches_enumeration(law, lr, steps, eps, w0):
    expected = brute(law, lr, steps, eps, w0)
    got = escape_probability(EscapeQuestion(law, lr, steps, eps, sp.sympify(w0)), 40)
    with mpmath.workdps(40):
        assert abs(got - mpmath.mpf(expected.numerator) / expected.denominator) < mpmath.mpf(10) ** -35


def test_unit_rate_kills_half_the_runs_each_step():
    got = escape_probability(EscapeQuestion(TWO_POINT, sp.Integer(1), 20, R(1, 10**30)), 30)
    assert abs(got - mpmath.mpf(2) ** -20) < mpmath.mpf(10) ** -40


def test_time_zero():
    assert escape_probability(EscapeQuestion(TWO_POINT, R(1, 2), 0, R(1, 2)), 20) == 1
    assert escape_probability(EscapeQuestion(TWO_POINT, R(1, 2), 0, sp.Integer(2)), 20) == 0


def test_clt_is_close_at_large_t():
    question = EscapeQuestion(TWO_POINT, R(4, 5), 2000, R(1, 1000))
    gap = abs(escape_probability(question, 30) - clt_escape_probability(question, 30))
    assert gap < 0.4748 / mpmath.sqrt(2000)


@pytest.mark.parametrize(
    "kwargs, parameter",
    [
        ({"lr": R(-1, 2)}, "lr"),
        ({"lr": sp.Integer(0)}, "lr"),
        ({"t": -1}, "t"),
        ({"eps": sp.Integer(0)}, "eps"),
        ({"w0": sp.Integer(0)}, "w0"),
    ],
)
def test_bad_input(kwargs, parameter):
    arguments = {"noise": TWO_POINT, "lr": R(1, 2), "t": 3, "eps": R(1, 2), **kwargs}
    with pytest.raises(ParameterError) as error:
        EscapeQuestion(**arguments)
    assert error.value.parameter == parameter


def test_clt_refuses_an_atom_at_one_over_lambda():
    with pytest.raises(ParameterError):
        clt_escape_probability(EscapeQuestion(TWO_POINT, sp.Integer(1), 5, R(1, 2)))


def test_the_cost_of_the_exact_law_is_estimated_before_any_work():
    """t = 10⁶ with three atoms would sum about 10¹⁰ terms: refused from the estimate (the test would
    otherwise run for hours), while t = 200 is answered."""
    noise = FiniteNoise.of([1, -2, 3], [sp.Rational(1, 6), sp.Rational(1, 2), sp.Rational(1, 3)])
    with pytest.raises(ParameterError, match="high-precision terms"):
        escape_probability(EscapeQuestion(noise, sp.Rational(4, 5), 10**6, sp.Rational(1, 1000)), 50)
    assert 0 <= escape_probability(EscapeQuestion(noise, sp.Rational(4, 5), 200, sp.Rational(1, 1000)), 30) <= 1
