"""The claim registry, checks, verdicts, reports and the ``sgdverify`` command line."""

__all__ = [
    "claim",  # Claim, Check, Finding, Verdict, falsifiers
    "display",  # tex: mathematics inside summaries
    "claims",  # one package per paper, one module per claim
    "registry",  # all_claims, select
    "report",  # JSON reports and their values
    "cache",  # resumable per-claim results
    "stats",  # intervals, Bonferroni, digits tolerances
    "symbolic",  # exact comparisons of SymPy expressions
    "papers",  # the papers' references
    "derive",  # the derive commands' computations
    "simulation",  # the simulate commands' computations
    "stability",  # derive stability: SGD's stability at the fixed points of any loss
    "network_sweep",  # the sweep over trained networks (Wu's sharpness-non-uniformity diagram)
    "inputs",  # reading user files
    "options",  # parsing the command line's values
    "sweep",  # the sweep commands
    "cli",  # the sgdverify command
]
