"""`search`: unified index bulk indexing, search latency on both backends, rebuild under load."""

import contextlib
import logging
import os
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from bench import harness
from bench.harness import Report, Row, benchmark

DOCUMENTS = 100_000
SEED = 20261126
INDEX_PREFIX = "maillage_bench_search"
RAW_INDEX = f"{INDEX_PREFIX}_raw"
CHUNK_SIZE = 500  # the rebuild's chunk size, used for the raw baseline too
# The raw-bulk ratio is taken on the first documents: indexing 100,000 twice would take most
# of the run on a small node. The whole corpus is then indexed once, by a rebuild under load.
RATIO_DOCUMENTS = 10_000
SEARCH_BUDGET_S = 25.0  # per backend, whole rounds over the queries
SEARCH_ROUNDS = 3
SEARCHER_THREADS = 2
SEARCHER_PAUSE_S = 0.1  # a steady load, not a flood that would starve the rebuild
DEFAULT_OPENSEARCH_URL = "http://127.0.0.1:9200"

# --- The corpus ----------------------------------------------------------------------------

DISPOSITIFS = {
    "cep": "conseil en évolution professionnelle",
    "spro": "service public régional de l'orientation",
    "vae": "validation des acquis de l'expérience",
    "plie": "plan local pour l'insertion et l'emploi",
    "garantie_jeunes": "contrat d'engagement jeune",
    "iae": "insertion par l'activité économique",
    "formation": "parcours de formation qualifiante",
    "justice": "aménagement de peine",
    "autre": "dispositif expérimental",
}
NATURES = {
    "grille_entretien": "grille d'entretien",
    "grille_analyse": "grille d'analyse",
    "fiche_liaison": "fiche de liaison",
    "livret_suivi": "livret de suivi",
    "referentiel": "référentiel",
    "questionnaire": "questionnaire",
    "photolangage": "photolangage",
    "guide": "guide",
    "support_animation": "support d'animation",
}
PUBLICS = {
    "jeunes-decrocheurs": "jeunes décrocheurs",
    "demandeurs-emploi-longue-duree": "demandeurs d'emploi de longue durée",
    "travailleurs-handicapes": "travailleurs handicapés",
    "seniors": "salariés seniors",
    "femmes-isolees": "femmes isolées",
    "personnes-detenues": "personnes détenues",
    "allocataires-rsa": "allocataires du RSA",
    "refugies": "personnes réfugiées",
    "salaries-reconversion": "salariés en reconversion",
    "etudiants": "étudiants en réorientation",
}
ACTES = {
    "accueil": "l'accueil",
    "information": "l'information",
    "diagnostic": "le diagnostic partagé",
    "conseil": "le conseil",
    "accompagnement": "l'accompagnement",
    "orientation": "l'orientation",
    "mise-en-relation": "la mise en relation avec les employeurs",
    "suivi": "le suivi du parcours",
    "evaluation": "l'évaluation des compétences",
}
THEMATIQUES = {
    "mobilite": "mobilité",
    "logement": "logement",
    "sante": "santé",
    "numerique": "inclusion numérique",
    "reconversion": "reconversion professionnelle",
    "apprentissage": "apprentissage",
    "creation-entreprise": "création d'entreprise",
    "egalite": "égalité femmes-hommes",
    "illettrisme": "illettrisme",
    "langue": "apprentissage du français",
    "garde-enfants": "garde d'enfants",
    "handicap": "compensation du handicap",
}
RESEAUX = {
    "missions-locales": "Mission locale",
    "france-travail": "France Travail",
    "cap-emploi": "Cap emploi",
    "cio": "centre d'information et d'orientation",
    "cite-des-metiers": "Cité des métiers",
    "cidff": "CIDFF",
    "apec": "Apec",
    "spip": "SPIP",
}
# commune -> (département, région)
COMMUNES = {
    "Rennes": ("35", "53"),
    "Saint-Malo": ("35", "53"),
    "Brest": ("29", "53"),
    "Quimper": ("29", "53"),
    "Morlaix": ("29", "53"),
    "Vannes": ("56", "53"),
    "Lorient": ("56", "53"),
    "Pontivy": ("56", "53"),
    "Saint-Brieuc": ("22", "53"),
    "Lannion": ("22", "53"),
    "Nantes": ("44", "52"),
    "Saint-Nazaire": ("44", "52"),
    "Angers": ("49", "52"),
    "Cholet": ("49", "52"),
    "Le Mans": ("72", "52"),
    "Laval": ("53", "52"),
    "La Roche-sur-Yon": ("85", "52"),
    "Caen": ("14", "28"),
    "Rouen": ("76", "28"),
    "Cherbourg-en-Cotentin": ("50", "28"),
}
METIERS = [
    "aide-soignant", "cariste", "boulanger", "développeur web", "agent de propreté",
    "assistante de vie", "maçon", "comptable", "électricien", "conducteur de bus",
    "cuisinier", "vendeuse en boulangerie", "ouvrier agricole", "mécanicien", "secrétaire médicale",
]  # fmt: skip
OBSTACLES = [
    "l'absence de permis de conduire", "un problème de garde d'enfants", "une dette de loyer",
    "une maîtrise fragile de l'écrit", "un isolement important", "des problèmes de santé",
    "une perte de confiance en soi", "l'absence d'ordinateur",
    "une situation administrative bloquée",
]  # fmt: skip
ACTIONS = [
    "un atelier collectif de recherche d'emploi", "une immersion en entreprise",
    "une période de mise en situation en milieu professionnel", "un bilan de compétences",
    "une formation préqualifiante", "un entretien tripartite avec l'employeur",
    "une orientation vers le CIDFF", "une aide à la mobilité", "un parcours de VAE",
]  # fmt: skip
RESULTATS = [
    "la personne a signé un contrat de travail de six mois",
    "la personne est entrée en formation qualifiante",
    "la démarche a été interrompue puis reprise trois mois plus tard",
    "un projet de création d'entreprise a vu le jour",
    "la personne a obtenu sa certification par la VAE",
    "le partenariat avec la structure a été formalisé par une convention",
]  # fmt: skip


