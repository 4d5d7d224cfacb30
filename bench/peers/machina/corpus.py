"""The French thread both sides of the discussion benchmark serve: names, sentences, posts.

Plain Python with no Django import, so that machina's seed.py (in machina's virtualenv) and
Maillage's bench/discussion.py build the very same thread from the same fixed seed.
"""

import random
from dataclasses import dataclass

TOPIC_SUBJECT = "Jeunes en décrochage : comment garder le lien entre deux rendez-vous ?"

FIRST_NAMES = [
    "Camille",
    "Nathalie",
    "Sophie",
    "Karim",
    "Julien",
    "Isabelle",
    "Thomas",
    "Aurélie",
    "Mehdi",
    "Claire",
    "Nicolas",
    "Sandrine",
    "Yasmina",
    "Pierre",
    "Céline",
    "Antoine",
    "Fatou",
    "Laurent",
    "Émilie",
    "Hugo",
    "Valérie",
    "Sébastien",
    "Inès",
    "Marc",
    "Hélène",
    "Olivier",
    "Leïla",
    "François",
    "Chloé",
    "Bruno",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Benali",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Haddad",
    "Leroy",
    "Moreau",
    "Simon",
    "Traoré",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Diallo",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Mansouri",
    "Fournier",
    "Morel",
    "Girard",
    "Cherif",
    "Bonnet",
    "Dupont",
    "Lambert",
]

# Hand-written sentences in the voice of counsellors and trainers; posts are drawn from them.
SENTENCES = [
    "De notre côté, à la Mission locale, nous avons mis en place un appel systématique dans "
    "les quarante-huit heures qui suivent chaque rendez-vous manqué.",
    "Le premier contact se fait souvent par SMS, parce que beaucoup de jeunes ne décrochent "
    "pas quand le numéro affiché leur est inconnu.",
    "Je trouve que le lien se maintient mieux quand le conseiller référent reste le même "
    "pendant toute la durée de l'accompagnement.",
    "Nous avons testé des permanences sans rendez-vous le mercredi après-midi, et la "
    "fréquentation a nettement augmenté dès le deuxième mois.",
    "Il faut aussi reconnaître que certains jeunes ont besoin de prendre de la distance "
    "avant de revenir vers nous avec un projet plus clair.",
    "Le partenariat avec le CIO et les établissements scolaires nous permet de repérer les "
    "situations de décrochage beaucoup plus tôt qu'auparavant.",
    "Dans mon agence France Travail, nous croisons désormais les listes avec la Mission "
    "locale une fois par mois, ce qui évite les doublons et les oublis.",
    "La question de la mobilité revient sans cesse : sans permis ni transport en commun, "
    "un rendez-vous à vingt kilomètres devient un véritable obstacle.",
    "J'ai remarqué que les ateliers collectifs redonnent confiance à des jeunes qui se "
    "sentaient jugés lors des entretiens individuels.",
    "Nous proposons maintenant un entretien en visioconférence lorsque le déplacement est "
    "impossible, même si rien ne remplace vraiment la rencontre physique.",
    "Lors de la dernière formation inter-réseaux, plusieurs collègues ont présenté des "
    "outils simples pour suivre les contacts sans alourdir le dossier.",
    "Le Contrat d'engagement jeune impose un rythme soutenu, et certains décrochent "
    "précisément parce que la marche leur paraît trop haute au départ.",
    "Pour ma part, j'envoie un petit message de suivi après chaque étape franchie, même "
    "minime, afin de valoriser les progrès réalisés.",
    "Les familles peuvent être de précieux relais, à condition que le jeune soit d'accord "
    "et que la confidentialité de l'accompagnement soit respectée.",
    "Nous manquons encore d'un espace partagé où les conseillers de différents réseaux "
    "pourraient échanger rapidement sur une situation complexe.",
    "La santé mentale est un sujet que nous abordons davantage depuis deux ans, avec l'appui "
    "d'une psychologue présente une demi-journée par semaine.",
    "Je rejoins totalement ce qui a été dit plus haut sur l'importance de la régularité des "
    "contacts, même quand il n'y a rien de neuf à annoncer.",
    "Certains jeunes préfèrent les réseaux sociaux au téléphone, et nous avons ouvert un "
    "compte professionnel pour leur répondre dans un cadre clair.",
    "La coordination avec les éducateurs de prévention spécialisée nous aide à renouer le "
    "contact avec ceux qui ont complètement disparu des radars.",
    "Il me semble utile de formaliser ces pratiques dans un guide commun, que chaque "
    "structure pourrait ensuite adapter à son territoire.",
    "Nous avons observé que les relances trop fréquentes produisent parfois l'effet inverse "
    "et donnent au jeune le sentiment d'être surveillé.",
    "Le carnet de bord partagé entre le jeune et le conseiller fonctionne bien chez nous, "
    "surtout lorsqu'il reste léger et facile à remplir.",
    "En zone rurale, le bus de l'orientation qui passe chaque mois dans les villages a "
    "permis de toucher un public que nous ne voyions jamais.",
    "Les périodes de mise en situation en milieu professionnel restent, à mon avis, le "
    "meilleur moyen de remobiliser rapidement un jeune découragé.",
    "La formation des nouveaux conseillers devrait inclure un module entier consacré à "
    "l'entretien motivationnel et à la gestion des ruptures de parcours.",
    "Nous envisageons de proposer des créneaux en soirée, car plusieurs jeunes travaillent "
    "en intérim et ne peuvent pas se libérer en journée.",
    "Avez-vous des retours sur l'usage des questionnaires de satisfaction pour comprendre "
    "pourquoi certains ne reviennent pas ?",
    "Je pense qu'il faut accepter une part d'imprévisibilité dans ces parcours et garder la "
    "porte ouverte sans culpabiliser personne.",
    "Notre Carif-Oref a publié une synthèse régionale très utile sur les dispositifs de "
    "raccrochage, je vous conseille vivement de la lire.",
    "Le binôme entre un conseiller et un pair plus âgé, passé lui aussi par un décrochage, "
    "donne des résultats encourageants sur notre territoire.",
    "Merci pour ce partage d'expérience, je vais proposer la même organisation lors de notre "
    "prochaine réunion d'équipe.",
    "Nous constatons que la première semaine est décisive : un jeune qui n'a eu aucun "
    "contact pendant huit jours revient rarement de lui-même.",
    "Les outils numériques aident, mais ils ne doivent pas remplacer le temps humain que "
    "demande un accompagnement de qualité.",
    "Une collègue du Cap emploi rappelait justement que les jeunes en situation de handicap "
    "cumulent souvent plusieurs freins à la fois.",
    "Pour garder le lien pendant l'été, nous organisons des sorties collectives qui n'ont "
    "pas d'objectif professionnel immédiat.",
    "Il serait intéressant de mesurer l'effet de ces pratiques sur la durée, au-delà des "
    "seuls indicateurs de sortie positive.",
]


