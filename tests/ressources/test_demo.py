"""The demo provider: the report's programmes as cases, its annexes' tools, idempotent."""

import pytest

from maillage.demo import DEMO_PROVIDERS
from maillage.demo.ressources import CAS, OUTILS, ressources_provide
from ressources.models import CasPage, OutilPage

pytestmark = pytest.mark.django_db


def test_provider_is_registered():
    assert ressources_provide in DEMO_PROVIDERS
    assert DEMO_PROVIDERS.count(ressources_provide) == 1


def test_creates_the_programmes_and_tools_once(home_page):
    messages = []

    first = ressources_provide(progress=messages.append)
    second = ressources_provide(progress=messages.append)

    assert first == {"cas": 7, "cas_created": 7, "outils": 6, "outils_created": 6}
    assert second["cas_created"] == second["outils_created"] == 0
    assert CasPage.objects.live().count() == len(CAS) == 7
    assert OutilPage.objects.live().count() == len(OUTILS) == 6
    titles = " ".join(CasPage.objects.values_list("title", flat=True))
    for programme in ("SMA", "ADEMA", "CLCA", "R2S", "PrefHacces", "Porto", "Rome"):
        assert programme in titles
    natures = set(OutilPage.objects.values_list("nature", flat=True))
    assert {"grille_analyse", "referentiel"} <= natures
    r2s = CasPage.objects.get(slug="r2s-reussir-sa-sortie")
    assert [p.slug for p in r2s.publics.all()] == ["jeunes", "personnes-sous-main-de-justice"]
    assert "prison" in r2s.tags.names()
    assert messages and "7 cas et 6 outils" in messages[0]
