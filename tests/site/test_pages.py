"""Site pages: home, standard page, error page and the personal dashboard."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Session, user, unread count, profile with its structure, territories and themes, plus each
# app's section (« rencontrez les autres réseaux » reads origins and candidates: 2).
DASHBOARD_MAX_QUERIES = 18


def page_text(response) -> str:
    """The page as a reader sees it: entities decoded, French non-breaking spaces as spaces."""
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def assert_accessible_shell(content: str) -> None:
    assert '<html lang="fr"' in content
    assert 'href="#contenu"' in content
    assert 'id="contenu"' in content


class TestHomePage:
    def test_renders_in_french_with_a_skip_link(self, client, home_page):
        response = client.get("/")

        assert response.status_code == 200
        content = page_text(response)
        assert_accessible_shell(content)
        assert home_page.accroche in content
        assert "Ce que Maillage vous apporte" in content

    def test_invites_visitors_to_sign_up_and_log_in(self, client, home_page):
        content = client.get("/").content.decode()

        assert f'href="{reverse("account_signup")}"' in content
        assert f'href="{reverse("account_login")}"' in content
        assert f'href="{reverse("dashboard")}"' not in content

    def test_leads_members_to_their_dashboard(self, member_client, home_page):
        content = member_client.get("/").content.decode()

        assert f'href="{reverse("dashboard")}"' in content
        assert "Créer mon compte" not in content


class TestStandardPage:
    def test_renders_title_introduction_and_body(self, client, home_page):
        from maillage.factories import StandardPageFactory

        StandardPageFactory(
            parent=home_page,
            title="Déclaration d'accessibilité",
            slug="accessibilite",
            introduction="Maillage est partiellement conforme au RGAA 4.1.",
            corps="<p>Résultats des tests : 80 % des critères respectés.</p>",
        )

        response = client.get("/accessibilite/")

        assert response.status_code == 200
        content = page_text(response)
        assert_accessible_shell(content)
        assert "<h1>Déclaration d'accessibilité</h1>" in content
        assert "partiellement conforme au RGAA 4.1." in content
        assert "80 % des critères respectés." in content

    def test_an_unpublished_page_is_not_served(self, client, home_page):
        from maillage.factories import StandardPageFactory

        StandardPageFactory(parent=home_page, slug="brouillon", live=False)

        assert client.get("/brouillon/").status_code == 404


def test_unknown_page_gets_the_french_404(client, home_page):
    response = client.get("/cette-page-nexiste-pas/")

    assert response.status_code == 404
    assert '<html lang="fr"' in response.content.decode()


class TestDashboard:
    def test_requires_login(self, client):
        response = client.get(reverse("dashboard"))

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={reverse('dashboard')}"

    def test_greets_the_member_and_shows_the_empty_state(self, member_client):
        response = member_client.get(reverse("dashboard"))

        assert response.status_code == 200
        content = page_text(response)
        assert_accessible_shell(content)
        assert "Bonjour Camille !" in content
        assert "Mission locale de Lyon" in content
        sections = response.context["dashboard"].sections
        if not sections:
            assert "Vos premiers pas sur Maillage" in content
        for section in sections:
            assert list(section.items) == [], section.key
            assert (section.empty_message or "Rien pour le moment.") in content

    def test_asks_a_new_member_to_complete_the_profile(self, client, db):
        from maillage.factories import UserFactory

        client.force_login(UserFactory(first_name="Sam"))

        content = page_text(client.get(reverse("dashboard")))

        assert "Bonjour Sam !" in content
        assert "Complétez votre profil" in content

    def test_query_count_is_bounded(self, member_client, django_assert_max_num_queries):
        with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
            response = member_client.get(reverse("dashboard"))

        assert response.status_code == 200

    def test_query_count_does_not_grow_with_the_profile(self, member_client, verified_user):
        from maillage.factories import TerritoireFactory, ThematiqueFactory

        def dashboard_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert member_client.get(reverse("dashboard")).status_code == 200
            return len(queries)

        baseline = dashboard_queries()
        profil = verified_user.profil
        profil.territoires.set([TerritoireFactory(departement=True) for _ in range(8)])
        profil.thematiques.set(ThematiqueFactory.create_batch(8))

        assert dashboard_queries() == baseline
