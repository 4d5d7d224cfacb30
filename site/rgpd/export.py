"""Everything the platform holds about one person, as JSON and readable HTML in a ZIP.

Only the person's own words and records: from practice-analysis groups, their own
question, plans, learnings and notes — never what other members wrote. Calendar and agenda
tokens are listed by creation date only (only a hash is stored, and it stays out).
Each section is one query (two for the enrolments' attendance and evaluations), so the
number of queries does not grow with the amount of data.
"""

import datetime
import io
import json
import zipfile
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.models import DemandeSuppression, JetonCalendrier, Profil


def _valeur(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds") if value else None
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _ligne(**champs) -> dict:
    return {cle: _valeur(valeur) for cle, valeur in champs.items()}


def _compte(user) -> list[dict]:
    from allauth.account.models import EmailAddress

    adresses = [
        _ligne(adresse=a.email, verifiee=a.verified, principale=a.primary)
        for a in EmailAddress.objects.filter(user=user).order_by("pk")
    ]
    return [
        _ligne(
            identifiant=user.username,
            prenom=user.first_name,
            nom=user.last_name,
            email=user.email,
            inscrit_le=user.date_joined,
            derniere_connexion=user.last_login,
            adresses=adresses,
        )
    ]


def _profil(user) -> list[dict]:
    profil = (
        Profil.objects.filter(user=user)
        .select_related("structure__reseau", "structure__commune")
        .prefetch_related("territoires", "thematiques")
        .first()
    )
    if profil is None:
        return []
    structure = profil.structure
    return [
        _ligne(
            structure=structure.nom if structure else None,
            reseau=structure.reseau.nom if structure else None,
            commune=structure.commune.nom if structure else None,
            fonction=profil.fonction,
            presentation=profil.presentation,
            territoires=[t.nom for t in profil.territoires.all()],
            thematiques=[t.nom for t in profil.thematiques.all()],
            visibilite=profil.get_visibilite_display(),
            notifications_par_email=profil.notifier_par_email,
            resume_par_email=profil.get_frequence_resume_display(),
            cree_le=profil.cree_le,
            modifie_le=profil.modifie_le,
        )
    ]


def _formations(user) -> dict[str, list[dict]]:
    from formations.models import Emargement, Evaluation, Inscription

    inscriptions = list(
        Inscription.objects.filter(user=user)
        .select_related("session__formation", "attestation")
        .prefetch_related(
            Prefetch(
                "emargements",
                queryset=Emargement.objects.select_related("creneau").order_by("creneau__date"),
            ),
            Prefetch("evaluations", queryset=Evaluation.objects.order_by("pk")),
        )
        .order_by("cree_le")
    )
    sections = {"inscriptions": [], "emargements": [], "attestations": [], "evaluations": []}
    for inscription in inscriptions:
        session = inscription.session
        formation = session.formation.title
        sections["inscriptions"].append(
            _ligne(
                formation=formation,
                session_debut=session.date_debut,
                session_fin=session.date_fin,
                lieu=session.ville,
                etat=inscription.get_etat_display(),
                inscrit_le=inscription.cree_le,
            )
        )
        sections["emargements"].extend(
            _ligne(
                formation=formation,
                date=e.creneau.date,
                debut=e.creneau.heure_debut,
                present=e.present,
                saisi_le=e.saisi_le,
            )
            for e in inscription.emargements.all()
        )
        attestation = getattr(inscription, "attestation", None)
        if attestation is not None:
            sections["attestations"].append(
                _ligne(
                    formation=formation,
                    code=attestation.code,
                    heures=attestation.heures,
                    emise_le=attestation.emise_le,
                )
            )
        sections["evaluations"].extend(
            _ligne(
                formation=formation,
                questionnaire=ev.get_type_display(),
                note_globale=ev.note_globale,
                note_utilite=ev.note_utilite,
                usage=ev.usage,
                commentaire=ev.commentaire,
                repondu_le=ev.repondu_le,
            )
            for ev in inscription.evaluations.all()
        )
    return sections


def _communautes(user) -> dict[str, list[dict]]:
    from communautes.models.communautes import Adhesion
    from communautes.models.evenements import ParticipationEvenement
    from communautes.models.moderation import Signalement
    from communautes.models.notifications import Notification
    from communautes.models.publications import Publication, Reaction, Reponse
    from communautes.models.salon import MessageSalon
    from ressources.models.retours import RetourUsage

    return {
        "adhesions": [
            _ligne(
                communaute=a.communaute.nom,
                role=a.get_role_display(),
                etat=a.get_etat_display(),
                niveau_notification=a.get_niveau_notification_display(),
                depuis=a.cree_le,
            )
            for a in Adhesion.objects.filter(user=user).select_related("communaute").order_by("pk")
        ],
        "publications": [
            _ligne(
                communaute=p.communaute.nom,
                titre=p.titre,
                nature=p.get_nature_display(),
                message=p.corps,
                publiee_le=p.cree_le,
                modifiee_le=p.modifie_le,
            )
            for p in Publication.objects.filter(auteur=user)
            .select_related("communaute")
            .order_by("cree_le")
        ],
        "reponses": [
            _ligne(sujet=r.publication.titre, message=r.corps, publiee_le=r.cree_le)
            for r in Reponse.objects.filter(auteur=user)
            .select_related("publication")
            .order_by("cree_le")
        ],
        "messages_salon": [
            _ligne(communaute=m.communaute.nom, message=m.texte, envoye_le=m.cree_le)
            for m in MessageSalon.objects.filter(auteur=user)
            .select_related("communaute")
            .order_by("cree_le")
        ],
        "reactions": [
            _ligne(
                nature=r.get_nature_display(),
                sujet=(r.publication or r.reponse.publication).titre,
                le=r.cree_le,
            )
            for r in Reaction.objects.filter(user=user)
            .select_related("publication", "reponse__publication")
            .order_by("cree_le")
        ],
        "evenements": [
            _ligne(
                evenement=p.evenement.publication.titre,
                debut=p.evenement.debut,
                etat=p.get_etat_display(),
                inscrit_le=p.cree_le,
            )
            for p in ParticipationEvenement.objects.filter(user=user)
            .select_related("evenement__publication")
            .order_by("cree_le")
        ],
        "signalements": [
            _ligne(motif=s.get_motif_display(), precisions=s.commentaire, le=s.cree_le)
            for s in Signalement.objects.filter(auteur=user).order_by("cree_le")
        ],
        "notifications": [
            _ligne(texte=n.texte, lien=n.lien, lue=n.lue, le=n.cree_le)
            for n in Notification.objects.filter(destinataire=user).order_by("cree_le")
        ],
        "retours_outils": [
            _ligne(
                outil=r.outil.title,
                usage=r.texte,
                resultat=r.resultat,
                note=r.note,
                le=r.cree_le,
            )
            for r in RetourUsage.objects.filter(user=user).select_related("outil").order_by("pk")
        ],
    }


def _analyse_pratiques(user) -> dict[str, list[dict]]:
    from analyse_pratiques.models.cas import CasPropose
    from analyse_pratiques.models.groupes import Adhesion
    from analyse_pratiques.models.seances import (
        Apprentissage,
        NoteTravail,
        PlanAction,
        QuestionConsultation,
    )

    def ecrits(model) -> list[dict]:
        return [
            _ligne(groupe=e.seance.groupe.nom, seance=e.seance.date, texte=e.texte, le=e.cree_le)
            for e in model.objects.filter(auteur=user)
            .select_related("seance__groupe")
            .order_by("cree_le")
        ]

    return {
        "groupes_analyse_pratiques": [
            _ligne(
                groupe=m.groupe.nom,
                etat=m.get_etat_display(),
                rejoint_le=m.rejoint_le,
                quitte_le=m.quitte_le,
            )
            for m in Adhesion.objects.filter(user=user).select_related("groupe").order_by("pk")
        ],
        "questions_consultation": ecrits(QuestionConsultation),
        "plans_action": ecrits(PlanAction),
        "apprentissages": ecrits(Apprentissage),
        "notes_travail": ecrits(NoteTravail),
        "cas_proposes": [
            _ligne(
                titre=c.titre,
                situation=c.situation,
                etat=c.get_etat_display(),
                consentement_donne_le=c.consentement_donne_le,
                consentement_retire_le=c.consentement_retire_le,
            )
            for c in CasPropose.objects.filter(client=user).order_by("cree_le")
        ],
    }


def _jetons(user) -> list[dict]:
    usages = {
        JetonCalendrier.Flux.SESSIONS: _("Calendrier des formations"),
        JetonCalendrier.Flux.SEANCES: _("Agenda des séances d'analyse de pratiques"),
    }
    jetons = sorted(
        JetonCalendrier.objects.filter(user=user), key=lambda j: list(usages).index(j.flux)
    )
    return [_ligne(usage=usages[j.flux], cree_le=j.cree_le) for j in jetons]


def _demandes(user) -> list[dict]:
    return [
        _ligne(
            etat=d.get_etat_display(),
            origine=d.get_origine_display(),
            supprimer_contributions=d.supprimer_contributions,
            demandee_le=d.demandee_le,
            effective_le=d.effective_le,
            annulee_le=d.annulee_le,
        )
        for d in DemandeSuppression.objects.filter(user=user)
    ]


def _titres() -> dict[str, str]:
    return {
        "compte": _("Compte"),
        "profil": _("Profil et structure"),
        "inscriptions": _("Inscriptions aux sessions"),
        "emargements": _("Émargements"),
        "attestations": _("Attestations de présence"),
        "evaluations": _("Évaluations des formations"),
        "adhesions": _("Communautés"),
        "publications": _("Publications"),
        "reponses": _("Réponses"),
        "messages_salon": _("Messages du salon en direct"),
        "reactions": _("Réactions"),
        "evenements": _("Participations aux événements"),
        "signalements": _("Signalements envoyés"),
        "notifications": _("Notifications"),
        "retours_outils": _("Retours d'usage sur les outils"),
        "groupes_analyse_pratiques": _("Groupes d'analyse de pratiques"),
        "questions_consultation": _("Mes questions de consultation"),
        "plans_action": _("Mes plans d'action"),
        "apprentissages": _("Mes apprentissages"),
        "notes_travail": _("Mes notes de travail"),
        "cas_proposes": _("Cas que j'ai proposés"),
        "jetons": _("Liens d'abonnement aux calendriers (sans leur secret)"),
        "demandes_suppression": _("Demandes de suppression du compte"),
    }


def donnees_personnelles(*, user) -> dict:
    """The export's content: `{"genere_le", "sections": {key: [rows]}}`, keys in page order."""
    user = get_user_model().objects.get(pk=user.pk)
    sections = {"compte": _compte(user), "profil": _profil(user)}
    sections.update(_formations(user))
    sections.update(_communautes(user))
    sections.update(_analyse_pratiques(user))
    sections["jetons"] = _jetons(user)
    sections["demandes_suppression"] = _demandes(user)
    return {"genere_le": _valeur(timezone.now()), "sections": sections}


def _texte(valeur) -> str:
    if valeur is None:
        return "—"
    if isinstance(valeur, bool):
        return _("oui") if valeur else _("non")
    if isinstance(valeur, list):
        return "; ".join(
            ", ".join(f"{k} : {_texte(v)}" for k, v in item.items())
            if isinstance(item, dict)
            else _texte(item)
            for item in valeur
        )
    return str(valeur)


def export_html(*, donnees: dict) -> str:
    titres = _titres()
    sections = [
        {
            "cle": cle,
            "titre": titres.get(cle, cle),
            "lignes": [[(k, _texte(v)) for k, v in ligne.items()] for ligne in lignes],
        }
        for cle, lignes in donnees["sections"].items()
    ]
    return render_to_string(
        "maillage/rgpd/export_index.html",
        {"sections": sections, "genere_le": donnees["genere_le"]},
    )


def export_zip(*, user) -> bytes:
    """A ZIP holding `donnees.json` (machine-readable) and `index.html` (to read)."""
    donnees = donnees_personnelles(user=user)
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "donnees.json", json.dumps(donnees, ensure_ascii=False, indent=2, default=str)
        )
        archive.writestr("index.html", export_html(donnees=donnees))
    return tampon.getvalue()
