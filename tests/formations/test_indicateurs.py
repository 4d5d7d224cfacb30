"""Tests of a programme's indicators for the regional editor (HTML charts, CSV, XLSX)."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from openpyxl import load_workbook

from formations import graphiques, selectors
from formations.factories import (
    EvaluationFactory,
    FormationPageFactory,
    InscriptionFactory,
    ProgrammePageFactory,
    RegionPageFactory,
    RegionTerritoireFactory,
    SessionFactory,
    UserFactory,
)
from formations.models import Evaluation, Inscription
from maillage import roles

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
    suivi = presents.first()
    EvaluationFactory(inscription=suivi, type=Evaluation.Type.SUIVI, note_utilite=4)
    SessionFactory(formation=session.formation, capacite=10)
    return session.formation.get_parent().specific


def url_de(programme) -> str:
    return f"/catalogue/programmes/{programme.pk}/indicateurs/"


@pytest.fixture
def editeur(programme):
    utilisateur = UserFactory()
    region = programme.get_parent().specific.territoire
    roles.role_assign(user=utilisateur, role=roles.EDITEUR_REGIONAL, region=region)
    return utilisateur


SVG = "{http://www.w3.org/2000/svg}"


def graphique(html: str, ident: str) -> tuple[str, etree._Element]:
    """The figure of one chart: its text, and its drawing parsed as XML."""
    figure = re.search(rf'<figure class="graphique" id="graphique-{ident}".*?</figure>', html, re.S)
    assert figure, ident
    dessin = re.search(r'<svg class="graphique__dessin".*?</svg>', figure[0], re.S)
    assert dessin, ident
    # Namespace added here: inline SVG in HTML does not need to declare it.
    xml = dessin[0].replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1)
    return figure[0], etree.fromstring(xml)


def barres(svg: etree._Element) -> list[dict[str, float]]:
    """Per bar, the width of each segment by its class (a missing segment is 0 wide)."""
    lignes = []
    for groupe in svg.iter(f"{SVG}g"):
        largeurs = {}
        for rect in groupe.iter(f"{SVG}rect"):
            classe = rect.get("class").split("--")[1]
            largeurs[classe] = float(rect.get("width"))
            assert float(rect.get("data-valeur")) > 0
        lignes.append(largeurs)
    return lignes


def test_charts_draw_the_figures(client, programme, editeur):
    client.force_login(editeur)
    reponse = client.get(url_de(programme))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    largeur = graphiques.LARGEUR
    # Fill: the widest bar is the 10-place session, so 10 places span the whole width.
    texte, svg = graphique(html, "remplissage")
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    assert svg.get("viewBox").startswith(f"0 0 {largeur} ")
    pleine, vide = barres(svg)
    assert pleine == {"inscrits": 3 * largeur / 10, "libres": largeur / 10, "attente": largeur / 10}
    assert vide == {"libres": largeur}
    assert "3 places occupées sur 14 (21 %)" in texte
    assert "; 1 personne en liste d&#x27;attente." in texte
    assert "3/4 places (75 %) · 1 en attente" in texte
    assert "<details" in texte and "<table>" in texte and '<th scope="row">' in texte
    # Attendance: 2 present out of 3 signed, rounded to 67 %.
    texte, svg = graphique(html, "presence")
    (presence, sans) = barres(svg)
    assert presence == pytest.approx({"presents": 0.67 * largeur, "fond": 0.33 * largeur})
    assert sans == {"fond": largeur}
    assert "67 % (2 présents sur 3)" in texte and "pas encore d&#x27;émargement" in texte
    # Satisfaction per session: 4 out of 5.
    _texte, svg = graphique(html, "satisfaction-sessions")
    assert barres(svg) == [pytest.approx({"satisfaction": 0.8 * largeur, "fond": 0.2 * largeur})]
    # Distribution of the marks, 5 down to 1: one 5, one 3.
    texte, svg = graphique(html, "satisfaction")
    assert barres(svg) == [{"note": largeur}, {}, {"note": largeur}, {}, {}]
    assert "2 réponses sur 2 demandes (100 %)" in texte and "moyenne 4,0 / 5" in texte
    # Follow-up: one answer, usefulness 4.
    texte, svg = graphique(html, "suivi")
    assert barres(svg) == [{}, {"note": largeur}, {}, {}, {}]
    assert "utilité moyenne 4,0 / 5" in texte
    assert "graphiques.css" in html and 'id="motif-attente"' in html


def test_charts_cost_a_fixed_number_of_queries(client, programme, editeur):
    client.force_login(editeur)
    url = url_de(programme)
    formation = FormationPageFactory(parent=programme)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as capture:
            assert client.get(url).status_code == 200
        return len(capture.captured_queries)

    requetes()  # warm caches (site root, permissions)
    avant = requetes()
    for etat in (Etat.PRESENT, Etat.ABSENT, Etat.LISTE_ATTENTE) * 3:
        InscriptionFactory(session=SessionFactory(formation=formation), etat=etat)
    requetes()  # the writes renewed the cached header: warm it again
    assert requetes() == avant


def test_an_editor_sees_only_the_programmes_of_their_region(client, programme, editeur):
    autre_region = RegionPageFactory(
        territoire=RegionTerritoireFactory(code="11", nom="Île-de-France"), slug="idf"
    )
    autre = ProgrammePageFactory(parent=autre_region, slug="programme-idf")
    SessionFactory(formation=FormationPageFactory(parent=autre), capacite=7)
    client.force_login(editeur)
    assert client.get(url_de(programme)).status_code == 200
    assert client.get(url_de(autre)).status_code == 403
    assert client.get(url_de(autre), {"format": "csv"}).status_code == 403


def test_counsellors_and_visitors_are_kept_out(client, programme):
    url = url_de(programme)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "xlsx"}).status_code == 403


def test_indicators(programme, django_assert_num_queries):
    with django_assert_num_queries(1):
        pleine, vide = selectors.programme_indicators(programme=programme)
    assert (pleine.inscrits, pleine.en_attente, pleine.presents, pleine.absents) == (3, 1, 2, 1)
    assert pleine.satisfaction == 4
    assert (vide.inscrits, vide.satisfaction) == (0, None)


def test_exports_for_regional_editors_only(client, programme):
    url = f"/catalogue/programmes/{programme.pk}/indicateurs/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    editeur = UserFactory()
    region = programme.get_parent().specific.territoire
    roles.role_assign(user=editeur, role=roles.EDITEUR_REGIONAL, region=region)
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


def test_summaries_agree_in_number():
    une = graphiques.repartition(ident="s", titre="t", notes={4: 1}, demandes=1, quoi="note")
    assert une.resume.startswith("1 réponse sur 1 demande (100 %)")
    deux = graphiques.repartition(ident="s", titre="t", notes={4: 1, 5: 1}, demandes=3, quoi="note")
    assert deux.resume.startswith("2 réponses sur 3 demandes")
    aucune = graphiques.repartition(ident="s", titre="t", notes={}, demandes=1, quoi="note")
    assert aucune.resume == "Aucune réponse pour l'instant (1 demande envoyée)."
