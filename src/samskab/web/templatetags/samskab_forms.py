from django import template

register = template.Library()


@register.filter
def described(field):
    """Render a form field's widget with aria-describedby naming its error and hint elements."""
    ids = []
    if field.errors:
        ids.append(f"{field.id_for_label}_error")
    if field.help_text:
        ids.append(f"{field.id_for_label}_hint")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or None."""
    return mapping.get(key) if mapping else None
