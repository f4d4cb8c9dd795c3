"""Fixtures shared by the contract tests of several APIs."""

from tests.contract.offer_world import offer_world  # noqa: F401
