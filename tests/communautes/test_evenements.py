"""Community events: creation, RSVP, changes, cancellation, reminders, .ics, pages and demo."""

import datetime
import html
import io
import json
import threading

import icalendar
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communautes import permissions
from communautes import selectors as communaute_selectors
from communautes import services as communaute_services
from communautes.evenements import selectors, services
from communautes.evenements.ics import evenement_ics
from communautes.factories import (
    AdhesionFactory,
    AnimateurFactory,
    CommunauteFactory,
    EvenementFactory,
    ParticipationEvenementFactory,
    UserFactory,
)
from communautes.models import (
    Adhesion,
    Communaute,
    Evenement,
    Notification,
    ParticipationEvenement,
    Publication,
)
from communautes.moderation import services as moderation
from maillage.factories import CommuneFactory, TerritoireFactory
from maillage.selectors import DASHBOARD_PROVIDERS

pytestmark = pytest.mark.django_db

Etat = ParticipationEvenement.Etat


def _dans(jours: float, heures: float = 0) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=jours, hours=heures)).replace(microsecond=0)


def _donnees(**extra) -> dict:
    debut = _dans(10)
    return {
        "nature": Evenement.Nature.CAFE_PRO,
        "titre": "Café pro : le CEP en pratique",
        "description": "<p>Échanges entre conseillers <strong>CEP</strong>.</p>",
        "debut": debut,
        "fin": debut + datetime.timedelta(hours=2),
        "lien": "https://visio.exemple.fr/cep",
        **extra,
    }


def _evenement(communaute, auteur, **extra) -> Evenement:
    return services.evenement_create(auteur=auteur, communaute=communaute, **_donnees(**extra))


# --- creation -----------------------------------------------------------------------------


def test_a_manager_creates_an_event_announced_in_the_stream_and_notified(communaute, gens):
    evenement = _evenement(
        communaute,
        gens.animateur,
        description='<p onclick="x()">Venez <script>alert(1)</script>nombreux</p>',
        capacite=12,
    )
    publication = evenement.publication
    assert publication.nature == Publication.Nature.EVENEMENT
    assert publication.communaute == communaute
    assert "script" not in publication.corps and "onclick" not in publication.corps
    stream = communaute_selectors.publication_list(communaute=communaute, user=gens.membre)
    assert [p.pk for p in stream] == [publication.pk]
    notifies = set(
        Notification.objects.filter(nature=Notification.Nature.EVENEMENT).values_list(
            "destinataire_id", flat=True
        )
    )
    assert notifies == {gens.membre.pk, gens.autre_membre.pk}
    assert Notification.objects.filter(lien=evenement.get_absolute_url()).count() == 2


def test_members_propose_events_only_where_the_community_allows_it(communaute, gens):
    with pytest.raises(PermissionDenied, match="seuls les animateurs"):
        _evenement(communaute, gens.membre)
    with pytest.raises(PermissionDenied):
        _evenement(communaute, gens.exterieur)
    assert not Evenement.objects.exists() and not Publication.objects.exists()
    communaute.evenements_par_membres = True
    communaute.save()
    assert _evenement(communaute, gens.membre).publication.auteur == gens.membre


def test_end_before_start_is_refused_with_a_french_message_and_nothing_written(communaute, gens):
    debut = _dans(5)
    with pytest.raises(ValidationError) as erreur:
        _evenement(communaute, gens.animateur, debut=debut, fin=debut - datetime.timedelta(hours=1))
    assert erreur.value.message_dict["fin"] == [
        "La fin de l'événement doit être postérieure à son début."
    ]
    assert not Evenement.objects.exists() and not Publication.objects.exists()


def test_a_place_or_a_link_is_required(communaute, gens, referentiel):
    with pytest.raises(ValidationError) as erreur:
        _evenement(communaute, gens.animateur, lien="")
    assert "adresse" in erreur.value.message_dict
    with pytest.raises(ValidationError) as erreur:
        _evenement(communaute, gens.animateur, nature=Evenement.Nature.WEB_RDV, lien="")
    assert "lien" in erreur.value.message_dict
    with pytest.raises(ValidationError):
        _evenement(communaute, gens.animateur, lien="javascript:alert(1)")
    commune = CommuneFactory()
    evenement = _evenement(
        communaute, gens.animateur, lien="", adresse="12 rue de la Paix", commune=commune
    )
    assert evenement.commune == commune


