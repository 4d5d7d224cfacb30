"""The e-mail digest: community activity and new training sessions since the last one.

Members are handled in batches whose database cost does not depend on the batch size: a
handful of set-based queries per batch, never one per member. A digest is claimed in
`ResumeEnvoi` (unique per user, frequency and period) before it is sent, so a rerun or a
concurrent run never sends the same period twice; a crash after the claim loses that
digest rather than sending it twice.

No template is rendered per member: each block (a community's items, the sessions, the
suggestions) is rendered once per run for all the members given the same content, and the
page around them once per run with a slot for each member's name and links (`_Gabarit`);
a member's e-mail is these strings joined, with its unsubscribe links signed.
"""

import datetime
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.header import Header

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail.models import Site

from formations import mixite
from formations.models import FormationPage, Session
from maillage.emails import email_build
from maillage.mixite import origines as origines_de
from maillage.models import Profil

from ..models import Adhesion, Publication, Reponse, ResumeEnvoi
from . import desabonnement

Frequence = ResumeEnvoi.Frequence
FENETRE = {
    Frequence.QUOTIDIEN: datetime.timedelta(days=1),
    Frequence.HEBDOMADAIRE: datetime.timedelta(days=7),
}
# Unanswered questions are recalled for this long after they were asked.
QUESTIONS_FENETRE = datetime.timedelta(days=14)
# At most this many items per community and section, and sessions per digest.
PAR_COMMUNAUTE = 5
MAX_SESSIONS = 10
NIVEAUX_RESUME = (Adhesion.Notification.TOUT, Adhesion.Notification.RESUME)
# Rendered blocks kept for reuse within a run; past this many the cache starts afresh, so
# a run where every member's blocks differ holds no more than this in memory.
MAX_BLOCS = 5_000


def periode_of(frequence: str, jour: datetime.date) -> datetime.date:
    """The first day of the period containing `jour`: itself, or the Monday of its week."""
    if frequence == Frequence.HEBDOMADAIRE:
        return jour - datetime.timedelta(days=jour.weekday())
    return jour


@dataclass
class SectionCommunaute:
    communaute_id: int
    nom: str
    lien: str
    publications: list = field(default_factory=list)
    evenements: list = field(default_factory=list)
    questions: list = field(default_factory=list)

    @property
    def vide(self) -> bool:
        return not (self.publications or self.evenements or self.questions)

    def cle(self) -> tuple:
        """Everything the block shows: members with the same key get the same block."""
        return (
            self.nom,
            self.lien,
            *(
                tuple((item["titre"], item["lien"]) for item in items)
                for items in (self.publications, self.evenements, self.questions)
            ),
        )


@dataclass
class Resume:
    user_id: int
    email: str
    nom: str
    depuis: datetime.datetime
    communautes: list[SectionCommunaute] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)
    # « Rencontrez les autres réseaux »: suggestions, shown only in a digest that has news.
    rencontres: list[dict] = field(default_factory=list)

    @property
    def elements(self) -> int:
        return len(self.sessions) + sum(
            len(c.publications) + len(c.evenements) + len(c.questions) for c in self.communautes
        )


class _Liens:
    """Absolute links, each reversed once per run."""

    def __init__(self) -> None:
        self._cache: dict = {}
        racine = (
            Site.objects.filter(is_default_site=True)
            .values_list("root_page__url_path", flat=True)
            .first()
        )
        self.racine = racine or "/"

    def publication(self, slug: str, pk: int) -> str:
        key = ("p", slug, pk)
        if key not in self._cache:
            self._cache[key] = settings.SITE_URL + reverse(
                "communautes:publication", kwargs={"slug": slug, "pk": pk}
            )
        return self._cache[key]

    def communaute(self, slug: str) -> str:
        key = ("c", slug)
        if key not in self._cache:
            self._cache[key] = settings.SITE_URL + reverse(
                "communautes:detail", kwargs={"slug": slug}
            )
        return self._cache[key]

    def formation(self, url_path: str) -> str:
        chemin = url_path[len(self.racine) - 1 :] if url_path.startswith(self.racine) else url_path
        return settings.SITE_URL + chemin


