"""Tests of the attendance sheet (émargement), hours attended and attestations."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from formations import services
from formations.factories import (
    InscriptionFactory,
    SessionDateFactory,
    SessionFactory,
    UserFactory,
)
from formations.models import Attestation, CatalogueIndexPage, Emargement, Inscription

pytestmark = pytest.mark.django_db
Etat = Inscription.Etat


@pytest.fixture
def feuille():
    session = SessionFactory()
    matin = SessionDateFactory(session=session)
    apres_midi = SessionDateFactory(
        session=session, heure_debut=datetime.time(14), heure_fin=datetime.time(17)
    )
    formateur = UserFactory()
    session.formateurs.add(formateur)
    a, b = InscriptionFactory(session=session), InscriptionFactory(session=session)
    InscriptionFactory(session=session, etat=Etat.LISTE_ATTENTE)
    return session, matin, apres_midi, formateur, a, b


def test_attendance_and_hours(feuille):
    session, matin, apres_midi, formateur, a, b = feuille
    assert services.emargement_record(creneau=matin, presents={a.pk}, user=formateur) == 2
    services.emargement_record(creneau=apres_midi, presents={a.pk}, user=formateur)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.etat, b.etat) == (Etat.PRESENT, Etat.ABSENT)
    assert services.inscription_heures_presence(inscription=a) == 6.5
    assert services.inscription_heures_presence(inscription=b) == 0
    # Correcting a sheet updates it rather than adding rows.
    services.emargement_record(creneau=apres_midi, presents={a.pk, b.pk}, user=formateur)
    assert Emargement.objects.count() == 4
    b.refresh_from_db()
    assert b.etat == Etat.PRESENT
    assert services.inscription_heures_presence(inscription=b) == 3


def test_only_trainers_sign_and_only_enrolled_people(feuille):
    session, matin, _, formateur, a, _ = feuille
    with pytest.raises(PermissionDenied):
        services.emargement_record(creneau=matin, presents={a.pk}, user=a.user)
    attente = Inscription.objects.get(session=session, etat=Etat.LISTE_ATTENTE)
    with pytest.raises(ValidationError):
        services.emargement_record(creneau=matin, presents={attente.pk}, user=formateur)
    assert not Emargement.objects.exists()


def test_attendance_sheet_page(client, feuille):
    session, matin, _, formateur, a, b = feuille
    url = f"{CatalogueIndexPage.objects.get().url}sessions/{session.pk}/emargement/{matin.pk}/"
    client.force_login(a.user)
    assert client.get(url).status_code == 403
    client.force_login(formateur)
    response = client.get(url)
    assert response.status_code == 200
    assert f'value="{a.pk}"' in response.content.decode()
    assert client.post(url, {"presents": [str(b.pk)]}).status_code == 302
    assert Emargement.objects.get(inscription=b, creneau=matin).present
    assert not Emargement.objects.get(inscription=a, creneau=matin).present


def test_attestation_pdf_and_public_verification(client, feuille):
    session, matin, apres_midi, formateur, a, b = feuille
    services.emargement_record(creneau=matin, presents={a.pk}, user=formateur)
    catalogue = CatalogueIndexPage.objects.get().url
    client.force_login(b.user)  # absent: no attestation
    response = client.get(f"{catalogue}sessions/{session.pk}/attestation/", follow=True)
    assert not Attestation.objects.exists()
    assert "après une présence émargée" in response.content.decode()
    client.force_login(a.user)
    response = client.get(f"{catalogue}sessions/{session.pk}/attestation/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    attestation = Attestation.objects.get(inscription=a)
    assert attestation.heures == Decimal("3.5")
    assert len(attestation.code) == 12
    # Downloading again keeps the same code.
    client.get(f"{catalogue}sessions/{session.pk}/attestation/")
    assert Attestation.objects.get().code == attestation.code
    client.logout()
    verification = client.get(f"{catalogue}attestations/{attestation.code}/")
    assert verification.status_code == 200
    assert session.formation.title in verification.content.decode()
    assert client.get(f"{catalogue}attestations/AAAAAAAAAAAA/").status_code == 404


def test_attestation_only_for_its_holder(feuille):
    session, matin, _, formateur, a, b = feuille
    services.emargement_record(creneau=matin, presents={a.pk}, user=formateur)
    with pytest.raises(PermissionDenied):
        services.attestation_issue(inscription=a, user=b.user)
