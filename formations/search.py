"""What the formations app puts in the unified index: formations with their open sessions."""

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ressources.search import registry, sync
from ressources.search.registry import FacetSpec, Indexable
from ressources.search.text import html_to_text

from .models import FormationPage, RegionPage, Session

FORMATION_LABEL = FormationPage._meta.label_lower


def _open_sessions() -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=Session.objects.filter(etat=Session.Etat.OUVERTE).select_related(
            "commune__departement__parent"
        ),
        to_attr="search_sessions",
    )


def _queryset():
    return (
        FormationPage.objects.live()
        .public()
        .prefetch_related("publics", "thematiques", "reseaux_cibles", _open_sessions())
    )


def _month(day: datetime.date) -> str:
    # "202703", not "2027-03": OpenSearch would map a date-like facet value as a date.
    return day.strftime("%Y%m")


def _region_code(page: FormationPage) -> str:
    region = RegionPage.objects.ancestor_of(page).select_related("territoire").first()
    return region.territoire.code if region is not None else ""


def formation_document(page: FormationPage) -> dict:
    """Title, texts, vocabularies and the open sessions (dates and places) of one formation."""
    sessions = page.search_sessions
    starts = sorted(s.date_debut for s in sessions if s.date_debut)
    departements = [s.commune.departement for s in sessions if s.commune_id]
    places = [s.ville or (s.commune.nom if s.commune_id else "") for s in sessions]
    return {
        "title": page.title,
        "url": page.get_url() or "",
        # The latest open session: formations still to come sort first.
        "date": (
            timezone.make_aware(datetime.datetime.combine(starts[-1], datetime.time.min))
            if starts
            else None
        ),
        "keywords": " ".join(
            [
                page.get_modalite_display(),
                page.organisme,
                page.fonctions_cibles,
                *(item.nom for item in page.publics.all()),
                *(item.nom for item in page.thematiques.all()),
                *(item.nom for item in page.reseaux_cibles.all()),
                *places,
                *(date_format(day, "j F Y") for day in starts),
            ]
        ).strip(),
        "body": " ".join(
            part
            for part in (
                html_to_text(page.objectifs),
                html_to_text(page.resultats_attendus),
                html_to_text(page.contenu),
                page.prerequis,
            )
            if part
        ),
        "facets": {
            # 0 (présentiel) is a real value: kept as a string so it is not dropped as empty.
            "modalite": [str(page.modalite)],
            "thematique": [item.slug for item in page.thematiques.all()],
            "public": [item.slug for item in page.publics.all()],
            "reseau": [item.slug for item in page.reseaux_cibles.all()],
            "region": [
                _region_code(page),
                *(d.parent.code for d in departements if d.parent_id),
            ],
            "departement": [d.code for d in departements],
            "mois": [_month(day) for day in starts],
        },
    }


def _months(values: Iterable[str]) -> dict[str, str]:
    labels = {}
    for value in values:
        try:
            day = datetime.datetime.strptime(value, "%Y%m").date()
        except (TypeError, ValueError):
            continue
        labels[value] = date_format(day, "F Y")
    return labels


def _modalites(values: Iterable[str]) -> dict[str, str]:
    labels = {str(value): label for value, label in FormationPage.Modalite.choices}
    return {value: str(labels[value]) for value in values if value in labels}


def _on_session_change(sender, instance, raw=False, **kwargs):
    """A session lives in its formation's document: that document is synced after commit."""
    if not raw and instance.formation_id:
        sync.schedule(FORMATION_LABEL, instance.formation_id)


def register() -> None:
    registry.register(
        Indexable(
            model=FormationPage,
            type="formation",
            type_label=_("Formation"),
            queryset=_queryset,
            to_document=formation_document,
        )
    )
    registry.register_facet(FacetSpec("modalite", _("Modalité"), _modalites))
    registry.register_facet(FacetSpec("mois", _("Mois de session"), _months))
    for signal in (post_save, post_delete):
        signal.connect(
            _on_session_change,
            sender=Session,
            dispatch_uid=f"formations.search.session.{id(signal)}",
            weak=False,
        )
