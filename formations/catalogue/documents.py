"""What the formations app puts in search: formations with their open sessions in the unified
index, and the documents of the catalogue's own sessions index (`engine`)."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site
from wagtail.signals import page_published

from recherche import registry, sync
from recherche.registry import FacetSpec, Indexable, SearchIndex
from recherche.text import html_to_text

from ..models import FormationPage, Inscription, Session
from .database import point_session, region_de, regions_par_chemin, vocabulaires_par_formation
from .engine import SESSIONS_INDEX

SESSIONS_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "pk": {"type": "integer"},
        "formation": {"type": "integer"},
        "date_debut": {"type": "date"},
        "date_fin": {"type": "date"},
        "mois": {"type": "keyword"},
        "region": {"type": "keyword"},
        "departement": {"type": "keyword"},
        "thematique": {"type": "keyword"},
        "public": {"type": "keyword"},
        "reseau": {"type": "keyword"},
        "modalite": {"type": "integer"},
        "places": {"type": "integer"},
        "location": {"type": "geo_point"},
    },
}

FORMATION_LABEL = FormationPage._meta.label_lower
SESSION_LABEL = Session._meta.label_lower


def _open_sessions() -> Prefetch:
    return Prefetch(
        "sessions",
        queryset=Session.objects.filter(etat=Session.Etat.OUVERTE)
        .defer("extras")
        .select_related("commune__departement__parent"),
        to_attr="search_sessions",
    )


def _queryset():
    # The LHEO extras, the heaviest column of formations and sessions, are never indexed.
    return (
        FormationPage.objects.live()
        .public()
        .defer("extras")
        .prefetch_related("publics", "thematiques", "reseaux_cibles", _open_sessions())
    )


class _SiteRootPaths:
    """Stands for a request in `Page.get_url`, only to share Wagtail's site root paths: one
    cache read per batch of documents instead of one per page. It names no site, so URLs come
    out exactly as with no request."""

    def __init__(self):
        self._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        self._wagtail_site = None


def _prepare(pages: list[FormationPage]) -> None:
    """The région of every page (its highest RegionPage ancestor) in one query for them all."""
    regions = regions_par_chemin()
    racines = _SiteRootPaths()
    for page in pages:
        page.search_region = (region_de(regions, page.path) or ("",))[0]
        page.search_site_root_paths = racines


def formation_document(page: FormationPage) -> dict:
    """Title, texts, vocabularies and the open sessions (dates and places) of one formation."""
    sessions = page.search_sessions
    starts = sorted(s.date_debut for s in sessions if s.date_debut)
    departements = [s.commune.departement for s in sessions if s.commune_id]
    places = [s.ville or (s.commune.nom if s.commune_id else "") for s in sessions]
    return {
        "title": page.title,
        "url": page.get_url(request=getattr(page, "search_site_root_paths", None)) or "",
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
                page.search_region,
                *(d.parent.code for d in departements if d.parent_id),
            ],
            "departement": [d.code for d in departements],
            "mois": [day.strftime("%Y-%m") for day in starts],
        },
    }


def _months(values: Iterable[str]) -> dict[str, str]:
    labels = {}
    for value in values:
        try:
            day = datetime.datetime.strptime(value, "%Y-%m").date()
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


def _sessions_queryset():
    """Every session the catalogue may show, whatever its dates (checked at query time)."""
    return (
        Session.objects.filter(etat=Session.Etat.OUVERTE, formation__live=True)
        .select_related("formation", "commune__departement")
        .defer("extras", "formation__extras")
        .annotate(
            occupees=Count(
                "inscriptions",
                filter=Q(inscriptions__etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE),
            )
        )
        .order_by("pk")
    )


def _prepare_sessions(sessions: list[Session]) -> None:
    """The région of every session and its formation's vocabularies, in two queries for all."""
    if not sessions:
        return
    regions = regions_par_chemin()
    vocabulaires, _libelles = vocabulaires_par_formation({s.formation_id for s in sessions})
    for session in sessions:
        session.search_region = (region_de(regions, session.formation.path) or (None,))[0]
        session.search_vocabulaires = vocabulaires.get(session.formation_id, {})


def session_document(session: Session) -> dict:
    """What the catalogue filters, counts and sorts a session on."""
    point = point_session(session)
    document = {
        "pk": session.pk,
        "formation": session.formation_id,
        "date_debut": session.date_debut,
        "date_fin": session.date_fin,
        "mois": session.date_debut.strftime("%Y%m") if session.date_debut else None,
        "region": session.search_region,
        "departement": session.commune.departement.code if session.commune_id else None,
        "modalite": session.formation.modalite,
        "places": session.capacite - session.occupees,
        "location": {"lat": point[0], "lon": point[1]} if point else None,
    }
    for nom, slugs in session.search_vocabulaires.items():
        document[nom] = sorted(slugs)
    return document


def _sessions_of_formations(formation_pks: list[str]):
    """A formation's page shows in its sessions' documents (publication, place, vocabularies)."""
    return Session.objects.filter(formation_id__in=formation_pks).values_list("pk", flat=True)


def _on_inscription_change(sender, instance, raw=False, **kwargs):
    """The places left of its session change."""
    if not raw and instance.session_id:
        sync.schedule(SESSION_LABEL, instance.session_id)


def _on_page_published(sender, instance, **kwargs):
    """A page above formations (a région's) may change what their documents and their
    sessions' show: they are synced. A formation's own save already schedules it."""
    if not isinstance(instance, FormationPage):
        sync.schedule_many(
            FORMATION_LABEL,
            FormationPage.objects.filter(path__startswith=instance.path).values_list(
                "pk", flat=True
            ),
        )


def register() -> None:
    registry.register_index(SearchIndex(SESSIONS_INDEX, SESSIONS_MAPPING))
    registry.register(
        Indexable(
            model=FormationPage,
            type="formation",
            type_label=_("Formation"),
            queryset=_queryset,
            to_document=formation_document,
            prepare=_prepare,
        )
    )
    registry.register(
        Indexable(
            model=Session,
            index=SESSIONS_INDEX,
            queryset=_sessions_queryset,
            to_document=session_document,
            prepare=_prepare_sessions,
            depends_on={FORMATION_LABEL: _sessions_of_formations},
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
        signal.connect(
            _on_inscription_change,
            sender=Inscription,
            dispatch_uid=f"formations.search.sessions_index.inscription.{id(signal)}",
            weak=False,
        )
    page_published.connect(
        _on_page_published, dispatch_uid="formations.search.page_published", weak=False
    )
