"""Tests of the per-session enrolment policy: « premier arrivé » or a cap per network."""

import datetime
import json
import threading
from collections import Counter
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from formations import services
from formations.factories import SessionFactory
from formations.models import Inscription, Session
from maillage.factories import (
    CommuneFactory,
    ProfilFactory,
    ReseauFactory,
    StructureFactory,
    UserFactory,
)

Etat = Inscription.Etat
Motif = Inscription.MotifAttente
MIXITE = Session.Politique.MIXITE


@pytest.fixture
def reseaux(db):
    """Three networks, each with one structure (sharing one commune)."""
    commune = CommuneFactory()
    noms = ("Mission locale", "France Travail", "CIO")
    return [StructureFactory(reseau=ReseauFactory(nom=nom), commune=commune) for nom in noms]


def membres(structure, nombre: int) -> list:
    """`nombre` counsellors of `structure` (None: accounts without a structure)."""
    users = [UserFactory() for _ in range(nombre)]
    for user in users:
        ProfilFactory(user=user, structure=structure)
    return users


def inscrire(session, users) -> list[Inscription]:
    return [services.inscription_create(session=session, user=user) for user in users]


def etat_par_reseau(session) -> Counter:
    return Counter(
        session.inscriptions.filter(etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE).values_list(
            "reseau", flat=True
        )
    )


@pytest.mark.parametrize(
    ("capacite", "part", "places"),
    [(12, 40, 4), (10, 40, 4), (20, 40, 8), (5, 10, 1), (3, 10, 1), (12, 100, 12), (7, 50, 3)],
)
def test_the_cap_in_places_is_the_share_rounded_down_but_at_least_one(capacite, part, places):
    assert Session(capacite=capacite, part_max_reseau=part).places_par_reseau == places


@pytest.mark.django_db
def test_a_network_at_its_cap_waits_while_other_networks_enrol(
    reseaux, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacite=10, politique=MIXITE, part_max_reseau=40)
    mission_locale, france_travail = membres(reseaux[0], 5), membres(reseaux[1], 2)

    with django_capture_on_commit_callbacks(execute=True):
        premiers = inscrire(session, mission_locale)
        autres = inscrire(session, france_travail)

    assert [i.etat for i in premiers] == [Etat.CONFIRMEE] * 4 + [Etat.LISTE_ATTENTE]
    cinquieme = premiers[-1]
    assert (cinquieme.motif_attente, cinquieme.position) == (Motif.MIXITE, 1)
    assert [i.etat for i in autres] == [Etat.CONFIRMEE] * 2
    assert etat_par_reseau(session) == {reseaux[0].reseau_id: 4, reseaux[1].reseau_id: 2}
    attente = next(m for m in mail.outbox if m.to == [mission_locale[-1].email])
    assert "liste d'attente" in attente.subject
    assert "pour garantir la diversité des réseaux" in attente.body
    assert "40 % des places (4 sur 10)" in attente.body


@pytest.mark.django_db
def test_a_full_session_says_it_is_full_not_the_mix(reseaux, django_capture_on_commit_callbacks):
    session = SessionFactory(capacite=2, politique=MIXITE, part_max_reseau=50)
    inscrire(session, membres(reseaux[0], 1) + membres(reseaux[1], 1))
    with django_capture_on_commit_callbacks(execute=True):
        (attente,) = inscrire(session, membres(reseaux[2], 1))
    assert (attente.etat, attente.motif_attente) == (Etat.LISTE_ATTENTE, Motif.COMPLET)
    # The session's notice task also sends the two notices still pending before it.
    (message,) = [m for m in mail.outbox if m.to == [attente.user.email]]
    assert "complète" in message.body
    assert "diversité" not in message.body


@pytest.mark.django_db
def test_people_without_a_structure_are_capped_together(reseaux):
    session = SessionFactory(capacite=10, politique=MIXITE, part_max_reseau=20)
    sans_structure = membres(None, 2) + [UserFactory()]  # the last one has no profile at all
    inscriptions = inscrire(session, sans_structure)
    assert [i.etat for i in inscriptions] == [Etat.CONFIRMEE] * 2 + [Etat.LISTE_ATTENTE]
    assert inscriptions[-1].motif_attente == Motif.MIXITE
    assert inscriptions[0].reseau is None


@pytest.mark.django_db
def test_first_come_ignores_networks(reseaux):
    session = SessionFactory(capacite=4)
    assert session.politique == Session.Politique.PREMIER_ARRIVE
    inscriptions = inscrire(session, membres(reseaux[0], 5))
    assert [i.etat for i in inscriptions] == [Etat.CONFIRMEE] * 4 + [Etat.LISTE_ATTENTE]
    assert inscriptions[-1].motif_attente == Motif.COMPLET


