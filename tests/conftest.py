"""Shared test settings: hypothesis profiles. The default "ci" profile is derandomized, so a test run
is the same run every time (CI cannot flake on a rare draw); `--hypothesis-profile=long` runs
thousands of fresh random examples."""
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
