"""Promotions pages under /promotions/."""

from django.urls import path

from shopdesk.web.promotions import views

app_name = "promotions"

urlpatterns = [
    path("check/", views.check, name="check"),
]
