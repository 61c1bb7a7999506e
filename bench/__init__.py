"""Benchmark harness for Incident Desk: `python -m bench` (make bench); not part of the test suite."""
