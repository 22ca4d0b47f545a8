"""Checks on rendered pages shared by the page tests."""

from __future__ import annotations

import re

_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SOURCE = re.compile(r"""\bsrc\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def only_package_scripts(html: str) -> bool:
    """True when every script on the page is a file served from the package (the CSP allows no inline
    code): each `<script>` tag has a `src` under /static/ and nothing between its tags."""
    for match in _SCRIPT_TAG.finditer(html):
        source = _SOURCE.search(match.group(1))
        if source is None or not source.group(1).startswith("/static/"):
            return False
        if not html[match.end() :].lstrip().lower().startswith("</script>"):
            return False
    return True
