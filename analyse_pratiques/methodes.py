"""The phases of each practice-analysis method: title, instructions and default duration."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Phase:
    code: str
    titre: str
    consigne: str
    duree_minutes: int

    @property
    def duree_secondes(self) -> int:
        return self.duree_minutes * 60


CODEV = "codev"
GEASE = "gease"
LIBRE = "libre"

# Co-développement professionnel (Payette & Champagne): a follow-up, then six steps.
PHASES_CODEV = (
    Phase(
        "suivi",
        _("Étape 0 — Suivi de la séance précédente"),
        _(
            "Le client de la séance précédente dit ce qu'il a mis en œuvre de son plan "
            "d'action, ce qui a marché et ce qui reste difficile."
        ),
        10,
    ),
    Phase(
        "expose",
        _("Étape 1 — Exposé de la situation par le client"),
        _(
            "Le client présente sa situation, son problème ou son projet. Les consultants "
            "écoutent sans interrompre."
        ),
        10,
    ),
    Phase(
        "clarification",
        _("Étape 2 — Questions de clarification"),
        _(
            "Les consultants posent des questions d'information pour comprendre la situation. "
            "Pas encore de conseils ni d'interprétations."
        ),
        15,
    ),
    Phase(
        "contrat",
        _("Étape 3 — Contrat de consultation"),
        _(
            "Le client formule une question précise sur laquelle il souhaite être aidé. "
            "Elle est notée telle quelle."
        ),
        5,
    ),
    Phase(
        "consultation",
        _("Étape 4 — Consultation"),
        _(
            "Les consultants partagent leurs impressions, commentaires, suggestions, "
            "témoignages et pistes d'action. Le client écoute et note ce qui lui est utile."
        ),
        25,
    ),
    Phase(
        "synthese",
        _("Étape 5 — Synthèse et plan d'action"),
        _(
            "Le client fait la synthèse de ce qu'il retient et rédige son plan d'action, "
            "qui sera repris à l'étape 0 de la prochaine séance."
        ),
        10,
    ),
    Phase(
        "apprentissages",
        _("Étape 6 — Apprentissages"),
        _(
            "Chacun, consultants comme client, dit et note ce qu'il a appris pour sa propre "
            "pratique et comment il compte s'en servir."
        ),
        10,
    ),
)

# GEASE: groupe d'entraînement à l'analyse de situations éducatives.
PHASES_GEASE = (
    Phase(
        "choix",
        _("Phase 1 — Choix d'une situation"),
        _(
            "Plusieurs participants évoquent brièvement une situation vécue ; le groupe en "
            "choisit une et son narrateur."
        ),
        10,
    ),
    Phase(
        "narration",
        _("Phase 2 — Exposé sans interruption"),
        _("Le narrateur raconte la situation. Personne ne l'interrompt."),
        10,
    ),
    Phase(
        "questions",
        _("Phase 3 — Questions d'information"),
        _(
            "Les participants posent des questions factuelles pour compléter le récit, "
            "sans interpréter ni conseiller."
        ),
        20,
    ),
    Phase(
        "hypotheses",
        _("Phase 4 — Hypothèses de compréhension"),
        _(
            "Le narrateur se tait. Les participants formulent des hypothèses selon cinq "
            "registres : pédagogique, didactique, institutionnel, sociologique et "
            "psychologique."
        ),
        30,
    ),
    Phase(
        "reponse",
        _("Phase 5 — Réponse du narrateur"),
        _(
            "Le narrateur reprend la parole et dit ce que les hypothèses lui ont apporté, "
            "ce qui fait écho et ce qui ne lui parle pas."
        ),
        10,
    ),
    Phase(
        "synthese",
        _("Phase 6 — Synthèse"),
        _(
            "L'animateur et le groupe dégagent ce qui a été appris, sur la situation comme "
            "sur la manière d'analyser."
        ),
        15,
    ),
)

PHASES_LIBRE = (
    Phase(
        "ouverture",
        _("Ouverture"),
        _("Tour de table et retour éventuel sur la séance précédente."),
        10,
    ),
    Phase(
        "echanges",
        _("Échanges"),
        _("Analyse des situations apportées par les membres, au rythme fixé par l'animateur."),
        60,
    ),
    Phase(
        "cloture",
        _("Clôture"),
        _("Chacun dit ce qu'il retient de la séance."),
        10,
    ),
)

PHASES = {CODEV: PHASES_CODEV, GEASE: PHASES_GEASE, LIBRE: PHASES_LIBRE}


def phases_for(methode: str) -> tuple[Phase, ...]:
    """The ordered phases of a method."""
    return PHASES[methode]
