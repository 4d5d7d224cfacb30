"""Reference data: the official geography (COG) loader and the static vocabularies."""
