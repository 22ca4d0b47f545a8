from django.contrib import admin
from django.urls import include, path, re_path

from shopdesk.api.api import api
from shopdesk.api.customer import order_detail_fast
from shopdesk.api.errors import api_not_found
from shopdesk.desk.views.contact import contact
from shopdesk.desk.views.satisfaction import satisfaction

admin.site.site_header = "shopdesk administration"
admin.site.site_title = "shopdesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The order view customers poll, served as prepared bytes ahead of the API router (same answers).
    path("api/v1/customer/orders/<str:number>", order_detail_fast),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("help/", include("shopdesk.web.helpcenter.urls")),
    path("orders/", include("shopdesk.web.portal.urls")),
    path("promotions/", include("shopdesk.web.promotions.urls")),
    path("desk/", include("shopdesk.desk.urls")),
    path("contact/", contact, name="contact"),
    path("csat/<str:token>/", satisfaction, name="csat"),
    path("", include("shopdesk.web.urls")),
]

# Error pages in the site's layout, with a way back (CSRF failures: settings.CSRF_FAILURE_VIEW).
handler404 = "shopdesk.web.errors.page_not_found"
handler403 = "shopdesk.web.errors.permission_denied"
handler500 = "shopdesk.web.errors.server_error"
