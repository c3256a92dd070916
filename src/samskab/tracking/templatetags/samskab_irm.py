"""IRM codings in words on the tracking pages (tracking/irm_labels.py)."""

from django import template

from samskab.tracking import irm_labels

register = template.Library()


@register.filter
def irm_name(name: str) -> str:
    return irm_labels.coding_name(name)


@register.filter
def irm_value(value, name: str) -> str:
    return irm_labels.coding_value(name, value)
