"""Hypothesis profiles: "ci" (the default: derandomized, so `make test` is deterministic, and bounded) and "long"
(random, many examples: bench/property_long.py runs it before releases). HYPOTHESIS_PROFILE picks one."""

import os

from hypothesis import HealthCheck, settings

_common = dict(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("ci", derandomize=True, max_examples=int(os.environ.get("PROPERTY_EXAMPLES", 25)), **_common)
settings.register_profile(
    "long", derandomize=False, max_examples=int(os.environ.get("PROPERTY_EXAMPLES", 1000)), **_common
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
