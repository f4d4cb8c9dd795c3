"""Benchmarks: scripts that print figures against the goals (run, not collected by pytest)."""
