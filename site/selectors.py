"""Reads for site-wide pages, accounts and private calendar feeds."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

from maillage.models import Commune, JetonCalendrier, Profil


@dataclass
class DashboardSection:
    """One block of the dashboard, filled by an app (sessions, communities, activity…)."""

    key: str
    title: str
    items: list = field(default_factory=list)
    empty_message: str = ""
    action_label: str = ""
    action_url: str = ""
    # A template of the app's own for rich rows; the generic list otherwise.
    template: str = ""
    # What that template needs beside the rows (a form's state, say).
    extra: dict = field(default_factory=dict)


@dataclass
class Dashboard:
    profil: Profil
    sections: list[DashboardSection]

    @property
    def profile_incomplete(self) -> bool:
        return self.profil.structure_id is None or not self.profil.fonction


# Apps register a callable(user) -> DashboardSection | None (None: not for this user) here
# from their AppConfig.ready().
DASHBOARD_PROVIDERS: list = []


def dashboard_for(*, user) -> Dashboard:
    profil = (
        Profil.objects.select_related(
            "structure__reseau", "structure__commune__departement__parent"
        )
        .prefetch_related("territoires", "thematiques")
        .get_or_create(user=user)[0]
    )
    sections = [section for provider in DASHBOARD_PROVIDERS if (section := provider(user))]
    return Dashboard(profil=profil, sections=sections)


# A commune typed in a form: « Villeurbanne », « 69100 », « Villeurbanne (69100) », « 69266 ».
_CODE = re.compile(r"\b(\d{5}|2[AaBb]\d{3})\b")
COMMUNE_SUGGESTIONS = 10


def _sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def _nom_normalise(texte: str) -> str:
    return " ".join(_sans_accents(texte).replace("-", " ").replace("'", " ").split())


def _communes_du_code(code: str) -> list[Commune]:
    """The commune whose INSEE code it is, and those whose postcodes include it."""
    prefixe = code[:2].upper()
    meme_departement = (
        Q(code_insee__startswith="2A") | Q(code_insee__startswith="2B")
        if prefixe == "20"
        else Q(code_insee__startswith=prefixe)
    )
    candidates = Commune.objects.filter(meme_departement | Q(code_insee=code.upper()))
    return [
        commune
        for commune in candidates.select_related("departement__parent")
        if commune.code_insee == code.upper() or code in (commune.codes_postaux or [])
    ]


def commune_candidates(*, texte: str) -> list[Commune]:
    """The communes a typed text may mean, best first; several when it is ambiguous."""
    # Control characters (NUL among them, which PostgreSQL refuses) are never in a name.
    texte = "".join(c for c in (texte or "") if c.isprintable()).strip()[:200]
    code_trouve = _CODE.search(texte)
    nom = _nom_normalise(_CODE.sub(" ", texte).replace("(", " ").replace(")", " "))
    if code_trouve:
        communes = _communes_du_code(code_trouve.group(1))
        if nom:
            communes = [c for c in communes if _nom_normalise(c.nom) == nom] or communes
        return sorted(communes, key=lambda c: -(c.population or 0))
    if len(nom) < 2:
        return []
    premier_mot = nom.split()[0]
    proches = Commune.objects.filter(nom__istartswith=premier_mot[:3]).select_related(
        "departement__parent"
    )
    exactes = [c for c in proches if _nom_normalise(c.nom) == nom]
    if exactes:
        return sorted(exactes, key=lambda c: -(c.population or 0))
    debut = [c for c in proches if _nom_normalise(c.nom).startswith(nom)]
    return sorted(debut, key=lambda c: (-(c.population or 0), c.nom))[:COMMUNE_SUGGESTIONS]


def commune_label(commune: Commune) -> str:
    """« Villeurbanne (69100) »: how a commune is shown and typed back."""
    codes = commune.codes_postaux or []
    return f"{commune.nom} ({codes[0]})" if codes else f"{commune.nom} ({commune.code_insee})"


def user_by_email(*, email: str | None):
    """The active account with this e-mail address (verified or not), for an invitation; None
    for a blank address."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    )


def calendar_token_digest(jeton: str) -> str:
    """What is stored of a feed's secret."""
    return hashlib.sha256(jeton.encode()).hexdigest()


def calendar_token_owner(*, jeton: str, flux: str):
    """The account a private feed's secret opens, or None: unknown, revoked or replaced, or
    the secret of the user's other feed."""
    if not jeton:
        return None
    found = (
        JetonCalendrier.objects.select_related("user")
        .filter(empreinte=calendar_token_digest(jeton), flux=flux)
        .first()
    )
    return None if found is None else found.user


def calendar_token_active(*, user, flux: str) -> bool:
    return JetonCalendrier.objects.filter(user=user, flux=flux).exists()
