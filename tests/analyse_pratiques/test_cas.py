"""From a séance situation to the case library: flags, consent, checklist, reviews, withdrawal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from analyse_pratiques import services
from analyse_pratiques.cas import services as cas_services
from analyse_pratiques.cas.pseudonymisation import CHECKLIST, signaler
from analyse_pratiques.models import CasPropose
from maillage.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _natures(texte, **kwargs):
    return [(s.nature, s.texte) for s in signaler(texte, **kwargs)]


def test_flags_identifying_tokens():
    texte = (
        "Le 12/03/2024, Kevin est venu avec sa mère. Elle travaille chez Durand à 69100. "
        "Écrire à kevin.d@exemple.fr ou appeler le 06 12 34 56 78 avant mars 2025."
    )
    assert _natures(texte) == [
        ("date", "12/03/2024"),
        ("prenom", "Kevin"),
        ("prenom", "Durand"),
        ("code_postal", "69100"),
        ("email", "kevin.d@exemple.fr"),
        ("telephone", "06 12 34 56 78"),
        ("date", "mars 2025"),
    ]


def test_sentence_initial_words_are_not_flagged_but_communes_are():
    texte = "Elle habite Villeurbanne. Villeurbanne est proche. Ensuite rien."
    # After "habite", a capitalised word is a place even when no commune list knows it.
    assert _natures(texte) == [("ville", "Villeurbanne")]
    assert _natures(texte, communes={"Villeurbanne"}) == [
        ("ville", "Villeurbanne"),
        ("ville", "Villeurbanne"),
    ]


@pytest.fixture
def seance_terminee(gens, groupe, seance):
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    services.seance_open(user=gens.animateur, seance=seance)
    return services.seance_end(user=gens.animateur, seance=seance)


def _proposer(gens, seance, **kwargs):
    fields = {
        "titre": "Un décrochage",
        "situation": "Un jeune suivi à Saint-Priest ne vient plus depuis le 3 mars 2025.",
        "enseignements": "Aller vers plutôt qu'attendre.",
        **kwargs,
    }
    return cas_services.cas_propose_from_seance(
        user=gens.membre, seance=seance, consentement=True, **fields
    )


def test_only_the_client_proposes_with_explicit_consent(gens, seance_terminee):
    with pytest.raises(PermissionDenied):
        cas_services.cas_propose_from_seance(
            user=gens.autre_membre,
            seance=seance_terminee,
            consentement=True,
            titre="x",
            situation="y",
        )
    with pytest.raises(ValidationError):
        cas_services.cas_propose_from_seance(
            user=gens.membre, seance=seance_terminee, consentement=False, titre="x", situation="y"
        )
    CommuneFactory(nom="Saint-Priest")
    cas = _proposer(gens, seance_terminee)
    assert cas.etat == CasPropose.Etat.BROUILLON
    assert cas.consentement_donne_le is not None
    assert {(s["champ"], s["nature"], s["texte"]) for s in cas.signaux} == {
        ("situation", "ville", "Saint-Priest"),
        ("situation", "date", "3 mars 2025"),
    }


def test_checklist_must_be_complete(gens, seance_terminee):
    cas = _proposer(gens, seance_terminee)
    incomplete = {cle: True for cle in CHECKLIST} | {"details_rares": False}
    with pytest.raises(ValidationError):
        cas_services.cas_submit(user=gens.membre, cas=cas, checklist=incomplete)
    cas = cas_services.cas_submit(
        user=gens.membre, cas=cas, checklist={cle: True for cle in CHECKLIST}
    )
    assert cas.etat == CasPropose.Etat.EN_RELECTURE


def test_two_reviews_publish_then_withdrawal_unpublishes(gens, seance_terminee, home_page):
    from ressources.factories import CasIndexPageFactory
    from ressources.models import CasPage

    CasIndexPageFactory(parent=home_page)
    cas = _proposer(gens, seance_terminee)
    cas = cas_services.cas_signaux_replace_all(user=gens.membre, cas=cas)
    cas = cas_services.cas_submit(
        user=gens.membre, cas=cas, checklist={cle: True for cle in CHECKLIST}
    )
    for intrus in (gens.membre, gens.exterieur, gens.non_accepte, gens.ancien):
        with pytest.raises(PermissionDenied):
            cas_services.cas_review(user=intrus, cas=cas, approuve=True)
    cas = cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    assert cas.etat == CasPropose.Etat.EN_RELECTURE
    assert not CasPage.objects.exists()
    cas = cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=True)
    assert cas.etat == CasPropose.Etat.PUBLIE
    page = CasPage.objects.get(pk=cas.cas_page_id)
    assert page.live
    assert page.provenance == CasPage.Provenance.ANALYSE_PRATIQUES
    assert page.consentement["donne_le"] == cas.consentement_donne_le.isoformat()
    assert page.consentement_valide
    # No name of the group or of anyone travels with the case.
    assert gens.membre.last_name not in str(page.consentement)

    cas = cas_services.cas_consentement_withdraw(user=gens.membre, cas=cas)
    page.refresh_from_db()
    assert cas.etat == CasPropose.Etat.RETIRE
    assert not page.live
    assert not page.consentement_valide
    assert page.get_latest_revision().content["consentement"]["retire_le"]


def test_a_refusal_sends_the_case_back_as_draft(gens, seance_terminee):
    cas = _proposer(gens, seance_terminee)
    cas = cas_services.cas_signaux_replace_all(user=gens.membre, cas=cas)
    cas = cas_services.cas_submit(
        user=gens.membre, cas=cas, checklist={cle: True for cle in CHECKLIST}
    )
    cas_services.cas_review(user=gens.animateur, cas=cas, approuve=True)
    cas = cas_services.cas_review(user=gens.autre_membre, cas=cas, approuve=False)
    assert cas.etat == CasPropose.Etat.BROUILLON
    assert cas.relu_animateur_le is None
    cas = cas_services.cas_update(user=gens.membre, cas=cas, situation="Un jeune ne vient plus.")
    assert cas.signaux == []


def test_only_the_client_withdraws_consent(gens, seance_terminee):
    cas = _proposer(gens, seance_terminee)
    with pytest.raises(PermissionDenied):
        cas_services.cas_consentement_withdraw(user=gens.animateur, cas=cas)
