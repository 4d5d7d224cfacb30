"""Tests of the formations demo provider: the offer it builds, idempotency, the public list."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from formations.factories import UserFactory
from formations.models import CatalogueIndexPage, FormationPage, ProgrammePage, RegionPage, Session
from maillage import roles
from maillage.demo.formations import REGIONS, formations_provide
from maillage.models import Commune, Territoire, Thematique
from maillage.referentiel.vocabulaires import THEMATIQUES

pytestmark = pytest.mark.django_db

COMMUNES = (
    ("84", "Auvergne-Rhône-Alpes", "69", "Rhône", "69123", "Lyon", "69001"),
    ("84", "Auvergne-Rhône-Alpes", "63", "Puy-de-Dôme", "63113", "Clermont-Ferrand", "63000"),
    ("93", "Provence-Alpes-Côte d'Azur", "13", "Bouches-du-Rhône", "13055", "Marseille", "13001"),
    ("27", "Bourgogne-Franche-Comté", "21", "Côte-d'Or", "21231", "Dijon", "21000"),
    ("27", "Bourgogne-Franche-Comté", "25", "Doubs", "25056", "Besançon", "25000"),
)


def silence(*args, **kwargs) -> None:
    return None


def creer_referentiel(regions: set[str]) -> None:
    for entree in THEMATIQUES:
        Thematique.objects.get_or_create(slug=entree.slug, defaults={"nom": entree.nom})
    for code_region, region, code_dep, departement, insee, commune, postal in COMMUNES:
        if code_region not in regions:
            continue
        parent, _ = Territoire.objects.get_or_create(
            niveau=Territoire.Niveau.REGION, code=code_region, defaults={"nom": region}
        )
        dep, _ = Territoire.objects.get_or_create(
            niveau=Territoire.Niveau.DEPARTEMENT,
            code=code_dep,
            defaults={"nom": departement, "parent": parent},
        )
        Commune.objects.get_or_create(
            code_insee=insee,
            defaults={"nom": commune, "departement": dep, "codes_postaux": [postal]},
        )


@pytest.fixture
def referentiel(db):
    creer_referentiel({"84", "93", "27"})


@pytest.fixture
def formateur(db):
    user = UserFactory(username="formatrice", first_name="Isabelle", last_name="Fournier")
    user.groups.add(Group.objects.get_or_create(name=roles.FORMATEUR)[0])
    return user


def test_builds_the_offer_once_and_lists_it(client, referentiel, formateur):
    formations = sum(len(region.formations) for region in REGIONS)
    sessions = sum(len(f.sessions) for region in REGIONS for f in region.formations)

    first = formations_provide(progress=silence)

    assert first["formations_regions"] == 3
    assert first["formations_pages"] == formations
    assert first["formations_sessions"] == sessions
    # catalogue + (région + programme) per région + formations
    assert first["formations_pages_created"] == 1 + 2 * 3 + formations
    assert first["formations_sessions_created"] == sessions
    assert CatalogueIndexPage.objects.get().title == "Offre de professionnalisation"
    assert RegionPage.objects.count() == 3
    assert set(ProgrammePage.objects.values_list("title", flat=True)) == {"Programme SPRO 2027"}
    assert FormationPage.objects.live().count() == formations
    assert FormationPage.objects.filter(thematiques__isnull=False).distinct().count() == formations
    aujourd_hui = timezone.localdate()
    maintenant = timezone.now()
    for session in Session.objects.all():
        assert session.date_debut > aujourd_hui
        assert 12 <= session.capacite <= 20
        assert session.inscriptions_ouvertes(maintenant)
        assert list(session.formateurs.all()) == [formateur]
        assert session.commune is not None or session.lien_distanciel
    assert Session.objects.get(numero="DEMO-84-01-1").commune.nom == "Lyon"

    second = formations_provide(progress=silence)

    assert second["formations_pages_created"] == 0
    assert second["formations_sessions_created"] == 0
    assert second["formations_sessions"] == sessions
    assert Session.objects.count() == sessions
    assert FormationPage.objects.count() == formations

    response = client.get(CatalogueIndexPage.objects.get().url)
    assert response.status_code == 200
    assert "Accueillir et analyser la demande des publics éloignés" in response.content.decode()


def test_skips_a_missing_region(db):
    creer_referentiel({"84", "27"})
    messages = []

    counts = formations_provide(progress=messages.append)

    assert counts["formations_regions"] == 2
    assert not RegionPage.objects.filter(territoire__code="93").exists()
    assert any("93" in message for message in messages)


def test_each_day_is_two_half_days_for_attendance(referentiel, formateur):
    formations_provide(progress=silence)
    formations_provide(progress=silence)

    for session in Session.objects.prefetch_related("dates"):
        jours = (session.date_fin - session.date_debut).days + 1
        creneaux = sorted((c.date, c.heure_debut, c.heure_fin) for c in session.dates.all())
        assert len(creneaux) == 2 * jours
        for date, debut, fin in creneaux:
            assert session.date_debut <= date <= session.date_fin
            assert (debut.hour < 12) == (fin.hour <= 13)
