"""Return pages under /orders/ (included by the portal's urls.py, app "portal")."""

from django.urls import path

from shopdesk.web.portal import return_follow, returns

urlpatterns = [
    path("<str:number>/returns/new/", returns.return_start, name="return_start"),
    path("<str:number>/returns/<str:rma>/", returns.return_detail, name="return_detail"),
    path("<str:number>/returns/<str:rma>/slip/", returns.return_slip_page, name="return_slip"),
    path("<str:number>/returns/<str:rma>/cancel/", returns.return_withdraw, name="return_cancel"),
    path("<str:number>/returns/<str:rma>/photos/", return_follow.return_photos_upload, name="return_photos"),
    path("<str:number>/returns/<str:rma>/photos/<str:key>/", return_follow.return_photo, name="return_photo"),
    path(
        "<str:number>/returns/<str:rma>/tracking/", return_follow.return_tracking_add, name="return_tracking"
    ),
    path(
        "<str:number>/returns/<str:rma>/refunds/<int:refund_id>/dispute/",
        returns.refund_dispute,
        name="refund_dispute",
    ),
]
