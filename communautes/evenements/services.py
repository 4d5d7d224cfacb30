"""Writes of community events: create, edit, RSVP with capacity and waiting list, reminders."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communautes import selectors as communaute_selectors
from communautes import services
from communautes.models import (
    Adhesion,
    Communaute,
    Evenement,
    Notification,
    ParticipationEvenement,
    Publication,
)
from communautes.notifications.services import notification_create_for_members

from . import selectors
from .tasks import envoyer_courriel_participation

Etat = ParticipationEvenement.Etat


def _courriels_apres_commit(participation_ids: list[int], modele: str) -> None:
    def envoyer() -> None:
        for participation_id in participation_ids:
            envoyer_courriel_participation.enqueue(participation_id, modele)

    if participation_ids:
        transaction.on_commit(envoyer)


def _notifier_creation(evenement: Evenement, *, auteur) -> None:
    publication = evenement.publication
    notification_create_for_members(
        communaute=publication.communaute,
        nature=Notification.Nature.EVENEMENT,
        texte=_("Nouvel événement : %(titre)s, le %(date)s")
        % {
            "titre": publication.titre,
            "date": date_format(timezone.localtime(evenement.debut), "DATETIME_FORMAT"),
        },
        lien=evenement.get_absolute_url(),
        publication=publication,
        acteur=auteur,
        cle=f"evenement:{evenement.pk}",
    )


def check_can_organise(*, user, communaute: Communaute) -> None:
    adhesion = services.check_active_member(user=user, communaute=communaute)
    services.check_open(communaute=communaute)
    if not (adhesion.est_animateur or communaute.evenements_par_membres):
        raise PermissionDenied(
            _("Dans cette communauté, seuls les animateurs peuvent proposer un événement.")
        )


def check_can_attend(*, user, evenement: Evenement) -> None:
    communaute = evenement.publication.communaute
    if not selectors.can_see_evenement(user=user, evenement=evenement):
        raise PermissionDenied(_("Vous ne pouvez pas vous inscrire à cet événement."))
    adhesion = communaute_selectors.adhesion_for(user=user, communaute=communaute)
    if adhesion is not None and adhesion.etat == Adhesion.Etat.BANNIE:
        raise PermissionDenied(_("Vous avez été exclu·e de cette communauté."))
    services.check_open(communaute=communaute)
    if evenement.fin <= timezone.now():
        raise ValidationError(_("Cet événement est terminé : les inscriptions sont closes."))


def _valider(evenement: Evenement) -> None:
    evenement.adresse = (evenement.adresse or "").strip()
    evenement.lien = (evenement.lien or "").strip()
    evenement.full_clean(exclude=["publication"])


@transaction.atomic
def evenement_create(
    *,
    auteur,
    communaute: Communaute,
    nature: str,
    titre: str,
    description: str,
    debut: datetime.datetime,
    fin: datetime.datetime,
    adresse: str = "",
    commune=None,
    lien: str = "",
    capacite: int | None = None,
) -> Evenement:
    """Create an event and its publication, which announces it in the community's stream."""
    check_can_organise(user=auteur, communaute=communaute)
    evenement = Evenement(
        nature=nature,
        debut=debut,
        fin=fin,
        adresse=adresse,
        commune=commune,
        lien=lien,
        capacite=capacite,
    )
    _valider(evenement)
    if debut <= timezone.now():
        raise ValidationError(
            {"debut": _("Un nouvel événement ne peut pas commencer dans le passé.")}
        )
    evenement.publication = services.publication_create(
        auteur=auteur,
        communaute=communaute,
        titre=titre,
        corps=description,
        nature=Publication.Nature.EVENEMENT,
    )
    evenement.save()
    _notifier_creation(evenement, auteur=auteur)
    return evenement


@transaction.atomic
def evenement_update(
    *,
    user,
    evenement: Evenement,
    nature: str,
    titre: str,
    description: str,
    debut: datetime.datetime,
    fin: datetime.datetime,
    adresse: str = "",
    commune=None,
    lien: str = "",
    capacite: int | None = None,
) -> Evenement:
    """Its organiser (or a manager) edits an event; more places promote the waiting list."""
    evenement = (
        Evenement.objects.select_for_update(of=("self",))
        .select_related("publication__communaute")
        .get(pk=evenement.pk)
    )
    services.publication_update(
        user=user, publication=evenement.publication, titre=titre, corps=description
    )
    if debut != evenement.debut:
        # A new date deserves a new reminder.
        evenement.participations.update(rappel_envoye_le=None)
    evenement.nature, evenement.debut, evenement.fin = nature, debut, fin
    evenement.adresse, evenement.commune, evenement.lien = adresse, commune, lien
    evenement.capacite = capacite
    _valider(evenement)
    inscrits = evenement.participations.filter(etat=Etat.INSCRIT).count()
    if capacite is not None and capacite < inscrits:
        raise ValidationError(
            {
                "capacite": _(
                    "%(n)d personnes sont déjà inscrites : le nombre de places ne peut pas "
                    "être inférieur."
                )
                % {"n": inscrits}
            }
        )
    evenement.save()
    _courriels_apres_commit(_promouvoir(evenement), "promotion")
    return evenement


