"""/api/v1/ routes. Each area registers its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from predictions.api import integrity_views, newswatch_views, scoring_views, views
from predictions.api.export_views import ExportView
from predictions.api.import_views import ArticleImportView

router = DefaultRouter()
router.register("pundits", views.PunditViewSet, basename="pundit")
router.register("predictions", views.PredictionViewSet, basename="prediction")
router.register("ledger", integrity_views.LedgerViewSet, basename="ledger")
router.register("feeds", newswatch_views.FeedViewSet, basename="feed")
router.register("candidates", newswatch_views.CandidateViewSet, basename="candidate")

urlpatterns = [
    path("pundits/<slug:slug>/track-record/", scoring_views.TrackRecordView.as_view(), name="pundit-track-record"),
    path("leaderboard/", scoring_views.LeaderboardView.as_view(), name="leaderboard"),
    path("imports/article/", ArticleImportView.as_view(), name="article-import"),
    path("export/", ExportView.as_view(), name="export"),
    path(
        "predictions/<int:pk>/candidates/",
        newswatch_views.PredictionCandidatesView.as_view(),
        name="prediction-candidates",
    ),
    path("predictions/<int:pk>/watch/", newswatch_views.WatchTermsView.as_view(), name="prediction-watch"),
    path(
        "predictions/<int:pk>/watch/suggestions/",
        newswatch_views.WatchSuggestionsView.as_view(),
        name="prediction-watch-suggestions",
    ),
    path("", include(router.urls)),
]
