"""Commands: load_referentiel, setup_roles, demo."""
