"""Moderation pages: the report form, the managers' actions on a discussion, their desk."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communautes import permissions
from communautes import selectors as communautes_selectors
from communautes import services as communautes_services
from communautes.models import Adhesion, Signalement
from communautes.views import communaute_or_404, publication_or_404, target_or_404
from maillage.http import parse_id
from maillage.service_errors import show_refusal

from . import selectors, services
from .forms import ModerationForm, SignalementForm

# The free-text reason of a move, read without a form: cleaning refuses NUL and overlong text.
_MOTIF = forms.CharField(required=False, max_length=500)


@login_required
@require_http_methods(["GET", "POST"])
def signalement_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The report form of a publication or of one of its replies (`?reponse=<id>`)."""
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    if request.method == "GET":
        reponse = target_or_404(request.GET, publication).get("reponse")
        if reponse is not None and reponse.masquee and not publication.peut_moderer:
            raise Http404
        return render(
            request,
            "communautes/signalement_form.html",
            {
                "communaute": communaute,
                "publication": publication,
                "reponse": reponse,
                "form": SignalementForm(),
            },
        )
    form = SignalementForm(request.POST)
    if form.is_valid():
        try:
            services.signalement_create(
                auteur=request.user,
                motif=form.cleaned_data["motif"],
                commentaire=form.cleaned_data["commentaire"],
                **target_or_404(request.POST, publication),
            )
        except (PermissionDenied, ValidationError) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Merci : votre signalement a été transmis aux animateurs."))
    else:
        messages.error(request, _("Choisissez le motif du signalement."))
    return redirect(publication)


@login_required
@require_POST
def publication_moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        target = target_or_404(request.POST, publication)
        services.publication_moderate(by=request.user, **form.cleaned_data, **target)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
        return redirect(publication)
    messages.success(request, _("Action de modération enregistrée."))
    if form.cleaned_data["action"] == "supprimer" and "publication" in target:
        return redirect(communaute)
    return redirect(publication)


@login_required
@require_POST
def publication_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    vers_id = parse_id(request.POST.get("vers"))
    vers = selectors.communautes_moderees(user=request.user).filter(pk=vers_id)
    if vers_id is None or not vers:
        raise Http404
    try:
        services.publication_move(
            by=request.user,
            publication=publication,
            vers=vers[0],
            motif=_MOTIF.clean(request.POST.get("motif", "")),
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
        return redirect(publication)
    messages.success(request, _("Publication déplacée."))
    publication.refresh_from_db()
    return redirect(publication)


@login_required
@require_POST
def publication_flags(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    publication = publication_or_404(request, communaute, pk)
    flag = request.POST.get("flag")
    if flag not in ("epinglee", "verrouillee"):
        raise Http404
    try:
        services.publication_set_flags(
            by=request.user, publication=publication, **{flag: request.POST.get("valeur") == "1"}
        )
    except PermissionDenied as exc:
        show_refusal(request, exc)
    return redirect(publication)


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    """The manager's desk: membership requests, open reports, the audit log."""
    communaute = communaute_or_404(request, slug)
    if not permissions.can_moderate(request.user, communaute):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if "adhesion" in request.POST:
                adhesion = get_object_or_404(
                    Adhesion, pk=parse_id(request.POST["adhesion"]), communaute=communaute
                )
                communautes_services.adhesion_approve(by=request.user, adhesion=adhesion)
            elif "fermee" in request.POST:
                services.communaute_close(
                    by=request.user, communaute=communaute, fermee=request.POST["fermee"] == "1"
                )
            elif "signalement" in request.POST:
                signalement = get_object_or_404(
                    Signalement, pk=parse_id(request.POST["signalement"]), communaute=communaute
                )
                services.signalement_reject(by=request.user, signalement=signalement)
        except (PermissionDenied, ValidationError) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("C'est fait."))
        return redirect("communautes:moderation", slug=communaute.slug)
    return render(
        request,
        "communautes/moderation.html",
        {
            "communaute": communaute,
            "demandes": communautes_selectors.adhesions_en_attente(
                user=request.user, communaute=communaute
            ),
            "signalements": selectors.signalement_queue(user=request.user, communaute=communaute),
            "journal": selectors.moderation_journal(user=request.user, communaute=communaute),
        },
    )
