"""Demo cases and tools drawn from the AEFA 2014 report (programmes studied and annexes)."""

from typing import NamedTuple

from django.db import transaction

from maillage.models import ActeMetier, HomePage, Public, Thematique
from maillage.referentiel.vocabulaires import ACTES_METIER, PUBLICS, THEMATIQUES
from ressources.models import CasIndexPage, CasPage, OutilIndexPage, OutilPage


class CasDemo(NamedTuple):
    slug: str
    title: str
    dispositif: str
    situation: str
    contexte: str
    questions: str
    tentatives: str
    resultat: str
    enseignements: str
    publics: tuple[str, ...]
    actes: tuple[str, ...]
    thematiques: tuple[str, ...]
    tags: tuple[str, ...]


class OutilDemo(NamedTuple):
    slug: str
    title: str
    nature: str
    description: str
    mode_emploi: str
    publics: tuple[str, ...]
    actes: tuple[str, ...]
    thematiques: tuple[str, ...]
    tags: tuple[str, ...]


CAS: tuple[CasDemo, ...] = (
    CasDemo(
        "sma-service-militaire-adapte",
        "SMA : remobiliser des jeunes ultramarins sans qualification par un encadrement militaire",
        CasPage.Dispositif.FORMATION,
        "<p>Des jeunes des régions ultramarines, sortis du système scolaire sans qualification "
        "ni emploi, entrent volontairement au service militaire adapté (SMA) pour un parcours "
        "de réinsertion sociale et professionnelle.</p>",
        "Territoires ultramarins où la situation de l'emploi est particulièrement tendue. "
        "Une cellule de recrutement par unité intervient dans les forums, les lycées et les "
        "Journées Défense et Citoyenneté.",
        "<p>Comment repérer et accrocher des jeunes décrocheurs qui ne sont pas dans une "
        "démarche volontaire ? Comment maintenir leur engagement pendant tout le parcours ?</p>",
        "<p>Internat le premier mois de formation militaire initiale, journées denses de 6 h 30 "
        "à 17 h 30, encadrement permanent. Des étapes solennisées jalonnent le parcours : "
        "attestation de formation citoyenne, permis B, certificat de formation générale, "
        "sauveteur secouriste du travail, puis certificat d'aptitude personnelle à "
        "l'insertion (CAPI). Périodes d'application en entreprise.</p>",
        "<p>La pérennité du dispositif a installé sa notoriété auprès des entreprises, ce qui "
        "ouvre aux jeunes des stages sérieux et formateurs.</p>",
        "<p>Reconnaître et valoriser chaque acquis au fil du parcours reconstruit l'image de "
        "soi. La stabilité d'un dispositif qui a fait ses preuves et l'implication directe des "
        "employeurs sont des facteurs clés de réussite.</p>",
        ("jeunes-decrocheurs", "jeunes"),
        ("accompagnement", "mediation-vers-l-emploi"),
        ("decrochage",),
        ("outre-mer", "compétences transversales", "remobilisation"),
    ),
    CasDemo(
        "adema-acces-metiers-agriculture",
        "ADEMA : des demandeurs d'emploi de longue durée découvrent les métiers de l'agriculture",
        CasPage.Dispositif.FORMATION,
        "<p>Des chômeurs de longue durée sans projet professionnel, non issus du secteur "
        "agricole, et des exploitations qui manquent de main-d'œuvre : le dispositif « Accès "
        "des demandeurs d'emploi aux métiers de l'agriculture » (ADEMA) les rapproche.</p>",
        "Financement par le FAFSEA, organisme paritaire du secteur agricole, à l'écoute des "
        "besoins de main-d'œuvre dans les métiers en tension, territoire par territoire.",
        "<p>Comment faire connaître un secteur mal connu et vérifier la motivation sans tests "
        "de sélection ? Comment articuler le centre de formation et le conseiller emploi "
        "prescripteur ?</p>",
        "<p>Information collective animée par le centre de formation avec Pôle emploi, guide "
        "du prescripteur, site dédié, « guide des métiers » écrit par des professionnels de "
        "l'agriculture. Entretien individuel de motivation au centre de formation, puis "
        "fiche de liaison vers le conseiller emploi. Passeport de compétences remis en fin "
        "de parcours.</p>",
        "<p>Les résultats sont suivis à plus de six mois après la sortie : emploi, formation "
        "et demandeurs d'emploi inscrits dans le secteur agricole.</p>",
        "<p>Un partenariat entre institutions qui préexiste à l'action et des outils partagés "
        "(fiche de liaison, guide du prescripteur) fluidifient la prescription.</p>",
        ("demandeurs-emploi-longue-duree",),
        ("diagnostic", "mediation-vers-l-emploi"),
        ("connaissance-metiers-marche-travail", "dispositifs-emploi-formation"),
        ("agriculture", "métiers en tension", "prescription"),
    ),
    CasDemo(
        "clca-femmes-conge-parental-bretagne",
        "CLCA : accompagner des femmes en fin de congé parental vers un emploi durable",
        CasPage.Dispositif.AUTRE,
        "<p>En Bretagne, 350 femmes en dernière année de congé parental, bénéficiaires du "
        "complément de libre choix d'activité (CLCA), sont accompagnées vers un emploi, une "
        "formation qualifiante ou la création d'une activité.</p>",
        "Expérimentation « Territoire d'excellence en matière d'égalité professionnelle » "
        "pilotée par la déléguée régionale aux droits des femmes ; la CAF organise "
        "l'information avec les CIDFF, les BGE et Retravailler.",
        "<p>Comment lever les freins à l'emploi (garde des enfants, mobilité, temps partiel "
        "subi) et le poids des représentations sur la répartition des rôles ?</p>",
        "<p>Informations collectives de la CAF, alternance de temps individuels et "
        "collectifs, ateliers à thèmes, espaces de parole, rencontres avec des acteurs "
        "économiques pour construire son réseau. Les conseillères sont à la fois animatrices "
        "de groupe et référentes individuelles.</p>",
        "<p>Un parcours itératif et progressif qui laisse le temps de maturation du projet.</p>",
        "<p>La dynamique de groupe soutient l'individualisation et l'autonomie ; la double "
        "compétence d'animatrice et de référente est à développer chez les conseillers.</p>",
        ("femmes-reprise-emploi",),
        ("accompagnement", "suivi"),
        ("egalite-femmes-hommes",),
        ("congé parental", "garde d'enfants", "atelier collectif"),
    ),
    CasDemo(
        "r2s-reussir-sa-sortie",
        "R2S « Réussir sa sortie » : préparer l'insertion de jeunes détenus de 18 à 25 ans",
        CasPage.Dispositif.JUSTICE,
        "<p>À la maison d'arrêt de Fleury-Mérogis, de jeunes hommes de 18 à 25 ans condamnés, "
        "en fin de peine ou avec une peine aménagée, peinent à enclencher un parcours "
        "d'insertion classique.</p>",
        "La mission locale des Ulis porte le projet avec les conseillers pénitentiaires "
        "d'insertion et de probation (CPIP), un organisme de formation, la maison d'arrêt, "
        "le tribunal et le centre de semi-liberté.",
        "<p>Comment éviter la rupture entre « dedans » et « dehors » ? Comment concilier "
        "l'obligation judiciaire et la libre adhésion propre à la mission locale ?</p>",
        "<p>Sélection par une commission partenariale, contrat d'engagement signé par le "
        "jeune et les professionnels, deux référents (mission locale et CPIP), environ six "
        "entretiens individuels par phase, réunions collectives sur l'aménagement de peine "
        "et l'accès au droit, trois demi-journées collectives avec l'organisme de "
        "formation.</p>",
        "<p>95 % d'aménagements de peine accordés ; six mois après, 53,3 % des jeunes en "
        "emploi ou en formation ; récidive très faible.</p>",
        "<p>La cohérence des acteurs crée un climat de confiance ; l'autonomie se construit "
        "progressivement par le contrat d'engagement ; l'anticipation de la sortie est "
        "décisive.</p>",
        ("personnes-sous-main-de-justice", "jeunes"),
        ("accompagnement", "suivi"),
        ("justice",),
        ("prison", "aménagement de peine", "contrat d'engagement"),
    ),
    CasDemo(
        "prefhacces-handicap-mental-formation",
        "PrefHacces : ouvrir la formation agricole aux adultes en situation de handicap mental",
        CasPage.Dispositif.FORMATION,
        "<p>Des adultes en situation de handicap mental ou psychique souhaitent accéder à une "
        "formation qualifiante dans les établissements publics d'enseignement agricole.</p>",
        "Dispositif élaboré par des établissements publics locaux d'enseignement et de "
        "formation professionnelle agricole (EPLFPA).",
        "<p>Comment garantir la qualité de l'accès à la formation et adapter le parcours "
        "sans renoncer à la qualification ?</p>",
        "<p>Démarche qualité d'accueil, adaptation des rythmes et des méthodes pédagogiques, "
        "coordination avec les structures médico-sociales.</p>",
        "<p>Des parcours qualifiants ouverts à un public jusque-là orienté hors du droit "
        "commun.</p>",
        "<p>La plasticité du plan d'action et l'ajustement du rythme sont décisifs pour les "
        "personnes en situation de handicap.</p>",
        ("personnes-handicap",),
        ("accueil", "accompagnement"),
        ("handicap", "offre-de-formation"),
        ("enseignement agricole", "handicap mental", "accessibilité"),
    ),
    CasDemo(
        "cite-des-metiers-porto",
        "Cité des métiers de Porto : des conseillers polyvalents au cœur d'un partenariat local",
        CasPage.Dispositif.AUTRE,
        "<p>Environ 4 000 personnes par an, renouvelées à 85 %, viennent d'elles-mêmes à la "
        "Cité des métiers de Porto demander conseil ou accompagnement.</p>",
        "Ouverte en 2006 par la ville de Porto, portée depuis 2012 par la fondation municipale "
        "« Porto Social » ; quatre conseillères polyvalentes, non spécialisées par public.",
        "<p>Comment un petit service généraliste peut-il répondre à tous les publics sans "
        "concurrencer les institutions spécialisées ?</p>",
        "<p>Le conseiller référent délègue sous son contrôle les prestations spécifiques "
        "(ateliers, bilans de compétences, formations) aux partenaires habilités. "
        "Auto-évaluation avec la grille d'indicateurs commune au réseau des Cités des "
        "métiers, questionnaire de satisfaction, témoignages d'usagers.</p>",
        "<p>Plus de 90 % des répondants très satisfaits ; la Cité est perçue comme un acteur "
        "qui facilite le travail des institutions.</p>",
        "<p>Un lieu unique décloisonne les réseaux ; mais un accueil fondé sur le volontariat "
        "touche peu les publics les plus éloignés de l'emploi.</p>",
        ("demandeurs-emploi-longue-duree", "salaries-en-transition"),
        ("accueil", "accompagnement"),
        ("accueil", "mobilite-europeenne"),
        ("Portugal", "partenariat", "évaluation"),
    ),
    CasDemo(
        "cite-des-metiers-rome-ostia",
        "Cité des métiers de Rome-Ostia : un stage en entreprise comme projet d'insertion",
        CasPage.Dispositif.AUTRE,
        "<p>Des adultes souvent très éloignés de l'emploi (60 % ont plus de 40 ans, 10 % sont "
        "immigrés, 5 % ont un handicap reconnu) s'adressent à la Cité des métiers de "
        "Rome-Ostia, qui a vite atteint 4 000 usagers par an.</p>",
        "Initiative du 10e arrondissement de Rome, ouverte en 2013, portée par le Consorzio "
        "Sociale ; dix agents dont quatre conseillers-tuteurs, un assistant social et un "
        "psychologue, tous qualifiés « conseiller de Cité des métiers ».",
        "<p>Comment construire un projet d'insertion réaliste avec des personnes sans emploi "
        "et sans ressources ?</p>",
        "<p>Ateliers, journées portes ouvertes, bilans de compétences et accompagnement "
        "approfondi ; le projet prend la forme d'un stage en entreprise dont la validation "
        "déclenche une allocation mensuelle de 450 €.</p>",
        "<p>30 % d'insertion durable à l'issue du stage, jugé satisfaisant pour ce public.</p>",
        "<p>Une qualification commune des agents et une équipe pluridisciplinaire permettent "
        "d'accompagner des publics en grande difficulté sociale.</p>",
        ("demandeurs-emploi-longue-duree", "personnes-migrantes", "seniors"),
        ("accompagnement", "mediation-vers-l-emploi"),
        ("mobilite-europeenne", "insertion-activite-economique"),
        ("Italie", "stage en entreprise", "équipe pluridisciplinaire"),
    ),
)

