"""Search queries: parsing user input, then the OpenSearch backend or the database fallback."""

import html
import logging
import math
import re
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.db.models import Q as DbQ
from django.utils.translation import gettext as _
from opensearchpy import Q, Search
from opensearchpy.exceptions import ConnectionError as OSConnectionError
from opensearchpy.exceptions import TransportError

from . import opensearch, registry
from .models import SearchDocument, SearchFacet
from .synonyms import SYNONYMES
from .text import fold, query_words

logger = logging.getLogger(__name__)

PAGE_SIZE = 10
MAX_PAGE = 100
MAX_QUERY_CHARS = 300
MAX_FILTER_VALUES = 20
FACET_SIZE = 30
SNIPPET_CHARS = 220
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    filters: dict[str, list[str]] = field(default_factory=dict)
    filter_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def active_filters(self) -> int:
        return sum(len(values) for values in self.filters.values())


@dataclass
class SearchResults:
    request: SearchRequest
    results: list[dict]
    facets: dict[str, dict]
    total: int
    backend: str
    messages: list[str]

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, math.ceil(self.total / PAGE_SIZE))


def _int(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def parse(params) -> SearchRequest:
    """Turn raw query parameters (a QueryDict) into a safe request; problems become messages."""
    request = SearchRequest()
    q = _CONTROL.sub(" ", str(params.get("q") or "")).strip()
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        request.messages.append(
            _("Votre recherche a été raccourcie à %(n)s caractères.") % {"n": MAX_QUERY_CHARS}
        )
    request.q = q
    request.page = min(max(_int(params.get("page"), 1), 1), MAX_PAGE)
    for spec in registry.facets():
        # Control characters (NUL included, which PostgreSQL refuses) cannot be in a code.
        raw = [_CONTROL.sub("", str(v)).strip()[:150] for v in params.getlist(spec.name)]
        raw = [v for v in raw if v]
        raw = list(dict.fromkeys(raw))[:MAX_FILTER_VALUES]
        if not raw:
            continue
        known = spec.resolve(raw)
        for value in raw:
            if value not in known:
                request.messages.append(
                    _("Filtre « %(facet)s » : la valeur « %(value)s » est inconnue, ignorée.")
                    % {"facet": spec.label, "value": value[:50]}
                )
        values = [v for v in raw if v in known]
        if values:
            request.filters[spec.name] = values
            request.filter_labels[spec.name] = known
    return request


def search(request: SearchRequest) -> SearchResults:
    """Run the request on OpenSearch when configured, falling back to the database."""
    if opensearch.enabled():
        try:
            return _opensearch(request)
        except (OSConnectionError, TransportError) as exc:
            logger.warning("search falls back to the database: %s", exc)
            results = _database(request)
            results.messages.append(
                _("La recherche avancée est momentanément indisponible : résultats simplifiés.")
            )
            return results
    return _database(request)


def _facet_output(request: SearchRequest, counts: dict[str, dict[str, int]]) -> dict:
    output = {}
    for spec in registry.facets():
        values = counts.get(spec.name, {})
        selected = request.filters.get(spec.name, [])
        if not values and not selected:
            continue
        labels = spec.resolve(list(values) + selected)
        ordered = sorted(values.items(), key=lambda item: (-item[1], labels.get(item[0], "")))
        entries = [
            {
                "value": value,
                "label": labels.get(value, value),
                "count": count,
                "selected": value in selected,
            }
            for value, count in ordered
        ]
        entries += [
            {"value": value, "label": labels.get(value, value), "count": 0, "selected": True}
            for value in selected
            if value not in values
        ]
        output[spec.name] = {"label": str(spec.label), "values": entries}
    return output


def _result(type_: str, title: str, url: str, highlight: str, date) -> dict:
    labels = registry.type_labels()
    return {
        "type": type_,
        "type_label": labels.get(type_, type_),
        "title": title,
        "url": url,
        "highlight": highlight,
        "date": date.isoformat() if hasattr(date, "isoformat") else date,
    }


def _text_query(q: str) -> Q:
    fields = ["title^3", "keywords^2", "body"]
    return Q(
        "bool",
        should=[
            Q("multi_match", query=q, fields=fields, type="best_fields", operator="and", boost=3),
            Q("match_phrase", title={"query": q, "boost": 4}),
            # Typos are matched before stemming: "satisfation" stems far from "satisfaction".
            Q(
                "multi_match",
                query=q,
                fields=["title.folded^3", "keywords.folded^2", "body.folded"],
                type="best_fields",
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=20,
                operator="and",
            ),
            Q(
                "multi_match",
                query=q,
                fields=["title.joined^3", "keywords.joined^2", "body.joined"],
                type="best_fields",
                operator="and",
            ),
            Q(
                "multi_match",
                query=q,
                fields=fields,
                type="most_fields",
                minimum_should_match="2<70%",
                boost=0.5,
            ),
        ],
        minimum_should_match=1,
    )


def _opensearch(request: SearchRequest) -> SearchResults:
    s = Search(using=opensearch.client(), index=opensearch.alias_name())
    if request.q:
        s = s.query(_text_query(request.q))
    else:
        s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "title.raw")
    for name, values in request.filters.items():
        s = s.filter("terms", **{f"facets.{name}": values})
    for spec in registry.facets():
        s.aggs.bucket(spec.name, "terms", field=f"facets.{spec.name}", size=FACET_SIZE)
    s = s.highlight_options(
        encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"], fragment_size=160
    )
    s = s.highlight("body", number_of_fragments=2, no_match_size=SNIPPET_CHARS)
    s = s.highlight("title", number_of_fragments=0)
    start = (request.page - 1) * PAGE_SIZE
    s = s.extra(from_=start, size=PAGE_SIZE, track_total_hits=True)
    s = s.source(["type", "title", "url", "date", "body"])
    response = s.execute()
    results = []
    for hit in response.hits:
        fragments = getattr(getattr(hit.meta, "highlight", None), "body", None)
        highlight = " … ".join(fragments) if fragments else _plain_snippet(hit.body or "")
        results.append(_result(hit.type, hit.title, hit.url, highlight, getattr(hit, "date", None)))
    counts = {
        spec.name: {b.key: b.doc_count for b in getattr(response.aggregations, spec.name).buckets}
        for spec in registry.facets()
    }
    return SearchResults(
        request=request,
        results=results,
        facets=_facet_output(request, counts),
        total=response.hits.total.value,
        backend="opensearch",
        messages=list(request.messages),
    )


