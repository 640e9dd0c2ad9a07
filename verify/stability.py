"""`derive stability`: the linear stability of SGD at the fixed points of the user's own loss.

:func:`model` reads the loss (restricted grammar), parameters, data and probabilities into a
``theory.stability.Model``; :func:`analyse` derives, at ``--at`` or at every isolated fixed
point SymPy finds, the kind of point, the neutral directions, GD's and the mean-square
thresholds (exact algebraic numbers), the almost-surely stable rates (certified trap sets when
the Hessians commute; otherwise a Lyapunov estimate and an enumerated upper bound at ``--lr``),
Wu, Ma & E's (8) and (9) at ``--lr``, and with ``simulate`` a seeded SGD check on the nonlinear
loss. Results are exact objects (:class:`Analysis`); :func:`as_json` renders them with decimal
strings at ``dps`` digits.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

from numerics import stability as numeric
from numerics.precision import check_dps, decimal
from theory import stability, wu
from theory.errors import ParameterError
from theory.numbers import expression_names, parse_exact, parse_expression, parse_list

from .derive import Derived
from .inputs import read_columns
from .stats import LEVEL, proportion_interval

#: Lyapunov estimate at --lr: runs × steps; the enumerated bound's sequence length
LYAPUNOV_RUNS, LYAPUNOV_STEPS, BOUND_LENGTH = 200, 2000, 4
#: --simulate: runs per rate, steps, the offset's radius, the return tolerance, rates in the grid
SIMULATE_RUNS, SIMULATE_STEPS, SIMULATE_RADIUS, SIMULATE_TOLERANCE, SIMULATE_RATES = 200, 2000, 1e-2, 1e-6, 12


def _names(text: str, option: str) -> list[str]:
    names = [item.strip() for item in str(text).split(",")]
    for name in names:
        if not name.isidentifier() or not name.isascii() or keyword.iskeyword(name):
            raise ParameterError(option, f"{name!r} is not a symbol name (letters, digits, _)")
    if len(set(names)) != len(names):
        raise ParameterError(option, "repeated names")
    return names


def _samples(text: str) -> dict[str, list]:
    """``x=1,2;y=0,1`` → {"x": [1, 2], "y": [0, 1]} (exact)."""
    columns = {}
    for part in str(text).split(";"):
        if "=" not in part:
            raise ParameterError("samples", f"expected SYMBOL=v1,v2,... separated by ';', got {part.strip()!r}")
        name, values = (piece.strip() for piece in part.split("=", 1))
        (name,) = _names(name, "samples")
        if name in columns:
            raise ParameterError("samples", f"{name!r} given twice")
        columns[name] = parse_list(values, "samples")
    return columns


def model(loss: str, params: str, samples: str | None = None, data: str | None = None,
          probs: str | None = None) -> stability.Model:
    """The per-sample loss with its samples (``samples`` text or a CSV/NPZ ``data`` file) and weights."""
    names = _names(params, "params")
    if (samples is None) == (data is None):
        raise ParameterError("samples", "give exactly one of --samples or --data")
    columns = _samples(samples) if samples is not None else None
    symbols = {name: sp.Symbol(name, real=True) for name in names}
    data_names = sorted(set(columns) if columns is not None else set())
    if columns is None:  # the data file's columns are the loss's other symbols
        free = sorted(expression_names(loss, "loss") - set(names))
        columns = read_columns(data, "data", tuple(free))
        data_names = free
    clash = set(data_names) & set(names)
    if clash:
        raise ParameterError("samples", f"{sorted(clash)} are parameters, not data")
    symbols |= {name: sp.Symbol(name, real=True) for name in data_names}
    expression = parse_expression(loss, symbols, "loss")
    used = {str(s) for s in expression.free_symbols}
    unused = [name for name in data_names if name not in used]
    if unused:
        raise ParameterError("samples", f"{unused[0]!r} is not a symbol of the loss")
    lengths = {len(columns[name]) for name in data_names}
    if len(lengths) > 1:
        raise ParameterError("samples", f"every data symbol needs the same number of samples, got {sorted(lengths)}")
    count = lengths.pop() if lengths else 1
    rows = tuple(tuple(columns[name][i] for name in data_names) for i in range(count))
    if probs is None:
        weights = tuple(sp.Rational(1, count) for _ in rows)
    else:
        weights = tuple(parse_list(probs, "probs"))
        if len(weights) != count:
            raise ParameterError("probs", f"{len(weights)} probabilities for {count} samples")
    return stability.Model(expression, tuple(symbols[n] for n in names), tuple(symbols[n] for n in data_names),
                           rows, weights)


def point_from_text(text: str, model_: stability.Model) -> dict:
    """``w1=1,w2=-1/2`` → {w1: 1, w2: -1/2} over the model's parameters (all of them)."""
    values = {}
    by_name = {str(p): p for p in model_.params}
    for part in str(text).split(","):
        if "=" not in part:
            raise ParameterError("at", f"expected PARAM=value pairs, got {part.strip()!r}")
        name, value = (piece.strip() for piece in part.split("=", 1))
        if name not in by_name:
            raise ParameterError("at", f"{name!r} is not a parameter ({', '.join(by_name)})")
        values[by_name[name]] = parse_exact(value, "at")
    return model_.at(values)


