"""The formations blocks of the personal dashboard: my enrolments, the sessions I train,
the programmes of my région; each row carries the links to what can be done now."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage import roles
from maillage.mixite import origines
from maillage.models import JetonCalendrier
from maillage.selectors import DashboardSection, calendar_token_active

from . import services
from .models import (
    CatalogueIndexPage,
    Evaluation,
    Inscription,
    ProgrammePage,
    RegionPage,
    Session,
)

MAX_LIGNES = 10
# Other apps add their own rows to « Rencontrez les autres réseaux » (a practice-analysis
# group with room left, say): each provider takes the user and their `Origine` and returns
# `Ligne`s. They register in their AppConfig, so formations never imports them.
RENCONTRE_PROVIDERS: list = []
PASSEES_JOURS = 180
Etat = Inscription.Etat


@dataclass
class Lien:
    label: str
    url: str
    post: bool = False


@dataclass
class Ligne:
    titre: str
    url: str
    dates: str
    lieu: str
    etat: str = ""
    etat_code: str = ""
    liens: list[Lien] = field(default_factory=list)

    def ajouter(self, lien: Lien | None) -> None:
        if lien is not None:
            self.liens.append(lien)


def _dates(session: Session) -> str:
    debut, fin = session.date_debut, session.date_fin
    if debut is None:
        return str(_("Dates à venir"))
    if fin and fin != debut:
        return _("du %(debut)s au %(fin)s") % {
            "debut": debut.strftime("%d/%m/%Y"),
            "fin": fin.strftime("%d/%m/%Y"),
        }
    return debut.strftime("%d/%m/%Y")


def _lieu(session: Session) -> str:
    return session.ville or (str(_("À distance")) if session.lien_distanciel else "")


class _Routes:
    """The session routes of /catalogue/, and the catalogue page's URL (for formation
    links), read once per dashboard."""

    def __init__(self):
        self.page = CatalogueIndexPage.objects.live().order_by("path").first()
        self.base = self.page.url if self.page else None

    def __call__(self, nom: str, *args) -> str:
        return reverse(f"formations:{nom}", args=list(args))

    def lien(self, label, nom: str, *args, post: bool = False) -> Lien:
        return Lien(label, self(nom, *args), post=post)


def _liens_apres_session(inscription: Inscription, routes: _Routes) -> list[Lien]:
    """The attestation and the questionnaires a participant can reach now."""
    session = inscription.session
    liens = []
    if services.attestation_refus(inscription=inscription) is None:
        liens.append(
            routes.lien(_("Télécharger mon attestation"), "attestation_telecharger", session.pk)
        )
    repondues = {e.type for e in inscription.evaluations.all() if e.repondu_le is not None}
    for type_, label in (
        (Evaluation.Type.SATISFACTION, _("Donner mon avis sur la session")),
        (Evaluation.Type.SUIVI, _("Dire ce que la formation m'a apporté")),
    ):
        ouvert = services.evaluation_refus(inscription=inscription, type=type_) is None
        if ouvert and type_ not in repondues:
            liens.append(routes.lien(label, "evaluation", session.pk, type_))
    return [lien for lien in liens if lien is not None]


def inscriptions_section(user) -> DashboardSection:
    """« Mes inscriptions »: current enrolments with their status, then recent past ones with
    the attestation and the questionnaires once they are open."""
    depuis = timezone.localdate() - datetime.timedelta(days=PASSEES_JOURS)
    inscriptions = list(
        Inscription.objects.filter(user=user)
        .exclude(etat=Etat.ANNULEE)
        .filter(Q(session__date_fin__gte=depuis) | Q(session__date_fin__isnull=True))
        .select_related("session__formation")
        .prefetch_related("session__dates", "evaluations")
        .order_by("session__date_debut", "pk")[:MAX_LIGNES]
    )
    routes = _Routes()
    lignes = []
    for inscription in inscriptions:
        session = inscription.session
        ligne = Ligne(
            titre=session.formation.title,
            url=session.formation.url or "",
            dates=_dates(session),
            lieu=_lieu(session),
            etat=inscription.get_etat_display(),
            etat_code=inscription.etat,
        )
        fin = services.session_fin(session)
        terminee = fin is not None and timezone.now() >= fin
        if not terminee:
            ligne.ajouter(routes.lien(_("Ajouter à mon agenda (.ics)"), "session_ics", session.pk))
        if not terminee and inscription.etat in services.ETATS_ACTIFS:
            annuler = _("Annuler mon inscription")
            ligne.ajouter(routes.lien(annuler, "session_annulation", session.pk, post=True))
        if inscription.etat == Etat.PRESENT:
            ligne.liens.extend(_liens_apres_session(inscription, routes))
        lignes.append(ligne)
    return DashboardSection(
        key="inscriptions",
        title=_("Mes inscriptions"),
        items=lignes,
        empty_message=_("Vous n'êtes inscrit à aucune session."),
        action_label=_("Trouver une session"),
        action_url=routes.base or "",
        template="formations/includes/dashboard_inscriptions.html",
        # The feed form shows under the rows: no rows, no question asked of the database.
        extra={
            "agenda_actif": bool(lignes)
            and calendar_token_active(user=user, flux=JetonCalendrier.Flux.SESSIONS)
        },
    )


def sessions_formateur_section(user) -> DashboardSection | None:
    """« Mes sessions à animer », for trainers: the attendance sheet of each started half-day,
    the session's community and, once answers can come in, the evaluations."""
    depuis = timezone.localdate() - datetime.timedelta(days=30)
    sessions = list(
        Session.objects.filter(formateurs=user)
        .exclude(etat=Session.Etat.ANNULEE)
        .filter(Q(date_fin__gte=depuis) | Q(date_fin__isnull=True))
        .select_related("formation", "communaute")
        .prefetch_related("dates")
        .annotate(
            inscrits=Count(
                "inscriptions",
                filter=Q(inscriptions__etat__in=Inscription.ETATS_OCCUPANT_UNE_PLACE),
            )
        )
        .order_by("date_debut", "pk")[:MAX_LIGNES]
    )
    if not sessions:
        return None
    routes = _Routes()
    lignes = []
    for session in sessions:
        ligne = Ligne(
            titre=session.formation.title,
            url=session.formation.url or "",
            dates=_dates(session),
            lieu=_lieu(session),
            etat=_("%(inscrits)d / %(places)d places prises")
            % {"inscrits": session.inscrits, "places": session.capacite},
        )
        creneaux = sorted(
            session.dates.all(), key=lambda c: (c.date, c.heure_debut or datetime.time.min)
        )
        for creneau in creneaux:
            if services.emargement_refus(creneau=creneau) is None:
                moment = creneau.date.strftime("%d/%m")
                if creneau.heure_debut:
                    matin = creneau.heure_debut.hour < 12
                    moment = f"{moment} {_('matin') if matin else _('après-midi')}"
                label = _("Émargement du %(moment)s") % {"moment": moment}
                ligne.ajouter(routes.lien(label, "emargement", session.pk, creneau.pk))
        # The trainers manage the session's community, which exists once someone enrolled.
        communaute = getattr(session, "communaute", None)
        if communaute is not None:
            ligne.liens.append(Lien(_("Communauté de la session"), communaute.get_absolute_url()))
        # Satisfaction answers come in from the start of the last half-day.
        dernier_debut = services.session_dernier_debut(session)
        if dernier_debut is not None and timezone.now() >= dernier_debut:
            label = _("Résultats des évaluations")
            ligne.ajouter(routes.lien(label, "session_evaluations", session.pk))
        lignes.append(ligne)
    return DashboardSection(
        key="sessions-animees",
        title=_("Mes sessions à animer"),
        items=lignes,
        template="formations/includes/dashboard_lignes.html",
    )


