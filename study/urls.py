from django.urls import path

from pingtopass import converters  # noqa: F401 -- registers <id:...>
from study.views import card, catalogue, exam_date, lab, marks, sessions

app_name = "study"

urlpatterns = [
    path("dashboard/", catalogue.dashboard, name="dashboard"),
    path("exams/", catalogue.exam_list, name="exam_list"),
    path("exams/<str:code>/", catalogue.exam_detail, name="exam_detail"),
    path("exams/<str:code>/start/", catalogue.session_create, name="session_create"),
    path("exams/<str:code>/exam-day/", exam_date.exam_date_view, name="exam_date"),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/<id:pk>/", sessions.session_resume, name="session_resume"),
    path("sessions/<id:pk>/q/<id:position>/", card.question_view, name="question"),
    path("sessions/<id:pk>/q/<id:position>/answer/", card.answer_view, name="answer"),
    path("sessions/<id:pk>/q/<id:position>/flag/", marks.flag_view, name="flag"),
    path("sessions/<id:pk>/q/<id:position>/bookmark/", marks.bookmark_view, name="bookmark"),
    path("sessions/<id:pk>/q/<id:position>/report/", marks.report_view, name="report"),
    path("sessions/<id:pk>/q/<id:position>/strike/", marks.strike_view, name="strike"),
    path("sessions/<id:pk>/q/<id:position>/cli/", lab.lab_line_view, name="lab_line"),
    path("sessions/<id:pk>/pause/", card.pause_view, name="pause"),
    path("sessions/<id:pk>/unpause/", card.unpause_view, name="unpause"),
    path("sessions/<id:pk>/finish/", sessions.submit_review_view, name="submit_review"),
    path("sessions/<id:pk>/submit/", sessions.submit_view, name="submit"),
    path("sessions/<id:pk>/results/", sessions.results_view, name="results"),
    path("sessions/<id:pk>/review/", sessions.review_view, name="review"),
]
