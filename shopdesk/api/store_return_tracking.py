"""The parcel of a return as the store's carrier integration reports it (store API token):

POST /returns/{rma}/tracking   {tracking_number?, carrier?, scans: [{occurred_at, status, location?, description?}]}
                               the label's number and the carrier's scans; the first scan of the parcel
                               moves an approved return to in transit (a repeated scan is one row)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from shopdesk.api.auth import IntegrationTokenAuth, integration_actor
from shopdesk.integration.schemas.common import Strict, Timestamp
from shopdesk.returns.tracking import ReturnScan, return_scans_record
from shopdesk.shipping.enums import TrackingStatus

router = Router(tags=["store returns"], auth=IntegrationTokenAuth())


class ReturnScanIn(Schema, Strict):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    occurred_at: Timestamp
    status: TrackingStatus
    location: str = Field("", max_length=200)
    description: str = Field("", max_length=500)


class ReturnTrackingIn(Schema, Strict):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    tracking_number: str | None = Field(None, max_length=80)
    carrier: str | None = Field(None, max_length=20)
    scans: list[ReturnScanIn] = Field(default_factory=list, max_length=200)


@router.post("/returns/{rma}/tracking", summary="Record a return parcel's tracking number and carrier scans")
def return_tracking_scans(request: HttpRequest, rma: str, payload: ReturnTrackingIn) -> dict[str, Any]:
    return return_scans_record(
        rma=rma[:20],
        actor=integration_actor(request),
        number=payload.tracking_number,
        carrier=payload.carrier,
        scans=[
            ReturnScan(scan.occurred_at, str(scan.status), scan.location, scan.description)
            for scan in payload.scans
        ],
    )
