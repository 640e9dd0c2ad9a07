"""The verifier's own results beyond the papers (exact trap sets, exact escape laws, exact batch moments)."""

from .. import collect

MODULES = ("legacy", "batch",)

CLAIMS = collect(__name__, MODULES)
