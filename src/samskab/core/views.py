"""What every app's staff pages share."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_view(perm: str):
    """Admit signed-in users holding `perm` (a django-rules permission); send anonymous
    visitors to the login page and refuse everyone else with 403. The permission is kept on
    the view (`staff_permission`) so the role tests can walk every URL."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied(perm)
            return view(request, *args, **kwargs)

        wrapped.staff_permission = perm
        return wrapped

    return decorator


def form_add_domain_error(form, error) -> None:
    """Show a DomainError (or each error of a DomainErrors) on `form`: at its field when the
    form has that field, above the form otherwise. This is how pages answer a refused change."""
    from samskab.core.errors import errors_of

    for single in errors_of(error):
        form.add_error(single.field if single.field in form.fields else None, single.message)


def messages_add_domain_error(request, error) -> None:
    """Show a DomainError as one page message a violation (pages without a form)."""
    from django.contrib import messages

    from samskab.core.errors import errors_of

    for single in errors_of(error):
        messages.error(request, single.message)
