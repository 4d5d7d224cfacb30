"""Accessible SVG bar charts of a programme's indicators: geometry here, drawing in templates."""

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Session

# Units of the SVG viewBox: the drawing scales to the width of the screen. Each row has
# the label, then the figures, then the bar, so that a phone needs no horizontal room.
LARGEUR = 480
HAUTEUR_LIGNE = 78
HAUTEUR_BARRE = 18
HAUT_BARRE = 48  # from the top of a row to its bar
LONGUEUR_LIBELLE = 44
NOTES = (5, 4, 3, 2, 1)


@dataclass
class Segment:
    classe: str  # names the colour and pattern (see the template and graphiques.css)
    valeur: float
    x: float = 0
    largeur: float = 0


@dataclass
class Barre:
    libelle: str
    libelle_complet: str
    detail: str
    segments: list[Segment]
    y: float = 0

    @property
    def y_barre(self) -> float:
        return self.y + HAUT_BARRE

    @property
    def y_libelle(self) -> float:
        return self.y + 18

    @property
    def y_detail(self) -> float:
        return self.y + 40


@dataclass
class Graphique:
    ident: str
    titre: str
    resume: str
    echelle: float
    barres: list[Barre]
    legende: list[tuple[str, str]]
    entetes: list[str]
    lignes: list[list]
    largeur: int = LARGEUR
    hauteur: float = field(init=False)

    def __post_init__(self) -> None:
        """Lay the bars out: one row each, widths proportional to `echelle`."""
        for rang, barre in enumerate(self.barres):
            barre.y = rang * HAUTEUR_LIGNE
            x = 0.0
            for segment in barre.segments:
                segment.x = round(x, 2)
                segment.largeur = (
                    round(LARGEUR * segment.valeur / self.echelle, 2) if self.echelle else 0
                )
                x += segment.largeur
        self.hauteur = len(self.barres) * HAUTEUR_LIGNE

    @property
    def hauteur_barre(self) -> int:
        return HAUTEUR_BARRE


def _pourcentage(partie: float, total: float) -> int | None:
    return round(100 * partie / total) if total else None


def _court(texte: str, longueur: int = LONGUEUR_LIBELLE) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def _libelle_session(session: Session) -> tuple[str, str]:
    debut = date_format(session.date_debut, "d/m/Y") if session.date_debut else "?"
    suffixe = f" — {debut}"
    titre = session.formation.title
    complet = f"{titre}{suffixe}" + (f", {session.ville}" if session.ville else "")
    return _court(titre, LONGUEUR_LIBELLE - len(suffixe)) + suffixe, complet


def remplissage(sessions: list[Session]) -> Graphique:
    """Places taken, places left and waiting list of each session, stacked."""
    echelle = max((max(s.capacite, s.inscrits) + s.en_attente for s in sessions), default=0)
    barres, lignes = [], []
    for s in sessions:
        libelle, complet = _libelle_session(s)
        taux = _pourcentage(s.inscrits, s.capacite)
        detail = _("%(inscrits)s/%(places)s places") % {
            "inscrits": s.inscrits,
            "places": s.capacite,
        }
        if taux is not None:
            detail += f" ({taux} %)"
        if s.en_attente:
            detail += " · " + ngettext("%(n)s en attente", "%(n)s en attente", s.en_attente) % {
                "n": s.en_attente
            }
        segments = [
            Segment("inscrits", s.inscrits),
            Segment("libres", max(s.capacite - s.inscrits, 0)),
            Segment("attente", s.en_attente),
        ]
        barres.append(Barre(libelle, complet, detail, segments))
        lignes.append([complet, s.capacite, s.inscrits, taux, s.en_attente])
    places = sum(s.capacite for s in sessions)
    inscrits = sum(s.inscrits for s in sessions)
    attente = sum(s.en_attente for s in sessions)
    completes = sum(1 for s in sessions if s.capacite and s.inscrits >= s.capacite)
    if sessions:
        resume = (
            " ; ".join(
                [
                    _("%(inscrits)s places occupées sur %(places)s (%(taux)s %%)")
                    % {
                        "inscrits": inscrits,
                        "places": places,
                        "taux": _pourcentage(inscrits, places) or 0,
                    },
                    ngettext("%(n)s session complète", "%(n)s sessions complètes", completes)
                    % {"n": completes},
                    ngettext(
                        "%(n)s personne en liste d'attente",
                        "%(n)s personnes en liste d'attente",
                        attente,
                    )
                    % {"n": attente},
                ]
            )
            + "."
        )
    else:
        resume = _("Aucune session dans ce programme.")
    return Graphique(
        ident="remplissage",
        titre=_("Remplissage des sessions"),
        resume=resume,
        echelle=echelle,
        barres=barres,
        legende=[
            ("inscrits", _("Places occupées")),
            ("libres", _("Places libres")),
            ("attente", _("Liste d'attente")),
        ],
        entetes=[_("Session"), _("Places"), _("Inscrits"), _("Remplissage (%)"), _("En attente")],
        lignes=lignes,
    )


