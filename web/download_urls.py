"""/documents/…: private downloads (mounted by tracker/urls.py)."""

from django.urls import path

from web import downloads as views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/download/", views.download_document, name="download"),
    path("packed/<int:pk>/download/", views.download_packed_file, name="packed-download"),
    path("upload-set/<int:pk>/download/", views.download_upload_set, name="upload-set-download"),
]