def french_paragraph(rng, target_words):
    """A paragraph of whole sentences, stopping once it reaches about target_words words."""
    picked, words = [], 0
    pool = list(SENTENCES)
    rng.shuffle(pool)
    for sentence in pool:
        picked.append(sentence)
        words += len(sentence.split())
        if words >= target_words:
            break
    return " ".join(picked), words


def slug_ascii(text):
    table = str.maketrans("éèëêïîàâçôöûüÉ", "eeeeiiaacoouuE")
    return text.translate(table).lower()


@dataclass(frozen=True)
class Post:
    poster: int  # index into the thread's users
    text: str
    words: int
    minutes_after_previous: int


def thread(n_posts, n_users, words, rng_seed=2024):
    """The posts of the thread, in order: every user posts, user 0 opens it (deterministic)."""
    rng = random.Random(rng_seed)
    posters = [i % n_users for i in range(n_posts)]
    tail = posters[1:]
    rng.shuffle(tail)
    posters[1:] = tail
    drafts = []
    for poster in posters:
        text, n_words = french_paragraph(rng, rng.randint(words - 18, words - 6))
        drafts.append((poster, text, n_words))
    # Spread over about a month, as a real discussion would be.
    return [Post(poster, text, n_words, rng.randint(10, 300)) for poster, text, n_words in drafts]


def user_names(n_users):
    """(first name, last name) of each user; numbered members past the list of names."""
    names = list(zip(FIRST_NAMES[:n_users], LAST_NAMES[:n_users], strict=True))
    names += [("Membre", str(n)) for n in range(len(names), n_users)]
    return names
