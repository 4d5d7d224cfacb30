"""Cached pages: the anonymous page cache and the dashboard body follow every write at once
and never show one visitor's page to another."""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from formations.factories import FormationPageFactory, SessionFactory
from formations.models import CatalogueIndexPage, FormationPage
from maillage.cache_pages import store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ANONYMOUS = True


def queries_of(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), text(response)


def text(response) -> str:
    """The page as read: entities decoded, French non-breaking spaces as spaces."""
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


class TestAnonymousHome:
    def test_second_visit_is_served_without_a_query(self, client, home_page):
        client.get("/")

        count, content = queries_of(client, "/")

        assert count == 0
        assert home_page.accroche in content

    def test_publishing_the_page_shows_at_once(self, client, home_page):
        client.get("/")
        home_page.accroche = "Une nouvelle accroche pour la rentrée"
        home_page.save_revision().publish()

        count, content = queries_of(client, "/")

        assert "Une nouvelle accroche pour la rentrée" in content
        assert count > 0

    def test_a_write_that_bypasses_save_shows_at_once(self, client, home_page):
        client.get("/")
        type(home_page).objects.filter(pk=home_page.pk).update(
            accroche="Écrite sans passer par save()"
        )

        assert "Écrite sans passer par save()" in queries_of(client, "/")[1]

    def test_keeps_the_security_headers(self, client, home_page):
        client.get("/")
        response = client.get("/")

        assert response["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response["Content-Security-Policy"]

    def test_a_member_never_gets_the_visitors_page(self, member_client, home_page):
        visitor = Client()
        visitor.get("/")
        visitor.get("/")

        content = member_client.get("/").content.decode()

        assert f'href="{reverse("dashboard")}"' in content
        assert "Créer mon compte" not in content

    def test_a_visitor_never_gets_a_members_page(self, member_client, home_page):
        member_client.get("/")

        content = Client().get("/").content.decode()

        assert "Créer mon compte" in content
        assert f'href="{reverse("dashboard")}"' not in content

    def test_a_visitor_with_a_message_cookie_gets_a_fresh_page(self, client, home_page):
        client.get("/")
        client.cookies["messages"] = "x"

        count, _content = queries_of(client, "/")

        assert count > 0

    def test_a_post_is_never_answered_from_the_cache(self, client, home_page):
        client.get("/")
        store_size = len(store.entries)

        client.post("/")

        assert len(store.entries) == store_size


class TestAnonymousCatalogue:
    def test_a_changed_session_shows_at_once(self, client, home_page):
        session = SessionFactory(formation=FormationPageFactory(), ville="Quimper")
        url = CatalogueIndexPage.objects.get().url
        assert "Quimper" in client.get(url).content.decode()
        assert queries_of(client, url)[0] == 0

        session.ville = "Brest"
        session.save()

        count, content = queries_of(client, url)
        assert "Brest" in content
        assert "Quimper" not in content
        assert count > 0

    def test_each_filter_is_its_own_page(self, client, home_page):
        distanciel = FormationPage.Modalite.DISTANCIEL
        formation = FormationPageFactory(title="Accueillir les publics", modalite=distanciel)
        SessionFactory(formation=formation)
        url = CatalogueIndexPage.objects.get().url
        client.get(url)

        presentiel = FormationPage.Modalite.PRESENTIEL
        content = client.get(f"{url}?modalite={presentiel.value}").content.decode()

        assert "Accueillir les publics" not in content


class TestDashboard:
    def test_second_visit_skips_the_sections(self, member_client):
        # The first visit also sets the CSRF cookie, part of the body's key.
        member_client.get(reverse("dashboard"))
        first, _ = queries_of(member_client, reverse("dashboard"))

        second, content = queries_of(member_client, reverse("dashboard"))

        assert second < first
        assert "Bonjour" in content

    def test_a_member_never_sees_another_members_dashboard(self, member_client, verified_user):
        from maillage.factories import UserFactory

        member_client.get(reverse("dashboard"))
        autre = UserFactory(first_name="Dominique")
        other_client = Client()
        other_client.force_login(autre)

        content = text(other_client.get(reverse("dashboard")))

        assert "Bonjour Dominique !" in content
        assert f"Bonjour {verified_user.first_name} !" not in content

    def test_an_enrolment_shows_at_once(self, member_client, verified_user):
        from formations.factories import InscriptionFactory

        session = SessionFactory(formation=FormationPageFactory(title="Conduire un entretien"))
        member_client.get(reverse("dashboard"))
        member_client.get(reverse("dashboard"))

        InscriptionFactory(session=session, user=verified_user)

        assert "Conduire un entretien" in text(member_client.get(reverse("dashboard")))

    def test_a_waiting_message_is_shown_once_over_the_kept_page(self, member_client, rf):
        from django.contrib.messages import constants
        from django.contrib.messages.storage.base import Message
        from django.contrib.messages.storage.cookie import CookieStorage

        member_client.get(reverse("dashboard"))
        member_client.get(reverse("dashboard"))  # kept whole from now on
        message = Message(constants.SUCCESS, "Votre demande est bien partie.")
        member_client.cookies[CookieStorage.cookie_name] = CookieStorage(rf.get("/"))._encode(
            [message]
        )

        assert "Votre demande est bien partie." in text(member_client.get(reverse("dashboard")))
        assert "Votre demande est bien partie." not in text(member_client.get(reverse("dashboard")))


def unread(client) -> str:
    """The count the header badge shows."""
    content = client.get(reverse("dashboard")).content.decode()
    return re.search(r"data-notifications-count[^>]*>(\d+)<", content).group(1)


class TestNotificationsBadge:
    def test_the_unread_count_follows_reading_at_once(self, member_client, verified_user):
        from communautes.models import Notification
        from communautes.notifications.services import notification_mark_all_read

        Notification.objects.create(
            destinataire=verified_user, nature=Notification.Nature.MENTION, texte="Bonjour"
        )
        assert unread(member_client) == "1"

        notification_mark_all_read(user=verified_user)

        assert unread(member_client) == "0"

    def test_each_member_has_their_own_count(self, member_client, verified_user):
        from communautes.models import Notification
        from maillage.factories import UserFactory

        Notification.objects.create(
            destinataire=verified_user, nature=Notification.Nature.MENTION, texte="Bonjour"
        )
        member_client.get(reverse("dashboard"))
        other_client = Client()
        other_client.force_login(UserFactory())

        assert unread(other_client) == "0"
        assert unread(member_client) == "1"


class TestPagesKeptForASession:
    """A member's kept page answered from their session cookie, before the session is read."""

    @pytest.fixture(autouse=True)
    def _sessions_on(self, settings):
        settings.PAGE_CACHE_SESSIONS = True

    def test_a_later_visit_reads_neither_session_nor_account(self, member_client):
        # The first visit sets the CSRF cookie, part of the key; the second renders the page
        # and sets that cookie again (the page used its token); the third keeps the page.
        for _ in range(3):
            member_client.get(reverse("dashboard"))

        with CaptureQueriesContext(connection) as queries:
            response = member_client.get(reverse("dashboard"))

        assert len(queries) == 0
        assert "Bonjour Camille !" in text(response)
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert response["X-Frame-Options"] == "DENY"

    def test_a_logout_retires_the_page_of_that_session(self, member_client):
        for _ in range(3):
            member_client.get(reverse("dashboard"))
        volees = Client()
        for name, morsel in member_client.cookies.items():
            volees.cookies[name] = morsel.value

        member_client.logout()
        response = volees.get(reverse("dashboard"))

        assert response.status_code == 302
        assert "Bonjour Camille" not in response.content.decode()

    def test_another_member_never_gets_the_page(self, member_client):
        from maillage.factories import UserFactory

        member_client.get(reverse("dashboard"))
        member_client.get(reverse("dashboard"))
        autre = Client()
        autre.force_login(UserFactory(first_name="Dominique"))
        autre.get(reverse("dashboard"))

        content = text(autre.get(reverse("dashboard")))

        assert "Bonjour Dominique !" in content
        assert "Bonjour Camille" not in content

    def test_a_message_cookie_gets_a_fresh_page(self, member_client):
        for _ in range(3):
            member_client.get(reverse("dashboard"))
        member_client.cookies["messages"] = "illisible"

        with CaptureQueriesContext(connection) as queries:
            member_client.get(reverse("dashboard"))

        assert len(queries) > 0

    def test_staff_pages_are_never_kept(self, client, staff_user_totp, mfa_login):
        mfa_login(client, staff_user_totp)
        assert client.get(reverse("dashboard")).status_code == 200
        client.get(reverse("dashboard"))
        client.get(reverse("dashboard"))

        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("dashboard"))

        assert len(queries) > 0
