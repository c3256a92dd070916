"""Input hygiene at the one door in: what every channel's text goes through before it is stored.

- Control characters other than tab and newlines (C0 and C1, NUL included) are removed: no
  person typed them, PostgreSQL refuses NUL, and XML documents (DOCX, ODT) cannot hold them.
  What was removed is counted and noted on the response (`source["input_cleaned"]`), where staff
  see it, so the cleaning is never silent.
- Lone surrogates (``"\\ud800"`` from a JSON escape) are no characters at all and cannot be
  stored or encoded; they are refused with a clear error rather than guessed at.

`response_input_clean` is called once, at the top of `services.response_receive`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

# C0 less tab, LF and CR; DEL; C1.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

FIELD_LABELS = {
    "text": _("teksten"),
    "name": _("navnet"),
    "organisation": _("organisationen"),
    "email": _("e-mailadressen"),
    "attachments": _("et bilags filnavn"),
}


def strip_controls(value: str) -> tuple[str, int]:
    """`value` without control characters other than tab and newlines, and how many went."""
    cleaned, removed = CONTROL_CHARACTERS.subn("", value)
    return cleaned, removed


def content_hash(text: str) -> str:
    """What `response_receive` stores as `content_hash` for `text` (to compare a resubmission
    with the stored response)."""
    from samskab.consultations.services import normalise_text

    cleaned, _removed = strip_controls(text or "")
    return hashlib.sha256(normalise_text(cleaned).encode("utf-8", "surrogatepass")).hexdigest()


def has_lone_surrogate(value: str) -> bool:
    return LONE_SURROGATE.search(value) is not None


def _refuse(field_name: str) -> Exception:
    from samskab.consultations.services import ReceiveError

    return ReceiveError(
        "invalid_characters",
        _("%(field)s indeholder et ugyldigt tegn (en enkeltstående UTF-16-surrogat), som ikke "
          "kan gemmes. Ret teksten og send igen.")
        % {"field": str(FIELD_LABELS.get(field_name, field_name)).capitalize()},
        field_name=field_name,
    )


def _clean_value(value: Any, counts: dict[str, int], where: str) -> Any:
    """Strings in nested metadata (`source`): controls removed, lone surrogates replaced (the
    metadata is what a channel noted about the submission, not what the person wrote)."""
    if isinstance(value, str):
        cleaned, removed = strip_controls(value)
        if removed:
            counts[where] = counts.get(where, 0) + removed
        return LONE_SURROGATE.sub("\ufffd", cleaned)
    if isinstance(value, dict):
        return {
            _clean_value(str(key), counts, where): _clean_value(item, counts, where)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean_value(item, counts, where) for item in value]
    return value


@dataclasses.dataclass(frozen=True)
class CleanInput:
    text: str
    respondent: Any
    attachments: list[Any]
    source: dict[str, Any]
    idempotency_key: str
    language: str


def response_input_clean(
    *, text: str, respondent: Any, attachments: Sequence[Any], source: dict[str, Any] | None,
    idempotency_key: str, language: str,
) -> CleanInput:
    """Cleaned copies of what `response_receive` was given (see the module docstring).

    Raises ReceiveError(`invalid_characters`) naming the field that holds a lone surrogate.
    When anything was removed, `source["input_cleaned"]` says how much and where:
    ``{"control_characters_removed": 3, "fields": {"text": 2, "organisation": 1}}``.
    """
    counts: dict[str, int] = {}

    def person_text(field_name: str, value: str) -> str:
        value = value or ""
        if has_lone_surrogate(value):
            raise _refuse(field_name)
        cleaned, removed = strip_controls(value)
        if removed:
            counts[field_name] = counts.get(field_name, 0) + removed
        return cleaned

    text = person_text("text", text)
    respondent = dataclasses.replace(
        respondent,
        name=person_text("name", respondent.name),
        organisation=person_text("organisation", respondent.organisation),
        email=person_text("email", respondent.email),
        kind=_clean_value(respondent.kind or "", {}, "kind"),
    )
    attachments = [
        dataclasses.replace(
            incoming,
            name=person_text("attachments", incoming.name or ""),
            mime_type=_clean_value(incoming.mime_type or "", {}, "attachments"),
        )
        for incoming in attachments
    ]
    cleaned_source = _clean_value(dict(source or {}), counts, "source")
    if counts:
        cleaned_source["input_cleaned"] = {
            "control_characters_removed": sum(counts.values()),
            "fields": dict(sorted(counts.items())),
        }
    return CleanInput(
        text=text, respondent=respondent, attachments=attachments, source=cleaned_source,
        idempotency_key=_clean_value(idempotency_key or "", {}, "key"),
        language=_clean_value(language or "", {}, "language"),
    )


# Anything `response_input_clean` would remove or refuse: one search tells that a string is
# clean already, which most are.
_UNCLEAN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _clean_already(item: Any) -> bool:
    """Whether `response_input_clean` would give `item` (a `services.Incoming` without
    attachments) back unchanged: every string clean, the metadata flat."""
    respondent = item.respondent
    strings = [item.text, respondent.name, respondent.organisation, respondent.email,
               respondent.kind, item.idempotency_key, item.language]
    for key, value in (item.source or {}).items():
        if type(key) is not str or type(value) not in (str, int, bool):
            return False
        strings.append(key)
        if type(value) is str:
            strings.append(value)
    if any(type(value) is not str for value in strings):
        return False
    return _UNCLEAN.search("".join(strings)) is None


def incoming_clean_all(items: Sequence[Any]) -> tuple[list[Any], dict[int, Exception]]:
    """`response_input_clean` for each item of a batch (`services.Incoming`): the cleaned
    items, and the ReceiveError of each item refused (those keep their place, uncleaned)."""
    cleaned: list[Any] = []
    refused: dict[int, Exception] = {}
    for index, item in enumerate(items):
        if not item.attachments and _clean_already(item):
            cleaned.append(item if item.source is not None else dataclasses.replace(
                item, source={}))
            continue
        try:
            clean = response_input_clean(
                text=item.text, respondent=item.respondent, attachments=item.attachments,
                source=item.source, idempotency_key=item.idempotency_key,
                language=item.language)
        except Exception as error:
            from samskab.consultations.services import ReceiveError

            if not isinstance(error, ReceiveError):
                raise
            refused[index] = error
            cleaned.append(item)
            continue
        cleaned.append(dataclasses.replace(
            item, text=clean.text, respondent=clean.respondent, attachments=clean.attachments,
            source=clean.source, idempotency_key=clean.idempotency_key,
            language=clean.language))
    return cleaned, refused
