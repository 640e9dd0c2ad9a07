"""The verifier's own results beyond the papers (exact trap sets, exact escape laws, exact batch moments)."""

from .. import collect

MODULES = ("trap_set", "exact_escape", "batch_exact")

CLAIMS = collect(__name__, MODULES)