def presence(sessions: list[Session]) -> Graphique:
    """Share of the signed-in participants present, per session (those with a sheet)."""
    barres, lignes = [], []
    presents = absents = sans_emargement = 0
    for s in sessions:
        libelle, complet = _libelle_session(s)
        emarges = s.presents + s.absents
        taux = _pourcentage(s.presents, emarges)
        presents, absents = presents + s.presents, absents + s.absents
        if taux is None:
            sans_emargement += 1
            detail = _("pas encore d'émargement")
        else:
            detail = ngettext(
                "%(taux)s %% (%(presents)s présent sur %(emarges)s)",
                "%(taux)s %% (%(presents)s présents sur %(emarges)s)",
                s.presents,
            ) % {"taux": taux, "presents": s.presents, "emarges": emarges}
        segments = [Segment("presents", taux or 0), Segment("fond", 100 - (taux or 0))]
        barres.append(Barre(libelle, complet, detail, segments))
        lignes.append([complet, s.presents, s.absents, taux])
    taux_global = _pourcentage(presents, presents + absents)
    if taux_global is None:
        resume = _("Aucun émargement pour l'instant.")
    else:
        resume = _("Présence : %(taux)s %% (%(presents)s, %(absents)s)") % {
            "taux": taux_global,
            "presents": ngettext("%(n)s présent", "%(n)s présents", presents) % {"n": presents},
            "absents": ngettext("%(n)s absent", "%(n)s absents", absents) % {"n": absents},
        }
        resume += " ; " + ngettext(
            "%(n)s session sans émargement.", "%(n)s sessions sans émargement.", sans_emargement
        ) % {"n": sans_emargement}
    return Graphique(
        ident="presence",
        titre=_("Taux de présence par session"),
        resume=resume,
        echelle=100,
        barres=barres,
        legende=[("presents", _("Présents (% des émargés)"))],
        entetes=[_("Session"), _("Présents"), _("Absents"), _("Présence (%)")],
        lignes=lignes,
    )


def satisfaction_sessions(sessions: list[Session]) -> Graphique:
    """Average satisfaction mark (out of 5) of each session that has answers."""
    notees = [s for s in sessions if s.satisfaction is not None]
    barres, lignes = [], []
    for s in notees:
        libelle, complet = _libelle_session(s)
        note = number_format(round(s.satisfaction, 1), 1)
        segments = [Segment("satisfaction", s.satisfaction), Segment("fond", 5 - s.satisfaction)]
        barres.append(Barre(libelle, complet, _("%(note)s / 5") % {"note": note}, segments))
        lignes.append([complet, round(s.satisfaction, 1)])
    if notees:
        meilleure = max(notees, key=lambda s: s.satisfaction)
        resume = _(
            "%(n)s sessions évaluées sur %(total)s ; la mieux notée : %(titre)s (%(note)s / 5)."
        ) % {
            "n": len(notees),
            "total": len(sessions),
            "titre": _libelle_session(meilleure)[1],
            "note": number_format(round(meilleure.satisfaction, 1), 1),
        }
    else:
        resume = _("Aucune session n'a encore reçu d'évaluation.")
    return Graphique(
        ident="satisfaction-sessions",
        titre=_("Satisfaction moyenne par session"),
        resume=resume,
        echelle=5,
        barres=barres,
        legende=[("satisfaction", _("Appréciation moyenne (sur 5)"))],
        entetes=[_("Session"), _("Appréciation moyenne (sur 5)")],
        lignes=lignes,
    )


