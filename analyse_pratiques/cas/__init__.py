"""From a séance situation to the case library: pseudonymisation, reviews, publication."""
