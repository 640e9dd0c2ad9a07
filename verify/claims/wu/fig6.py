r"""Wu, Ma & E (NeurIPS 2018) §4.3, Figs. 6–7: SGD's solutions lie below the non-uniformity bound,
and sharpness and non-uniformity are roughly proportional.

Fig. 6 (η = 0.5 for FashionMNIST, initialisation scales v = 1, 2, 3, 5 runs each): "all the
solutions lie within the area predicted by the theory", the dashed lines s = √B/η — (9)'s
small-batch form of s ≤ (1/η)√(B(n−1)/(n−B)), a necessary condition for SGD's linear stability
(8) with batches drawn without replacement. Fig. 7: "the non-uniformity and sharpness are roughly
proportional to each other".

Here: the sweep of ``wu.fig5`` (``_networks.sweep``: n = 100 digits, d = 2,410, η = 0.5,
B ∈ {1, 2, 4, 10, 25} and GD, v ∈ {1, 2, 3}, 5 initialisations; quick: B ∈ {1, 2, 4} and GD,
v = 1, 3 initialisations), each run stopped where ``minimum`` says it reached a minimum (loss <
10⁻⁴, then falling at 5 consecutive checkpoints); s is compared with both forms of the bound with
the Lanczos error as tolerance, which also tells whether the exact (9) form is the binding one.
A run counts once it reached the printed loss target, whether or not its loss then settled. (8) is
a mean-square condition (E‖x_t‖² bounded); a run can converge along its own trajectory where (8)
fails, so a converged run outside (9) is possible in principle — the checks say what the runs do.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory.wu import B, eta, n

from ...claim import Claim, Finding, Verdict, replace, scale, simulation
from ...papers import WU
from ...stats import LEVEL, proportion_interval
from . import _networks
from ._printed import PRINTED_EQ9_NONUNIFORMITY, PRINTED_EQ9_SMALL_BATCH

#: Fig. 7: sharpness and non-uniformity rise together (+1: "roughly proportional")
PRINTED_CORRELATION_SIGN = +1


def experiment(ctx) -> list[dict]:
    """The Figs. 5–7 sweep shared with ``wu.fig5`` (one row per run: η, B, v, seed, loss, a, s, …)."""
    return _networks.sweep(ctx)


def _value(formula, batch: int) -> float:
    """A printed bound on s at (η, B, n) of the sweep (read at call time: falsifiers rebind it)."""
    return float(formula.subs({B: batch, n: _networks.SAMPLES, eta: sp.nsimplify(_networks.PRINTED_FIG6_LR)}))


def _sgd(rows) -> list[dict]:
    """The SGD runs that reached the printed loss target (the paper's solutions), settled or not."""
    return [r for r in rows if not r["gd"] and r["nonuniformity"] is not None and r["target_step"] >= 0]


def _judge(formula, rows) -> tuple[list[dict], list[dict]]:
    judged = [r | {"bound": _value(formula, r["B"])} for r in rows]
    return judged, [r for r in judged if r["nonuniformity"] > r["bound"] + r["nonuniformity_error"]]


def _outside_text(outside) -> str:
    return "; ".join(f"B = {r['B']}, v = {r['v']:g}, seed {r['seed']}: s = {r['nonuniformity']:.4f} > {r['bound']:.4f} "
                     f"at loss {r['loss']:.1e} ({r['stopped']}, {r['steps']:,} steps)" for r in outside[:4]) + ("; …" if len(outside) > 4 else "")


def _bound_finding(ctx, formula, name: str) -> Finding:
    rows = _sgd(experiment(ctx))
    judged, outside = _judge(formula, rows)
    inside = len(judged) - len(outside)
    interval = proportion_interval(inside, len(judged)) if judged else None
    verdict = Verdict.INCONCLUSIVE if not judged else Verdict.REFUTED if outside else Verdict.CONFIRMED
    worst = max((r["nonuniformity"] / r["bound"] for r in judged), default=float("nan"))
    return Finding(
        verdict,
        f"{len(judged)} SGD runs ({_networks.sweep_text(ctx)}): {inside} with s ≤ {name} + error"
        + (f" ({interval.describe()} on the proportion)" if interval else "")
        + f"; largest s/bound = {worst:.4f}" + (f"; outside: {_outside_text(outside)}" if outside else ""),
        "s ≤ bound + the Lanczos error bound of each run (the paper: all solutions)",
        {"runs": _networks.run_rows(experiment(ctx)),
         "bound by B": {str(b): _value(formula, b) for b in sorted({r["B"] for r in rows})},
         "interval": interval and [interval.low, interval.high, interval.level]},
        observed={"runs": len(judged), "runs outside": len(outside), "largest s/bound": worst},
        expected={"runs outside": 0, "largest s/bound": "≤ 1"},
    )


@simulation("Fig. 6: all SGD solutions have s ≤ √B/η", version="wu",
            falsifiers=(scale("PRINTED_EQ9_SMALL_BATCH", 2),))
def below_small_batch_bound(ctx):
    return _bound_finding(ctx, PRINTED_EQ9_SMALL_BATCH, "√B/η")


@simulation("(9)'s exact form: all SGD solutions have s ≤ √(B(n−1)/(n−B))/η; which form binds", version="wu",
            falsifiers=(scale("PRINTED_EQ9_NONUNIFORMITY", 2),))
def below_exact_bound(ctx):
    finding = _bound_finding(ctx, PRINTED_EQ9_NONUNIFORMITY, "√(B(n−1)/(n−B))/η")
    rows = _sgd(experiment(ctx))
    between = [r for r in rows
               if _value(PRINTED_EQ9_SMALL_BATCH, r["B"]) < r["nonuniformity"] <= _value(PRINTED_EQ9_NONUNIFORMITY, r["B"])]
    observed = finding.observed | {"runs between √B/η and (9)": len(between)}
    return Finding(
        finding.verdict,
        finding.summary + f"; runs between √B/η and (9)'s exact bound (where only the exact form holds): {len(between)}",
        finding.tolerance, finding.data | {"between": [[r["B"], r["v"], r["seed"]] for r in between]},
        observed=observed, expected=finding.expected)


@simulation("Fig. 7: sharpness and non-uniformity are positively correlated (roughly proportional)", version="wu",
            falsifiers=(replace("PRINTED_CORRELATION_SIGN", -1, "the correlation predicted negative"),))
def sharpness_tracks_nonuniformity(ctx):
    rows = [r for r in experiment(ctx) if r["nonuniformity"] is not None]
    a = np.array([r["sharpness"] for r in rows])
    s = np.array([r["nonuniformity"] for r in rows])
    interval = _networks.pearson_interval(a, s, LEVEL)
    verdict = _networks.signed_verdict(PRINTED_CORRELATION_SIGN, interval["low"], interval["high"])
    slope = _networks.loglog_slope(a, s)
    ratio = s / a
    return Finding(
        verdict,
        f"{len(rows)} runs, SGD and GD ({_networks.sweep_text(ctx)}): Pearson r(a, s) = {interval['r']:.3f}, "
        f"{LEVEL * 100:.4g}% Fisher-z interval [{interval['low']:.3f}, {interval['high']:.3f}]; s/a from "
        f"{ratio.min():.3f} to {ratio.max():.3f}; log s on log a slope {slope['slope']:.3f} ± {slope['se']:.3f} "
        "(1 for exact proportionality)",
        f"the {LEVEL * 100:.4g}% Fisher-z interval on r must lie on the printed side of 0",
        {"pearson": interval, "log-log slope": slope, "points": [[float(x), float(y)] for x, y in zip(a, s)]},
        observed={"Pearson r(a, s)": interval["r"], "interval": [interval["low"], interval["high"]],
                  "log–log slope": slope["slope"]},
        expected="r > 0" if PRINTED_CORRELATION_SIGN > 0 else "r < 0",
    )


CLAIMS = (
    Claim(
        id="wu.fig6",
        papers=(WU,),
        where="§4.3, Figs. 6–7",
        statement=r"\text{the solutions SGD selects satisfy } s \le \sqrt{B}/\eta \text{ (all lie within the area "
        r"predicted by the theory, Fig. 6); sharpness and non-uniformity are roughly proportional (Fig. 7)}",
        summary="SGD's solutions have non-uniformity ≤ √B/η, roughly proportional to their sharpness (digits, small MLP)",
        checks=(below_small_batch_bound, below_exact_bound, sharpness_tracks_nonuniformity),
    ),
)
