from django import template

register = template.Library()


# DKFDS's class per kind of widget, for widgets whose form gave them none.
_DKFDS_CLASS = {"select": "form-select", "selectmultiple": "form-select",
                "textarea": "form-input", "checkbox": "form-checkbox", "radio": "form-radio",
                "file": "form-file-input"}


def _dkfds_class(field) -> str:
    widget = field.field.widget
    if widget.attrs.get("class"):
        return ""
    kind = getattr(widget, "input_type", None) or type(widget).__name__.lower()
    if kind == "hidden":
        return ""
    return _DKFDS_CLASS.get(kind, "form-input")


@register.filter
def described(field):
    """Render a form field's widget with aria-describedby naming its error and hint elements,
    styled the DKFDS way when its form gave it no class."""
    ids = []
    if field.errors:
        ids.append(f"{field.id_for_label}_error")
    if field.help_text:
        ids.append(f"{field.id_for_label}_hint")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if css := _dkfds_class(field):
        attrs["class"] = css
    return field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or None."""
    return mapping.get(key) if mapping else None
