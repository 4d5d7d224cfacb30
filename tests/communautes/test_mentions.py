"""@mentions: parsing, links, and who gets notified (members who can see it, once)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communautes import services
from communautes.factories import AdhesionFactory, CommunauteFactory, UserFactory
from communautes.models import Adhesion, Communaute, Notification
from communautes.notifications.mentions import handles_in
from maillage.factories import ProfilFactory, StructureFactory
from maillage.models import Profil

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Call a service as a request does: what it leaves to after commit (the notifications'
    task, run at once by the immediate backend) is done when it returns."""

    def call(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


def test_handles_skip_emails_urls_links_and_code():
    html = (
        "<p>@marie.dupont et @bob. Écrire à x@exemple.fr, voir https://a.fr/@chemin "
        '<a href="https://a.fr">@lien</a> <code>@code</code> @Marie.Dupont</p>'
    )
    assert handles_in(html) == ["marie.dupont", "bob"]


def test_mention_becomes_a_link_and_notifies_the_member_once(communaute, gens, commit):
    gens.membre.username = "marie.dupont"
    gens.membre.save()
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Fiche",
        corps="<p>Merci @marie.dupont et @inconnu !</p>",
    )
    assert f'href="/communautes/{communaute.slug}/membres/#membre-{gens.membre.pk}"' in (
        publication.corps
    )
    assert "@inconnu" in publication.corps and publication.corps.count("<a ") == 1
    notification = Notification.objects.get(destinataire=gens.membre)
    assert notification.nature == Notification.Nature.MENTION
    assert notification.lien == publication.get_absolute_url()
    assert "vous a mentionné·e dans « Fiche »" in notification.texte
    # Editing the publication again does not notify the same mention twice.
    commit(
        services.publication_update,
        user=gens.animateur,
        publication=publication,
        titre="Fiche",
        corps=publication.corps + "<p>encore @marie.dupont</p>",
    )
    assert Notification.objects.filter(destinataire=gens.membre).count() == 1


@pytest.mark.parametrize("etat", [Adhesion.Etat.BANNIE, Adhesion.Etat.PARTIE, None])
def test_no_notification_for_who_cannot_see_a_members_only_community(etat, commit):
    communaute = CommunauteFactory(visibilite=Communaute.Visibilite.MEMBRES)
    auteur = AdhesionFactory(communaute=communaute).user
    cible = UserFactory(username="cible.privee")
    if etat:
        AdhesionFactory(communaute=communaute, user=cible, etat=etat)
    publication = commit(
        services.publication_create,
        auteur=auteur,
        communaute=communaute,
        titre="Secret",
        corps="<p>@cible.privee</p>",
    )
    assert not Notification.objects.filter(destinataire=cible).exists()
    assert "<a " not in publication.corps  # no link revealing a non-member either


def test_reply_mentions_notify_once_and_replace_the_reply_notification(communaute, gens, commit):
    gens.membre.username = "auteur.question"
    gens.membre.save()
    publication = commit(
        services.publication_create,
        auteur=gens.membre,
        communaute=communaute,
        titre="Question",
        corps="<p>?</p>",
    )
    commit(
        services.reponse_create,
        auteur=gens.autre_membre,
        publication=publication,
        corps="<p>@auteur.question voilà</p>",
    )
    natures = list(
        Notification.objects.filter(destinataire=gens.membre).values_list("nature", flat=True)
    )
    assert natures == [Notification.Nature.MENTION]


def test_self_mention_is_not_notified(communaute, gens, commit):
    gens.membre.username = "moi.meme"
    gens.membre.save()
    commit(
        services.publication_create,
        auteur=gens.membre,
        communaute=communaute,
        titre="Moi",
        corps="<p>@moi.meme</p>",
    )
    assert not Notification.objects.exists()


def test_hostile_markup_around_a_mention_stays_sanitized(communaute, gens, commit):
    gens.membre.username = "bob"
    gens.membre.save()
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="XSS",
        corps='<p title="x>@bob<img src=x onerror=alert(1)>">@bob<script>alert(1)</script></p>',
    )
    assert "<script" not in publication.corps and "<img" not in publication.corps
    # The mention inside the attribute stays text; only the one in the body became a link.
    assert 'title="x&gt;@bob&lt;img' in publication.corps
    assert publication.corps.count("<a ") == 1


# --- mentions by name --------------------------------------------------------------------


def _nommer(user, prenom: str, nom: str):
    user.first_name, user.last_name = prenom, nom
    user.save()
    return user


