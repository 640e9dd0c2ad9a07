r"""Kleinberg, Li & Yuan (ICML 2018) §5.3: the loss surface is locally a "slope" — the negative
gradient anywhere on any SGD branch points towards every branch's final solution.

Printed: "if we fix the first 10 epochs, and generate 50 SGD trajectories with different random
seeds for 140 epochs and 0.1 learning rate, we get 50 different final solutions ... if we look at
the inner product between the negative gradient of any epoch of any trajectories, and the vector
pointing to any final solutions, we find that the inner products are almost always positive (only
0.1% of the inner products are not positive for Densenet, and only 2 out of 343,000 inner products
are not positive for Resnet)". Here (``_trajectories``): digits and a small MLP; the common prefix
is the printed 10/150 of the epochs, the branches run at 0.1 with their own batch seeds. "Almost
always" is read as the printed worst rate, at most 0.1% not positive, tested with a Clopper–Pearson
interval on the count.
"""

from __future__ import annotations

import numpy as np

from numerics.sweep import Backend, run_sweep, task_seed

from ...claim import Claim, Finding, Verdict, replace, simulation
from ...papers import KLEINBERG
from ...stats import proportion_interval
from . import _trajectories as tj

PRINTED_PREFIX_FRACTION = 10 / 150  # "fix the first 10 epochs", then 140 epochs
PRINTED_RATE = 0.1
PRINTED_NOT_POSITIVE = 0.001  # "only 0.1% of the inner products are not positive" (the larger printed rate)
PRINTED_SIGN = +1  # "almost always positive"

EPOCHS = {True: 60, False: 150}
BRANCHES = {True: 16, False: 24}


def branch(params: tuple, seed: np.random.SeedSequence) -> np.ndarray:
    """Sweep task: (prefix end point, epochs) → one branch's trajectory at the printed rate, flattened."""
    start, epochs = params
    return tj.train_epochs(start, epochs, [PRINTED_RATE] * epochs, seed).ravel()


def experiment(quick: bool, seed: np.random.SeedSequence) -> dict:
    """The common prefix, the branches (through ``numerics.sweep``), and every inner product
    ⟨−∇f(x_t^i), x_T^j − x_t^i⟩ over branches i, epochs t after the prefix, and finals j."""
    epochs = EPOCHS[quick]
    prefix = max(1, round(PRINTED_PREFIX_FRACTION * epochs))
    common = tj.train_epochs(tj.initial(seed), prefix, [PRINTED_RATE] * prefix, task_seed(seed, 1))
    rest = epochs - prefix
    results = run_sweep(branch, [(common[-1], rest)] * BRANCHES[quick], task_seed(seed, 2), Backend("inline"))
    paths = [r.reshape(rest + 1, tj.SETUP.size) for r in results]
    finals = np.array([p[-1] for p in paths])
    products = []
    for path in paths:
        for x in path[1:-1]:
            products.append(-(tj.gradient(x) @ (finals - x).T))
    products = np.array(products).ravel()
    distances = [float(np.linalg.norm(a - b)) for i, a in enumerate(finals) for b in finals[i + 1:]]
    return {"products": products, "prefix": prefix, "epochs": epochs, "distances": distances}


@simulation("§5.3: at most 0.1% of the inner products of −∇f (any epoch, any branch) with the direction to any "
            "final solution are not positive", version="kleinberg",
            falsifiers=(replace("PRINTED_SIGN", -1, "the inner products predicted negative"),))
def almost_always_positive(ctx):
    found = tj.shared(ctx, experiment)
    values = PRINTED_SIGN * found["products"]
    bad = int(np.sum(values <= 0))
    interval = proportion_interval(bad, len(values), method="exact")
    verdict = (Verdict.CONFIRMED if interval.high <= PRINTED_NOT_POSITIVE
               else Verdict.REFUTED if interval.low > PRINTED_NOT_POSITIVE else Verdict.INCONCLUSIVE)
    return Finding(
        verdict,
        f"{BRANCHES[ctx.quick]} branches after a common prefix of {found['prefix']} of {found['epochs']} epochs "
        f"(n = {tj.SETUP.samples} digits, d = {tj.SETUP.size}): {bad} of {len(values)} inner products are not of the "
        f"printed sign; the fraction's {interval.describe()} against the printed {PRINTED_NOT_POSITIVE:.1%}; the final "
        f"solutions lie {min(found['distances']):.3g} to {max(found['distances']):.3g} apart (printed: at least 40 for "
        "networks of about 10K parameters)",
        f"the Clopper–Pearson interval of the not-positive fraction below {PRINTED_NOT_POSITIVE:g} confirms, above it "
        "refutes, across it is inconclusive",
        {"not positive": bad, "inner products": len(values), "pairwise distances": found["distances"],
         "smallest inner product": float(values.min())},
        observed={"fraction not positive": bad / len(values), "interval": [interval.low, interval.high]},
        expected={"fraction not positive": f"≤ {PRINTED_NOT_POSITIVE:g}"},
    )


CLAIMS = (
    Claim(
        id="kleinberg.slope",
        papers=(KLEINBERG,),
        where="§5.3",
        statement=r"\langle -\nabla f(x^{(i)}_t), x^{(j)}_T - x^{(i)}_t \rangle > 0 \text{ for all but } 0.1\% "
                  r"\text{ of branches } i, j \text{ and epochs } t",
        summary="the negative gradient on any SGD branch points to every branch's final solution (digits, small MLP)",
        checks=(almost_always_positive,),
    ),
)