@pytest.mark.django_db
def test_a_freed_place_goes_to_the_first_waiting_person_whose_network_is_under_its_cap(
    reseaux, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacite=4, politique=MIXITE, part_max_reseau=50)
    ml, ft, cio = membres(reseaux[0], 3), membres(reseaux[1], 2), membres(reseaux[2], 2)
    # Order of arrival: ML, ML, FT, FT (full), ML (waits 1), CIO (waits 2), CIO (waits 3).
    places = inscrire(session, ml[:2] + ft)
    attente = inscrire(session, [ml[2], cio[0], cio[1]])
    assert [i.position for i in attente] == [1, 2, 3]

    # A France Travail place frees: the Mission locale person waits first but their network
    # holds its two places, so the first CIO counsellor gets it.
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_cancel(inscription=places[2], user=ft[0])
    etats = {i.user_id: i for i in session.inscriptions.all()}
    assert etats[cio[0].pk].etat == Etat.CONFIRMEE
    assert etats[ml[2].pk].etat == Etat.LISTE_ATTENTE
    assert etats[cio[1].pk].etat == Etat.LISTE_ATTENTE
    assert any(m.to == [cio[0].email] and "place s'est libérée" in m.subject for m in mail.outbox)

    # A Mission locale place frees: now the Mission locale person, first in line, gets it.
    services.inscription_cancel(inscription=places[0], user=ml[0])
    assert Inscription.objects.get(user=ml[2], session=session).etat == Etat.CONFIRMEE
    assert Inscription.objects.get(user=cio[1], session=session).etat == Etat.LISTE_ATTENTE


@pytest.mark.django_db
def test_more_places_are_given_within_the_caps_and_the_others_wait_for_the_mix(reseaux):
    session = SessionFactory(capacite=2, politique=MIXITE, part_max_reseau=50)
    ml = membres(reseaux[0], 4)
    cio = membres(reseaux[2], 1)
    # One place per network: one Mission locale counsellor and the CIO one are placed, the
    # three other Mission locale counsellors wait for the mix.
    inscrire(session, ml + cio)
    promus = services.session_capacity_change(session=session, capacite=6)
    # Six places, three per network: two more Mission locale, and the last one still waits
    # though two places stay free for other networks.
    assert etat_par_reseau(session) == {reseaux[0].reseau_id: 3, reseaux[2].reseau_id: 1}
    assert len(promus) == 2
    reste = Inscription.objects.get(session=session, etat=Etat.LISTE_ATTENTE)
    assert (reste.user, reste.motif_attente) == (ml[3], Motif.MIXITE)


@pytest.mark.django_db
def test_when_the_window_closes_the_remaining_places_go_to_the_waiting_list_in_order(
    reseaux, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacite=5, politique=MIXITE, part_max_reseau=40)
    ml, cio = membres(reseaux[0], 4), membres(reseaux[2], 1)
    inscrire(session, ml + cio)  # ML ×2 placed, ML ×2 wait for the mix, CIO placed
    assert etat_par_reseau(session)[reseaux[0].reseau_id] == 2

    # While the window is open, the service changes nothing.
    assert services.session_enrolment_window_close(session=session) == []

    Session.objects.filter(pk=session.pk).update(
        inscriptions_cloture=timezone.now() - datetime.timedelta(minutes=1)
    )
    sortie = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels_formation", stdout=sortie)
    assert json.loads(sortie.getvalue())["promus_cloture"] == 2
    assert etat_par_reseau(session) == {reseaux[0].reseau_id: 4, reseaux[2].reseau_id: 1}
    assert {m.to[0] for m in mail.outbox} == {ml[2].email, ml[3].email}

    # Idempotent: nothing more to give, nobody told twice.
    call_command("envoyer_rappels_formation", stdout=StringIO())
    assert services.session_enrolment_window_close(session=session) == []
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_after_the_window_closed_a_freed_place_ignores_the_caps(reseaux):
    session = SessionFactory(capacite=2, politique=MIXITE, part_max_reseau=50)
    ml, cio = membres(reseaux[0], 2), membres(reseaux[2], 2)
    places = inscrire(session, [ml[0], cio[0]])
    inscrire(session, [ml[1], cio[1]])  # both wait: the session is full
    Session.objects.filter(pk=session.pk).update(
        inscriptions_cloture=timezone.now() - datetime.timedelta(minutes=1)
    )
    services.inscription_cancel(inscription=places[1], user=cio[0])
    # Under the cap the CIO counsellor would have passed; after closing, the first in line.
    assert Inscription.objects.get(user=ml[1], session=session).etat == Etat.CONFIRMEE
    assert Inscription.objects.get(user=cio[1], session=session).etat == Etat.LISTE_ATTENTE


@pytest.mark.django_db
def test_closing_the_session_gives_the_places_kept_for_the_mix(
    reseaux, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacite=4, politique=MIXITE, part_max_reseau=25)
    ml = membres(reseaux[0], 3)
    inscrire(session, ml)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(session=session)
    assert etat_par_reseau(session) == {reseaux[0].reseau_id: 3}
    sujets = {m.to[0]: m.subject for m in mail.outbox}
    assert "place s'est libérée" in sujets[ml[1].email]
    assert "Inscriptions closes" in sujets[ml[0].email]


