"""Pseudonymisation that cannot be waved through: every identifying token of a battery of
realistic situations is flagged, nothing of them reaches the library (page, search document,
API, e-mails), publishing is refused while a flag is open, dismissals need a reviewer's
reason and never apply to what can never be published, the draft can be edited."""

import html
import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from analyse_pratiques import services
from analyse_pratiques.cas import services as cas_services
from analyse_pratiques.cas.pseudonymisation import CHECKLIST, NATURES, References, signaler
from analyse_pratiques.models import CasPropose, DecisionSignal
from maillage.factories import CommuneFactory, StructureFactory, UserFactory


def _situations():
    """The battery's data module, next to this file (tests are imported by path)."""
    chemin = Path(__file__).with_name("situations.py")
    spec = importlib.util.spec_from_file_location("situations_pseudonymisation", chemin)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.COMMUNES, module.SITUATIONS


COMMUNES, SITUATIONS = _situations()
pytestmark = pytest.mark.django_db
TOUT_COCHE = {cle: True for cle in CHECKLIST}


def _texte_brut(contenu: str) -> str:
    """What a reader gets from HTML: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", contenu))


def _couverts(texte: str, signaux) -> bool:
    return all(any(s.debut <= i < s.fin for s in signaux) for i in range(len(texte)))


def _non_couverts(texte: str, jetons: list[str], signaux) -> list[str]:
    """The tokens some character of which lies outside every flag."""
    manques = []
    for jeton in jetons:
        debut = texte.index(jeton)
        for i in range(debut, debut + len(jeton)):
            if not texte[i].isspace() and not any(s.debut <= i < s.fin for s in signaux):
                manques.append(jeton)
                break
    return manques


def test_battery_every_identifying_token_is_flagged():
    references = References(communes={c.lower() for c in COMMUNES})
    assert len(SITUATIONS) >= 40
    manques, total = [], 0
    for texte, jetons in SITUATIONS:
        signaux = signaler(texte, references=references)
        total += len(jetons)
        manques += [(jeton, texte) for jeton in _non_couverts(texte, jetons, signaux)]
    assert manques == []
    assert total >= 140


def test_first_names_come_from_the_insee_list_even_at_the_start_of_a_sentence():
    signaux = signaler("Kevin est venu seul. Ensuite Rose a appelé. Elle attend.")
    assert [(s.nature, s.texte) for s in signaux] == [("prenom", "Kevin"), ("prenom", "Rose")]


def test_surnames_after_a_first_name_or_a_civility_with_particles():
    texte = (
        "Jean-Baptiste de La Fontaine et Marie-Hélène N'Diaye ont vu M. Durand-Leclerc, "
        "Madame da Costa et DUPONT Kevin."
    )
    assert [(s.nature, s.texte) for s in signaler(texte) if s.nature == "nom"] == [
        ("nom", "de La Fontaine"),
        ("nom", "Durand-Leclerc"),
        ("nom", "da Costa"),
        ("nom", "DUPONT"),
    ]


def test_never_publishable_kinds():
    texte = (
        "Né le 3 mai 2008, joignable au 06 12 34 56 78 ou au +33 6 12 34 56 78, "
        "kevin.d@exemple.fr, 12 rue des Lilas, NIR 1 85 05 78 006 084 36."
    )
    natures = [s.nature for s in signaler(texte)]
    assert natures == ["date_naissance", "telephone", "telephone", "email", "adresse", "nir"]
    assert all(NATURES[n].jamais_publiable for n in natures)
    for nature in ("prenom", "nom", "ville", "date", "code_postal"):
        assert not NATURES[nature].jamais_publiable


def test_names_of_the_platforms_users_and_structures_are_never_publishable(groupe):
    StructureFactory(nom="Mission locale Rhône Sud")
    cas = CasPropose(
        titre="Un orientation difficile",
        situation=(
            "Nous en avons parlé avec Anne Animatrice et MembresecretB, à la Mission locale "
            "Rhône Sud."
        ),
    )
    signaux = {(s["nature"], s["texte"]) for s in cas_services.cas_signaux(cas=cas)}
    assert ("membre", "Anne Animatrice") in signaux
    assert ("membre", "MembresecretB") in signaux
    assert ("structure", "Mission locale Rhône Sud") in signaux
    assert NATURES["membre"].jamais_publiable and NATURES["structure"].jamais_publiable


# --- the pipeline ------------------------------------------------------------------------


@pytest.fixture
def seance_terminee(gens, groupe, seance):
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    services.seance_open(user=gens.animateur, seance=seance)
    return services.seance_end(user=gens.animateur, seance=seance)


@pytest.fixture
def bibliotheque(home_page):
    from ressources.factories import CasIndexPageFactory

    return CasIndexPageFactory(parent=home_page)


@pytest.fixture
def communes(db):
    return [CommuneFactory(nom=nom) for nom in COMMUNES]


def _proposer(gens, seance, situation, titre="Un décrochage", **kwargs):
    return cas_services.cas_propose_from_seance(
        user=gens.membre,
        seance=seance,
        consentement=True,
        titre=titre,
        situation=situation,
        **kwargs,
    )


def _publier(gens, cas):
    cas = cas_services.cas_signaux_replace_all(user=gens.membre, cas=cas)
    cas = cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    cas = cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    return cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=True)


def test_battery_nothing_identifying_is_published(
    client,
    gens,
    seance_terminee,
    bibliotheque,
    communes,
    settings,
    django_capture_on_commit_callbacks,
):
    """Each situation goes through the whole pipeline (replace, submit, two approvals); then no
    identifying token is in a page, a search document, the API's answers or an e-mail."""
    from recherche.models import SearchDocument
    from ressources.models import CasPage
    from ressources.search import cas_document

    settings.OPENSEARCH_URL = ""  # the database store answers the API in this test
    pages, jetons_publies = [], []
    with django_capture_on_commit_callbacks(execute=True):
        for n, (texte, jetons) in enumerate(SITUATIONS, start=1):
            # The title repeats the first clause, as people write titles.
            titre = f"Cas témoin {n} : {re.split(r'[,.;:]', texte)[0]}"
            cas = _proposer(gens, seance_terminee, texte, titre=titre)
            flagged = {s["texte"] for s in cas.signaux}
            assert flagged, texte
            cas = _publier(gens, cas)
            assert cas.etat == CasPropose.Etat.PUBLIE, texte
            pages.append((CasPage.objects.get(pk=cas.cas_page_id), jetons))

    reponses_api = []
    for numero in range(1, 6):
        reponse = client.get("/api/recherche/", {"q": "témoin", "type": "cas", "page": numero})
        assert reponse.status_code == 200
        # Decoded, so that "\u00e9" cannot hide an accented token from the check.
        reponses_api.append(json.dumps(reponse.json(), ensure_ascii=False))
    api = _texte_brut("\n".join(reponses_api))
    courriels = _texte_brut(
        "\n".join(
            m.subject + m.body + "".join(str(a[0]) for a in m.alternatives) for m in mail.outbox
        )
    )
    assert len(mail.outbox) >= len(SITUATIONS)
    for page, jetons in pages:
        publie = _texte_brut(
            " ".join(
                [page.title, page.slug, page.url]
                + [getattr(page, champ) for champ in cas_services.CHAMPS if champ != "titre"]
            )
        )
        document = cas_document(page)
        stocke = SearchDocument.objects.get(doc_id=f"ressources.caspage:{page.pk}")
        vue = _texte_brut(client.get(page.url).content.decode())
        for jeton in jetons:
            for ou, contenu in (
                ("page", publie),
                ("page servie", vue),
                ("document", f"{document['title']} {document['body']} {document['url']}"),
                ("index", f"{stocke.title} {stocke.body} {stocke.url}"),
                ("api", api),
                ("e-mails", courriels),
            ):
                if jeton in contenu:
                    jetons_publies.append((jeton, ou))
    assert jetons_publies == []
    assert f"Cas témoin {len(SITUATIONS)}" in api