def _plain_snippet(body: str) -> str:
    text = body[:SNIPPET_CHARS]
    return html.escape(text) + ("…" if len(body) > SNIPPET_CHARS else "")


def _database_snippet(body: str, words: list[str]) -> str:
    """An escaped excerpt around the first matched word, every match wrapped in <mark>."""
    folded = fold(body)
    positions = [folded.find(w) for w in words if w in folded]
    if not positions:
        return _plain_snippet(body)
    start = max(0, min(positions) - 60)
    end = min(len(body), start + SNIPPET_CHARS)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    parts, cursor = [], start
    for match in pattern.finditer(folded, start, end):
        parts.append(html.escape(body[cursor : match.start()]))
        parts.append(f"<mark>{html.escape(body[match.start() : match.end()])}</mark>")
        cursor = match.end()
    parts.append(html.escape(body[cursor:end]))
    return ("…" if start else "") + "".join(parts) + ("…" if end < len(body) else "")


def _synonym_words() -> dict[str, list[list[str]]]:
    """Each one-word term of the synonym rules (an acronym, mostly), with the words of its
    equivalents: « plie » → [["plan", "local", "insertion", "emploi"]]."""
    table: dict[str, list[list[str]]] = {}
    for rule in SYNONYMES:
        terms = [query_words(term) for term in rule.split(",")]
        for term in terms:
            if len(term) == 1:
                table.setdefault(term[0], []).extend(t for t in terms if t != term)
    return table


_SYNONYM_WORDS = _synonym_words()
# Words shorter than this are matched exactly: one edit would make them match anything.
MIN_FUZZY_LENGTH = 5


def _word_condition(word: str) -> DbQ:
    """A document matches a word, or one of the phrases the word abbreviates."""
    condition = DbQ(content_folded__contains=word)
    for phrase in _SYNONYM_WORDS.get(word, []):
        every = DbQ()
        for part in phrase:
            every &= DbQ(content_folded__contains=part)
        condition |= every
    return condition


def one_edit_pattern(word: str) -> str:
    """A regular expression matching the word with one letter missing, added, changed or two
    letters swapped: « illetrisme » finds « illettrisme », « codeveloppement » finds
    « co-developpement »."""
    letters = [re.escape(c) for c in word]
    variants = set()
    for i in range(len(letters) + 1):
        variants.add("".join(letters[:i]) + "." + "".join(letters[i:]))  # one added
    for i in range(len(letters)):
        variants.add("".join(letters[:i]) + "".join(letters[i + 1 :]))  # one missing
        variants.add("".join(letters[:i]) + "." + "".join(letters[i + 1 :]))  # one changed
    for i in range(len(letters) - 1):
        swapped = letters[:i] + [letters[i + 1], letters[i]] + letters[i + 2 :]
        variants.add("".join(swapped))
    return "(" + "|".join(sorted(variants)) + ")"