@dataclass(frozen=True)
class Analysis:
    """What ``derive stability`` found at one point; ``notes`` say what was not derived and why."""

    point: stability.Point
    lr: sp.Expr | None
    almost_sure: dict
    wu: dict
    simulation: dict | None
    notes: list[str] = field(default_factory=list)
    stationary_moment: sp.Matrix | None = None  # off a fixed point, at --lr, when it exists


def analyse(model_: stability.Model, at: str | None, batch: int, replace: bool, lr: str | None = None,
            simulate: bool = False, dps: int = 50, seed: int | np.random.SeedSequence = 0) -> list[Analysis]:
    """The analysis at ``at`` (text) or at every isolated fixed point of SGD; simulations draw from
    ``seed`` (an int or a SeedSequence)."""
    check_dps(dps)
    seed = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    rate = None
    if lr is not None:
        rate = parse_exact(lr, "lr")
        if not (rate.is_Rational and rate > 0):
            raise ParameterError("lr", f"must be a positive rational, got {rate}")
    if not replace and batch > len(model_.samples):
        raise ParameterError("batch", f"a batch without replacement needs B ≤ n = {len(model_.samples)}, got {batch}")
    if at is not None:
        points = [point_from_text(at, model_)]
    else:
        try:
            points = stability.fixed_points(model_)
        except stability.FixedPointManifold as manifold:
            shown = "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in manifold.solutions[:3])
            raise ParameterError("at", f"the fixed points of SGD form a manifold ({shown}): give a point on it "
                                       "with --at") from None
        if not points:
            raise ParameterError("at", "SymPy found no real point where every per-sample gradient vanishes: "
                                       "give one with --at")
    results = []
    for values in points:
        point = stability.Point(model_, values, batch, replace)
        point.batch_factor  # noqa: B018  (validates B and the probabilities before any work)
        notes = []
        if not point.sgd_fixed_point:
            where = ", ".join(f"{k} = {v}" for k, v in values.items())
            if not point.expected_gradient.is_zero_matrix:
                raise ParameterError("at", f"({where}) is neither a fixed point of SGD nor a stationary point of the "
                                           "expected loss: nothing to analyse there")
            if simulate:
                raise ParameterError("simulate", f"({where}) is not a fixed point of SGD: there is nothing to return to")
            notes.append("not a fixed point of SGD: some per-sample gradient is nonzero here, so SGD does not stay; "
                         "the thresholds are not derived")
            moment = None
            if rate is None:
                notes.append("a stationary point of the loss: give --lr for the linearised process's stationary "
                             "second moment")
            else:
                moment = point.stationary_second_moment(rate)
                if moment is None:
                    notes.append("ρ(T_η) ≥ 1 at this --lr: the linearised process has no stationary second moment")
            results.append(Analysis(point, rate, {}, {}, None, notes, moment))
            continue
        almost = _almost_sure(point, rate, dps, seed)
        results.append(Analysis(point, rate, almost, _wu(point, rate), _simulate(point, seed) if simulate else None,
                                notes))
    return results


