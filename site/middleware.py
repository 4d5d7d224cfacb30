"""Request middleware: two-factor authentication is compulsory for staff accounts."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Staff without TOTP may still reach what they need to set it up, log out, or check health.
_ALLOWED_PREFIXES = ("/comptes/", "/static/", "/healthz", "/readyz")


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not is_mfa_enabled(user, ["totp"])
        ):
            messages.warning(
                request,
                _(
                    "La double authentification est obligatoire pour les comptes d'administration. "
                    "Activez-la pour continuer."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
