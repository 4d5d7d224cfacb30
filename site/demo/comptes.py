"""Demo accounts: one or more of every role, with verified e-mail and a filled profile."""

from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from maillage import roles
from maillage.models import Profil, Structure, Thematique

from .siret import fake_siret

DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - demo accounts only; `demo` refuses DEBUG=False
ADMIN_EMAIL = "admin@maillage.localhost"


class CompteDemo(NamedTuple):
    email: str
    prenom: str
    nom: str
    role: str
    structure: str
    fonction: str
    thematiques: tuple[str, ...]
    resume: str = Profil.FrequenceResume.HEBDOMADAIRE


COMPTES: tuple[CompteDemo, ...] = (
    CompteDemo(
        ADMIN_EMAIL,
        "Camille",
        "Roussel",
        roles.ADMINISTRATEUR,
        "Via Compétences",
        "Administratrice de la plateforme",
        ("outils-et-numerique",),
    ),
    CompteDemo(
        "nadia.benali@maillage.localhost",
        "Nadia",
        "Benali",
        roles.ADMINISTRATEUR,
        "Défi métiers",
        "Responsable de l'animation des réseaux professionnels",
        ("spro", "outils-et-numerique"),
    ),
    CompteDemo(
        "julien.moreau@maillage.localhost",
        "Julien",
        "Moreau",
        roles.EDITEUR_REGIONAL,
        "Via Compétences",
        "Chargé de mission professionnalisation des acteurs AIO",
        ("spro", "cep", "analyse-des-pratiques"),
    ),
    CompteDemo(
        "sophie.lambert@maillage.localhost",
        "Sophie",
        "Lambert",
        roles.EDITEUR_REGIONAL,
        "Carif Espace Compétences",
        "Responsable du programme régional de professionnalisation",
        ("connaissance-metiers-marche-travail", "egalite-femmes-hommes"),
    ),
    CompteDemo(
        "marc.petit@maillage.localhost",
        "Marc",
        "Petit",
        roles.EDITEUR_REGIONAL,
        "Emfor Bourgogne-Franche-Comté",
        "Chargé de professionnalisation SPRO et CEP",
        ("cep", "vae"),
    ),
    CompteDemo(
        "laura.santoni@maillage.localhost",
        "Laura",
        "Santoni",
        roles.EDITEUR_REGIONAL,
        "Corse Compétences",
        "Chargée de mission information et professionnalisation",
        ("dispositifs-emploi-formation", "lutte-contre-les-discriminations"),
    ),
    CompteDemo(
        "thomas.girard@maillage.localhost",
        "Thomas",
        "Girard",
        roles.EDITEUR_REGIONAL,
        "Cap Métiers Nouvelle-Aquitaine",
        "Chef de projet professionnalisation",
        ("offre-de-formation", "donnees-socio-economiques"),
    ),
    CompteDemo(
        "isabelle.fournier@maillage.localhost",
        "Isabelle",
        "Fournier",
        roles.FORMATEUR,
        "Atelier Trajectoires Formation",
        "Formatrice consultante en orientation",
        ("analyse-de-la-demande", "postures-et-entretien", "outils-et-numerique"),
    ),
    CompteDemo(
        "karim.haddad@maillage.localhost",
        "Karim",
        "Haddad",
        roles.FORMATEUR,
        "Parcours et Compétences Méditerranée",
        "Formateur en insertion professionnelle",
        ("justice", "illettrisme"),
    ),
    CompteDemo(
        "anne.lefebvre@maillage.localhost",
        "Anne",
        "Lefebvre",
        roles.ANIMATEUR,
        "Cité des métiers de Marseille et de Provence",
        "Psychologue du travail, animatrice de groupes d'analyse de pratiques",
        ("analyse-des-pratiques", "postures-et-entretien"),
    ),
    CompteDemo(
        "pierre.rousseau@maillage.localhost",
        "Pierre",
        "Rousseau",
        roles.ANIMATEUR,
        "Emfor Bourgogne-Franche-Comté",
        "Animateur de groupes de co-développement",
        ("analyse-des-pratiques", "cep"),
    ),
    CompteDemo(
        "claire.martin@maillage.localhost",
        "Claire",
        "Martin",
        roles.CONSEILLER,
        "France Travail Lyon Part-Dieu",
        "Conseillère emploi",
        ("accueil", "dispositifs-emploi-formation"),
        resume=Profil.FrequenceResume.QUOTIDIEN,
    ),
    CompteDemo(
        "mehdi.bouzid@maillage.localhost",
        "Mehdi",
        "Bouzid",
        roles.CONSEILLER,
        "Mission locale de Lyon",
        "Conseiller en insertion sociale et professionnelle",
        ("decrochage", "connaissance-metiers-marche-travail"),
    ),
    CompteDemo(
        "emilie.durand@maillage.localhost",
        "Émilie",
        "Durand",
        roles.CONSEILLER,
        "Cap emploi Rhône",
        "Chargée d'accompagnement vers l'emploi",
        ("handicap", "cep"),
        resume=Profil.FrequenceResume.QUOTIDIEN,
    ),
    CompteDemo(
        "lucie.bernard@maillage.localhost",
        "Lucie",
        "Bernard",
        roles.CONSEILLER,
        "CIO de Villeurbanne",
        "Psychologue de l'Éducation nationale",
        ("analyse-de-la-demande", "decrochage"),
    ),
    CompteDemo(
        "nicolas.faure@maillage.localhost",
        "Nicolas",
        "Faure",
        roles.CONSEILLER,
        "Apec Lyon",
        "Consultant en évolution professionnelle",
        ("cep",),
        resume=Profil.FrequenceResume.JAMAIS,
    ),
    CompteDemo(
        "sarah.cohen@maillage.localhost",
        "Sarah",
        "Cohen",
        roles.CONSEILLER,
        "CIDFF des Bouches-du-Rhône",
        "Conseillère emploi-formation",
        ("egalite-femmes-hommes", "dispositifs-emploi-formation"),
        resume=Profil.FrequenceResume.QUOTIDIEN,
    ),
    CompteDemo(
        "antoine.mercier@maillage.localhost",
        "Antoine",
        "Mercier",
        roles.CONSEILLER,
        "SPIP des Bouches-du-Rhône",
        "Conseiller pénitentiaire d'insertion et de probation",
        ("justice",),
    ),
    CompteDemo(
        "julie.blanc@maillage.localhost",
        "Julie",
        "Blanc",
        roles.CONSEILLER,
        "PLIE Marseille Provence",
        "Référente de parcours PLIE",
        ("insertion-activite-economique", "accueil"),
    ),
    CompteDemo(
        "manon.roux@maillage.localhost",
        "Manon",
        "Roux",
        roles.CONSEILLER,
        "Mission locale du Grand Besançon",
        "Conseillère en insertion professionnelle",
        ("decrochage", "mobilite-europeenne"),
    ),
    CompteDemo(
        "fatou.diallo@maillage.localhost",
        "Fatou",
        "Diallo",
        roles.CONSEILLER,
        "Régie de quartier de Planoise",
        "Accompagnatrice socioprofessionnelle",
        ("insertion-activite-economique", "illettrisme"),
    ),
    CompteDemo(
        "paul.santini@maillage.localhost",
        "Paul",
        "Santini",
        roles.CONSEILLER,
        "France Travail Bastia",
        "Conseiller emploi",
        ("accueil", "offre-de-formation"),
    ),
    CompteDemo(
        "yann.le-goff@maillage.localhost",
        "Yann",
        "Le Goff",
        roles.CONSEILLER,
        "France Travail Bordeaux Bastide",
        "Conseiller emploi",
        ("connaissance-metiers-marche-travail", "vae"),
    ),
)


