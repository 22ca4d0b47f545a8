"""Self-service action pages under /orders/ (included by the portal's urls.py, app "portal")."""

from django.urls import path

from shopdesk.web.portal import actions, payments

urlpatterns = [
    path("<str:number>/cancel/", actions.cancel, name="cancel"),
    path("<str:number>/change/<int:line_id>/", actions.change_line, name="change_line"),
    path("<str:number>/shipping-address/", actions.shipping_address, name="shipping_address"),
    path("<str:number>/billing-address/", actions.billing_address, name="billing_address"),
    path("<str:number>/price-adjustment/<int:line_id>/", actions.price_adjustment, name="price_adjustment"),
    path("<str:number>/resend/", actions.resend, name="resend"),
    path("<str:number>/email/", actions.email_change, name="email_change"),
    path("email-change/<str:token>/", actions.email_change_confirm, name="email_change_confirm"),
    path("<str:number>/pay-again/", payments.pay_again, name="pay_again"),
    path("<str:number>/verification/", payments.verify_payment, name="verify_payment"),
]
