"""Readers' pages, included at the site root by project.urls."""

from django.urls import path

from predictions.web import feeds, question_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("pundits/", views.pundit_list, name="pundits"),
    path("pundits/<slug:slug>/", views.pundit_detail, name="pundit"),
    path("pundits/<slug:slug>/feed/", feeds.PunditResolutionsFeed(), name="pundit-feed"),
    path("pundits/<slug:slug>/badge.svg", views.badge, name="badge"),
    path("predictions/<int:pk>/", views.prediction_detail, name="prediction"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/<path:name>/", views.tag_detail, name="tag"),
    path("search/", views.search, name="search"),
    path("questions/", question_views.question_list, name="questions"),
    path("questions/<str:key>/", question_views.question_detail, name="question"),
    path("compare/", question_views.compare, name="compare"),
    path("about/", views.about, name="about"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("feeds/resolutions/", feeds.ResolutionsFeed(), name="feed"),
]
