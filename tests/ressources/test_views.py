"""Member-facing views: feedback on a tool, proposing a case that a reviewer publishes."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from recherche.models import SearchDocument
from ressources.factories import CasIndexPageFactory, OutilPageFactory, RetourUsageFactory
from ressources.models import CasPage, RetourUsage

pytestmark = pytest.mark.django_db


@pytest.fixture
def outil(home_page):
    return OutilPageFactory(title="Grille de premier entretien")


def test_member_posts_feedback_on_a_tool(member_client, outil, verified_user):
    response = member_client.post(
        f"/ressources/outils/{outil.pk}/retour/",
        {"texte": "Utilisée avec des jeunes", "resultat": "Bon échange", "note": "5"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == outil.url
    retour = RetourUsage.objects.get()
    assert (retour.user, retour.note) == (verified_user, 5)
    page = html.unescape(response.content.decode())
    assert "Merci, votre retour d'usage est publié." in page
    assert "Utilisée avec des jeunes" in page


def test_second_feedback_and_bad_rating_are_refused(member_client, outil, verified_user):
    RetourUsageFactory(outil=outil, user=verified_user)

    again = member_client.post(
        f"/ressources/outils/{outil.pk}/retour/", {"texte": "Encore", "note": "4"}, follow=True
    )
    bad = member_client.post(
        f"/ressources/outils/{outil.pk}/retour/", {"texte": "x", "note": "9"}, follow=True
    )

    assert "Vous avez déjà donné votre retour" in again.content.decode()
    assert "Votre retour est incomplet" in bad.content.decode()
    assert RetourUsage.objects.count() == 1


def test_feedback_needs_an_account_and_a_published_tool(member_client, outil):
    anonymous = Client().post(f"/ressources/outils/{outil.pk}/retour/", {"texte": "x", "note": 3})
    assert anonymous.status_code == 302 and "/comptes/" in anonymous["Location"]

    brouillon = OutilPageFactory(live=False)
    response = member_client.post(
        f"/ressources/outils/{brouillon.pk}/retour/", {"texte": "x", "note": 3}
    )
    assert response.status_code == 404
    assert not RetourUsage.objects.exists()


def test_tool_page_offers_the_feedback_form_to_members_only(member_client, outil):
    assert 'class="retour-form"' in member_client.get(outil.url).content.decode()
    assert 'class="retour-form"' not in Client().get(outil.url).content.decode()


PROPOSAL = {
    "title": "Une salariée en reconversion après un accident",
    "situation": "Une aide-soignante ne peut plus porter de charges.\n\n<b>Elle</b> hésite.",
    "tentatives": "Un bilan puis une immersion.",
    "dispositif": "cep",
    "anonymise": "on",
}


def test_member_proposes_a_case_that_waits_for_review(
    member_client, moderation_workflow, verified_user
):
    CasIndexPageFactory()
    assert member_client.get("/ressources/proposer-un-cas/").status_code == 200

    response = member_client.post("/ressources/proposer-un-cas/", PROPOSAL, follow=True)

    assert "transmise aux relecteurs" in html.unescape(response.content.decode())
    cas = CasPage.objects.get()
    assert cas.live is False
    assert cas.owner == verified_user
    assert cas.dispositif == "cep"
    assert "&lt;b&gt;Elle&lt;/b&gt;" in cas.situation and "<b>" not in cas.situation
    assert cas.workflow_in_progress
    assert not SearchDocument.objects.exists()


def test_reviewer_approval_publishes_and_indexes_the_case(
    member_client, moderation_workflow, settings, django_capture_on_commit_callbacks
):
    settings.OPENSEARCH_URL = None
    CasIndexPageFactory()
    member_client.post("/ressources/proposer-un-cas/", PROPOSAL)
    cas = CasPage.objects.get()
    reviewer = get_user_model().objects.create_superuser("relecteur", "r@exemple.fr", "x")

    with django_capture_on_commit_callbacks(execute=True):
        cas.current_workflow_task_state.approve(user=reviewer)

    cas.refresh_from_db()
    assert cas.live
    assert SearchDocument.objects.get().title == PROPOSAL["title"]


def test_proposal_without_anonymisation_pledge_changes_nothing(member_client, home_page):
    CasIndexPageFactory()
    data = {k: v for k, v in PROPOSAL.items() if k != "anonymise"}

    response = member_client.post("/ressources/proposer-un-cas/", data)

    assert response.status_code == 200
    assert "anonymise" in response.context["form"].errors
    assert not CasPage.objects.exists()


def test_proposing_needs_an_account(client, home_page):
    response = client.get("/ressources/proposer-un-cas/")
    assert response.status_code == 302 and "/comptes/" in response["Location"]