def _almost_sure(point: stability.Point, rate, dps: int, seed: np.random.SeedSequence) -> dict:
    if not point.reduced:
        return {"route": "every Hessian vanishes: δ never moves (no direction is unstable)"}
    directions = point.directions
    if directions is not None:
        sets = [[(i.low, i.high) for i in d.trap_set] for d in directions]
        return {"route": "commuting Hessians: the trap set of each common direction's batch-mean law, intersected",
                "certified": True, "intervals": _intersect(sets)}
    result = {"route": "non-commuting Hessians: no exact set; at --lr a Lyapunov estimate and an upper bound",
              "certified": False}
    if rate is not None:
        matrices, _ = point.batch_update_matrices(rate)
        floats = np.array([np.array(m.evalf(17).tolist(), dtype=float) for m in matrices])
        estimate = numeric.lyapunov_estimate(floats, LYAPUNOV_STEPS, LYAPUNOV_RUNS, seed)
        result["estimate"] = estimate
        length = max(k for k in range(1, BOUND_LENGTH + 1) if len(matrices) ** k <= numeric.MAX_SEQUENCES)
        result["upper_bound"] = (numeric.lyapunov_upper_bound(matrices, length, dps), length)
    return result


def _intersect(sets: list[list[tuple]]) -> list[tuple]:
    """The intersection of unions of open intervals (exact ends)."""
    current = sets[0]
    for other in sets[1:]:
        current = [(max(a, c), min(b, d)) for a, b in current for c, d in other if max(a, c) < min(b, d)]
    return sorted(current, key=lambda pair: sp.default_sort_key(pair[0]))


def _wu(point: stability.Point, rate) -> dict:
    if rate is None:
        return {}
    if not all(h.is_positive_semidefinite for h in point.hessians):
        return {"note": "Theorem 1 and (9) are for global minima (every Hᵢ ⪰ 0); not applicable here"}
    if len(set(point.model.probs)) != 1:
        return {"note": "Theorem 1 and (9) are stated for equally weighted samples"}
    hessians = point.hessians
    n = len(hessians)
    rectangle = wu.rectangle_at(rate, point.batch, n, point.replace)
    return {"wu_condition_8": wu.satisfies_condition_8(hessians, rate, point.batch, point.replace),
            "wu_rectangle_9": bool(wu.sharpness(hessians) <= rectangle[0] and wu.nonuniformity(hessians) <= rectangle[1])}


def _simulate(point: stability.Point, seed: np.random.SeedSequence) -> dict:
    """Seeded SGD on the nonlinear loss from offsets around the point, on a grid of rates up to 1.5×
    the largest predicted threshold."""
    model_ = point.model
    thresholds = [t for t in (point.gd_max_lr, point.mean_square_max_lr) if t is not None]
    if not thresholds:
        return {"note": "no finite threshold to scan around"}
    top = float(max(thresholds)) * 1.5
    lrs = [top * (i + 1) / SIMULATE_RATES for i in range(SIMULATE_RATES)]
    gradient_exprs = [sp.diff(model_.loss, w) for w in model_.params]
    function = sp.lambdify((model_.params, model_.data), gradient_exprs, "numpy")
    data = np.array([[float(v) for v in row] for row in model_.samples]) if model_.data else np.zeros((len(model_.samples), 0))

    def gradient(w, rows):
        columns = [w[:, None, i] for i in range(w.shape[1])]
        values = function(columns, [rows[None, :, j] for j in range(rows.shape[1])])
        return np.stack([np.broadcast_to(v, (w.shape[0], len(rows))) for v in values], axis=2)

    matrices, count = point.samples_for_batches
    if count != len(model_.samples):  # unequal probabilities: replicate the data rows as the theory does
        data = np.repeat(data, [int(p * count) for p in model_.probs], axis=0)
    centre = np.array([float(point.point[w]) for w in model_.params])
    outcomes = numeric.returns(gradient, centre, data, lrs, point.batch, point.replace, SIMULATE_RUNS, SIMULATE_STEPS,
                               SIMULATE_RADIUS, SIMULATE_TOLERANCE, seed)
    return {"lrs": lrs, "returned": [r for r, _ in outcomes], "diverged": [d for _, d in outcomes],
            "intervals": [proportion_interval(r, SIMULATE_RUNS, LEVEL) for r, _ in outcomes]}


