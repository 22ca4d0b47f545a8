"""Errors of the return flow that point at lines of the request (`lines[i]`), with each line's code."""

from __future__ import annotations

from typing import Any

from shopdesk.core.errors import InvalidInput


class ReturnLinesRefused(InvalidInput):
    """Some requested lines can't go back: 422 with one `fields` entry per line, each with its code."""

    code = "lines_not_returnable"

    def __init__(self, problems: list[dict[str, str]]):
        first = problems[0]["message"] if problems else ""
        message = "Some of the items can't be returned." if len(problems) > 1 else first
        super().__init__(message)
        self.problems = problems

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["fields"] = self.problems
        return body
