r"""Wu, Ma & E (NeurIPS 2018) §5 and Fig. 9: quasi-Newton methods select sharp minima, from which GD
and SGD escape.

Printed: for x_{t+1} = x_t − η D_t⁻¹∇L(x_t) the stability condition is λmax(D⁻¹H) ≤ 2/η, and with
D ≈ H "almost all the minima can be selected as long as η ≤ 2"; "L-BFGS always selects minima that
are relatively sharp, even though the learning rate is well tuned"; "starting from the best
solutions selected by L-BFGS, both GD and SGD can escape and converge to flatter solutions".

Here: the corrupted set of ``table3`` (100 digits + 20 random labels), the same MLP; scipy's
L-BFGS-B from Wu's initialisation, stopped when the training loss is below 10⁻⁴ (the paper's
criterion); beside it GD at η = 0.1 from the same initialisation (``table3.start_minimum``).
From each L-BFGS minimum GD runs at the rates of ``ESCAPE_RATES``; escape as in ``table3``.
"""

from __future__ import annotations

from functools import cache

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree
from scipy.optimize import minimize

from numerics import networks
from numerics.networks.experiments import init_seed
from numerics.sweep import Backend, run_sweep

from ...claim import Claim, Finding, Verdict, replace, simulation
from ...papers import WU
from ...stats import proportion_interval
from . import table3

PRINTED_SHARPER = +1  # "L-BFGS always selects minima that are relatively sharp" (than GD's)
PRINTED_GD_FACTOR = 2  # escape from a minimum of sharpness a at rate η iff a > 2/η

SETUP = table3.DATASETS["digits + 20 random labels"]
SEEDS = {True: 2, False: 6}
ESCAPE_RATES = (0.1, 0.3, 0.5)
MAX_ITERATIONS = 50_000


def lbfgs_minimum(seed: np.random.SeedSequence) -> tuple[np.ndarray, float, int]:
    """L-BFGS-B on the flat parameters from the seed's initialisation until loss < ``table3.TARGET``."""
    loss, (x, y) = SETUP.per_sample_loss(), SETUP.dataset().arrays
    start, unravel = ravel_pytree(SETUP.model().init(init_seed(seed)))
    over = networks.mean_loss(networks.flat_loss(loss, unravel), 2)
    value_and_grad = jax.jit(jax.value_and_grad(lambda w: over(w, x, y)))

    def objective(w):
        value, grad = value_and_grad(jnp.asarray(w))
        return float(value), np.asarray(grad, dtype=float)

    def stop(intermediate_result):
        if intermediate_result.fun < table3.TARGET:
            raise StopIteration

    result = minimize(objective, np.asarray(start, dtype=float), jac=True, method="L-BFGS-B", callback=stop,
                      options={"maxiter": MAX_ITERATIONS, "maxfun": 2 * MAX_ITERATIONS, "gtol": 0, "ftol": 0})
    return result.x, float(result.fun), int(result.nit)


