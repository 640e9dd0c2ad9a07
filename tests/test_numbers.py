"""The restricted number grammar: exact values, and nothing else gets through."""

from pathlib import Path

import pytest
import sympy as sp

from theory.errors import ParameterError
from theory.numbers import parse_exact, parse_list


@pytest.mark.parametrize(
    "text, value",
    [
        ("-0.1", sp.Rational(-1, 10)),
        ("1/3", sp.Rational(1, 3)),
        ("1e-3", sp.Rational(1, 1000)),
        ("2.5E+2", sp.Integer(250)),
        ("(1+sqrt(17))/4", (1 + sp.sqrt(17)) / 4),
        ("2**-3", sp.Rational(1, 8)),
        (" 7 ", sp.Integer(7)),
        ("pi/2", sp.pi / 2),
    ],
)
def test_numbers_are_exact(text, value):
    assert sp.simplify(parse_exact(text) - value) == 0


def test_decimal_is_not_read_through_a_float():
    assert parse_exact("0.1") == sp.Rational(1, 10)
    assert parse_exact("0.1") != sp.Rational(0.1)


@pytest.mark.parametrize(
    "text",
    ["", "x", "nan", "inf", "1/0", "sqrt(-1)", "2**1000000", "1e999", "[1]", "lambda: 1", "1 if 1 else 2",
     "__import__('os')", "().__class__", "sqrt(1, 2)", "True", "'1'", "2**x"],
)
def test_bad_numbers_are_refused_with_the_parameter_named(text):
    with pytest.raises(ParameterError) as error:
        parse_exact(text, "lr")
    assert error.value.parameter == "lr"
    assert str(error.value).startswith("lr: ")


def test_injection_attempt_is_refused_and_not_executed(tmp_path):
    target = tmp_path / "pwned"
    with pytest.raises(ParameterError):
        parse_exact(f"open({str(target)!r}, 'w').write('x')")
    assert not Path(target).exists()


def test_power_towers_are_refused():
    with pytest.raises(ParameterError):
        parse_exact("((((2**64)**64)**64)**64)**64")
    assert parse_exact("(2**64)**2") == 2**128


def test_finite_noise_never_evaluates_strings():
    from theory.noise import FiniteNoise

    with pytest.raises(ParameterError) as error:
        FiniteNoise.of(["__import__('os').getcwd()", "1"], [sp.Rational(1, 2)] * 2)
    assert error.value.parameter == "values"
    assert FiniteNoise.of([1, -2], [sp.Rational(1, 2)] * 2).values == (1, -2)


def test_lists():
    assert parse_list("1,-2", "values") == [1, -2]
    with pytest.raises(ParameterError):
        parse_list("1,,2", "values")
    with pytest.raises(ParameterError):
        parse_list("", "values")


@pytest.mark.parametrize("text", ["1_000", "0x10", "0b11", "0o7", "1_0.5", "2**0x2"])
def test_the_grammar_itself_refuses_radix_and_underscore_literals(text):
    with pytest.raises(ParameterError):
        parse_exact(text, "value")
