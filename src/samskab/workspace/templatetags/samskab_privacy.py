"""`{{ text|cpr_for:request.user }}`: a text as the viewer may read it in the staff pages (CPR
numbers masked for everyone who does not moderate; see workspace.redaction.text_for)."""

from django import template

from samskab.workspace.redaction import text_for

register = template.Library()


@register.filter
def cpr_for(text, user) -> str:
    return text_for(str(text or ""), user)