def seed_task(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: () → [a and s of the L-BFGS minimum, its loss and iterations, a of GD's minimum at
    η = 0.1 from the same initialisation, then per rate of ESCAPE_RATES: a at the end of GD from the
    L-BFGS minimum]."""
    loss, arrays = SETUP.per_sample_loss(), SETUP.dataset().arrays
    flat, value, iterations = lbfgs_minimum(seed)
    unravel = ravel_pytree(SETUP.model().init(0))[1]
    params_ = unravel(jnp.asarray(flat))
    both = networks.sharpness_and_nonuniformity(loss, params_, arrays)
    gd = table3.start_minimum(SETUP, seed)
    ends = []
    for lr in ESCAPE_RATES:
        run = networks.train(loss, params_, arrays, lr, table3.ESCAPE_STEPS, patience=None, every=table3.EVERY)
        ends.append(networks.sharpness(loss, run.params, arrays).value if not run.diverged else -1.0)
    return np.array([both["sharpness"].value, both["nonuniformity"].value, value, iterations, gd["sharpness"], *ends])


@cache
def experiment(quick: bool, entropy, spawn_key: tuple) -> list[dict]:
    results = run_sweep(seed_task, [()] * SEEDS[quick], np.random.SeedSequence(entropy, spawn_key=spawn_key),
                        Backend("inline"))
    rows = []
    for index, r in enumerate(results):
        rows.append({"seed": index, "L-BFGS a": float(r[0]), "L-BFGS s": float(r[1]), "L-BFGS loss": float(r[2]),
                     "L-BFGS iterations": int(r[3]), "GD (η = 0.1) a": float(r[4]),
                     "GD from L-BFGS, a at the end": {str(lr): float(v) for lr, v in zip(ESCAPE_RATES, r[5:])}})
    return rows


def _shared(ctx) -> list[dict]:
    return experiment(ctx.quick, ctx.seed.entropy, tuple(ctx.seed.spawn_key[:1]))


@simulation("'L-BFGS always selects minima that are relatively sharp': sharper than GD's from the same start",
            version="wu", falsifiers=(replace("PRINTED_SHARPER", -1, "L-BFGS predicted flatter"),))
def lbfgs_sharper(ctx):
    rows = _shared(ctx)
    sharper = [PRINTED_SHARPER * (r["L-BFGS a"] - r["GD (η = 0.1) a"]) > 0 for r in rows]
    interval = proportion_interval(sum(sharper), len(rows), method="exact")
    pairs = "; ".join(f"{r['L-BFGS a']:.3f} vs {r['GD (η = 0.1) a']:.3f}" for r in rows)
    return Finding(
        Verdict.CONFIRMED if all(sharper) else Verdict.REFUTED,
        f"{len(rows)} initialisations on {SETUP.samples} digits (20 random labels; d = {SETUP.size}), a of the L-BFGS "
        f"minimum vs GD's at η = 0.1 (both stopped at loss < {table3.TARGET:g}): {pairs}; L-BFGS "
        f"{'sharper' if PRINTED_SHARPER > 0 else 'flatter'} in {sum(sharper)} of {len(rows)} ({interval.describe()})",
        "every initialisation (no slack)",
        {"runs": rows},
        observed={"initialisations where L-BFGS is sharper" if PRINTED_SHARPER > 0 else
                  "initialisations where L-BFGS is flatter": sum(sharper), "initialisations": len(rows)},
        expected={"all": len(rows)},
    )


@simulation("From the L-BFGS minima GD escapes to flatter solutions exactly where a > 2/η", version="wu",
            falsifiers=(replace("PRINTED_GD_FACTOR", 8, "the threshold 8/η"),))
def gd_escapes_from_lbfgs(ctx):
    rows = _shared(ctx)
    cases = []
    for r in rows:
        for lr in ESCAPE_RATES:
            end = r["GD from L-BFGS, a at the end"][str(lr)]
            escaped = end < (1 - table3.ESCAPE_DROP) * r["L-BFGS a"]
            cases.append((r["L-BFGS a"] > PRINTED_GD_FACTOR / lr, escaped, lr))
    agree = sum(p == e for p, e, _ in cases)
    escapes = sum(e for _, e, _ in cases)
    interval = proportion_interval(agree, len(cases), method="exact")
    return Finding(
        Verdict.CONFIRMED if agree == len(cases) else Verdict.REFUTED,
        f"GD at η ∈ {{{', '.join(map(str, ESCAPE_RATES))}}} from {len(rows)} L-BFGS minima: {escapes} of {len(cases)} runs "
        f"escaped to flatter minima (sharpness down by more than {table3.ESCAPE_DROP:.0%}); {agree} of {len(cases)} as "
        f"a > 2/η predicts ({interval.describe()})",
        "every run must agree with the rule",
        {"runs": rows},
        observed={"runs agreeing with the rule": agree, "runs": len(cases)},
        expected={"runs agreeing with the rule": len(cases)},
    )


CLAIMS = (
    Claim(
        id="wu.fig9",
        papers=(WU,),
        where="§5, Quasi-Newton methods, and Fig. 9",
        statement=r"\text{L-BFGS selects relatively sharp minima; from them GD and SGD escape to flatter ones}",
        summary="L-BFGS's minima are sharp and GD leaves them (digits with random labels, small MLP)",
        checks=(lbfgs_sharper, gd_escapes_from_lbfgs),
    ),
)