def programmes_section(user) -> DashboardSection | None:
    """« Les programmes de ma région », for regional editors: the indicators and the admin."""
    regions = list(
        RegionPage.objects.filter(territoire__in=roles.editor_regions(user)).order_by("title")
    )
    if not regions:
        return None
    dans_mes_regions = Q()
    for region in regions:
        dans_mes_regions |= Q(path__startswith=region.path)
    programmes = list(
        ProgrammePage.objects.filter(dans_mes_regions, depth=regions[0].depth + 1).order_by(
            "-annee", "title"
        )[:MAX_LIGNES]
    )
    routes = _Routes()
    lignes = []
    for programme in programmes:
        region = next(r for r in regions if programme.path.startswith(r.path))
        ligne = Ligne(
            titre=programme.title,
            url=programme.url or "",
            dates=str(programme.annee),
            lieu=region.title,
        )
        ligne.ajouter(
            routes.lien(_("Indicateurs et exports"), "programme_indicateurs", programme.pk)
        )
        ligne.liens.append(
            Lien(
                _("Modifier dans l'administration"),
                reverse("wagtailadmin_explore", args=[programme.pk]),
            )
        )
        lignes.append(ligne)
    return DashboardSection(
        key="programmes",
        title=_("Les programmes de ma région"),
        items=lignes,
        empty_message=_("Aucun programme n'est encore publié pour votre région."),
        action_label=_("Ouvrir l'administration"),
        action_url=reverse("wagtailadmin_home"),
        template="formations/includes/dashboard_lignes.html",
    )