def test_a_new_event_cannot_start_in_the_past(communaute, gens):
    with pytest.raises(ValidationError) as erreur:
        _evenement(communaute, gens.animateur, debut=_dans(-1), fin=_dans(-1, 2))
    assert "debut" in erreur.value.message_dict


# --- RSVP ---------------------------------------------------------------------------------


def test_rsvp_is_idempotent_and_a_full_event_puts_people_on_a_waiting_list(
    communaute, gens, django_capture_on_commit_callbacks
):
    evenement = _evenement(communaute, gens.animateur, capacite=1)
    premiere = services.participation_register(user=gens.membre, evenement=evenement)
    assert premiere.etat == Etat.INSCRIT
    assert services.participation_register(user=gens.membre, evenement=evenement) == premiere
    attente = services.participation_register(user=gens.autre_membre, evenement=evenement)
    assert (attente.etat, attente.position) == (Etat.ATTENTE, 1)
    assert ParticipationEvenement.objects.filter(etat=Etat.INSCRIT).count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.participation_cancel(user=gens.membre, evenement=evenement)
        services.participation_cancel(user=gens.membre, evenement=evenement)
    attente.refresh_from_db()
    assert (attente.etat, attente.position) == (Etat.INSCRIT, None)
    assert [m.to for m in mail.outbox] == [[gens.autre_membre.email]]
    assert "Une place s'est libérée" in mail.outbox[0].subject

    again = services.participation_register(user=gens.membre, evenement=evenement)
    assert again.pk == premiere.pk and again.etat == Etat.ATTENTE


def test_lowering_capacity_below_registrations_is_refused_raising_it_promotes(
    communaute, gens, django_capture_on_commit_callbacks
):
    evenement = _evenement(communaute, gens.animateur, capacite=2)
    services.participation_register(user=gens.membre, evenement=evenement)
    services.participation_register(user=gens.autre_membre, evenement=evenement)
    tiers = AdhesionFactory(communaute=communaute).user
    assert services.participation_register(user=tiers, evenement=evenement).etat == Etat.ATTENTE
    donnees = _donnees(debut=evenement.debut, fin=evenement.fin)
    with pytest.raises(ValidationError) as erreur:
        services.evenement_update(user=gens.animateur, evenement=evenement, **donnees, capacite=1)
    assert "2 personnes sont déjà inscrites" in erreur.value.message_dict["capacite"][0]
    assert Evenement.objects.get(pk=evenement.pk).capacite == 2
    with pytest.raises(PermissionDenied):
        services.evenement_update(user=gens.membre, evenement=evenement, **donnees, capacite=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evenement_update(user=gens.animateur, evenement=evenement, **donnees, capacite=3)
    assert ParticipationEvenement.objects.get(user=tiers).etat == Etat.INSCRIT
    assert [m.to for m in mail.outbox] == [[tiers.email]]


def test_concurrent_registrations_never_exceed_the_capacity(transactional_db):
    communaute = CommunauteFactory()
    animateur = AnimateurFactory(communaute=communaute).user
    evenement = _evenement(communaute, animateur, capacite=3)
    membres = [AdhesionFactory(communaute=communaute).user for _ in range(8)]
    barriere = threading.Barrier(len(membres))
    erreurs = []

    def inscrire(user):
        try:
            barriere.wait()
            services.participation_register(user=user, evenement=evenement)
        except Exception as exc:  # noqa: BLE001 - reported to the main thread below
            erreurs.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=inscrire, args=(user,)) for user in membres]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert erreurs == []
    etats = list(ParticipationEvenement.objects.values_list("etat", flat=True))
    assert etats.count(Etat.INSCRIT) == 3
    assert etats.count(Etat.ATTENTE) == 5
    positions = sorted(
        ParticipationEvenement.objects.filter(etat=Etat.ATTENTE).values_list("position", flat=True)
    )
    assert positions == [1, 2, 3, 4, 5]


