"""Views of the ressources app: the unified search page, tool feedback, proposals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.service_errors import show_refusal

from . import selectors, services
from .annuaire.selectors import directory_preview
from .forms import CasProposeForm, OutilProposeForm, RetourUsageForm
from .models import OutilPage


@require_GET
def recherche(request):
    results = selectors.recherche(params=request.GET, user=request.user)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "ressources/recherche.html",
        {
            "search": results,
            "query_without_page": query_without_page.urlencode(),
            "annuaire": directory_preview(q=results.request.q, user=request.user),
        },
    )


@login_required
@require_POST
def retour_usage_create(request, outil_id: int):
    outil = get_object_or_404(OutilPage.objects.live().public(), pk=outil_id)
    form = RetourUsageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Votre retour est incomplet : texte et note sont demandés."))
        return redirect(outil.url)
    try:
        services.retour_usage_create(user=request.user, outil=outil, **form.cleaned_data)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Merci, votre retour d'usage est publié."))
    return redirect(outil.url)


def _proposition(request, form_class, service, *, titre: str, introduction: str, done: str):
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "anonymise"}
        try:
            service(user=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Merci : votre proposition est transmise aux relecteurs."))
            return redirect(done)
    context = {"form": form, "titre": titre, "introduction": introduction}
    return render(request, "ressources/proposition.html", context)


@login_required
def cas_propose(request):
    return _proposition(
        request,
        CasProposeForm,
        services.cas_propose,
        titre=_("Proposer un cas à la bibliothèque"),
        introduction=_(
            "Racontez une situation rencontrée, ce que vous avez tenté et ce que vous en "
            "retenez. Un relecteur vérifie l'anonymisation avant publication."
        ),
        done="cas_propose",
    )


@login_required
def outil_propose(request):
    return _proposition(
        request,
        OutilProposeForm,
        services.outil_propose,
        titre=_("Partager un outil"),
        introduction=_(
            "Grille, fiche de liaison, support d'animation : décrivez votre outil et joignez "
            "son fichier. Un relecteur le publie dans la banque d'outils."
        ),
        done="outil_propose",
    )
