"""Return pages under /orders/ (included by the portal's urls.py, app "portal")."""

from django.urls import path

from shopdesk.web.portal import returns

urlpatterns = [
    path("<str:number>/returns/new/", returns.return_start, name="return_start"),
    path("<str:number>/returns/<str:rma>/", returns.return_detail, name="return_detail"),
    path("<str:number>/returns/<str:rma>/slip/", returns.return_slip_page, name="return_slip"),
    path("<str:number>/returns/<str:rma>/cancel/", returns.return_withdraw, name="return_cancel"),
    path(
        "<str:number>/returns/<str:rma>/refunds/<int:refund_id>/dispute/",
        returns.refund_dispute,
        name="refund_dispute",
    ),
]