def repartition(
    *, ident: str, titre: str, notes: dict[int, int], demandes: int, quoi: str
) -> Graphique:
    """How many answers gave each mark from 5 down to 1."""
    total = sum(notes.values())
    barres, lignes = [], []
    for note in NOTES:
        nombre = notes.get(note, 0)
        part = _pourcentage(nombre, total)
        detail = ngettext("%(n)s réponse", "%(n)s réponses", nombre) % {"n": nombre}
        if part is not None:
            detail += f" ({part} %)"
        libelle = _("Note %(note)s sur 5") % {"note": note}
        barres.append(Barre(libelle, libelle, detail, [Segment("note", nombre)]))
        lignes.append([note, nombre, part])
    if total:
        moyenne = sum(note * nombre for note, nombre in notes.items()) / total
        resume = _(
            "%(total)s sur %(demandes)s (%(taux)s %%) ; %(quoi)s moyenne "
            "%(moyenne)s / 5 ; %(hautes)s %% donnent 4 ou 5."
        ) % {
            "total": ngettext("%(n)s réponse", "%(n)s réponses", total) % {"n": total},
            "demandes": ngettext("%(n)s demande", "%(n)s demandes", demandes) % {"n": demandes},
            "taux": _pourcentage(total, demandes) or 0,
            "quoi": quoi,
            "moyenne": number_format(round(moyenne, 1), 1),
            "hautes": _pourcentage(notes.get(4, 0) + notes.get(5, 0), total),
        }
    else:
        resume = ngettext(
            "Aucune réponse pour l'instant (%(demandes)s demande envoyée).",
            "Aucune réponse pour l'instant (%(demandes)s demandes envoyées).",
            demandes,
        ) % {"demandes": demandes}
    return Graphique(
        ident=ident,
        titre=titre,
        resume=resume,
        echelle=max(notes.values(), default=0),
        barres=barres,
        legende=[("note", _("Nombre de réponses"))],
        entetes=[_("Note (sur 5)"), _("Réponses"), _("Part (%)")],
        lignes=lignes,
    )


def programme(
    sessions: list[Session], resultats: dict[str, dict], notes: dict[str, dict[int, int]]
) -> list[Graphique]:
    """Every chart of the programme indicators page, in reading order."""
    demandes = {type_: resultat["demandes"] for type_, resultat in resultats.items()}
    return [
        remplissage(sessions),
        presence(sessions),
        satisfaction_sessions(sessions),
        repartition(
            ident="satisfaction",
            titre=_("Satisfaction en fin de session : répartition des notes"),
            notes=notes.get("satisfaction", {}),
            demandes=demandes.get("satisfaction", 0),
            quoi=_("appréciation"),
        ),
        repartition(
            ident="suivi",
            titre=_("Suivi à quelques semaines : utilité pour la pratique"),
            notes=notes.get("suivi", {}),
            demandes=demandes.get("suivi", 0),
            quoi=_("utilité"),
        ),
    ]


def chiffres_cles(sessions: list[Session], resultats: dict[str, dict]) -> list[tuple[str, str]]:
    """The programme in four figures, above the charts."""
    places = sum(s.capacite for s in sessions)
    inscrits = sum(s.inscrits for s in sessions)
    presents = sum(s.presents for s in sessions)
    emarges = presents + sum(s.absents for s in sessions)
    note = (resultats.get("satisfaction") or {}).get("note_globale")

    def taux(partie: int, total: int) -> str:
        valeur = _pourcentage(partie, total)
        return "—" if valeur is None else f"{valeur} %"

    return [
        (_("Remplissage"), taux(inscrits, places)),
        (_("En liste d'attente"), str(sum(s.en_attente for s in sessions))),
        (_("Présence"), taux(presents, emarges)),
        (
            _("Satisfaction moyenne"),
            "—" if note is None else f"{number_format(round(note, 1), 1)} / 5",
        ),
    ]


