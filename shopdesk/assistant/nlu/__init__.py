"""Offline understanding of customer messages: intent classification and entity extraction.

>>> from shopdesk.assistant.nlu import understand
>>> understand("where is my order KW10023456?").intent
'track_order'

The names below are imported on first use, so importing the package (as Django does at start-up, to
install the help-center scorer) doesn't load scikit-learn, onnx and the encoder.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .entities import Entity, extract_entities
    from .pipeline import (
        Alternative,
        Understanding,
        get_model,
        read_details,
        reload_model,
        understand,
        understand_many,
    )

_EXPORTS = {
    "Alternative": ".pipeline",
    "Entity": ".entities",
    "Understanding": ".pipeline",
    "extract_entities": ".entities",
    "get_model": ".pipeline",
    "read_details": ".pipeline",
    "reload_model": ".pipeline",
    "understand": ".pipeline",
    "understand_many": ".pipeline",
}
__all__ = [
    "Alternative",
    "Entity",
    "Understanding",
    "extract_entities",
    "get_model",
    "read_details",
    "reload_model",
    "understand",
    "understand_many",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