def eligibles(queryset: QuerySet, *, communaute: Communaute) -> QuerySet:
    """Participations of people who may still see the community's events."""
    adhesions = Adhesion.objects.filter(communaute=communaute, user=OuterRef("user"))
    queryset = queryset.exclude(Exists(adhesions.filter(etat=Adhesion.Etat.BANNIE)))
    if communaute.visibilite != Communaute.Visibilite.PUBLIQUE:
        queryset = queryset.filter(Exists(adhesions.filter(etat=Adhesion.Etat.ACTIVE)))
    return queryset


def _promouvoir(evenement: Evenement) -> list[int]:
    """Give the free places to the waiting list, first come first served; return their ids.

    The caller holds the event's row lock."""
    attente = evenement.participations.select_for_update().filter(etat=Etat.ATTENTE)
    if evenement.capacite is None:
        libres = attente.count()
    else:
        inscrits = evenement.participations.filter(etat=Etat.INSCRIT).count()
        libres = evenement.capacite - inscrits
    if libres <= 0:
        return []
    communaute = evenement.publication.communaute
    suivants = list(
        eligibles(attente, communaute=communaute).order_by("position", "cree_le", "pk")[:libres]
    )
    for participation in suivants:
        participation.etat = Etat.INSCRIT
        participation.position = None
        participation.save(update_fields=["etat", "position", "modifie_le"])
    return [participation.pk for participation in suivants]


def _verrouiller(evenement: Evenement) -> Evenement:
    # The event row lock serialises every RSVP of this event: never more than its capacity.
    return (
        Evenement.objects.select_for_update(of=("self",))
        .select_related("publication__communaute")
        .get(pk=evenement.pk)
    )


@transaction.atomic
def participation_register(*, user, evenement: Evenement) -> ParticipationEvenement:
    """Register `user`: a place while some remain, else the waiting list. Idempotent."""
    evenement = _verrouiller(evenement)
    participation = ParticipationEvenement.objects.filter(evenement=evenement, user=user).first()
    if participation is not None and participation.etat != Etat.ANNULE:
        return participation
    check_can_attend(user=user, evenement=evenement)
    inscrits = evenement.participations.filter(etat=Etat.INSCRIT).count()
    if evenement.capacite is None or inscrits < evenement.capacite:
        etat, position = Etat.INSCRIT, None
    else:
        derniere = evenement.participations.filter(etat=Etat.ATTENTE).aggregate(m=Max("position"))
        etat, position = Etat.ATTENTE, (derniere["m"] or 0) + 1
    if participation is None:
        participation = ParticipationEvenement(evenement=evenement, user=user)
    participation.etat, participation.position = etat, position
    participation.rappel_envoye_le = None
    participation.save()
    return participation


@transaction.atomic
def participation_cancel(*, user, evenement: Evenement) -> ParticipationEvenement | None:
    """Cancel one's RSVP; a freed place goes to the first of the waiting list. Idempotent."""
    evenement = _verrouiller(evenement)
    participation = (
        ParticipationEvenement.objects.select_for_update()
        .filter(evenement=evenement, user=user)
        .first()
    )
    if participation is None or participation.etat == Etat.ANNULE:
        return participation
    liberait_une_place = participation.etat == Etat.INSCRIT
    participation.etat, participation.position = Etat.ANNULE, None
    participation.save(update_fields=["etat", "position", "modifie_le"])
    if liberait_une_place and evenement.fin > timezone.now():
        _courriels_apres_commit(_promouvoir(evenement), "promotion")
    return participation


def evenement_send_reminders(*, maintenant: datetime.datetime | None = None) -> int:
    """Remind registered participants of events starting before the end of tomorrow.

    Each participation is reminded once (recorded before the e-mail is queued); several
    runs at once share the work through SKIP LOCKED. Run it once a day."""
    maintenant = maintenant or timezone.now()
    demain = timezone.localtime(maintenant).date() + datetime.timedelta(days=1)
    limite = timezone.make_aware(datetime.datetime.combine(demain, datetime.time.max))
    envoyes = 0
    communautes = Communaute.objects.filter(
        publications__evenement__debut__gt=maintenant,
        publications__evenement__debut__lte=limite,
        publications__masquee=False,
    ).distinct()
    for communaute in communautes:
        with transaction.atomic():
            participations = eligibles(
                ParticipationEvenement.objects.select_for_update(
                    skip_locked=True, of=("self",)
                ).filter(
                    etat=Etat.INSCRIT,
                    rappel_envoye_le__isnull=True,
                    evenement__publication__communaute=communaute,
                    evenement__publication__masquee=False,
                    evenement__debut__gt=maintenant,
                    evenement__debut__lte=limite,
                ),
                communaute=communaute,
            )
            ids = list(participations.values_list("pk", flat=True))
            ParticipationEvenement.objects.filter(pk__in=ids).update(rappel_envoye_le=maintenant)
            _courriels_apres_commit(ids, "rappel")
        envoyes += len(ids)
    return envoyes
