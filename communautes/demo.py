"""Demo communities for `manage.py demo`: thematic, territorial and private ones, with exchanges."""

from typing import NamedTuple

from django.contrib.auth import get_user_model

from maillage import roles
from maillage.demo.comptes import COMPTES
from maillage.models import Profil, Thematique

from . import services
from .models import Adhesion, Communaute, Publication

CHARTE = (
    "Bienveillance et confidentialité : aucune donnée permettant d'identifier une personne "
    "accompagnée, pas de prospection commerciale, des échanges entre pairs."
)


class CommunauteDemo(NamedTuple):
    slug: str
    nom: str
    nature: str
    visibilite: str
    mode_adhesion: str
    thematique: str
    description: str
    echanges: tuple[tuple[str, str, str, str], ...]


COMMUNAUTES = (
    CommunauteDemo(
        "cep",
        "Conseil en évolution professionnelle",
        Communaute.Nature.THEMATIQUE,
        Communaute.Visibilite.PUBLIQUE,
        Communaute.ModeAdhesion.OUVERTE,
        "cep",
        "Les conseillers CEP de tous les opérateurs partagent pratiques, outils et actualités.",
        (
            (
                Publication.Nature.QUESTION,
                "Formaliser le projet à l'issue du niveau 2 ?",
                "<p>Quel support utilisez-vous pour le document de synthèse remis à la "
                "personne ? Nous cherchons un modèle court.</p>",
                "<p>Nous utilisons une trame en deux pages : situation, projet, étapes. "
                "Je peux la partager ici.</p>",
            ),
            (
                Publication.Nature.RESSOURCE,
                "Grille d'entretien exploratoire",
                "<p>Voici la grille que nous utilisons en premier entretien, "
                "<strong>libre de réutilisation</strong>.</p>",
                "<p>Merci, très utile pour les nouveaux collègues !</p>",
            ),
        ),
    ),
    CommunauteDemo(
        "accueil-premier-niveau",
        "Accueil et premier niveau d'information",
        Communaute.Nature.THEMATIQUE,
        Communaute.Visibilite.MEMBRES,
        Communaute.ModeAdhesion.SUR_DEMANDE,
        "accueil",
        "Accueillir sans rendez-vous, orienter vers la bonne porte, travailler en réseau.",
        (
            (
                Publication.Nature.DISCUSSION,
                "Permanences sans rendez-vous : vos horaires ?",
                "<p>Nous réfléchissons à ouvrir une permanence le samedi matin.</p>",
                "<p>Nous l'avons fait l'an dernier : beaucoup de salariés en reconversion.</p>",
            ),
        ),
    ),
    CommunauteDemo(
        "referents-handicap",
        "Référents handicap — groupe d'échange",
        Communaute.Nature.INSTANCE,
        Communaute.Visibilite.PRIVEE,
        Communaute.ModeAdhesion.SUR_INVITATION,
        "",
        "Un groupe restreint de référents handicap, sur invitation.",
        (),
    ),
)


def communautes_provide(*, progress) -> dict[str, int]:
    """Create the demo communities once, their managers and members, and a few exchanges."""
    users = {u.email: u for u in get_user_model().objects.filter(email__endswith=".localhost")}
    comptes = [c for c in COMPTES if c.email in users]
    managers = [users[c.email] for c in comptes if c.role in (roles.ANIMATEUR, roles.FORMATEUR)]
    members = [users[c.email] for c in comptes if c.role == roles.CONSEILLER]
    if not managers or len(members) < 2:
        progress("Communautés : comptes de démonstration absents, rien à faire")
        return {"communautes": 0, "communautes_created": 0}
    created = 0
    for index, demo in enumerate(COMMUNAUTES):
        manager = managers[index % len(managers)]
        communaute = Communaute.objects.filter(slug=demo.slug).first()
        if communaute is None:
            communaute = services.communaute_create(
                createur=manager,
                nom=demo.nom,
                slug=demo.slug,
                nature=demo.nature,
                visibilite=demo.visibilite,
                mode_adhesion=demo.mode_adhesion,
                description=demo.description,
                charte=CHARTE,
                thematiques=list(Thematique.objects.filter(slug=demo.thematique)),
            )
            created += 1
        for member in members[index : index + 5]:
            Adhesion.objects.get_or_create(
                user=member,
                communaute=communaute,
                defaults={
                    "etat": Adhesion.Etat.ACTIVE,
                    "charte_acceptee_version": communaute.charte_version,
                },
            )
        if not communaute.publications.exists():
            for n, (nature, titre, corps, reponse) in enumerate(demo.echanges):
                auteur, repondant = members[index + n], members[index + n + 1]
                publication = services.publication_create(
                    auteur=auteur, communaute=communaute, nature=nature, titre=titre, corps=corps
                )
                services.reponse_create(auteur=repondant, publication=publication, corps=reponse)
                services.reaction_toggle(user=manager, nature="utile", publication=publication)
    _annuaire_visibilites(members)
    progress(f"Communautés : {len(COMMUNAUTES)} dont {created} créées")
    return {"communautes": len(COMMUNAUTES), "communautes_created": created}


def _annuaire_visibilites(members) -> None:
    """Show both directory rules in the demo: one member for their communities, one hidden."""
    choix = (Profil.Visibilite.COMMUNAUTES, Profil.Visibilite.MASQUE)
    for member, visibilite in zip(members[-2:], choix, strict=False):
        Profil.objects.filter(user=member).update(visibilite=visibilite)
