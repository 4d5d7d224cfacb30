"""Export of one's own data: every section, only one's own words, bounded queries."""

import html
import io
import json
import zipfile

import pytest

from maillage.rgpd.export import donnees_personnelles, export_zip

from .rgpd_donnees import donnees_creer

pytestmark = pytest.mark.django_db

SECTIONS = {
    "compte",
    "profil",
    "inscriptions",
    "emargements",
    "attestations",
    "evaluations",
    "adhesions",
    "publications",
    "reponses",
    "messages_salon",
    "reactions",
    "evenements",
    "signalements",
    "notifications",
    "retours_outils",
    "groupes_analyse_pratiques",
    "questions_consultation",
    "plans_action",
    "apprentissages",
    "notes_travail",
    "cas_proposes",
    "jetons",
    "demandes_suppression",
}


def _zip(contenu: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        assert sorted(archive.namelist()) == ["donnees.json", "index.html"]
        page = html.unescape(archive.read("index.html").decode())
        return json.loads(archive.read("donnees.json")), page


def test_export_holds_each_section_with_the_members_own_data(verified_user):
    donnees_creer(verified_user, taille=2)

    sections = donnees_personnelles(user=verified_user)["sections"]

    assert set(sections) == SECTIONS
    assert sections["compte"][0]["email"] == "camille.martin@exemple.fr"
    assert sections["profil"][0]["structure"] == "Mission locale de Lyon"
    assert len(sections["inscriptions"]) == 3
    assert len(sections["emargements"]) == 2
    assert {a["code"] for a in sections["attestations"]} == {"RGPD0000", "RGPD0001"}
    assert sections["evaluations"][0]["commentaire"] == "Très utile pour moi."
    assert [p["titre"] for p in sections["publications"]] == ["Ma question 0", "Ma question 1"]
    assert len(sections["reponses"]) == 2
    assert len(sections["messages_salon"]) == 2
    assert sections["reactions"][0]["sujet"] == "Sujet de l'autre"
    assert len(sections["notifications"]) == 2
    assert sections["adhesions"][0]["communaute"] == "Accueil des jeunes"
    assert len(sections["groupes_analyse_pratiques"]) == 1
    assert [p["texte"] for p in sections["plans_action"]] == ["Mon plan 0", "Mon plan 1"]
    assert {a["texte"] for a in sections["apprentissages"]} == {"Mon apprentissage"}
    assert len(sections["notes_travail"]) == 2
    assert len(sections["jetons"]) == 2


def test_export_never_holds_other_members_private_words_nor_token_secrets(verified_user):
    jeux = donnees_creer(verified_user)

    donnees, page = _zip(export_zip(user=verified_user))
    brut = json.dumps(donnees, ensure_ascii=False)

    for texte in (
        "Plan confidentiel de l'autre membre",
        "Apprentissage de l'autre",
        "Réponse de l'autre",
        "dominique",
    ):
        assert texte.lower() not in brut.lower()
        assert texte.lower() not in page.lower()
    assert "empreinte" not in brut
    assert jeux.plan_autre.texte not in brut
    assert "Mon plan 0" in page
    assert "Mes plans d'action" in page


@pytest.mark.parametrize("taille", [1, 6])
def test_export_runs_a_fixed_number_of_queries(
    verified_user, taille, django_assert_max_num_queries
):
    donnees_creer(verified_user, taille=taille)

    with django_assert_max_num_queries(26):
        sections = donnees_personnelles(user=verified_user)["sections"]

    assert len(sections["publications"]) == taille


def test_member_downloads_only_their_own_export(member_client, verified_user):
    jeux = donnees_creer(verified_user)

    response = member_client.get("/profil/mes-donnees/export.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    donnees, _page = _zip(response.content)
    assert donnees["sections"]["compte"][0]["identifiant"] == "camille.martin"
    # There is no parameter naming whose data to export: another id changes nothing.
    response = member_client.get(f"/profil/mes-donnees/export.zip?user={jeux.autre.pk}")
    donnees, _page = _zip(response.content)
    assert donnees["sections"]["compte"][0]["identifiant"] == "camille.martin"


def test_export_requires_login(client, verified_user):
    response = client.get("/profil/mes-donnees/export.zip")

    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_profile_page_links_to_export_and_deletion(member_client):
    page = member_client.get("/profil/").content.decode()

    assert 'href="/profil/mes-donnees/export.zip"' in page
    assert 'href="/profil/supprimer-mon-compte/"' in page