def mixite_sessions(sessions: list[Session], mixes: dict) -> Graphique:
    """Per session, its confirmed participants split into the largest réseau and the others."""
    echelle = max((mixes[s.pk].participants for s in sessions), default=0)
    barres, lignes = [], []
    for s in sessions:
        mix = mixes[s.pk]
        libelle, complet = _libelle_session(s)
        if mix.participants:
            detail = ngettext("%(n)s réseau", "%(n)s réseaux", mix.reseaux) % {"n": mix.reseaux}
            if mix.part_premier_pct is not None:
                detail += " · " + _("le plus présent %(part)s %%") % {"part": mix.part_premier_pct}
            detail += " · " + (_("mixité atteinte") if mix.mixte else _("mixité non atteinte"))
        else:
            detail = _("aucun participant confirmé")
        premier = mix.par_reseau[0].participants if mix.par_reseau else 0
        segments = [
            Segment("premier-reseau", premier),
            Segment("autres-reseaux", mix.identifies - premier),
            Segment("sans-reseau", mix.non_renseigne),
        ]
        barres.append(Barre(libelle, complet, detail, segments))
        lignes.append(
            [
                complet,
                mix.participants,
                mix.reseaux,
                mix.part_premier_pct,
                _("oui") if mix.mixte else _("non"),
            ]
        )
    mixtes = sum(1 for s in sessions if mixes[s.pk].mixte)
    if sessions:
        resume = ngettext(
            "%(n)s session sur %(total)s réunit au moins 3 réseaux sans qu'aucun dépasse la "
            "moitié (%(part)s %%).",
            "%(n)s sessions sur %(total)s réunissent au moins 3 réseaux sans qu'aucun dépasse "
            "la moitié (%(part)s %%).",
            mixtes,
        ) % {"n": mixtes, "total": len(sessions), "part": _pourcentage(mixtes, len(sessions))}
    else:
        resume = _("Aucune session dans ce programme.")
    return Graphique(
        ident="mixite-sessions",
        titre=_("Mixité des réseaux par session"),
        resume=resume,
        echelle=echelle,
        barres=barres,
        legende=[
            ("premier-reseau", _("Réseau le plus présent")),
            ("autres-reseaux", _("Autres réseaux")),
            ("sans-reseau", _("Réseau non renseigné")),
        ],
        entetes=[
            _("Session"),
            _("Participants confirmés"),
            _("Réseaux"),
            _("Part du plus présent (%)"),
            _("Mixité atteinte"),
        ],
        lignes=lignes,
    )


def mixite_territoires(mixite) -> Graphique:
    """Per département, the share of sessions that keep the inter-network promise."""
    barres, lignes = [], []
    for t in mixite.territoires:
        nom = t.nom or _("Sans lieu (à distance)")
        part = t.part_mixtes or 0
        detail = ngettext(
            "%(n)s session mixte sur %(total)s (%(part)s %%)",
            "%(n)s sessions mixtes sur %(total)s (%(part)s %%)",
            t.mixtes,
        ) % {"n": t.mixtes, "total": t.sessions, "part": part}
        barres.append(
            Barre(_court(nom), nom, detail, [Segment("mixtes", part), Segment("fond", 100 - part)])
        )
        lignes.append([nom, t.sessions, t.mixtes, t.part_mixtes])
    if mixite.sessions:
        resume = _("%(part)s %% des sessions du programme sont mixtes (%(n)s sur %(total)s).") % {
            "part": mixite.part_mixtes,
            "n": mixite.mixtes,
            "total": mixite.sessions,
        }
    else:
        resume = _("Aucune session dans ce programme.")
    return Graphique(
        ident="mixite-territoires",
        titre=_("Sessions mixtes par territoire"),
        resume=resume,
        echelle=100,
        barres=barres,
        legende=[("mixtes", _("Sessions mixtes (%)"))],
        entetes=[_("Département"), _("Sessions"), _("Sessions mixtes"), _("Part mixte (%)")],
        lignes=lignes,
    )
