"""Demo pages: the home page's content and the standard pages under it."""

from wagtail.rich_text import RichText

from maillage.models import HomePage, StandardPage

from .contenus import HOME_CHIFFRES, HOME_INTRODUCTION, HOME_PARAGRAPHES, PAGES
from .errors import DemoPrerequisiteError


def _home_fill(home: HomePage) -> bool:
    """Fill the home page's empty fields; what an editor already wrote is kept."""
    changed = False
    if not home.introduction:
        home.introduction = HOME_INTRODUCTION
        changed = True
    if not home.corps:
        home.corps = [
            *[("paragraphe", RichText(html)) for html in HOME_PARAGRAPHES],
            *[
                ("chiffre", {"valeur": valeur, "libelle": libelle})
                for valeur, libelle in HOME_CHIFFRES
            ],
        ]
        changed = True
    if changed:
        home.save_revision().publish()
    return changed


def pages_provide(*, progress) -> dict[str, int]:
    """Fill the home page and create the standard pages missing under it (found by slug)."""
    home = HomePage.objects.first()
    if home is None:
        raise DemoPrerequisiteError(
            "La page d'accueil est introuvable : appliquez les migrations (manage.py migrate)."
        )
    home_updated = _home_fill(home)
    existing = set(home.get_children().values_list("slug", flat=True))
    created = 0
    for demo in PAGES:
        if demo.slug in existing:
            continue
        page = home.add_child(
            instance=StandardPage(
                title=demo.title,
                slug=demo.slug,
                introduction=demo.introduction,
                corps=demo.corps,
            )
        )
        page.save_revision().publish()
        created += 1
    progress(f"Pages : {len(PAGES)} pages standard dont {created} créées")
    return {
        "pages": len(PAGES),
        "pages_created": created,
        "accueil_updated": int(home_updated),
    }
