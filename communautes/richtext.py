"""Sanitization of the rich text members post: a short allow-list, nothing executable."""

import html

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# No javascript:, data: or vbscript: link can get through.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(value: str) -> str:
    """Keep the allowed markup; drop scripts, styles, event handlers and unsafe links."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(value: str) -> str:
    """The text of sanitized HTML, for excerpts and live notifications."""
    return html.unescape(nh3.clean(value, tags=set(), attributes={})).strip()
