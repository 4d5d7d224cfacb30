"""Event pages: lists, detail, create, edit and cancel forms, RSVP and the .ics; thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communautes import permissions
from communautes.models import Communaute, Evenement, ParticipationEvenement
from communautes.views import communaute_or_404
from maillage.service_errors import form_refusal, show_refusal

from . import selectors, services
from .forms import EvenementAnnulationForm, EvenementForm
from .ics import evenement_ics


def _evenement(request: HttpRequest, communaute: Communaute, pk: int) -> Evenement:
    try:
        return selectors.evenement_get_for(user=request.user, communaute=communaute, pk=pk)
    except Evenement.DoesNotExist as exc:
        raise Http404 from exc


def evenement_list(request: HttpRequest, slug: str) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    adhesion = permissions.adhesion_for(request.user, communaute)
    if not permissions.can_read_community(request.user, communaute, adhesion=adhesion):
        raise Http404
    periode = request.GET.get("periode", selectors.Periode.A_VENIR)
    if periode not in selectors.Periode.CHOICES:
        periode = selectors.Periode.A_VENIR
    return render(
        request,
        "communautes/evenements/evenement_list.html",
        {
            "communaute": communaute,
            "periode": periode,
            "evenements": selectors.evenement_list(
                user=request.user, communaute=communaute, periode=periode
            ),
            "peut_proposer": permissions.can_propose_evenement(
                request.user, communaute, adhesion=adhesion
            ),
        },
    )


def evenement_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    evenement = _evenement(request, communaute, pk)
    return render(
        request,
        "communautes/evenements/evenement_detail.html",
        {
            "communaute": communaute,
            "evenement": evenement,
            "publication": evenement.publication,
            "participants": selectors.participants_list(user=request.user, evenement=evenement),
        },
    )


def evenement_ics_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    evenement = _evenement(request, communaute, pk)
    reponse = HttpResponse(
        evenement_ics([evenement], user=request.user), content_type="text/calendar; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="evenement-{evenement.pk}.ics"'
    # The video link depends on who asks: such a file must not sit in a shared cache.
    if communaute.visibilite != Communaute.Visibilite.PUBLIQUE or evenement.lien:
        reponse["Cache-Control"] = "private, no-store"
    return reponse


def _form_page(request, communaute, form, evenement=None) -> HttpResponse:
    return render(
        request,
        "communautes/evenements/evenement_form.html",
        {"communaute": communaute, "form": form, "evenement": evenement},
        status=400 if form.errors else 200,
    )


def _apply(form: EvenementForm, call) -> Evenement | None:
    """Run the service with the form's data; its refusals become form errors."""
    try:
        return call(**form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        form_refusal(form, exc)
    return None


@login_required
def evenement_create(request: HttpRequest, slug: str) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    if not permissions.can_propose_evenement(request.user, communaute):
        messages.error(request, _("Vous ne pouvez pas proposer d'événement dans cette communauté."))
        return redirect(communaute)
    form = EvenementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        evenement = _apply(
            form,
            lambda **data: services.evenement_create(
                auteur=request.user, communaute=communaute, **data
            ),
        )
        if evenement is not None:
            messages.success(request, _("L'événement est annoncé dans la communauté."))
            return redirect(evenement)
    return _form_page(request, communaute, form)


@login_required
def evenement_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    communaute = communaute_or_404(request, slug)
    evenement = _evenement(request, communaute, pk)
    if not evenement.peut_modifier:
        raise PermissionDenied
    if evenement.annule:
        messages.error(request, _("Cet événement est annulé : il ne peut plus être modifié."))
        return redirect(evenement)
    form = EvenementForm(request.POST or None, initial=EvenementForm.initial_for(evenement))
    if request.method == "POST" and form.is_valid():
        resultat = _apply(
            form,
            lambda **data: services.evenement_update(
                user=request.user, evenement=evenement, **data
            ),
        )
        if resultat is not None:
            messages.success(request, _("Événement modifié."))
            return redirect(resultat)
    return _form_page(request, communaute, form, evenement)


@login_required
def evenement_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask for the reason, then cancel; the page doubles as the confirmation step."""
    communaute = communaute_or_404(request, slug)
    evenement = _evenement(request, communaute, pk)
    if not evenement.peut_modifier:
        raise PermissionDenied
    if evenement.annule:
        return redirect(evenement)
    form = EvenementAnnulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resultat = _apply(
            form,
            lambda **data: services.evenement_cancel(
                user=request.user, evenement=evenement, **data
            ),
        )
        if resultat is not None:
            messages.success(
                request, _("L'événement est annulé ; les participant·es sont prévenu·es.")
            )
            return redirect(resultat)
    return render(
        request,
        "communautes/evenements/evenement_annulation.html",
        {"communaute": communaute, "evenement": evenement, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def participation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Register (or join the waiting list), or with `annuler`, cancel."""
    communaute = communaute_or_404(request, slug)
    evenement = _evenement(request, communaute, pk)
    try:
        if request.POST.get("annuler"):
            services.participation_cancel(user=request.user, evenement=evenement)
            messages.success(request, _("Votre inscription est annulée."))
        else:
            inscription = services.participation_register(user=request.user, evenement=evenement)
            if inscription.etat == ParticipationEvenement.Etat.INSCRIT:
                messages.success(request, _("Vous êtes inscrit·e à cet événement."))
            else:
                messages.info(
                    request,
                    _(
                        "L'événement est complet : vous êtes sur la liste d'attente. Vous serez "
                        "prévenu·e par e-mail si une place se libère."
                    ),
                )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    return redirect(evenement)
