"""Tests of `manage.py demo`: refuses without DEBUG, idempotent, realistic and consistent."""

import json
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Revision

from maillage import roles
from maillage.demo import DEMO_PROVIDERS
from maillage.demo.comptes import ADMIN_EMAIL, COMPTES, DEMO_PASSWORD
from maillage.models import HomePage, Profil, StandardPage, Structure
from maillage.models.profils import validate_siret

User = get_user_model()


def run_demo(**options):
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO(), **options)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, "stdout must hold exactly one JSON line"
    return json.loads(lines[0])


def database_counts():
    """What this package's providers write (other apps' providers test their own rows)."""
    site_pages = [
        str(pk)
        for model in (HomePage, StandardPage)
        for pk in model.objects.values_list("pk", flat=True)
    ]
    return {
        "structures": Structure.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "profils": Profil.objects.count(),
        "groupes": User.groups.through.objects.count(),
        "pages": len(site_pages),
        "revisions": Revision.objects.filter(object_id__in=site_pages).count(),
    }


@pytest.mark.django_db
def test_refuses_to_run_when_debug_is_false(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        run_demo()
    assert not Structure.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_missing_communes_stop_the_demo_without_writing(tmp_path, settings):
    settings.DEBUG = True
    source = tmp_path / "cog"
    source.mkdir()
    (source / "regions.json").write_text('[{"code": "84", "nom": "Auvergne-Rhône-Alpes"}]')
    (source / "departements.json").write_text('[{"code": "69", "region": "84", "nom": "Rhône"}]')
    (source / "communes.json").write_text(
        '[{"code": "69123", "nom": "Lyon", "departement": "69", "type": "commune-actuelle"}]'
    )

    with pytest.raises(CommandError, match="absents du référentiel : .*13055"):
        run_demo(source=source)
    assert not Structure.objects.exists()
    assert not User.objects.exists()


@pytest.fixture
def provider_calls():
    """Register a provider the way an app does, and record what it saw when called."""
    calls = []

    def provider(*, progress):
        calls.append(Structure.objects.count())
        return {"extra": 1}

    DEMO_PROVIDERS.append(provider)
    yield calls
    DEMO_PROVIDERS.remove(provider)


@pytest.mark.django_db
def test_demo_twice_is_idempotent_and_complete(settings, client, provider_calls):
    settings.DEBUG = True
    first = run_demo()
    counts = database_counts()
    settings.DEBUG = False
    second = run_demo(force=True)

    assert database_counts() == counts
    assert provider_calls == [first["structures"], first["structures"]]
    assert first["extra"] == second["extra"] == 1
    assert first["structures_created"] == first["structures"] >= 20
    assert first["comptes_created"] == first["comptes"] == len(COMPTES)
    assert first["pages_created"] == 3
    assert second["referentiel"]["created"] == second["referentiel"]["updated"] == 0
    assert second["roles"]["created"] == 0
    assert second["structures_created"] == second["comptes_created"] == 0
    assert second["pages_created"] == second["accueil_updated"] == 0
    stable = ["structures", "carif_oref", "comptes", "pages"]
    stable += [key for key in first if key.startswith("comptes_") and key != "comptes_created"]
    assert [first[key] for key in stable] == [second[key] for key in stable]
    assert second["mot_de_passe_demo"] == DEMO_PASSWORD

    # Structures: valid SIRET, real communes, Carif-Oref of several regions.
    for structure in Structure.objects.select_related("commune__departement__parent"):
        validate_siret(structure.siret)
        assert structure.region is not None
    carif_regions = {s.region.nom for s in Structure.objects.filter(reseau__slug="carif-oref")}
    assert {"Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Corse"} <= carif_regions
    assert len(carif_regions) >= 6
    assert Structure.objects.values("reseau").distinct().count() >= 12

    # Accounts: every role, verified primary e-mail, filled profile, regional scope.
    for role in roles.ROLES:
        assert User.objects.filter(groups__name=role).exists(), role
    for compte in COMPTES:
        user = User.objects.get(email=compte.email)
        assert EmailAddress.objects.filter(
            user=user, email=compte.email, verified=True, primary=True
        ).exists()
        profil = user.profil
        assert profil.structure is not None and profil.fonction
        assert profil.territoires.count() == 2
        assert profil.thematiques.exists()
        assert roles.user_has_role(user, compte.role)
        if compte.role == roles.EDITEUR_REGIONAL:
            assert list(roles.editor_regions(user)) == [profil.structure.region]
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(email=ADMIN_EMAIL).exists()

    # Pages: live under the home page, home page filled with key figures.
    home = HomePage.objects.get()
    slugs = set(StandardPage.objects.child_of(home).live().values_list("slug", flat=True))
    assert slugs == {"accessibilite", "confidentialite", "a-propos"}
    assert "RGAA" in StandardPage.objects.get(slug="accessibilite").corps
    assert "907" in [block.value["valeur"] for block in home.corps if block.block_type == "chiffre"]
    assert client.get("/a-propos/").status_code == 200
    assert "Défenseur des droits" in client.get("/accessibilite/").content.decode()

    # The printed password logs a demo counsellor in.
    response = client.post(
        "/comptes/login/",
        {"login": "claire.martin@maillage.localhost", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord/"
