"""The content version, and the anonymous page cache and dashboard fragments keyed by it."""

import functools
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.db import transaction
from django.db.models.query import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_max_age, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "contenus:version"
# How many rendered anonymous pages a process keeps (catalogue filters make many addresses).
STORE_SIZE = 256
# A bulk write made outside a request (a command, a task) shows within this delay at worst.
MAX_AGE_S = 300
# Time-dependent content (a session that has just ended, an evaluation that opens) is
# refreshed at least this often even when nothing is written.
MEMBER_PAGE_TIMEOUT_S = 300

# Rows written by bookkeeping that no cached page shows: they must not throw the cache away.
_IGNORED_MODELS = {
    "sessions.session",
    "admin.logentry",
    "wagtailcore.referenceindex",
    "wagtailsearch.indexentry",
    "django_tasks_database.dbtaskresult",
    # The search outbox: its rows come and go with every indexed write, pages never show it.
    "recherche.searchoutbox",
}


def contenus_version() -> int:
    """The current version of everything pages show; any write changes it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Random, not 1: an emptied cache must never meet pages a process kept from before.
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)


def contenus_changed() -> None:
    """Retire every cached page and fragment, now and again when the transaction commits.

    Now, so that the writing connection (a test, a request that redirects) reads its own
    write; after commit, so that a page rendered meanwhile from the old rows, and stored
    under the intermediate version, is never served.
    """
    if transaction.get_connection().in_atomic_block:
        _bump()
    # Outside a transaction the write is already committed: this runs at once, one bump.
    transaction.on_commit(_bump)


def _on_write(sender, **kwargs) -> None:
    if sender._meta.label_lower not in _IGNORED_MODELS:
        contenus_changed()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="maillage.cache_pages.save")
    # With a receiver for every model, deletions always go through the collector and send
    # post_delete for each row: no delete escapes.
    post_delete.connect(_on_write, dispatch_uid="maillage.cache_pages.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="maillage.cache_pages.m2m")
    _watch_bulk_writes()
    # Sessions are bookkeeping, but a logout must retire the pages kept for its session.
    user_logged_out.connect(_on_logout, dispatch_uid="maillage.cache_pages.logout")


def _on_logout(sender, **kwargs) -> None:
    contenus_changed()


def _watch_bulk_writes() -> None:
    """`update()`, `bulk_create()` and `bulk_update()` send no signal: they retire the cached
    pages too, so that a write which bypasses `save()` (a service, a task, the shell) still
    shows on the next request. `Model.save()` goes through `_update()`, not these."""
    for name in ("update", "bulk_create", "bulk_update"):
        original = getattr(QuerySet, name)
        if getattr(original, "retires_pages", False):
            continue

        @functools.wraps(original)
        def write(self, *args, _original=original, **kwargs):
            result = _original(self, *args, **kwargs)
            if result:
                _on_write(self.model)
            return result

        write.retires_pages = True
        setattr(QuerySet, name, write)


def _on_m2m(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        _on_write(type(instance))


# --- Anonymous pages -----------------------------------------------------------------------


def cache_anonymous(response: HttpResponse, *, seconds: float | None = None) -> HttpResponse:
    """Mark a response as the same for every anonymous visitor: the middleware may keep it.

    `seconds` bounds how long, for pages that read a search index: the index shows a write
    up to its refresh interval after the version has already changed.
    """
    response.cache_anonymous = True
    response.cache_anonymous_seconds = seconds
    return response


@dataclass(frozen=True)
class _Entry:
    version: int
    expires: float
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class _Store:
    """A small least-recently-used map, shared by the threads of one process."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.refreshing: set[tuple] = set()

    def get(self, key: tuple, version: int) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.version != version:
                return None
            if time.monotonic() > entry.expires:
                # Same version, only old: one thread renders it again while the others
                # keep answering with it, rather than all rendering at once.
                if key in self.refreshing:
                    return entry
                self.refreshing.add(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        with self.lock:
            self.refreshing.discard(key)
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def release(self, key: tuple) -> None:
        with self.lock:
            self.refreshing.discard(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.refreshing.clear()


store = _Store(STORE_SIZE)


def _anonymous_key(request) -> tuple | None:
    """The page's key when the request is an anonymous GET that carries no state, else None.

    Without a session cookie nobody is signed in and no message waits in the session; any
    cookie other than the CSRF one (a message, a preference) may change the page.
    """
    if request.method != "GET" or not settings.PAGE_CACHE_ANONYMOUS:
        return None
    if any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES):
        return None
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - a bad Host header gets Django's own answer
        return None
    return (host, request.get_full_path(), get_language())


def _storable(request, response) -> bool:
    if not getattr(response, "cache_anonymous", False) or response.status_code != 200:
        return False
    if response.streaming or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "")
    return (
        "private" not in cache_control
        and "no-store" not in cache_control
        and (get_max_age(response) != 0)
    )


