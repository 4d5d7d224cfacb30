"""Template context shared by every page: the main navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Apps add callables returning (key, label, url) or None from their AppConfig.ready(); their
# entries follow « Accueil », in registration order, and templates find their URL by key
# in `nav_urls` (e.g. `nav_urls.formations`).
NAV_PROVIDERS: list = []


def navigation(request):
    entries = [entry for provider in NAV_PROVIDERS if (entry := provider(request))]
    items = [(_("Accueil"), "/"), *((label, url) for _key, label, url in entries)]
    items += [
        (_("Communautés"), reverse("communautes:list")),
        (_("Recherche"), reverse("recherche")),
    ]
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        items.append((_("Annuaire"), reverse("annuaire:professionnels")))
        items.append((_("Analyse de pratiques"), reverse("analyse_pratiques:mes_groupes")))
        items.append((_("Mon tableau de bord"), reverse("dashboard")))
    return {"nav_items": items, "nav_urls": {key: url for key, _label, url in entries}}
