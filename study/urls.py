from django.urls import path

from pingtopass import converters  # noqa: F401 -- registers <id:...>
from study import views

app_name = "study"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exams/", views.exam_list, name="exam_list"),
    path("exams/<str:code>/", views.exam_detail, name="exam_detail"),
    path("exams/<str:code>/start/", views.session_create, name="session_create"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<id:pk>/", views.session_resume, name="session_resume"),
    path("sessions/<id:pk>/q/<id:position>/", views.question_view, name="question"),
    path("sessions/<id:pk>/q/<id:position>/answer/", views.answer_view, name="answer"),
    path("sessions/<id:pk>/q/<id:position>/flag/", views.flag_view, name="flag"),
    path("sessions/<id:pk>/q/<id:position>/bookmark/", views.bookmark_view, name="bookmark"),
    path("sessions/<id:pk>/q/<id:position>/report/", views.report_view, name="report"),
    path("sessions/<id:pk>/finish/", views.submit_review_view, name="submit_review"),
    path("sessions/<id:pk>/submit/", views.submit_view, name="submit"),
    path("sessions/<id:pk>/results/", views.results_view, name="results"),
    path("sessions/<id:pk>/review/", views.review_view, name="review"),
]
