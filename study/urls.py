from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exams/", views.exam_list, name="exam_list"),
    path("exams/<str:code>/", views.exam_detail, name="exam_detail"),
    path("exams/<str:code>/start/", views.session_create, name="session_create"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<int:pk>/", views.session_resume, name="session_resume"),
    path("sessions/<int:pk>/q/<int:position>/", views.question_view, name="question"),
    path("sessions/<int:pk>/q/<int:position>/answer/", views.answer_view, name="answer"),
    path("sessions/<int:pk>/q/<int:position>/flag/", views.flag_view, name="flag"),
    path("sessions/<int:pk>/q/<int:position>/bookmark/", views.bookmark_view, name="bookmark"),
    path("sessions/<int:pk>/q/<int:position>/report/", views.report_view, name="report"),
    path("sessions/<int:pk>/finish/", views.submit_review_view, name="submit_review"),
    path("sessions/<int:pk>/submit/", views.submit_view, name="submit"),
    path("sessions/<int:pk>/results/", views.results_view, name="results"),
    path("sessions/<int:pk>/review/", views.review_view, name="review"),
]
