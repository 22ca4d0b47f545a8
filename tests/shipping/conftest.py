"""The shipping situations, available to every test in this folder."""

from tests.shipping.situations import *  # noqa: F403 (pytest finds fixtures by name)
