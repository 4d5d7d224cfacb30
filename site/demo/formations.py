"""Demo professionalisation offer: a catalogue, three regional SPRO programmes, sessions."""

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from formations.models import CatalogueIndexPage, FormationPage, ProgrammePage, RegionPage, Session
from maillage import roles
from maillage.models import Commune, HomePage, Public, Territoire, Thematique

PROGRAMME_ANNEE = 2027
DEMI_JOURNEES = (
    (datetime.time(9, 0), datetime.time(12, 30)),
    (datetime.time(13, 30), datetime.time(17, 0)),
)


class FormationDemo(NamedTuple):
    slug: str
    title: str
    objectifs: str
    contenu: str
    modalite: int
    duree_jours: int
    thematiques: tuple[str, ...]
    publics: tuple[str, ...]
    # (days from today to the first day, INSEE code of the place or "" for a remote session)
    sessions: tuple[tuple[int, str], ...]


class RegionDemo(NamedTuple):
    code: str
    slug: str
    nom_carif_oref: str
    organisme: str
    formations: tuple[FormationDemo, ...]


PRESENTIEL = FormationPage.Modalite.PRESENTIEL
MIXTE = FormationPage.Modalite.MIXTE
DISTANCIEL = FormationPage.Modalite.DISTANCIEL

REGIONS: tuple[RegionDemo, ...] = (
    RegionDemo(
        "84",
        "auvergne-rhone-alpes",
        "Via Compétences",
        "Atelier Trajectoires Formation",
        (
            FormationDemo(
                "accueillir-analyser-demande-publics-eloignes",
                "Accueillir et analyser la demande des publics éloignés de l'emploi",
                "<p>Conduire un premier entretien qui fait émerger la demande réelle de la "
                "personne et l'orienter vers le bon interlocuteur du SPRO.</p>",
                "<p>Écoute active et reformulation, repérage des freins périphériques, "
                "mises en situation filmées et analyse collective.</p>",
                PRESENTIEL,
                2,
                ("accueil", "analyse-de-la-demande"),
                ("demandeurs-emploi-longue-duree", "beneficiaires-rsa"),
                ((21, "69123"), (70, "63113")),
            ),
            FormationDemo(
                "cep-les-fondamentaux",
                "Conseil en évolution professionnelle : les fondamentaux",
                "<p>Situer son intervention dans le cahier des charges du CEP et structurer "
                "les trois niveaux de service.</p>",
                "<p>Cadre réglementaire, posture de conseil, formalisation du projet et "
                "document de synthèse, études de cas.</p>",
                MIXTE,
                3,
                ("cep", "postures-et-entretien"),
                ("salaries-en-transition",),
                ((35, "69123"), (95, "")),
            ),
            FormationDemo(
                "connaitre-metiers-marche-travail-local",
                "Connaître les métiers et le marché du travail local",
                "<p>Mobiliser les données de l'emploi et des métiers de son bassin pour "
                "éclairer les choix des personnes accompagnées.</p>",
                "<p>Sources statistiques, diagnostics territoriaux, rencontres avec des "
                "employeurs du bassin.</p>",
                DISTANCIEL,
                1,
                ("connaissance-metiers-marche-travail", "donnees-socio-economiques"),
                (),
                ((28, ""),),
            ),
        ),
    ),
    RegionDemo(
        "93",
        "provence-alpes-cote-d-azur",
        "Carif Espace Compétences",
        "Parcours et Compétences Méditerranée",
        (
            FormationDemo(
                "accompagner-personnes-sous-main-de-justice",
                "Accompagner les personnes placées sous main de justice",
                "<p>Préparer la sortie et articuler son accompagnement avec celui du SPIP.</p>",
                "<p>Aménagements de peine, acteurs du milieu fermé, contrat d'engagement, "
                "témoignages de conseillers pénitentiaires d'insertion et de probation.</p>",
                PRESENTIEL,
                2,
                ("justice",),
                ("personnes-sous-main-de-justice", "jeunes"),
                ((24, "13055"), (82, "13055")),
            ),
            FormationDemo(
                "reperer-accompagner-illettrisme",
                "Repérer et accompagner les situations d'illettrisme",
                "<p>Repérer les difficultés avec l'écrit sans stigmatiser et proposer une "
                "orientation adaptée.</p>",
                "<p>Indices de repérage, posture d'entretien, offre de formation aux savoirs "
                "de base du territoire.</p>",
                PRESENTIEL,
                2,
                ("illettrisme",),
                ("personnes-illettrisme",),
                ((42, "13055"),),
            ),
            FormationDemo(
                "egalite-femmes-hommes-orientation",
                "Égalité femmes-hommes dans l'orientation",
                "<p>Déconstruire les stéréotypes de genre dans les choix de métiers.</p>",
                "<p>Données sur la mixité des métiers, analyse de supports d'information, "
                "outils d'animation d'ateliers.</p>",
                MIXTE,
                1,
                ("egalite-femmes-hommes",),
                ("femmes-reprise-emploi", "jeunes"),
                ((56, "13055"), (110, "")),
            ),
        ),
    ),
    RegionDemo(
        "27",
        "bourgogne-franche-comte",
        "Emfor Bourgogne-Franche-Comté",
        "Emfor Bourgogne-Franche-Comté",
        (
            FormationDemo(
                "accompagner-la-vae",
                "Accompagner la VAE",
                "<p>Informer sur la VAE rénovée et accompagner la rédaction du dossier de "
                "recevabilité et du livret de validation.</p>",
                "<p>Parcours France VAE, analyse de l'expérience, préparation au jury.</p>",
                PRESENTIEL,
                2,
                ("vae",),
                ("salaries-en-transition", "seniors"),
                ((30, "21231"), (88, "25056")),
            ),
            FormationDemo(
                "co-developpement-professionnel-s-initier",
                "Co-développement professionnel : s'initier",
                "<p>Découvrir la méthode du co-développement et animer une première séance "
                "entre pairs.</p>",
                "<p>Les six étapes d'une séance, rôles du client et des consultants, "
                "pratique en groupe.</p>",
                PRESENTIEL,
                1,
                ("analyse-des-pratiques",),
                (),
                ((18, "25056"), (60, "21231"), (120, "25056")),
            ),
            FormationDemo(
                "cep-les-fondamentaux",
                "Conseil en évolution professionnelle : les fondamentaux",
                "<p>Situer son intervention dans le cahier des charges du CEP et structurer "
                "les trois niveaux de service.</p>",
                "<p>Cadre réglementaire, posture de conseil, formalisation du projet et "
                "document de synthèse, études de cas.</p>",
                MIXTE,
                3,
                ("cep", "spro"),
                ("salaries-en-transition",),
                ((49, "21231"),),
            ),
        ),
    ),
)