def test_kevin_dupont_is_held_until_every_flag_is_resolved(
    client, gens, seance_terminee, bibliotheque, communes
):
    """The reported case: nothing of it may reach the library as written."""
    from ressources.models import CasPage

    texte, jetons = SITUATIONS[0]
    client.force_login(gens.membre)
    client.post(
        reverse("analyse_pratiques:cas_proposer", args=[seance_terminee.pk]),
        {"titre": "Un décrochage", "situation": texte, "consentement": "on"},
    )
    cas = CasPropose.objects.get()
    page = client.get(reverse("analyse_pratiques:cas", args=[cas.pk])).content.decode()
    for jeton in jetons:
        assert f'<mark class="signal">{jeton}</mark>' in page
    # The phone number cannot be waved through: not even sent to review.
    client.post(
        reverse("analyse_pratiques:cas_soumettre", args=[cas.pk]), {c: "on" for c in CHECKLIST}
    )
    cas.refresh_from_db()
    assert cas.etat == CasPropose.Etat.BROUILLON
    client.post(
        reverse("analyse_pratiques:cas_signal_remplacer", args=[cas.pk]),
        {"nature": "telephone", "texte": "06 12 34 56 78"},
    )
    client.post(
        reverse("analyse_pratiques:cas_soumettre", args=[cas.pk]), {c: "on" for c in CHECKLIST}
    )
    cas.refresh_from_db()
    assert cas.etat == CasPropose.Etat.EN_RELECTURE
    # Two reviewers cannot approve while Kevin, Dupont, the towns and the date are there.
    for relecteur in (gens.animateur, gens.autre_membre):
        client.force_login(relecteur)
        reponse = client.post(
            reverse("analyse_pratiques:cas_relire", args=[cas.pk]),
            {"decision": "approuver"},
            follow=True,
        )
        assert "éléments signalés ne sont pas résolus" in reponse.content.decode()
    cas.refresh_from_db()
    assert cas.etat == CasPropose.Etat.EN_RELECTURE
    assert cas.relu_animateur_le is None and cas.relu_second_le is None
    assert not CasPage.objects.exists()
    client.post(reverse("analyse_pratiques:cas_signaux_remplacer_tous", args=[cas.pk]))
    cas.refresh_from_db()
    assert cas.situation == (
        "[prénom] [nom], 17 ans, habitant [ville], suivi à la Mission locale de [ville] depuis "
        "le [date]. Téléphone [téléphone]."
    )
    for relecteur in (gens.animateur, gens.autre_membre):
        client.force_login(relecteur)
        client.post(
            reverse("analyse_pratiques:cas_relire", args=[cas.pk]), {"decision": "approuver"}
        )
    cas.refresh_from_db()
    page = CasPage.objects.get(pk=cas.cas_page_id)
    for jeton in jetons:
        assert jeton not in _texte_brut(page.situation)