def comptes_provide(*, progress) -> dict[str, int]:
    """Create or update the demo accounts; a password is set only on creation."""
    User = get_user_model()
    structures = {
        s.siret: s
        for s in Structure.objects.select_related("commune__departement__parent").filter(
            siret__in=[fake_siret(c.structure) for c in COMPTES]
        )
    }
    thematiques = {t.slug: t for t in Thematique.objects.all()}
    # One hash for every new account: hashing is deliberately slow, and these share a password.
    password_hash = ""
    created = 0
    for compte in COMPTES:
        structure = structures[fake_siret(compte.structure)]
        departement = structure.commune.departement
        region = departement.parent
        is_admin = compte.email == ADMIN_EMAIL
        user = User.objects.filter(email__iexact=compte.email).first()
        if user is None:
            user = User(username=compte.email.split("@")[0], email=compte.email)
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            created += 1
        user.first_name = compte.prenom
        user.last_name = compte.nom
        user.is_staff = user.is_superuser = is_admin
        user.is_active = True
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=compte.email, defaults={"verified": True, "primary": True}
        )
        profil, _created = Profil.objects.get_or_create(user=user)
        profil.structure = structure
        profil.fonction = compte.fonction
        profil.frequence_resume = compte.resume
        profil.full_clean()
        profil.save()
        profil.territoires.set([region, departement])
        profil.thematiques.set([thematiques[slug] for slug in compte.thematiques])
        roles.role_assign(
            user=user,
            role=compte.role,
            region=region if compte.role == roles.EDITEUR_REGIONAL else None,
        )
    progress(f"Comptes : {len(COMPTES)} dont {created} créés")
    by_role = {
        f"comptes_{name}": sum(c.role == role for c in COMPTES)
        for name, role in (
            ("conseiller", roles.CONSEILLER),
            ("formateur", roles.FORMATEUR),
            ("editeur_regional", roles.EDITEUR_REGIONAL),
            ("animateur", roles.ANIMATEUR),
            ("administrateur", roles.ADMINISTRATEUR),
        )
    }
    return {"comptes": len(COMPTES), **by_role, "comptes_created": created}
