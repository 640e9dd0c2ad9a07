"""Shared by the two-point claim modules (prop1, lem1, prop2, cor1, prop3): the symbols of
``theory.ziyin`` and the sample values of a at which the high-precision checks evaluate."""

import sympy as sp

from theory import ziyin

a, eps, t, w0 = ziyin.a, ziyin.eps, ziyin.t, ziyin.w0
HALF = sp.Rational(1, 2)

#: a < 0 at which Cor. 1's and Prop. 3's closed forms are compared with certified numerics
SAMPLE_A = (sp.Integer(-3), sp.Integer(-1), sp.Rational(-1, 10), sp.Rational(-7, 2), sp.Integer(-100))



def same_geometric(x: sp.Expr, y: sp.Expr) -> bool:
    """x = y for all t, where both are c·B^t in t (every moment of the λ = 1 model is): decided exactly on
    the first term and the ratio of successive terms, so w0² e^{2t ln q} and w0² (q²)^t compare equal."""
    ratio = [sp.simplify(sp.powsimp(e.subs(t, t + 1) / e, force=True)) for e in (x, y)]
    return sp.simplify(x.subs(t, 1) - y.subs(t, 1)) == 0 and sp.simplify(sp.expand(ratio[0] - ratio[1])) == 0
