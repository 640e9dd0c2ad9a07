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
