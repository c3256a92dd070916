"""Codes shown in words (issue 11: no "Sprog: da" on screen)."""

from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def language_in_words(code: str) -> str:
    """A language code as the language's name in the page's language ("da" → "dansk" /
    "Danish"); an empty code as "–", an unknown one as it is."""
    if not code:
        return "–"
    try:
        return get_language_info(code.split("-")[0].lower())["name_translated"]
    except KeyError:
        return code
