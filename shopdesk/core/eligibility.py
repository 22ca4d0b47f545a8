"""The answer of every self-service check: allowed or not, a stable code, and a sentence to show.

Pages, the assistant, the API and the desk all show `message` as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.core.errors import NotEligible


@dataclass(frozen=True, slots=True)
class Eligibility:
    allowed: bool
    code: str
    message: str

    @classmethod
    def yes(cls, message: str = "", code: str = "ok") -> Eligibility:
        return cls(True, code, message)

    @classmethod
    def no(cls, code: str, message: str) -> Eligibility:
        return cls(False, code, message)

    def __bool__(self) -> bool:
        return self.allowed

    def require(self) -> None:
        """Raise NotEligible unless allowed: services call this inside their transaction."""
        if not self.allowed:
            raise NotEligible(self)

    def as_dict(self) -> dict[str, object]:
        return {"allowed": self.allowed, "code": self.code, "message": self.message}
