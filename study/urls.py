from django.urls import path

from study import views

app_name = "study"

urlpatterns = [
    path("exams/", views.exam_list, name="exam_list"),
    path("exams/<str:code>/", views.exam_detail, name="exam_detail"),
    path("sessions/", views.session_list, name="session_list"),
]
