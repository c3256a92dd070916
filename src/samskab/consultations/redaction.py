"""Finding and masking personal data in response text (Danish Data Protection Act §11(3)).

CPR numbers are always masked before anything is published. E-mail addresses and phone numbers
are found here too; staff decide on them (issue 5), the public export masks them by default.
"""

import re
from dataclasses import dataclass
from datetime import date

# DDMMYY then optional space or hyphen then four digits, not inside a longer number.
_CPR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})[ -]?(\d{4})(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Danish phone numbers: 8 digits, optionally +45/0045, in groups of 2 or 4.
_PHONE = re.compile(
    r"(?<![\d-])(?:(?:\+|00)45[ ]?)?(?:\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}|\d{4}[ ]\d{4})(?![\d-])"
)

CPR_MASK = "[CPR-nr. fjernet]"
EMAIL_MASK = "[e-mail fjernet]"
PHONE_MASK = "[telefonnr. fjernet]"


@dataclass(frozen=True)
class Finding:
    kind: str  # "cpr", "email" or "phone"
    start: int
    end: int
    text: str


def _is_cpr_date(day: str, month: str, year: str) -> bool:
    try:
        # The century is unknown from six digits; any leap-year century accepts 29 February.
        date(2000 + int(year) if int(year) != 0 else 2000, int(month), int(day))
    except ValueError:
        return int(day) == 29 and int(month) == 2
    return True


def find_personal_data(text: str) -> list[Finding]:
    """Every CPR number, e-mail address and phone number in `text`, in order, not overlapping."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _CPR.finditer(text):
        if _is_cpr_date(match.group(1), match.group(2), match.group(3)):
            findings.append(Finding("cpr", match.start(), match.end(), match.group()))
            taken.append(match.span())
    for match in _EMAIL.finditer(text):
        if free(*match.span()):
            findings.append(Finding("email", match.start(), match.end(), match.group()))
            taken.append(match.span())
    for match in _PHONE.finditer(text):
        if free(*match.span()):
            findings.append(Finding("phone", match.start(), match.end(), match.group()))
            taken.append(match.span())
    return sorted(findings, key=lambda f: f.start)


def mask(text: str, kinds: frozenset[str] = frozenset({"cpr", "email", "phone"})) -> str:
    masks = {"cpr": CPR_MASK, "email": EMAIL_MASK, "phone": PHONE_MASK}
    out, last = [], 0
    for finding in find_personal_data(text):
        if finding.kind in kinds:
            out.append(text[last:finding.start])
            out.append(masks[finding.kind])
            last = finding.end
    out.append(text[last:])
    return "".join(out)
