"""Judged French queries over the demo corpus and their scoring (nDCG@10, MRR)."""

import math
from collections.abc import Callable

from django.http import QueryDict

from . import query

# query → {page slug: grade}; 2 = the answer, 1 = useful too. Slugs are the demo pages'.
JUGEMENTS: dict[str, dict[str, int]] = {
    "jeunes sous main de justice": {"r2s-reussir-sa-sortie": 2, "contrat-engagement-reciproque": 1},
    "insertion des détenus": {"r2s-reussir-sa-sortie": 2, "contrat-engagement-reciproque": 1},
    "préparer la sortie de prison": {"r2s-reussir-sa-sortie": 2},
    "aménagement de peine": {"r2s-reussir-sa-sortie": 2},
    "mission locale en détention": {"r2s-reussir-sa-sortie": 2},
    "ML": {"r2s-reussir-sa-sortie": 2},
    "décrocheurs outre-mer": {"sma-service-militaire-adapte": 2},
    "service militaire adapté": {"sma-service-militaire-adapte": 2},
    "jeunes sans qualification": {"sma-service-militaire-adapte": 2, "r2s-reussir-sa-sortie": 1},
    "métiers de l'agriculture": {
        "adema-acces-metiers-agriculture": 2,
        "prefhacces-handicap-mental-formation": 1,
    },
    "chômeurs de longue durée dans l'agriculture": {"adema-acces-metiers-agriculture": 2},
    "pénurie de main-d'œuvre": {"adema-acces-metiers-agriculture": 2},
    "agricluture": {"adema-acces-metiers-agriculture": 2},
    "fiche de liaison avec le prescripteur": {
        "fiche-liaison-centre-formation-conseiller": 2,
        "adema-acces-metiers-agriculture": 1,
    },
    "retour à l'emploi après un congé parental": {"clca-femmes-conge-parental-bretagne": 2},
    "femmes accompagnées par la CAF et le CIDFF": {"clca-femmes-conge-parental-bretagne": 2},
    "égalité professionnelle femmes hommes": {"clca-femmes-conge-parental-bretagne": 2},
    "garde des enfants et freins à l'emploi": {"clca-femmes-conge-parental-bretagne": 2},
    "accompagnemnt des femmes": {"clca-femmes-conge-parental-bretagne": 2},
    "handicap mental et formation": {"prefhacces-handicap-mental-formation": 2},
    "accès à la formation des personnes handicapées": {"prefhacces-handicap-mental-formation": 2},
    "cité des métiers de Porto": {
        "cite-des-metiers-porto": 2,
        "grille-indicateurs-cites-des-metiers": 1,
    },
    "Rome Ostia": {"cite-des-metiers-rome-ostia": 2},
    "stage en entreprise avec allocation": {"cite-des-metiers-rome-ostia": 2},
    "conseillers polyvalents et partenariat": {"cite-des-metiers-porto": 2},
    "grille d'évaluation d'une cité des métiers": {
        "grille-indicateurs-cites-des-metiers": 2,
        "cite-des-metiers-porto": 1,
    },
    "indicateurs de qualité de service aux usagers": {
        "grille-indicateurs-cites-des-metiers": 2,
        "questionnaire-satisfaction-usagers": 1,
    },
    "questionnaire de satisfaction": {
        "questionnaire-satisfaction-usagers": 2,
        "grille-indicateurs-cites-des-metiers": 1,
    },
    "référentiel de compétences pour s'orienter": {"referentiel-competences-s-orienter": 2},
    "niveaux de maîtrise": {"referentiel-competences-s-orienter": 2},
    "outil CEP": {"referentiel-competences-s-orienter": 2},
    "grille d'analyse d'une expérimentation": {"grille-analyse-suivi-experimentations": 2},
    "évaluer un programme d'accompagnement": {
        "grille-analyse-suivi-experimentations": 2,
        "grille-indicateurs-cites-des-metiers": 1,
    },
    "contrat d'engagement": {"contrat-engagement-reciproque": 2, "r2s-reussir-sa-sortie": 1},
    "France Travail": {
        "adema-acces-metiers-agriculture": 1,
        "referentiel-competences-s-orienter": 1,
    },
    "anonymat des usagers": {
        "grille-indicateurs-cites-des-metiers": 2,
        "questionnaire-satisfaction-usagers": 1,
    },
}


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(gains):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(slug, 0) for slug in ranked]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for position, slug in enumerate(ranked, start=1):
        if grades.get(slug, 0) > 0:
            return 1 / position
    return 0.0


def evaluate(run: Callable[[str], list[str]] | None = None) -> dict:
    """Mean nDCG@10 and MRR of the active backend over the judged queries, with the misses."""

    def default_run(q: str) -> list[str]:
        params = QueryDict(mutable=True)
        params["q"] = q
        results = query.search(query.parse(params))
        return [slug_of(r["url"]) for r in results.results]

    run = run or default_run
    per_query = {}
    for q, grades in JUGEMENTS.items():
        ranked = run(q)
        per_query[q] = (ndcg_at(ranked, grades), reciprocal_rank(ranked, grades))
    n = len(per_query)
    return {
        "queries": n,
        "ndcg@10": round(sum(v[0] for v in per_query.values()) / n, 4),
        "mrr": round(sum(v[1] for v in per_query.values()) / n, 4),
        "misses": sorted(q for q, v in per_query.items() if v[1] == 0),
    }
