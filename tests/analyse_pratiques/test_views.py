"""Pages of the practice-analysis groups, driven as a browser without JavaScript would."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from analyse_pratiques import services
from analyse_pratiques.factories import AdhesionFactory, GroupeFactory, SeanceFactory
from analyse_pratiques.models import Adhesion, EvaluationSeance, Seance
from maillage.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"analyse_pratiques:{name}", args=args)


def test_invited_person_accepts_charter_and_sees_group(client, gens, groupe):
    client.force_login(gens.invite)
    liste = client.get(_url("mes_groupes")).content.decode()
    assert "Invitation : lisez et acceptez la charte" in liste
    invitation = client.get(_url("groupe", groupe.slug))
    assert invitation.status_code == 200
    assert "Accepter la charte et rejoindre le groupe" in invitation.content.decode()
    page = client.get(_url("charte", groupe.slug))
    assert "Confidentialité, bienveillance" in page.content.decode()
    # Not ticking the box changes nothing.
    client.post(_url("charte", groupe.slug), {})
    assert Adhesion.objects.get(user=gens.invite).etat == Adhesion.Etat.INVITE
    response = client.post(_url("charte", groupe.slug), {"accepte": "oui"})
    assert response.status_code == 302
    assert response["Location"] == _url("groupe", groupe.slug)
    assert Adhesion.objects.get(user=gens.invite).etat == Adhesion.Etat.ACTIF
    assert client.get(_url("groupe", groupe.slug)).status_code == 200


def test_new_charter_version_redirects_members_to_it(client, gens, groupe, seance):
    services.charte_publish(user=gens.animateur, groupe=groupe, texte="Nouvelle règle du groupe")
    client.force_login(gens.membre)
    for url in (_url("groupe", groupe.slug), _url("seance", seance.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == _url("charte", groupe.slug)
    page = client.get(_url("charte", groupe.slug)).content.decode()
    assert "Nouvelle règle du groupe" in page
    assert "Version 2" in page
    client.post(_url("charte", groupe.slug), {"accepte": "oui"})
    assert client.get(_url("groupe", groupe.slug)).status_code == 200


def test_group_page_shows_the_mix_of_reseaux(client, gens, groupe, seance):
    client.force_login(gens.membre)
    body = client.get(_url("groupe", groupe.slug)).content.decode()
    assert "Mission locale : 3 membres" in body
    assert "CIO : 2 membres" in body
    assert _url("seance", seance.pk) in body


def test_application_flow_through_pages(client, groupe):
    groupe.non_liste = False
    groupe.save()
    candidat = UserFactory()
    client.force_login(candidat)
    assert groupe.nom in client.get(_url("mes_groupes")).content.decode()
    client.post(_url("candidater", groupe.slug))
    assert Adhesion.objects.get(user=candidat).etat == Adhesion.Etat.CANDIDAT
    client.force_login(groupe.animateur)
    assert candidat.last_name in client.get(_url("animation", groupe.slug)).content.decode()
    client.post(_url("approuver", groupe.slug, candidat.pk))
    assert Adhesion.objects.get(user=candidat).etat == Adhesion.Etat.ACTIF
    client.force_login(candidat)
    response = client.get(_url("groupe", groupe.slug))
    assert response["Location"] == _url("charte", groupe.slug)


def test_facilitator_invites_by_email_and_plans_a_seance(
    client, groupe, django_capture_on_commit_callbacks
):
    invite = UserFactory(email="nouvelle@exemple.fr")
    client.force_login(groupe.animateur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("inviter", groupe.slug), {"email": "NOUVELLE@exemple.fr"})
    assert Adhesion.objects.get(user=invite).etat == Adhesion.Etat.INVITE
    response = client.post(
        _url("inviter", groupe.slug), {"email": "personne@exemple.fr"}, follow=True
    )
    assert "Aucun compte n&#x27;utilise cette adresse e-mail." in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("planifier", groupe.slug), {"date": "2030-03-04T14:00"})
    seance = Seance.objects.get(groupe=groupe)
    assert seance.date.year == 2030
    assert len(mail.outbox) == 5
    assert all(m.subject == "[Maillage] Une séance est programmée" for m in mail.outbox)
    assert _url("seance", seance.pk) in mail.outbox[0].body
    assert groupe.nom not in mail.outbox[0].body


def test_facilitator_runs_a_seance_without_javascript(client, gens, groupe, seance):
    client.force_login(gens.animateur)
    page = client.get(_url("seance", seance.pk)).content.decode()
    # Nobody has been client yet: every member is proposed.
    for membre in groupe.membres:
        assert membre.last_name in page.split("Pas encore passés comme client")[1][:2000]
    client.post(_url("seance_roles", seance.pk), {"client": gens.membre.pk, "scribe": ""})
    client.post(_url("seance_ouvrir", seance.pk))
    seance.refresh_from_db()
    assert seance.etat == Seance.Etat.EN_COURS
    assert seance.client == gens.membre
    client.post(_url("seance_avancer", seance.pk))
    client.post(_url("seance_pause", seance.pk))
    client.post(_url("seance_prolonger", seance.pk), {"minutes": "5"})
    seance.refresh_from_db()
    assert (seance.phase_index, seance.paused, seance.extension) == (1, True, 300)

    client.force_login(gens.autre_membre)
    page = client.get(_url("seance", seance.pk)).content.decode()
    assert "Étape 1 — Exposé de la situation par le client" in page
    assert "En pause" in page
    etat = client.get(_url("seance_etat", seance.pk)).json()
    assert etat["phase"]["index"] == 1
    assert etat["paused"] is True
    # 10 minutes + 5 of extension, less the instant between advancing and pausing.
    assert 895 <= etat["remaining_seconds"] <= 900
    minutes, secondes = divmod(etat["remaining_seconds"], 60)
    assert f'data-secondes="{etat["remaining_seconds"]}">{minutes:02d}:{secondes:02d}<' in page


def test_step_0_shows_the_previous_client_action_plan(client, gens, groupe):
    precedente = SeanceFactory(groupe=groupe, date=timezone.now() - datetime.timedelta(days=28))
    services.seance_roles(user=gens.animateur, seance=precedente, client=gens.autre_membre)
    services.seance_open(user=gens.animateur, seance=precedente)
    client.force_login(gens.autre_membre)
    client.post(_url("plan", precedente.pk), {"texte": "Rencontrer la référente RSA"})
    services.seance_end(user=gens.animateur, seance=precedente)

    seance = services.seance_open(user=gens.animateur, seance=SeanceFactory(groupe=groupe))
    client.force_login(gens.membre)
    page = client.get(_url("seance", seance.pk)).content.decode()
    assert "Rencontrer la référente RSA" in page
    assert 'data-phase-only="0">' in page.replace(" >", ">")
    services.seance_advance(user=gens.animateur, seance=seance)
    page = client.get(_url("seance", seance.pk)).content.decode()
    assert 'data-phase-only="0" hidden' in page


def test_client_writes_question_and_plan_others_their_learning(client, gens, groupe, seance):
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    services.seance_open(user=gens.animateur, seance=seance)
    client.force_login(gens.membre)
    client.post(_url("question", seance.pk), {"texte": "Comment relancer sans brusquer ?"})
    client.post(_url("apprentissage", seance.pk), {"texte": "Écouter avant de conseiller"})
    client.force_login(gens.autre_membre)
    response = client.post(_url("question", seance.pk), {"texte": "Autre question"})
    assert response.status_code == 403
    client.post(_url("note", seance.pk), {"texte": "Piste : partenariat CIDFF"})
    page = client.get(_url("seance", seance.pk)).content.decode()
    assert "Comment relancer sans brusquer ?" in page
    assert "Écouter avant de conseiller" in page
    assert "Piste : partenariat CIDFF" in page
    assert "Autre question" not in page


def test_ratings_are_shown_to_the_facilitator_as_aggregates_only(client, gens, groupe, seance):
    services.seance_open(user=gens.animateur, seance=seance)
    services.seance_end(user=gens.animateur, seance=seance)
    for membre, note in zip(groupe.membres[:2], ("5", "2"), strict=True):
        client.force_login(membre)
        client.post(_url("evaluation", seance.pk), {"utilite": note})
    assert EvaluationSeance.objects.filter(seance=seance).count() == 2
    client.force_login(gens.animateur)
    page = client.get(_url("seance", seance.pk)).content.decode()
    # Two ratings: a mean would tell each member's rating, so only the count shows.
    assert "2 avis reçus : la moyenne s'affiche à partir de 3 avis." in page
    assert "Utilité moyenne" not in page
    client.force_login(groupe.membres[2])
    client.post(_url("evaluation", seance.pk), {"utilite": "2"})
    client.force_login(gens.animateur)
    page = client.get(_url("seance", seance.pk)).content.decode()
    assert "Utilité moyenne : 3,0 sur 5 (3 avis)." in page
    for membre in groupe.membres[:3]:
        assert membre.last_name not in page.split("Pilotage de la séance")[1]


def test_list_pages_cost_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, gens, groupe
):
    for _ in range(6):
        autre = GroupeFactory()
        AdhesionFactory(groupe=autre, user=gens.membre, accepte=True)
        SeanceFactory(groupe=groupe)
    client.force_login(gens.membre)
    with django_assert_max_num_queries(12):
        assert client.get(_url("mes_groupes")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(_url("groupe", groupe.slug)).status_code == 200


def test_case_pipeline_through_pages(client, gens, groupe, seance, home_page):
    from analyse_pratiques.cas.pseudonymisation import CHECKLIST
    from analyse_pratiques.models import CasPropose
    from ressources.factories import CasIndexPageFactory
    from ressources.models import CasPage

    CasIndexPageFactory(parent=home_page)
    services.seance_roles(user=gens.animateur, seance=seance, client=gens.membre)
    services.seance_open(user=gens.animateur, seance=seance)
    client.force_login(gens.membre)
    assert _url("cas_proposer", seance.pk) in client.get(_url("seance", seance.pk)).content.decode()
    data = {"titre": "Décrochage", "situation": "Le jeune a appelé le 06 11 22 33 44."}
    response = client.post(_url("cas_proposer", seance.pk), data)
    assert response.status_code == 200  # consent not given: the form comes back
    assert not CasPropose.objects.exists()
    response = client.post(_url("cas_proposer", seance.pk), {**data, "consentement": "on"})
    cas = CasPropose.objects.get()
    assert response["Location"] == _url("cas", cas.pk)
    page = client.get(_url("cas", cas.pk)).content.decode()
    assert '<mark class="signal">06 11 22 33 44</mark> — numéro de téléphone' in page
    # A phone number is never publishable: the draft cannot go to review with it.
    client.post(_url("cas_soumettre", cas.pk), {cle: "on" for cle in CHECKLIST})
    cas.refresh_from_db()
    assert cas.etat == CasPropose.Etat.BROUILLON
    client.post(
        _url("cas_signal_remplacer", cas.pk), {"nature": "telephone", "texte": "06 11 22 33 44"}
    )
    cas.refresh_from_db()
    assert cas.situation == "Le jeune a appelé le [téléphone]."
    client.post(_url("cas_soumettre", cas.pk), {cle: "on" for cle in CHECKLIST})
    for relecteur in (gens.animateur, gens.autre_membre):
        client.force_login(relecteur)
        client.post(_url("cas_relire", cas.pk), {"decision": "approuver"})
    cas.refresh_from_db()
    assert cas.etat == CasPropose.Etat.PUBLIE
    assert CasPage.objects.get(pk=cas.cas_page_id).live
    # The client withdraws consent even after leaving the group.
    services.adhesion_leave(user=gens.membre, groupe=groupe)
    client.force_login(gens.membre)
    client.post(_url("cas_retirer", cas.pk))
    assert not CasPage.objects.get(pk=cas.cas_page_id).live


@pytest.mark.parametrize(
    ("etapes", "attendu", "absents"),
    [
        ([], "Planifiée", ["En pause", "En cours", "Terminée"]),
        (["open"], "En cours", ["En pause", "Terminée"]),
        (["open", "pause"], "En pause", ["En cours", "Terminée"]),
        (["open", "pause", "resume"], "En cours", ["En pause", "Terminée"]),
        (["open", "end"], "Terminée", ["En pause", "En cours"]),
    ],
)
def test_seance_badge_says_the_state(client, gens, groupe, seance, etapes, attendu, absents):
    import re

    for etape in etapes:
        seance = getattr(services, f"seance_{etape}")(user=gens.animateur, seance=seance)
    client.force_login(gens.membre)
    body = client.get(_url("seance", seance.pk)).content.decode()
    badge = re.search(r'<span id="statut"[^>]*>([^<]*)</span>', body)
    assert badge is not None
    assert badge.group(1) == attendu
    for absent in absents:
        assert absent not in badge.group(0)
    assert client.get(_url("seance_etat", seance.pk)).json()["statut"]["libelle"] == attendu


def test_facilitation_page_counts_active_members_in_french(client):
    groupe = GroupeFactory()
    bornes = f"(de {groupe.taille_min} à {groupe.taille_max})."
    client.force_login(groupe.animateur)
    AdhesionFactory(groupe=groupe, accepte=True)
    assert f"1 membre actif {bornes}" in client.get(_url("animation", groupe.slug)).content.decode()
    AdhesionFactory(groupe=groupe, accepte=True)
    body = client.get(_url("animation", groupe.slug)).content.decode()
    assert f"2 membres actifs {bornes}" in body
