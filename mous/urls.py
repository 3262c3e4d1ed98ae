from django.urls import path

from . import views

app_name = "mous"

urlpatterns = [
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
]
