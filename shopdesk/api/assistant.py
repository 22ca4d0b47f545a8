"""The assistant over HTTP: start a conversation, send a message or press a button, read the transcript.

The conversation id (256 random bits) is the only key: whoever holds it is the customer of that
conversation. Order data still needs the order number and email verified inside the conversation, or the
shopper's sign-in on the store's own pages, taken only from a same-origin request (the widget's): another
site can't lend a visitor's sign-in to a conversation it holds.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema

from shopdesk.access.client_address import client_address
from shopdesk.access.errors import RateLimited
from shopdesk.access.types import CustomerAccess
from shopdesk.access.web import portal_access
from shopdesk.assistant.conversations.engine import (
    BUTTON_CHARS,
    MESSAGE_CHARS,
    conversation_message,
    conversation_start,
    conversation_transcript,
)
from shopdesk.assistant.nlu.timing import model_seconds

router = Router(tags=["assistant"])


class ConversationOut(Schema):
    id: str


class MessageIn(Schema):
    text: str | None = Field(None, min_length=1, max_length=MESSAGE_CHARS)
    button: str | None = Field(None, min_length=1, max_length=BUTTON_CHARS)


class ReplyOut(Schema):
    type: Literal[
        "text", "article", "order", "timeline", "refund", "returns", "choices", "confirm", "handoff"
    ]
    text: str
    data: dict[str, Any]


class ButtonOut(Schema):
    label: str
    payload: str


class AnswerOut(Schema):
    intent: str
    replies: list[ReplyOut]
    actions: list[ButtonOut]


class TurnOut(Schema):
    position: int
    speaker: Literal["customer", "assistant", "agent"]
    text: str
    button: str | None
    intent: str | None
    replies: list[ReplyOut]
    actions: list[ButtonOut]
    at: str | None


class TranscriptOut(Schema):
    id: str
    created_at: str
    handed_over: bool
    turns: list[TurnOut]


def _same_origin_access(request: HttpRequest) -> CustomerAccess | None:
    """The portal sign-in of a request the browser says comes from our own pages; None otherwise."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site not in (None, "same-origin"):
        return None
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        return None
    if fetch_site is None and origin is None:
        return None  # not a browser's request from our pages: nothing to lend
    return portal_access(request)


def _too_many(exc: RateLimited) -> HttpResponse:
    return JsonResponse({"error": exc.as_dict()}, status=429, headers={"Retry-After": str(exc.retry_after)})


@router.post("/conversations", response={200: ConversationOut}, auth=None, summary="Start a conversation")
def conversation_create(request: HttpRequest) -> Any:
    try:
        conversation = conversation_start(client_ip=client_address(request))
    except RateLimited as exc:
        return _too_many(exc)
    return {"id": conversation.id}


@router.post(
    "/conversations/{conversation_id}/messages",
    response={200: AnswerOut},
    auth=None,
    summary="Send a message ({text}) or press a button ({button: payload})",
)
def message_create(
    request: HttpRequest, response: HttpResponse, conversation_id: str, payload: MessageIn
) -> Any:
    started, in_model = time.perf_counter(), model_seconds()
    try:
        answer = conversation_message(
            conversation_id=conversation_id,
            client_ip=client_address(request),
            text=payload.text,
            button=payload.button,
            access=_same_origin_access(request),
        )
    except RateLimited as exc:
        return _too_many(exc)
    # How long the turn took here and how much of it the model: a slow answer on a loaded machine
    # can then be told apart from slow code (browsers' developer tools show it, so does the benchmark).
    response["Server-Timing"] = (
        f"turn;dur={(time.perf_counter() - started) * 1000:.1f}, "
        f"model;dur={(model_seconds() - in_model) * 1000:.1f}"
    )
    return answer.as_dict()


@router.get(
    "/conversations/{conversation_id}", response={200: TranscriptOut}, auth=None, summary="The transcript"
)
def conversation_detail(request: HttpRequest, conversation_id: str, after: int = Query(0, ge=0)) -> Any:
    """`?after=N` gives only the turns after position N (what the widget polls for)."""
    return conversation_transcript(conversation_id=conversation_id, after=after)
