"""Hypothesis profiles: 'ci' (loaded when CI=true) runs 2,000 derandomized examples per property,
so a CI run is reproducible; 'dev' (the default) runs a few dozen. HYPOTHESIS_PROFILE overrides.
Neither keeps an example database (no .hypothesis/ directory in the working tree)."""

import os

from hypothesis import HealthCheck, settings

SUPPRESSED = (HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large)

settings.register_profile("ci", max_examples=2000, deadline=None, derandomize=True, database=None,
                          suppress_health_check=SUPPRESSED, print_blob=True)
settings.register_profile("dev", max_examples=40, deadline=None, database=None, suppress_health_check=SUPPRESSED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))


def pytest_terminal_summary(terminalreporter):
    """The falsifier tally, when tests/test_falsifiers.py ran (in this process or in xdist workers:
    the tally is computed here, from the registry, not from the test module's globals)."""
    ran = any(getattr(report, "nodeid", "").startswith("tests/test_falsifiers.py")
              for reports in terminalreporter.stats.values() for report in reports)
    if not ran:
        return
    from claim_helpers import falsifier_tally

    tally = falsifier_tally()
    terminalreporter.write_sep("-", "falsifiers")
    terminalreporter.write_line(
        f"{tally['checks']} checks, {tally['falsified checks']} with falsifiers ({tally['falsifiers']} mutations), "
        f"{len(tally['consistency-only checks'])} consistency-only")
    for name in tally["consistency-only checks"]:
        terminalreporter.write_line(f"  consistency only: {name}")
