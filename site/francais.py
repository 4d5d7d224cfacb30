"""French typography shared by code and templates: « d'Émilie » rather than « de Émilie »."""

import unicodedata

_VOYELLES = set("aeiouyh")


def de(nom) -> str:
    """The preposition « de » before a name, elided before a vowel or a mute h."""
    nom = str(nom or "")
    premiere = unicodedata.normalize("NFD", nom[:1]).lower()[:1]
    return f"d'{nom}" if premiere in _VOYELLES else f"de {nom}"
