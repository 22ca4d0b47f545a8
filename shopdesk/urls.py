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
    path("promotions/", include("shopdesk.web.promotions.urls")),
    path("", include("shopdesk.web.urls")),
]
