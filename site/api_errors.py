"""Error bodies of the JSON API, shared by every router so that the OpenAPI document lists them."""

from ninja import Schema
from pydantic import ConfigDict


class ErreurChamp(Schema):
    """One rejected parameter, as django-ninja reports it."""

    model_config = ConfigDict(extra="allow")

    type: str
    loc: list[str | int]
    msg: str


class ErreurValidation(Schema):
    """422: a parameter is malformed (a month that does not exist, a page out of range…)."""

    detail: list[ErreurChamp]
