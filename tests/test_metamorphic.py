"""Metamorphic tests of the derive commands: answers that must move together when the input moves.

Scaling x → c·x maps the trap set λ → λ/c; permuting the atoms changes nothing; repeated values
merge into one atom; scaling x by c and λ by 1/c leaves ``escape-prob`` unchanged; and λ = 1/x_i
(a zero factor, μ = -∞) lies inside the trap set at every magnitude the parser accepts (issue 10:
1e300 was answered with an empty, "certified" set).
"""

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics import trapset
from theory import multiplicative
from theory.noise import FiniteNoise
from theory.numbers import parse_exact
from verify.cli import main

DPS = 30
AGREE = mpmath.mpf(10) ** -(DPS - 5)
#: examples per property: each runs the CLI in process (a few per second), so CI's 2,000 would not fit
FEW = settings(max_examples=30)


def derive(*argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(["derive", *argv, "--dps", str(DPS), "--json"])
        except SystemExit as exit_:
            assert exit_.code == 0, err.getvalue()
    return json.loads(out.getvalue())["values"]


def trap_set(values: list[str], probs: list[str]) -> dict:
    return derive("trap-set", "--values", ",".join(values), "--probs", ",".join(probs))


def ends(answer: dict) -> list[list[mpmath.mpf]]:
    with mpmath.workdps(DPS + 10):
        return [[mpmath.mpf(end) for end in piece] for piece in answer["intervals"]]


def close(a, b) -> bool:
    with mpmath.workdps(DPS + 10):
        if mpmath.isinf(a) or mpmath.isinf(b) or a == 0 or b == 0:
            return a == b
        return abs(a - b) <= AGREE * abs(b)


@st.composite
def law(draw):
    """(values, probs) as text: 1-3 distinct small non-zero rationals, exact probabilities."""
    size = draw(st.integers(1, 3))
    values = draw(st.lists(st.builds(sp.Rational, st.integers(-9, 9).filter(bool), st.integers(1, 5)),
                           min_size=size, max_size=size, unique=True))
    weights = draw(st.lists(st.integers(1, 3), min_size=size, max_size=size))
    return [str(v) for v in values], [str(sp.Rational(w, sum(weights))) for w in weights]


exponent = st.one_of(st.integers(-300, 300), st.sampled_from([-400, 400]))


@FEW
@given(law(), exponent, st.sampled_from(["1", "3/7", "5"]))
def test_scaling_x_scales_the_trap_set_inversely(noise, k, mantissa):
    values, probs = noise
    scale = sp.Rational(mantissa) * sp.Integer(10) ** k
    base = trap_set(values, probs)
    scaled = trap_set([f"({v})*{mantissa}*1e{k}" for v in values], probs)
    assert base["certified"] and scaled["certified"]
    assert len(base["intervals"]) == len(scaled["intervals"])
    with mpmath.workdps(DPS + 10):
        factor = mpmath.mpf(scale.p) / scale.q
        for (lo, hi), (slo, shi) in zip(ends(base), ends(scaled)):
            assert close(slo * factor, lo) and close(shi * factor, hi), (base, scaled)


@FEW
@given(law(), st.randoms(use_true_random=False))
def test_permuting_the_atoms_changes_nothing(noise, random):
    values, probs = noise
    order = list(range(len(values)))
    random.shuffle(order)
    assert trap_set([values[i] for i in order], [probs[i] for i in order]) == trap_set(values, probs)


@FEW
@given(law())
def test_repeated_values_merge(noise):
    values, probs = noise
    halves = [str(sp.Rational(p) / 2) for p in probs]
    repeated = trap_set(values + values, halves + halves)
    assert repeated == trap_set(values, probs)
    args = ["--lr", "2/5", "--t", "12", "--eps", "1/10"]
    assert (derive("escape-prob", "--values", ",".join(values + values), "--probs", ",".join(halves + halves), *args)
            == derive("escape-prob", "--values", ",".join(values), "--probs", ",".join(probs), *args))


def test_repeated_values_are_one_atom():
    noise = FiniteNoise.of([1, -2, 1], [sp.Rational(1, 4), sp.Rational(1, 2), sp.Rational(1, 4)])
    assert noise.values == (1, -2) and noise.probs == (sp.Rational(1, 2), sp.Rational(1, 2))


@FEW
@given(law(), exponent, st.sampled_from(["1/5", "4/5", "3/2"]), st.integers(1, 30))
def test_escape_probability_is_invariant_under_x_to_cx_and_lr_to_lr_over_c(noise, k, lr, steps):
    values, probs = noise
    common = ["--probs", ",".join(probs), "--t", str(steps), "--eps", "1/100"]
    base = derive("escape-prob", "--values", ",".join(values), "--lr", lr, *common)
    moved = derive("escape-prob", "--values", ",".join(f"({v})*1e{k}" for v in values), "--lr", f"({lr})*1e{-k}", *common)
    assert close(mpmath.mpf(moved["probability"]), mpmath.mpf(base["probability"])) or (
        moved["probability"] == base["probability"])


def power_of_ten(k: int) -> str:
    """10^k as parser text: a product of literals 1e±400 at most (the parser's literal limit)."""
    chunks = [400 * (1 if k > 0 else -1)] * (abs(k) // 400) + ([k % 400 if k > 0 else -(-k % 400)] if k % 400 else [])
    return "*".join(f"1e{c}" for c in chunks) or "1"


@pytest.mark.parametrize("k", [*range(-300, 301, 50), 400, -400, 800, -800, 4000, -4000])
def test_a_zero_factor_is_trapped_at_every_magnitude(k):
    """x ∈ {10^k, -2}: λ = 10^-k makes the factor 1 - λx vanish, so it lies inside the trap set —
    decided on the certified enclosures of the ends (at k < 0 the piece is narrower than 30 digits)."""
    text = power_of_ten(k)
    answer = trap_set([text, "-2"], ["1/2", "1/2"])
    assert answer["certified"] and len(answer["intervals"]) == 1
    zero = sp.Integer(10) ** -k
    (piece,) = multiplicative.trap_set(FiniteNoise.of([parse_exact(text), -2], [sp.Rational(1, 2)] * 2))
    narrow = sp.Rational(1, 10 ** (abs(k) + 10))
    below = piece.low_enclosure.refined(narrow).high if piece.low_enclosure else piece.low
    above = piece.high_enclosure.refined(narrow).low if piece.high_enclosure else piece.high
    assert below < zero < above
    with mpmath.workdps(DPS + 10):
        (lo, hi), = ends(answer)
        assert lo <= mpmath.mpf(10) ** -k <= hi


def test_issue_10_huge_atom():
    (piece,) = ends(trap_set(["1e300", "-2"], ["1/2", "1/2"]))
    with mpmath.workdps(DPS + 10):
        assert piece[0] == 0 and close(piece[1], 2 * mpmath.mpf(10) ** -300)  # the root of P + 1 is 2e-300 (1 - 4e-300)


@given(law())
def test_every_positive_atom_has_its_zero_factor_inside_the_set(noise):
    values, probs = noise
    result = trapset.trap_set(FiniteNoise.of([sp.Rational(v) for v in values], [sp.Rational(p) for p in probs]), DPS)
    with mpmath.workdps(DPS + 10):
        for v in values:
            if sp.Rational(v) > 0:
                zero = mpmath.mpf(1) / mpmath.mpf(sp.Rational(v).p) * sp.Rational(v).q
                assert any(lo < zero < hi for lo, hi in result.intervals)
