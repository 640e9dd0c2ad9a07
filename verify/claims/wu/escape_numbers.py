r"""Wu, Ma & E (NeurIPS 2018) §4.4 and Table 3 (with Table 2's prediction row and §4.2): the escape numbers.

At η = 0.1 the text compares Table 3's sharpness a and non-uniformity s of GD solutions with the
bounds of §3: GD is "not stable for learning rate larger than 2/1.9" (a > 19.0), (9)'s bound on s
"is at most √B/0.1" = 10, 20 (B = 1, 4), and s = 51.7 < √100/0.1 = 100 makes SGD with B = 100 stable.
Every bound here is derived from the model (``theory.wu``) and compared with the printed number.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import linear
from numerics.precision import decimal
from theory import wu
from theory.wu import B, eta

from ...claim import (
    Claim,
    Finding,
    Verdict,
    high_precision,
    mutate,
    replace,
    simulation,
    symbolic,
)
from ...display import tex
from ...papers import WU
from ...stats import LEVEL, bonferroni
from . import _linear

R = sp.Rational

# --- the printed numbers (transcriptions; everything else is derived) --------------------------
PRINTED_GD_THRESHOLD = 2 / R(19, 10)  # §4.4: "not stable for GD with learning rate larger than 2/1.9"
PRINTED_SHARPNESS_FLOOR = R(19)  # "the sharpnesses of both starting points are larger than 19.0"
PRINTED_TABLE3 = {"FashionMNIST": (R(197, 10), R(452, 10)), "Corrupted FashionMNIST": (R(199, 10), R(517, 10))}  # (a, s)
PRINTED_ESCAPE_LR = R(1, 10)
PRINTED_NONUNIFORMITY_BOUNDS = {1: 10, 4: 20, 100: 100}  # √1/0.1 = 10, √4/0.1 = 20, √100/0.1 = 100
PRINTED_TABLE2_PREDICTION = {R(1, 100): 200, R(5, 100): 40, R(1, 10): 20, R(1, 2): 4, 1: 2, 5: R(4, 10)}  # 2/η
PRINTED_TABLE2_MEANS = {  # Table 2, mean sharpness found by GD (CIFAR10 blew up at η = 1, 5)
    "FashionMNIST": (R(535, 10), R(393, 10), R(196, 10), R(39, 10), R(19, 10), R(4, 10)),
    "CIFAR10": (R(1989, 10), R(398, 10), R(198, 10), R(36, 10)),
}
PRINTED_CIFAR_BOUND = (R(1, 100), 4, 200)  # §4.2: "about √4/η = 200" at η = 0.01
#: the text: s exceeds the bound for B = 1, 4 (both sets) and is below it for B = 100 (corrupted)
PRINTED_SIDES = {("FashionMNIST", 1): True, ("FashionMNIST", 4): True, ("Corrupted FashionMNIST", 1): True,
                 ("Corrupted FashionMNIST", 4): True, ("Corrupted FashionMNIST", 100): False}
PRINTED_B100 = 100  # "SGD with η = 0.1, B = 100 will be stable"

# --- the corrected statement (wu.escape_numbers-corrected) --------------------------------------
CORRECTED_GD_THRESHOLD = R(2, 19)
CORRECTED_BOUNDS = {1: "10", 4: "20.03", 100: "104.4"}  # (9) at η = 0.1, n = 1200, to the digits stated
GD_RATES_TRIED = (R(3, 10), R(1, 2))  # §4.4's GD runs that escaped

# --- experiment parameters --------------------------------------------------------------------
#: training-set sizes of §4 (1000 examples) and §4.4 (1000 + 200 random labels)
TRAINING_SIZES = {"FashionMNIST": 1000, "Corrupted FashionMNIST": 1200}
#: a 1-D instance with Table 3's (a, s) = (19.9, 51.7), n = 1200: 120 examples with a_i = 175, 1080 with 8/3
TABLE3_CURVATURES = ((R(175), 120), (R(8, 3), 1080))
#: the printed bounds rounded up to the exact ones: a mutation under which "at most" holds
ROUNDED_UP_BOUNDS = {1: 10, 4: 21, 100: 106}


def table3_instance() -> list[sp.Expr]:
    return [value for value, count in TABLE3_CURVATURES for _ in range(count)]


def experiment(lr, batch: int, runs: int, horizon: int, seed: np.random.SeedSequence) -> dict:
    """Table 3's (a, s) as a 1-D minimum without replacement: mean x_t² (x_0 = 1) at t = 1 and ``horizon``
    with intervals, beside the exact E x²_(t+1)/x_t² factor."""
    curvatures = table3_instance()
    hessians = np.array([[[float(v)]] for v in curvatures])
    result = linear.simulate_linear(hessians, float(lr), batch, False, runs, horizon, seed, [1.0], record=(1, horizon))
    factor = wu.one_dimensional_second_moment(curvatures, lr, batch)
    level = bonferroni(2)
    rows = []
    for t in (1, horizon):
        growth = _linear.growth(_linear.sq_norms(result, t), t, level)
        rows.append({"t": t, "exact": factor**t, "exact_inside": float(factor**t) in growth["ci"],
                     "sample_mean": growth["mean"], "ci": growth["ci"].describe(), "rate": growth["rate"],
                     "rate_low": growth["rate_low"], "rate_se": growth["rate_se"]})
    return {"factor": factor, "alive": int(result.alive[horizon]), "runs": runs, "points": rows}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# --- checks -----------------------------------------------------------------------------------


@symbolic("§4.1-4.4 arithmetic: 2/η of Table 2, √B/0.1 = 10, 20, 100, √4/0.01 = 200; measured values vs 2/η", version="wu",
          falsifiers=(mutate("PRINTED_NONUNIFORMITY_BOUNDS", lambda d: {k: 2 * v for k, v in d.items()}, "√B/0.1 printed ×2"),
                      mutate("PRINTED_TABLE2_PREDICTION", lambda d: {k: v / 2 for k, v in d.items()}, "Table 2's 2/η row ×1/2")))
def arithmetic(ctx):
    """The bounds from the model: a_max = 2/η of (9) and the B ≪ n limit √B/η of its s-bound."""
    a_max, small = wu.rectangle().sharpness_max, wu.small_batch_bound()
    bounds = {batch: small.subs({B: batch, eta: PRINTED_ESCAPE_LR}) for batch in PRINTED_NONUNIFORMITY_BOUNDS}
    lr, batch, _ = PRINTED_CIFAR_BOUND
    cifar = small.subs({B: batch, eta: lr})
    prediction = {rate: a_max.subs(eta, rate) for rate in PRINTED_TABLE2_PREDICTION}
    above = [(name, value, rate) for name, values in PRINTED_TABLE2_MEANS.items()
             for value, rate in zip(values, PRINTED_TABLE2_PREDICTION) if value > prediction[rate]]
    gd_bound = a_max.subs(eta, PRINTED_ESCAPE_LR)
    table3_above = [name for name, (sharpness, _) in PRINTED_TABLE3.items() if sharpness > gd_bound]
    observed = {"√B/η at η = 0.1": bounds, "√4/η at η = 0.01": cifar, "2/η": prediction,
                "Table 2 means above 2/η": len(above), "Table 3 sharpness above 2/0.1": len(table3_above)}
    expected = {"√B/η at η = 0.1": {k: sp.sympify(v) for k, v in PRINTED_NONUNIFORMITY_BOUNDS.items()},
                "√4/η at η = 0.01": sp.sympify(PRINTED_CIFAR_BOUND[2]),
                "2/η": {k: sp.sympify(v) for k, v in PRINTED_TABLE2_PREDICTION.items()},
                "Table 2 means above 2/η": 0, "Table 3 sharpness above 2/0.1": 0}
    differ = [k for k in observed if observed[k] != expected[k]]
    return Finding(
        Verdict.PROVED if not differ else Verdict.REFUTED,
        f"from the model: √B/η at η = 0.1 is {', '.join(tex(v) for v in bounds.values())} (printed "
        f"{', '.join(tex(v) for v in PRINTED_NONUNIFORMITY_BOUNDS.values())}), √4/0.01 = {tex(cifar)} (printed "
        f"{tex(PRINTED_CIFAR_BOUND[2])}), 2/η = {', '.join(tex(v) for v in prediction.values())} (Table 2 prints "
        f"{', '.join(tex(v) for v in PRINTED_TABLE2_PREDICTION.values())}); {len(above)} measured Table 2 means and "
        f"{len(table3_above)} Table 3 sharpnesses exceed 2/η; differing: {', '.join(differ) or 'none'}",
        "exact",
        {"table2_above_2_over_eta": above, "table3_above_2_over_eta": table3_above},
        observed=observed, expected=expected,
    )


@symbolic("§4.4: 'not stable for GD with learning rate larger than 2/1.9'", version="wu",
          falsifiers=(replace("PRINTED_GD_THRESHOLD", CORRECTED_GD_THRESHOLD, "the threshold 2/19"),))
def gd_threshold(ctx):
    """GD at sharpness a: E x_{t+1} = (1 - ηa) x_t, stable iff η ≤ 2/a; a > 19.0 ⇒ threshold < 2/19.0."""
    lr_max = wu.gd_largest_stable_lr()
    derived = lr_max.subs(wu.a, PRINTED_SHARPNESS_FLOOR)
    missed = [rate for rate in GD_RATES_TRIED if rate <= PRINTED_GD_THRESHOLD]
    same = derived == PRINTED_GD_THRESHOLD
    return Finding(
        Verdict.PROVED if same else Verdict.REFUTED,
        f"GD is stable iff η ≤ {tex(lr_max)}; for a > {tex(PRINTED_SHARPNESS_FLOOR)} that is η ≤ {tex(derived)} ≈ {decimal(derived, 4)}"
        f"{'' if same else f', not {tex(PRINTED_GD_THRESHOLD)} ≈ {decimal(PRINTED_GD_THRESHOLD, 4)} (a factor {tex(PRINTED_GD_THRESHOLD / derived)})'}; "
        f"with the printed number, GD at η = {', '.join(map(tex, missed)) or 'none'} of "
        f"{', '.join(map(tex, GD_RATES_TRIED))} would not be predicted to escape",
        "exact",
        {"gd_rates_not_predicted": missed},
        observed=derived, expected=PRINTED_GD_THRESHOLD,
    )


@high_precision("§4.4: 'the upper bound ... is at most √B/0.1'; the measured s against (9) with n = 1000, 1200", version="wu",
                falsifiers=(replace("PRINTED_NONUNIFORMITY_BOUNDS", ROUNDED_UP_BOUNDS, "the printed bounds rounded up"),))
def bounds(ctx):
    """Both parts of the sentence decide the verdict: 'at most' (exact bound ≤ printed) and the sides
    of the bounds the measured s lies on (PRINTED_SIDES)."""
    rows, at_most, sides_ok = [], True, True
    for name, (_, nonuniform) in PRINTED_TABLE3.items():
        count = TRAINING_SIZES[name]
        for batch, printed in PRINTED_NONUNIFORMITY_BOUNDS.items():
            exact = wu.rectangle_at(PRINTED_ESCAPE_LR, batch, count)[1]
            at_most &= bool(exact <= printed)
            above = bool(nonuniform > exact)
            said = PRINTED_SIDES.get((name, batch))
            if said is not None:
                sides_ok &= above == said
            rows.append({"dataset": name, "n": count, "batch": batch, "printed": printed, "exact": exact,
                         "s": nonuniform, "s_exceeds_exact": above, "text_says_exceeds": said})
    exact_text = ", ".join(f"{decimal(r['exact'], 6)} (B = {r['batch']}, n = {r['n']})" for r in rows)
    return Finding(
        Verdict.CONFIRMED if at_most and sides_ok else Verdict.REFUTED,
        f"exact (9) bounds at η = {tex(PRINTED_ESCAPE_LR)}: {exact_text}; printed "
        f"{', '.join(tex(v) for v in PRINTED_NONUNIFORMITY_BOUNDS.values())}: 'at most' {'holds' if at_most else 'fails'}; "
        f"the measured s lie on the sides the text says: {_yes(sides_ok)}",
        f"exact values at {ctx.dps} digits",
        {"rows": rows},
        observed={"exact bound ≤ printed": _yes(at_most), "sides as the text says": _yes(sides_ok)},
        expected={"exact bound ≤ printed": "yes", "sides as the text says": "yes"},
    )


@symbolic("§4.4: 'SGD with η = 0.1, B = 100 will be stable' because 51.7 < √100/0.1", version="wu",
          falsifiers=(replace("PRINTED_ESCAPE_LR", R(1, 20), "η = 1/20"),))
def b100(ctx):
    """(9) is necessary for (8), not sufficient: a 1-D minimum with Table 3's (a, s) is unstable."""
    curvatures = table3_instance()
    mean, variance = wu.curvature_statistics(curvatures)
    count, lr = len(curvatures), PRINTED_ESCAPE_LR
    second = wu.one_dimensional_second_moment(curvatures, lr, PRINTED_B100)
    sharp_part = (1 - lr * mean) ** 2
    a_max, s_max = wu.rectangle_at(lr, PRINTED_B100, count)
    in_rectangle = bool(mean <= a_max and sp.sqrt(variance) <= s_max)
    matches = (mean, sp.sqrt(variance)) == PRINTED_TABLE3["Corrupted FashionMNIST"]
    refuted = in_rectangle and second > 1 and matches
    return Finding(
        Verdict.REFUTED if refuted else Verdict.INCONCLUSIVE,
        f"n = {count} curvatures (175 ×120, 8/3 ×1080): a = {tex(mean)}, s = {tex(sp.sqrt(variance))} "
        f"({'as in' if matches else 'not'} Table 3), B = {PRINTED_B100}, η = {tex(lr)}: {'inside' if in_rectangle else 'outside'} "
        f"(9), E x²_(t+1)/x_t² = {tex(second)} ≈ {decimal(second, 6)} " + ("> 1 — unstable" if second > 1 else "≤ 1 — stable, "
                                                                      "which one instance cannot prove for the network")
        + f". For any d, (a, s) only bound λmax of (8) to [{decimal(max(sharp_part, second - sharp_part), 5)}, "
        f"{decimal(second, 5)}]",
        "exact",
        {"curvatures": {str(v): k for v, k in TABLE3_CURVATURES}, "n": count, "batch": PRINTED_B100, "lr": lr,
         "sharpness": mean, "nonuniformity": sp.sqrt(variance), "sharpness_term": sharp_part,
         "nonuniformity_term": second - sharp_part},
        observed={"in (9)": _yes(in_rectangle), "E x²_(t+1)/x_t²": second},
        expected={"stable: E x²_(t+1)/x_t² ≤": 1},
    )


