"""The practice-analysis rows formations' dashboard shows in « Rencontrez les autres
réseaux »: listed groups with room left where the counsellor's réseau is under-represented.
Registered in the AppConfig, so formations never imports this app."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from formations.dashboard import MAX_RENCONTRES, Lien, Ligne, mixite_courte
from maillage.mixite import mix_par

from .models import Adhesion
from .selectors import groupes_listes


def _personnes_groupe(n: int) -> str:
    return ngettext("%(n)s membre", "%(n)s membres", n) % {"n": n}


def groupes_a_rencontrer(user, origine) -> list[Ligne]:
    """Listed practice-analysis groups (those that take applications from anyone) led from
    the counsellor's région, with room left, where their réseau is under-represented; an
    unlisted group never shows. Two queries."""
    groupes = {
        g.pk: g
        for g in groupes_listes(user=user).filter(
            animateur__profil__structure__commune__departement__parent_id=origine.region_id
        )
    }
    mixes = mix_par(
        Adhesion.objects.filter(groupe_id__in=list(groupes), etat=Adhesion.Etat.ACTIF),
        cle="groupe_id",
    )
    lignes = []
    for pk, groupe in groupes.items():
        mix = mixes.get(pk)
        if mix is None or mix.participants >= groupe.taille_max:
            continue
        if not mix.sous_represente(origine.reseau_id):
            continue
        ligne = Ligne(
            titre=groupe.nom,
            url=reverse("analyse_pratiques:mes_groupes"),
            dates=str(groupe.get_methode_display()),
            lieu=str(_("Groupe d'analyse de pratiques")),
            etat=mixite_courte(mix, origine.reseau_id, personnes=_personnes_groupe),
        )
        ligne.ajouter(
            Lien(
                _("Candidater"),
                reverse("analyse_pratiques:candidater", args=[groupe.slug]),
                post=True,
            )
        )
        lignes.append(ligne)
        if len(lignes) == MAX_RENCONTRES:
            break
    return lignes