# --- visibility ---------------------------------------------------------------------------


@pytest.fixture
def reservee(db):
    communaute = CommunauteFactory(slug="reservee", visibilite=Communaute.Visibilite.MEMBRES)
    animateur = AnimateurFactory(communaute=communaute).user
    membre = AdhesionFactory(communaute=communaute).user
    evenement = _evenement(communaute, animateur, titre="Matinale réservée")
    return communaute, animateur, membre, evenement


@pytest.mark.parametrize("visibilite", ["membres", "privee"])
def test_events_of_closed_communities_are_for_members_only(client, visibilite):
    communaute = CommunauteFactory(visibilite=visibilite)
    animateur = AnimateurFactory(communaute=communaute).user
    membre = AdhesionFactory(communaute=communaute).user
    evenement = _evenement(communaute, animateur, titre="Matinale réservée")
    banni = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.BANNIE).user
    exterieur = UserFactory()
    urls = [
        evenement.get_absolute_url(),
        reverse("communautes:evenement_ics", args=[communaute.slug, evenement.pk]),
        reverse("communautes:evenements", args=[communaute.slug]),
    ]
    for intrus in (None, exterieur, banni):
        client.logout()
        if intrus:
            client.force_login(intrus)
        for url in urls:
            assert client.get(url).status_code == 404, (intrus, url)
        if intrus:
            with pytest.raises(PermissionDenied):
                services.participation_register(user=intrus, evenement=evenement)
    client.force_login(membre)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert "Matinale réservée" in response.content.decode()


def test_public_events_are_readable_by_all_but_banned_members_cannot_register(
    client, communaute, gens
):
    evenement = _evenement(communaute, gens.animateur, titre="Café pro ouvert")
    assert "Café pro ouvert" in client.get(evenement.get_absolute_url()).content.decode()
    assert services.participation_register(user=gens.exterieur, evenement=evenement).etat == (
        Etat.INSCRIT
    )
    banni = AdhesionFactory(communaute=communaute, etat=Adhesion.Etat.BANNIE).user
    with pytest.raises(PermissionDenied, match="exclu"):
        services.participation_register(user=banni, evenement=evenement)


def test_a_hidden_event_disappears_with_its_publication(client, communaute, gens):
    evenement = _evenement(communaute, gens.animateur)
    moderation.publication_moderate(
        by=gens.animateur, action="masquer", motif="Hors charte", publication=evenement.publication
    )
    client.force_login(gens.membre)
    assert client.get(evenement.get_absolute_url()).status_code == 404
    with pytest.raises(Evenement.DoesNotExist):
        selectors.evenement_get_for(user=gens.membre, communaute=communaute, pk=evenement.pk)
    assert selectors.evenement_list(user=gens.animateur, communaute=communaute) != []


# --- reminders ----------------------------------------------------------------------------


def test_reminders_go_once_to_registered_people_who_may_still_see_the_event(
    reservee, django_capture_on_commit_callbacks
):
    communaute, animateur, membre, evenement = reservee
    Evenement.objects.filter(pk=evenement.pk).update(debut=_dans(1), fin=_dans(1, 2))
    parti = AdhesionFactory(communaute=communaute).user
    attente = AdhesionFactory(communaute=communaute).user
    ParticipationEvenementFactory(evenement=evenement, user=membre)
    ParticipationEvenementFactory(evenement=evenement, user=parti)
    ParticipationEvenementFactory(evenement=evenement, user=attente, etat=Etat.ATTENTE)
    communaute_services.communaute_leave(user=parti, communaute=communaute)
    lointain = EvenementFactory(publication__communaute=communaute, debut=_dans(9))
    ParticipationEvenementFactory(evenement=lointain, user=membre)
    mail.outbox.clear()

    sortie = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels_evenements", stdout=sortie)
    assert json.loads(sortie.getvalue().strip().splitlines()[-1]) == {"rappels": 1}
    assert [m.to for m in mail.outbox] == [[membre.email]]
    message = mail.outbox[0]
    assert message.subject == "[Maillage] Rappel : Matinale réservée, demain"
    assert "a lieu demain" in message.body
    assert "https://visio.exemple.fr/cep" in message.body
    html, type_mime = message.alternatives[0]
    assert type_mime == "text/html" and "Matinale réservée" in html
    assert ParticipationEvenement.objects.get(user=membre, evenement=evenement).rappel_envoye_le

    sortie = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels_evenements", stdout=sortie)
    assert json.loads(sortie.getvalue()) == {"rappels": 0}
    assert len(mail.outbox) == 1


