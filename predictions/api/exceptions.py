"""The API's one error shape, in one place.

Every 4xx and 5xx under /api/ answers JSON, an object whose keys name what was wrong:

* ``{"detail": "message"}`` for the request as a whole (unknown path, authentication, permission, throttling,
  method, server error);
* ``{"field_or_parameter": ["message", ...], ...}`` for invalid input (400), one list of messages per field or
  query parameter (a service's refusal may name ``detail`` too).

``exception_handler`` is DRF's EXCEPTION_HANDLER; ``not_found`` and ``server_error`` are Django's handler404 and
handler500 (project.urls), so paths no view answers and errors outside DRF keep the same shape under /api/ while the
readers' pages keep their HTML pages. ``choices_message`` words an unknown value of a known parameter with the valid
choices, for the serializers' and filters' choice fields.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import JsonResponse
from django.views import defaults
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from predictions.services.errors import ServiceError

API_PREFIX = "/api/"


def exception_handler(exc, context):
    """DRF's handler, plus the services' refusals as 400 with a message per field."""
    if isinstance(exc, ServiceError):
        exc = ValidationError(exc.errors)
    response = drf_exception_handler(exc, context)
    if response is not None and not isinstance(response.data, dict):
        # ValidationError("message") or ValidationError([...]) carries a bare list: keep the one shape.
        response.data = {"detail": response.data if isinstance(response.data, list) else [str(response.data)]}
    return response


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request, exception=None):
    """handler404: JSON under /api/ (unknown endpoints included), the readers' 404 page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": f"Not found: no endpoint or object at {request.path}."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/, the readers' 500 page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the request could not be completed."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    """handler400 (e.g. a Host header Django refuses): JSON under /api/."""
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    """handler403 (e.g. Django's CSRF refusal outside DRF): JSON under /api/."""
    if _is_api(request):
        return JsonResponse({"detail": "Permission denied."}, status=403)
    return defaults.permission_denied(request, exception)


def choices_message(choices: Iterable, value_placeholder: str) -> str:
    """'"x" is not a valid choice; the valid choices are: a, b, c.' with the placeholder left for the field."""
    names = ", ".join(str(c[0] if isinstance(c, tuple | list) else c) for c in choices)
    return f"“{value_placeholder}” is not a valid choice; the valid choices are: {names}."


ERROR_SCHEMA = {
    "type": "object",
    "description": "One error shape for the whole API: `detail` (a message) for the request as a whole, or one "
    "list of messages per field or query parameter that was invalid.",
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "A message about the request as a whole.",
        }
    },
    "additionalProperties": {},
    "example": {"ordering": ["“adjusted” is not a valid choice; the valid choices are: brier, adjusted_brier."]},
}

#: Status codes every operation may answer with the error shape, and what they mean here.
COMMON_ERRORS = {
    "401": "Authentication failed: a token that is unknown, or an Authorization scheme other than `Token`.",
    "404": "Not found: the object does not exist or is not visible to you.",
    "429": "Too many requests: the rate for your role (anonymous, API consumer, editor) is used up; see Retry-After.",
    "500": "Server error.",
}
READ_ERRORS = {"400": "Invalid query parameter (paging, filters): {parameter: [messages]}."}
WRITE_ERRORS = {
    "400": "Invalid input: {field: [messages]}; nothing was written.",
    "403": "Only editors may write.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error shape for the errors it can answer.

    Responses an operation documents itself keep their descriptions; they get the Error schema where they had none.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {**COMMON_ERRORS, **(READ_ERRORS if method == "get" else WRITE_ERRORS)}
            responses = operation["responses"]
            for code, description in codes.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code[0] in "45" and "content" not in response:
                    response["content"] = ref
    return result
