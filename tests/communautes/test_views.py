"""Community pages without JavaScript: browse, join, post, reply, react, report, moderate."""

import pytest
from django.urls import reverse

from communautes import services
from communautes.factories import (
    AdhesionFactory,
    CommunauteFactory,
    PublicationFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import (
    Adhesion,
    Communaute,
    ModerationAction,
    Publication,
    Reaction,
    Reponse,
    Signalement,
)
from communautes.moderation import services as moderation
from communautes.selectors import REPONSES_PAR_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication(communaute, gens):
    return PublicationFactory(
        communaute=communaute,
        auteur=gens.membre,
        titre="Accueil sans rendez-vous",
        nature=Publication.Nature.QUESTION,
    )


def test_list_shows_public_and_members_communities_but_not_private_ones(client, communaute):
    CommunauteFactory(nom="Réservée", visibilite=Communaute.Visibilite.MEMBRES)
    CommunauteFactory(nom="Groupe secret", visibilite=Communaute.Visibilite.PRIVEE)
    response = client.get(reverse("communautes:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Accueil des jeunes" in content
    assert "Réservée" in content
    assert "Groupe secret" not in content


def test_private_community_page_is_a_404_for_outsiders(client, gens):
    privee = CommunauteFactory(slug="secret", visibilite=Communaute.Visibilite.PRIVEE)
    AdhesionFactory(communaute=privee, user=gens.membre)
    client.force_login(gens.exterieur)
    assert client.get(reverse("communautes:detail", args=["secret"])).status_code == 404
    client.force_login(gens.membre)
    assert client.get(reverse("communautes:detail", args=["secret"])).status_code == 200


def test_members_only_content_is_hidden_from_outsiders(client, gens):
    membres = CommunauteFactory(slug="reservee", visibilite=Communaute.Visibilite.MEMBRES)
    AdhesionFactory(communaute=membres, user=gens.membre)
    publication = PublicationFactory(communaute=membres, titre="Sujet interne")
    client.force_login(gens.exterieur)
    page = client.get(reverse("communautes:detail", args=["reservee"])).content.decode()
    assert "Sujet interne" not in page
    assert "réservées à ses membres" in page
    assert client.get(publication.get_absolute_url()).status_code == 404


def test_community_page_costs_a_fixed_number_of_queries(
    client, communaute, gens, django_assert_max_num_queries
):
    for _ in range(3):
        PublicationFactory(communaute=communaute).tags.add("cep")
    client.force_login(gens.membre)
    with django_assert_max_num_queries(20) as small:
        assert client.get(communaute.get_absolute_url()).status_code == 200
    for _ in range(30):
        PublicationFactory(communaute=communaute).tags.add("cep")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(communaute.get_absolute_url()).status_code == 200


def test_join_with_charter_then_post_without_javascript(client, communaute, gens):
    communaute.charte = "Aucune donnée nominative."
    communaute.save()
    client.force_login(gens.exterieur)
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert "Aucune donnée nominative." in page
    response = client.post(reverse("communautes:join", args=[communaute.slug]), follow=True)
    assert "accepter la charte" in response.content.decode()
    assert not Adhesion.objects.filter(user=gens.exterieur).exists()
    client.post(reverse("communautes:join", args=[communaute.slug]), {"charte_acceptee": "on"})
    assert Adhesion.objects.get(user=gens.exterieur).etat == Adhesion.Etat.ACTIVE

    url = reverse("communautes:publication_create", args=[communaute.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "nature": "question",
            "titre": "Quel livret de suivi ?",
            "corps": '<p>Bonjour <img src=x onerror="alert(1)"><a href="javascript:alert(2)">'
            "lien</a></p><script>alert(3)</script>",
            "tags": "outils, suivi",
        },
    )
    publication = Publication.objects.get(titre="Quel livret de suivi ?")
    assert response.status_code == 302
    assert response["Location"] == publication.get_absolute_url()
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "Quel livret de suivi ?" in page
    assert "alert(" not in page
    assert "onerror" not in page
    assert "javascript:" not in page
    assert sorted(publication.tags.names()) == ["outils", "suivi"]
    listing = client.get(communaute.get_absolute_url()).content.decode()
    assert "Quel livret de suivi ?" in listing


def test_posting_form_shows_the_rate_limit_message(client, communaute, gens):
    client.force_login(gens.membre)
    url = reverse("communautes:publication_create", args=[communaute.slug])
    for n in range(services.PUBLICATION_RATE[0]):
        client.post(url, {"nature": "discussion", "titre": f"Sujet {n}", "corps": "<p>x</p>"})
    response = client.post(url, {"nature": "discussion", "titre": "Encore", "corps": "<p>x</p>"})
    assert response.status_code == 400
    assert "patienter" in response.content.decode()
    assert not Publication.objects.filter(titre="Encore").exists()


def test_members_cannot_choose_announcements(client, communaute, gens):
    client.force_login(gens.membre)
    url = reverse("communautes:publication_create", args=[communaute.slug])
    response = client.post(url, {"nature": "annonce", "titre": "Annonce", "corps": "<p>x</p>"})
    assert response.status_code == 400
    assert not Publication.objects.exists()


def test_outsider_is_sent_back_from_the_posting_form(client, communaute, gens):
    client.force_login(gens.exterieur)
    url = reverse("communautes:publication_create", args=[communaute.slug])
    response = client.post(url, {"nature": "discussion", "titre": "Pub", "corps": "<p>x</p>"})
    assert response.status_code == 302
    assert not Publication.objects.exists()


def test_reply_react_accept_and_report(client, communaute, gens, publication):
    client.force_login(gens.autre_membre)
    response = client.post(
        reverse("communautes:reponse_create", args=[communaute.slug, publication.pk]),
        {"corps": "<p>Un <em>livret</em> partagé</p>"},
    )
    reponse = Reponse.objects.get(publication=publication)
    assert response["Location"] == reponse.get_absolute_url()
    client.post(
        reverse("communautes:reaction", args=[communaute.slug, publication.pk]),
        {"nature": "merci"},
    )
    client.post(
        reverse("communautes:reaction", args=[communaute.slug, publication.pk]),
        {"nature": "utile", "reponse": reponse.pk},
    )
    assert Reaction.objects.filter(publication=publication, nature="merci").count() == 1
    assert Reaction.objects.filter(reponse=reponse, nature="utile").count() == 1
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "<em>livret</em>" in page
    assert 'aria-pressed="true"' in page

    client.force_login(gens.membre)
    client.post(
        reverse("communautes:reponse_accept", args=[communaute.slug, publication.pk, reponse.pk])
    )
    publication.refresh_from_db()
    assert publication.reponse_acceptee == reponse
    client.post(
        reverse("communautes:signalement", args=[communaute.slug, publication.pk]),
        {"motif": "donnees", "commentaire": "Nom complet d'un jeune", "reponse": reponse.pk},
    )
    signalement = Signalement.objects.get()
    assert signalement.reponse == reponse and signalement.motif == "donnees"


def test_moderation_desk_is_for_managers_only(client, communaute, gens, publication):
    url = reverse("communautes:moderation", args=[communaute.slug])
    client.force_login(gens.membre)
    assert client.get(url).status_code == 403
    moderate = reverse("communautes:publication_moderate", args=[communaute.slug, publication.pk])
    client.post(moderate, {"action": "masquer", "motif": "abus"})
    publication.refresh_from_db()
    assert not publication.masquee


def test_manager_approves_members_and_moderates(client, communaute, gens, publication):
    communaute.mode_adhesion = Communaute.ModeAdhesion.SUR_DEMANDE
    communaute.save()
    client.force_login(gens.exterieur)
    client.post(reverse("communautes:join", args=[communaute.slug]))
    demande = Adhesion.objects.get(user=gens.exterieur)
    assert demande.etat == Adhesion.Etat.DEMANDEE
    moderation.signalement_create(auteur=gens.autre_membre, publication=publication, motif="spam")

    client.force_login(gens.animateur)
    url = reverse("communautes:moderation", args=[communaute.slug])
    desk = client.get(url).content.decode()
    assert "Accueil sans rendez-vous" in desk
    assert "Spam ou publicité" in desk
    client.post(url, {"adhesion": demande.pk})
    demande.refresh_from_db()
    assert demande.etat == Adhesion.Etat.ACTIVE

    moderate = reverse("communautes:publication_moderate", args=[communaute.slug, publication.pk])
    response = client.post(moderate, {"action": "masquer"}, follow=True)
    assert "motif" in response.content.decode()
    client.post(moderate, {"action": "masquer", "motif": "Données personnelles"})
    publication.refresh_from_db()
    assert publication.masquee
    client.force_login(gens.membre)
    assert client.get(publication.get_absolute_url()).status_code == 404
    assert (
        "Accueil sans rendez-vous" not in client.get(communaute.get_absolute_url()).content.decode()
    )

    client.force_login(gens.animateur)
    flags = reverse("communautes:publication_flags", args=[communaute.slug, publication.pk])
    client.post(flags, {"flag": "verrouillee", "valeur": "1"})
    client.post(flags, {"flag": "epinglee", "valeur": "1"})
    publication.refresh_from_db()
    assert publication.verrouillee and publication.epinglee
    reponse = ReponseFactory(publication=publication)
    client.post(moderate, {"action": "supprimer", "motif": "Spam", "reponse": reponse.pk})
    assert not Reponse.objects.filter(pk=reponse.pk).exists()
    journal = client.get(url).content.decode()
    assert "Données personnelles" in journal
    assert ModerationAction.objects.filter(communaute=communaute).count() == 3


def test_leave(client, communaute, gens):
    client.force_login(gens.membre)
    response = client.post(reverse("communautes:leave", args=[communaute.slug]))
    assert response["Location"] == reverse("communautes:list")
    assert Adhesion.objects.get(user=gens.membre, communaute=communaute).etat == "partie"


def test_live_script_is_only_wired_for_members(client, communaute, gens):
    client.force_login(gens.membre)
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert f'data-live-url="/ws/communautes/{communaute.slug}/"' in page
    assert "communautes/live.js" in page
    client.force_login(UserFactory())
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert "data-live-url" not in page


def test_publication_page_costs_a_fixed_number_of_queries(
    client, communaute, gens, publication, django_assert_max_num_queries
):
    def add_replies(n):
        for _ in range(n):
            reponse = ReponseFactory(publication=publication)
            Reaction.objects.create(user=gens.membre, reponse=reponse, nature="utile")

    add_replies(3)
    client.force_login(gens.membre)
    with django_assert_max_num_queries(25) as small:
        assert client.get(publication.get_absolute_url()).status_code == 200
    add_replies(60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(publication.get_absolute_url()).content.decode()
    assert page.count('id="reponse-') == REPONSES_PAR_PAGE


def test_dashboard_section_lists_my_communities(client, communaute, gens, monkeypatch):
    from communautes.selectors import dashboard_section
    from maillage import selectors as site_selectors

    monkeypatch.setattr(site_selectors, "DASHBOARD_PROVIDERS", [dashboard_section])
    client.force_login(gens.membre)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Mes communautés" in page
    assert communaute.get_absolute_url() in page


def test_members_page_ban_for_a_while_and_invite(client, communaute, gens):
    url = reverse("communautes:membres", args=[communaute.slug])
    client.force_login(gens.exterieur)
    assert client.get(url).status_code == 403  # even in a public community, members only
    assert client.post(url, {"email": gens.exterieur.email}).status_code == 403

    client.force_login(gens.animateur)
    page = client.get(url).content.decode()
    assert gens.membre.get_full_name() in page
    adhesion = Adhesion.objects.get(user=gens.membre, communaute=communaute)
    client.post(url, {"adhesion": adhesion.pk, "motif": "Propos injurieux", "jours": 7})
    adhesion.refresh_from_db()
    assert adhesion.etat == Adhesion.Etat.BANNIE
    assert 6 <= (adhesion.bannie_jusqu_au - adhesion.modifie_le).days <= 7
    assert gens.membre.get_full_name() not in client.get(url).content.decode()

    response = client.post(url, {"email": "personne@exemple.fr"})
    assert "Aucun compte" in response.content.decode()
    client.post(url, {"email": gens.exterieur.email.upper()})
    assert Adhesion.objects.get(user=gens.exterieur).etat == Adhesion.Etat.INVITEE


def test_members_of_a_members_only_community_are_hidden_from_outsiders(client, gens):
    CommunauteFactory(slug="reservee", visibilite=Communaute.Visibilite.MEMBRES)
    client.force_login(gens.exterieur)
    assert client.get(reverse("communautes:membres", args=["reservee"])).status_code == 404


def test_members_page_is_for_members_and_hides_masked_profiles_but_from_managers(
    client, communaute, gens
):
    from maillage.models import Profil

    def named(user, nom, visibilite):
        user.first_name, user.last_name = "Prénom", nom
        user.save()
        Profil.objects.update_or_create(user=user, defaults={"visibilite": visibilite})

    named(gens.membre, "Discrète", Profil.Visibilite.MASQUE)
    named(gens.autre_membre, "Visible", Profil.Visibilite.COMMUNAUTES)
    url = reverse("communautes:membres", args=[communaute.slug])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"].lower()
    assert "Discrète" not in client.get(communaute.get_absolute_url()).content.decode()

    client.force_login(gens.autre_membre)
    page = client.get(url).content.decode()
    assert "Prénom Visible" in page and "Discrète" not in page
    client.force_login(gens.membre)  # a masked member still sees themself
    assert "Prénom Discrète" in client.get(url).content.decode()
    client.force_login(gens.animateur)  # managers see everyone, to moderate
    page = client.get(url).content.decode()
    assert "Prénom Discrète" in page and "Prénom Visible" in page


def test_long_discussion_has_one_report_form_and_unique_ids(client, communaute, gens, publication):
    import re

    reponses = [ReponseFactory(publication=publication) for _ in range(5)]
    client.force_login(gens.autre_membre)
    page = client.get(publication.get_absolute_url()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "an id is repeated"
    for target in re.findall(r'\sfor="([^"]+)"', page):
        assert target in ids, f"a label points at no field: {target}"
    assert page.count('name="motif"') == 1  # the publication's own report form only
    # One button per nature and item, without JavaScript: the publication's in its form, the
    # replies' posting through the page's one form; the inert <template> the live script
    # copies for new replies holds one more.
    rendu = re.sub(r"<template data-live-modele-reponse>.*?</template>", "", page, flags=re.S)
    assert page.count("<template data-live-modele-reponse>") == 1
    assert rendu.count('class="reactions__form"') == 1
    assert rendu.count('name="nature" value="utile"') == 1
    assert rendu.count('form="form-discussion" name="cible"') == 3 * len(reponses)
    report = reverse("communautes:signalement", args=[communaute.slug, publication.pk])
    link = f"{report}?reponse={reponses[2].pk}"
    assert link in page
    form = client.get(link)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'name="reponse" value="{reponses[2].pk}"' in html and 'name="motif"' in html
    client.post(report, {"motif": "spam", "reponse": reponses[2].pk})
    assert Signalement.objects.get().reponse == reponses[2]
    reponses[3].masquee = True
    reponses[3].save()
    assert client.get(f"{report}?reponse={reponses[3].pk}").status_code == 404
    assert client.get(f"{report}?reponse=abc").status_code == 404


def test_chat_room_works_without_javascript_and_is_for_members(client, communaute, gens):
    url = reverse("communautes:salon", args=[communaute.slug])
    client.force_login(gens.exterieur)
    assert client.get(url)["Location"] == communaute.get_absolute_url()
    client.post(url, {"texte": "intrusion"})
    client.force_login(gens.membre)
    client.post(url, {"texte": "Bonjour <em>le salon</em>"})
    page = client.get(url).content.decode()
    assert "Bonjour le salon" in page
    assert "intrusion" not in page
    assert "communautes/live.js" in page


def test_administrators_manage_communities_in_the_wagtail_admin(
    client, communaute, gens, mfa_login
):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admin = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(admin, generate_totp_secret())
    mfa_login(client, admin)
    listing = client.get(reverse("communautes_admin:index"))
    assert listing.status_code == 200
    assert "Accueil des jeunes" in listing.content.decode()
    adhesion = Adhesion.objects.get(user=gens.membre, communaute=communaute)
    edit = client.get(reverse("adhesions_communaute_admin:edit", args=[adhesion.pk]))
    assert edit.status_code == 200


def test_manager_moves_a_publication_and_closes_the_community(client, communaute, gens):
    from communautes.factories import AnimateurFactory

    autre = CommunauteFactory(nom="Autre communauté")
    AnimateurFactory(communaute=autre, user=gens.animateur)
    publication = PublicationFactory(communaute=communaute, titre="À déplacer")
    client.force_login(gens.animateur)
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "Autre communauté" in page
    response = client.post(
        reverse("communautes:publication_move", args=[communaute.slug, publication.pk]),
        {"vers": autre.pk},
    )
    publication.refresh_from_db()
    assert publication.communaute == autre
    assert response["Location"] == publication.get_absolute_url()
    client.post(reverse("communautes:moderation", args=[communaute.slug]), {"fermee": "1"})
    communaute.refresh_from_db()
    assert communaute.fermee
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert "Communauté fermée" in page


def test_author_edits_a_publication(client, communaute, gens, publication):
    url = reverse("communautes:publication_update", args=[communaute.slug, publication.pk])
    client.force_login(gens.autre_membre)
    assert client.get(url).status_code == 403
    client.force_login(gens.membre)
    assert "Accueil sans rendez-vous" in client.get(url).content.decode()
    response = client.post(url, {"titre": "Accueil : nouveaux horaires", "corps": "<p>Mardi</p>"})
    assert response["Location"] == publication.get_absolute_url()
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "Accueil : nouveaux horaires" in page
    assert "Modifier la publication" in page


def test_closed_community_page_offers_no_join_nor_post(client, communaute, gens):
    communaute.fermee = True
    communaute.save()
    client.force_login(gens.exterieur)
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert reverse("communautes:join", args=[communaute.slug]) not in page
    assert "Connectez-vous" not in page
    client.force_login(gens.membre)
    page = client.get(communaute.get_absolute_url()).content.decode()
    assert reverse("communautes:publication_create", args=[communaute.slug]) not in page
    assert reverse("communautes:leave", args=[communaute.slug]) in page