def _sessions_nouvelles(*, depuis: datetime.datetime, liens: _Liens) -> list[dict]:
    """Open, upcoming sessions of published formations created since `depuis` (2 queries)."""
    aujourd_hui = timezone.localdate()
    sessions = list(
        Session.objects.filter(etat=Session.Etat.OUVERTE, formation__live=True, cree_le__gte=depuis)
        .filter(Q(date_debut__gte=aujourd_hui) | Q(date_debut__isnull=True))
        .order_by("date_debut", "pk")
        .values(
            "pk",
            "formation_id",
            "formation__title",
            "formation__url_path",
            "date_debut",
            "ville",
            "cree_le",
            departement_id=F("commune__departement_id"),
            region_id=F("commune__departement__parent_id"),
        )
    )
    thematiques = defaultdict(set)
    for formation_id, thematique_id in FormationPage.thematiques.through.objects.filter(
        formationpage_id__in={s["formation_id"] for s in sessions}
    ).values_list("formationpage_id", "thematique_id"):
        thematiques[formation_id].add(thematique_id)
    for session in sessions:
        session["thematiques"] = thematiques[session["formation_id"]]
        session["lien"] = liens.formation(session["formation__url_path"])
    return sessions


def _capped(queryset, limit: int):
    """The newest `limit` rows per community, in one query."""
    return queryset.annotate(
        rang=Window(RowNumber(), partition_by=[F("communaute_id")], order_by=F("cree_le").desc())
    ).filter(rang__lte=limit)


def _batch_build(
    *, users: list, frequence: str, now, sessions: list[dict], liens, rencontres=(), bonjour: str
) -> list[Resume]:
    """The digests of one batch of users, from a fixed number of queries."""
    ids = [u.pk for u in users]
    fenetre = FENETRE[frequence]
    derniers = dict(
        ResumeEnvoi.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(dernier=Max("envoye_le"))
        .values_list("user_id", "dernier")
    )
    depuis = {
        pk: max(derniers.get(pk) or now - fenetre, now - FENETRE[Frequence.HEBDOMADAIRE])
        for pk in ids
    }
    adhesions = defaultdict(list)
    communautes = {}
    for user_id, cid, nom, slug in Adhesion.objects.filter(
        user_id__in=ids, etat=Adhesion.Etat.ACTIVE, niveau_notification__in=NIVEAUX_RESUME
    ).values_list("user_id", "communaute_id", "communaute__nom", "communaute__slug"):
        adhesions[user_id].append(cid)
        communautes[cid] = (nom, slug)
    recentes = defaultdict(list)
    questions = defaultdict(list)
    if communautes:
        champs = ("pk", "titre", "nature", "communaute_id", "auteur_id", "cree_le")
        for row in _capped(
            Publication.objects.filter(
                communaute_id__in=communautes, masquee=False, cree_le__gte=min(depuis.values())
            ),
            PAR_COMMUNAUTE * 2,
        ).values(*champs):
            recentes[row["communaute_id"]].append(row)
            # One item for every member who gets it, rather than one per member.
            row["item"] = {
                "pk": row["pk"],
                "titre": row["titre"],
                "lien": liens.publication(communautes[row["communaute_id"]][1], row["pk"]),
            }
        sans_reponse = ~Exists(Reponse.objects.filter(publication=OuterRef("pk"), masquee=False))
        for row in _capped(
            Publication.objects.filter(
                sans_reponse,
                communaute_id__in=communautes,
                masquee=False,
                nature=Publication.Nature.QUESTION,
                reponse_acceptee__isnull=True,
                cree_le__gte=now - QUESTIONS_FENETRE,
            ),
            PAR_COMMUNAUTE,
        ).values(*champs):
            questions[row["communaute_id"]].append(row)
            row["item"] = {
                "pk": row["pk"],
                "titre": row["titre"],
                "lien": liens.publication(communautes[row["communaute_id"]][1], row["pk"]),
            }
    territoires = defaultdict(set)
    for user_id, territoire_id in Profil.territoires.through.objects.filter(
        profil__user_id__in=ids
    ).values_list("profil__user_id", "territoire_id"):
        territoires[user_id].add(territoire_id)
    thematiques = defaultdict(set)
    for user_id, thematique_id in Profil.thematiques.through.objects.filter(
        profil__user_id__in=ids
    ).values_list("profil__user_id", "thematique_id"):
        thematiques[user_id].add(thematique_id)

    # Members with the same territories, themes and start share one list of sessions.
    sessions_par_profil = {}
    resumes = []
    for user in users:
        resume = Resume(
            user_id=user.pk,
            email=user.email,
            nom=user.get_full_name() or bonjour,
            depuis=depuis[user.pk],
        )
        for cid in adhesions[user.pk]:
            nom, slug = communautes[cid]
            section = SectionCommunaute(communaute_id=cid, nom=nom, lien=liens.communaute(slug))
            for row in recentes[cid]:
                if row["cree_le"] < resume.depuis or row["auteur_id"] == user.pk:
                    continue
                if row["nature"] == Publication.Nature.EVENEMENT:
                    section.evenements.append(row["item"])
                elif len(section.publications) < PAR_COMMUNAUTE:
                    section.publications.append(row["item"])
            listees = {item["pk"] for item in section.publications}
            for row in questions[cid]:
                if row["auteur_id"] != user.pk and row["pk"] not in listees:
                    section.questions.append(row["item"])
            if not section.vide:
                resume.communautes.append(section)
        profil = (frozenset(territoires[user.pk]), frozenset(thematiques[user.pk]), resume.depuis)
        if profil not in sessions_par_profil:
            sessions_par_profil[profil] = _sessions_pour(
                sessions, depuis=resume.depuis, territoires=profil[0], thematiques=profil[1]
            )
        resume.sessions = sessions_par_profil[profil]
        resumes.append(resume)
    _rencontres_ajouter(resumes, rencontres, liens)
    return resumes


