"""The admin changes sessions and enrolments only through the services, which tell people."""

import pytest
from django.urls import NoReverseMatch, reverse

from formations.factories import InscriptionFactory, SessionFactory
from formations.models import Inscription, Session

pytestmark = pytest.mark.django_db
Etat = Inscription.Etat


@pytest.fixture
def admin_client(client, staff_user_totp, mfa_login):
    staff_user_totp.is_superuser = True
    staff_user_totp.save(update_fields=["is_superuser"])
    return mfa_login(client, staff_user_totp)


@pytest.fixture
def pleine():
    session = SessionFactory(capacite=2)
    confirmees = InscriptionFactory.create_batch(2, session=session)
    attente = InscriptionFactory(session=session, etat=Etat.LISTE_ATTENTE, position=1)
    return session, confirmees, attente


def action_url(session, action):
    return reverse("sessions_formation:action", args=[session.pk, action])


def test_the_session_list_offers_the_actions(admin_client, pleine):
    session, _confirmees, _attente = pleine
    html = admin_client.get(reverse("sessions_formation:index")).content.decode()
    assert action_url(session, "fermer") in html
    assert action_url(session, "annuler") in html


def test_cancelling_from_the_admin_cancels_enrolments_and_tells_everyone(
    admin_client, pleine, mailoutbox, django_capture_on_commit_callbacks
):
    session, confirmees, attente = pleine
    confirmation = admin_client.get(action_url(session, "annuler"))
    assert confirmation.status_code == 200
    assert "Cette action est définitive" in confirmation.content.decode()
    assert Session.objects.get(pk=session.pk).etat == Session.Etat.OUVERTE  # GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        reponse = admin_client.post(action_url(session, "annuler"))

    assert reponse.status_code == 302
    assert Session.objects.get(pk=session.pk).etat == Session.Etat.ANNULEE
    etats = set(session.inscriptions.values_list("etat", flat=True))
    assert etats == {Etat.ANNULEE}
    destinataires = {adresse for mail in mailoutbox for adresse in mail.to}
    assert destinataires == {i.user.email for i in [*confirmees, attente]}
    # Once cancelled, nothing more to do with it.
    assert admin_client.get(action_url(session, "fermer")).status_code == 404


def test_closing_keeps_enrolments_and_tells_them(
    admin_client, pleine, mailoutbox, django_capture_on_commit_callbacks
):
    session, confirmees, _attente = pleine
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(action_url(session, "fermer"))
    assert Session.objects.get(pk=session.pk).etat == Session.Etat.FERMEE
    assert set(
        Inscription.objects.filter(pk__in=[i.pk for i in confirmees]).values_list("etat", flat=True)
    ) == {Etat.CONFIRMEE}
    assert len(mailoutbox) == 3


def edit(admin_client, session, **changes):
    form = {
        "formation": session.formation_id,
        "date_debut": session.date_debut.isoformat(),
        "date_fin": session.date_fin.isoformat(),
        "adresse": session.adresse,
        "code_postal": session.code_postal,
        "ville": session.ville,
        "capacite": session.capacite,
        "politique": session.politique,
        "part_max_reseau": session.part_max_reseau,
        "valide_par_responsable": "",
        **changes,
    }
    return admin_client.post(reverse("sessions_formation:edit", args=[session.pk]), form)


def test_the_state_cannot_be_edited_in_the_form(admin_client, pleine):
    session, _confirmees, _attente = pleine
    reponse = edit(admin_client, session, etat=Session.Etat.ANNULEE, ville="Brest")
    assert reponse.status_code == 302
    session.refresh_from_db()
    assert (session.etat, session.ville) == (Session.Etat.OUVERTE, "Brest")
    assert set(session.inscriptions.values_list("etat", flat=True)) != {Etat.ANNULEE}


def test_capacity_below_the_places_taken_is_refused(admin_client, pleine):
    session, _confirmees, _attente = pleine
    reponse = edit(admin_client, session, capacite=1, ville="Brest")
    assert reponse.status_code == 200
    assert "2 places sont déjà occupées" in reponse.content.decode()
    session.refresh_from_db()
    assert (session.capacite, session.ville) == (2, "Rennes")


def test_more_places_go_to_the_waiting_list(
    admin_client, pleine, mailoutbox, django_capture_on_commit_callbacks
):
    session, _confirmees, attente = pleine
    with django_capture_on_commit_callbacks(execute=True):
        assert edit(admin_client, session, capacite=3).status_code == 302
    attente.refresh_from_db()
    assert (attente.etat, attente.position) == (Etat.CONFIRMEE, None)
    assert [mail.to for mail in mailoutbox] == [[attente.user.email]]


def test_an_enrolment_is_validated_through_the_service(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(valide_par_responsable=True)
    inscription = InscriptionFactory(session=session, etat=Etat.EN_ATTENTE_VALIDATION)
    url = reverse("inscriptions_formation:action", args=[inscription.pk, "valider"])
    assert url in admin_client.get(reverse("inscriptions_formation:index")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url)

    inscription.refresh_from_db()
    assert inscription.etat == Etat.CONFIRMEE
    assert [mail.to for mail in mailoutbox] == [[inscription.user.email]]
    assert admin_client.get(url).status_code == 404


def test_enrolments_are_not_created_in_the_admin(admin_client):
    with pytest.raises(NoReverseMatch):
        reverse("inscriptions_formation:add")
    with pytest.raises(NoReverseMatch):
        reverse("inscriptions_formation:copy", args=[1])
    assert admin_client.get(reverse("inscriptions_formation:index")).status_code == 200


def test_actions_need_the_permission(client, pleine, mfa_login, staff_user_totp):
    session, _confirmees, _attente = pleine
    mfa_login(client, staff_user_totp)  # staff, but without the sessions permission
    # Refused, or not even found: sessions one may not edit are outside one's admin scope.
    assert client.post(action_url(session, "annuler")).status_code in (302, 403, 404)
    assert Session.objects.get(pk=session.pk).etat == Session.Etat.OUVERTE


def test_sessions_and_enrolments_are_not_deleted_in_the_admin(admin_client, pleine):
    session, confirmees, _attente = pleine
    for name in ("sessions_formation:delete", "inscriptions_formation:delete"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[session.pk])
    html = admin_client.get(reverse("sessions_formation:index")).content.decode()
    assert "/delete/" not in html
    assert admin_client.get(f"/admin/sessions_formation/delete/{session.pk}/").status_code == 404
    assert Session.objects.filter(pk=session.pk).exists()
    assert Inscription.objects.filter(pk=confirmees[0].pk).exists()