@simulation("Table 3's (a, s) as a 1-D minimum, n = 1200, B = 100 without replacement: E x_t² grows", version="wu",
            falsifiers=(replace("PRINTED_ESCAPE_LR", R(1, 20), "η = 1/20"),))
def simulated(ctx):
    """Short horizons: the batch-mean factor 1 - ηM is spread widely here (M counts the a_i = 175 in
    the batch), so x_t² is heavy-tailed and its sample mean is trustworthy only for small t."""
    runs, horizon = (4000, 4) if ctx.quick else (40000, 5)
    data = experiment(PRINTED_ESCAPE_LR, PRINTED_B100, runs, horizon, ctx.seed)
    rows = data["points"]
    observed = {"exact inside": sum(r["exact_inside"] for r in rows), "grows": _yes(rows[-1]["rate_low"] > 0),
                "finite runs": data["alive"]}
    expected = {"exact inside": len(rows), "grows": "yes", "finite runs": runs}
    return Finding(
        Verdict.CONFIRMED if observed == expected else Verdict.REFUTED,
        f"{runs} runs at η = {tex(PRINTED_ESCAPE_LR)}: mean x_t² = {rows[0]['sample_mean']:.4g} at t = 1 and "
        f"{rows[1]['sample_mean']:.4g} at t = {horizon} (exact {decimal(data['factor'], 5)}^t, inside "
        f"{observed['exact inside']} of {len(rows)} intervals), rate {rows[1]['rate']:.3g} ± {rows[1]['rate_se']:.2g}",
        f"Student-t intervals of the mean of x_t² at joint level {LEVEL} (Bonferroni over {len(rows)})",
        {"runs": runs, "lr": PRINTED_ESCAPE_LR, "batch": PRINTED_B100, "points": rows},
        observed=observed, expected=expected,
    )