@pytest.fixture
def noms(gens):
    """Names fixed for every member, so no random name collides with the ones tested."""
    _nommer(gens.animateur, "Paul", "Animateur")
    _nommer(gens.autre_membre, "Yves", "Durand")
    _nommer(gens.exterieur, "Claire", "Dehors")
    return _nommer(gens.membre, "Claire", "Martin")


def _lien(communaute, user) -> str:
    return f'href="/communautes/{communaute.slug}/membres/#membre-{user.pk}"'


@pytest.mark.parametrize(
    "ecrit",
    ["@Claire Martin", "@claire martin", "@CLAIRE MARTIN", "@Clàire Mârtin", "@Claire", "@claire"],
)
def test_a_member_is_mentioned_by_the_name_shown(communaute, gens, noms, ecrit, commit):
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Fiche",
        corps=f"<p>Merci {ecrit} !</p>",
    )
    assert f"{_lien(communaute, noms)} " in publication.corps
    assert f">{ecrit}</a> !" in publication.corps
    notification = Notification.objects.get(destinataire=noms)
    assert notification.nature == Notification.Nature.MENTION
    # The outsider who is also called Claire is neither linked nor notified.
    assert not Notification.objects.filter(destinataire=gens.exterieur).exists()


def test_accented_names_are_found_without_accents_and_across_entities(
    communaute, gens, noms, commit
):
    emilie = _nommer(AdhesionFactory(communaute=communaute).user, "Émilie", "Lefèvre-Ödegaard")
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Accents",
        corps="<p>@emilie lefevre odegaard et @Claire&nbsp;Martin.</p>",
    )
    assert publication.corps.count("<a ") == 2
    assert ">@emilie lefevre odegaard</a> et" in publication.corps
    assert ">@Claire&nbsp;Martin</a>." in publication.corps
    assert set(Notification.objects.values_list("destinataire_id", flat=True)) == {
        emilie.pk,
        noms.pk,
    }


def test_an_ambiguous_first_name_mentions_nobody_but_full_names_still_do(
    communaute, gens, noms, commit
):
    claire_bis = _nommer(AdhesionFactory(communaute=communaute).user, "Claire", "Bernard")
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Deux Claire",
        corps="<p>@Claire ? Non : @Claire Bernard.</p>",
    )
    assert "<p>@Claire ? Non : <a " in publication.corps
    assert (
        publication.corps.count("<a ") == 1 and _lien(communaute, claire_bis) in publication.corps
    )
    assert list(Notification.objects.values_list("destinataire_id", flat=True)) == [claire_bis.pk]


def test_two_members_with_the_same_full_name_are_not_guessed(communaute, gens, noms, commit):
    _nommer(AdhesionFactory(communaute=communaute).user, "Claire", "Martin")
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Homonymes",
        corps="<p>@Claire Martin</p>",
    )
    assert "<a " not in publication.corps
    assert not Notification.objects.exists()


def test_a_longer_name_is_not_cut_into_a_shorter_one(communaute, gens, noms, commit):
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Autre",
        corps="<p>@Claire Martin-Dupuis et @Clairette</p>",
    )
    assert "<a " not in publication.corps
    assert not Notification.objects.exists()


def test_names_in_links_code_emails_and_urls_are_ignored(communaute, gens, noms, commit):
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Ignorés",
        corps=(
            '<p><a href="https://a.fr">@Claire Martin</a> <code>@Claire Martin</code> '
            "claire@Claire.fr https://a.fr/@Claire Martin</p><pre>@Claire</pre>"
        ),
    )
    assert publication.corps.count("<a ") == 1  # the author's own link only
    assert not Notification.objects.exists()


def test_username_and_name_mentions_live_together(communaute, gens, noms, commit):
    gens.autre_membre.username = "yves.d"
    gens.autre_membre.save()
    reponse_publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Les deux",
        corps="<p>Bonjour</p>",
    )
    reponse = commit(
        services.reponse_create,
        auteur=gens.animateur,
        publication=reponse_publication,
        corps="<p>@yves.d et @Claire Martin, et encore @Yves Durand</p>",
    )
    assert reponse.corps.count("<a ") == 3
    assert reponse.corps.count(_lien(communaute, gens.autre_membre)) == 2
    assert set(Notification.objects.values_list("destinataire_id", flat=True)) == {
        gens.autre_membre.pk,
        noms.pk,
    }
    # The link's title shows the member's name, never the username.
    assert 'title="Yves Durand"' in reponse.corps and 'title="yves.d"' not in reponse.corps


