"""Account deletion: request, cancellation by logging in, purge after the grace period."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from analyse_pratiques.models.groupes import Adhesion
from analyse_pratiques.models.seances import Apprentissage, NoteTravail, PlanAction
from communautes.models.notifications import Notification
from communautes.models.publications import Publication, Reponse
from communautes.models.salon import MessageSalon
from formations.models import Attestation, Evaluation, Inscription
from maillage.models import AttestationConservee, DemandeSuppression, JetonCalendrier, Profil
from maillage.rgpd import services

from .rgpd_donnees import donnees_creer

pytestmark = pytest.mark.django_db

User = get_user_model()
PLUS_TARD = timezone.now() + services.DELAI_GRACE + datetime.timedelta(hours=1)


def _demander(member_client, password, **extra):
    return member_client.post(
        "/profil/supprimer-mon-compte/", {"password": password, **extra}, follow=True
    )


def test_a_wrong_password_records_nothing(member_client, verified_user):
    response = _demander(member_client, "pas le bon")

    assert response.status_code == 200
    assert "Le mot de passe est incorrect." in response.content.decode()
    assert not DemandeSuppression.objects.exists()


def test_request_is_recorded_logs_out_and_warns_by_email(
    member_client, verified_user, password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _demander(member_client, password)

    demande = DemandeSuppression.objects.get(user=verified_user)
    assert demande.etat == DemandeSuppression.Etat.DEMANDEE
    assert demande.origine == DemandeSuppression.Origine.UTILISATEUR
    assert demande.effective_le - demande.demandee_le == services.DELAI_GRACE
    assert "votre compte sera supprimé le" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert mail.outbox[-1].to == ["camille.martin@exemple.fr"]
    assert "connecter" in mail.outbox[-1].body


def test_logging_in_within_the_grace_period_cancels_the_deletion(client, verified_user, password):
    services.suppression_demander(user=verified_user)

    response = client.post(
        "/comptes/login/",
        {"login": "camille.martin@exemple.fr", "password": password},
        follow=True,
    )

    assert response.wsgi_request.user.is_authenticated
    assert "La suppression de votre compte qui était programmée est annulée." in (
        response.content.decode()
    )
    demande = DemandeSuppression.objects.get(user=verified_user)
    assert demande.etat == DemandeSuppression.Etat.ANNULEE
    assert services.demandes_echues_executer(now=PLUS_TARD) == 0
    verified_user.refresh_from_db()
    assert verified_user.is_active and verified_user.email


def test_purge_before_the_end_of_the_grace_period_does_nothing(verified_user):
    services.suppression_demander(user=verified_user)

    assert services.demandes_echues_executer() == 0
    verified_user.refresh_from_db()
    assert verified_user.first_name == "Camille"


def test_after_the_grace_period_the_purge_erases_personal_data_and_keeps_what_must_be(
    verified_user,
):
    jeux = donnees_creer(verified_user)
    services.suppression_demander(user=verified_user)

    assert services.demandes_echues_executer(now=PLUS_TARD) == 1

    user = User.objects.get(pk=verified_user.pk)
    assert user.get_full_name() == "Ancien membre"
    assert (user.email, user.is_active, user.has_usable_password()) == ("", False, False)
    assert "camille" not in user.username
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Profil.objects.filter(user=user).exists()
    assert not Notification.objects.filter(destinataire=user).exists()
    assert not JetonCalendrier.objects.filter(user=user).exists()
    # Community contributions stay, signed « Ancien membre ».
    publication = Publication.objects.get(pk=jeux.publications[0].pk)
    assert publication.auteur.get_full_name() == "Ancien membre"
    assert Reponse.objects.filter(auteur=user).count() == 1
    assert MessageSalon.objects.filter(auteur=user).count() == 1
    notice = Notification.objects.get(destinataire=jeux.autre)
    assert "Camille" not in notice.texte and "Ancien membre" in notice.texte
    # Practice analysis: the member's words are gone, the other member's stay.
    assert not PlanAction.objects.filter(auteur=user).exists()
    assert not Apprentissage.objects.filter(auteur=user).exists()
    assert not NoteTravail.objects.filter(auteur=user).exists()
    assert not Adhesion.objects.filter(user=user).exists()
    assert PlanAction.objects.filter(pk=jeux.plan_autre.pk).exists()
    # Attendance: kept with the name on the attestation, the session and the slots.
    attestation = Attestation.objects.get(pk=jeux.attestations[0].pk)
    conservee = AttestationConservee.objects.get(attestation=attestation)
    assert conservee.nom == "Camille Martin"
    assert conservee.formation == "Accueillir les publics jeunes"
    assert conservee.session_debut == attestation.inscription.session.date_debut
    assert conservee.emargements[0]["present"] is True
    assert Evaluation.objects.get(inscription=attestation.inscription).commentaire == ""
    # The enrolment still to come is cancelled, freeing the place.
    inscription = Inscription.objects.get(pk=jeux.inscription_a_venir.pk)
    assert inscription.etat == Inscription.Etat.ANNULEE
    demande = DemandeSuppression.objects.get(user=user)
    assert demande.etat == DemandeSuppression.Etat.EXECUTEE
    assert demande.bilan["attestations_conservees"] == 1


def test_the_purged_author_shows_as_ancien_membre_on_the_publication_page(client, verified_user):
    jeux = donnees_creer(verified_user)
    services.suppression_demander(user=verified_user)
    services.demandes_echues_executer(now=PLUS_TARD)

    page = client.get(jeux.publications[0].get_absolute_url()).content.decode()

    assert "Ancien membre" in page
    assert "Camille" not in page


def test_the_contributions_option_removes_them(verified_user):
    jeux = donnees_creer(verified_user)
    services.suppression_demander(user=verified_user, supprimer_contributions=True)

    services.demandes_echues_executer(now=PLUS_TARD)

    assert not Publication.objects.filter(auteur=verified_user).exists()
    assert not Reponse.objects.filter(auteur=verified_user).exists()
    assert not MessageSalon.objects.filter(auteur=verified_user).exists()
    assert Publication.objects.filter(pk=jeux.sujet_autre.pk).exists()


def test_the_form_carries_the_contributions_option(member_client, verified_user, password):
    _demander(member_client, password, supprimer_contributions="on")

    assert DemandeSuppression.objects.get(user=verified_user).supprimer_contributions


def test_a_second_request_is_refused_with_a_clear_message(verified_user):
    services.suppression_demander(user=verified_user)

    with pytest.raises(ValidationError, match="déjà en attente"):
        services.suppression_demander(user=verified_user)


def test_the_command_is_idempotent_and_ends_with_one_json_line(verified_user, capsys):
    donnees_creer(verified_user)
    DemandeSuppression.objects.create(
        user=verified_user,
        origine=DemandeSuppression.Origine.UTILISATEUR,
        effective_le=timezone.now() - datetime.timedelta(minutes=1),
    )

    call_command("rgpd_purge")
    premiere = capsys.readouterr()
    call_command("rgpd_purge")
    seconde = capsys.readouterr()

    import json

    assert json.loads(premiere.out.strip().splitlines()[-1])["comptes_supprimes"] == 1
    resultat = json.loads(seconde.out.strip().splitlines()[-1])
    assert resultat["command"] == "rgpd_purge"
    assert resultat["comptes_supprimes"] == 0
    assert "Comptes supprimés" in premiere.err
    assert User.objects.get(pk=verified_user.pk).get_full_name() == "Ancien membre"


def test_a_member_cannot_delete_another_account(member_client, verified_user, password):
    autre = donnees_creer(verified_user).autre

    response = member_client.post(
        f"/profil/supprimer-mon-compte/?user={autre.pk}", {"password": password, "user": autre.pk}
    )

    assert response.status_code == 302
    assert not DemandeSuppression.objects.filter(user=autre).exists()
    assert DemandeSuppression.objects.filter(user=verified_user).exists()
    with pytest.raises(Exception, match="droit"):
        services.suppression_demander(user=autre, par=verified_user)


def test_pages_explain_what_is_erased_and_kept(member_client):
    page = member_client.get("/profil/supprimer-mon-compte/").content.decode()

    assert 'name="password"' in page
    assert "Ancien membre" in page
    assert "supprimer_contributions" in page
    assert member_client.get("/profil/mes-donnees/").status_code == 200


def test_an_account_without_password_confirms_by_typing_the_word(client, verified_user):
    verified_user.set_unusable_password()
    verified_user.save()
    client.force_login(verified_user)

    response = client.post("/profil/supprimer-mon-compte/", {"confirmation": "oui"})
    assert "Tapez SUPPRIMER en toutes lettres pour confirmer." in response.content.decode()
    assert not DemandeSuppression.objects.exists()

    client.post("/profil/supprimer-mon-compte/", {"confirmation": "supprimer"})
    assert DemandeSuppression.objects.filter(user=verified_user).exists()


def test_a_logged_in_member_with_a_pending_request_can_cancel_it(member_client, verified_user):
    services.suppression_demander(user=verified_user)

    page = member_client.get("/profil/mes-donnees/").content.decode()
    assert "Annuler la suppression et garder mon compte" in page
    member_client.post("/profil/supprimer-mon-compte/annuler/")

    assert DemandeSuppression.objects.get().etat == DemandeSuppression.Etat.ANNULEE
