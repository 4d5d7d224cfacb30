"""The enrolment decision, written in SQL, against the rules of the Session model; the
PostgreSQL path in one query string, with its lock held only by the server."""

import datetime
import itertools
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from formations import services, suites_inscription
from formations.factories import SessionFactory
from formations.models import Inscription, Session
from maillage.factories import ProfilFactory, ReseauFactory, StructureFactory, UserFactory

Etat = Inscription.Etat
Motif = Inscription.MotifAttente
HEURE = datetime.timedelta(hours=1)
AVIS = {
    Etat.CONFIRMEE: "confirmation",
    Etat.EN_ATTENTE_VALIDATION: "en_attente_validation",
    Etat.LISTE_ATTENTE: "liste_attente",
}
TASKS_DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def attendu(session: Session, *, occupees: int, du_reseau: int, derniere_position: int):
    """What the model's rules give (the decision as it was written in Python)."""
    if not session.inscriptions_ouvertes():
        return None
    if occupees >= session.capacite:
        return Etat.LISTE_ATTENTE, Motif.COMPLET, derniere_position + 1
    if session.plafond_reseau_actif() and du_reseau >= session.places_par_reseau:
        return Etat.LISTE_ATTENTE, Motif.MIXITE, derniere_position + 1
    etat = Etat.EN_ATTENTE_VALIDATION if session.valide_par_responsable else Etat.CONFIRMEE
    return etat, "", None


FENETRES = {
    "sans dates": {},
    "ouverte": {"inscriptions_ouverture": -HEURE, "inscriptions_cloture": HEURE},
    "pas encore ouverte": {"inscriptions_ouverture": HEURE},
    "close": {"inscriptions_cloture": -HEURE},
}
# (capacite, part_max_reseau): the cap in places is 1 (10 % of 3), 4 and 5 (100 %).
PLACES = [(3, 10), (10, 40), (5, 100)]
# Places already held by the person's network, by other networks, waiting-list length.
DEJA = [(0, 0, 0), (1, 0, 0), (2, 3, 2), (4, 1, 3), (1, 4, 1)]
CAS = (
    [
        pytest.param(Session.Etat.OUVERTE, fenetre, politique, False, places, deja)
        for fenetre, politique, places, deja in itertools.product(
            ("sans dates", "ouverte"), Session.Politique.values, PLACES, DEJA
        )
    ]
    + [
        pytest.param(Session.Etat.OUVERTE, fenetre, politique, False, (5, 40), (1, 1, 0))
        for fenetre, politique in itertools.product(
            ("pas encore ouverte", "close"), Session.Politique.values
        )
    ]
    + [
        pytest.param(etat, "sans dates", Session.Politique.MIXITE, valide, (5, 40), (2, 1, 1))
        for etat in (Session.Etat.FERMEE, Session.Etat.SUSPENDUE, Session.Etat.ANNULEE)
        for valide in (False, True)
    ]
    + [
        pytest.param(Session.Etat.OUVERTE, "ouverte", politique, True, (5, 40), deja)
        for politique in Session.Politique.values
        for deja in ((0, 0, 0), (2, 0, 0), (3, 2, 1))
    ]
)


def _remplir(session, reseau, autre, *, du_reseau: int, autres: int, attente: int) -> None:
    """Rows already there: every state that holds a place, waiting and cancelled ones."""
    occupants = itertools.cycle(Inscription.ETATS_OCCUPANT_UNE_PLACE)
    lignes = [(reseau, next(occupants), None) for _ in range(du_reseau)]
    lignes += [(autre, next(occupants), None) for _ in range(autres)]
    lignes += [(autre, Etat.LISTE_ATTENTE, rang) for rang in range(1, attente + 1)]
    lignes += [(reseau, Etat.ANNULEE, None)]
    for reseau_id, etat, position in lignes:
        Inscription.objects.create(
            session=session, user=UserFactory(), etat=etat, position=position, reseau=reseau_id
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("etat", "fenetre", "politique", "valide", "places", "deja"), CAS)
def test_the_sql_decision_follows_the_session_rules(etat, fenetre, politique, valide, places, deja):
    maintenant = timezone.now()
    capacite, part = places
    session = SessionFactory(
        etat=etat,
        politique=politique,
        capacite=capacite,
        part_max_reseau=part,
        valide_par_responsable=valide,
        **{champ: maintenant + ecart for champ, ecart in FENETRES[fenetre].items()},
    )
    reseau, autre = ReseauFactory(), ReseauFactory()
    user = UserFactory()
    ProfilFactory(user=user, structure=StructureFactory(reseau=reseau))
    du_reseau, autres, attente = deja
    _remplir(session, reseau, autre, du_reseau=du_reseau, autres=autres, attente=attente)
    prevu = attendu(
        session, occupees=du_reseau + autres, du_reseau=du_reseau, derniere_position=attente
    )

    if prevu is None:
        with pytest.raises(ValidationError, match="pas ouvertes"):
            services.inscription_create(session=session, user=user)
        assert not Inscription.objects.filter(session=session, user=user).exists()
        return
    inscription = services.inscription_create(session=session, user=user)
    assert (inscription.etat, inscription.motif_attente, inscription.position) == prevu
    assert inscription.reseau_id == reseau.pk
    inscription.refresh_from_db()
    assert (inscription.etat, inscription.motif_attente, inscription.position) == prevu
    # The notice to send, chosen with the state (its queueing waits for a commit).
    assert inscription.avis_a_envoyer == AVIS[prevu[0]]