def _database_words(request: SearchRequest, words: list[str]):
    """The documents matching every word; a word found nowhere is matched with one typo."""
    qs = SearchDocument.objects.all()
    approches = []
    for word in words:
        condition = _word_condition(word)
        if len(word) >= MIN_FUZZY_LENGTH and not SearchDocument.objects.filter(condition).exists():
            condition = DbQ(content_folded__regex=one_edit_pattern(word))
            approches.append(word)
        qs = qs.filter(condition)
    if approches:
        request.messages.append(
            _(
                "Aucun document ne contient exactement « %(mots)s » : voici les résultats "
                "des mots les plus proches."
            )
            % {"mots": " ".join(approches)}
        )
    return qs


def _database(request: SearchRequest) -> SearchResults:
    words = query_words(request.q)
    qs = _database_words(request, words)
    if request.q and not words:
        qs = qs.none()
    for name, values in request.filters.items():
        qs = qs.filter(
            Exists(SearchFacet.objects.filter(document=OuterRef("pk"), name=name, value__in=values))
        )
    total = qs.count()
    rows = (
        SearchFacet.objects.filter(document__in=qs.values("pk"))
        .values_list("name", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for name, value, n in rows:
        counts.setdefault(name, {})[value] = n
    if words:
        title_hits = sum(
            (
                Case(
                    When(title_folded__contains=w, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for w in words
            ),
            Value(0, output_field=IntegerField()),
        )
        qs = qs.annotate(title_hits=title_hits).order_by("-title_hits", "-date", "title")
    else:
        qs = qs.order_by("-date", "title")
    start = (request.page - 1) * PAGE_SIZE
    results = [
        _result(
            row.type,
            row.title,
            row.url,
            _database_snippet(row.body, words) if words else _plain_snippet(row.body),
            row.date,
        )
        for row in qs[start : start + PAGE_SIZE]
    ]
    return SearchResults(
        request=request,
        results=results,
        facets=_facet_output(request, counts),
        total=total,
        backend="database",
        messages=list(request.messages),
    )


def suggest(q: str, limit: int = 8) -> list[dict]:
    """Titles that complete what is being typed (autocomplete)."""
    q = _CONTROL.sub(" ", q or "").strip()[:100]
    if len(q) < 2:
        return []
    if opensearch.enabled():
        try:
            s = Search(using=opensearch.client(), index=opensearch.alias_name())
            s = s.query(
                "multi_match",
                query=q,
                type="bool_prefix",
                operator="and",
                fields=["title.suggest", "title.suggest._2gram", "title.suggest._3gram"],
            ).source(["type", "title", "url"])[:limit]
            return [{"type": h.type, "title": h.title, "url": h.url} for h in s.execute()]
        except (OSConnectionError, TransportError) as exc:
            logger.warning("suggestions fall back to the database: %s", exc)
    qs = SearchDocument.objects.all()
    for word in query_words(q) or [fold(q)]:
        qs = qs.filter(title_folded__contains=word)
    return [
        {"type": t, "title": title, "url": url}
        for t, title, url in qs.order_by("title").values_list("type", "title", "url")[:limit]
    ]


def similar(*, doc_id: str, limit: int = 4) -> list[dict]:
    """Documents close to one document: more-like-this on OpenSearch, shared facets otherwise."""
    if opensearch.enabled():
        try:
            s = Search(using=opensearch.client(), index=opensearch.alias_name())
            s = s.query(
                "more_like_this",
                fields=["title", "keywords", "body"],
                like=[{"_index": opensearch.alias_name(), "_id": doc_id}],
                min_term_freq=1,
                min_doc_freq=1,
                max_query_terms=30,
                minimum_should_match="20%",
            ).source(["type", "title", "url"])[:limit]
            return [
                {"type": h.type, "title": h.title, "url": h.url, "id": h.meta.id}
                for h in s.execute()
            ]
        except (OSConnectionError, TransportError) as exc:
            logger.warning("similar documents fall back to the database: %s", exc)
    shared = SearchFacet.objects.filter(
        document__doc_id=doc_id, name__in=["thematique", "public", "acte_metier"]
    )
    rows = (
        SearchFacet.objects.filter(
            Exists(shared.filter(name=OuterRef("name"), value=OuterRef("value")))
        )
        .exclude(document__doc_id=doc_id)
        .values("document")
        .annotate(n=Count("id"))
        .order_by("-n", "document")[:limit]
    )
    ranked = [row["document"] for row in rows]
    documents = SearchDocument.objects.in_bulk(ranked)
    return [
        {"type": d.type, "title": d.title, "url": d.url, "id": d.doc_id}
        for d in (documents[pk] for pk in ranked)
    ]