def test_publishing_refused_while_a_flag_is_open_and_nothing_is_written(
    gens, seance_terminee, bibliotheque
):
    from ressources.models import CasPage

    cas = _proposer(gens, seance_terminee, "Le jeune suivi par Garnier ne vient plus.")
    cas = cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    with pytest.raises(ValidationError) as refus:
        cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    assert "1 élément signalé n'est pas résolu" in refus.value.messages[0]
    cas.refresh_from_db()
    assert cas.relu_animateur_le is None
    # A reviewer lets the surname through, with a reason; the facilitator approves.
    cas = cas_services.cas_signal_dismiss(
        user=gens.animateur,
        cas=cas,
        nature="nom",
        texte="Garnier",
        motif="Nom d'un dispositif local, pas d'une personne.",
    )
    cas = cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    # Meanwhile someone named Garnier joins the platform: the name is no longer publishable,
    # and the second approval publishes nothing.
    UserFactory(last_name="Garnier")
    with pytest.raises(ValidationError):
        cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=True)
    cas.refresh_from_db()
    assert cas.etat == CasPropose.Etat.EN_RELECTURE
    assert cas.relu_second_le is None and cas.cas_page_id is None
    assert not CasPage.objects.exists()


def test_a_reviewer_cannot_dismiss_what_is_never_publishable(gens, seance_terminee):
    cas = _proposer(gens, seance_terminee, "Le jeune habite Vénissieux.")
    cas = cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    # A phone number that slipped into the text under review (written before a new rule).
    CasPropose.objects.filter(pk=cas.pk).update(
        situation="Le jeune habite Vénissieux, joignable au 06 12 34 56 78."
    )
    for nature, texte in (("telephone", "06 12 34 56 78"), ("membre", "MembresecretA")):
        with pytest.raises(ValidationError) as refus:
            cas_services.cas_signal_dismiss(
                user=gens.animateur, cas=cas, nature=nature, texte=texte, motif="C'est public."
            )
        assert "ne peut jamais être publié" in refus.value.messages[0]
    assert not DecisionSignal.objects.exists()
    # Not through the page either: no form to dismiss it, only to replace it.
    cas.refresh_from_db()
    cas = cas_services.cas_signal_replace(
        user=gens.animateur, cas=cas, nature="telephone", texte="06 12 34 56 78"
    )
    assert cas.situation == "Le jeune habite Vénissieux, joignable au [téléphone]."


def test_dismissal_needs_a_reason_and_is_recorded(client, gens, seance_terminee):
    cas = _proposer(gens, seance_terminee, "Le jeune vit à Vénissieux depuis 2019.")
    cas = cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    client.force_login(gens.autre_membre)
    url = reverse("analyse_pratiques:cas_signal_ecarter", args=[cas.pk])
    reponse = client.post(
        url, {"nature": "ville", "texte": "Vénissieux", "motif": "  "}, follow=True
    )
    assert reponse.status_code == 200
    assert not DecisionSignal.objects.exists()
    with pytest.raises(ValidationError):
        cas_services.cas_signal_dismiss(
            user=gens.autre_membre, cas=cas, nature="ville", texte="Vénissieux", motif=" "
        )
    # The client cannot dismiss a flag on their own case.
    client.force_login(gens.membre)
    reponse = client.post(url, {"nature": "ville", "texte": "Vénissieux", "motif": "x"})
    assert reponse.status_code == 403
    assert not DecisionSignal.objects.exists()
    client.force_login(gens.autre_membre)
    client.post(
        url, {"nature": "ville", "texte": "Vénissieux", "motif": "Grande ville, rien de rare."}
    )
    decision = DecisionSignal.objects.get()
    assert (decision.action, decision.nature, decision.texte) == ("ecarte", "ville", "Vénissieux")
    assert decision.par == gens.autre_membre and decision.le is not None
    assert decision.motif == "Grande ville, rien de rare."
    cas.refresh_from_db()
    assert cas_services.signaux_ouverts(cas=cas) == []
    page = client.get(reverse("analyse_pratiques:cas", args=[cas.pk])).content.decode()
    assert "Grande ville, rien de rare." in page