def _to_digits(value, text: str) -> bool:
    """``value`` rounded to the decimals of ``text`` equals it."""
    places = len(text.split(".")[1]) if "." in text else 0
    return bool(abs(value - sp.Rational(text)) <= sp.Rational(1, 2) / 10**places)


@symbolic("corrected: GD threshold 2/19.0 < 0.3; the exact (9) bounds 10, ≈20.03, ≈104.4", version="wu",
          falsifiers=(replace("CORRECTED_GD_THRESHOLD", PRINTED_GD_THRESHOLD, "the printed 2/1.9"),
                      replace("CORRECTED_BOUNDS", {1: "10", 4: "20", 100: "100"}, "the bounds √B/0.1")))
def corrected(ctx):
    threshold = wu.gd_largest_stable_lr().subs(wu.a, PRINTED_SHARPNESS_FLOOR)
    count = TRAINING_SIZES["Corrupted FashionMNIST"]
    exact = {batch: wu.rectangle_at(PRINTED_ESCAPE_LR, batch, count)[1] for batch in CORRECTED_BOUNDS}
    s_clean, s_corrupted = (PRINTED_TABLE3[name][1] for name in ("FashionMNIST", "Corrupted FashionMNIST"))
    sides = all(v > exact[b] for b in (1, 4) for v in (s_clean, s_corrupted)) and s_corrupted <= exact[100]
    digits = {batch: _to_digits(exact[batch], text) for batch, text in CORRECTED_BOUNDS.items()}
    ok = threshold == CORRECTED_GD_THRESHOLD and all(threshold < rate for rate in GD_RATES_TRIED) and all(digits.values()) and sides
    return Finding(
        Verdict.PROVED if ok else Verdict.REFUTED,
        f"GD unstable for η > {tex(threshold)} ≈ {decimal(threshold, 4)} at a > {tex(PRINTED_SHARPNESS_FLOOR)} (stated "
        f"{tex(CORRECTED_GD_THRESHOLD)}); at η = {tex(PRINTED_ESCAPE_LR)}, n = {count}: (9) allows s ≤ "
        f"{', '.join(decimal(v, 6) for v in exact.values())} for B = {', '.join(map(str, exact))} (stated "
        f"{', '.join(CORRECTED_BOUNDS.values())}); s = {tex(s_clean)}, {tex(s_corrupted)} violate (9) for B = 1, 4 and {tex(s_corrupted)} "
        f"meets it for B = 100: {_yes(sides)}",
        "exact; the bounds to the digits stated",
        {"bounds_n1200": exact, "to_digits": digits},
        observed={"GD threshold": threshold, **{f"s_max (B = {b})": v for b, v in exact.items()}},
        expected={"GD threshold": CORRECTED_GD_THRESHOLD, **{f"s_max (B = {b})": t for b, t in CORRECTED_BOUNDS.items()}},
    )


