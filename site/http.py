"""Identifiers read from URLs and request data, bounded so that no client value reaches SQL raw."""

import re
from collections.abc import Iterable

from django.utils.http import url_has_allowed_host_and_scheme

# 18 digits always fit in a PostgreSQL bigint (19 digits may not): a longer id cannot name a
# row, and passing it to the database would raise an overflow error instead of "not found".
MAX_ID_DIGITS = 18
ID_REGEX = rf"[0-9]{{1,{MAX_ID_DIGITS}}}"
# ASCII digits only: "²".isdigit() and "٣".isdecimal() are true, yet neither is an id.
_ID = re.compile(ID_REGEX)


def parse_id(value: object) -> int | None:
    """The id written in `value`, or None when it is not 1 to 18 ASCII digits."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value)


def parse_ids(values: Iterable[object]) -> set[int]:
    """The valid ids among `values` (a `QueryDict.getlist`); the others are dropped."""
    return {pk for pk in map(parse_id, values) if pk is not None}


def local_url(value: object, *, default: str) -> str:
    """`value` when it is a printable path of this site ("/…"), else `default`.

    For redirect targets sent by the client (`suivant`): a bare word such as "abc" would make
    `redirect()` look for a view of that name and fail, and a control character would break
    the Location header.
    """
    if (
        isinstance(value, str)
        and value.startswith("/")
        and value.isprintable()
        and len(value) <= 2000
        and url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return value
    return default


class IdConverter:
    """`<id:pk>`: like `<int:pk>`, but refuses (404) numbers too long to be a row's id."""

    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
