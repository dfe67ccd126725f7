"""/api/v1/ routes. Each area registers its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from predictions.api import views

router = DefaultRouter()
router.register("pundits", views.PunditViewSet, basename="pundit")
router.register("predictions", views.PredictionViewSet, basename="prediction")

urlpatterns = [
    path("", include(router.urls)),
]