# --- calendar -----------------------------------------------------------------------------


def _deplier(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_ics_is_rfc5545(communaute, gens):
    evenement = _evenement(
        communaute,
        gens.animateur,
        titre="Séminaire ; accueil, orientation et suivi des publics " * 3,
        debut=datetime.datetime(2031, 3, 4, 9, 30, tzinfo=datetime.UTC),
        fin=datetime.datetime(2031, 3, 4, 12, 0, tzinfo=datetime.UTC),
    )
    ics = evenement_ics([evenement], user=gens.animateur)
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert all(len(ligne.encode()) <= 75 for ligne in ics.split("\r\n"))
    lignes = _deplier(ics)
    assert lignes[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Maillage//Communautes//FR"]
    assert f"UID:evenement-{evenement.pk}@maillage" in lignes
    assert "DTSTART:20310304T093000Z" in lignes and "DTEND:20310304T120000Z" in lignes
    resume = next(ligne for ligne in lignes if ligne.startswith("SUMMARY:"))
    assert resume.startswith("SUMMARY:Séminaire \\; accueil\\, orientation")
    assert "LOCATION:https://visio.exemple.fr/cep" in lignes
    assert sum(ligne.startswith("DTSTAMP:") for ligne in lignes) == 1


def test_video_link_in_page_and_ics_only_for_registered_people_and_managers(
    client, communaute, gens
):
    evenement = _evenement(communaute, gens.animateur)
    services.participation_register(user=gens.membre, evenement=evenement)
    ics_url = reverse("communautes:evenement_ics", args=[communaute.slug, evenement.pk])
    lien = "https://visio.exemple.fr/cep"
    for qui, voit in [
        (None, False),
        (gens.exterieur, False),
        (gens.autre_membre, False),
        (gens.membre, True),
        (gens.animateur, True),
    ]:
        client.logout()
        if qui is not None:
            client.force_login(qui)
        page = client.get(evenement.get_absolute_url()).content.decode()
        ics = client.get(ics_url)
        lignes = _deplier(ics.content.decode())
        assert (lien in page) == voit, qui
        assert ("Communiqué aux inscrit·es." in page) != voit, qui
        assert (f"LOCATION:{lien}" in lignes) == voit, qui
        assert (lien in ics.content.decode()) == voit, qui
        assert "private" in ics["Cache-Control"]
        if not voit:
            assert "LOCATION:À distance (lien communiqué aux inscrit·es)" in lignes
    # Once the registration is cancelled, the link goes with it.
    services.participation_cancel(user=gens.membre, evenement=evenement)
    anonyme = AnonymousUser()
    assert not permissions.can_see_visio_link(anonyme, evenement)
    assert not permissions.can_see_visio_link(gens.membre, evenement)
    assert lien not in evenement_ics([evenement], user=gens.membre)


def test_line_breaks_in_an_event_cannot_inject_calendar_lines(communaute, gens):
    evenement = _evenement(
        communaute,
        gens.animateur,
        titre="Matinale\rEND:VEVENT\r\nBEGIN:VEVENT\nSUMMARY:Piège",
        adresse="1 place Bellecour\rEND:VEVENT\r\nBEGIN:VEVENT",
        commune=CommuneFactory(),
        lien="",
    )
    calendrier = icalendar.Calendar.from_ical(evenement_ics([evenement], user=gens.animateur))
    (vevent,) = calendrier.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Matinale\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Piège"
    assert str(vevent["LOCATION"]).startswith("1 place Bellecour\nEND:VEVENT")


def test_ics_download(client, communaute, gens):
    evenement = _evenement(communaute, gens.animateur)
    response = client.get(
        reverse("communautes:evenement_ics", args=[communaute.slug, evenement.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="evenement-{evenement.pk}.ics"'
    assert "BEGIN:VEVENT" in response.content.decode()


# --- pages and dashboard ------------------------------------------------------------------


def test_manager_creates_an_event_through_the_form(client, communaute, gens):
    client.force_login(gens.animateur)
    url = reverse("communautes:evenement_create", args=[communaute.slug])
    assert client.get(url).status_code == 200
    debut = timezone.localtime(_dans(3))
    donnees = {
        "nature": "matinale",
        "titre": "Matinale VAE",
        "description": "<p>Les nouveautés de la VAE.</p>",
        "debut": debut.strftime("%Y-%m-%dT%H:%M"),
        "fin": debut.strftime("%Y-%m-%dT%H:%M"),
        "lien": "https://visio.exemple.fr/vae",
        "capacite": "20",
    }
    response = client.post(url, donnees)
    assert response.status_code == 400
    assert (
        "La fin de l&#x27;événement doit être postérieure à son début." in response.content.decode()
    )
    donnees["fin"] = (debut + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, donnees)
    evenement = Evenement.objects.get()
    assert response.status_code == 302 and response["Location"] == evenement.get_absolute_url()
    assert evenement.capacite == 20

    page = client.get(communaute.get_absolute_url()).content.decode()
    assert "Prochains événements" in page and "Matinale VAE" in page


def test_the_organiser_edits_the_event_and_a_new_date_rearms_the_reminder(client, communaute, gens):
    evenement = _evenement(communaute, gens.animateur)
    participation = services.participation_register(user=gens.membre, evenement=evenement)
    ParticipationEvenement.objects.filter(pk=participation.pk).update(
        rappel_envoye_le=timezone.now()
    )
    url = reverse("communautes:evenement_update", args=[communaute.slug, evenement.pk])
    client.force_login(gens.membre)
    assert client.get(url).status_code == 403
    client.force_login(gens.animateur)
    page = html.unescape(client.get(url).content.decode())
    assert 'value="Café pro : le CEP en pratique"' in page
    debut = timezone.localtime(evenement.debut + datetime.timedelta(days=1))
    response = client.post(
        url,
        {
            "nature": "cafe_pro",
            "titre": "Café pro reporté",
            "description": "<p>Nouvelle date.</p>",
            "debut": debut.strftime("%Y-%m-%dT%H:%M"),
            "fin": (debut + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "lien": "https://visio.exemple.fr/cep",
            "commune": "00000",
        },
    )
    assert response.status_code == 400
    assert "Aucune commune n'a ce code INSEE." in html.unescape(response.content.decode())
    response = client.post(
        url,
        {
            "nature": "cafe_pro",
            "titre": "Café pro reporté",
            "description": "<p>Nouvelle date.</p>",
            "debut": debut.strftime("%Y-%m-%dT%H:%M"),
            "fin": (debut + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "lien": "https://visio.exemple.fr/cep",
        },
    )
    assert response.status_code == 302
    evenement.refresh_from_db()
    assert evenement.publication.titre == "Café pro reporté"
    assert evenement.debut == debut.replace(second=0)
    participation.refresh_from_db()
    assert participation.rappel_envoye_le is None


def test_member_without_permission_is_sent_back(client, communaute, gens):
    client.force_login(gens.membre)
    response = client.get(reverse("communautes:evenement_create", args=[communaute.slug]))
    assert response.status_code == 302


def _page(client, evenement) -> str:
    return html.unescape(client.get(evenement.get_absolute_url()).content.decode())


def test_rsvp_through_the_page(client, communaute, gens):
    evenement = _evenement(communaute, gens.animateur, capacite=1)
    url = reverse("communautes:evenement_participation", args=[communaute.slug, evenement.pk])
    client.force_login(gens.membre)
    assert "Je m'inscris" in _page(client, evenement)
    client.post(url)
    page = _page(client, evenement)
    assert "Vous êtes inscrit·e." in page and "Annuler mon inscription" in page
    client.force_login(gens.autre_membre)
    page = _page(client, evenement)
    assert "Complet : m'inscrire sur la liste d'attente" in page
    client.post(url, follow=True)
    page = _page(client, evenement)
    assert "liste d'attente (rang 1)" in page
    client.force_login(gens.membre)
    client.post(url, {"annuler": "1"})
    assert ParticipationEvenement.objects.get(user=gens.autre_membre).etat == Etat.INSCRIT


def test_list_pages_cost_a_fixed_number_of_queries(
    client, communaute, gens, django_assert_max_num_queries
):
    for jours in range(1, 21):
        EvenementFactory(publication__communaute=communaute, debut=_dans(jours))
        EvenementFactory(publication__communaute=communaute, debut=_dans(-jours))
    client.force_login(gens.membre)
    url = reverse("communautes:evenements", args=[communaute.slug])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count('class="publication-item"') == 20
    with django_assert_max_num_queries(12):
        client.get(url + "?periode=passes")


def test_dashboard_lists_my_upcoming_events(communaute, gens, reservee):
    section = next(p for p in DASHBOARD_PROVIDERS if p.__module__.endswith("evenements.selectors"))
    evenement = _evenement(communaute, gens.animateur, titre="Café pro du mardi")
    services.participation_register(user=gens.membre, evenement=evenement)
    autre, _animateur, membre_reservee, evenement_reserve = reservee
    services.participation_register(user=membre_reservee, evenement=evenement_reserve)
    AdhesionFactory(communaute=autre, user=gens.membre)
    services.participation_register(user=gens.membre, evenement=evenement_reserve)
    communaute_services.communaute_leave(user=gens.membre, communaute=autre)
    items = section(gens.membre).items
    assert [str(item).split(" — ")[-1] for item in items] == ["Café pro du mardi"]
    assert items[0].get_absolute_url() == evenement.get_absolute_url()


# --- changes and cancellation -------------------------------------------------------------


def _ics(evenement) -> list[str]:
    return _deplier(evenement_ics([Evenement.objects.get(pk=evenement.pk)], user=AnonymousUser()))


def test_a_new_date_place_or_link_is_told_to_the_registered_once_per_change(
    communaute, gens, referentiel, django_capture_on_commit_callbacks
):
    evenement = _evenement(communaute, gens.animateur, capacite=1)
    services.participation_register(user=gens.membre, evenement=evenement)
    services.participation_register(user=gens.autre_membre, evenement=evenement)
    assert "SEQUENCE:0" in _ics(evenement)
    donnees = _donnees(debut=evenement.debut, fin=evenement.fin, capacite=1)

    def modifier(**extra):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.evenement_update(
                user=gens.animateur, evenement=evenement, **{**donnees, **extra}
            )

    def notifications():
        return list(
            Notification.objects.filter(cle__startswith=f"evenement:{evenement.pk}:version:")
            .order_by("pk")
            .values_list("destinataire_id", "cle", "texte")
        )

    modifier(titre="Café pro : le CEP au quotidien", description="<p>Autre programme.</p>")
    assert mail.outbox == [] and notifications() == []
    assert Evenement.objects.get(pk=evenement.pk).sequence == 0

    nouveau_debut = evenement.debut + datetime.timedelta(days=2)
    modifier(debut=nouveau_debut, fin=nouveau_debut + datetime.timedelta(hours=2))
    assert [m.to for m in mail.outbox] == [[gens.membre.email]]
    message = mail.outbox[0]
    assert message.subject == "[Maillage] Changement : Café pro : le CEP en pratique"
    assert "change : nouvelle date." in message.body
    assert "https://visio.exemple.fr/cep" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert [(d, c) for d, c, _t in notifications()] == [
        (gens.membre.pk, f"evenement:{evenement.pk}:version:1")
    ]
    assert "nouvelle date" in notifications()[0][2]
    assert "SEQUENCE:1" in _ics(evenement)

    commune = CommuneFactory()
    modifier(
        debut=nouveau_debut,
        fin=nouveau_debut + datetime.timedelta(hours=2),
        lien="",
        adresse="3 place de la Mairie",
        commune=commune,
    )
    assert len(mail.outbox) == 1
    assert "nouveau lieu, nouveau lien de connexion" in mail.outbox[0].body
    assert f"3 place de la Mairie, {commune.nom}" in mail.outbox[0].body
    assert [c for _d, c, _t in notifications()] == [
        f"evenement:{evenement.pk}:version:1",
        f"evenement:{evenement.pk}:version:2",
    ]
    assert "SEQUENCE:2" in _ics(evenement)


def test_cancelling_closes_rsvp_and_tells_everyone_registered_or_waiting(
    communaute, gens, django_capture_on_commit_callbacks
):
    evenement = _evenement(communaute, gens.animateur, capacite=2, titre="Matinale VAE")
    services.participation_register(user=gens.membre, evenement=evenement)
    services.participation_register(user=gens.exterieur, evenement=evenement)
    services.participation_register(user=gens.autre_membre, evenement=evenement)
    parti = AdhesionFactory(communaute=communaute).user
    services.participation_register(user=parti, evenement=evenement)
    services.participation_cancel(user=parti, evenement=evenement)

    with pytest.raises(PermissionDenied):
        services.evenement_cancel(user=gens.membre, evenement=evenement, motif="Non")
    with pytest.raises(ValidationError) as erreur:
        services.evenement_cancel(user=gens.animateur, evenement=evenement, motif="  ")
    assert "motif" in erreur.value.message_dict
    assert not Evenement.objects.get(pk=evenement.pk).annule

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evenement_cancel(
            user=gens.animateur, evenement=evenement, motif="Intervenante malade"
        )
    evenement.refresh_from_db()
    assert evenement.annule and evenement.annule_par == gens.animateur
    assert (evenement.motif_annulation, evenement.sequence) == ("Intervenante malade", 1)

    destinataires = {gens.membre.email, gens.exterieur.email, gens.autre_membre.email}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(destinataires)
    for message in mail.outbox:
        assert message.subject == "[Maillage] Annulé : Matinale VAE"
        assert "est annulé" in message.body and "Motif : Intervenante malade" in message.body
        assert "visio.exemple.fr" not in message.body
        assert "Intervenante malade" in message.alternatives[0][0]
    attente = next(m for m in mail.outbox if m.to == [gens.autre_membre.email])
    assert "Vous étiez sur la liste d'attente" in attente.body

    notifications = Notification.objects.filter(cle=f"evenement:{evenement.pk}:annulation")
    assert {n.destinataire_id: n.communaute_id for n in notifications} == {
        gens.membre.pk: communaute.pk,
        gens.autre_membre.pk: communaute.pk,
        gens.exterieur.pk: None,
    }
    assert all("Intervenante malade" in n.texte for n in notifications)

    nouveau = AdhesionFactory(communaute=communaute).user
    with pytest.raises(ValidationError, match="annulé"):
        services.participation_register(user=nouveau, evenement=evenement)
    with pytest.raises(ValidationError, match="annulé"):
        services.evenement_update(
            user=gens.animateur, evenement=evenement, **_donnees(debut=evenement.debut)
        )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.evenement_cancel(user=gens.animateur, evenement=evenement, motif="Encore")
        services.participation_cancel(user=gens.membre, evenement=evenement)
    assert mail.outbox == []
    assert ParticipationEvenement.objects.get(user=gens.autre_membre).etat == Etat.ATTENTE
    assert Evenement.objects.get(pk=evenement.pk).motif_annulation == "Intervenante malade"

    lignes = _ics(evenement)
    assert "STATUS:CANCELLED" in lignes and "SEQUENCE:1" in lignes
    assert "SUMMARY:Annulé : Matinale VAE" in lignes

    section = next(p for p in DASHBOARD_PROVIDERS if p.__module__.endswith("evenements.selectors"))
    assert str(section(gens.exterieur).items[0]).endswith("Matinale VAE (annulé)")


def test_a_cancelled_event_gets_no_reminder(reservee, django_capture_on_commit_callbacks):
    communaute, animateur, membre, evenement = reservee
    Evenement.objects.filter(pk=evenement.pk).update(debut=_dans(1), fin=_dans(1, 2))
    services.participation_register(user=membre, evenement=evenement)
    services.evenement_cancel(user=animateur, evenement=evenement, motif="Salle indisponible")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evenement_send_reminders() == 0
    assert mail.outbox == []


def test_the_organiser_cancels_through_the_page(client, communaute, gens):
    evenement = _evenement(communaute, gens.animateur, titre="Café pro du jeudi")
    services.participation_register(user=gens.membre, evenement=evenement)
    url = reverse("communautes:evenement_cancel", args=[communaute.slug, evenement.pk])
    client.force_login(gens.membre)
    assert "Annuler l'événement" not in _page(client, evenement)
    assert client.get(url).status_code == 403
    assert client.post(url, {"motif": "Non"}).status_code == 403
    client.force_login(gens.animateur)
    assert "Annuler l'événement" in _page(client, evenement)
    page = html.unescape(client.get(url).content.decode())
    assert "1 personne inscrite" in page and "Motif de l'annulation" in page
    assert client.post(url, {"motif": ""}).status_code == 400
    response = client.post(url, {"motif": "Grève des transports"})
    assert response.status_code == 302 and response["Location"] == evenement.get_absolute_url()
    assert Evenement.objects.get(pk=evenement.pk).annule

    client.force_login(gens.membre)
    page = _page(client, evenement)
    assert "Cet événement est annulé" in page and "Grève des transports" in page
    assert "les inscriptions sont closes" in page and "Annuler mon inscription" not in page
    liste = client.get(reverse("communautes:evenements", args=[communaute.slug])).content
    assert "Annulé" in liste.decode()
    assert "Annulé" in html.unescape(client.get(communaute.get_absolute_url()).content.decode())
    client.force_login(gens.autre_membre)
    client.post(
        reverse("communautes:evenement_participation", args=[communaute.slug, evenement.pk])
    )
    assert not ParticipationEvenement.objects.filter(user=gens.autre_membre).exists()
    client.force_login(gens.animateur)
    edition = reverse("communautes:evenement_update", args=[communaute.slug, evenement.pk])
    assert client.get(edition)["Location"] == evenement.get_absolute_url()
    assert client.get(url)["Location"] == evenement.get_absolute_url()


# --- demo ---------------------------------------------------------------------------------


def test_demo_adds_upcoming_events_with_rsvps_once():
    from maillage.demo.communautes import EVENEMENTS, communautes_provide
    from maillage.demo.comptes import COMPTES

    for compte in COMPTES:
        UserFactory(username=compte.email.split("@")[0], email=compte.email)
    rhone = TerritoireFactory(departement=True, code="69", nom="Rhône")
    CommuneFactory(code_insee="69123", nom="Lyon", departement=rhone)
    communautes_provide(progress=lambda message: None)

    evenements = Evenement.objects.select_related("publication__communaute")
    assert evenements.count() == len(EVENEMENTS) == 3
    assert {e.nature for e in evenements} == set(Evenement.Nature.values) - {"matinale"}
    assert all(e.debut > timezone.now() and not e.annule for e in evenements)
    territoriale = Communaute.objects.get(nature=Communaute.Nature.TERRITORIALE)
    assert territoriale.territoire == rhone
    cafe = evenements.get(nature=Evenement.Nature.CAFE_PRO)
    assert cafe.publication.communaute == territoriale and cafe.commune_id == "69123"
    assert evenements.get(nature=Evenement.Nature.WEB_RDV).publication.communaute.slug == "cep"
    inscrits = ParticipationEvenement.objects.filter(etat=Etat.INSCRIT)
    assert inscrits.count() >= 5 and inscrits.values("evenement").distinct().count() == 3

    comptes = (Evenement.objects.count(), ParticipationEvenement.objects.count())
    publications = Publication.objects.count()
    communautes_provide(progress=lambda message: None)
    assert (Evenement.objects.count(), ParticipationEvenement.objects.count()) == comptes
    assert Publication.objects.count() == publications
