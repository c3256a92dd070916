"""Finding and masking personal data in response text (Danish Data Protection Act §11(3)).

CPR numbers are always masked before anything is published. E-mail addresses and phone numbers
are found here too; staff decide on them (issue 5), the public export masks them by default.
"""

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

# Every character people (and word processors) put between the date and the serial number:
# hyphen-minus, the Unicode hyphens and dashes U+2010-U+2015 (the non-breaking hyphen U+2011
# among them), the minus sign U+2212, small and full-width hyphen-minus, and a dot.
DASHES = "\\-\u2010-\u2015\u2212\ufe63\uff0d"  # a character class body
# DDMMYY (or DD.MM.YY), then nothing, a space, or a dash or dot with spaces around it, then
# four digits; not inside a longer number. Whitespace includes no-break and thin spaces.
_CPR = re.compile(
    rf"(?<![\d{DASHES}])(\d{{2}})\.?(\d{{2}})\.?(\d{{2}})"
    rf"(?:\s*[{DASHES}.]\s*|\s)?(\d{{4}})(?![\d{DASHES}]\d)(?!\d)"
)
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


# A CPR number begins with two digits: a string without them holds none (most names do not).
_TWO_DIGITS = re.compile(r"\d\d")


def mask_cpr(text: str) -> str:
    """`text` with every CPR number masked, whatever its spelling (masked always, §11)."""
    if not text or _TWO_DIGITS.search(text) is None:
        return text
    return mask(text, frozenset({"cpr"}))


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


def screen_intake(checked: Any, source: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The short fields of an incoming response with CPR numbers masked (issue 9: personal data
    in every field). `checked` is intake's validated submission (a dataclass with `respondent`
    and `attachments`); the sender's name and organisation, each attachment's file name and
    the e-mail subject in `source` come back masked. The text is left as received: it is
    kept unchanged and its CPR numbers are masked, always, in every published version (the
    workspace accepts them automatically). E-mail addresses and phone numbers in these fields
    are left for the public read model, which masks them on the way out."""
    name, organisation = checked.respondent.name, checked.respondent.organisation
    masked_name, masked_organisation = mask_cpr(name), mask_cpr(organisation)
    if (masked_name is name and masked_organisation is organisation and not checked.attachments
            and "subject" not in source):
        return checked, source  # nothing to mask (the common case)
    respondent = replace(checked.respondent, name=masked_name,
                         organisation=masked_organisation)
    attachments = [replace(a, name=mask_cpr(a.name)) if a.name else a
                   for a in checked.attachments]
    if isinstance(source.get("subject"), str):
        source = {**source, "subject": mask_cpr(source["subject"])}
    return replace(checked, respondent=respondent, attachments=attachments), source
