"""Names of tag codes, from the OGP taxonomy as data (no database query)."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samskab.core.taxonomy import GRAND_CHALLENGES, OGP_VALUES

_TITLES = {code: (da, en) for code, da, en, *_rest in [*GRAND_CHALLENGES, *OGP_VALUES]}
BASE_TAG_CODES = tuple(_TITLES)


def tag_label(code: str) -> str:
    """``GC1 Forbedring af …``, an OGP value's title, or ``Tema: <slug>``, in the active
    language."""
    if code in _TITLES:
        da, en = _TITLES[code]
        title = en if (get_language() or "da")[:2] == "en" else da
        return f"{code} {title}" if code.startswith("GC") else title
    if code.startswith("theme:"):
        return _("Tema: %(slug)s") % {"slug": code.removeprefix("theme:")}
    return code
