"""Search, where every app indexes: registry, outbox and sync, indexes, fallback, queries."""
