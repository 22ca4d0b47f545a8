from django.contrib import admin
from django.urls import include, path

from shopdesk.api.api import api
from shopdesk.api.customer import order_detail_fast

admin.site.site_header = "shopdesk administration"
admin.site.site_title = "shopdesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The order view customers poll, served as prepared bytes ahead of the API router (same answers).
    path("api/v1/customer/orders/<str:number>", order_detail_fast),
    path("api/v1/", api.urls),
    path("help/", include("shopdesk.web.helpcenter.urls")),
    path("orders/", include("shopdesk.web.portal.urls")),
    path("", include("shopdesk.web.urls")),
]
