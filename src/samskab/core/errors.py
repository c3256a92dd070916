"""One error family for the domain. Views, the API and the CLI map it to their answers: a page
with the message (and the field marked), a JSON error body with `code`, an exit code."""

from typing import Any


class DomainError(Exception):
    """A change the domain's rules forbid.

    `code` is stable and machine-readable (`deadline_passed`, `plan_has_errors`), `message` is
    translated and fit to show a person, `field` names the input at fault where there is one."""

    def __init__(self, code: str, message: Any, field: str | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "field": self.field}
