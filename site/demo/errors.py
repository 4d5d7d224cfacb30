"""The error a demo provider raises when what it builds on is missing."""


class DemoPrerequisiteError(Exception):
    """Reference data, a page or a row the demo relies on is missing; the message says which."""
