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
