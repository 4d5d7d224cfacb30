"""One way to turn a service's refusal into the French messages a user reads.

Services refuse with `ValidationError` (bad input, a rule not met) or `PermissionDenied`
(not theirs to do), in French. Views show them with `show_refusal` (one alert per problem)
or attach them to a form with `form_refusal` (on their fields when the service named them).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def error_messages(exc: ValidationError | PermissionDenied) -> list[str]:
    """The messages of a refusal, one per problem, in the order the service gave them."""
    found = getattr(exc, "messages", None)
    return [str(message) for message in found] if found else [str(exc)]


def show_refusal(request, exc: ValidationError | PermissionDenied) -> None:
    """Show why a service refused: one error alert per problem."""
    for message in error_messages(exc):
        messages.error(request, message)


def form_refusal(form, exc: ValidationError | PermissionDenied) -> None:
    """Attach a refusal to `form`: on the fields the service named, else to the whole form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error_messages(exc):
            form.add_error(None, message)
