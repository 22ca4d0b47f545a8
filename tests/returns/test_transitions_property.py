"""Any sequence of requested status changes: only the table's moves happen, each with one event."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.returns.enums import RETURN_TRANSITIONS, ReturnStatus
from shopdesk.returns.models import ReturnEvent, ReturnRequest
from shopdesk.returns.services import return_transition
from tests import factories

pytestmark = pytest.mark.django_db


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wanted=st.lists(st.sampled_from(list(ReturnStatus)), max_size=12))
def test_only_the_tables_moves_happen_and_each_writes_one_event(wanted):
    order = factories.OrderFactory()
    now = timezone.now()
    request = ReturnRequest.objects.create(
        rma=f"RMA-T{order.pk:07d}", order=order, method="label", origin_warehouse="us-nj", created_at=now
    )
    status, moves = ReturnStatus.REQUESTED, 0
    for target in wanted:
        allowed = target in RETURN_TRANSITIONS[status]
        try:
            return_transition(return_request=request, to_status=target, actor=Actor.system(), now=now)
        except Conflict:
            assert not allowed
        else:
            assert allowed
            status, moves = target, moves + 1
        assert ReturnRequest.objects.get(pk=request.pk).status == status
    assert ReturnEvent.objects.filter(return_request=request).count() == moves
