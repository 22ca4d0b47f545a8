"""Help-center pages under /help/."""

from django.urls import path

from shopdesk.web.helpcenter import views
from shopdesk.web.helpcenter.payment_methods import payment_methods

app_name = "helpcenter"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("payment-methods/", payment_methods, name="payment_methods"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/vote/", views.vote, name="vote"),
]
