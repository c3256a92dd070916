"""Content in two languages as pairs of fields (`title_da`, `title_en`).

`translated("title")` gives a read-only property that returns the active language's value and
falls back to Danish, the authoritative language of a Danish consultation.
"""

from django.utils.translation import get_language


def translated(base: str) -> property:
    def getter(self) -> str:
        lang = (get_language() or "da")[:2]
        value = getattr(self, f"{base}_{lang}", "") if lang != "da" else ""
        return value or getattr(self, f"{base}_da", "")

    getter.__doc__ = f"The {base} in the active language, Danish when no translation exists."
    return property(getter)
