"""Text from the outside world: control characters are refused at the door.

A NUL byte cannot be stored in a PostgreSQL text column, and other control characters forge log lines
or confuse e-mail headers; tab, line feed and carriage return stay allowed in free text.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, field_validator

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def control_character(value: str, *, multiline: bool = True) -> str | None:
    """The first forbidden character of `value` as U+XXXX, or None when the text is clean."""
    found = (_CONTROL if multiline else _CONTROL_ONE_LINE).search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def text_validate(value: str) -> str:
    """Pydantic validator for free text: refuses control characters (NUL included)."""
    if (bad := control_character(value)) is not None:
        raise ValueError(f"contains a control character ({bad}); remove it and send the text again")
    return value


class CleanText(BaseModel):
    """Base for input models: no text field (nor a list of texts) takes a control character."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str):
            text_validate(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    text_validate(item)
        return value