@pytest.mark.django_db
def test_people_without_a_network_are_counted_together_in_sql():
    session = SessionFactory(capacite=10, politique=Session.Politique.MIXITE, part_max_reseau=20)
    autre = ReseauFactory()
    _remplir(session, None, autre, du_reseau=2, autres=3, attente=0)
    inscription = services.inscription_create(session=session, user=UserFactory())
    assert (inscription.etat, inscription.motif_attente, inscription.reseau_id) == (
        Etat.LISTE_ATTENTE,
        Motif.MIXITE,
        None,
    )


@pytest.mark.django_db
def test_enrolling_again_after_cancelling_reuses_the_row_and_its_creation_date(session, users):
    premiere = services.inscription_create(session=session, user=users[0])
    services.inscription_cancel(inscription=premiere, user=users[0])
    Inscription.objects.filter(pk=premiere.pk).update(avis_a_envoyer="")  # as once sent
    for user in users[1:3]:
        services.inscription_create(session=session, user=user)
    encore = services.inscription_create(session=session, user=users[0])
    assert encore.pk == premiere.pk
    assert (encore.etat, encore.motif_attente, encore.position) == (
        Etat.LISTE_ATTENTE,
        Motif.COMPLET,
        1,
    )
    assert encore.cree_le == premiere.cree_le
    assert encore.modifie_le > premiere.modifie_le
    assert Inscription.objects.get(pk=encore.pk).avis_a_envoyer == "liste_attente"


@pytest.mark.django_db
def test_the_returned_enrolment_is_the_stored_one(session, users):
    inscription = services.inscription_create(session=session, user=users[0])
    stockee = Inscription.objects.get(pk=inscription.pk)
    for champ in Inscription._meta.concrete_fields:
        assert getattr(inscription, champ.attname) == getattr(stockee, champ.attname), champ
    assert inscription._state.adding is False


postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL path (row locks, prepared)"
)


@postgresql
@pytest.mark.django_db(transaction=True)
def test_lock_decision_and_read_back_are_one_query_string(home_page):
    session = SessionFactory(capacite=1)
    premier, second = UserFactory(), UserFactory()
    services.inscription_create(session=session, user=premier)  # prepares, on this connection
    with override_settings(TASKS=TASKS_DATABASE), CaptureQueriesContext(connection) as requetes:
        inscription = services.inscription_create(session=session, user=second)
    assert (inscription.etat, inscription.position) == (Etat.LISTE_ATTENTE, 1)
    decision, *apres = [q["sql"] for q in requetes.captured_queries]
    assert "FOR NO KEY UPDATE" in decision
    assert "EXECUTE maillage_inscription_decision" in decision
    assert "EXECUTE maillage_inscription_actuelle" in decision
    # What follows the commit takes no lock: the e-mail queued, the sessions index.
    assert not any("FOR " in sql and "UPDATE" in sql for sql in apres)
    assert any("django_tasks_database_dbtaskresult" in sql for sql in apres)
    # The commit without waiting for the log flush stays within the decision's transaction.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_server_that_forgot_the_prepared_statements_still_enrols(home_page):
    session = SessionFactory(capacite=5)
    users = [UserFactory() for _ in range(2)]
    services.inscription_create(session=session, user=users[0])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    inscription = services.inscription_create(session=session, user=users[1])
    assert inscription.etat == Etat.CONFIRMEE
    assert Inscription.objects.filter(session=session).count() == 2


def test_the_commit_waits_for_the_log_unless_the_e_mail_is_queued_in_the_database():
    # Tasks run at once in the tests: nothing written after the decision would flush it.
    assert services._commit_sans_attente_sur() is False
    with override_settings(TASKS=TASKS_DATABASE):
        assert services._commit_sans_attente_sur() is True


@postgresql
@pytest.mark.django_db(transaction=True)
def test_enrolments_go_on_while_a_community_join_holds_its_lock(home_page):
    """The join's FOR KEY SHARE does not stop enrolments (FOR NO KEY UPDATE)."""
    session = SessionFactory(capacite=5)
    premier, second = UserFactory(), UserFactory()
    inscription = services.inscription_create(session=session, user=premier)
    tenu, relache = threading.Event(), threading.Event()

    def joindre():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(suites_inscription.PARTAGE_SQL, {"inscription": inscription.pk})
                tenu.set()
                relache.wait()
        finally:
            connections.close_all()

    thread = threading.Thread(target=joindre)
    thread.start()
    tenu.wait()
    try:
        with connection.cursor() as cursor:
            # Fail rather than wait: this enrolment must not need the join to finish.
            cursor.execute("SET lock_timeout = '5s'")
        assert services.inscription_create(session=session, user=second).etat == Etat.CONFIRMEE
    finally:
        relache.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