def _cas(rng: random.Random, n: int, date: datetime) -> dict:
    dispositif = rng.choice(list(DISPOSITIFS))
    publics = rng.sample(list(PUBLICS), rng.randint(1, 2))
    actes = rng.sample(list(ACTES), rng.randint(1, 3))
    thematiques = rng.sample(list(THEMATIQUES), rng.randint(1, 3))
    commune = rng.choice(list(COMMUNES))
    metier = rng.choice(METIERS)
    title = (
        f"{PUBLICS[publics[0]].capitalize()} : {ACTES[actes[0]].split(' ', 1)[-1]} "
        f"vers le métier de {metier} à {commune}"
    )
    sentences = [
        f"Une conseillère de {rng.choice(list(RESEAUX.values()))} à {commune} reçoit une "
        f"personne orientée dans le cadre du {DISPOSITIFS[dispositif]}.",
        f"Elle souhaite devenir {metier} mais rencontre {rng.choice(OBSTACLES)}.",
        f"Les questions portaient sur {ACTES[actes[-1]]} et sur {THEMATIQUES[thematiques[0]]}.",
        f"Nous avons essayé {rng.choice(ACTIONS)}, puis {rng.choice(ACTIONS)}.",
        f"Résultat : {rng.choice(RESULTATS)}.",
        f"Enseignement : travailler {THEMATIQUES[thematiques[-1]]} dès le premier entretien "
        f"évite {rng.choice(OBSTACLES)}.",
    ]
    rng.shuffle(sentences)
    return {
        "id": f"ressources.caspage:{n}",
        "type": "cas",
        "title": title,
        "url": f"/ressources/cas/cas-{n}/",
        "date": date,
        "keywords": " ".join(
            [DISPOSITIFS[dispositif], *(PUBLICS[p] for p in publics)]
            + [ACTES[a] for a in actes]
            + [THEMATIQUES[t] for t in thematiques]
        ),
        "body": " ".join(sentences),
        "facets": {
            "thematique": sorted(thematiques),
            "public": sorted(publics),
            "acte_metier": sorted(actes),
            "dispositif": [dispositif],
            "type": ["cas"],
            "annee": [str(date.year)],
        },
    }


