"""Reads of community events; every read takes the user it reads for."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from communautes import permissions
from communautes.models import Adhesion, Communaute, Evenement, ParticipationEvenement

Etat = ParticipationEvenement.Etat
ETATS_ACTIFS = (Etat.INSCRIT, Etat.ATTENTE)


class Periode:
    A_VENIR = "a-venir"
    PASSES = "passes"
    CHOICES = (A_VENIR, PASSES)


def _evenements(*, user, communaute: Communaute, adhesion=permissions.NOT_READ) -> QuerySet:
    queryset = (
        Evenement.objects.filter(publication__communaute=communaute)
        .select_related("publication__communaute", "commune")
        .annotate(
            nb_inscrits=Count("participations", filter=Q(participations__etat=Etat.INSCRIT)),
            nb_attente=Count("participations", filter=Q(participations__etat=Etat.ATTENTE)),
        )
    )
    if not permissions.can_moderate(user, communaute, adhesion=adhesion):
        queryset = queryset.filter(publication__masquee=False)
    return queryset


def evenement_list(
    *, user, communaute: Communaute, periode: str = Periode.A_VENIR, limit: int = 50
) -> list[Evenement]:
    """Upcoming events (soonest first) or past ones (latest first), in one query."""
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_read_community(user, communaute, adhesion=adhesion):
        return []
    queryset = _evenements(user=user, communaute=communaute, adhesion=adhesion)
    maintenant = timezone.now()
    if periode == Periode.PASSES:
        queryset = queryset.filter(fin__lt=maintenant).order_by("-debut", "-pk")
    else:
        queryset = queryset.filter(fin__gte=maintenant).order_by("debut", "pk")
    return list(queryset[:limit])


def evenement_get_for(*, user, communaute: Communaute, pk: int) -> Evenement:
    """An event with its counts and the user's RSVP; Evenement.DoesNotExist when not allowed."""
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_read_community(user, communaute, adhesion=adhesion):
        raise Evenement.DoesNotExist
    evenement = _evenements(user=user, communaute=communaute, adhesion=adhesion).get(pk=pk)
    evenement.ma_participation = (
        ParticipationEvenement.objects.filter(evenement=evenement, user=user).first()
        if user.is_authenticated
        else None
    )
    participation = evenement.ma_participation
    evenement.rang_attente = (
        evenement.participations.filter(
            etat=Etat.ATTENTE, position__lte=participation.position
        ).count()
        if participation is not None and participation.etat == Etat.ATTENTE
        else None
    )
    evenement.peut_modifier = user.is_authenticated and permissions.can_edit_publication(
        user, evenement.publication, adhesion=adhesion
    )
    evenement.voit_lien = permissions.can_see_visio_link(user, evenement, adhesion=adhesion)
    evenement.termine = evenement.fin <= timezone.now()
    return evenement


def participants_list(*, user, evenement: Evenement) -> list[ParticipationEvenement]:
    """Who registered or waits, for the organiser and the managers only."""
    if not (
        user.is_authenticated and permissions.can_edit_publication(user, evenement.publication)
    ):
        return []
    return list(
        evenement.participations.filter(etat__in=ETATS_ACTIFS)
        .select_related("user")
        .order_by("etat", "position", "cree_le", "pk")
    )


def participations_a_venir(*, user, limit: int = 10) -> list[ParticipationEvenement]:
    """The user's RSVPs to events not yet over, in communities they may still see."""
    if not user.is_authenticated:
        return []
    adhesions = Adhesion.objects.filter(
        communaute=OuterRef("evenement__publication__communaute"), user=user
    )
    return list(
        ParticipationEvenement.objects.filter(
            user=user,
            etat__in=ETATS_ACTIFS,
            evenement__fin__gte=timezone.now(),
            evenement__publication__masquee=False,
        )
        .filter(
            Q(evenement__publication__communaute__visibilite=Communaute.Visibilite.PUBLIQUE)
            | Q(Exists(adhesions.filter(etat=Adhesion.Etat.ACTIVE)))
        )
        .exclude(Exists(adhesions.filter(etat=Adhesion.Etat.BANNIE)))
        .select_related("evenement__publication__communaute")
        .order_by("evenement__debut", "pk")[:limit]
    )


@dataclass
class ProchainEvenement:
    """One line of the dashboard block: date, title, and the waiting list when it applies."""

    libelle: str
    url: str

    def __str__(self) -> str:
        return self.libelle

    def get_absolute_url(self) -> str:
        return self.url


def dashboard_section(user):
    """The "my upcoming events" block of the personal dashboard."""
    from django.urls import reverse

    from maillage.selectors import DashboardSection

    items = []
    for participation in participations_a_venir(user=user):
        evenement = participation.evenement
        quand = date_format(timezone.localtime(evenement.debut), "DATETIME_FORMAT")
        libelle = f"{quand} — {evenement.publication.titre}"
        if evenement.annule:
            libelle += " " + gettext("(annulé)")
        elif participation.etat == Etat.ATTENTE:
            libelle += " " + gettext("(liste d'attente)")
        items.append(ProchainEvenement(libelle=libelle, url=evenement.get_absolute_url()))
    return DashboardSection(
        key="evenements",
        title=gettext("Mes prochains événements"),
        items=items,
        empty_message=gettext(
            "Vous n'êtes inscrit·e à aucun événement à venir : cafés pro, matinales et web "
            "rendez-vous sont annoncés dans vos communautés."
        ),
        action_label=gettext("Mes communautés"),
        action_url=reverse("communautes:list"),
    )
