"""OpenSearch: the unified index's French analysis and mapping, versions behind aliases, writes."""

import functools
import time
from collections.abc import Iterable

from django.conf import settings
from opensearchpy import (
    Date,
    Document,
    Index,
    Keyword,
    MetaField,
    OpenSearch,
    SearchAsYouType,
    Text,
    analyzer,
    char_filter,
    helpers,
    token_filter,
)
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from . import registry
from .registry import UNIFIED
from .synonyms import SYNONYMES


class SearchUnavailable(Exception):
    """OpenSearch did not answer or refused a write: the change waits in the outbox."""


fr_elision = token_filter(
    "fr_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
fr_stop = token_filter("fr_stop", type="stop", stopwords="_french_", ignore_case=True)
fr_stemmer = token_filter("fr_stemmer", type="stemmer", language="light_french")
fr_synonyms = token_filter(
    "fr_synonyms", type="synonym_graph", synonyms=SYNONYMES, lenient=False, expand=True
)

# Folding comes before the synonyms so that rules and queries meet without accents, and
# the synonyms come before the stop words, which would otherwise leave holes in the rules.
fr_index = analyzer(
    "fr_index",
    tokenizer="standard",
    filter=[fr_elision, "lowercase", "asciifolding", fr_stop, fr_stemmer],
)
fr_search = analyzer(
    "fr_search",
    tokenizer="standard",
    filter=[fr_elision, "lowercase", "asciifolding", fr_synonyms, fr_stop, fr_stemmer],
)
fr_folding = analyzer(
    "fr_folding", tokenizer="standard", filter=[fr_elision, "lowercase", "asciifolding"]
)
fr_unstemmed = analyzer(
    "fr_unstemmed",
    tokenizer="standard",
    filter=[fr_elision, "lowercase", "asciifolding", fr_stop],
)

# « co-développement » and « codéveloppement » are the same word written two ways.
joined_hyphens = char_filter(
    "joined_hyphens", type="pattern_replace", pattern="(\\p{L})-(?=\\p{L})", replacement="$1"
)
fr_joined = analyzer(
    "fr_joined",
    tokenizer="standard",
    char_filter=[joined_hyphens],
    filter=[fr_elision, "lowercase", "asciifolding", fr_stop],
)


def _text(fields: dict | None = None, **extra) -> Text:
    """French text, plus unstemmed sub-fields: `folded` where typos are matched, `joined`
    where hyphenated words meet their one-word spelling."""
    return Text(
        analyzer=fr_index,
        search_analyzer=fr_search,
        fields={
            "folded": Text(analyzer=fr_unstemmed),
            "joined": Text(analyzer=fr_joined),
            **(fields or {}),
        },
        **extra,
    )


class UnifiedDocument(Document):
    """One searchable object of any app; facets are keywords under `facets.<name>`."""

    type = Keyword()
    title = _text(
        fields={"suggest": SearchAsYouType(analyzer=fr_folding), "raw": Keyword(ignore_above=256)}
    )
    keywords = _text()
    body = _text(term_vector="with_positions_offsets")
    url = Keyword(index=False)
    date = Date()
    fingerprint = Keyword()

    class Meta:
        # Facet values such as a month ("2027-03") must stay keywords, never become dates.
        date_detection = MetaField(False)
        dynamic_templates = MetaField(
            [
                {
                    "facets_as_keywords": {
                        "path_match": "facets.*",
                        "match_mapping_type": "string",
                        "mapping": {"type": "keyword"},
                    }
                }
            ]
        )


def alias_name(index: str = UNIFIED) -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}_{index}"


def index_pattern(index: str = UNIFIED) -> str:
    return f"{alias_name(index)}_v*"


def new_index_name(index: str = UNIFIED) -> str:
    return f"{alias_name(index)}_v{time.time_ns() // 1000}"


def index_definition(name: str) -> Index:
    """A version of the unified index."""
    index = Index(name)
    index.settings(
        number_of_shards=1,
        number_of_replicas=getattr(settings, "SEARCH_INDEX_REPLICAS", 0),
        max_result_window=10_000,
    )
    index.document(UnifiedDocument)
    return index


def definition(index: str, name: str) -> dict:
    """Settings and mappings of a new version `name` of an index."""
    if index == UNIFIED:
        return index_definition(name).to_dict()
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": getattr(settings, "SEARCH_INDEX_REPLICAS", 0),
        },
        "mappings": registry.get_index(index).mappings,
    }


@functools.lru_cache(maxsize=4)
def _client_for(url: str) -> OpenSearch:
    return OpenSearch([url], timeout=10, max_retries=0, retry_on_timeout=False)


def client() -> OpenSearch:
    return _client_for(settings.OPENSEARCH_URL)


def enabled() -> bool:
    return bool(settings.OPENSEARCH_URL)


def create_index(name: str, index: str = UNIFIED, **options) -> None:
    client().indices.create(index=name, body=definition(index, name), **options)


def alias_targets(index: str = UNIFIED) -> list[str]:
    try:
        return sorted(client().indices.get_alias(name=alias_name(index)))
    except NotFoundError:
        return []


def write_targets(index: str = UNIFIED) -> list[str]:
    """Every version of the index, so a rebuild in progress also receives live changes. The
    unified index is created by its first write; another index only by a rebuild (none
    yet: nothing to write). SearchUnavailable when OpenSearch does not answer."""
    try:
        names = sorted(
            client().indices.get(
                index=index_pattern(index), allow_no_indices=True, ignore_unavailable=True
            )
        )
        if names or index != UNIFIED:
            return names
        name = new_index_name()
        create_index(name)
        client().indices.update_aliases(
            body={"actions": [{"add": {"index": name, "alias": alias_name()}}]}
        )
    except (OSConnectionError, TransportError) as exc:
        raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return [name]


def source(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "id"}


def write(
    upserts: Iterable[dict],
    deletions: Iterable[str],
    *,
    index: str = UNIFIED,
    targets: list[str] | None = None,
    refresh: bool = False,
) -> None:
    """Index and delete documents in every version of an index (`targets` when the caller
    has them from `write_targets`), or raise SearchUnavailable."""
    upserts, deletions = list(upserts), list(deletions)
    if targets is None:
        targets = write_targets(index)
    actions = []
    for name in targets:
        actions += [
            {"_op_type": "index", "_index": name, "_id": d["id"], "_source": source(d)}
            for d in upserts
        ]
        actions += [{"_op_type": "delete", "_index": name, "_id": i} for i in deletions]
    if not actions:
        return
    try:
        _, errors = helpers.bulk(
            client(), actions, raise_on_error=False, refresh=refresh, max_retries=0
        )
    except (OSConnectionError, TransportError) as exc:
        raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from exc
    real = [e for e in errors if e.get("delete", {}).get("status") != 404]
    if real:
        raise SearchUnavailable(f"écritures refusées : {real[:3]}")


def refresh(index: str = UNIFIED) -> None:
    client().indices.refresh(index=alias_name(index))