def rencontres_section(user) -> DashboardSection | None:
    """« Rencontrez les autres réseaux »: open sessions with places in the counsellor's
    région, and listed groups led from it, where their réseau is under-represented. A fixed
    number of queries; nothing shown to someone without a structure."""
    from . import mixite

    origine = origines(user_ids=[user.pk]).get(user.pk)
    if origine is None or origine.region_id is None:
        return None
    candidates = mixite.rencontres_candidates(region_ids=[origine.region_id])
    suivies = mixite.sessions_suivies(
        user_ids=[user.pk], session_ids=[c.session_id for c in candidates]
    )[user.pk]
    rencontres = mixite.rencontres_pour(
        candidates, origine=origine, exclues=suivies, limite=MAX_RENCONTRES
    )
    routes = _Routes()
    lignes = []
    for rencontre in rencontres:
        mix = rencontre.mix
        ligne = Ligne(
            titre=rencontre.titre,
            url=_url_formation(routes, rencontre.url_path),
            dates=_dates(rencontre),
            lieu=rencontre.ville,
            etat=mixite_courte(mix, origine.reseau_id, personnes=_personnes_session),
        )
        ligne.ajouter(
            routes.lien(_("M'inscrire"), "session_inscription", rencontre.session_id, post=True)
        )
        lignes.append(ligne)
    for provider in RENCONTRE_PROVIDERS:
        lignes.extend(provider(user, origine))
    if not lignes:
        return None
    return DashboardSection(
        key="rencontres",
        title=_("Rencontrez les autres réseaux"),
        items=lignes,
        template="formations/includes/dashboard_lignes.html",
    )


MAX_RENCONTRES = 5


def _url_formation(routes: _Routes, url_path: str) -> str:
    """A formation's URL from its path, relative to the catalogue's: no page lookup."""
    if routes.base is None or not url_path.startswith(routes.page.url_path):
        return ""
    return routes.base + url_path.removeprefix(routes.page.url_path)


def _personnes_session(n: int) -> str:
    return ngettext("%(n)s participant", "%(n)s participants", n) % {"n": n}


def mixite_courte(mix, reseau_id: int, *, personnes) -> str:
    """« Votre réseau : 0 sur 6 participants · 3 réseaux représentés »."""
    return (
        _("Votre réseau : %(miens)s sur %(total)s")
        % {"miens": mix.participants_de(reseau_id), "total": personnes(mix.identifies)}
        + " · "
        + ngettext("%(n)s réseau représenté", "%(n)s réseaux représentés", mix.reseaux)
        % {"n": mix.reseaux}
    )
