"""Small helpers the page views share: who may open a page, and turning a domain error into a
message the person can act on."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.errors import DomainError
from cases.readiness import Readiness
from web.queries import persona_for


def persona_required(allowed, refusal):
    """Pages for the personas `allowed(persona)` accepts: others are sent to their own home page
    (a GET) or refused with `refusal` (any other method)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            persona = persona_for(request.user)
            if not allowed(persona):
                if request.method == "GET":
                    return redirect(persona.home)
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Pages for agency staff (and superusers).
agency_required = persona_required(
    lambda persona: persona.is_agency or persona.is_superuser,
    gettext_lazy("This page is for agency staff."),
)
# Pages for employer HR.
employer_required = persona_required(
    lambda persona: persona.is_employer, gettext_lazy("This page is for employer HR.")
)
# Pages of an organization's people (agency or employer): notices are received by organizations.
organization_required = persona_required(
    lambda persona: persona.is_agency or persona.is_employer or persona.is_superuser,
    gettext_lazy("This page is for agency staff and employer HR."),
)


def agency_admin_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not persona_for(request.user).is_agency_admin:
            raise PermissionDenied(_("Only an admin can invite people."))
        return view(request, *args, **kwargs)

    return wrapper


def error_text(exc: DomainError) -> str:
    """The domain error's own sentence, plus what readiness still misses where it says so."""
    missing = exc.params.get("missing") if isinstance(exc.params, dict) else None
    if missing:
        return exc.message + " " + "; ".join(Readiness.from_stored(missing).messages())
    return exc.message


def add_errors(form, exc: DomainError | PermissionDenied | ValidationError) -> None:
    """A refusal from a service, on the form beside the field it names (else above the form):
    the person sees the reason where they typed, and nothing was saved."""
    if isinstance(exc, ValidationError):
        add_service_errors(exc, form)
        return
    if isinstance(exc, DomainError):
        field = exc.params.get("field") if isinstance(exc.params, dict) else None
        form.add_error(field if field in form.fields else None, error_text(exc))
        return
    form.add_error(None, str(exc) or _("You may not do this."))


def add_service_errors(exc: ValidationError, *forms) -> None:
    """Put a service's ValidationError beside the fields it names, on whichever of the page's
    forms has them; the rest at the top of the first form."""
    if not hasattr(exc, "error_dict"):
        forms[0].add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        target = next((form for form in forms if key in form.fields), None)
        if target is None:
            forms[0].add_error(None, errors)
        else:
            target.add_error(key, errors)
