"""Retention periods: what the privacy page promises is what `rgpd_purge` erases."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from communautes.factories import NotificationFactory
from communautes.models.notifications import Notification
from formations.factories import AttestationFactory, SessionFactory
from formations.models import Inscription
from maillage.demo.contenus import CONFIDENTIALITE
from maillage.factories import UserFactory
from maillage.models import AttestationConservee, DemandeSuppression
from maillage.rgpd import services

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_privacy_page_states_the_periods_the_code_applies():
    corps = " ".join(CONFIDENTIALITE.corps.split())

    assert datetime.timedelta(days=3 * 365) == services.INACTIVITE
    assert "sans connexion depuis trois ans" in corps
    assert datetime.timedelta(days=30) == services.DELAI_GRACE
    assert "supprimé trente jours plus tard" in corps
    assert "trente jours après votre confirmation" in corps
    assert datetime.timedelta(days=10 * 365) == services.CONSERVATION_FORMATION
    assert "dix ans au plus après la fin de la session" in corps
    assert datetime.timedelta(days=365) == services.CONSERVATION_NOTIFICATIONS
    assert "Notifications : un an" in corps
    assert "« Ancien membre »" in corps
    assert "profil (rubrique « Mes données personnelles »)" in corps


def test_an_account_unused_for_three_years_is_warned_then_deleted(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    dormant = UserFactory(email="dormant@exemple.fr", first_name="Claude")
    actif = UserFactory()
    equipe = UserFactory(is_staff=True)
    User.objects.filter(pk__in=[dormant.pk, equipe.pk]).update(
        last_login=now - datetime.timedelta(days=3 * 365 + 1)
    )
    User.objects.filter(pk=actif.pk).update(last_login=now - datetime.timedelta(days=30))

    with django_capture_on_commit_callbacks(execute=True):
        resultats = services.retention_purger(now=now)

    assert resultats["comptes_inactifs_avertis"] == 1
    demande = DemandeSuppression.objects.get()
    assert (demande.user, demande.origine) == (dormant, DemandeSuppression.Origine.INACTIVITE)
    assert mail.outbox[-1].to == ["dormant@exemple.fr"]
    assert "trois ans" in mail.outbox[-1].body
    assert services.retention_purger(now=now)["comptes_inactifs_avertis"] == 0

    resultats = services.retention_purger(now=now + datetime.timedelta(days=31))

    assert resultats["comptes_supprimes"] == 1
    dormant.refresh_from_db()
    assert (dormant.first_name, dormant.email, dormant.is_active) == ("Ancien membre", "", False)


def test_enrolments_and_kept_attestations_go_after_ten_years():
    today = timezone.localdate()
    ancienne = SessionFactory(
        date_debut=today - datetime.timedelta(days=3700),
        date_fin=today - datetime.timedelta(days=3699),
    )
    recente = SessionFactory(
        date_debut=today - datetime.timedelta(days=400),
        date_fin=today - datetime.timedelta(days=399),
    )
    vieille = AttestationFactory(inscription__session=ancienne)
    AttestationConservee.objects.create(
        attestation=vieille,
        nom="Ancienne Participante",
        formation="Formation",
        session_fin=ancienne.date_fin,
        heures=7,
    )
    gardee = AttestationFactory(inscription__session=recente)

    resultats = services.retention_purger()

    assert resultats["inscriptions"] >= 1
    assert not Inscription.objects.filter(session=ancienne).exists()
    assert not AttestationConservee.objects.exists()
    assert Inscription.objects.filter(pk=gardee.inscription_id).exists()


def test_notifications_older_than_a_year_are_erased():
    vieille = NotificationFactory()
    recente = NotificationFactory()
    Notification.objects.filter(pk=vieille.pk).update(
        cree_le=timezone.now() - datetime.timedelta(days=366)
    )

    assert services.retention_purger()["notifications"] == 1

    assert list(Notification.objects.values_list("pk", flat=True)) == [recente.pk]
