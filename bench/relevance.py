"""`relevance`: nDCG@10 and MRR of the unified search on the judged French queries."""

from bench import harness
from bench.harness import Report, Row, benchmark

INDEX_PREFIX = "maillage_bench_relevance"


@benchmark("relevance")
def relevance() -> Report:
    database = harness.setup_django()
    from django.conf import settings
    from django.test.utils import override_settings

    from maillage.demo.ressources import ressources_provide
    from recherche import opensearch, sync
    from recherche.models import SearchDocument, SearchFacet
    from recherche.relevance import evaluate

    # The rebuilds below fill the database store: left as it was found when it was empty,
    # so that `search`, which needs an empty store, runs after this in the same database.
    store_was_empty = not SearchDocument.objects.exists()
    harness.progress("relevance: demo case library and tool bank")
    ressources_provide(progress=harness.progress)
    backends = ["database"] + (["opensearch"] if settings.OPENSEARCH_URL else [])
    scores = {}
    with override_settings(SEARCH_INDEX_PREFIX=INDEX_PREFIX):
        for backend in backends:
            url = settings.OPENSEARCH_URL if backend == "opensearch" else None
            with override_settings(OPENSEARCH_URL=url):
                harness.progress(f"relevance: rebuilding the {backend} index")
                sync.rebuild()
                if backend == "opensearch":
                    opensearch.refresh()
                scores[backend] = evaluate()
                if backend == "opensearch":
                    client = opensearch.client()
                    for name in client.indices.get(index=f"{INDEX_PREFIX}*"):
                        client.indices.delete(index=name)
    if store_was_empty:
        SearchFacet.objects.all().delete()
        SearchDocument.objects.all().delete()
    baseline = scores["database"]
    rows = []
    for backend, score in scores.items():
        for metric in ("ndcg@10", "mrr"):
            rows.append(
                Row(
                    f"{backend} ({score['queries']} queries)",
                    metric,
                    score[metric],
                    baseline[metric],
                )
            )
    context = {
        "database": database.description,
        "corpus": "demo case library and tool bank (maillage.demo.ressources)",
        "baseline": "the database fallback (no stemming, synonyms nor typo tolerance)",
    }
    if "opensearch" not in scores:
        context["opensearch"] = "OPENSEARCH_URL unset: database fallback only"
    return Report(context=context, rows=rows, details=scores)
