from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("theme/", views.theme_set, name="theme"),
    path("export/", views.export_view, name="export"),
    path("delete/", views.delete_view, name="delete"),
]
