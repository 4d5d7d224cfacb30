"""Template context shared by every page: the main navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    items = [
        (_("Accueil"), "/"),
        (_("Communautés"), reverse("communautes:list")),
        (_("Recherche"), reverse("recherche")),
    ]
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        items.append((_("Annuaire"), reverse("annuaire:professionnels")))
        items.append((_("Analyse de pratiques"), reverse("analyse_pratiques:mes_groupes")))
        items.append((_("Mon tableau de bord"), reverse("dashboard")))
    return {"nav_items": items}
