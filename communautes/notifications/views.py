"""Notification pages: the no-JS list, mark read, the per-community level, unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from maillage.http import local_url
from maillage.service_errors import show_refusal

from .. import selectors as communautes_selectors
from ..models import Communaute
from . import desabonnement, selectors, services
from .forms import NiveauNotificationForm


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "communautes/notifications/liste.html",
        {"notifications": selectors.notification_list(user=request.user)},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.notification_mark_read(user=request.user, notification_id=pk):
        raise Http404
    return redirect(
        local_url(request.POST.get("suivant"), default=reverse("communautes:notifications"))
    )


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("communautes:notifications")


@login_required
@require_POST
def niveau_notification(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        communaute = communautes_selectors.communaute_get_for(user=request.user, slug=slug)
    except Communaute.DoesNotExist as exc:
        raise Http404 from exc
    form = NiveauNotificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un niveau de notification proposé."))
        return redirect(communaute)
    try:
        services.adhesion_niveau_set(
            user=request.user, communaute=communaute, niveau=form.cleaned_data["niveau"]
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
    return redirect(communaute)


# One-click unsubscribe (RFC 8058) posts from the mail client, without a session or a CSRF
# token: the signed token in the URL is the only credential, and it only ever reduces mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def desabonnement_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            cible = desabonnement.desabonnement_apply(token=token)
            return render(
                request, "communautes/notifications/desabonnement.html", {**cible, "fait": True}
            )
        cible = desabonnement.token_read(token)
    except desabonnement.LienInvalide:
        return render(
            request, "communautes/notifications/desabonnement.html", {"invalide": True}, status=400
        )
    return render(request, "communautes/notifications/desabonnement.html", cible)