def _rencontres_ajouter(resumes: list[Resume], candidates, liens) -> None:
    """Sessions near each member where their réseau is under-represented (2 queries)."""
    if not candidates:
        return
    origines = origines_de(user_ids=[r.user_id for r in resumes])
    suivies = mixite.sessions_suivies(
        user_ids=list(origines), session_ids=[c.session_id for c in candidates]
    )
    for resume in resumes:
        origine = origines.get(resume.user_id)
        if origine is None:
            continue
        deja = suivies[resume.user_id] | {s["pk"] for s in resume.sessions}
        for r in mixite.rencontres_pour(candidates, origine=origine, exclues=deja):
            resume.rencontres.append(
                {
                    "titre": r.titre,
                    "date_debut": r.date_debut,
                    "ville": r.ville,
                    "lien": liens.formation(r.url_path),
                    "miens": r.mix.participants_de(origine.reseau_id),
                    "total": r.mix.identifies,
                    "reseaux": r.mix.reseaux,
                }
            )


def _sessions_pour(sessions, *, depuis, territoires: set, thematiques: set) -> list[dict]:
    """Sessions in one of the member's territories and, if they chose any, themes."""
    if not territoires:
        return []
    choisies = []
    for session in sessions:
        if session["cree_le"] < depuis:
            continue
        if session["departement_id"] not in territoires and session["region_id"] not in territoires:
            continue
        if thematiques and not (session["thematiques"] & thematiques):
            continue
        choisies.append(session)
        if len(choisies) == MAX_SESSIONS:
            break
    return choisies


class _Gabarit:
    """A template rendered once with a marker in each per-member slot, then filled per member
    by joining strings.

    The markers hold a key drawn at random for the run, so no title or name can contain one.
    In HTML, a slot's value is escaped as `{{ }}` would escape it. A block's plain-text file
    ends with a newline that is not part of the block (as in Jinja).
    """

    def __init__(self, template: str, contexte: dict, *, slots=(), cle: str, bloc: bool) -> None:
        self.html = template.endswith(".html")
        marqueurs = {f"[[{cle}:{slot}]]": slot for slot in slots}
        texte = render_to_string(template, {**contexte, **{v: k for k, v in marqueurs.items()}})
        if bloc and not self.html:
            texte = texte.removesuffix("\n")
        if not slots:
            self._morceaux = [texte]
        else:
            self._morceaux = re.split("(" + "|".join(map(re.escape, marqueurs)) + ")", texte)
        # Odd positions hold the markers: (position, slot) of each.
        self._places = [(i, marqueurs[m]) for i, m in enumerate(self._morceaux) if i % 2]

    def remplir(self, **valeurs: str) -> str:
        morceaux = self._morceaux.copy()
        if self.html:
            for position, slot in self._places:
                morceaux[position] = conditional_escape(valeurs[slot])
            return SafeString("".join(morceaux))
        for position, slot in self._places:
            morceaux[position] = valeurs[slot]
        return "".join(morceaux)


class _Courriel(EmailMultiAlternatives):
    """A digest e-mail whose Subject header is encoded once per run rather than per e-mail.

    Every digest of a run has the same accented subject, and encoding it (RFC 2047) takes the
    email package longer than all the other headers. Given the encoded form, which is ASCII,
    Django checks it and sends it as it is: the header is the same.
    """

    entete_sujet = ""

    def message(self):
        sujet = self.subject
        self.subject = self.entete_sujet or sujet
        try:
            return super().message()
        finally:
            self.subject = sujet


