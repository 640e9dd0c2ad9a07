"""`derive` computations: closed forms and exact laws for the user's own parameters.

Each returns a ``Derived`` record (what, params, dps, values as decimal strings) that the CLI
prints and the book shows; the numbers come from theory/ (closed forms) and numerics/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from numerics import escape_rate, exact_law, trapset
from numerics.precision import check_dps, decimal
from theory import ziyin
from theory.errors import ParameterError
from theory.noise import FiniteNoise, GaussianNoise, Noise, UniformNoise
from theory.numbers import parse_exact, parse_list


@dataclass(frozen=True)
class Derived:
    key: str  # "claim" or "result"
    name: str
    params: dict[str, str]
    dps: int
    values: dict
    notes: list[str] = field(default_factory=list)

    @property
    def command(self) -> str:
        """The CLI command that produced it: ``derive ziyin.cor1``, ``derive trap-set``, ``simulate ziyin``."""
        return self.name if self.name.split(" ")[0] in ("derive", "simulate", "sweep") else f"derive {self.name}"

    def as_json(self) -> dict:
        """One layout for every command: command, params, dps, values (and notes); every number a
        decimal string (``json_numbers_as_strings``)."""
        payload = {"command": self.command, "params": self.params, "dps": self.dps, "values": self.values}
        if self.notes:
            payload["notes"] = self.notes
        return json_numbers_as_strings(payload)


def json_numbers_as_strings(value):
    """``value`` with every int as its decimal string and every float as ``repr`` (the shortest
    decimal that reads back to the same double): JSON consumers never see a number that lost digits."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {key: json_numbers_as_strings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_numbers_as_strings(item) for item in value]
    return value


def _closed_forms_at_a(claim_id: str, a_text: str, dps: int, forms: dict, note: str) -> Derived:
    """The closed forms ``forms`` (name -> expression in ``theory.ziyin.a``) at the user's a < 0."""
    check_dps(dps)
    a_value = ziyin.require_local_maximum(parse_exact(a_text, "a"))
    values = {name: decimal(form.subs(ziyin.a, a_value), dps) for name, form in forms.items()}
    return Derived("claim", claim_id, {"a": str(a_value)}, dps, values, [note])


def cor1(a_text: str, dps: int) -> Derived:
    """Cor. 1 / eq. (8): the trap interval (lower, upper) at a < 0, from the derived closed form."""
    interval = ziyin.trap_interval()
    forms = {"lower": interval.lower, "upper": interval.upper}
    return _closed_forms_at_a("ziyin.cor1", a_text, dps, forms, "open interval: μ = 0 at both ends")


def prop3(a_text: str, dps: int) -> Derived:
    """Prop. 3: the maximiser λ* of the escape rate on (0, 1] and γ* = γ(λ*)."""
    optimum = ziyin.optimal_escape()
    forms = {"lambda_star": optimum.lam_star, "gamma_star": optimum.gamma_star}
    return _closed_forms_at_a("ziyin.prop3", a_text, dps, forms, "supremum over 0 < λ ≤ 1")


def finite_noise(values_text: str, probs_text: str) -> FiniteNoise:
    values = parse_list(values_text, "values")
    probs = parse_list(probs_text, "probs")
    return FiniteNoise(tuple(values), tuple(probs))


def noise_from_options(values: str | None, probs: str | None, gaussian: str | None, uniform: str | None) -> Noise:
    given = [name for name, v in (("--values/--probs", values or probs), ("--gaussian", gaussian), ("--uniform", uniform)) if v]
    if len(given) != 1:
        raise ParameterError("noise", "give exactly one of --values with --probs, --gaussian MEAN,STD, --uniform LOW,HIGH")
    if gaussian:
        mean, std = _pair(gaussian, "gaussian")
        return GaussianNoise(mean, std)
    if uniform:
        low, high = _pair(uniform, "uniform")
        return UniformNoise(low, high)
    if not values or not probs:
        raise ParameterError("probs" if values else "values", "--values and --probs go together")
    return finite_noise(values, probs)


