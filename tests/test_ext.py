"""The verifier's own claims (ext.*): every check's verdict pinned, and their key evidence."""

import mpmath
import sympy as sp
from claim_helpers import evidence, verdict_tests

EXPECTED = {
    "ext.trap_set": ("proved", ("proved", "confirmed", "confirmed", "confirmed")),
    "ext.exact_escape": ("confirmed", ("confirmed", "confirmed", "confirmed")),
    "ext.batch_exact": ("proved", ("proved", "proved", "confirmed", "confirmed")),
}

results, test_verdicts = verdict_tests(EXPECTED)


def test_trap_set_evidence(results):
    split = evidence(results, "ext.trap_set", "the general algorithm").finding.observed["split"]
    assert [(sp.nsimplify(lo), sp.nsimplify(hi)) for lo, hi in split] == [
        (0, 4 / sp.Integer(7) - sp.sqrt(2) / 7), (4 / sp.Integer(7) + sp.sqrt(2) / 7, sp.Rational(8, 7))]
    assert evidence(results, "ext.trap_set", "certified endpoints").finding.observed < mpmath.mpf(10) ** -35
    phases = evidence(results, "ext.trap_set", "inside each trap").finding
    assert phases.observed == phases.expected and len(phases.observed) == 8


def test_exact_escape_evidence(results):
    found = evidence(results, "ext.exact_escape", "the exact law equals").finding
    tie = "x ∈ {1, -2}, λ = 1/2, t = 10, ε = 1"
    assert found.expected[tie] == sp.Rational(193, 512)  # P(Bin(10, 1/2) ≥ 6): the tie k = 5 is not an escape
    assert abs(found.observed[tie] - mpmath.mpf(193) / 512) < mpmath.mpf(10) ** -25


def test_batch_exact_evidence(results):
    found = evidence(results, "ext.batch_exact", "the factors").finding
    assert sp.simplify(found.observed["subsets"] - found.expected["subsets"]) == 0
    assert found.observed["independent draws"] == found.expected["independent draws"]
