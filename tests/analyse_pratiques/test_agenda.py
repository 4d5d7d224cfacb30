"""Calendars: a séance's .ics for its participants, and the private feed of one's groups."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from analyse_pratiques import services
from analyse_pratiques.agenda import seances_ics
from analyse_pratiques.factories import (
    AdhesionFactory,
    GroupeFactory,
    PlanActionFactory,
    QuestionConsultationFactory,
    SeanceFactory,
)
from analyse_pratiques.models import Seance
from maillage.models import JetonCalendrier
from maillage.services import calendar_token_create, calendar_token_revoke

pytestmark = pytest.mark.django_db

SEANCES = JetonCalendrier.Flux.SEANCES

TITRE = "Séance d'analyse de pratiques — Codev Rhône confidentiel"


def _unfold(response) -> str:
    """The calendar with RFC 5545 folded lines joined again."""
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content.decode().replace("\r\n ", "")


def _uids(response) -> set[str]:
    return {
        line.removeprefix("UID:")
        for line in _unfold(response).split("\r\n")
        if line.startswith("UID:")
    }


def _uid(seance) -> str:
    return f"seance-ap-{seance.pk}@maillage"


def _jeton(*, user) -> str:
    return calendar_token_create(user=user, flux=SEANCES)


def _feed(client, jeton):
    client.logout()  # a calendar app has no session: the secret is the only credential
    return client.get(reverse("analyse_pratiques:agenda", args=[jeton]))


@pytest.fixture
def seance_secrete(gens, groupe):
    date = timezone.make_aware(datetime.datetime(2030, 3, 14, 14, 0))
    seance = SeanceFactory(groupe=groupe, date=date)
    QuestionConsultationFactory(seance=seance, auteur=gens.membre, texte="Question secrète")
    PlanActionFactory(seance=seance, auteur=gens.membre, texte="Plan secret")
    return seance


def test_seance_ics_carries_date_group_and_link_only(client, gens, groupe, seance_secrete):
    client.force_login(gens.membre)
    response = client.get(reverse("analyse_pratiques:seance_ics", args=[seance_secrete.pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    body = _unfold(response)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"SUMMARY:{TITRE}" in body.split("\r\n")
    # 14:00 in Paris (winter time) is 13:00 UTC; a co-développement run lasts its phases.
    assert "DTSTART:20300314T130000Z" in body
    assert "DTEND:20300314T" in body
    assert f"/analyse-pratiques/seances/{seance_secrete.pk}/" in body
    for secret in ("Question secrète", "Plan secret", gens.membre.last_name, groupe.description):
        assert secret not in body
    # Every content line fits in 75 octets once folded.
    assert all(len(line.encode()) <= 75 for line in response.content.decode().split("\r\n"))


@pytest.mark.parametrize("qui", ["exterieur", "ancien", "retire", "invite"])
def test_seance_ics_is_404_outside_the_group(client, gens, seance_secrete, qui):
    client.force_login(getattr(gens, qui))
    url = reverse("analyse_pratiques:seance_ics", args=[seance_secrete.pk])
    assert client.get(url).status_code == 404


def test_feed_has_the_seances_of_the_owners_groups_only(client, gens, groupe, seance_secrete):
    autre_groupe = GroupeFactory(animateur=gens.autre_membre)
    AdhesionFactory(groupe=autre_groupe, user=gens.animateur, accepte=True)
    ailleurs = SeanceFactory(groupe=autre_groupe)
    etranger = SeanceFactory(groupe=GroupeFactory())

    jeton = _jeton(user=gens.membre)
    response = _feed(client, jeton)
    assert response.status_code == 200
    assert _uids(response) == {_uid(seance_secrete)}
    assert TITRE in _unfold(response)

    jeton = _jeton(user=gens.animateur)
    assert _uids(_feed(client, jeton)) == {_uid(seance_secrete), _uid(ailleurs)}
    assert _uid(etranger) not in _uids(_feed(client, jeton))


@pytest.mark.parametrize("qui", ["exterieur", "ancien", "retire", "invite", "non_accepte"])
def test_feed_of_someone_outside_gives_nothing_of_the_group(client, gens, seance_secrete, qui):
    jeton = _jeton(user=getattr(gens, qui))
    response = _feed(client, jeton)
    assert response.status_code == 200
    body = _unfold(response)
    assert "BEGIN:VEVENT" not in body
    assert "Codev" not in body


def test_the_same_token_stops_giving_the_group_once_removed(client, gens, groupe, seance_secrete):
    retire = _jeton(user=gens.membre)
    parti = _jeton(user=gens.autre_membre)
    assert _uids(_feed(client, retire)) == {_uid(seance_secrete)}
    assert _uids(_feed(client, parti)) == {_uid(seance_secrete)}

    services.adhesion_remove(animateur=gens.animateur, groupe=groupe, user=gens.membre)
    services.adhesion_leave(user=gens.autre_membre, groupe=groupe)
    for jeton in (retire, parti):
        response = _feed(client, jeton)
        assert response.status_code == 200
        assert "Codev" not in _unfold(response)
        assert _uids(response) == set()


def test_a_new_charter_suspends_the_feed_until_accepted(client, gens, groupe, seance_secrete):
    jeton = _jeton(user=gens.membre)
    services.charte_publish(user=gens.animateur, groupe=groupe, texte="Version 2")
    assert _uids(_feed(client, jeton)) == set()
    services.charte_accept(user=gens.membre, groupe=groupe)
    assert _uids(_feed(client, jeton)) == {_uid(seance_secrete)}


def test_deactivated_account_gets_nothing(client, gens, seance_secrete):
    jeton = _jeton(user=gens.membre)
    gens.membre.is_active = False
    gens.membre.save()
    assert _uids(_feed(client, jeton)) == set()


def test_revoked_replaced_and_unknown_tokens_are_404(client, gens, seance_secrete):
    ancien = _jeton(user=gens.membre)
    nouveau = _jeton(user=gens.membre)
    assert _feed(client, ancien).status_code == 404
    assert _feed(client, nouveau).status_code == 200
    assert _feed(client, "inconnu").status_code == 404
    calendar_token_revoke(user=gens.membre, flux=SEANCES)
    assert _feed(client, nouveau).status_code == 404


def test_only_the_tokens_digest_is_stored(gens):
    jeton = _jeton(user=gens.membre)
    stored = JetonCalendrier.objects.get(user=gens.membre, flux=SEANCES).empreinte
    assert jeton not in stored
    assert len(stored) == 64


def test_link_is_created_shown_once_and_revoked_from_the_page(client, gens, seance_secrete):
    client.force_login(gens.membre)
    page = reverse("analyse_pratiques:mes_groupes")
    response = client.post(reverse("analyse_pratiques:agenda_lien"), follow=True)
    assert response.redirect_chain == [(page, 302)]
    [message] = [str(m) for m in response.context["messages"]]
    lien = message.split(" : ", 1)[1]
    assert lien.startswith("http://testserver/analyse-pratiques/agenda/")
    assert "Désactiver mon lien" in response.content.decode()

    assert _uids(client.get(lien)) == {_uid(seance_secrete)}

    client.force_login(gens.membre)
    client.post(reverse("analyse_pratiques:agenda_lien"), {"revoquer": "1"})
    client.logout()
    assert client.get(lien).status_code == 404


def test_feed_costs_a_fixed_number_of_queries(client, gens, django_assert_max_num_queries):
    jeton = _jeton(user=gens.membre)
    for _ in range(6):
        groupe = GroupeFactory()
        AdhesionFactory(groupe=groupe, user=gens.membre, accepte=True)
        SeanceFactory.create_batch(3, groupe=groupe)
    client.logout()
    with django_assert_max_num_queries(7):
        response = client.get(reverse("analyse_pratiques:agenda", args=[jeton]))
    assert len(_uids(response)) == 18


def test_a_group_name_cannot_inject_calendar_lines(gens, groupe):
    groupe.nom = "Codev\rEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Intrus"
    groupe.save(update_fields=["nom"])
    seance = SeanceFactory(groupe=groupe)
    ics = seances_ics([Seance.objects.select_related("groupe").get(pk=seance.pk)])
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["SUMMARY"]).endswith("Codev\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Intrus")
    assert str(vevent["CLASS"]) == "PRIVATE"
    assert str(vevent["UID"]) == _uid(seance)
