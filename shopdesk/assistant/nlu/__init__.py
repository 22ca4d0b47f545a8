"""Offline understanding of customer messages: intent classification and entity extraction.

>>> from shopdesk.assistant.nlu import understand
>>> understand("where is my order KW10023456?").intent
'track_order'
"""

from .entities import Entity, extract_entities
from .pipeline import Alternative, Understanding, get_model, reload_model, understand, understand_many

__all__ = [
    "Alternative",
    "Entity",
    "Understanding",
    "extract_entities",
    "get_model",
    "reload_model",
    "understand",
    "understand_many",
]
