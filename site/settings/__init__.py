"""Settings: base (shared), dev (embedded default), test, production."""
