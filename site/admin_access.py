"""Admin screens: one login door (allauth's), who may enter, and the second factor they need."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

WAGTAIL = "wagtail"
DJANGO = "django"

_HOMES = {WAGTAIL: "wagtailadmin_home", DJANGO: "admin:index"}
# The admins' own login and logout screens stay reachable: the login one only forwards to
# allauth, and logging out must always work.
_DOORS = {
    WAGTAIL: ("wagtailadmin_login", "wagtailadmin_logout"),
    DJANGO: ("admin:login", "admin:logout"),
}


def admin_area(path: str) -> str | None:
    """Which admin a path belongs to, or None for the rest of the site."""
    for area, home in _HOMES.items():
        if path.startswith(reverse(home)):
            return area
    return None


def _is_door(path: str) -> bool:
    return any(path == reverse(name) for names in _DOORS.values() for name in names)


def user_may_enter(user, area: str) -> bool:
    """Django's admin takes staff; Wagtail's takes anyone with its access permission.

    Regional editors are in the second case: their groups grant `access_admin`.
    """
    if area == DJANGO:
        return user.is_active and user.is_staff
    return user.has_perm("wagtailadmin.access_admin")


def session_passed_mfa(request, user) -> bool:
    """Whether this session's login (or a later re-authentication) checked a second factor.

    allauth records each authentication step in the session, tied to the user; a session
    opened without allauth (or before the factor was added) has no "mfa" step.
    """
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def totp_activation_redirect(request):
    messages.warning(
        request,
        _(
            "La double authentification est obligatoire pour les comptes d'administration. "
            "Activez-la pour continuer."
        ),
    )
    return redirect(reverse("mfa_activate_totp"))


def admin_gate(request, area: str):
    """The response that stops an admin request, or None when it may go on."""
    if _is_door(request.path):
        return None
    user = request.user
    if not user_may_enter(user, area):
        # Sent back to the admin, whose login door would send them back here: break the loop.
        messages.error(request, _("Votre compte n'a pas accès à l'administration."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    if not is_mfa_enabled(user, ["totp"]):
        return totp_activation_redirect(request)
    if not session_passed_mfa(request, user):
        messages.info(
            request,
            _(
                "Pour accéder à l'administration, saisissez le code de votre application "
                "d'authentification."
            ),
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


def _safe_next(request, area: str) -> str:
    home = reverse(_HOMES[area])
    candidate = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return home
    if _is_door(candidate.split("?", 1)[0]):
        return home
    return candidate


@csrf_exempt  # nothing is read from the body: every method gets the same redirect
def admin_login(request, *, area: str):
    """The admins' login screens: forward to allauth's, which checks MFA and rate limits.

    Credentials posted here are ignored, so the admins' password-only forms cannot open
    a session.
    """
    next_url = _safe_next(request, area)
    if request.user.is_authenticated:
        # Whether they may enter is the gate's business, on the admin page itself.
        return redirect(next_url)
    query = urlencode({"next": next_url})
    return redirect(f"{reverse('account_login')}?{query}")