def _catalogue(home: HomePage) -> tuple[CatalogueIndexPage, bool]:
    catalogue = CatalogueIndexPage.objects.first()
    if catalogue is not None:
        return catalogue, False
    catalogue = home.add_child(
        instance=CatalogueIndexPage(
            title="Offre de professionnalisation",
            slug="formations",
            introduction="<p>Les formations des programmes régionaux de professionnalisation "
            "des acteurs de l'orientation, de la formation et de l'emploi.</p>",
        )
    )
    catalogue.save_revision().publish()
    return catalogue, True


def _child(parent, model, slug: str, fields: dict):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page, False
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    return page, True


def _formation(programme, region: RegionDemo, demo: FormationDemo, formateurs: list):
    page = FormationPage.objects.child_of(programme).filter(slug=demo.slug).first()
    created = page is None
    if created:
        page = FormationPage(slug=demo.slug)
    page.title = demo.title
    page.objectifs = demo.objectifs
    page.contenu = demo.contenu
    page.modalite = demo.modalite
    page.duree_jours = demo.duree_jours
    page.duree_heures = demo.duree_jours * 7
    page.organisme = region.organisme
    page.formateurs = ", ".join(user.get_full_name() for user in formateurs)
    page.label_spro = True
    page.label_cep = "cep" in demo.thematiques
    page.gratuit = True
    page.contact_nom = region.nom_carif_oref
    page.contact_email = f"professionnalisation@{region.slug}.maillage.localhost"
    page.fonctions_cibles = "Conseillers et chargés d'accueil des réseaux du SPRO"
    page.thematiques.set(Thematique.objects.filter(slug__in=demo.thematiques))
    page.publics.set(Public.objects.filter(slug__in=demo.publics))
    if created:
        programme.add_child(instance=page)
    page.save_revision().publish()
    return page, created