def test_a_name_mention_stays_sanitized(communaute, gens, noms, commit):
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="XSS",
        corps='<p title="@Claire Martin">@Claire Martin<script>alert(1)</script>'
        "<img src=x onerror=alert(1)></p>",
    )
    assert "<script" not in publication.corps and "<img" not in publication.corps
    assert 'title="@Claire Martin"' in publication.corps
    assert publication.corps.count("<a ") == 1


@pytest.mark.parametrize("etat", [Adhesion.Etat.BANNIE, Adhesion.Etat.PARTIE])
def test_a_name_of_someone_no_longer_active_mentions_nobody(communaute, gens, noms, etat, commit):
    Adhesion.objects.filter(user=noms, communaute=communaute).update(etat=etat)
    publication = commit(
        services.publication_create,
        auteur=gens.animateur,
        communaute=communaute,
        titre="Parti",
        corps="<p>@Claire Martin</p>",
    )
    assert "<a " not in publication.corps
    assert not Notification.objects.exists()


# --- suggestions while typing ------------------------------------------------------------


def _suggestions(client, communaute, q):
    return client.get(reverse("communautes:membres_suggestions", args=[communaute.slug]), {"q": q})


def test_a_member_gets_suggestions_with_name_and_structure(client, communaute, gens, noms):
    structure = StructureFactory(nom="Mission locale de Bègles")
    ProfilFactory(user=noms, structure=structure)
    _nommer(AdhesionFactory(communaute=communaute).user, "Clément", "Arnaud")
    client.force_login(gens.autre_membre)
    response = _suggestions(client, communaute, "cle")
    assert response.status_code == 200
    assert [r["nom"] for r in response.json()["resultats"]] == ["Clément Arnaud"]
    response = _suggestions(client, communaute, "Cla")
    assert response.json()["resultats"] == [
        {
            "id": noms.pk,
            "nom": "Claire Martin",
            "structure": "Mission locale de Bègles",
            "mention": "Claire Martin",
        }
    ]  # not the outsider also called Claire
    assert _suggestions(client, communaute, "mar").json()["resultats"][0]["id"] == noms.pk
    assert _suggestions(client, communaute, "claire ma").json()["resultats"][0]["id"] == noms.pk
    assert _suggestions(client, communaute, "claire du").json()["resultats"] == []


def test_suggestions_are_bounded_in_number_and_queries(
    client, communaute, gens, noms, django_assert_max_num_queries
):
    for index in range(15):
        user = _nommer(AdhesionFactory(communaute=communaute).user, "Claude", f"Nom{index:02d}")
        ProfilFactory(user=user)
    client.force_login(gens.autre_membre)
    with CaptureQueriesContext(connection) as une:
        assert len(_suggestions(client, communaute, "claire").json()["resultats"]) == 1
    with django_assert_max_num_queries(len(une.captured_queries)):
        response = _suggestions(client, communaute, "cl")
    assert len(response.json()["resultats"]) == 10


def test_hidden_profiles_are_suggested_to_managers_only(client, communaute, gens, noms):
    ProfilFactory(user=noms, visibilite=Profil.Visibilite.MASQUE)
    client.force_login(gens.autre_membre)
    assert _suggestions(client, communaute, "cla").json()["resultats"] == []
    client.force_login(gens.animateur)
    assert [r["id"] for r in _suggestions(client, communaute, "cla").json()["resultats"]] == [
        noms.pk
    ]


def test_outsiders_anonymous_and_banned_members_get_no_suggestion(client, communaute, gens, noms):
    assert _suggestions(client, communaute, "cla").status_code == 403
    client.force_login(gens.exterieur)
    response = _suggestions(client, communaute, "cla")
    assert response.status_code == 403 and "resultats" not in response.json()
    banni = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.BANNIE).user
    client.force_login(banni)
    assert _suggestions(client, communaute, "cla").status_code == 403
    # A banned member is never suggested either.
    _nommer(banni, "Clarisse", "Exclue")
    client.force_login(gens.autre_membre)
    assert [r["id"] for r in _suggestions(client, communaute, "cla").json()["resultats"]] == [
        noms.pk
    ]


def test_private_community_is_a_404_for_outsiders(client, gens, noms):
    secrete = CommunauteFactory(visibilite=Communaute.Visibilite.PRIVEE)
    client.force_login(gens.exterieur)
    assert _suggestions(client, secrete, "cla").status_code == 404


@pytest.mark.parametrize("q", ["", "@", "1234", "x" * 5000, ".*", "[", "\\", "'; --", "\x00"])
def test_odd_prefixes_give_an_answer_never_an_error(client, communaute, gens, noms, q):
    client.force_login(gens.autre_membre)
    response = _suggestions(client, communaute, q)
    assert response.status_code == 200
    assert response.json()["resultats"] == []
