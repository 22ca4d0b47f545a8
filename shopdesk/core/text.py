"""Text from the outside world: control characters are refused at the door.

A NUL byte cannot be stored in a PostgreSQL text column, and other control characters forge log lines
or confuse e-mail headers; tab, line feed and carriage return stay allowed in free text.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema as cs

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


# The same rule in the published schema (ECMA and Python regex alike): any character but the controls,
# and at least one that is not a space when the field may not be empty (values are stripped).
_ALLOWED = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
TEXT_PATTERN = rf"^{_ALLOWED}*$"
TEXT_PATTERN_NOT_BLANK = rf"^{_ALLOWED}*[^\s\x00-\x1f\x7f]{_ALLOWED}*$"
_SPECIFIC = {"pattern", "enum", "const", "format", "$ref"}


def text_schema_document(schema: dict[str, Any]) -> None:
    """Give a property's plain text branches the pattern of what `text_validate` accepts."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "array" and isinstance(branch.get("items"), dict):
            branch = branch["items"]
        specific = _SPECIFIC & branch.keys() or any(key.startswith("x-") for key in branch)
        if branch.get("type") == "string" and not specific:
            branch["pattern"] = TEXT_PATTERN_NOT_BLANK if branch.get("minLength", 0) > 0 else TEXT_PATTERN


class CleanText(BaseModel):
    """Base for input models: no text field (nor a list of texts) takes a control character.

    The published JSON schema says so too (a pattern on each plain text field), so a request that the
    schema allows is never refused for its characters.
    """

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: cs.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for prop in target.get("properties", {}).values():
            text_schema_document(prop)
        return schema

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
