"""Writes of community events: create, edit, cancel, RSVP with a waiting list, reminders."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communautes import permissions, services
from communautes.models import (
    Adhesion,
    Communaute,
    Evenement,
    Notification,
    ParticipationEvenement,
    Publication,
)
from communautes.notifications.selectors import recipients_allowed
from communautes.notifications.services import (
    notification_create_for_members,
    notification_create_many,
)
from maillage.liste_attente import waitlist_promote

from . import selectors
from .tasks import envoyer_courriel_participation

Etat = ParticipationEvenement.Etat


def _courriels_apres_commit(
    participation_ids: list[int], modele: str, changements: list[str] | None = None
) -> None:
    def envoyer() -> None:
        for participation_id in participation_ids:
            envoyer_courriel_participation.enqueue(participation_id, modele, changements or [])

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
            "date": _quand(evenement),
        },
        lien=evenement.get_absolute_url(),
        publication=publication,
        acteur=auteur,
        cle=f"evenement:{evenement.pk}",
    )


def _notifier_participants(
    evenement: Evenement, participations: QuerySet, *, texte: str, cle: str, acteur
) -> list[int]:
    """Tell `participations` (but the author of the change) in the app: members under the
    community, outsiders registered to a public event without it. Returns the participation
    ids, for the e-mails."""
    communaute = evenement.publication.communaute
    lignes = list(
        eligibles(participations, communaute=communaute)
        .exclude(user=acteur)
        .values_list("pk", "user_id")
    )
    user_ids = {user_id for _pk, user_id in lignes}
    membres = recipients_allowed(user_ids=user_ids, communaute_id=communaute.pk)
    for destinataires, portee in ((membres, communaute), (user_ids - membres, None)):
        notification_create_many(
            destinataire_ids=destinataires,
            nature=Notification.Nature.EVENEMENT,
            texte=texte,
            lien=evenement.get_absolute_url(),
            communaute=portee,
            publication=evenement.publication,
            acteur=acteur,
            cle=cle,
        )
    return [pk for pk, _user_id in lignes]


def _quand(evenement: Evenement) -> str:
    return date_format(timezone.localtime(evenement.debut), "DATETIME_FORMAT")


def check_can_organise(*, user, communaute: Communaute) -> None:
    """`permissions.can_propose_evenement`, refused with the reason of the first rule not met."""
    adhesion = services.check_can_post(user=user, communaute=communaute)
    if not permissions.can_propose_evenement(user, communaute, adhesion=adhesion):
        raise PermissionDenied(
            _("Dans cette communauté, seuls les animateurs peuvent proposer un événement.")
        )


def check_can_attend(*, user, evenement: Evenement) -> None:
    communaute = evenement.publication.communaute
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_see_evenement(user, evenement, adhesion=adhesion):
        raise PermissionDenied(_("Vous ne pouvez pas vous inscrire à cet événement."))
    if adhesion is not None and adhesion.etat == Adhesion.Etat.BANNIE:
        raise PermissionDenied(_("Vous avez été exclu·e de cette communauté."))
    services.check_open(communaute=communaute)
    if evenement.annule:
        raise ValidationError(_("Cet événement est annulé : les inscriptions sont closes."))
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
    """Its organiser (or a manager) edits an event; more places promote the waiting list.

    A new date, place or link is told to the registered participants and raises the
    calendar SEQUENCE."""
    evenement = _verrouiller(evenement)
    if evenement.annule:
        raise ValidationError(_("Cet événement est annulé : il ne peut plus être modifié."))
    services.publication_update(
        user=user, publication=evenement.publication, titre=titre, corps=description
    )
    changements = [
        libelle
        for libelle, avant, apres in (
            (_("nouvelle date"), (evenement.debut, evenement.fin), (debut, fin)),
            (
                _("nouveau lieu"),
                (evenement.adresse.strip(), evenement.commune_id),
                ((adresse or "").strip(), commune.pk if commune else None),
            ),
            (_("nouveau lien de connexion"), evenement.lien.strip(), (lien or "").strip()),
        )
        if avant != apres
    ]
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
    if changements:
        evenement.sequence += 1
    evenement.save()
    promus = _promouvoir(evenement)
    _courriels_apres_commit(promus, "promotion")
    if changements:
        _signaler_changements(evenement, changements, acteur=user, deja_prevenus=promus)
    return evenement


def _signaler_changements(
    evenement: Evenement, changements: list[str], *, acteur, deja_prevenus: list[int]
) -> None:
    """One notification and one e-mail per registered participant for this change; those
    just promoted from the waiting list already get the up-to-date details."""
    inscrits = evenement.participations.filter(etat=Etat.INSCRIT).exclude(pk__in=deja_prevenus)
    ids = _notifier_participants(
        evenement,
        inscrits,
        texte=_("Changement pour « %(titre)s » : %(changements)s. Rendez-vous le %(date)s.")
        % {
            "titre": evenement.publication.titre,
            "changements": ", ".join(changements),
            "date": _quand(evenement),
        },
        cle=f"evenement:{evenement.pk}:version:{evenement.sequence}",
        acteur=acteur,
    )
    _courriels_apres_commit(ids, "modification", changements)


@transaction.atomic
def evenement_cancel(*, user, evenement: Evenement, motif: str) -> Evenement:
    """Its organiser (or a manager) cancels an event: RSVP closes, and everyone registered
    or waiting is told in the app and by e-mail. Idempotent."""
    evenement = _verrouiller(evenement)
    if not permissions.can_edit_publication(user, evenement.publication):
        raise PermissionDenied(_("Seuls l'organisateur et les animateurs peuvent annuler."))
    if evenement.annule:
        return evenement
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": _("Indiquez aux participant·es le motif de l'annulation.")})
    if evenement.fin <= timezone.now():
        raise ValidationError(_("Cet événement est terminé : il ne peut plus être annulé."))
    evenement.annule_le, evenement.annule_par = timezone.now(), user
    evenement.motif_annulation = motif
    evenement.sequence += 1
    evenement.full_clean(exclude=["publication"])
    evenement.save()
    ids = _notifier_participants(
        evenement,
        evenement.participations.filter(etat__in=selectors.ETATS_ACTIFS),
        texte=_("Annulé : « %(titre)s », prévu le %(date)s. Motif : %(motif)s")
        % {"titre": evenement.publication.titre, "date": _quand(evenement), "motif": motif},
        cle=f"evenement:{evenement.pk}:annulation",
        acteur=user,
    )
    _courriels_apres_commit(ids, "annulation")
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

    Only people who may still see the community's events take a place (`eligibles`); the
    others keep waiting. The caller holds the event's row lock."""
    libres = None
    if evenement.capacite is not None:
        inscrits = evenement.participations.filter(etat=Etat.INSCRIT).count()
        libres = evenement.capacite - inscrits
    promus, _ecartes = waitlist_promote(
        attente=eligibles(
            evenement.participations.filter(etat=Etat.ATTENTE),
            communaute=evenement.publication.communaute,
        ),
        places=libres,
        valeurs={"etat": Etat.INSCRIT},
    )
    return [participation.pk for participation in promus]


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
    if liberait_une_place and not evenement.annule and evenement.fin > timezone.now():
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
        publications__evenement__annule_le__isnull=True,
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
                    evenement__annule_le__isnull=True,
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
