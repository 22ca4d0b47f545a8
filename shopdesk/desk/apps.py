from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "shopdesk.desk"
    label = "desk"
    verbose_name = "Desk"

    def ready(self) -> None:
        # Cases opened by self-service become tickets (the self-service layer calls back; see cases.py).
        from shopdesk.desk.services.cases import ticket_from_case
        from shopdesk.selfservice.cases import case_opened_subscribe

        case_opened_subscribe(ticket_from_case)

        # Returns waiting for approval and payment checks under review open tickets too; the returns and
        # payments areas write their rows and don't know the desk (see case_decisions.py).
        from django.db.models.signals import post_save

        from shopdesk.desk.services.case_decisions import on_order_event, on_return_event
        from shopdesk.orders.models import OrderEvent
        from shopdesk.returns.models import ReturnEvent

        post_save.connect(on_return_event, sender=ReturnEvent, dispatch_uid="desk_return_pending")
        post_save.connect(on_order_event, sender=OrderEvent, dispatch_uid="desk_verification_review")