def _pair(text: str, parameter: str) -> tuple[sp.Expr, sp.Expr]:
    items = parse_list(text, parameter)
    if len(items) != 2:
        raise ParameterError(parameter, f"expected two numbers, got {len(items)}")
    return items[0], items[1]


def trap_set(noise: Noise, dps: int, params: dict[str, str]) -> Derived:
    """{λ > 0 : E ln|1 - λx| < 0} as open intervals, ends to ``dps`` digits ("inf" if unbounded)."""
    check_dps(dps)
    result = trapset.trap_set(noise, dps)
    intervals = [[decimal(low, dps), decimal(high, dps)] for low, high in result.intervals]
    values = {"intervals": intervals, "route": result.route, "certified": result.certified}
    notes = ["intervals are open"]
    if isinstance(noise, FiniteNoise):
        notes[0] += "; λ = 1/x_i (μ = -∞) lies inside its interval"
    if not result.certified:
        notes.append("endpoints from a grid scan refined by root-finding: two roots closer than the grid can be missed")
    return Derived("result", "trap-set", params, dps, values, notes)


def escape_probability(noise: FiniteNoise, lr: str, t: int, eps: str, w0: str, dps: int, params: dict[str, str]) -> Derived:
    """P(|w_t| > eps) exactly, with Lemma 1's normal approximation beside it."""
    check_dps(dps)
    if not isinstance(noise, FiniteNoise):
        raise ParameterError("values", "the exact law needs a finite noise (--values, --probs)")
    question = exact_law.EscapeQuestion(noise, parse_exact(lr, "lr"), t, parse_exact(eps, "eps"), parse_exact(w0, "w0"))
    probability = exact_law.escape_probability(question, dps)
    values = {"probability": decimal(probability, dps)}
    notes = []
    try:
        values["clt_approximation"] = decimal(exact_law.clt_escape_probability(question, dps), dps)
    except ParameterError as error:
        notes.append(f"no CLT approximation: {error.message}")
    with mpmath.workdps(dps):
        values["log_rate_mu"] = decimal(trapset.log_rate(noise, mpmath.mpmathify(sp.N(question.lr, dps + 10)), dps), dps)
    return Derived("result", "escape-prob", params, dps, values, notes)


def escape_rate_values(noise: Noise, lr: str | None, lr_range: str | None, dps: int, params: dict[str, str]) -> Derived:
    """γ(λ) = E ln|1 - λx| at one λ (value gamma), or its supremum over LOW:HIGH (gamma_sup, argmax)."""
    check_dps(dps)
    if (lr is None) == (lr_range is None):
        raise ParameterError("lr", "give exactly one of --lr or --lr-range LOW:HIGH")
    if lr is not None:
        rate = parse_exact(lr, "lr")
        if not rate.is_positive:
            raise ParameterError("lr", f"learning rate must be positive, got {rate}")
        with mpmath.workdps(dps + 10):
            gamma = trapset.log_rate(noise, mpmath.mpmathify(sp.N(rate, dps + 10)), dps)
        return Derived("result", "escape-rate", params, dps, {"gamma": decimal(gamma, dps)})
    parts = lr_range.split(":")
    if len(parts) != 2:
        raise ParameterError("lr-range", f"expected LOW:HIGH, got {lr_range!r}")
    low, high = (parse_exact(part, "lr-range") for part in parts)
    with mpmath.workdps(dps + 10):
        best = escape_rate.supremum(noise, sp.N(low, dps + 10), sp.N(high, dps + 10), dps)
    values = {"gamma_sup": decimal(best.gamma, dps), "argmax": decimal(best.argmax, dps)}
    notes = [f"grid of {escape_rate.GRID_POINTS + 1} points refined by root-finding on dγ/dλ; not certified"]
    return Derived("result", "escape-rate", params, dps, values, notes)
