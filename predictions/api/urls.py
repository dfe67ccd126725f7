"""/api/v1/ routes. Each area registers its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from predictions.api import integrity_views, scoring_views, views
from predictions.api.import_views import ArticleImportView

router = DefaultRouter()
router.register("pundits", views.PunditViewSet, basename="pundit")
router.register("predictions", views.PredictionViewSet, basename="prediction")
router.register("ledger", integrity_views.LedgerViewSet, basename="ledger")

urlpatterns = [
    path("pundits/<slug:slug>/track-record/", scoring_views.TrackRecordView.as_view(), name="pundit-track-record"),
    path("leaderboard/", scoring_views.LeaderboardView.as_view(), name="leaderboard"),
    path("imports/article/", ArticleImportView.as_view(), name="article-import"),
    path("", include(router.urls)),
]