OUTILS: tuple[OutilDemo, ...] = (
    OutilDemo(
        "grille-analyse-suivi-experimentations",
        "Grille d'analyse et de suivi des expérimentations d'accompagnement",
        OutilPage.Nature.GRILLE_ANALYSE,
        "Grille unique mise au point par l'AEFA pour décrire et suivre un programme "
        "d'accompagnement : identification (contextes géographique, historique, "
        "réglementaire, financier), professionnels intervenants, organisation de l'accès, "
        "accompagnement du public, évaluation et propositions.",
        "<p>Remplir une grille par programme, avec l'équipe qui le porte. Rubriques : statuts "
        "et référentiels d'activités des professionnels, recrutement et formation continue, "
        "outils et méthodes ; information et pré-recrutement, modalités de sélection, "
        "catégories de publics ; élaboration du diagnostic, déroulement du suivi, mesure "
        "des progrès ; impact sur les bénéficiaires.</p>",
        (),
        ("diagnostic", "suivi"),
        ("analyse-des-pratiques", "dispositifs-emploi-formation"),
        ("AEFA", "évaluation de programme"),
    ),
    OutilDemo(
        "referentiel-competences-s-orienter",
        "Référentiel des compétences à s'orienter : cinq niveaux de maîtrise",
        OutilPage.Nature.REFERENTIEL,
        "Référentiel de Pôle emploi des compétences nécessaires pour être acteur de son "
        "évolution professionnelle, avec une échelle de cinq niveaux de maîtrise.",
        "<p>Niveau 1 : compétence absente ou très peu développée. Niveau 2 : peu développée, "
        "en deçà du minimum. Niveau 3 : développée au niveau minimal pour le projet "
        "d'orientation. Niveau 4 : mise en œuvre autonome. Niveau 5 : mise en œuvre "
        "autonome et capacité à l'améliorer. Positionner la personne en début et en fin "
        "d'accompagnement pour mesurer les progrès.</p>",
        ("salaries-en-transition", "demandeurs-emploi-longue-duree"),
        ("diagnostic", "accompagnement"),
        ("cep", "analyse-de-la-demande"),
        ("évolution professionnelle", "autonomie", "mesure des progrès"),
    ),
    OutilDemo(
        "grille-indicateurs-cites-des-metiers",
        "Grille d'indicateurs d'évaluation des Cités des métiers",
        OutilPage.Nature.GRILLE_ANALYSE,
        "Grille d'auto-évaluation commune au réseau international des Cités des métiers, "
        "appliquée par la Cité des métiers de Porto : prise en compte de l'usager, "
        "pertinence du programme d'événements, partenariats.",
        "<p>Pour chaque indicateur, répondre en cinq lignes au plus avec des éléments "
        "vérifiables. Exemples : les conseillers ont assez de temps pour écouter chaque "
        "usager ; le service est ouvert à tous les publics ; les conseils sont impartiaux ; "
        "le service est anonyme et respecte la vie privée ; le retour d'expérience des "
        "publics améliore les services.</p>",
        (),
        ("accueil",),
        ("accueil",),
        ("auto-évaluation", "qualité de service", "usagers"),
    ),
    OutilDemo(
        "fiche-liaison-centre-formation-conseiller",
        "Fiche de liaison entre centre de formation et conseiller emploi",
        OutilPage.Nature.FICHE_LIAISON,
        "Fiche utilisée dans le dispositif ADEMA : après l'entretien individuel de "
        "motivation, le centre de formation informe le conseiller emploi prescripteur des "
        "suites à donner.",
        "<p>Renseigner l'identité du prescripteur, la date de l'entretien, l'avis motivé "
        "sur l'entrée en parcours et les points de vigilance ; renvoyer la fiche sous huit "
        "jours.</p>",
        ("demandeurs-emploi-longue-duree",),
        ("mediation-vers-l-emploi",),
        ("dispositifs-emploi-formation",),
        ("prescription", "ADEMA"),
    ),
    OutilDemo(
        "contrat-engagement-reciproque",
        "Contrat d'engagement réciproque entre la personne accompagnée et les professionnels",
        OutilPage.Nature.GUIDE,
        "Modèle de contrat d'engagement inspiré du programme R2S : la personne s'engage sur "
        "la ponctualité, l'assiduité et le respect des règles ; les professionnels "
        "s'engagent à l'accompagner dans son projet d'insertion.",
        "<p>Présenter le contrat en entretien, vérifier qu'il est compris, le signer des deux "
        "côtés et s'y référer à chaque étape du parcours.</p>",
        ("personnes-sous-main-de-justice", "jeunes"),
        ("accompagnement",),
        ("justice", "postures-et-entretien"),
        ("engagement", "autonomie"),
    ),
    OutilDemo(
        "questionnaire-satisfaction-usagers",
        "Questionnaire anonyme de satisfaction des usagers",
        OutilPage.Nature.QUESTIONNAIRE,
        "Questionnaire remis en fin de visite pour évaluer l'accueil et les conseils reçus, "
        "sur le modèle de l'outil anonyme de la Cité des métiers de Porto.",
        "<p>Proposer le questionnaire sans obligation, garantir l'anonymat, exploiter les "
        "réponses chaque trimestre avec l'équipe.</p>",
        (),
        ("accueil",),
        ("accueil",),
        ("satisfaction", "qualité de service"),
    ),
)


