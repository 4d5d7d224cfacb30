"""Tests of maillage.http: ids and redirect targets read from the client."""

import pytest
from django.urls import resolve

from maillage.http import local_url, parse_id, parse_ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        ("0", 0),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("9" * 26, None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1.5", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_parse_id_accepts_only_short_ascii_digits(value, expected):
    assert parse_id(value) == expected


def test_parse_ids_drops_what_is_not_an_id():
    assert parse_ids(["3", "²", "3", "9" * 26, "7"]) == {3, 7}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/communautes/?page=2", "/communautes/?page=2"),
        ("/formations/é/", "/formations/é/"),
        ("abc", "/defaut/"),
        ("²", "/defaut/"),
        ("//evil.example/", "/defaut/"),
        ("/\\evil.example/", "/defaut/"),
        ("https://evil.example/", "/defaut/"),
        ("/a\x00b", "/defaut/"),
        ("/a\nLocation: x", "/defaut/"),
        ("", "/defaut/"),
        (None, "/defaut/"),
    ],
)
def test_local_url_keeps_only_printable_paths_of_the_site(value, expected):
    assert local_url(value, default="/defaut/") == expected


def test_id_converter_refuses_ids_too_long_for_the_database():
    match = resolve(f"/annuaire/structures/{'9' * 18}/")
    assert (match.view_name, match.kwargs) == ("annuaire:structure", {"pk": int("9" * 18)})
    # Nineteen digits may exceed a bigint: the URL falls through to Wagtail's pages (a 404).
    assert resolve(f"/annuaire/structures/{'9' * 19}/").view_name == "wagtail_serve"
