"""@mentions: parsing, links, and who gets notified (members who can see it, once)."""

import pytest

from communautes import services
from communautes.factories import AdhesionFactory, CommunauteFactory, UserFactory
from communautes.models import Adhesion, Communaute, Notification
from communautes.notifications.mentions import handles_in

pytestmark = pytest.mark.django_db


def test_handles_skip_emails_urls_links_and_code():
    html = (
        "<p>@marie.dupont et @bob. Écrire à x@exemple.fr, voir https://a.fr/@chemin "
        '<a href="https://a.fr">@lien</a> <code>@code</code> @Marie.Dupont</p>'
    )
    assert handles_in(html) == ["marie.dupont", "bob"]


def test_mention_becomes_a_link_and_notifies_the_member_once(communaute, gens):
    gens.membre.username = "marie.dupont"
    gens.membre.save()
    publication = services.publication_create(
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
    services.publication_update(
        user=gens.animateur,
        publication=publication,
        titre="Fiche",
        corps=publication.corps + "<p>encore @marie.dupont</p>",
    )
    assert Notification.objects.filter(destinataire=gens.membre).count() == 1


@pytest.mark.parametrize("etat", [Adhesion.Etat.BANNIE, Adhesion.Etat.PARTIE, None])
def test_no_notification_for_who_cannot_see_a_members_only_community(etat):
    communaute = CommunauteFactory(visibilite=Communaute.Visibilite.MEMBRES)
    auteur = AdhesionFactory(communaute=communaute).user
    cible = UserFactory(username="cible.privee")
    if etat:
        AdhesionFactory(communaute=communaute, user=cible, etat=etat)
    publication = services.publication_create(
        auteur=auteur, communaute=communaute, titre="Secret", corps="<p>@cible.privee</p>"
    )
    assert not Notification.objects.filter(destinataire=cible).exists()
    assert "<a " not in publication.corps  # no link revealing a non-member either


def test_reply_mentions_notify_once_and_replace_the_reply_notification(communaute, gens):
    gens.membre.username = "auteur.question"
    gens.membre.save()
    publication = services.publication_create(
        auteur=gens.membre, communaute=communaute, titre="Question", corps="<p>?</p>"
    )
    services.reponse_create(
        auteur=gens.autre_membre, publication=publication, corps="<p>@auteur.question voilà</p>"
    )
    natures = list(
        Notification.objects.filter(destinataire=gens.membre).values_list("nature", flat=True)
    )
    assert natures == [Notification.Nature.MENTION]


def test_self_mention_is_not_notified(communaute, gens):
    gens.membre.username = "moi.meme"
    gens.membre.save()
    services.publication_create(
        auteur=gens.membre, communaute=communaute, titre="Moi", corps="<p>@moi.meme</p>"
    )
    assert not Notification.objects.exists()


def test_hostile_markup_around_a_mention_stays_sanitized(communaute, gens):
    gens.membre.username = "bob"
    gens.membre.save()
    publication = services.publication_create(
        auteur=gens.animateur,
        communaute=communaute,
        titre="XSS",
        corps='<p title="x>@bob<img src=x onerror=alert(1)>">@bob<script>alert(1)</script></p>',
    )
    assert "<script" not in publication.corps and "<img" not in publication.corps
    # The mention inside the attribute stays text; only the one in the body became a link.
    assert 'title="x&gt;@bob&lt;img' in publication.corps
    assert publication.corps.count("<a ") == 1
