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


class DomainErrors(DomainError):
    """Several rule violations found at once (a form with more than one field at fault). It is
    a DomainError itself (the first one's code, message and field), so a caller that shows one
    message still shows something true; `errors` holds them all."""

    def __init__(self, errors: list[DomainError]):
        if not errors:
            raise ValueError("DomainErrors needs at least one error")
        first = errors[0]
        super().__init__(first.code, first.message, first.field)
        self.errors = list(errors)


def errors_of(error: DomainError) -> list[DomainError]:
    """Each single error inside `error` (itself when it is one)."""
    return list(getattr(error, "errors", None) or [error])
