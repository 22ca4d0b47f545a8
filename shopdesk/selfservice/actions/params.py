"""Parameters of the actions: strict pydantic models, so every interface validates input the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from shopdesk.core.errors import InvalidInput
from shopdesk.core.text import CleanText

Params = TypeVar("Params", bound=BaseModel)


class StrictParams(CleanText):
    """No unknown keys, trimmed text, and no control characters in any text field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def params_parse(model: type[Params], params: Mapping[str, Any] | BaseModel | None) -> Params:
    """Validate `params` against the action's model; bad input is an InvalidInput (422) naming each field."""
    if isinstance(params, model):
        return params
    raw = params.model_dump() if isinstance(params, BaseModel) else dict(params or {})
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        fields = {
            ".".join(str(part) for part in item["loc"]) or "params": item["msg"] for item in error.errors()
        }
        first = next(iter(fields.items()))
        raise InvalidInput(
            f"Please check {first[0]}: {first[1]}.", code="invalid_input", details={"fields": fields}
        ) from None
