from rest_framework.permissions import SAFE_METHODS, BasePermission

from predictions.roles import is_editor


class ReadOnlyOrEditor(BasePermission):
    """Everyone reads what is public; only editors (and admins) write."""

    message = "Only editors may write."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_editor(request.user)


class EditorOnly(BasePermission):
    message = "Only editors may do this."

    def has_permission(self, request, view) -> bool:
        return is_editor(request.user)
