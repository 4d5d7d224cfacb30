"""Confirmed participants join the community of their session; others do not.

The join of a confirmed enrolment is queued once the enrolment commits: the tests run the
commit callbacks (the test settings run tasks at once)."""

import pytest

from communautes.models import Adhesion, Communaute
from formations import services, suites_inscription
from formations.factories import UserFactory
from formations.models import Inscription


def _membres_actifs(session) -> set[int]:
    communaute = Communaute.objects.filter(session=session).first()
    if communaute is None:
        return set()
    return set(
        communaute.adhesions.filter(etat=Adhesion.Etat.ACTIVE).values_list("user_id", flat=True)
    )


@pytest.mark.django_db
def test_confirmed_join_waitlisted_do_not(session, users, django_capture_on_commit_callbacks):
    formateur = UserFactory()
    session.formateurs.add(formateur)
    with django_capture_on_commit_callbacks(execute=True):
        inscriptions = [services.inscription_create(session=session, user=u) for u in users]
    confirmes = {i.user_id for i in inscriptions if i.etat == Inscription.Etat.CONFIRMEE}
    assert confirmes == {users[0].pk, users[1].pk}
    assert _membres_actifs(session) == confirmes | {formateur.pk}
    communaute = Communaute.objects.get(session=session)
    assert communaute.adhesions.get(user=formateur).role == Adhesion.Role.ANIMATEUR


@pytest.mark.django_db
def test_promotion_from_waiting_list_joins_the_community(session, users):
    inscriptions = [services.inscription_create(session=session, user=u) for u in users]
    assert users[2].pk not in _membres_actifs(session)
    services.inscription_cancel(inscription=inscriptions[0], user=users[0])
    assert users[2].pk in _membres_actifs(session)


@pytest.mark.django_db
def test_a_participant_who_cancels_leaves_the_community(
    session, users, django_capture_on_commit_callbacks
):
    formateur = UserFactory()
    session.formateurs.add(formateur)
    with django_capture_on_commit_callbacks(execute=True):
        inscription = services.inscription_create(session=session, user=users[0])
    assert users[0].pk in _membres_actifs(session)
    services.inscription_cancel(inscription=inscription, user=users[0])
    assert _membres_actifs(session) == {formateur.pk}
    # Enrolling again brings them back.
    with django_capture_on_commit_callbacks(execute=True):
        services.inscription_create(session=session, user=users[0])
    assert users[0].pk in _membres_actifs(session)


@pytest.mark.django_db
def test_a_place_given_up_before_the_queued_join_runs_joins_nothing(
    session, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inscription = services.inscription_create(session=session, user=users[0])
    services.inscription_cancel(inscription=inscription, user=users[0])
    for callback in callbacks:
        callback()
    assert users[0].pk not in _membres_actifs(session)
    assert suites_inscription.inscription_community_join(inscription_id=inscription.pk) is False


@pytest.mark.django_db
def test_the_queued_join_of_a_confirmed_participant(session, users):
    inscription = services.inscription_create(session=session, user=users[0])
    assert users[0].pk not in _membres_actifs(session)  # not before the commit
    assert suites_inscription.inscription_community_join(inscription_id=inscription.pk) is True
    assert _membres_actifs(session) == {users[0].pk}
    # Run twice (a task may be), it changes nothing.
    assert suites_inscription.inscription_community_join(inscription_id=inscription.pk) is True
    assert _membres_actifs(session) == {users[0].pk}


@pytest.mark.django_db
def test_a_cancelled_session_leaves_only_its_trainers_in_the_community(
    session, users, django_capture_on_commit_callbacks
):
    formateur = UserFactory()
    session.formateurs.add(formateur)
    with django_capture_on_commit_callbacks(execute=True):
        for user in users:
            services.inscription_create(session=session, user=user)
    assert _membres_actifs(session) == {formateur.pk, users[0].pk, users[1].pk}
    services.session_cancel(session=session)
    assert _membres_actifs(session) == {formateur.pk}
