"""Site-wide views: health, the personal dashboard, the profile form, the sign-up door."""

import time

from allauth.account.views import signup as allauth_signup
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from maillage import cache_pages, health, selectors, services
from maillage.forms import ProfilForm


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks = health.readiness()
    ready = health.FAILED not in checks.values()
    return JsonResponse(
        {"status": "ok" if ready else "failed", "checks": checks}, status=200 if ready else 503
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # Kept whole per member until anything is written: a hit costs no query of its own.
    return cache_pages.member_page(
        request,
        "dashboard",
        lambda: render(
            request,
            "maillage/dashboard.html",
            {"dashboard": selectors.dashboard_for(user=request.user)},
        ),
    )


@login_required
def profil_edit(request: HttpRequest) -> HttpResponse:
    profil = services.profil_ensure(user=request.user)
    form = ProfilForm(
        request.POST or None,
        instance=profil,
        initial={"first_name": request.user.first_name, "last_name": request.user.last_name},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.profil_update(user=request.user, **data)
        messages.success(request, _("Votre profil a été enregistré."))
        return redirect("dashboard")
    return render(request, "maillage/profil_form.html", {"form": form})


@require_GET
def communes_suggestions(request: HttpRequest) -> HttpResponse:
    """Communes matching what is being typed, as « Nom (code postal) » (for sign-up forms)."""
    communes = selectors.commune_candidates(texte=request.GET.get("q", ""))
    return JsonResponse(
        {
            "communes": [
                selectors.commune_label(c) for c in communes[: selectors.COMMUNE_SUGGESTIONS]
            ]
        }
    )


def signup(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """allauth's sign-up, whose posted answer never comes sooner than
    `ACCOUNT_SIGNUP_MIN_SECONDS`: a new account costs database writes that an address already
    known does not, and the time of the answer must not tell which it was."""
    debut = time.monotonic()
    response = allauth_signup(request, *args, **kwargs)
    if request.method == "POST":
        reste = settings.ACCOUNT_SIGNUP_MIN_SECONDS - (time.monotonic() - debut)
        if reste > 0:
            time.sleep(reste)
    return response