def _session(
    formation, numero: str, jours: int, duree: int, insee: str, capacite: int, formateurs
) -> bool:
    debut = timezone.localdate() + datetime.timedelta(days=jours)
    commune = Commune.objects.filter(code_insee=insee).first() if insee else None
    maintenant = timezone.now()
    session, created = Session.objects.update_or_create(
        formation=formation,
        numero=numero,
        defaults={
            "date_debut": debut,
            "date_fin": debut + datetime.timedelta(days=duree - 1),
            "commune": commune,
            "ville": commune.nom if commune else "",
            "code_postal": (commune.codes_postaux or [""])[0] if commune else "",
            "adresse": "12 rue de la République" if commune else "",
            "lien_distanciel": "" if insee else "https://visio.maillage.localhost/" + numero,
            "capacite": capacite,
            "etat": Session.Etat.OUVERTE,
            "inscriptions_ouverture": maintenant - datetime.timedelta(days=7),
            "inscriptions_cloture": timezone.make_aware(
                datetime.datetime.combine(debut - datetime.timedelta(days=3), datetime.time())
            ),
        },
    )
    session.formateurs.set(formateurs)
    # Attendance is signed per half-day, so each day is two slots.
    for jour in range(duree):
        for heure_debut, heure_fin in DEMI_JOURNEES:
            session.dates.update_or_create(
                date=debut + datetime.timedelta(days=jour),
                heure_debut=heure_debut,
                defaults={"heure_fin": heure_fin},
            )
    return created


@transaction.atomic
def formations_provide(*, progress) -> dict[str, int]:
    """Create or update the demo catalogue: regional programmes, formations and sessions."""
    home = HomePage.objects.first()
    if home is None:
        from maillage.demo.errors import DemoPrerequisiteError

        raise DemoPrerequisiteError(
            "La page d'accueil est introuvable : appliquez les migrations (manage.py migrate)."
        )
    formateurs = list(
        get_user_model()
        .objects.filter(groups__name=roles.FORMATEUR, is_active=True)
        .order_by("email")
    )
    catalogue, created = _catalogue(home)
    counts = dict.fromkeys(
        (
            "formations_regions",
            "formations_pages",
            "formations_sessions",
            "formations_pages_created",
            "formations_sessions_created",
        ),
        0,
    )
    counts["formations_pages_created"] += created
    for region in REGIONS:
        territoire = Territoire.objects.filter(
            niveau=Territoire.Niveau.REGION, code=region.code
        ).first()
        if territoire is None:
            progress(f"Formations : région {region.code} absente du référentiel, ignorée")
            continue
        counts["formations_regions"] += 1
        region_page, created = _child(
            catalogue,
            RegionPage,
            region.slug,
            {
                "title": territoire.nom,
                "territoire": territoire,
                "nom_carif_oref": region.nom_carif_oref,
            },
        )
        counts["formations_pages_created"] += created
        programme, created = _child(
            region_page,
            ProgrammePage,
            f"programme-spro-{PROGRAMME_ANNEE}",
            {"title": f"Programme SPRO {PROGRAMME_ANNEE}", "annee": PROGRAMME_ANNEE},
        )
        counts["formations_pages_created"] += created
        for rang, demo in enumerate(region.formations, start=1):
            animateurs = formateurs[rang % 2 :: 2] if len(formateurs) > 1 else formateurs
            formation, created = _formation(programme, region, demo, animateurs)
            counts["formations_pages"] += 1
            counts["formations_pages_created"] += created
            for numero, (jours, insee) in enumerate(demo.sessions, start=1):
                counts["formations_sessions"] += 1
                counts["formations_sessions_created"] += _session(
                    formation,
                    f"DEMO-{region.code}-{rang:02d}-{numero}",
                    jours,
                    demo.duree_jours,
                    insee,
                    12 + (rang * 5 + numero * 3) % 9,
                    animateurs,
                )
    progress(
        f"Formations : {counts['formations_pages']} formations et "
        f"{counts['formations_sessions']} sessions dans {counts['formations_regions']} régions"
    )
    return counts
