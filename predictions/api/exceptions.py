"""The API's one exception handler: every refusal answers JSON in DRF's shape."""

from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from predictions.services.errors import ServiceError


def exception_handler(exc, context):
    """DRF's handler, plus the services' refusals as 400 with a message per field."""
    if isinstance(exc, ServiceError):
        exc = ValidationError(exc.errors)
    return drf_exception_handler(exc, context)
