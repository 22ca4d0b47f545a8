from django.contrib.auth import views as auth_views
from django.urls import path

from shopdesk.desk.views import approvals, forms, macros, pages, reports

app_name = "desk"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="desk/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="/desk/login/"), name="logout"),
    path("", pages.inbox, name="inbox"),
    path("tickets/<str:reference>/", pages.ticket_page, name="ticket"),
    path("tickets/<str:reference>/next", pages.ticket_next_page, name="next"),
    path("tickets/<str:reference>/presence", pages.presence, name="presence"),
    path("tickets/<str:reference>/reply", forms.reply, name="reply"),
    path("tickets/<str:reference>/note", forms.note, name="note"),
    path("tickets/<str:reference>/status", forms.status, name="status"),
    path("tickets/<str:reference>/assign", forms.assign, name="assign"),
    path("tickets/<str:reference>/triage", forms.triage, name="triage"),
    path("tickets/<str:reference>/merge", forms.merge, name="merge"),
    path("tickets/<str:reference>/case", forms.case_decision, name="case_decision"),
    path("orders/<str:number>/actions/<str:action_id>", forms.order_action, name="order_action"),
    path("attachments/<int:pk>/", pages.attachment, name="attachment"),
    path("tickets/<str:reference>/macro", macros.ticket_macro, name="ticket_macro"),
    path("macros/", macros.macro_list, name="macros"),
    path("macros/new", macros.macro_edit, name="macro_new"),
    path("macros/<int:pk>/", macros.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/delete", macros.macro_remove, name="macro_delete"),
    path("approvals/", approvals.approvals_page, name="approvals"),
    path("approvals/<int:pk>/decide", approvals.approval_decide, name="approval_decide"),
    path("reports/", reports.reports_page, name="reports"),
    path("reports.csv", reports.reports_csv, name="reports_csv"),
    path("reports/tickets", reports.report_tickets_page, name="report_tickets"),
]
