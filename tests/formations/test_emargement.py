"""Tests of the attendance sheet (émargement), hours attended and attestations."""

import datetime
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

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


# "Now" in these tests: Friday 4 December 2026, 10:00 in Paris.
MAINTENANT = datetime.datetime(2026, 12, 4, 10, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def maintenant(monkeypatch):
    """Freeze the clock the services read, so that "started" and "over" are exact."""
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT)
    return MAINTENANT


@pytest.fixture
def feuille():
    # A session that took place last Monday and Tuesday.
    session = SessionFactory(
        date_debut=datetime.date(2026, 11, 30), date_fin=datetime.date(2026, 12, 1)
    )
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
    url = f"/catalogue/sessions/{session.pk}/emargement/{matin.pk}/"
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
    client.force_login(b.user)  # absent: no attestation
    response = client.get(f"/catalogue/sessions/{session.pk}/attestation/", follow=True)
    assert not Attestation.objects.exists()
    assert "après une présence émargée" in response.content.decode()
    client.force_login(a.user)
    response = client.get(f"/catalogue/sessions/{session.pk}/attestation/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    attestation = Attestation.objects.get(inscription=a)
    assert attestation.heures == Decimal("3.5")
    assert len(attestation.code) == 12
    # Downloading again keeps the same code.
    client.get(f"/catalogue/sessions/{session.pk}/attestation/")
    assert Attestation.objects.get().code == attestation.code
    client.logout()
    verification = client.get(f"/catalogue/attestations/{attestation.code}/")
    assert verification.status_code == 200
    assert session.formation.title in verification.content.decode()
    assert client.get("/catalogue/attestations/AAAAAAAAAAAA/").status_code == 404
    # The address printed on attestations issued under the catalogue page still answers.
    ancienne = f"{CatalogueIndexPage.objects.get().url}attestations/{attestation.code}/"
    assert ancienne != f"/catalogue/attestations/{attestation.code}/"
    suivie = client.get(ancienne, follow=True)
    assert suivie.redirect_chain == [(f"/catalogue/attestations/{attestation.code}/", 308)]
    assert session.formation.title in suivie.content.decode()


def test_attestation_only_for_its_holder(feuille):
    session, matin, _, formateur, a, b = feuille
    services.emargement_record(creneau=matin, presents={a.pk}, user=formateur)
    with pytest.raises(PermissionDenied):
        services.attestation_issue(inscription=a, user=b.user)


@pytest.fixture
def a_venir():
    """A session of 4 and 8 January 2027, and one whose last half-day is this afternoon."""
    janvier = SessionFactory(
        date_debut=datetime.date(2027, 1, 4), date_fin=datetime.date(2027, 1, 8)
    )
    creneau_janvier = SessionDateFactory(session=janvier, date=datetime.date(2027, 1, 8))
    aujourdhui = SessionFactory(date_debut=MAINTENANT.date(), date_fin=MAINTENANT.date())
    ce_matin = SessionDateFactory(session=aujourdhui)
    cet_apres_midi = SessionDateFactory(
        session=aujourdhui, heure_debut=datetime.time(14), heure_fin=datetime.time(17)
    )
    formateur = UserFactory()
    janvier.formateurs.add(formateur)
    aujourdhui.formateurs.add(formateur)
    return SimpleNamespace(
        janvier=janvier,
        creneau_janvier=creneau_janvier,
        inscrit_janvier=InscriptionFactory(session=janvier),
        aujourdhui=aujourdhui,
        ce_matin=ce_matin,
        cet_apres_midi=cet_apres_midi,
        inscrit_aujourdhui=InscriptionFactory(session=aujourdhui),
        formateur=formateur,
    )


def test_attendance_of_a_half_day_that_has_not_started_is_refused(a_venir):
    inscrit = a_venir.inscrit_janvier
    with pytest.raises(ValidationError) as erreur:
        services.emargement_record(
            creneau=a_venir.creneau_janvier, presents={inscrit.pk}, user=a_venir.formateur
        )
    assert "qu'à partir de son début, le 8 janvier 2027 à 09h00" in erreur.value.messages[0]
    with pytest.raises(ValidationError):
        services.emargement_record(
            creneau=a_venir.cet_apres_midi,
            presents={a_venir.inscrit_aujourdhui.pk},
            user=a_venir.formateur,
        )
    assert not Emargement.objects.exists()
    inscrit.refresh_from_db()
    assert inscrit.etat == Etat.CONFIRMEE


def test_attendance_opens_when_the_half_day_starts(a_venir):
    inscrit = a_venir.inscrit_aujourdhui
    services.emargement_record(
        creneau=a_venir.ce_matin, presents={inscrit.pk}, user=a_venir.formateur
    )
    assert Emargement.objects.get(inscription=inscrit).present


def test_sheet_of_a_future_half_day_explains_and_offers_no_form(client, a_venir):
    session, creneau = a_venir.janvier, a_venir.creneau_janvier
    url = f"/catalogue/sessions/{session.pk}/emargement/{creneau.pk}/"
    client.force_login(a_venir.formateur)
    page = client.get(url).content.decode()
    assert "ne sera possible qu&#x27;à partir de son début" in page
    assert 'name="presents"' not in page
    response = client.post(url, {"presents": [str(a_venir.inscrit_janvier.pk)]}, follow=True)
    assert response.status_code == 200
    assert "à partir de son début" in response.content.decode()
    assert not Emargement.objects.exists()


def test_no_attestation_before_the_session_is_over(client, a_venir):
    inscrit = a_venir.inscrit_aujourdhui
    services.emargement_record(
        creneau=a_venir.ce_matin, presents={inscrit.pk}, user=a_venir.formateur
    )
    inscrit.refresh_from_db()
    assert inscrit.etat == Etat.PRESENT
    with pytest.raises(ValidationError) as erreur:
        services.attestation_issue(inscription=inscrit, user=inscrit.user)
    assert "fin de la session, le 4 décembre 2026 à 17h00" in erreur.value.messages[0]
    client.force_login(inscrit.user)
    url = f"/catalogue/sessions/{a_venir.aujourdhui.pk}/attestation/"
    response = client.get(url, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "fin de la session" in response.content.decode()
    assert not Attestation.objects.exists()


def test_attestation_once_the_session_is_over(a_venir, monkeypatch):
    inscrit = a_venir.inscrit_aujourdhui
    services.emargement_record(
        creneau=a_venir.ce_matin, presents={inscrit.pk}, user=a_venir.formateur
    )
    monkeypatch.setattr(timezone, "now", lambda: MAINTENANT.replace(hour=17))
    inscrit.refresh_from_db()
    attestation = services.attestation_issue(inscription=inscrit, user=inscrit.user)
    assert attestation.heures == Decimal("3.5")


def test_no_attestation_without_signed_attendance(feuille):
    session, _, _, _, a, _ = feuille
    # Marked as attended by hand, but no attendance sheet says so.
    Inscription.objects.filter(pk=a.pk).update(etat=Etat.PRESENT)
    a.refresh_from_db()
    with pytest.raises(ValidationError, match="présence émargée"):
        services.attestation_issue(inscription=a, user=a.user)
    assert not Attestation.objects.exists()
