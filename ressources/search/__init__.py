"""Unified search: document registry, OpenSearch index, database fallback, sync and queries."""
