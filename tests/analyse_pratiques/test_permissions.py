"""The named rules of `analyse_pratiques.permissions`, allowed and refused, for everyone around
a group; the per-user rule and the live pages' list agree; views, services and templates
read the same rule."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.urls import reverse

from analyse_pratiques import permissions, services
from analyse_pratiques.cas import services as cas_services
from analyse_pratiques.factories import AdhesionFactory, CasProposeFactory, SeanceFactory
from analyse_pratiques.models import Adhesion, CasPropose, Seance
from analyse_pratiques.permissions import Acces
from maillage import roles
from maillage.factories import UserFactory

pytestmark = pytest.mark.django_db

# Everyone of the `gens` fixture, plus an applicant and an anonymous visitor.
TOUS = (
    "animateur",
    "membre",
    "non_accepte",
    "ancien",
    "retire",
    "invite",
    "candidat",
    "exterieur",
    "anonyme",
)


@pytest.fixture
def qui(gens, groupe):
    gens.candidat = AdhesionFactory(groupe=groupe, etat=Adhesion.Etat.CANDIDAT).user
    gens.anonyme = AnonymousUser()
    return lambda nom: getattr(gens, nom)


# --- groups ------------------------------------------------------------------------------


ACCES_ATTENDU = {
    "animateur": Acces.ANIMATEUR,
    "membre": Acces.MEMBRE,
    "non_accepte": Acces.CHARTE_A_ACCEPTER,
    "ancien": Acces.AUCUN,
    "retire": Acces.AUCUN,
    "invite": Acces.INVITE,
    "candidat": Acces.CANDIDAT,
    "exterieur": Acces.AUCUN,
    "anonyme": Acces.AUCUN,
}


@pytest.mark.parametrize("nom", TOUS)
def test_acces_of_everyone_around_the_group(qui, groupe, nom):
    assert permissions.acces_for(user=qui(nom), groupe=groupe) == ACCES_ATTENDU[nom]


@pytest.mark.parametrize("nom", TOUS)
def test_only_the_facilitator_leads(qui, groupe, nom):
    assert permissions.can_lead_groupe(qui(nom), groupe) is (nom == "animateur")


@pytest.mark.parametrize("nom", TOUS)
def test_participants_are_the_facilitator_and_members_who_accepted_the_charter(qui, groupe, nom):
    assert permissions.can_take_part(qui(nom), groupe) is (nom in ("animateur", "membre"))


@pytest.mark.parametrize("nom", TOUS)
def test_who_reads_and_accepts_the_charter(qui, groupe, nom):
    attendu = nom in ("animateur", "membre", "non_accepte", "invite")
    assert permissions.can_accept_charte(qui(nom), groupe) is attendu


@pytest.mark.parametrize("nom", TOUS)
def test_an_unlisted_group_exists_only_for_those_it_concerns(qui, groupe, nom):
    attendu = nom in ("animateur", "membre", "non_accepte", "invite", "candidat")
    assert permissions.can_find_groupe(qui(nom), groupe) is attendu
    groupe.non_liste = False
    assert permissions.can_find_groupe(qui(nom), groupe)


def test_a_listed_group_takes_applications_from_anyone_but_its_facilitator(gens, groupe):
    assert not permissions.can_apply_to_groupe(gens.exterieur, groupe)  # unlisted
    groupe.non_liste = False
    assert permissions.can_apply_to_groupe(gens.exterieur, groupe)
    assert not permissions.can_apply_to_groupe(gens.animateur, groupe)


def test_facilitators_and_staff_create_groups():
    animateur, staff, conseiller = UserFactory(), UserFactory(is_staff=True), UserFactory()
    roles.role_assign(user=animateur, role=roles.ANIMATEUR)
    roles.role_assign(user=conseiller, role=roles.CONSEILLER)
    inactif = UserFactory(is_active=False)
    roles.role_assign(user=inactif, role=roles.ANIMATEUR)
    assert permissions.can_create_groupe(animateur)
    assert permissions.can_create_groupe(staff)
    assert not permissions.can_create_groupe(conseiller)
    assert not permissions.can_create_groupe(inactif)
    assert not permissions.can_create_groupe(AnonymousUser())


def test_the_live_pages_list_is_the_participants_rule(qui, groupe, gens):
    ids = set(permissions.participant_ids(groupe=groupe))
    for nom in TOUS[:-1]:
        assert (qui(nom).pk in ids) is permissions.can_take_part(qui(nom), groupe), nom
    assert {membre.pk for membre in groupe.membres} <= ids
    # A new charter version: members are out of both until they accept it.
    services.charte_publish(user=gens.animateur, groupe=groupe, texte="Version 2")
    assert set(permissions.participant_ids(groupe=groupe)) == {gens.animateur.pk}
    assert not permissions.can_take_part(gens.membre, groupe)


def test_a_known_acces_costs_no_query(gens, seance, django_assert_num_queries):
    cas = CasProposeFactory(seance=seance, client=gens.membre)
    cas = CasPropose.objects.select_related("seance__groupe").get(pk=cas.pk)
    seance = Seance.objects.select_related("groupe").get(pk=seance.pk)
    with django_assert_num_queries(0):
        assert permissions.can_take_part(gens.membre, seance.groupe, acces=Acces.MEMBRE)
        assert permissions.can_edit_cas(gens.membre, cas, acces=Acces.MEMBRE)
        assert permissions.can_review_cas(gens.animateur, cas, acces=Acces.ANIMATEUR)
        assert not permissions.can_rate_seance(gens.animateur, seance, acces=Acces.ANIMATEUR)
        assert permissions.can_lead_groupe(gens.animateur, seance.groupe)


# --- séances -----------------------------------------------------------------------------


@pytest.mark.parametrize("nom", TOUS)
def test_the_client_writes_the_question_and_plan(qui, gens, groupe, nom):
    seance = SeanceFactory(groupe=groupe, client=gens.membre)
    assert permissions.can_write_as_client(qui(nom), seance) is (nom == "membre")


def test_a_client_with_a_charter_to_accept_writes_nothing(gens, groupe):
    seance = SeanceFactory(groupe=groupe, client=gens.membre)
    services.charte_publish(user=gens.animateur, groupe=groupe, texte="Version 2")
    assert not permissions.can_write_as_client(gens.membre, seance)
    services.charte_accept(user=gens.membre, groupe=groupe)
    assert permissions.can_write_as_client(gens.membre, seance)


@pytest.mark.parametrize("nom", TOUS)
def test_members_rate_a_seance_and_the_facilitator_does_not(qui, seance, nom):
    assert permissions.can_rate_seance(qui(nom), seance) is (nom == "membre")


# --- cases -------------------------------------------------------------------------------


@pytest.fixture
def cas(gens, groupe):
    seance = SeanceFactory(groupe=groupe, client=gens.membre, etat=Seance.Etat.TERMINEE)
    return CasProposeFactory(seance=seance, client=gens.membre)


@pytest.mark.parametrize("nom", TOUS)
def test_only_the_client_a_member_proposes_their_situation(qui, gens, groupe, nom):
    seance = SeanceFactory(groupe=groupe, client=gens.membre)
    assert permissions.can_propose_cas(qui(nom), seance) is (nom == "membre")
    ailleurs = SeanceFactory(groupe=groupe, client=gens.ancien)
    assert not permissions.can_propose_cas(gens.ancien, ailleurs)


@pytest.mark.parametrize("nom", TOUS)
def test_the_client_edits_and_the_others_review(qui, cas, nom):
    assert permissions.can_edit_cas(qui(nom), cas) is (nom == "membre")
    assert permissions.can_review_cas(qui(nom), cas) is (nom == "animateur")
    assert permissions.can_withdraw_consentement(qui(nom), cas) is (nom == "membre")


def test_another_member_reviews_too(gens, cas):
    assert permissions.can_review_cas(gens.autre_membre, cas)
    assert not permissions.can_edit_cas(gens.autre_membre, cas)


def test_flags_are_replaced_by_the_client_in_draft_then_by_reviewers(gens, cas):
    assert permissions.can_replace_signals(gens.membre, cas)
    assert not permissions.can_replace_signals(gens.autre_membre, cas)
    assert not permissions.can_dismiss_signals(gens.autre_membre, cas)
    cas.etat = CasPropose.Etat.EN_RELECTURE
    assert not permissions.can_replace_signals(gens.membre, cas)
    assert not permissions.can_dismiss_signals(gens.membre, cas)
    for relecteur in (gens.animateur, gens.autre_membre):
        assert permissions.can_replace_signals(relecteur, cas)
        assert permissions.can_dismiss_signals(relecteur, cas)
    assert not permissions.can_replace_signals(gens.exterieur, cas)
    for etat in (CasPropose.Etat.PUBLIE, CasPropose.Etat.RETIRE):
        cas.etat = etat
        for user in (gens.membre, gens.animateur, gens.autre_membre):
            assert not permissions.can_replace_signals(user, cas)
            assert not permissions.can_dismiss_signals(user, cas)


def test_a_client_who_left_keeps_only_the_withdrawal_everywhere(client, gens, groupe, cas):
    """The page offers what the services accept: no draft edition once out of the group."""
    services.adhesion_leave(user=gens.membre, groupe=groupe)
    assert not permissions.can_edit_cas(gens.membre, cas)
    assert permissions.can_withdraw_consentement(gens.membre, cas)
    client.force_login(gens.membre)
    page = client.get(reverse("analyse_pratiques:cas", args=[cas.pk])).content.decode()
    assert reverse("analyse_pratiques:cas_modifier", args=[cas.pk]) not in page
    assert reverse("analyse_pratiques:cas_soumettre", args=[cas.pk]) not in page
    assert reverse("analyse_pratiques:cas_retirer", args=[cas.pk]) in page
    edition = client.get(reverse("analyse_pratiques:cas_modifier", args=[cas.pk]))
    assert edition.status_code == 403
    with pytest.raises(PermissionDenied):
        cas_services.cas_update(user=gens.membre, cas=cas, situation="Autre texte")
    cas = cas_services.cas_consentement_withdraw(user=gens.membre, cas=cas)
    assert cas.etat == CasPropose.Etat.RETIRE


# --- templates ---------------------------------------------------------------------------

LIGNE = Template(
    "{% load analyse_pratiques %}"
    "{% can_edit_cas user cas acces as modifiable %}{% can_review_cas user cas acces as relire %}"
    "{% if modifiable %}modifier{% elif relire %}relire{% else %}rien{% endif %}"
)


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [("membre", "modifier"), ("animateur", "relire"), ("autre_membre", "relire")],
)
def test_a_list_row_reads_the_rules_with_the_acces_the_view_holds(
    gens, groupe, cas, nom, attendu, django_assert_num_queries
):
    user = getattr(gens, nom)
    acces = permissions.acces_for(user=user, groupe=groupe)
    cas = CasPropose.objects.get(pk=cas.pk)  # as listed: its séance not loaded
    with django_assert_num_queries(0):
        rendu = LIGNE.render(Context({"user": user, "cas": cas, "acces": acces}))
    assert rendu == attendu


@pytest.mark.parametrize(("nom", "attendu"), [("membre", "modifier"), ("exterieur", "rien")])
def test_without_acces_the_tags_read_it(gens, cas, nom, attendu):
    rendu = LIGNE.render(Context({"user": getattr(gens, nom), "cas": cas, "acces": None}))
    assert rendu == attendu