def _vocab(model, entries, slugs):
    names = {entry.slug: entry.nom for entry in entries}
    return [
        model.objects.get_or_create(slug=slug, defaults={"nom": names.get(slug, slug)})[0]
        for slug in slugs
    ]


def _index(home: HomePage, model, title: str, slug: str, introduction: str):
    index = model.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=model(title=title, slug=slug, introduction=introduction))
        index.save_revision().publish()
    return index


def _publish(parent, model, slug: str, fields: dict, m2m: dict, tags) -> bool:
    page = model.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = model(slug=slug, **fields)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    for name, values in m2m.items():
        getattr(page, name).set(values)
    page.tags.set(tags)
    if created:
        parent.add_child(instance=page)
    page.save_revision().publish()
    return created


@transaction.atomic
def ressources_provide(*, progress) -> dict[str, int]:
    """Create or update the demo case library and tool bank under the home page."""
    home = HomePage.objects.first()
    if home is None:
        from maillage.demo.errors import DemoPrerequisiteError

        raise DemoPrerequisiteError(
            "La page d'accueil est introuvable : appliquez les migrations (manage.py migrate)."
        )
    cas_index = _index(
        home,
        CasIndexPage,
        "Bibliothèque de cas",
        "cas",
        "<p>Des situations réelles, anonymisées, et ce que les professionnels en ont appris.</p>",
    )
    outil_index = _index(
        home,
        OutilIndexPage,
        "Banque d'outils",
        "outils",
        "<p>Grilles, référentiels et supports partagés entre les réseaux.</p>",
    )
    cas_created = outils_created = 0
    for cas in CAS:
        cas_created += _publish(
            cas_index,
            CasPage,
            cas.slug,
            {
                "title": cas.title,
                "dispositif": cas.dispositif,
                "situation": cas.situation,
                "contexte": cas.contexte,
                "questions": cas.questions,
                "tentatives": cas.tentatives,
                "resultat": cas.resultat,
                "enseignements": cas.enseignements,
                "provenance": CasPage.Provenance.DIRECTE,
            },
            {
                "publics": _vocab(Public, PUBLICS, cas.publics),
                "actes_metier": _vocab(ActeMetier, ACTES_METIER, cas.actes),
                "thematiques": _vocab(Thematique, THEMATIQUES, cas.thematiques),
            },
            cas.tags,
        )
    for outil in OUTILS:
        outils_created += _publish(
            outil_index,
            OutilPage,
            outil.slug,
            {
                "title": outil.title,
                "nature": outil.nature,
                "description": outil.description,
                "mode_emploi": outil.mode_emploi,
                "licence": OutilPage.Licence.CC_BY,
            },
            {
                "publics": _vocab(Public, PUBLICS, outil.publics),
                "actes_metier": _vocab(ActeMetier, ACTES_METIER, outil.actes),
                "thematiques": _vocab(Thematique, THEMATIQUES, outil.thematiques),
            },
            outil.tags,
        )
    progress(
        f"Ressources : {len(CAS)} cas et {len(OUTILS)} outils dont "
        f"{cas_created + outils_created} créés"
    )
    return {
        "cas": len(CAS),
        "cas_created": cas_created,
        "outils": len(OUTILS),
        "outils_created": outils_created,
    }
