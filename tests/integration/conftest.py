"""Fixtures of the store-integration tests, named after the state they build."""

from tests.integration.fixtures import *  # noqa: F403 - shared with tests/api/test_integration*.py
