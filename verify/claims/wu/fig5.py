r"""Wu, Ma & E (NeurIPS 2018) §4.2, Fig. 5: the batch size B and the non-uniformity and sharpness
of SGD's solutions.

Fig. 5a: "the solutions found by SGD indeed have much lower non-uniformity than those found by
GD … the non-uniformity almost drops monotonically as we decrease the batch size"; Fig. 5b: "SGD
always favors flatter minima than GD, and the smaller the batch size, the flatter the solutions"
(5 initialisations per B, n = 1000, B = n is GD).

Here (see ``_networks``): n = 100 digits, a 64-32-10 tanh MLP (d = 2,410), η = 0.5 (Fig. 6's
FashionMNIST rate), B ∈ {1, 2, 4, 10, 25} and GD, batches drawn without replacement (eq. (8)),
each run trained by ``numerics.networks.experiments.minimum`` through ``run_sweep`` to loss < 10⁻⁴
and then until the loss fell at 5 consecutive checkpoints; quick: B ∈ {1, 2, 4} and GD, 3
initialisations (v = 1). A monotone trend in B is Spearman's ρ between B and the measured value
over the runs at v = 1 (GD as B = n), with Fisher's z interval at the verifier's level.
"""

from __future__ import annotations

import numpy as np

from ...claim import Claim, Finding, Verdict, replace, simulation
from ...papers import WU
from ...stats import LEVEL
from . import _networks

#: Fig. 5a: the non-uniformity rises with B (+1: "drops … as we decrease the batch size")
PRINTED_NONUNIFORMITY_TREND = +1
#: Fig. 5b: the sharpness rises with B, and SGD (B < n) is flatter than GD (+1)
PRINTED_SHARPNESS_TREND = +1


def experiment(ctx) -> list[dict]:
    """The Figs. 5–7 sweep (``_networks.sweep``): one row per run with η, B, v, seed index, loss,
    steps, why it stopped, a and s with their Lanczos errors."""
    return _networks.sweep(ctx)


def _at_default_scale(rows) -> list[dict]:
    return [r for r in rows if r["v"] == 1.0 and r["sharpness"] is not None]


def _means(rows, field) -> dict[int, float]:
    batches = sorted({r["B"] for r in rows})
    return {b: float(np.mean([r[field] for r in rows if r["B"] == b])) for b in batches}


def _trend(ctx, field: str) -> tuple[dict, dict, list[dict]]:
    rows = _at_default_scale(experiment(ctx))
    interval = _networks.spearman_interval([r["B"] for r in rows], [r[field] for r in rows], LEVEL)
    return interval, _means(rows, field), rows


def _means_text(means) -> str:
    return ", ".join(f"{'GD' if b == _networks.SAMPLES else f'B = {b}'}: {value:.3f}" for b, value in means.items())


@simulation("Fig. 5a: the non-uniformity of SGD's solutions drops as B decreases", version="wu",
            falsifiers=(replace("PRINTED_NONUNIFORMITY_TREND", -1, "the trend reversed (s rises as B decreases)"),))
def nonuniformity_falls_with_batch(ctx):
    interval, means, rows = _trend(ctx, "nonuniformity")
    verdict = _networks.signed_verdict(PRINTED_NONUNIFORMITY_TREND, interval["low"], interval["high"])
    gd, smallest = means[max(means)], means[min(means)]
    return Finding(
        verdict,
        f"{len(rows)} runs ({_networks.sweep_text(ctx)}; v = 1): Spearman ρ(B, s) = {interval['rho']:.3f}, "
        f"{LEVEL * 100:.4g}% interval [{interval['low']:.3f}, {interval['high']:.3f}]; mean s: {_means_text(means)} "
        f"(smallest B / GD = {smallest / gd:.3f})",
        f"Fisher-z {LEVEL * 100:.4g}% interval on Spearman's ρ (standard error √(1.06/(m − 3))) must lie on the "
        "printed side of 0",
        {"runs": _networks.run_rows(rows), "spearman": interval, "mean s by B": {str(b): v for b, v in means.items()}},
        observed={"Spearman ρ(B, s)": interval["rho"], "interval": [interval["low"], interval["high"]]},
        expected="ρ > 0" if PRINTED_NONUNIFORMITY_TREND > 0 else "ρ < 0",
    )


@simulation("Fig. 5b: SGD favours flatter minima than GD, the smaller B the flatter", version="wu",
            falsifiers=(replace("PRINTED_SHARPNESS_TREND", -1, "the trend reversed (SGD sharper, smaller B sharper)"),))
def sharpness_falls_with_batch(ctx):
    interval, means, rows = _trend(ctx, "sharpness")
    sign = PRINTED_SHARPNESS_TREND
    trend = _networks.signed_verdict(sign, interval["low"], interval["high"])
    gd = means[max(means)]
    sharper = [b for b, value in means.items() if b != max(means) and sign * (gd - value) <= 0]
    verdict = Verdict.REFUTED if sharper else trend
    return Finding(
        verdict,
        f"{len(rows)} runs ({_networks.sweep_text(ctx)}; v = 1): Spearman ρ(B, a) = {interval['rho']:.3f}, "
        f"{LEVEL * 100:.4g}% interval [{interval['low']:.3f}, {interval['high']:.3f}]; mean a: {_means_text(means)}; "
        f"{len(sharper)} SGD batch sizes with a mean a on the wrong side of GD's",
        f"Fisher-z {LEVEL * 100:.4g}% interval on Spearman's ρ must lie on the printed side of 0, and every SGD batch "
        "size's mean a on the printed side of GD's (no slack)",
        {"runs": _networks.run_rows(rows), "spearman": interval, "mean a by B": {str(b): v for b, v in means.items()}},
        observed={"Spearman ρ(B, a)": interval["rho"], "interval": [interval["low"], interval["high"]],
                  "SGD batch sizes not flatter than GD": sharper},
        expected={"Spearman ρ(B, a)": "> 0" if sign > 0 else "< 0", "SGD batch sizes not flatter than GD": []},
    )


CLAIMS = (
    Claim(
        id="wu.fig5",
        papers=(WU,),
        where="§4.2, Fig. 5",
        statement=r"\text{SGD's solutions have lower non-uniformity than GD's, dropping almost monotonically as } B"
        r"\text{ decreases (Fig. 5a); SGD favors flatter minima than GD, the smaller } B \text{ the flatter (Fig. 5b)}",
        summary="smaller batches give SGD solutions of lower non-uniformity and sharpness (digits and a small MLP)",
        checks=(nonuniformity_falls_with_batch, sharpness_falls_with_batch),
    ),
)
