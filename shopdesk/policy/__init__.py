"""The store policy: one TOML file that the help center renders and every service obeys."""

from shopdesk.policy.loader import PolicyError, get_policy, load_policy_file, reload_policy
from shopdesk.policy.schema import Policy

__all__ = ["Policy", "PolicyError", "get_policy", "load_policy_file", "reload_policy"]