class AnonymousPageCacheMiddleware:
    """Serve a page marked with `cache_anonymous` from memory to anonymous visitors.

    The entry holds for the current content version: a write anywhere (a page published, a
    session changed) makes the next request render the page again. Signed-in members, and
    anyone carrying a session or message cookie, always get a fresh page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Services also write in bulk (`update()`, `bulk_create()`), which sends no signal.
            # The view's writes are committed by now: one bump, without touching the database.
            response = self.get_response(request)
            _bump()
            return response
        key = _anonymous_key(request)
        if key is None:
            kept = _session_page(request)
            if kept is not None:
                return kept
            response = self.get_response(request)
            _keep_for_session(request, response)
            return response
        version = contenus_version()
        entry = store.get(key, version)
        if entry is not None:
            return entry.response()
        try:
            response = self.get_response(request)
        finally:
            store.release(key)
        if _storable(request, response):
            seconds = getattr(response, "cache_anonymous_seconds", None)
            store.put(
                key,
                _Entry(
                    version=version,
                    expires=time.monotonic() + (MAX_AGE_S if seconds is None else seconds),
                    status=response.status_code,
                    headers=tuple(response.items()),
                    content=response.content,
                ),
            )
        return response


# --- Signed-in fragments ---------------------------------------------------------------------


def member_page_key(request, name: str) -> str | None:
    """The key of a signed-in member's whole page, or None when it must be rendered afresh.

    Keyed by member, their CSRF secret (the page's forms carry a token derived from it), the
    language, the content version and the day (dates are shown relative to it). Rendered
    afresh, and not kept, when the request has no CSRF cookie yet (rendering sets one) or a
    message waits to be shown (rendering consumes it).
    """
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(messages.get_messages(request)):
        return None
    empreinte = hashlib.sha256(secret.encode()).hexdigest()[:16]
    jour = timezone.localdate().isoformat()
    return f"page:{name}:{request.user.pk}:{empreinte}:{get_language()}:{contenus_version()}:{jour}"


def member_page(request, name: str, render_page) -> HttpResponse:
    """`render_page()`'s response, kept whole for this member until anything is written.

    A hit costs two cache reads (the version, the page) and no query of its own. The page is
    also kept under the request's session (`_session_page`), which answers the next visit
    before the session and the account are even read.
    """
    key = member_page_key(request, name)
    # Staff pages are never kept for a session: their second-factor check runs every time.
    if key is not None and not (request.user.is_staff or request.user.is_superuser):
        # The middleware keeps the finished response under it (`_keep_for_session`).
        request.session_page_key = _session_page_key(request)
    if key is not None:
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
    response = render_page()
    if key is not None and response.status_code == 200 and not response.cookies:
        cache.set(key, response.content, MEMBER_PAGE_TIMEOUT_S)
    return response


# --- Signed-in pages, answered before the session is read ------------------------------------

SESSION_PAGE_PREFIX = "page-session"


def _session_page_key(request) -> str | None:
    """The key of this exact request's page for its session, or None when it has no place in
    that cache: not a GET, or cookies other than exactly the session and the CSRF ones (a
    message waiting in its cookie, a preference).

    The session cookie is the member's credential: the key is a digest of it with the CSRF
    cookie (the page's forms carry a token derived from it), the host, the address and the
    language, under the content version.
    """
    if request.method != "GET" or not settings.PAGE_CACHE_SESSIONS:
        return None
    cookies = request.COOKIES
    session = cookies.get(settings.SESSION_COOKIE_NAME)
    csrf = cookies.get(settings.CSRF_COOKIE_NAME)
    if not session or not csrf or len(cookies) != 2:
        return None
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - a bad Host header gets Django's own answer
        return None
    parts = (session, csrf, host, request.get_full_path(), get_language() or "")
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"{SESSION_PAGE_PREFIX}:{digest}:{contenus_version()}:{timezone.localdate()}"


def _keep_for_session(request, response: HttpResponse) -> None:
    key = getattr(request, "session_page_key", None)
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return
    headers = tuple((name, value) for name, value in response.items())
    cache.set(key, (response.content, headers), MEMBER_PAGE_TIMEOUT_S)


def _session_page(request) -> HttpResponse | None:
    """The page kept for this session and address, if any, without reading the session.

    Everything that changes what a member may see is a write (a membership, the account, a
    logout: see `connect`), so a kept page is one they could still read.
    """
    key = _session_page_key(request)
    kept = cache.get(key) if key is not None else None
    if kept is None:
        return None
    content, headers = kept
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, private=True, no_store=True)
    return response
