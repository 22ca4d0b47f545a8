"""`{{ diagnosis_action|action_url:number }}`: the web page of an action a diagnosis names by id."""

from __future__ import annotations

from django import template

from shopdesk.orderview.diagnoses.types import DiagnosisAction
from shopdesk.web.portal.action_links import action_url as _action_url

register = template.Library()


@register.filter
def action_url(action: DiagnosisAction, number: str) -> str:
    if action.kind == "link":
        return action.url
    return _action_url(str(number), action.action, action.line_id) if number else ""
