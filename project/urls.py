from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from predictions.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("predictions.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),  # CSP: no inline JS
    path("healthz", healthz, name="healthz"),
    path("", include("predictions.web.urls")),  # readers' pages; last, so the paths above win
]

# JSON under /api/, the readers' pages elsewhere (predictions.api.exceptions).
handler400 = "predictions.api.exceptions.bad_request"
handler403 = "predictions.api.exceptions.permission_denied"
handler404 = "predictions.api.exceptions.not_found"
handler500 = "predictions.api.exceptions.server_error"
