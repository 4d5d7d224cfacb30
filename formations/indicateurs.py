"""Tabular exports (CSV, XLSX) of a programme's indicators."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Session


def lignes(sessions: list[Session], mixes: dict | None = None) -> tuple[list[str], list[list]]:
    """One row per session; with `mixes` (session id → `mixite.Mix`), its mix of réseaux."""
    entetes = [
        _("Formation"),
        _("Début"),
        _("Fin"),
        _("Ville"),
        _("État"),
        _("Places"),
        _("Inscrits"),
        _("Taux de remplissage (%)"),
        _("Liste d'attente"),
        _("Présents"),
        _("Absents"),
        _("Taux de présence (%)"),
        _("Satisfaction moyenne (sur 5)"),
    ]
    if mixes is not None:
        entetes += [
            _("Participants confirmés"),
            _("Réseaux représentés"),
            _("Part du réseau le plus présent (%)"),
            _("Mixité atteinte (3 réseaux ou plus, aucun au-delà de 50 %)"),
        ]
    valeurs = []
    for s in sessions:
        emarges = s.presents + s.absents
        valeurs.append(
            [
                s.formation.title,
                s.date_debut,
                s.date_fin,
                s.ville,
                s.get_etat_display(),
                s.capacite,
                s.inscrits,
                round(100 * s.inscrits / s.capacite) if s.capacite else None,
                s.en_attente,
                s.presents,
                s.absents,
                round(100 * s.presents / emarges) if emarges else None,
                round(s.satisfaction, 1) if s.satisfaction is not None else None,
            ]
        )
        if mixes is not None:
            mix = mixes[s.pk]
            valeurs[-1] += [
                mix.participants,
                mix.reseaux,
                mix.part_premier_pct,
                _("oui") if mix.mixte else _("non"),
            ]
    return entetes, valeurs


def tableaux_mixite(mixite) -> dict[str, tuple[str, list[str], list[list]]]:
    """The regional mix tables (`mixite.MixiteProgramme`): name → (title, headers, rows)."""
    territoires = [
        [t.nom or _("Sans lieu (à distance)"), t.sessions, t.mixtes, t.part_mixtes]
        for t in mixite.territoires
    ]
    territoires.append([_("Tout le programme"), mixite.sessions, mixite.mixtes, mixite.part_mixtes])
    return {
        "territoires": (
            _("Mixité par territoire"),
            [_("Département"), _("Sessions"), _("Sessions mixtes"), _("Part mixte (%)")],
            territoires,
        ),
        "non-touches": (
            _("Réseaux jamais touchés"),
            [_("Département"), _("Réseau"), _("Structures du réseau dans le département")],
            [[d.nom, reseau.nom, n] for d in mixite.non_touches for reseau, n in d.reseaux],
        ),
        "a-promouvoir": (
            _("Sessions à promouvoir"),
            [_("Formation"), _("Début"), _("Territoire"), _("Places"), _("Réseaux à inviter")],
            [
                [
                    a.session.formation.title,
                    a.session.date_debut,
                    a.territoire,
                    a.places_restantes,
                    ", ".join(r.nom for r in a.reseaux),
                ]
                for a in mixite.a_promouvoir
            ],
        ),
    }


def en_csv(sessions: list[Session], mixes: dict | None = None, tableau=None) -> str:
    """The sessions table, or one of `tableaux_mixite` given as (title, headers, rows)."""
    tampon = io.StringIO()
    # Semicolons and a BOM: what spreadsheet software set to French expects.
    ecrivain = csv.writer(tampon, delimiter=";")
    entetes, valeurs = tableau[1:] if tableau else lignes(sessions, mixes)
    ecrivain.writerow(entetes)
    ecrivain.writerows(["" if v is None else v for v in ligne] for ligne in valeurs)
    return "\ufeff" + tampon.getvalue()


def en_xlsx(sessions: list[Session], mixes: dict | None = None, tableaux=None) -> bytes:
    """The sessions sheet, then one sheet per table of `tableaux_mixite`."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = _("Sessions")
    entetes, valeurs = lignes(sessions, mixes)
    feuille.append(entetes)
    for ligne in valeurs:
        feuille.append(ligne)
    for titre, entetes, valeurs in (tableaux or {}).values():
        # A sheet title is at most 31 characters long.
        feuille = classeur.create_sheet(titre[:31])
        feuille.append(entetes)
        for ligne in valeurs:
            feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
