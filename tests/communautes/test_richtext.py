"""Sanitization of posted rich text."""

import pytest

from communautes.richtext import plain_text, sanitize


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<style>body{display:none}</style>",
        '<iframe src="https://exemple.fr"></iframe>',
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_nothing_executable_survives(hostile):
    cleaned = sanitize(hostile).lower()
    for needle in ("<script", "onclick", "onerror", "onload", "javascript:", "data:", "<style",
                   "<iframe", "<svg", "alert(1)"):  # fmt: skip
        assert needle not in cleaned


def test_allowed_markup_is_kept_and_links_are_made_safe():
    cleaned = sanitize(
        '<p>Voir <strong>la fiche</strong> <a href="https://exemple.fr/fiche">ici</a></p>'
        "<ul><li>un</li></ul>"
    )
    assert "<strong>la fiche</strong>" in cleaned
    assert (
        '<a href="https://exemple.fr/fiche" rel="noopener noreferrer nofollow">ici</a>' in cleaned
    )
    assert "<ul><li>un</li></ul>" in cleaned


def test_plain_text_unescapes_entities():
    assert plain_text("<p>Emploi &amp; <b>formation</b></p>") == "Emploi & formation"
