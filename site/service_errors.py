"""One way to turn a service's refusal into the French messages a user reads."""

from django.core.exceptions import PermissionDenied, ValidationError


def error_messages(exc: ValidationError | PermissionDenied) -> list[str]:
    """The messages of a refusal, one per problem, in the order the service gave them."""
    messages = getattr(exc, "messages", None)
    return [str(message) for message in messages] if messages else [str(exc)]