def _outil(rng: random.Random, n: int, date: datetime) -> dict:
    nature = rng.choice(list(NATURES))
    publics = rng.sample(list(PUBLICS), rng.randint(1, 3))
    actes = rng.sample(list(ACTES), rng.randint(1, 2))
    thematiques = rng.sample(list(THEMATIQUES), rng.randint(1, 2))
    reseau = rng.choice(list(RESEAUX))
    commune = rng.choice(list(COMMUNES))
    departement, region = COMMUNES[commune]
    title = (
        f"{NATURES[nature].capitalize()} pour {ACTES[actes[0]]} des "
        f"{PUBLICS[publics[0]]} ({THEMATIQUES[thematiques[0]]})"
    )
    sentences = [
        f"Cet outil a été conçu par l'équipe {RESEAUX[reseau]} de {commune} pour "
        f"{ACTES[actes[0]]} des {PUBLICS[publics[-1]]}.",
        f"Il s'utilise en entretien individuel ou lors d'{rng.choice(ACTIONS)}.",
        f"Il aide à repérer {rng.choice(OBSTACLES)} et à aborder "
        f"{THEMATIQUES[thematiques[-1]]} sans stigmatiser.",
        f"Mode d'emploi : prévoir quarante-cinq minutes, imprimer la {NATURES[nature]} et "
        f"la compléter avec la personne.",
        f"Des professionnels de {rng.choice(list(COMMUNES))} l'ont adapté au métier de "
        f"{rng.choice(METIERS)}.",
    ]
    rng.shuffle(sentences)
    return {
        "id": f"ressources.outilpage:{n}",
        "type": "outil",
        "title": title,
        "url": f"/ressources/outils/outil-{n}/",
        "date": date,
        "keywords": " ".join(
            [NATURES[nature], f"{RESEAUX[reseau]} {commune}", *(PUBLICS[p] for p in publics)]
            + [ACTES[a] for a in actes]
            + [THEMATIQUES[t] for t in thematiques]
        ),
        "body": " ".join(sentences),
        "facets": {
            "nature": [nature],
            "thematique": sorted(thematiques),
            "public": sorted(publics),
            "acte_metier": sorted(actes),
            "reseau": [reseau],
            "departement": [departement],
            "region": [region],
            "type": ["outil"],
            "annee": [str(date.year)],
        },
    }


def generate(count: int) -> list[dict]:
    """`count` documents in the shape `Indexable.finish` gives them (3 cases for 2 tools)."""
    rng = random.Random(SEED)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    documents = []
    for n in range(1, count + 1):
        date = start + timedelta(minutes=rng.randrange(6 * 365 * 24 * 60))
        documents.append((_cas if n % 5 < 3 else _outil)(rng, n, date))
    return documents


# 32 requests: words, phrases, acronyms with synonyms, typos, facet filters, filters alone.
QUERIES: list[tuple[str, dict[str, list[str]]]] = [
    ("accompagnement", {}),
    ("mobilité", {}),
    ("permis de conduire", {}),
    ("garde d'enfants", {}),
    ("vae", {}),
    ("cep", {}),
    ("mission locale", {}),
    ("pôle emploi", {}),
    ("décrocheur", {}),
    ("aide-soignant Rennes", {}),
    ("développeur web", {}),
    ("création d'entreprise", {}),
    ("illettrisme écrit", {}),
    ("immersion en entreprise", {}),
    ("satisfation", {}),
    ("acompagnement", {}),
    ("contrat de travail six mois", {}),
    ("grille d'entretien", {}),
    ("photolangage santé", {}),
    ("personnes détenues aménagement de peine", {}),
    ("reconversion", {"public": ["salaries-reconversion"]}),
    ("logement", {"type": ["cas"]}),
    ("numérique", {"region": ["53"]}),
    ("orientation", {"thematique": ["mobilite", "sante"]}),
    ("formation", {"dispositif": ["formation", "vae"]}),
    ("questionnaire", {"reseau": ["cap-emploi"]}),
    ("entretien", {"annee": ["2024"], "type": ["outil"]}),
    ("Brest", {"acte_metier": ["diagnostic"]}),
    ("", {}),
    ("", {"thematique": ["egalite"]}),
    ("", {"departement": ["29"], "nature": ["guide"]}),
    ("", {"public": ["refugies"], "annee": ["2022"]}),
]
# What the searchers send during the rebuild under load.
CHECKED = [(q, filters) for q, filters in QUERIES if q][:12]


# --- Helpers -------------------------------------------------------------------------------


def _opensearch_url() -> tuple[str | None, str]:
    """The node to use and, when there is none, why."""
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import ConnectionError as OSConnectionError
    from opensearchpy.exceptions import TransportError

    url = os.environ.get("OPENSEARCH_URL") or DEFAULT_OPENSEARCH_URL
    try:
        info = OpenSearch([url], timeout=3, max_retries=0).info()
    except (OSConnectionError, TransportError) as exc:
        return None, f"OpenSearch does not answer at {url} ({type(exc).__name__})"
    return url, f"OpenSearch {info['version']['number']} at {url}"


