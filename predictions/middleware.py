"""Request hardening that belongs before any view runs."""

from django.conf import settings
from django.http import JsonResponse


class BodySizeLimitMiddleware:
    """Refuse request bodies over REQUEST_BODY_MAX_BYTES before anything reads them.

    The answer is 400, as for every other invalid input (issue 2: "an oversized body ... with 400")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_BODY_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Malformed Content-Length header."}, status=400)
        if length > limit:
            return JsonResponse(
                {"detail": f"Request body too large: {length} bytes; the limit is {limit} bytes."}, status=400
            )
        return self.get_response(request)


class AuditFallbackMiddleware:
    """Every successful write to the API or the admin by a signed-in user leaves an audit row.

    Services (and predictions.admin_audit.AuditedModelAdmin) write precise rows, before and after, through
    predictions.services.audit.audit_record; when a write reached no such call, this records the request itself
    (who, which endpoint, when, and for the API the response as "after"), so a new endpoint or admin page cannot
    slip past the audit trail."""

    WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
    UNAUDITED = ("/admin/login/", "/admin/logout/")

    def _succeeded(self, request, response) -> bool:
        if request.path.startswith("/admin/"):  # a saved admin form redirects; one with errors answers 200
            return (
                response.status_code in (301, 302, 303)
                and getattr(request.user, "is_staff", False)
                and not request.path.startswith(self.UNAUDITED)
                and not response.get("Location", "").startswith("/admin/login/")
            )
        return 200 <= response.status_code < 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.WRITE_METHODS or not request.path.startswith(("/api/", "/admin/")):
            return self.get_response(request)
        from predictions.services.audit import audit_count, audit_record, audit_reset

        audit_reset()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if self._succeeded(request, response) and user is not None and user.is_authenticated and not audit_count():
            match = request.resolver_match
            kwargs = match.kwargs if match else {}
            data = getattr(response, "data", None)
            audit_record(
                actor=user,
                action=f"{request.path.split('/')[1]}.{request.method.lower()}",
                object_type=(match.view_name if match else "request")[:50],
                object_id=str(kwargs.get("pk") or kwargs.get("slug") or kwargs.get("seq") or "")[:64],
                after={
                    "path": request.path,
                    "status": response.status_code,
                    "response": data if isinstance(data, dict | list) else None,
                },
            )
        return response
