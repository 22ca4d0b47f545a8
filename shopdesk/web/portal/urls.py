from django.urls import include, path

from shopdesk.web.portal import actions, points, views

app_name = "portal"

# Lookup and order pages (portal views) and the self-service action forms (action views).
urlpatterns: list = [
    path("", views.lookup, name="lookup"),
    path("link/", views.magic_request, name="magic_request"),
    path("magic/<str:token>", views.magic, name="magic"),
    path("mine/", views.mine, name="mine"),
    path("logout/", views.logout, name="logout"),
    path("tracking/", views.tracking_check, name="tracking"),
    path("points/", points.points_page, name="points"),
    path("", include("shopdesk.web.portal.action_urls")),
    path("", include("shopdesk.web.portal.return_urls")),
    path("<str:number>/", views.order_detail, name="order"),
    path("<str:number>/cases/", actions.case_open, name="case_open"),
    path("<str:number>/emails/", views.emails, name="emails"),
]
