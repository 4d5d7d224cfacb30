"""@mentions: a member is mentioned by their username (`@marie.dupont`), stable and unique.

The username is the handle because it is unique, never shown as a secret, and allauth
derives it from the person's name or e-mail at sign-up; the display name (first and last
name) is neither unique nor stable.
"""

import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from ..models import Adhesion, Communaute
from ..richtext import sanitize

# Not preceded by a word character, "@", "/" or "." so e-mail addresses and URLs do not match.
MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9](?:[\w.+-]{0,148}[A-Za-z0-9_])?)")
# A tag of sanitized HTML; nh3 always double-quotes attribute values.
TAG_RE = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
# Text inside these elements is never turned into a mention link.
SKIP_TAGS = ("a", "code", "pre")
MAX_MENTIONS = 20


def handles_in(html: str) -> list[str]:
    """The distinct handles written in the text of `html`, outside links and code."""
    found: list[str] = []
    for segment in _text_segments(html):
        for match in MENTION_RE.finditer(segment):
            handle = match.group(1)
            if handle.lower() not in (h.lower() for h in found):
                found.append(handle)
    return found[:MAX_MENTIONS]


def mentioned_members(*, html: str, communaute: Communaute) -> dict[str, object]:
    """Handle (lowercase) → user, for the active members of `communaute` mentioned in `html`."""
    handles = handles_in(html)
    if not handles:
        return {}
    user_model = get_user_model()
    users = user_model.objects.filter(
        username__iregex=r"^(" + "|".join(re.escape(h) for h in handles) + r")$",
        is_active=True,
        adhesions__communaute=communaute,
        adhesions__etat=Adhesion.Etat.ACTIVE,
    )
    return {user.username.lower(): user for user in users}


def linkify(*, html: str, communaute: Communaute, members: dict[str, object]) -> str:
    """`html` with each mention of a known member turned into a link, sanitized again."""
    if not members:
        return html
    base = reverse("communautes:membres", kwargs={"slug": communaute.slug})
    parts = TAG_RE.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if index % 2:
            depth += _skip_delta(part)
            continue
        if depth > 0:
            continue

        def replace(match: re.Match) -> str:
            user = members.get(match.group(1).lower())
            if user is None:
                return match.group(0)
            return (
                f'<a href="{base}#membre-{user.pk}" title="{escape(user.username)}">'
                f"@{escape(match.group(1))}</a>"
            )

        parts[index] = MENTION_RE.sub(replace, part)
    return sanitize("".join(parts))


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
