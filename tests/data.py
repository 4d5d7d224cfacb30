"""The data most tests build on, made the same way everywhere and safe to ask for twice:
reference data, the home page, and settings that keep Wagtail's own page index out of the way."""

import copy
from types import SimpleNamespace


def reference_data() -> SimpleNamespace:
    """One region, one département, two real communes, two networks and a theme."""
    from maillage.factories import (
        CommuneFactory,
        ReseauFactory,
        TerritoireFactory,
        ThematiqueFactory,
    )

    region = TerritoireFactory(code="84", nom="Auvergne-Rhône-Alpes")
    departement = TerritoireFactory(departement=True, code="69", nom="Rhône", parent=region)
    return SimpleNamespace(
        region=region,
        departement=departement,
        commune=CommuneFactory(code_insee="69123", nom="Lyon", departement=departement),
        autre_commune=CommuneFactory(
            code_insee="69266", nom="Villeurbanne", departement=departement
        ),
        reseau=ReseauFactory(nom="Mission locale", slug="mission-locale", sigle="ML"),
        autre_reseau=ReseauFactory(
            nom="Centre d'information et d'orientation", slug="cio", sigle="CIO"
        ),
        thematique=ThematiqueFactory(nom="Accueil et analyse de la demande", slug="accueil"),
    )


def home_page_ensure():
    """The site's home page (made by a data migration; rebuilt after a transactional flush)."""
    from wagtail.models import Locale, Page, Site

    from maillage.factories import HomePageFactory
    from maillage.models import HomePage

    home = HomePage.objects.first()
    if home is not None:
        return home
    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePageFactory(parent=root, slug="accueil")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Maillage"},
    )
    return home


def without_wagtail_search_updates(settings_obj) -> dict:
    """Wagtail's own page index is not under test in most modules; skipping its updates saves
    minutes. Our search (the `recherche` app) is not affected."""
    backends = copy.deepcopy(settings_obj.WAGTAILSEARCH_BACKENDS)
    backends["default"]["AUTO_UPDATE"] = False
    return backends
