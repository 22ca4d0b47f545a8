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
