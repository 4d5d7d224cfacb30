"""Reads of the communities: who sees what, and bounded query counts."""

import pytest
from django.contrib.auth.models import AnonymousUser

from communautes import permissions, selectors
from communautes.factories import (
    AdhesionFactory,
    CommunauteFactory,
    PublicationFactory,
    ReactionFactory,
    ReponseFactory,
    UserFactory,
)
from communautes.models import Adhesion, Communaute, Publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def trois():
    """A public, a members-only and a private community, each with one member."""
    communautes = {}
    for visibilite in Communaute.Visibilite.values:
        communaute = CommunauteFactory(visibilite=visibilite, slug=f"c-{visibilite}")
        communautes[visibilite] = (communaute, AdhesionFactory(communaute=communaute).user)
    return communautes


def test_private_communities_are_listed_only_for_their_members(trois):
    privee, membre_prive = trois["privee"]
    _publique, membre_public = trois["publique"]
    for user in (AnonymousUser(), membre_public, UserFactory()):
        slugs = set(selectors.communaute_list_visible(user=user).values_list("slug", flat=True))
        assert slugs == {"c-publique", "c-membres"}
    slugs = set(selectors.communaute_list_visible(user=membre_prive).values_list("slug", flat=True))
    assert slugs == {"c-publique", "c-membres", "c-privee"}
    with pytest.raises(Communaute.DoesNotExist):
        selectors.communaute_get_for(user=membre_public, slug="c-privee")
    assert selectors.communaute_get_for(user=membre_prive, slug="c-privee") == privee


def test_invited_user_sees_the_private_community_but_not_its_content(trois):
    privee, _ = trois["privee"]
    invite = AdhesionFactory(communaute=privee, etat=Adhesion.Etat.INVITEE).user
    assert selectors.communaute_get_for(user=invite, slug="c-privee") == privee
    assert not permissions.can_read_community(invite, privee)


def test_member_count_counts_active_members_only(communaute, gens):
    AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.DEMANDEE)
    AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.PARTIE)
    listed = selectors.communaute_list_visible(user=gens.exterieur).get(pk=communaute.pk)
    assert listed.nb_membres == 3


def test_publication_list_hides_members_only_content_from_outsiders(trois):
    membres, membre = trois["membres"]
    PublicationFactory(communaute=membres, auteur=membre)
    assert selectors.publication_list(communaute=membres, user=UserFactory()) == []
    assert len(selectors.publication_list(communaute=membres, user=membre)) == 1


def test_publication_list_orders_and_filters(communaute, gens):
    ancienne = PublicationFactory(communaute=communaute, titre="ancienne")
    epinglee = PublicationFactory(communaute=communaute, titre="épinglée", epinglee=True)
    question = PublicationFactory(
        communaute=communaute, titre="question", nature=Publication.Nature.QUESTION
    )
    repondue = PublicationFactory(
        communaute=communaute, titre="répondue", nature=Publication.Nature.QUESTION
    )
    ReponseFactory(publication=repondue)
    masquee = PublicationFactory(communaute=communaute, titre="masquée", masquee=True)
    titres = [p.titre for p in selectors.publication_list(communaute=communaute, user=gens.membre)]
    assert titres == ["épinglée", "répondue", "question", "ancienne"]
    sans_reponse = selectors.publication_list(
        communaute=communaute, user=gens.membre, tri=selectors.Tri.SANS_REPONSE
    )
    assert sans_reponse == [question]
    assert selectors.publication_list(
        communaute=communaute, user=gens.membre, tri=selectors.Tri.EPINGLEES
    ) == [epinglee]
    moderation = selectors.publication_list(communaute=communaute, user=gens.animateur)
    assert masquee in moderation
    assert ancienne in moderation


def _publications(communaute, n):
    for i in range(n):
        publication = PublicationFactory(communaute=communaute)
        publication.tags.add(f"tag{i}", "commun")
        ReponseFactory(publication=publication)


def test_publication_list_costs_a_fixed_number_of_queries(
    communaute, gens, django_assert_max_num_queries
):
    _publications(communaute, 3)
    with django_assert_max_num_queries(5):
        page = selectors.publication_list(communaute=communaute, user=gens.membre)
        assert [p.tags.all()[0].name for p in page]
        assert [p.auteur.get_full_name() for p in page]
    _publications(communaute, 30)
    with django_assert_max_num_queries(5):
        page = selectors.publication_list(communaute=communaute, user=gens.membre)
        assert len(page) == 33
        assert all(p.nb_reponses == 1 for p in page)
        assert [p.tags.all()[0].name for p in page]
        assert [p.auteur.get_full_name() for p in page]