def _entete_sujet(sujet: str) -> str:
    """The Subject header Django would send for `sujet`; "" when Django must fold it itself."""
    if sujet.isascii():
        return ""
    entete = Header(sujet, settings.DEFAULT_CHARSET).encode()
    return "" if "\n" in entete else entete


class _Rendu:
    """The e-mails of one run: each block rendered once for every member who gets the same
    one, then per member only the name and the signed unsubscribe links."""

    FORMATS = ("txt", "html")

    def __init__(self, frequence: str) -> None:
        self._cle = uuid.uuid4().hex
        self._liens = desabonnement.Liens()
        self._blocs: dict[tuple, tuple[_Gabarit, _Gabarit]] = {}
        # French e-mails, whatever language is active: activated once for the whole run.
        with translation.override("fr"):
            self.titre = (
                _("Votre résumé de la semaine sur Maillage")
                if frequence == Frequence.HEBDOMADAIRE
                else _("Votre résumé du jour sur Maillage")
            )
            self.bonjour = _("Bonjour")
        # The subject and sender email_build gives every e-mail of the platform.
        modele = email_build(to="", subject=self.titre, text="", html="")
        self._sujet, self._expediteur = modele.subject, modele.from_email
        self._entete_sujet = _entete_sujet(self._sujet)
        self._pages = self._gabarits(
            "resume",
            {"titre": self.titre},
            slots=("nom", "communautes", "sessions", "rencontres", "desabonner"),
        )

    def _gabarits(
        self, nom: str, contexte: dict, slots=(), *, bloc: bool = False
    ) -> tuple[_Gabarit, _Gabarit]:
        with translation.override("fr"):
            return tuple(
                _Gabarit(
                    f"communautes/emails/{nom}.{extension}",
                    contexte,
                    slots=slots,
                    cle=self._cle,
                    bloc=bloc,
                )
                for extension in self.FORMATS
            )

    def _bloc(self, nom: str, cle: tuple, contexte: dict, slots=()) -> tuple[_Gabarit, _Gabarit]:
        """The block `resume/<nom>` for this content, rendered the first time it is asked for."""
        cle = (nom, *cle)
        if cle not in self._blocs:
            if len(self._blocs) >= MAX_BLOCS:
                self._blocs.clear()
            self._blocs[cle] = self._gabarits(f"resume/{nom}", contexte, slots, bloc=True)
        return self._blocs[cle]

    def message(self, resume: Resume):
        textes, htmls = [], []
        for section in resume.communautes:
            texte, html = self._bloc(
                "communaute", section.cle(), {"section": section}, slots=("desabonner",)
            )
            lien = self._liens.url(user_id=resume.user_id, communaute_id=section.communaute_id)
            textes.append(texte.remplir(desabonner=lien))
            htmls.append(html.remplir(desabonner=lien))
        sessions = rencontres = ("", SafeString(""))
        if resume.sessions:
            cle = tuple(session["pk"] for session in resume.sessions)
            bloc = self._bloc("sessions", cle, {"sessions": resume.sessions})
            sessions = [gabarit.remplir() for gabarit in bloc]
        if resume.rencontres:
            cle = tuple(
                (r["titre"], r["date_debut"], r["ville"], r["lien"], r["miens"], r["total"])
                for r in resume.rencontres
            )
            bloc = self._bloc("rencontres", cle, {"rencontres": resume.rencontres})
            rencontres = [gabarit.remplir() for gabarit in bloc]
        desabonner = self._liens.url(user_id=resume.user_id)
        texte, html = self._pages
        message = _Courriel(
            subject=self._sujet,
            body=texte.remplir(
                nom=resume.nom,
                communautes="".join(textes),
                sessions=sessions[0],
                rencontres=rencontres[0],
                desabonner=desabonner,
            ),
            from_email=self._expediteur,
            to=[resume.email],
            headers=desabonnement.headers_for(desabonner),
        )
        message.attach_alternative(
            html.remplir(
                nom=resume.nom,
                communautes=SafeString("".join(htmls)),
                sessions=sessions[1],
                rencontres=rencontres[1],
                desabonner=desabonner,
            ),
            "text/html",
        )
        message.entete_sujet = self._entete_sujet
        return message


def _candidats(*, frequence: str, periode: datetime.date):
    """Active members subscribed to `frequence` who have not had this period's digest."""
    deja = ResumeEnvoi.objects.filter(user=OuterRef("pk"), frequence=frequence, periode=periode)
    return (
        get_user_model()
        .objects.filter(is_active=True, profil__frequence_resume=frequence)
        .exclude(email="")
        .exclude(Exists(deja))
        .only("pk", "email", "first_name", "last_name")
        .order_by("pk")
    )