def _drop_bench_indices(client) -> None:
    client.indices.delete(index=f"{INDEX_PREFIX}_*", ignore_unavailable=True, allow_no_indices=True)


@contextlib.contextmanager
def _corpus_as_registry(documents: list[dict]) -> Iterator[None]:
    """Make the registry yield the generated documents: the rebuild then indexes them."""
    from recherche import registry

    original = registry.iter_documents
    registry.iter_documents = lambda: (dict(d) for d in documents)
    try:
        yield
    finally:
        registry.iter_documents = original


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _request(q: str, filters: dict[str, list[str]]):
    from recherche.query import SearchRequest

    return SearchRequest(q=q, filters={name: list(values) for name, values in filters.items()})


def _totals(queries) -> dict[str, int]:
    from recherche import query

    return {f"{q!r} {filters}": query.search(_request(q, filters)).total for q, filters in queries}


def _run_queries(label: str, *, warm_up: bool) -> dict:
    """Whole rounds of every query within the budget (one at least): latencies and totals.

    With `warm_up`, each query runs once unmeasured first; otherwise the totals come from the
    first measured round.
    """
    from recherche import query

    totals, latencies, backends = {}, [], Counter()
    if warm_up:
        for q, filters in QUERIES:
            results = query.search(_request(q, filters))
            totals[f"{q!r} {filters}"] = results.total
            backends[results.backend] += 1
    deadline = time.perf_counter() + SEARCH_BUDGET_S
    rounds = 0
    while rounds < SEARCH_ROUNDS and (rounds == 0 or time.perf_counter() < deadline):
        for q, filters in QUERIES:
            started = time.perf_counter()
            results = query.search(_request(q, filters))
            latencies.append(time.perf_counter() - started)
            backends[results.backend] += 1
            totals.setdefault(f"{q!r} {filters}", results.total)
            if results.facets and not all(f["values"] for f in results.facets.values()):
                raise harness.BenchmarkError(f"{label}: empty facet for {q!r}")
        rounds += 1
        harness.progress(f"{label}: round {rounds}, p95 {_percentile(latencies, 95) * 1e3:.0f} ms")
    return {"latencies_s": latencies, "totals": totals, "rounds": rounds, "backends": backends}


# --- The three measures --------------------------------------------------------------------


def _indexing(client, documents: list[dict]) -> dict:
    """Raw helpers.bulk into a plain index with the same mapping, then the rebuild's path."""
    from opensearchpy import helpers

    from recherche import opensearch, store, sync

    raw_documents = [{**d, "fingerprint": store.fingerprint(d)} for d in documents]
    opensearch.index_definition(RAW_INDEX).create(using=client)
    started = time.perf_counter()
    indexed, errors = helpers.bulk(
        client,
        ({"_index": RAW_INDEX, "_id": d["id"], "_source": opensearch.source(d)}
         for d in raw_documents),
        chunk_size=CHUNK_SIZE,
        raise_on_error=False,
    )  # fmt: skip
    client.indices.refresh(index=RAW_INDEX)
    raw_s = time.perf_counter() - started
    raw_count = client.count(index=RAW_INDEX)["count"]
    client.indices.delete(index=RAW_INDEX)
    del raw_documents
    harness.progress(f"raw bulk: {indexed} documents in {raw_s:.1f} s")

    with _corpus_as_registry(documents):
        started = time.perf_counter()
        summary = sync._rebuild_opensearch(len(documents), None)
        project_s = time.perf_counter() - started
    project_count = client.count(index=opensearch.alias_name())["count"]
    harness.progress(f"rebuild: {summary['indexed']} documents in {project_s:.1f} s")
    return {
        "raw_s": raw_s,
        "raw_indexed": raw_count,
        "raw_errors": len(errors),
        "project_s": project_s,
        "project_indexed": project_count,
        "rebuild_summary": summary,
    }


def _load_database(documents: list[dict]) -> tuple[int, float]:
    """store.replace_all, the rebuild's database path (COPY in batches on PostgreSQL)."""
    from recherche import store

    started = time.perf_counter()
    count = store.replace_all({**d, "fingerprint": store.fingerprint(d)} for d in documents)
    return count, time.perf_counter() - started


