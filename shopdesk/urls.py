from django.contrib import admin
from django.urls import include, path

from shopdesk.api.api import api

admin.site.site_header = "shopdesk administration"
admin.site.site_title = "shopdesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("help/", include("shopdesk.web.helpcenter.urls")),
    path("orders/", include("shopdesk.web.portal.urls")),
    path("", include("shopdesk.web.urls")),
]

# Error pages in the site's layout, with a way back (CSRF failures: settings.CSRF_FAILURE_VIEW).
handler404 = "shopdesk.web.errors.page_not_found"
handler403 = "shopdesk.web.errors.permission_denied"
handler500 = "shopdesk.web.errors.server_error"
