"""Member directory pages: thin views over its selectors, for signed-in users."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.models import Structure

from . import selectors
from .forms import AnnuaireFiltreForm

PAR_PAGE = 20


def _liste(request: HttpRequest, selector, template: str) -> HttpResponse:
    formulaire = AnnuaireFiltreForm(request.GET or None)
    resultats = selector(user=request.user, filtres=formulaire.filtres())
    page = Paginator(resultats, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        template,
        {"formulaire": formulaire, "page": page, "parametres": parametres.urlencode()},
    )


@login_required
def professionnels(request: HttpRequest) -> HttpResponse:
    return _liste(request, selectors.profil_list, "ressources/annuaire/professionnels.html")


@login_required
def structures(request: HttpRequest) -> HttpResponse:
    return _liste(request, selectors.structure_list, "ressources/annuaire/structures.html")


@login_required
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        objet = selectors.structure_get(pk=pk)
    except Structure.DoesNotExist as exc:
        raise Http404 from exc
    membres = selectors.structure_membres(user=request.user, structure=objet)
    return render(
        request,
        "ressources/annuaire/structure.html",
        {
            "structure": objet,
            "page": Paginator(membres, PAR_PAGE).get_page(request.GET.get("page")),
        },
    )
