from django.urls import path

from growth import views
from pingtopass import converters  # noqa: F401 -- registers <id:...>

app_name = "growth"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("opportunities/add/", views.opportunity_paste, name="opportunity_paste"),
    path("opportunities/<id:pk>/draft/", views.opportunity_draft, name="opportunity_draft"),
    path("opportunities/<id:pk>/reply/", views.opportunity_reply, name="opportunity_reply"),
    path("opportunities/<id:pk>/dismiss/", views.opportunity_dismiss, name="opportunity_dismiss"),
    path("drafts/<id:pk>/approve/", views.draft_approve, name="draft_approve"),
    path("drafts/<id:pk>/reject/", views.draft_reject, name="draft_reject"),
    path("drafts/<id:pk>/post/", views.draft_post, name="draft_post"),
    path("drafts/<id:pk>/posted/", views.draft_mark_posted, name="draft_mark_posted"),
    path("posts/add/", views.post_create, name="post_create"),
    path("accounts/<id:pk>/question-of-the-day/", views.question_of_day, name="question_of_day"),
    path("accounts/<id:pk>/resume/", views.account_resume, name="account_resume"),
    path("accounts/<id:pk>/connect/", views.connect, name="connect"),
    path("oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("metrics/", views.metrics, name="metrics"),
    path("metrics/enter/", views.metrics_enter, name="metrics_enter"),
]
