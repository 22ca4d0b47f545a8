from django.contrib import admin
from django.urls import include, path

from shopdesk.api.api import api
from shopdesk.desk.views.contact import contact
from shopdesk.desk.views.satisfaction import satisfaction

admin.site.site_header = "shopdesk administration"
admin.site.site_title = "shopdesk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("help/", include("shopdesk.web.helpcenter.urls")),
    path("orders/", include("shopdesk.web.portal.urls")),
    path("desk/", include("shopdesk.desk.urls")),
    path("contact/", contact, name="contact"),
    path("csat/<str:token>/", satisfaction, name="csat"),
    path("", include("shopdesk.web.urls")),
]
