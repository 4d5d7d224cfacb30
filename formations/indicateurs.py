"""Tabular exports (CSV, XLSX) of a programme's indicators."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Session


def lignes(sessions: list[Session]) -> tuple[list[str], list[list]]:
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
    return entetes, valeurs


def en_csv(sessions: list[Session]) -> str:
    tampon = io.StringIO()
    # Semicolons and a BOM: what spreadsheet software set to French expects.
    ecrivain = csv.writer(tampon, delimiter=";")
    entetes, valeurs = lignes(sessions)
    ecrivain.writerow(entetes)
    ecrivain.writerows(["" if v is None else v for v in ligne] for ligne in valeurs)
    return "\ufeff" + tampon.getvalue()


def en_xlsx(sessions: list[Session]) -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = _("Sessions")
    entetes, valeurs = lignes(sessions)
    feuille.append(entetes)
    for ligne in valeurs:
        feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