def _rebuild_under_load(documents: list[dict], before: dict[str, int]) -> dict:
    """Searchers query the alias at a steady pace while the rebuild creates a new index and swaps.

    The index before holds a subset of the corpus, so each total a searcher sees must be the
    one of the index before the swap or the one of the index after it.
    """
    from django.db import connection

    from recherche import query, sync

    stop = threading.Event()
    lock = threading.Lock()
    served = Counter()
    errors: Counter = Counter()
    seen: Counter = Counter()
    latencies: list[float] = []
    checked = [(q, f, f"{q!r} {f}") for q, f in CHECKED]

    def searcher(offset: int) -> None:
        n = offset
        try:
            while not stop.is_set():
                q, filters, key = checked[n % len(checked)]
                n += 1
                started = time.perf_counter()
                try:
                    results = query.search(_request(q, filters))
                except Exception as exc:  # noqa: BLE001 - every failure a user would see counts
                    with lock:
                        errors[type(exc).__name__] += 1
                    stop.wait(SEARCHER_PAUSE_S)
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    if results.backend != "opensearch":
                        errors["fell back to the database"] += 1
                    else:
                        served["ok"] += 1
                        seen[(key, results.total)] += 1
                        latencies.append(elapsed)
                stop.wait(SEARCHER_PAUSE_S)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=searcher, args=(i * 5,), name=f"bench-searcher-{i}")
        for i in range(SEARCHER_THREADS)
    ]
    urllib3_log = logging.getLogger("urllib3.connectionpool")
    urllib3_level = urllib3_log.level
    urllib3_log.setLevel(logging.ERROR)  # "pool is full" warnings from the searcher threads
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    served_before = served["ok"]
    try:
        with _corpus_as_registry(documents):
            started = time.perf_counter()
            summary = sync._rebuild_opensearch(len(documents), None)
            rebuild_s = time.perf_counter() - started
        during = served["ok"] - served_before
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        urllib3_log.setLevel(urllib3_level)
    after = {key: query.search(_request(q, f)).total for q, f, key in checked}
    for (key, total), count in seen.items():
        if total not in (before[key], after[key]):
            errors[f"total {total} for {key} (before {before[key]}, after {after[key]})"] += count
    return {
        "documents": len(documents),
        "rebuild_s": rebuild_s,
        "served_during": during,
        "served_total": served["ok"],
        "errors": dict(errors),
        "latencies_s": latencies,
        "summary": summary,
    }


