"""@mentions: a member is mentioned by name (`@Claire Martin`, `@Claire`) or by username.

People write the name they see on the page: first and last name, compared without case or
accents. A first name alone mentions someone only when a single active member of the
community bears it, so an ambiguous `@Claire` mentions nobody rather than the wrong person.
The username form (`@claire.martin`) keeps working for texts written before names were.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from html import unescape

from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.html import escape

from ..models import Adhesion, Communaute
from ..richtext import sanitize

# Not preceded by a word character, "@", "/" or "." so e-mail addresses and URLs do not match.
MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9](?:[\w.+-]{0,148}[A-Za-z0-9_])?)")
# A tag of sanitized HTML; nh3 always double-quotes attribute values.
TAG_RE = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
# One character of text, an HTML entity counting as the character it stands for.
UNIT_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|.", re.DOTALL)
# The first word of a name after "@": letters only, so punctuation ends it.
FIRST_WORD_RE = re.compile(r"[^\W\d_]+")
# Text inside these elements is never turned into a mention link.
SKIP_TAGS = ("a", "code", "pre")
MAX_MENTIONS = 20
# A name is read over at most this many characters after "@".
MAX_NAME_CHARS = 150
MAX_SUGGESTIONS = 10
MAX_PREFIX_CHARS = 50
# Hyphens and apostrophes of names compare like what people type instead of them.
SEPARATORS = {"-": " ", "\u2010": " ", "\u2011": " ", "\u2019": "'", "\u02bc": "'"}


def fold(text: str) -> str:
    """`text` lowercased, without accents, with one space for any run of blanks or hyphens."""
    return "".join(_fold_char(c) for c in text).strip()


def _fold_char(char: str) -> str:
    char = SEPARATORS.get(char, char)
    if char.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@cache
def _variants() -> dict[str, str]:
    """Folded letter → every Latin letter folding to it, both cases, for database regexes."""
    table: dict[str, set[str]] = {}
    for code in range(0x41, 0x250):
        char = chr(code)
        if not char.isalpha():
            continue
        folded = _fold_char(char)
        if len(folded) == 1:
            table.setdefault(folded, {folded, folded.upper()}).update({char, char.lower()})
    return {letter: "".join(sorted(chars)) for letter, chars in table.items()}


def _pattern(word: str) -> str:
    """A regex matching `word` whatever its case and accents, valid in PostgreSQL and Python."""
    variants = _variants()
    out = []
    for char in fold(word):
        if char in variants:
            out.append(f"[{variants[char]}]")
        elif char == " ":
            out.append("[- ]")
        elif char.isalnum():
            out.append(char)
        else:
            out.append("\\" + char if char in "\\^$.|?*+()[]{}" else char)
    return "".join(out)


def _folded_units(text: str) -> tuple[str, list[int]]:
    """The folded text of an HTML segment, and for each folded character its source offset."""
    folded: list[str] = []
    offsets: list[int] = []
    for match in UNIT_RE.finditer(text):
        for char in _fold_char(unescape(match.group(0))):
            if char == " " and folded and folded[-1] == " ":
                continue
            folded.append(char)
            offsets.append(match.start())
    return "".join(folded), offsets


def _ends_word(text: str, position: int) -> bool:
    """Nothing that continues a name or a handle follows `position` in `text`."""
    rest = unescape(text[position : position + 12])
    if not rest:
        return True
    if rest[0].isalnum() or rest[0] in "_-@\u2010\u2011":
        return False
    return not (rest[0] in ".+" and len(rest) > 1 and rest[1].isalnum())


@dataclass(frozen=True)
class Probe:
    """What follows one "@" of the text: a possible username and a possible first name."""

    handle: str | None
    first_word: str | None


def _mention_starts(segment: str):
    """Offsets of the "@" that may start a mention in a text segment."""
    for match in re.finditer(r"(?<![\w@/.&])@", segment):
        yield match.start()


def _probes(html: str) -> list[Probe]:
    probes: list[Probe] = []
    for segment in _text_segments(html):
        for start in _mention_starts(segment):
            handle = MENTION_RE.match(segment, start)
            word = FIRST_WORD_RE.match(unescape(segment[start + 1 : start + 1 + MAX_NAME_CHARS]))
            probe = Probe(handle.group(1) if handle else None, word.group(0) if word else None)
            if (probe.handle or probe.first_word) and probe not in probes:
                probes.append(probe)
            if len(probes) >= MAX_MENTIONS:
                return probes
    return probes


def handles_in(html: str) -> list[str]:
    """The distinct username handles written in the text of `html`, outside links and code."""
    found: list[str] = []
    for segment in _text_segments(html):
        for match in MENTION_RE.finditer(segment):
            handle = match.group(1)
            if handle.lower() not in (h.lower() for h in found):
                found.append(handle)
    return found[:MAX_MENTIONS]


def _active_members(communaute: Communaute):
    return get_user_model().objects.filter(
        is_active=True,
        adhesions__communaute=communaute,
        adhesions__etat=Adhesion.Etat.ACTIVE,
    )


def _candidates(*, html: str, communaute: Communaute) -> dict[str, object]:
    """What a mention may say (folded) → the active member of `communaute` it designates.

    Keys are full names, usernames and first names; a name two members share is left out,
    so it mentions nobody. One query, whatever the number of mentions.
    """
    probes = _probes(html)
    if not probes:
        return {}
    handles = {p.handle for p in probes if p.handle}
    words = {fold(p.first_word) for p in probes if p.first_word}
    condition = Q()
    if handles:
        condition |= Q(username__iregex=r"^(" + "|".join(re.escape(h) for h in handles) + r")$")
    if words:
        # Also "Marie Claire" or "Jean-Pierre" when the text starts with "Marie" or "Jean".
        condition |= Q(first_name__iregex=r"^(" + "|".join(map(_pattern, words)) + r")([- ']|$)")
    users = list(_active_members(communaute).filter(condition).distinct())
    by_full: dict[str, list] = {}
    by_first: dict[str, list] = {}
    for user in users:
        if user.first_name.strip():
            by_first.setdefault(fold(user.first_name), []).append(user)
            if user.last_name.strip():
                by_full.setdefault(fold(f"{user.first_name} {user.last_name}"), []).append(user)
    members: dict[str, object] = {}
    ambiguous: set[str] = set()
    # Lowest priority first: a username outranks a first name, a full name outranks both.
    for key, found in by_first.items():
        if key.split()[0] in words:
            if len(found) == 1:
                members[key] = found[0]
            else:
                ambiguous.add(key)
    lowered = {h.lower() for h in handles}
    for user in users:
        if user.username.lower() in lowered:
            members[fold(user.username)] = user
    for key, found in by_full.items():
        if key.split()[0] not in words:
            continue
        if len(found) == 1:
            members[key] = found[0]
        else:
            members.pop(key, None)
            ambiguous.add(key)
    # An ambiguous name stays a key without a member, so it hides no shorter name.
    return {**dict.fromkeys(ambiguous), **members}


def _match_at(segment: str, start: int, members: dict[str, object]):
    """(end offset, user) of the mention starting at the "@" at `start`, or None.

    The longest name the text spells decides: when it goes on after a known name
    (`@Claire Martin-Dupuis`, `@Clairette`), or names several people, nobody is mentioned.
    """
    # Only as much text as the longest name can take, an entity being up to 8 characters.
    longest = max(map(len, members), default=0)
    after = segment[start + 1 : start + 1 + min(longest + 1, MAX_NAME_CHARS) * 8]
    folded, offsets = _folded_units(after)
    for key in sorted(members, key=len, reverse=True):
        if not folded.startswith(key):
            continue
        last = offsets[len(key) - 1]
        end = start + 1 + last + len(UNIT_RE.match(after, last).group(0))
        if not _ends_word(segment, end) or members[key] is None:
            return None
        return end, members[key]
    return None


def _link(*, html: str, communaute: Communaute, members: dict[str, object]):
    """`html` with the mentions of `members` as links (sanitized again), and who they are."""
    from ..selectors import display_name

    found: dict[str, object] = {}
    if not members:
        return html, found
    base = reverse("communautes:membres", kwargs={"slug": communaute.slug})
    parts = TAG_RE.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:
            depth += _skip_delta(part)
            continue
        if depth > 0:
            continue
        out, done = [], 0
        for start in _mention_starts(part):
            if start < done:
                continue
            match = _match_at(part, start, members)
            if match is None:
                continue
            end, user = match
            found[fold(unescape(part[start + 1 : end]))] = user
            out.append(part[done:start])
            out.append(
                f'<a href="{base}#membre-{user.pk}" title="{escape(display_name(user))}">'
                f"{part[start:end]}</a>"
            )
            done = end
        out.append(part[done:])
        parts[index] = "".join(out)
    return sanitize("".join(parts)), found


def mentions_link(*, html: str, communaute: Communaute) -> tuple[str, dict[str, object]]:
    """`html` with each mention of an active member as a link, and who was mentioned."""
    return _link(
        html=html, communaute=communaute, members=_candidates(html=html, communaute=communaute)
    )


def membres_mentionnables(*, user, communaute: Communaute, prefixe: str) -> list[dict]:
    """Up to ten active members whose name starts with `prefixe`, to suggest while typing.

    Only for an active member of the community; each word typed must begin a word of the
    first or last name. As on the member list, a profile hidden from the directory is
    suggested to the managers only. A fixed number of queries, however many members match.
    """
    from maillage.models import Profil

    from ..permissions import can_moderate, is_active_member
    from ..selectors import display_name

    mots = FIRST_WORD_RE.findall(fold(prefixe[:MAX_PREFIX_CHARS]))[:3]
    if not mots or not is_active_member(user, communaute):
        return []
    queryset = (
        _active_members(communaute)
        .exclude(pk=user.pk)
        .annotate(nom_complet=Concat("first_name", Value(" "), "last_name"))
        .exclude(first_name="", last_name="")
    )
    for mot in mots:
        queryset = queryset.filter(nom_complet__iregex=r"(^|[- '])" + _pattern(mot))
    if not can_moderate(user, communaute):
        queryset = queryset.exclude(profil__visibilite=Profil.Visibilite.MASQUE)
    users = queryset.select_related("profil__structure").order_by("first_name", "last_name", "pk")[
        :MAX_SUGGESTIONS
    ]
    resultats = []
    for member in users:
        profil = getattr(member, "profil", None)
        structure = profil.structure.nom if profil and profil.structure else ""
        nom = display_name(member)
        resultats.append({"id": member.pk, "nom": nom, "structure": structure, "mention": nom})
    return resultats


def _skip_delta(tag: str) -> int:
    name = tag.strip("</>").split()[0].lower() if tag.strip("</>") else ""
    if name not in SKIP_TAGS or tag.endswith("/>"):
        return 0
    return -1 if tag.startswith("</") else 1


def _text_segments(html: str):
    depth = 0
    for index, part in enumerate(TAG_RE.split(html)):
        if index % 2:
            depth += _skip_delta(part)
        elif depth <= 0:
            yield part
