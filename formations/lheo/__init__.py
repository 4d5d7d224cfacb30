"""LHEO 2.3 exchange: streaming parser, idempotent importer and schema-valid exporter."""