CLAIMS = (
    Claim(
        id="wu.escape_numbers",
        papers=(WU,),
        where="§4.4 and Table 3 (with Table 2's prediction row and §4.2)",
        statement=r"a > 19.0 \Rightarrow \text{GD unstable for } \eta > 2/1.9;\ \eta = 0.1:\ s \le \sqrt1/0.1 = 10,\ "
        r"\sqrt4/0.1 = 20 \text{ (at most)};\ s = 51.7 < \sqrt{100}/0.1 = 100 \Rightarrow \text{stable for } B = 100",
        summary="the escape predictions of §4.4 from Table 3's sharpness and non-uniformity",
        checks=(arithmetic, gd_threshold, bounds, b100, simulated),
    ),
    Claim(
        id="wu.escape_numbers-corrected",
        papers=(WU,),
        where="§4.4 with 2/19.0 and the exact bounds of (9)",
        statement=r"a > 19.0 \Rightarrow \text{GD unstable for } \eta > 2/19;\ \eta = 0.1,\ n = 1200:\ (9) \text{ allows } "
        r"s \le 10,\ 20.03,\ 104.4 \text{ for } B = 1, 4, 100",
        summary="§4.4's thresholds, recomputed",
        checks=(arithmetic, corrected),
        corrects="wu.escape_numbers",
    ),
)