def test_discussion_page_costs_a_fixed_number_of_queries(
    communaute, gens, django_assert_max_num_queries
):
    publication = PublicationFactory(communaute=communaute)
    for _ in range(40):
        reponse = ReponseFactory(publication=publication)
        ReactionFactory(publication=None, reponse=reponse, user=gens.membre)
    ReactionFactory(publication=publication, user=gens.autre_membre)
    with django_assert_max_num_queries(6):
        discussion = selectors.discussion_page(
            user=gens.membre, communaute=communaute, pk=publication.pk, page=2
        )
        reponses = discussion.reponses
        assert len(reponses) == selectors.REPONSES_PAR_PAGE
        assert (discussion.page, discussion.pages, discussion.nb_reponses) == (2, 2, 40)
        assert all(r.reaction_summary.counts == {"utile": 1} for r in reponses)
        assert discussion.mes_reactions == {(r.pk, "utile") for r in reponses}
        assert [r.auteur.get_full_name() for r in reponses]
        detail = discussion.publication
        assert detail.reaction_summary.counts == {"utile": 1}
        assert detail.reaction_summary.mine == set()


def test_hidden_publication_is_not_found_by_members(communaute, gens):
    masquee = PublicationFactory(communaute=communaute, masquee=True)
    with pytest.raises(Publication.DoesNotExist):
        selectors.publication_get_for(user=gens.membre, communaute=communaute, pk=masquee.pk)
    assert selectors.publication_get_for(user=gens.animateur, communaute=communaute, pk=masquee.pk)


def test_suggestions_follow_structure_territory_and_profile_themes():
    from maillage.models import Commune, Profil, Reseau, Structure, Territoire, Thematique

    region = Territoire.objects.create(niveau="region", code="94", nom="Corse")
    departement = Territoire.objects.create(
        niveau="departement", code="2A", nom="Corse-du-Sud", parent=region
    )
    commune = Commune.objects.create(code_insee="2A004", nom="Ajaccio", departement=departement)
    reseau = Reseau.objects.create(nom="Réseau de test communautés", slug="reseau-test-com")
    theme = Thematique.objects.create(nom="Thème de test communautés", slug="theme-test-com")
    user = UserFactory()
    structure = Structure.objects.create(nom="ML Ajaccio", reseau=reseau, commune=commune)
    profil, _ = Profil.objects.update_or_create(user=user, defaults={"structure": structure})
    profil.thematiques.add(theme)
    rhone = CommunauteFactory(
        nature=Communaute.Nature.TERRITORIALE, territoire=departement, slug="rhone"
    )
    corse = CommunauteFactory(
        nature=Communaute.Nature.TERRITORIALE, territoire=region, slug="corse"
    )
    accueil = CommunauteFactory(nature=Communaute.Nature.THEMATIQUE, slug="accueil")
    accueil.thematiques.add(theme)
    CommunauteFactory(nature=Communaute.Nature.THEMATIQUE, slug="autre-theme")
    privee = CommunauteFactory(
        nature=Communaute.Nature.TERRITORIALE,
        territoire=departement,
        visibilite=Communaute.Visibilite.PRIVEE,
        slug="privee",
    )
    AdhesionFactory(communaute=corse, user=user)
    suggestions = selectors.communautes_suggerees(user=user)
    assert set(suggestions) == {rhone, accueil}
    assert privee not in suggestions


def test_my_communities_count_every_member_not_only_me():
    communaute = CommunauteFactory(slug="six-membres")
    moi = AdhesionFactory(communaute=communaute).user
    AdhesionFactory.create_batch(5, communaute=communaute)
    AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.PARTIE)
    (mienne,) = selectors.communautes_of(user=moi)
    (toutes,) = selectors.communaute_list_visible(user=moi).filter(slug="six-membres")
    assert mienne.nb_membres == toutes.nb_membres == 6


def test_suggestions_count_members_once_whatever_the_themes():
    from maillage.models import Profil, Thematique

    user = UserFactory()
    themes = [
        Thematique.objects.get_or_create(slug=f"t{i}", defaults={"nom": f"Thème {i}"})[0]
        for i in range(3)
    ]
    profil, _ = Profil.objects.get_or_create(user=user)
    profil.thematiques.add(*themes)
    communaute = CommunauteFactory(nature=Communaute.Nature.THEMATIQUE, slug="trois-themes")
    communaute.thematiques.add(*themes)
    AdhesionFactory.create_batch(2, communaute=communaute)
    (suggeree,) = selectors.communautes_suggerees(user=user)
    assert suggeree.nb_membres == 2
