"""Tests of a programme's indicators for the regional editor (HTML, CSV, XLSX)."""

import io

import pytest
from openpyxl import load_workbook

from formations import selectors
from formations.factories import EvaluationFactory, InscriptionFactory, SessionFactory, UserFactory
from formations.models import CatalogueIndexPage, Inscription
from formations.services import region_groups_ensure

pytestmark = pytest.mark.django_db
Etat = Inscription.Etat


@pytest.fixture
def programme():
    session = SessionFactory(capacite=4)
    for etat in (Etat.PRESENT, Etat.PRESENT, Etat.ABSENT, Etat.LISTE_ATTENTE):
        InscriptionFactory(session=session, etat=etat)
    presents = session.inscriptions.filter(etat=Etat.PRESENT)
    for inscription, note in zip(presents, (5, 3), strict=True):
        EvaluationFactory(inscription=inscription, note_globale=note)
    SessionFactory(formation=session.formation, capacite=10)
    return session.formation.get_parent().specific


def test_indicators(programme, django_assert_num_queries):
    with django_assert_num_queries(1):
        pleine, vide = selectors.programme_indicators(programme=programme)
    assert (pleine.inscrits, pleine.en_attente, pleine.presents, pleine.absents) == (3, 1, 2, 1)
    assert pleine.satisfaction == 4
    assert (vide.inscrits, vide.satisfaction) == (0, None)


def test_exports_for_regional_editors_only(client, programme):
    url = f"{CatalogueIndexPage.objects.get().url}programmes/{programme.pk}/indicateurs/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    editeur = UserFactory()
    redaction, _ = region_groups_ensure(region=programme.get_parent().specific)
    editeur.groups.add(redaction)
    client.force_login(editeur)
    html = client.get(url)
    assert html.status_code == 200
    assert "Taux de remplissage" in html.content.decode()
    contenu_csv = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    entetes, premiere = contenu_csv.splitlines()[:2]
    assert entetes.startswith("Formation;Début;Fin")
    assert premiere.split(";")[7] == "75"  # 3 of 4 places
    assert premiere.split(";")[11] == "67"  # 2 present of 3 signed
    xlsx = client.get(url, {"format": "xlsx"})
    feuille = load_workbook(io.BytesIO(xlsx.content)).active
    assert feuille.max_row == 3
    assert feuille.cell(row=2, column=13).value == 4
