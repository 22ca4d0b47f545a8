"""The answer of every self-service check: allowed or not, a stable code, and a sentence to show.

Pages, the assistant, the API and the desk all show `message` as it is. `needs_approval` marks an
action that is allowed but that a person (an agent or a lead) must approve before it takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.core.errors import NotEligible


@dataclass(frozen=True, slots=True)
class Eligibility:
    allowed: bool
    code: str
    message: str
    needs_approval: bool = False

    @classmethod
    def yes(cls, message: str = "", code: str = "ok") -> Eligibility:
        return cls(True, code, message)

    @classmethod
    def no(cls, code: str, message: str) -> Eligibility:
        return cls(False, code, message)

    @classmethod
    def approval(cls, code: str, message: str) -> Eligibility:
        """Allowed, but a person decides: the request is recorded and waits for them."""
        return cls(True, code, message, needs_approval=True)

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> None:
        """Raise NotEligible unless allowed: services call this inside their transaction."""
        if not self.allowed:
            raise NotEligible(self)

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"allowed": self.allowed, "code": self.code, "message": self.message}
        if self.needs_approval:
            body["needs_approval"] = True
        return body