@pytest.mark.django_db
def test_a_looser_policy_promotes_at_once(reseaux):
    session = SessionFactory(capacite=4, politique=MIXITE, part_max_reseau=25)
    ml = membres(reseaux[0], 3)
    inscrire(session, ml)
    promus = services.session_enrolment_rules_change(
        session=session, politique=Session.Politique.PREMIER_ARRIVE
    )
    assert len(promus) == 2
    assert etat_par_reseau(session) == {reseaux[0].reseau_id: 3}


@pytest.mark.django_db
@pytest.mark.parametrize("part", [0, 9, 101, 250])
def test_a_share_outside_10_to_100_is_refused_and_nothing_changes(reseaux, part):
    session = SessionFactory(capacite=4, politique=MIXITE, part_max_reseau=25)
    ml = membres(reseaux[0], 2)
    inscrire(session, ml)
    with pytest.raises(ValidationError) as refus:
        services.session_enrolment_rules_change(session=session, part_max_reseau=part)
    assert refus.value.message_dict == {
        "part_max_reseau": ["La part maximale par réseau doit être comprise entre 10 et 100 %."]
    }
    session.refresh_from_db()
    assert session.part_max_reseau == 25
    assert Inscription.objects.filter(session=session, etat=Etat.LISTE_ATTENTE).count() == 1


@pytest.fixture
def admin_client(client, staff_user_totp, mfa_login):
    staff_user_totp.is_superuser = True
    staff_user_totp.save(update_fields=["is_superuser"])
    return mfa_login(client, staff_user_totp)


def formulaire(session, **changes) -> dict:
    donnees = {
        "formation": session.formation_id,
        "date_debut": session.date_debut.isoformat(),
        "date_fin": session.date_fin.isoformat(),
        "adresse": session.adresse,
        "code_postal": session.code_postal,
        "ville": session.ville,
        "capacite": session.capacite,
        "politique": session.politique,
        "part_max_reseau": session.part_max_reseau,
    }
    return {**donnees, **changes}


@pytest.mark.django_db
def test_the_admin_sets_the_policy_and_promotes(admin_client, reseaux):
    session = SessionFactory(capacite=4, politique=MIXITE, part_max_reseau=25)
    inscrire(session, membres(reseaux[0], 3))
    url = reverse("sessions_formation:edit", args=[session.pk])
    assert "Mixité des réseaux" in admin_client.get(url).content.decode()

    reponse = admin_client.post(url, formulaire(session, part_max_reseau=50))

    assert reponse.status_code == 302
    session.refresh_from_db()
    assert session.part_max_reseau == 50
    assert etat_par_reseau(session) == {reseaux[0].reseau_id: 2}


@pytest.mark.django_db
@pytest.mark.parametrize(("part", "message"), [(5, "au moins 10 %"), (150, "dépasser 100 %")])
def test_the_admin_refuses_a_share_outside_10_to_100(admin_client, part, message):
    session = SessionFactory(capacite=4, politique=MIXITE, part_max_reseau=25)
    url = reverse("sessions_formation:edit", args=[session.pk])
    reponse = admin_client.post(url, formulaire(session, part_max_reseau=part, ville="Brest"))
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    session.refresh_from_db()
    assert (session.part_max_reseau, session.ville) == (25, "Rennes")


def _enrol_together(session, users) -> list[Exception]:
    """Every user enrols at the same moment, each thread on its own connection."""
    barrier = threading.Barrier(len(users))
    errors = []

    def enrol(user):
        try:
            barrier.wait()
            services.inscription_create(session=session, user=user)
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_enrolments_never_exceed_the_capacity_nor_a_cap(home_page):
    commune = CommuneFactory()
    structures = [
        StructureFactory(reseau=ReseauFactory(nom=f"Réseau {n}"), commune=commune) for n in range(4)
    ]
    # 200 counsellors: most from two networks, a few from the others, some without a structure.
    repartition = {structures[0]: 90, structures[1]: 60, structures[2]: 20, structures[3]: 10}
    users = [u for structure, n in repartition.items() for u in membres(structure, n)]
    users += membres(None, 20)
    # Rounds of different sizes and shares, each on its own session, checked after each.
    for capacite, part in ((20, 40), (30, 25)):
        session = SessionFactory(capacite=capacite, politique=MIXITE, part_max_reseau=part)
        plafond = session.places_par_reseau

        assert _enrol_together(session, users) == []

        inscriptions = list(session.inscriptions.all())
        assert len(inscriptions) == len(users)
        placees = [i for i in inscriptions if i.etat in Inscription.ETATS_OCCUPANT_UNE_PLACE]
        attente = [i for i in inscriptions if i.etat == Etat.LISTE_ATTENTE]
        assert len(placees) + len(attente) == len(users)
        par_reseau = Counter(i.reseau_id for i in placees)
        assert len(placees) <= capacite
        assert max(par_reseau.values()) <= plafond
        # Nobody waits while a place is free for their network: either the session is full
        # or every waiting person's network holds its share.
        if len(placees) < capacite:
            assert all(par_reseau[i.reseau_id] == plafond for i in attente)
        assert sorted(i.position for i in attente) == list(range(1, len(attente) + 1))
        # Five groups (four networks and "no structure") of at least `plafond` people each.
        assert len(placees) == min(capacite, 5 * plafond)
