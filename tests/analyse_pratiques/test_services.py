"""Services of the practice-analysis groups: membership, charter, séance control, what is kept."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from analyse_pratiques import permissions, selectors, services
from analyse_pratiques.factories import AdhesionFactory, GroupeFactory, SeanceFactory
from analyse_pratiques.models import AcceptationCharte, Adhesion, EvaluationSeance, Groupe, Seance
from analyse_pratiques.permissions import Acces
from maillage import roles
from maillage.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_groupe_create_makes_charter_version_1_and_unique_slug():
    animateur = UserFactory()
    roles.role_assign(user=animateur, role=roles.ANIMATEUR)
    premier = services.groupe_create(animateur=animateur, nom="Codev Lyon", texte_charte="Règles")
    second = services.groupe_create(animateur=animateur, nom="Codev Lyon", texte_charte="Règles")
    assert premier.slug == "codev-lyon"
    assert second.slug == "codev-lyon-2"
    assert premier.chartes.get().version == 1
    assert premier.non_liste is True
    assert premier.retention_jours == 30


def test_groupe_size_bounds_are_enforced():
    groupe = GroupeFactory.build(taille_min=3, animateur=UserFactory(), slug="x", nom="x")
    with pytest.raises(ValidationError):
        groupe.full_clean()
    groupe = GroupeFactory.build(taille_max=20, animateur=UserFactory(), slug="y", nom="y")
    with pytest.raises(ValidationError):
        groupe.full_clean()


def test_invitation_then_charter_acceptance_joins(groupe, django_capture_on_commit_callbacks):
    invite = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.adhesion_invite(animateur=groupe.animateur, groupe=groupe, user=invite)
    assert permissions.acces_for(user=invite, groupe=groupe) == Acces.INVITE
    # The invitation e-mail names no group.
    assert len(mail.outbox) == 1
    assert groupe.nom not in mail.outbox[0].subject + mail.outbox[0].body
    services.charte_accept(user=invite, groupe=groupe)
    adhesion = Adhesion.objects.get(groupe=groupe, user=invite)
    assert adhesion.etat == Adhesion.Etat.ACTIF
    assert adhesion.rejoint_le is not None
    assert permissions.acces_for(user=invite, groupe=groupe) == Acces.MEMBRE


def test_only_the_facilitator_invites(groupe):
    with pytest.raises(PermissionDenied):
        services.adhesion_invite(animateur=groupe.membres[0], groupe=groupe, user=UserFactory())


def test_group_never_exceeds_its_maximal_size(groupe):
    for _ in range(groupe.taille_max - 5):
        AdhesionFactory(groupe=groupe, accepte=True)
    assert groupe.adhesions.filter(etat=Adhesion.Etat.ACTIF).count() == groupe.taille_max
    with pytest.raises(ValidationError, match="complet"):
        services.adhesion_invite(animateur=groupe.animateur, groupe=groupe, user=UserFactory())
    candidat = AdhesionFactory(groupe=groupe, etat=Adhesion.Etat.CANDIDAT).user
    with pytest.raises(ValidationError, match="complet"):
        services.adhesion_approve(animateur=groupe.animateur, groupe=groupe, user=candidat)


def test_application_to_listed_group_approved_by_facilitator(groupe):
    groupe.non_liste = False
    groupe.save()
    candidat = UserFactory()
    services.adhesion_apply(user=candidat, groupe=groupe)
    assert permissions.acces_for(user=candidat, groupe=groupe) == Acces.CANDIDAT
    services.adhesion_approve(animateur=groupe.animateur, groupe=groupe, user=candidat)
    # Approved, but nothing visible until the charter is accepted.
    assert permissions.acces_for(user=candidat, groupe=groupe) == Acces.CHARTE_A_ACCEPTER
    services.charte_accept(user=candidat, groupe=groupe)
    assert permissions.acces_for(user=candidat, groupe=groupe) == Acces.MEMBRE


def test_unlisted_group_takes_no_application(groupe):
    with pytest.raises(PermissionDenied):
        services.adhesion_apply(user=UserFactory(), groupe=groupe)


def test_removed_member_cannot_apply_again(groupe):
    groupe.non_liste = False
    groupe.save()
    membre = groupe.membres[0]
    services.adhesion_remove(animateur=groupe.animateur, groupe=groupe, user=membre)
    assert permissions.acces_for(user=membre, groupe=groupe) == Acces.AUCUN
    with pytest.raises(PermissionDenied):
        services.adhesion_apply(user=membre, groupe=groupe)


def test_new_charter_version_must_be_accepted_again(groupe):
    membre = groupe.membres[0]
    assert permissions.acces_for(user=membre, groupe=groupe) == Acces.MEMBRE
    charte = services.charte_publish(user=groupe.animateur, groupe=groupe, texte="Version 2")
    assert charte.version == 2
    assert permissions.acces_for(user=membre, groupe=groupe) == Acces.CHARTE_A_ACCEPTER
    with pytest.raises(selectors.CharteNonAcceptee):
        selectors.groupe_for_user(user=membre, slug=groupe.slug)
    acceptation = services.charte_accept(user=membre, groupe=groupe)
    assert acceptation.charte.version == 2
    assert acceptation.accepte_le is not None
    # Both acceptances are kept, with their versions.
    assert sorted(
        AcceptationCharte.objects.filter(user=membre).values_list("charte__version", flat=True)
    ) == [1, 2]
    assert permissions.acces_for(user=membre, groupe=groupe) == Acces.MEMBRE


def test_former_member_cannot_accept_charter(gens, groupe):
    with pytest.raises(PermissionDenied):
        services.charte_accept(user=gens.ancien, groupe=groupe)


def test_planning_a_seance_emails_members_without_content(
    groupe, django_capture_on_commit_callbacks
):
    date = timezone.now() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.seance_schedule(user=groupe.animateur, groupe=groupe, date=date)
    assert len(mail.outbox) == len(groupe.membres)
    for message in mail.outbox:
        assert "Une séance est programmée" in message.subject
        for secret in (groupe.nom, groupe.description, groupe.animateur.last_name):
            assert secret not in message.subject
            assert secret not in message.body


def _ouverte(groupe) -> Seance:
    seance = SeanceFactory(groupe=groupe)
    return services.seance_open(user=groupe.animateur, seance=seance)


def test_seance_cannot_open_below_minimal_size():
    groupe = GroupeFactory()
    for _ in range(4):
        AdhesionFactory(groupe=groupe, accepte=True)
    seance = SeanceFactory(groupe=groupe)
    with pytest.raises(ValidationError, match="au moins 5"):
        services.seance_open(user=groupe.animateur, seance=seance)


def test_only_facilitator_controls_the_seance(groupe):
    seance = SeanceFactory(groupe=groupe)
    for action in (services.seance_open, services.seance_advance, services.seance_pause):
        with pytest.raises(PermissionDenied):
            action(user=groupe.membres[0], seance=seance)


def test_advance_pause_resume_extend_and_timer(groupe):
    seance = _ouverte(groupe)
    assert seance.etat == Seance.Etat.EN_COURS
    assert seance.phase_index == 0
    duree0 = seance.phases[0].duree_secondes
    assert duree0 - 2 <= seance.remaining_seconds() <= duree0

    seance = services.seance_advance(user=groupe.animateur, seance=seance)
    assert seance.phase_index == 1
    duree1 = seance.phases[1].duree_secondes

    # A minute ago the phase began, then it was paused 30 s ago: 30 s of it elapsed.
    now = timezone.now()
    Seance.objects.filter(pk=seance.pk).update(
        phase_started_at=now - datetime.timedelta(seconds=60)
    )
    seance.refresh_from_db()
    seance = services.seance_pause(user=groupe.animateur, seance=seance)
    Seance.objects.filter(pk=seance.pk).update(paused_at=now - datetime.timedelta(seconds=30))
    seance.refresh_from_db()
    assert seance.remaining_seconds() == duree1 - 30
    seance = services.seance_resume(user=groupe.animateur, seance=seance)
    assert not seance.paused
    assert duree1 - 32 <= seance.remaining_seconds() <= duree1 - 29

    seance = services.seance_extend(user=groupe.animateur, seance=seance, secondes=300)
    assert duree1 + 300 - 32 <= seance.remaining_seconds() <= duree1 + 300 - 29
    with pytest.raises(ValidationError):
        services.seance_extend(user=groupe.animateur, seance=seance, secondes=30 * 60)

    version = seance.version
    seance = services.seance_advance(user=groupe.animateur, seance=seance)
    assert seance.extension == 0
    assert seance.version == version + 1


def test_last_phase_then_close(groupe):
    seance = _ouverte(groupe)
    for _ in range(len(seance.phases) - 1):
        seance = services.seance_advance(user=groupe.animateur, seance=seance)
    with pytest.raises(ValidationError):
        services.seance_advance(user=groupe.animateur, seance=seance)
    seance = services.seance_end(user=groupe.animateur, seance=seance)
    assert seance.etat == Seance.Etat.TERMINEE
    assert seance.remaining_seconds() is None


def test_method_phases():
    codev = GroupeFactory.build(methode=Groupe.Methode.CODEV).phases
    assert [p.code for p in codev] == [
        "suivi",
        "expose",
        "clarification",
        "contrat",
        "consultation",
        "synthese",
        "apprentissages",
    ]
    gease = GroupeFactory.build(methode=Groupe.Methode.GEASE).phases
    hypotheses = next(p for p in gease if p.code == "hypotheses")
    for registre in (
        "pédagogique",
        "didactique",
        "institutionnel",
        "sociologique",
        "psychologique",
    ):
        assert registre in str(hypotheses.consigne)
    assert GroupeFactory.build(methode=Groupe.Methode.LIBRE).phases


def test_client_suggestions_skip_former_clients(groupe):
    premier, second = groupe.membres[0], groupe.membres[1]
    assert selectors.clients_proposes(groupe=groupe) == groupe.membres
    SeanceFactory(groupe=groupe, client=premier)
    seance = SeanceFactory(groupe=groupe)
    services.seance_roles(user=groupe.animateur, seance=seance, client=second, scribe=premier)
    assert premier not in selectors.clients_proposes(groupe=groupe)
    assert second not in selectors.clients_proposes(groupe=groupe)
    assert selectors.clients_proposes(groupe=groupe) == groupe.membres[2:]


def test_roles_must_be_active_members(gens, groupe, seance):
    with pytest.raises(ValidationError):
        services.seance_roles(user=groupe.animateur, seance=seance, client=gens.exterieur)
    with pytest.raises(ValidationError):
        services.seance_roles(user=groupe.animateur, seance=seance, client=gens.ancien)


def test_client_owns_question_and_plan_shown_at_next_step_0(groupe):
    client = groupe.membres[2]
    premiere = SeanceFactory(groupe=groupe, date=timezone.now() - datetime.timedelta(days=30))
    services.seance_roles(user=groupe.animateur, seance=premiere, client=client)
    premiere = services.seance_open(user=groupe.animateur, seance=premiere)
    services.question_save(user=client, seance=premiere, texte="Comment faire ?")
    with pytest.raises(PermissionDenied):
        services.plan_action_save(user=groupe.membres[0], seance=premiere, texte="Non")
    plan = services.plan_action_save(user=client, seance=premiere, texte="Appeler la CAF")
    services.seance_end(user=groupe.animateur, seance=premiere)

    suivante = SeanceFactory(groupe=groupe)
    assert selectors.plan_precedent(seance=suivante) == plan


def test_each_member_owns_their_learning(groupe):
    seance = _ouverte(groupe)
    a, b = groupe.membres[0], groupe.membres[1]
    services.apprentissage_save(user=a, seance=seance, texte="A1")
    services.apprentissage_save(user=a, seance=seance, texte="A2")
    services.apprentissage_save(user=b, seance=seance, texte="B1")
    assert dict(seance.apprentissages.values_list("auteur_id", "texte")) == {a.pk: "A2", b.pk: "B1"}


def test_outsiders_and_pending_charter_cannot_write(gens, groupe):
    seance = _ouverte(groupe)
    for user in (gens.exterieur, gens.ancien, gens.non_accepte, gens.invite):
        with pytest.raises(PermissionDenied):
            services.apprentissage_save(user=user, seance=seance, texte="x")
        with pytest.raises(PermissionDenied):
            services.note_add(user=user, seance=seance, texte="x")


def test_evaluation_after_the_end_and_aggregates_for_facilitator_only(groupe):
    seance = _ouverte(groupe)
    with pytest.raises(ValidationError):
        services.evaluation_save(user=groupe.membres[0], seance=seance, utilite=4)
    seance = services.seance_end(user=groupe.animateur, seance=seance)
    for membre, note in zip(groupe.membres[:3], (5, 4, 3), strict=True):
        services.evaluation_save(user=membre, seance=seance, utilite=note)
    services.evaluation_save(user=groupe.membres[0], seance=seance, utilite=2)
    with pytest.raises(ValidationError):
        services.evaluation_save(user=groupe.membres[3], seance=seance, utilite=6)
    with pytest.raises(PermissionDenied):
        services.evaluation_save(user=groupe.animateur, seance=seance, utilite=5)
    aggregate = selectors.evaluation_aggregate(user=groupe.animateur, seance=seance)
    assert aggregate == {"total": 3, "moyenne": 3.0}
    EvaluationSeance.objects.filter(seance=seance, user=groupe.membres[2]).delete()
    aggregate = selectors.evaluation_aggregate(user=groupe.animateur, seance=seance)
    assert aggregate == {"total": 2, "moyenne": None}
    assert selectors.evaluation_aggregate(user=groupe.membres[0], seance=seance) is None


def test_notes_are_purged_after_the_group_retention(groupe):
    from analyse_pratiques.factories import NoteTravailFactory
    from analyse_pratiques.models import NoteTravail

    court = GroupeFactory(retention_jours=7)
    vieille = NoteTravailFactory(seance=SeanceFactory(groupe=groupe))
    recente = NoteTravailFactory(seance=SeanceFactory(groupe=groupe))
    vieille_court = NoteTravailFactory(seance=SeanceFactory(groupe=court))
    now = timezone.now()
    NoteTravail.objects.filter(pk=vieille.pk).update(cree_le=now - datetime.timedelta(days=31))
    NoteTravail.objects.filter(pk=recente.pk).update(cree_le=now - datetime.timedelta(days=29))
    NoteTravail.objects.filter(pk=vieille_court.pk).update(cree_le=now - datetime.timedelta(days=8))
    assert services.notes_purge() == 2
    assert list(NoteTravail.objects.values_list("pk", flat=True)) == [recente.pk]


def test_purge_task_and_command(groupe, capsys):
    import json

    from django.core.management import call_command

    from analyse_pratiques.factories import NoteTravailFactory
    from analyse_pratiques.models import NoteTravail
    from analyse_pratiques.tasks import purge_notes

    note = NoteTravailFactory(seance=SeanceFactory(groupe=groupe))
    NoteTravail.objects.filter(pk=note.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=40)
    )
    assert purge_notes.enqueue().return_value == 1
    note = NoteTravailFactory(seance=SeanceFactory(groupe=groupe))
    NoteTravail.objects.filter(pk=note.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=40)
    )
    call_command("purge_notes")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {
        "command": "purge_notes",
        "deleted": 1,
    }
    assert not NoteTravail.objects.exists()


def test_reseaux_mix(groupe, django_assert_num_queries):
    with django_assert_num_queries(1):
        mix = selectors.reseaux_mix(groupe=groupe)
    assert [(p.nom, p.participants) for p in mix.par_reseau] == [("Mission locale", 3), ("CIO", 2)]
    assert (mix.participants, mix.reseaux, mix.part_premier_pct, mix.mixte) == (5, 2, 60, False)
