"""Demo communities for `manage.py demo`: thematic, territorial, private; exchanges, events."""

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.utils import timezone

from communautes import services
from communautes.evenements import services as evenements_services
from communautes.models import Adhesion, Communaute, Evenement, Publication, ResumeEnvoi
from communautes.notifications.digest import FENETRE
from maillage import roles
from maillage.demo.comptes import COMPTES
from maillage.models import Commune, Profil, Territoire, Thematique

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
    departement: str = ""


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
        "orientation-rhone",
        "Professionnels de l'orientation du Rhône",
        Communaute.Nature.TERRITORIALE,
        Communaute.Visibilite.PUBLIQUE,
        Communaute.ModeAdhesion.OUVERTE,
        "",
        "Conseillers, chargés d'accueil et formateurs du Rhône : se connaître pour mieux "
        "orienter les publics vers la bonne porte.",
        (
            (
                Publication.Nature.DISCUSSION,
                "Qui accompagne les 16-18 ans sortis du lycée sans solution ?",
                "<p>Une famille m'a sollicitée pour un jeune de 17 ans. Mission locale, CIO, "
                "obligation de formation : qui fait quoi sur Lyon ?</p>",
                "<p>La mission locale pilote l'obligation de formation ; le CIO reste la porte "
                "pour un retour en formation initiale.</p>",
            ),
        ),
        departement="69",
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
                territoire=Territoire.objects.filter(
                    niveau=Territoire.Niveau.DEPARTEMENT, code=demo.departement
                ).first(),
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
    evenements = _evenements_provide()
    veilles = _veille_provide()
    _annuaire_visibilites(members)
    progress(
        f"Communautés : {len(COMMUNAUTES)} dont {created} créées ; {evenements} événements créés"
        f" ; {veilles} veille publiée"
    )
    return {"communautes": len(COMMUNAUTES), "communautes_created": created}


class EvenementDemo(NamedTuple):
    communaute: str
    nature: str
    titre: str
    description: str
    dans_jours: int
    horaire: tuple[int, int, int]  # start hour, start minute, duration in minutes
    adresse: str
    commune: str
    lien: str
    capacite: int | None
    participants: int


EVENEMENTS = (
    EvenementDemo(
        "orientation-rhone",
        Evenement.Nature.CAFE_PRO,
        "Café pro : la bonne porte pour les 16-25 ans à Lyon",
        "<p>Une heure pour se rencontrer entre mission locale, CIO, France Travail et "
        "associations : chacun présente son offre en trois minutes, puis "
        "<strong>échanges libres autour d'un café</strong>.</p>",
        9,
        (8, 45, 75),
        "Salle du rez-de-chaussée, 12 rue Servient",
        "69123",
        "",
        20,
        4,
    ),
    EvenementDemo(
        "cep",
        Evenement.Nature.WEB_RDV,
        "Web rendez-vous : le CEP face aux transitions professionnelles",
        "<p>Comment accompagner les actifs dont le métier se transforme ? Retours "
        "d'expérience de deux opérateurs du CEP, puis questions-réponses.</p>"
        "<ul><li>Repérer les compétences transférables</li>"
        "<li>Mobiliser le projet de transition professionnelle</li></ul>",
        16,
        (11, 0, 60),
        "",
        "",
        "https://visio.exemple.fr/maillage-cep-transitions",
        50,
        3,
    ),
    EvenementDemo(
        "orientation-rhone",
        Evenement.Nature.SEMINAIRE,
        "Séminaire territorial du SPRO du Rhône",
        "<p>Une journée pour faire le point sur la coopération entre les membres du "
        "service public régional de l'orientation : <strong>parcours des publics "
        "éloignés de l'emploi</strong>, outils partagés, ateliers par bassin.</p>",
        30,
        (9, 30, 420),
        "Auditorium, 20 rue de la République",
        "69123",
        "",
        80,
        2,
    ),
)


def _evenements_provide() -> int:
    """Create the demo events once (found again by community and title), with some RSVPs."""
    maintenant = timezone.localtime()
    created = 0
    for demo in EVENEMENTS:
        communaute = Communaute.objects.filter(slug=demo.communaute).first()
        commune = Commune.objects.filter(pk=demo.commune).first() if demo.commune else None
        if communaute is None or (demo.commune and commune is None):
            continue
        if Evenement.objects.filter(
            publication__communaute=communaute, publication__titre=demo.titre
        ).exists():
            continue
        adhesions = Adhesion.objects.filter(
            communaute=communaute, etat=Adhesion.Etat.ACTIVE
        ).select_related("user")
        organisateur = adhesions.filter(role=Adhesion.Role.ANIMATEUR).first()
        if organisateur is None:
            continue
        heure, minute, duree = demo.horaire
        jour = maintenant.date() + datetime.timedelta(days=demo.dans_jours)
        debut = timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, minute)))
        evenement = evenements_services.evenement_create(
            auteur=organisateur.user,
            communaute=communaute,
            nature=demo.nature,
            titre=demo.titre,
            description=demo.description,
            debut=debut,
            fin=debut + datetime.timedelta(minutes=duree),
            adresse=demo.adresse,
            commune=commune,
            lien=demo.lien,
            capacite=demo.capacite,
        )
        membres = adhesions.filter(role=Adhesion.Role.MEMBRE).order_by("pk")
        for adhesion in membres[: demo.participants]:
            evenements_services.participation_register(user=adhesion.user, evenement=evenement)
        created += 1
    return created


VEILLE_COMMUNAUTE = "cep"
VEILLE_CORPS = (
    "<p>Les informations utiles au conseil en évolution professionnelle cette semaine : "
    "<strong>nouveaux appels à projets</strong> de Transitions Pro, mise à jour des "
    "fiches métiers et dates des prochaines réunions d'information collective.</p>"
)


def _veille_provide() -> int:
    """A manager's watch post when no demo community has been active within a daily digest.

    A demo database reloaded days after its creation would otherwise have nothing for the
    daily digest; the post is dated today, so a rerun the same day adds nothing.
    """
    depuis = timezone.now() - FENETRE[ResumeEnvoi.Frequence.QUOTIDIEN]
    if Publication.objects.filter(
        communaute__slug__in=[demo.slug for demo in COMMUNAUTES], cree_le__gte=depuis
    ).exists():
        return 0
    animateur = (
        Adhesion.objects.filter(
            communaute__slug=VEILLE_COMMUNAUTE,
            role=Adhesion.Role.ANIMATEUR,
            etat=Adhesion.Etat.ACTIVE,
        )
        .select_related("user", "communaute")
        .first()
    )
    if animateur is None:
        return 0
    services.publication_create(
        auteur=animateur.user,
        communaute=animateur.communaute,
        nature=Publication.Nature.ANNONCE,
        titre=f"Veille CEP du {timezone.localdate():%d/%m/%Y}",
        corps=VEILLE_CORPS,
    )
    return 1


def _annuaire_visibilites(members) -> None:
    """Show both directory rules in the demo: one member for their communities, one hidden."""
    choix = (Profil.Visibilite.COMMUNAUTES, Profil.Visibilite.MASQUE)
    for member, visibilite in zip(members[-2:], choix, strict=False):
        Profil.objects.filter(user=member).update(visibilite=visibilite)
