"""The catalogue of open sessions: filters, both backends, the sessions index, the listing."""