@benchmark("search")
def search() -> Report:
    url, node = _opensearch_url()
    if url is None:
        return Report(context={}, rows=[], skipped=node)
    database = harness.setup_django()
    from django.db import connection
    from django.test import override_settings

    from recherche import opensearch
    from recherche.models import SearchDocument, SearchFacet

    if SearchDocument.objects.exists():
        return Report(
            context={},
            rows=[],
            skipped="the database already holds search documents: use a database of its own",
        )
    started = time.perf_counter()
    documents = generate(DOCUMENTS)
    size = sum(len(d["title"]) + len(d["keywords"]) + len(d["body"]) for d in documents)
    harness.progress(
        f"{len(documents)} documents generated in {time.perf_counter() - started:.1f} s "
        f"({size / len(documents):.0f} characters of text each)"
    )
    failures: list[str] = []
    with override_settings(OPENSEARCH_URL=url, SEARCH_INDEX_PREFIX=INDEX_PREFIX):
        client = opensearch.client()
        _drop_bench_indices(client)
        try:
            indexing = _indexing(client, documents[:RATIO_DOCUMENTS])
            load = _rebuild_under_load(documents, _totals(CHECKED))
            harness.progress(
                f"rebuild under load: {len(documents)} documents in {load['rebuild_s']:.1f} s, "
                f"errors {dict(load['errors'])}"
            )
            indexed = client.count(index=opensearch.alias_name())["count"]
            opensearch_search = _run_queries("OpenSearch", warm_up=True)
            with override_settings(OPENSEARCH_URL=None):
                loaded, load_s = _load_database(documents)
                harness.progress(f"database store: {loaded} documents in {load_s:.1f} s")
                database_search = _run_queries("database", warm_up=False)
        finally:
            _drop_bench_indices(client)
            SearchFacet.objects.all().delete()
            SearchDocument.objects.all().delete()
            connection.close()

    n, r = len(documents), RATIO_DOCUMENTS
    for name, count, expected in (
        ("raw", indexing["raw_indexed"], r),
        ("first rebuild", indexing["project_indexed"], r),
        ("rebuild under load", indexed, n),
        ("database store", loaded, n),
    ):
        if count != expected:
            failures.append(f"{name} holds {count} documents, not {expected}")
    if load["errors"]:
        failures.append(f"searchers saw errors during the rebuild: {load['errors']}")
    if load["served_during"] == 0:
        failures.append("no search was served during the rebuild")
    if opensearch_search["backends"].get("database"):
        failures.append("OpenSearch searches fell back to the database")
    if database_search["backends"].get("opensearch"):
        failures.append("database searches went to OpenSearch")

    os_lat = opensearch_search["latencies_s"]
    db_lat = database_search["latencies_s"]
    rebuild_lat = load["latencies_s"]
    project_rate = r / indexing["project_s"]
    search_name = f"search {n:,}: OpenSearch vs database"
    rebuild_name = f"rebuild {n:,} under {SEARCHER_THREADS} searchers"
    rows = [
        Row(f"index {r:,} (rebuild vs raw bulk)", "docs/s", project_rate, r / indexing["raw_s"]),
        Row(f"index {r:,} (rebuild vs raw bulk)", "seconds", indexing["project_s"],
            indexing["raw_s"]),
        Row(rebuild_name, "docs/s", n / load["rebuild_s"], project_rate),
        Row(rebuild_name, "seconds", load["rebuild_s"]),
        Row(rebuild_name, "searches served", load["served_during"]),
        Row(rebuild_name, "search p95 ms", _percentile(rebuild_lat, 95) * 1e3,
            _percentile(os_lat, 95) * 1e3),
        Row(rebuild_name, "errors", sum(load["errors"].values())),
        *(Row(search_name, f"p{p} ms", _percentile(os_lat, p) * 1e3,
              _percentile(db_lat, p) * 1e3) for p in (50, 95)),
        Row(search_name, "mean ms", statistics.fmean(os_lat) * 1e3,
            statistics.fmean(db_lat) * 1e3),
        Row(f"database store {n:,} (store.replace_all)", "docs/s", loaded / load_s),
        Row(f"database store {n:,} (store.replace_all)", "seconds", load_s),
    ]  # fmt: skip
    context = {
        "opensearch": f"{node}, index prefix {INDEX_PREFIX} (deleted at the end)",
        "database": database.description,
        "corpus": (
            f"{n:,} generated documents (3 cases for 2 tools, seed {SEED}), "
            f"{size / n:.0f} characters of text each"
        ),
        "indexing": (
            f"the first {r:,} documents; value: sync._rebuild_opensearch (the `search_index "
            f"rebuild` path: new version, fingerprints, streaming_bulk of {CHUNK_SIZE}, refresh "
            f"off, alias swap); baseline: helpers.bulk of the same documents, chunks of "
            f"{CHUNK_SIZE}, into a plain index with the same mapping, then a refresh"
        ),
        "rebuild under load": (
            f"{SEARCHER_THREADS} threads search the alias (then holding the {r:,} documents "
            f"above), pausing {SEARCHER_PAUSE_S * 1e3:.0f} ms between searches, while a rebuild "
            f"indexes all {n:,} documents and swaps the alias; an error is an exception, a "
            "database fallback or a total matching neither index; baselines: docs/s of the "
            "unloaded rebuild above, p95 of the OpenSearch rounds below"
        ),
        "search": (
            f"query.search(), {len(QUERIES)} requests (words, synonyms, typos, filters), every "
            f"facet, highlights, page 1, on the same {n:,} documents; value: OpenSearch through "
            f"the alias ({opensearch_search['rounds']} rounds after one warm-up); baseline: the "
            f"PostgreSQL database backend ({database_search['rounds']} rounds, no warm-up)"
        ),
        "database store": (
            f"store.replace_all of the {n:,} documents (COPY in batches of 2,000 on PostgreSQL, "
            "one transaction)"
        ),
        "ratio": "value / baseline (docs/s: below 1 is slower; latency: below 1 is faster)",
    }
    details = {
        "indexing": indexing,
        "opensearch_totals": opensearch_search["totals"],
        "database_totals": database_search["totals"],
        "opensearch_latencies_ms": [round(x * 1e3, 2) for x in os_lat],
        "database_latencies_ms": [round(x * 1e3, 2) for x in db_lat],
        "database_documents": loaded,
        "database_load_s": load_s,
        "rebuild_under_load": {k: v for k, v in load.items() if k != "latencies_s"},
    }
    return Report(context=context, rows=rows, details=details, failures=failures)