def test_the_client_edits_the_draft_and_flags_are_computed_again(client, gens, seance_terminee):
    cas = _proposer(gens, seance_terminee, "Kevin ne vient plus depuis le 12 mars 2026.")
    client.force_login(gens.membre)
    # Reachable from the group page and the proposal page.
    groupe_page = client.get(reverse("analyse_pratiques:groupe", args=[cas.seance.groupe.slug]))
    url = reverse("analyse_pratiques:cas_modifier", args=[cas.pk])
    assert url in groupe_page.content.decode()
    assert url in client.get(reverse("analyse_pratiques:cas", args=[cas.pk])).content.decode()
    editeur = client.get(url).content.decode()
    assert '<mark class="signal">Kevin<span class="sr-only"> (prénom signalé)</span></mark>' in (
        editeur
    )
    assert 'name="situation"' in editeur
    assert "2 éléments signalés dans « Situation » :" in editeur
    reponse = client.post(
        url,
        {"titre": "Un décrochage", "situation": "Un jeune ne vient plus depuis le printemps."},
    )
    assert reponse.status_code == 302
    cas.refresh_from_db()
    assert cas.situation == "Un jeune ne vient plus depuis le printemps."
    assert cas.signaux == []
    assert sorted(
        DecisionSignal.objects.filter(cas=cas).values_list("action", "nature", "texte")
    ) == [("remplace", "date", ""), ("remplace", "prenom", "")]
    # An empty situation is refused with a message; nothing changes.
    reponse = client.post(url, {"titre": "Un décrochage", "situation": ""})
    assert reponse.status_code == 200
    cas.refresh_from_db()
    assert cas.situation == "Un jeune ne vient plus depuis le printemps."
    # Once in review, the draft is no longer editable.
    cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    client.post(url, {"titre": "Autre", "situation": "Kevin encore."})
    cas.refresh_from_db()
    assert cas.titre == "Un décrochage"


def test_reviewers_preview_is_the_published_text(client, gens, seance_terminee, bibliotheque):
    from ressources.models import CasPage

    cas = _proposer(
        gens,
        seance_terminee,
        "Kevin Dupont & sa mère <b>inquiète</b> ne viennent plus.\n\nIls vivent à Vénissieux.",
        enseignements="Aller vers plutôt qu'attendre.",
    )
    cas = cas_services.cas_signaux_replace_all(user=gens.membre, cas=cas)
    cas = cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    cas = cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    client.force_login(gens.autre_membre)
    apercu = client.get(reverse("analyse_pratiques:cas", args=[cas.pk])).content.decode()
    cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=True)
    cas.refresh_from_db()
    page = CasPage.objects.get(pk=cas.cas_page_id)
    assert page.situation == (
        "<p>[prénom] [nom] &amp; sa mère &lt;b&gt;inquiète&lt;/b&gt; ne viennent plus.</p>"
        "<p>Ils vivent à [ville].</p>"
    )
    for champ in ("situation", "enseignements"):
        assert getattr(page, champ) in apercu
    assert page.title in apercu


def test_review_e_mails_carry_no_text_of_the_case(
    gens, seance_terminee, django_capture_on_commit_callbacks
):
    cas = _proposer(gens, seance_terminee, "Kevin Dupont vit à Vénissieux.")
    cas = cas_services.cas_signaux_replace_all(user=gens.membre, cas=cas)
    with django_capture_on_commit_callbacks(execute=True):
        cas_services.cas_submit(user=gens.membre, cas=cas, checklist=TOUT_COCHE)
    assert {m.to[0] for m in mail.outbox} >= {gens.animateur.email, gens.autre_membre.email}
    assert gens.membre.email not in {m.to[0] for m in mail.outbox}
    for message in mail.outbox:
        contenu = message.subject + message.body
        for secret in ("Kevin", "Dupont", "Vénissieux", "décrochage", cas.seance.groupe.nom):
            assert secret not in contenu
