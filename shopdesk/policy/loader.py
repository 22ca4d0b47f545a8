"""Load and validate the store policy once per process; a bad file stops start-up with a clear message."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from pydantic import ValidationError

from shopdesk.policy.schema import Policy

DEFAULT_POLICY_FILE = Path(__file__).with_name("default_store.toml")


class PolicyError(Exception):
    """The policy file is missing, not TOML, or breaks the schema. The message names file and key."""


def policy_path() -> Path:
    configured = getattr(settings, "SHOPDESK_POLICY", "") if settings.configured else ""
    return Path(configured) if configured else DEFAULT_POLICY_FILE


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: the store policy is not valid:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key (check its spelling)")
        elif item["type"] == "missing":
            lines.append(f"  {key}: missing")
        else:
            lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def load_policy_file(path: Path) -> Policy:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"{path}: the store policy file does not exist (SHOPDESK_POLICY)") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(_describe(exc, path)) from None


@lru_cache(maxsize=1)
def get_policy() -> Policy:
    return load_policy_file(policy_path())


def reload_policy() -> Policy:
    """Forget the cached policy (tests that override SHOPDESK_POLICY call this)."""
    get_policy.cache_clear()
    return get_policy()