def _exact(value: sp.Expr, dps: int) -> dict:
    return {"value": decimal(value, dps), "exact": {"text": sp.sstr(value), "latex": sp.latex(value)}}


def _end(value, dps: int) -> str:
    return "inf" if value == sp.oo else decimal(value, dps)


def as_json(analyses: list[Analysis], dps: int) -> list[dict]:
    """One JSON object per point (numbers as decimal strings at ``dps`` digits)."""
    out = []
    for analysis in analyses:
        point = analysis.point
        entry = {"point": {str(k): decimal(v, dps) for k, v in point.point.items()},
                 "point_exact": {str(k): sp.sstr(v) for k, v in point.point.items()},
                 "sgd_fixed_point": point.sgd_fixed_point, "kind": point.kind,
                 "eigenvalues": [decimal(v, dps) for v in point.eigenvalues],
                 "neutral_directions": [[str(x) for x in v] for v in point.neutral_directions]}
        if point.sgd_fixed_point:
            entry["gd_max_lr"] = None if point.gd_max_lr is None else _exact(sp.radsimp(point.gd_max_lr), dps)
            threshold = point.mean_square_max_lr
            entry["mean_square_max_lr"] = None if threshold is None else (
                _exact(threshold, dps) | {"polynomial": {"text": sp.sstr(point.mean_square_polynomial.as_expr()),
                                                         "latex": sp.latex(point.mean_square_polynomial.as_expr())}})
            entry["almost_sure_stable_lrs"] = _almost_json(analysis.almost_sure, dps)
            if analysis.lr is not None:
                entry["at_lr"] = {"lr": decimal(analysis.lr, dps), **{k: v for k, v in analysis.wu.items()}}
                if point.kind == "minimum":
                    entry["at_lr"]["second_moment_radius"] = decimal(point.second_moment_radius_at(analysis.lr), dps)
            if analysis.simulation is not None:
                entry["simulation"] = _simulation_json(analysis.simulation)
        moment = analysis.stationary_moment
        if moment is not None:
            entry["stationary_second_moment"] = {"lr": decimal(analysis.lr, dps),
                                                 "matrix": [[decimal(v, dps) for v in row] for row in moment.tolist()],
                                                 "exact": {"text": sp.sstr(moment), "latex": sp.latex(moment)}}
        if analysis.notes:
            entry["notes"] = analysis.notes
        out.append(entry)
    return out


def _almost_json(almost: dict, dps: int) -> dict:
    out = {"route": almost["route"]}
    if "intervals" in almost:
        out["certified"] = True
        out["intervals"] = [[_end(low, dps), _end(high, dps)] for low, high in almost["intervals"]]
    if "estimate" in almost:
        e = almost["estimate"]
        out["certified"] = False
        out["lyapunov_estimate"] = {"mean": repr(e.mean), "stderr": repr(e.stderr), "interval": [repr(e.low), repr(e.high)],
                                    "level": repr(e.level), "runs": e.runs, "steps": e.steps}
        bound, length = almost["upper_bound"]
        out["lyapunov_upper_bound"] = {"value": mpmath.nstr(bound, dps), "k": length,
                                       "stable_certified": bool(bound < 0)}
    return out


