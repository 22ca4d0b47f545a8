from django.urls import include, path

app_name = "portal"

# Lookup and order pages (portal views) and the self-service action forms (action views).
urlpatterns: list = [
    path("", include("shopdesk.web.portal.action_urls")),
]
