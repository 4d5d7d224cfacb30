"""French typography filters for templates."""

from django import template

from maillage import francais

register = template.Library()
register.filter("de", francais.de)