def _simulation_json(simulation: dict) -> dict:
    if "note" in simulation:
        return simulation
    return {"lrs": [repr(x) for x in simulation["lrs"]], "runs": SIMULATE_RUNS, "steps": SIMULATE_STEPS,
            "radius": repr(SIMULATE_RADIUS), "returned": simulation["returned"], "diverged": simulation["diverged"],
            "returned_interval": [[repr(i.low), repr(i.high)] for i in simulation["intervals"]],
            "interval_method": f"{LEVEL * 100:.6g}% Wilson"}


def derive(loss: str, params: str, samples: str | None, data: str | None, probs: str | None, at: str | None,
           batch: int, replace: bool, lr: str | None, simulate: bool, dps: int, seed: int = 0) -> Derived:
    """The `derive stability` command's result."""
    built = model(loss, params, samples, data, probs)
    analyses = analyse(built, at, batch, replace, lr, simulate, dps, seed)
    shown = {"loss": loss, "params": params, "samples": samples, "data": data, "probs": probs, "at": at,
             "batch": str(batch), "replace": str(replace).lower(), "lr": lr}
    return Derived("result", "derive stability", {k: v for k, v in shown.items() if v is not None}, dps,
                   {"points": as_json(analyses, dps)})


def text(derived: Derived) -> str:
    """The result as readable lines (what the CLI prints without --json)."""
    lines = [f"derive stability  ({', '.join(f'{k}={v}' for k, v in derived.params.items())}; {derived.dps} digits)"]
    for entry in derived.values["points"]:
        where = ", ".join(f"{k} = {v}" for k, v in entry["point_exact"].items())
        lines.append(f"  at {where}: {entry['kind']} of the expected loss"
                     + ("" if entry["sgd_fixed_point"] else " — not a fixed point of SGD"))
        lines.append(f"    eigenvalues of the mean Hessian off the neutral directions: {', '.join(entry['eigenvalues']) or 'none'}")
        if entry["neutral_directions"]:
            vectors = "; ".join("(" + ", ".join(v) + ")" for v in entry["neutral_directions"])
            lines.append(f"    neutral directions (common null space of the Hᵢ, never unstable): {vectors}")
        if "gd_max_lr" in entry:
            for name, label in (("gd_max_lr", "GD stable for η <"), ("mean_square_max_lr", "mean-square stable for η <")):
                value = entry[name]
                lines.append(f"    {label} " + ("— (unstable at every η)" if value is None
                                                 else f"{value['value']}  (exactly {value['exact']['text']})"))
            almost = entry["almost_sure_stable_lrs"]
            if "intervals" in almost:
                pieces = " ∪ ".join(f"({low}, {high})" for low, high in almost["intervals"]) or "∅"
                lines.append(f"    almost surely stable for η ∈ {pieces}  (certified; {almost['route']})")
            elif "lyapunov_estimate" in almost:
                estimate, bound = almost["lyapunov_estimate"], almost["lyapunov_upper_bound"]
                lines.append(f"    Lyapunov exponent at η: {estimate['mean']} ± {estimate['stderr']} "
                             f"({float(estimate['level']) * 100:g}% interval {estimate['interval'][0]} to {estimate['interval'][1]}); "
                             f"certified upper bound (k = {bound['k']}) {bound['value']}")
            else:
                lines.append(f"    almost-sure stability: {almost['route']}")
            if "at_lr" in entry:
                at = entry["at_lr"]
                details = [f"{k.replace('_', ' ')}: {('yes' if v else 'no') if isinstance(v, bool) else v}"
                           for k, v in at.items() if k != "lr"]
                lines.append(f"    at η = {at['lr']}: " + "; ".join(details))
            if "simulation" in entry and "returned" in entry["simulation"]:
                sim = entry["simulation"]
                rows = ", ".join(f"η={float(lr):.4g}: {r}/{sim['runs']}" for lr, r in zip(sim["lrs"], sim["returned"]))
                lines.append(f"    SGD on the loss, runs returned to the fixed-point set: {rows}")
        for note in entry.get("notes", []):
            lines.append(f"    note: {note}")
    return "\n".join(lines)
