"""Request middleware: compulsory two-factor authentication for staff, security headers."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.cache import patch_cache_control

from maillage.admin_access import admin_area, admin_gate, totp_activation_redirect

# Staff without TOTP may still reach what they need to set it up, log out, or check health.
_ALLOWED_PREFIXES = ("/comptes/", "/static/", "/healthz", "/readyz")


class StaffMfaRequiredMiddleware:
    """A second factor for staff everywhere, and for every admin user on admin screens.

    On admin screens the factor must also have been checked in this session: a session
    opened with a password alone is sent to allauth's TOTP re-authentication first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_ALLOWED_PREFIXES):
            return self.get_response(request)
        area = admin_area(request.path)
        if area is not None:
            response = admin_gate(request, area)
            if response is not None:
                return response
        elif (user.is_staff or user.is_superuser) and not is_mfa_enabled(user, ["totp"]):
            return totp_activation_redirect(request)
        return self.get_response(request)


def _csp_header(policy: dict[str, list[str]], extra: dict[str, list[str]]) -> str:
    parts = []
    for directive, sources in policy.items():
        values = [*sources, *extra.get(directive, [])]
        parts.append(" ".join([directive, *values]) if values else directive)
    return "; ".join(parts)


def _websocket_sources(request) -> list[str]:
    # 'self' matches same-host ws:/wss: in current browsers only; older Safari needs them named.
    try:
        host = request.get_host()
    except DisallowedHost:
        return []
    return [f"ws://{host}", f"wss://{host}"]


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy, and no shared caching of signed-in pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        self._content_security_policy(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = ", ".join(
                f"{feature}=({' '.join(allow)})"
                for feature, allow in settings.PERMISSIONS_POLICY.items()
            )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _content_security_policy(self, request, response) -> None:
        # A view may set a stricter policy of its own (attachment downloads are sandboxed).
        if "Content-Security-Policy" in response:
            return
        # Django's debug error pages rely on inline scripts and styles.
        if settings.DEBUG and response.status_code >= 400:
            return
        if request.path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES)):
            policy = settings.CONTENT_SECURITY_POLICY_ADMIN
        else:
            policy = settings.CONTENT_SECURITY_POLICY
        extra = {"connect-src": _websocket_sources(request)} if "connect-src" in policy else {}
        response["Content-Security-Policy"] = _csp_header(policy, extra)