def digest_refusal(*, frequence: str, email: str, now: datetime.datetime | None = None) -> str:
    """Why `email` gets no digest of `frequence` this period, in French; "" if it gets one."""
    if frequence not in Frequence.values:
        raise ValueError(f"unknown frequency {frequence!r}")
    now = now or timezone.now()
    periode = periode_of(frequence, timezone.localdate(now))
    email = email.strip()
    if _candidats(frequence=frequence, periode=periode).filter(email__iexact=email).exists():
        return ""
    user = (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True)
        .select_related("profil")
        .first()
    )
    if user is None:
        return _("Aucun compte actif n'a l'adresse %(email)s.") % {"email": email}
    profil = getattr(user, "profil", None)
    if profil is None or profil.frequence_resume != frequence:
        choix = profil.frequence_resume if profil else Profil.FrequenceResume.JAMAIS
        return _("Le compte %(email)s ne reçoit pas ce résumé (préférence : %(choix)s).") % {
            "email": email,
            "choix": str(Profil.FrequenceResume(choix).label).lower(),
        }
    return _("Le compte %(email)s a déjà reçu le résumé de la période du %(periode)s.") % {
        "email": email,
        "periode": periode.strftime("%d/%m/%Y"),
    }


def digest_send(
    *,
    frequence: str,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
    batch_size: int = 500,
    progress=None,
    email: str | None = None,
    preview: Callable[[EmailMessage], None] | None = None,
) -> dict:
    """Build and send this period's digests; returns counts for the command's JSON line.

    `email` limits the run to that member. In a dry run, `preview` receives each message that
    would be sent, built exactly as a real run builds it.
    """
    if frequence not in Frequence.values:
        raise ValueError(f"unknown frequency {frequence!r}")
    now = now or timezone.now()
    periode = periode_of(frequence, timezone.localdate(now))
    lot = uuid.uuid4()
    liens = _Liens()
    rendu = _Rendu(frequence)
    sessions = _sessions_nouvelles(depuis=now - FENETRE[Frequence.HEBDOMADAIRE], liens=liens)
    rencontres = mixite.rencontres_candidates()
    candidats = _candidats(frequence=frequence, periode=periode)
    if email is not None:
        candidats = candidats.filter(email__iexact=email.strip())
    stats = {
        "frequence": frequence,
        "periode": periode.isoformat(),
        "dry_run": dry_run,
        "membres": 0,
        "envoyes": 0,
        "vides": 0,
        "deja_envoyes": 0,
        "lots": 0,
    }
    dernier = 0
    connection = None if dry_run else get_connection()
    while True:
        users = list(candidats.filter(pk__gt=dernier)[:batch_size])
        if not users:
            break
        dernier = users[-1].pk
        resumes = _batch_build(
            users=users,
            frequence=frequence,
            now=now,
            sessions=sessions,
            liens=liens,
            rencontres=rencontres,
            bonjour=rendu.bonjour,
        )
        stats["membres"] += len(resumes)
        stats["lots"] += 1
        if dry_run:
            pleins = [r for r in resumes if r.elements]
            if preview:
                for resume in pleins:
                    preview(rendu.message(resume))
        else:
            with transaction.atomic():
                ResumeEnvoi.objects.bulk_create(
                    [
                        ResumeEnvoi(
                            user_id=r.user_id,
                            frequence=frequence,
                            periode=periode,
                            depuis=r.depuis,
                            elements=r.elements,
                            lot=lot,
                        )
                        for r in resumes
                    ],
                    ignore_conflicts=True,
                )
                reclames = set(
                    ResumeEnvoi.objects.filter(
                        lot=lot, user_id__in=[r.user_id for r in resumes]
                    ).values_list("user_id", flat=True)
                )
            stats["deja_envoyes"] += len(resumes) - len(reclames)
            pleins = [r for r in resumes if r.elements and r.user_id in reclames]
            # One connection for the batch; each e-mail is sent as soon as it is built, so
            # a batch's e-mails are never all in memory at once.
            if pleins:
                with connection:
                    for resume in pleins:
                        connection.send_messages([rendu.message(resume)])
        stats["envoyes"] += len(pleins)
        stats["vides"] += sum(1 for r in resumes if not r.elements)
        if progress:
            progress(stats)
    return stats
