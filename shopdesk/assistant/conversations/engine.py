"""One turn of a conversation: limits, the transcript, safety checks, then the flow that answers.

    conversation_start(client_ip=)                                   -> Conversation
    conversation_message(conversation_id=, text= | button=, client_ip=) -> Answer
    conversation_transcript(conversation_id=)                        -> dict

The order of checks is the safety story: a yes only counts right after a preview and as the whole
message; an address being collected is data, not commands; slots come only from entities found in this
conversation's own messages; order data only after the portal's lookup verified number and email.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from shopdesk.access.models import CustomerSession
from shopdesk.access.rate_limits import Limit, rate_limit_take, rate_limits_take
from shopdesk.access.services import email_normalise, order_for_lookup
from shopdesk.access.types import CustomerAccess
from shopdesk.assistant.conversations.flows.addresses import ADDRESS_ACTIONS, address_answer, address_start
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.dispatch import (
    CHOICE_BUTTONS,
    DETAILS_FIRST,
    DETAILS_ONLY,
    FOLLOW_UPS,
    INTENT_FLOWS,
    INTENT_GATES,
    ORDER_BUTTONS,
    PENDING_REQUESTS,
    STEP_ANSWERS,
)
from shopdesk.assistant.conversations.flows.general import (
    HANDOFF_BUTTON,
    article_answer,
    goodbye,
    greeting,
    out_of_scope,
)
from shopdesk.assistant.conversations.flows.my_orders import order_chosen_or_listed, other_one_is_an_order
from shopdesk.assistant.conversations.flows.orders import (
    ORDER_FLOWS,
    cancel_lines_chosen,
    order_flow_run,
    pending_perform,
    preview_action,
)
from shopdesk.assistant.conversations.flows.points import POINTS_INTENTS, points_flow
from shopdesk.assistant.conversations.flows.promotions import (
    PROMOTION_INTENTS,
    codes_in_reply,
    codes_question,
    codes_remember,
    promotions_flow,
)
from shopdesk.assistant.conversations.flows.returns import (
    RETURN_INTENTS,
    RETURN_STATUS_INTENTS,
    return_line_chosen,
    return_reason_answer,
    return_reason_chosen,
    return_status_flow,
    return_wishes_remember,
    returns_flow,
)
from shopdesk.assistant.conversations.handoff import handoff_request
from shopdesk.assistant.conversations.models import Conversation, HandoffReason, Speaker
from shopdesk.assistant.conversations.models import Turn as TurnRow
from shopdesk.assistant.conversations.replies import NO, YES, Answer, Reply
from shopdesk.assistant.conversations.slots import (
    Verification,
    access_adopt,
    access_get,
    magic_link_send,
    missing_identity_question,
    slots_clear,
    slots_fill,
    verified_order,
    verify,
)
from shopdesk.assistant.nlu.entities import without_order_details
from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.core.prepared import PreparedLookup, PreparedValues
from shopdesk.core.statements import WouldWrite, reads_only
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.orderview.cached import order_page_warm
from shopdesk.payments.order_facts import order_facts_kept
from shopdesk.shipping.models import Shipment

if TYPE_CHECKING:
    from shopdesk.assistant.nlu import Understanding

MESSAGE_CHARS = 2000
BUTTON_CHARS = 100
MESSAGES_PER_CONVERSATION = Limit("assistant-conversation", 20, 60)
MESSAGES_PER_CLIENT = Limit("assistant-client", 120, 60)
CONVERSATIONS_PER_CLIENT = Limit("assistant-start", 60, 60 * 60)

OUT_OF_SCOPE = "out_of_scope"
SELF_SERVICE = (
    set(ORDER_FLOWS)
    | set(ADDRESS_ACTIONS)
    | set(RETURN_INTENTS)
    | set(RETURN_STATUS_INTENTS)
    | set(PROMOTION_INTENTS)
    | set(POINTS_INTENTS)
    | set(INTENT_FLOWS)
    | set(INTENT_GATES)
)
_PACKAGE_INTENTS = {
    "track_order",
    "shipping_time",
    "split_shipment",
    "ships_from",
    "tracking_not_updated",
    "package_not_received",
    "tracking_invalid",
    "package_returned",
}

_START_OVER = re.compile(
    r"^\W*(let'?s )?(start (over|again)|restart|reset|begin again|new conversation)\b", re.I
)
_YES = re.compile(
    r"^\W*(yes|y|yep|yeah|yup|sure|ok|okay|confirm(ed)?|go ahead|do it|please do|yes please"
    r"|yes,? (do it|go ahead|please|cancel (it|them)|send it|change it|open it))\W*$",
    re.I,
)
_NO = re.compile(r"^\W*(no|n|nope|no thanks|don'?t|do not|stop|never ?mind|leave it|no,? leave it)\W*$", re.I)
_PERSON = re.compile(
    r"\b(talk|speak|chat|connect me)\b.{0,20}\b(human|person|agent|someone|somebody|representative|people)\b",
    re.I,
)
_ANGRY_WORDS = re.compile(
    r"\b(useless|stupid|idiot\w*|ridiculous|pathetic|scam\w*|rubbish|garbage|crap|wtf|damn|incompetent"
    r"|f+u+c+k\w*|sh[i1]t\w*|hate (you|this)|manager|supervisor)\b",
    re.I,
)
_OTHER_ORDER = re.compile(
    r"\b(other|another|different|second|my older|my newer|wrong)\s+order\b|\bnot (that|this) order\b", re.I
)
_CORRECTION = re.compile(r"^\W*(no|nope|not|actually|sorry|wait|i meant|i mean|rather)\b", re.I)
_CHOICE_STOPWORDS = frozenset(
    [
        "no",
        "nope",
        "not",
        "the",
        "one",
        "that",
        "this",
        "other",
        "actually",
        "sorry",
        "wait",
        "meant",
        "mean",
        "rather",
        "please",
        "want",
        "item",
        "items",
    ]
)
CORRECTION_WORDS = 8
_NEVER = re.compile(r"(?!)")
_COPIED = re.compile(r"\S*[@\d]\S*")  # a word with a digit or an @: an email, a number, a code
_OTHER_PACKAGE = re.compile(r"\b(other|second|first|another)\s+(package|parcel|box|shipment|one)\b", re.I)
_OTHER_ONE = re.compile(r"\b(other|second|first|another)\s+one\b", re.I)


@dataclass(frozen=True, slots=True)
class Early:
    """A message understood before the turn's lock, and the topic (last intent) it was read in."""

    context: str | None
    understanding: Understanding


def is_angry(text: str) -> bool:
    """A small signal: shouting in capitals, an insult, or asking for a manager. Emails, order numbers
    and codes are copied as they are written, so their capitals are not counted."""
    letters = [c for c in _COPIED.sub(" ", text) if c.isalpha()]
    shouting = len(letters) >= 10 and sum(c.isupper() for c in letters) / len(letters) >= 0.8
    return shouting or bool(_ANGRY_WORDS.search(text))


def conversation_start(*, client_ip: str) -> Conversation:
    rate_limit_take(limit=CONVERSATIONS_PER_CLIENT, subject=client_ip)
    return Conversation.objects.create()


def conversation_get(*, conversation_id: str, for_update: bool = False) -> Conversation:
    """The conversation by id (with its row lock inside a transaction when `for_update`), or NotFound."""
    lookup = _CONVERSATION_LOCKED if for_update else _CONVERSATION
    conversation = lookup.first(conversation_id[:64]) if conversation_id else None
    if conversation is None:
        raise NotFound("There is no such conversation.", code="conversation_not_found")
    return conversation


# Every message and transcript reads its conversation: the statement is built once (no ordering, no LIMIT).
_CONVERSATION = PreparedLookup(lambda pk: Conversation.objects.filter(pk=pk))
_CONVERSATION_LOCKED = PreparedLookup(lambda pk: Conversation.objects.select_for_update().filter(pk=pk))
# The whole transcript (a poll for the turns after one is rarer and reads through the ORM: a position
# marker below zero is a value a positive integer's `gt` lookup rewrites, so it can't be prepared).
_TURNS = PreparedLookup(lambda pk: TurnRow.objects.filter(conversation_id=pk))


def conversation_transcript(*, conversation_id: str, after: int = 0) -> dict[str, Any]:
    """Every turn, or those after position `after`; a person's reply from the desk is an `agent` turn."""
    conversation = conversation_get(conversation_id=conversation_id)
    turns = conversation.turns.filter(position__gt=after) if after else _TURNS.all(conversation.pk)
    return {
        "id": conversation.id,
        "created_at": conversation.created_at.isoformat(),
        "handed_over": conversation.handed_over,
        "turns": [turn.as_dict() for turn in turns],
    }


def conversation_message(
    *,
    conversation_id: str,
    client_ip: str,
    text: str | None = None,
    button: str | None = None,
    access: CustomerAccess | None = None,
) -> Answer:
    """Answer one message (text) or one button press; both recorded in the transcript.

    `access` is the shopper's sign-in on the store's own pages (the widget's same-origin request): the
    conversation takes it when it has no verified session of its own."""
    if (text is None) == (button is None):
        raise InvalidInput("Send either a text or a button, not both.", code="message_invalid")
    if text is not None and (not text.strip() or len(text) > MESSAGE_CHARS):
        raise InvalidInput(f"A message is 1 to {MESSAGE_CHARS} characters long.", code="message_invalid")
    if button is not None and len(button) > BUTTON_CHARS:
        raise InvalidInput("That button is not offered.", code="button_unknown")
    # On a database with one write lock (SQLite) the turn is answered before the lock is taken (below):
    # it reads the whole conversation now, instead of the two columns the early reading needs.
    one_writer = connection.vendor == "sqlite"
    seen = (  # 404 before counting anything
        conversation_get(conversation_id=conversation_id)
        if one_writer
        else _conversation_seen(conversation_id)
    )
    # Both limits in one statement; a message refused by either counts against neither.
    rate_limits_take((MESSAGES_PER_CLIENT, client_ip), (MESSAGES_PER_CONVERSATION, conversation_id))
    # The model runs before the row lock is taken (on SQLite, the database's one write lock), so
    # other conversations' turns aren't kept waiting while it thinks.
    early = _understand_early(seen, text)
    if one_writer and not _confirms(seen, text, button):
        answer = _answer_before_locking(seen, client_ip, text, button, access, early)
        if answer is not None:
            return answer
    with transaction.atomic():
        # The row lock serialises two messages of one conversation (a double click acts once).
        conversation = conversation_get(conversation_id=conversation_id, for_update=True)
        if button is not None and button not in conversation.offered:
            raise InvalidInput("That button is not offered any more.", code="button_unknown")
        loaded = _saved_fields(conversation)
        access_adopt(conversation, access)
        # Written now: a hand-off during this turn sends the transcript with this message in it.
        position = _customer_turn_insert(conversation, text or "", button or "")
        turn = Turn(conversation, text or "", None, Answer(OUT_OF_SCOPE), client_ip)
        _answer(turn, button, early)
        _turns_write(conversation, position, turn)
        # The columns this turn changed (the JSON ones are encoded only then), and the time.
        _conversation_write(conversation, _changed(conversation, loaded))
    return turn.answer


def _confirms(conversation: Conversation, text: str | None, button: str | None) -> bool:
    """A yes to the preview waiting: the turn acts, so it is answered under the lock from the start."""
    return bool(conversation.pending_action) and (button == YES or bool(text and _YES.search(text)))


# The statement an early answer stops at when a lookup matched: the session it would open.
_SESSION_INSERT = f'INSERT INTO "{CustomerSession._meta.db_table}"'


class _Changed(Exception):
    """The conversation was saved by someone else since the turn read it."""


def _answer_before_locking(
    conversation: Conversation,
    client_ip: str,
    text: str | None,
    button: str | None,
    access: CustomerAccess | None,
    early: Early | None,
) -> Answer | None:
    """The turn answered from plain reads, then written in a short transaction if the conversation is as
    it was read; None when the turn must write more than its own rows (a verification, an action, a
    hand-off) or the conversation changed meanwhile: the caller then answers it again under the lock.

    On SQLite a transaction holds the database's one write lock from its start, so the usual turn (a
    question, an order's status, a preview) would keep every other turn, start and transcript waiting
    while it reads and renders. Here it holds the lock for two inserts and an update. A statement other
    than a plain read raises before it runs (`reads_only`), so nothing of an abandoned answer was written."""
    if button is not None and button not in conversation.offered:
        return None  # the lock decides, on the conversation as it is then
    version = conversation.updated_at
    loaded = _saved_fields(conversation)
    turn = Turn(conversation, text or "", None, Answer(OUT_OF_SCOPE), client_ip)
    try:
        with reads_only() as refused:
            access_adopt(conversation, access)
            _answer(turn, button, early)
    except WouldWrite:
        pass
    if refused:  # refused, and the refusal caught on the way: the answer may assume a write that never was
        if refused[0].startswith(_SESSION_INSERT):
            _verified_page_warm(conversation)
        return None
    changed = _changed(conversation, loaded)
    try:
        with transaction.atomic():
            # Only if nobody saved the conversation since it was read (a turn, a reply from the desk).
            if not _conversation_write(conversation, changed, version=version):
                raise _Changed
            position = _customer_turn_insert(conversation, text or "", button or "")
            _turns_write(conversation, position, turn)
    except _Changed:
        return None
    return turn.answer


_CONVERSATION_FIELDS = {f.attname: f for f in Conversation._meta.concrete_fields}


def _conversation_write(conversation: Conversation, names: list[str], *, version: Any = None) -> bool:
    """The conversation's `names` columns and a new `updated_at`, as `save(update_fields=…)` would write
    them, in a statement written here (the ORM built it again on every turn); with `version`, only if
    the row's `updated_at` is still that (`filter(updated_at=version).update(…)`). False when no row was
    written."""
    fields, quote = _CONVERSATION_FIELDS, connection.ops.quote_name
    now = timezone.now()
    assigned = ", ".join(f"{quote(str(fields[name].column))} = %s" for name in [*names, "updated_at"])
    params = [fields[name].get_db_prep_save(getattr(conversation, name), connection) for name in names]
    params += [fields["updated_at"].get_db_prep_save(now, connection), conversation.pk]
    where = f"{quote('id')} = %s"
    if version is not None:
        where += f" AND {quote('updated_at')} = %s"
        params.append(fields["updated_at"].get_db_prep_value(version, connection))
    sql = f"UPDATE {quote(Conversation._meta.db_table)} SET {assigned} WHERE {where}"  # noqa: S608 - our columns
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = bool(cursor.rowcount)
    if written:
        conversation.updated_at = now
    return written


def _verified_page_warm(conversation: Conversation) -> None:
    """The order a turn is about to verify, its page built now from plain reads (SQLite).

    A message giving an order's number and email is answered under the lock (the verification opens a
    session) and shows the order's page: built here first, into the cache the locked answer reads it
    from (`order_page_cached`, kept per version of the order), the lock is held for the session and the
    turn's rows, not for the page's dozen reads. Only called when the abandoned answer stopped at opening
    the session, so the lookup's limits and its email check had passed: a page built for any other turn
    (an email given for a hand-off) would make a right email answer slower than a wrong one. Nothing is
    shown from here."""
    number = order_number_normalise(conversation.order_number or "")
    if not number or not conversation.email:
        return
    # The order as the locked answer reads it (`verified_order`: the number is unique, addresses later).
    order = order_for_lookup(number=number, email=conversation.email)
    if order is not None:
        order_page_warm(order=order, actor=Actor.assistant(conversation.email))


def _answer(turn: Turn, button: str | None, early: Early | None) -> None:
    """Answer the message or the button, and keep the buttons offered now (the only ones a press may be)."""
    # The rules a turn asks about an order more than once (an action's eligibility, then its preview)
    # read the order's facts once while the turn only reads.
    with order_facts_kept():
        if button is not None:
            _answer_button(turn, button)
        else:
            _answer_text(turn, early)
    turn.conversation.offered = [b.payload for b in turn.answer.actions]


def _turns_write(conversation: Conversation, position: int, turn: Turn) -> None:
    """One statement: the customer's message (at `position`) gets the intent it was answered as, and
    the answer is added after it. Written as `bulk_create(…, update_conflicts=True)` would write it,
    from a statement made once (the ORM built the upsert again on every turn)."""
    intent = turn.answer.intent
    replies = [reply.as_dict() for reply in turn.answer.replies]
    actions = [b.as_dict() for b in turn.answer.actions]
    now = timezone.now()
    params: list[Any] = []
    for at, speaker, row_replies, row_actions in (
        (position, Speaker.CUSTOMER, [], []),
        (position + 1, Speaker.ASSISTANT, replies, actions),
    ):
        params += _turn_values(conversation.pk, at, speaker, "", "", intent, row_replies, row_actions, now)
    with connection.cursor() as cursor:
        cursor.execute(_turns_upsert_sql(), params)


def _turn_values(*values: Any) -> list[Any]:
    """A turn row's values in `_TURN_COLUMNS` order, as the database takes them (JSON encoded, dates adapted)."""
    return [
        _TURN_FIELDS[name].get_db_prep_save(value, connection)
        for name, value in zip(_TURN_COLUMNS, values, strict=True)
    ]


_TURNS_UPSERT: dict[str, str] = {}


def _turns_upsert_sql() -> str:
    """Two turn rows; a row already at its position (the customer's message) only takes the intent."""
    sql = _TURNS_UPSERT.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(_TURN_FIELDS[name].column)) for name in _TURN_COLUMNS)
        row = "(" + ", ".join(["%s"] * len(_TURN_COLUMNS)) + ")"
        intent = quote("intent")
        sql = _TURNS_UPSERT[connection.vendor] = (
            f"INSERT INTO {quote(TurnRow._meta.db_table)} ({columns}) VALUES {row}, {row} "  # noqa: S608
            f"ON CONFLICT ({quote('conversation_id')}, {quote('position')}) "
            f"DO UPDATE SET {intent} = EXCLUDED.{intent}"
        )
    return sql


# What a turn may change on its conversation (not its id or creation time).
_SAVED = [
    field.attname
    for field in Conversation._meta.concrete_fields
    if not field.primary_key and field.attname not in ("created_at", "updated_at")
]


def _saved_fields(conversation: Conversation) -> dict[str, Any]:
    """The conversation's values as read, deep-copied: flows may change a step's dict in place."""
    return {name: copy.deepcopy(getattr(conversation, name)) for name in _SAVED}


def _changed(conversation: Conversation, loaded: dict[str, Any]) -> list[str]:
    return [name for name in _SAVED if getattr(conversation, name) != loaded[name]]


def _customer_turn_insert(conversation: Conversation, text: str, button: str) -> int:
    """Add the customer's message after the transcript's last turn, in one statement; its position.

    Run under the conversation's row lock: every other writer of its turns holds the same lock, so the
    statement (which starts after the lock was granted) sees their turns."""
    fields = _TURN_FIELDS
    values = [
        fields["speaker"].get_db_prep_save(Speaker.CUSTOMER.value, connection),
        fields["text"].get_db_prep_save(text, connection),
        fields["button"].get_db_prep_save(button, connection),
        fields["intent"].get_db_prep_save("", connection),
        fields["replies"].get_db_prep_save([], connection),
        fields["actions"].get_db_prep_save([], connection),
        fields["created_at"].get_db_prep_save(timezone.now(), connection),
    ]
    quote = connection.ops.quote_name
    table = quote(TurnRow._meta.db_table)
    columns = ", ".join(quote(str(fields[name].column)) for name in _TURN_COLUMNS)
    position, conversation_column = quote("position"), quote("conversation_id")
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - our table and columns; values are bound
        f"SELECT %s, COALESCE(MAX({position}), 0) + 1, %s, %s, %s, %s, %s, %s, %s "
        f"FROM {table} WHERE {conversation_column} = %s RETURNING {position}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [conversation.pk, *values, conversation.pk])
        row = cursor.fetchone()
    return int(row[0])


_TURN_COLUMNS = (
    "conversation_id",
    "position",
    "speaker",
    "text",
    "button",
    "intent",
    "replies",
    "actions",
    "created_at",
)
_TURN_FIELDS = {f.attname: f for f in TurnRow._meta.concrete_fields}


def _conversation_seen(conversation_id: str) -> Conversation:
    """What the early reading needs of the conversation (its topic and step) in one light read, as an
    unsaved copy; NotFound when there is no such conversation. The turn reads the row again under its lock."""
    row = None
    if conversation_id:
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('last_intent')}, {quote('step')} FROM {quote(Conversation._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('id')} = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [conversation_id[:64]])
            row = cursor.fetchone()
    if row is None:
        raise NotFound("There is no such conversation.", code="conversation_not_found")
    step = Conversation._meta.get_field("step").from_db_value(row[1], None, connection)  # type: ignore[arg-type]
    return Conversation(id=conversation_id, last_intent=row[0], step=step or {})


def _understand_early(conversation: Conversation, text: str | None) -> Early | None:
    """The message understood in the topic the conversation had before this turn; None for the messages
    answered without the model (a button, yes/no, start over, an address being typed)."""
    if not text or _START_OVER.search(text) or _YES.search(text) or _NO.search(text):
        return None
    if conversation.step.get("next"):
        return None
    context = conversation.last_intent or None
    return Early(context, _read(text, context))


def _understanding(turn: Turn, early: Early | None) -> Understanding:
    """The early reading when the topic is still the one it was read in (another message of this
    conversation may have changed it meanwhile); otherwise the message is read again now."""
    context = turn.conversation.last_intent or None
    if early is not None and early.context == context:
        return early.understanding
    return _read(turn.text, context)


def _read(text: str, context: str | None) -> Understanding:
    """The model's reading of a message in a topic; only an order number and an email need no model."""
    from shopdesk.assistant.nlu import read_details, understand  # the model loads on first use

    return read_details(text) or understand(text, context=context)


def _handoff(turn: Turn, reason: str) -> None:
    turn.answer.add(handoff_request(turn.conversation, reason=reason))


def _answer_text(turn: Turn, early: Early | None = None) -> None:
    conversation, text = turn.conversation, turn.text
    if _START_OVER.search(text):
        slots_clear(conversation)
        turn.answer.intent = "greeting"
        turn.answer.say("Let's start over: I've forgotten the order and email of this conversation.")
        greeting(turn)
        return
    other_one = other_one_is_an_order(conversation, text, conversation.last_intent in _PACKAGE_INTENTS)
    if (
        (_OTHER_ORDER.search(text) or other_one)
        and conversation.email
        and len(text.split()) <= CORRECTION_WORDS
    ):
        turn.answer.intent = conversation.last_intent or "track_order"
        _other_order(turn)
        return
    correction = _choice_named(conversation, text)
    if correction is not None:
        # "no, the blue one": the choice the customer meant, instead of the one previewed or asked about.
        conversation.pending_action = {}
        _answer_button(turn, correction)
        turn.tried(f"corrected the choice: {text[:80]}")
        return
    if conversation.pending_action:
        if _YES.search(text):
            turn.answer.intent = conversation.last_intent or OUT_OF_SCOPE
            _confirmed(turn)
            return
        if _NO.search(text):
            turn.answer.intent = conversation.last_intent or OUT_OF_SCOPE
            _declined(turn)
            return
        # Anything else withdraws the preview: a later yes must follow a preview it can see.
        conversation.pending_action = {}
    elif _YES.search(text) or _NO.search(text):
        turn.answer.intent = conversation.last_intent or OUT_OF_SCOPE
        turn.answer.say(
            "There is nothing waiting for your answer: nothing was changed. What can I do for you?"
        )
        return
    if is_angry(text):
        turn.answer.intent = "contact_support"
        turn.answer.say("I'm sorry this has been frustrating.")
        _handoff(turn, HandoffReason.ANGRY)
        return
    if _PERSON.search(text):
        turn.answer.intent = "contact_support"
        _handoff(turn, HandoffReason.REQUESTED)
        return
    if conversation.step.get("next"):
        turn.answer.intent = conversation.last_intent
        order = _order_or_ask(turn, conversation.last_intent)
        if order is not None:
            address_answer(turn, order)
        return
    if conversation.step.get("awaiting_reason") and _answered_in_flow(turn):
        return
    collect = conversation.step.get("collect")
    if collect in STEP_ANSWERS and STEP_ANSWERS[collect](turn):
        return
    # A short fragment ("to small") is read in the conversation's topic when alone it says nothing.
    understanding = _understanding(turn, early)
    turn.understanding = understanding
    if _email_corrected(turn, understanding.entities):
        return
    filled = slots_fill(conversation, understanding.entities)
    intent = understanding.intent
    awaiting = conversation.step.get("awaiting")
    # New details, or the same ones given again with nothing else (they still name the order).
    details = (filled or understanding.details_only) and _only_details(text, understanding.entities)
    if details and DETAILS_FIRST(conversation):
        DETAILS_ONLY(turn)
        return
    if details and awaiting in SELF_SERVICE:
        # The answer to our question ("it's KW…, me@…"): carry on with what was asked, whatever the
        # classifier makes of a bare number and address.
        intent = str(awaiting)
    elif details and intent not in SELF_SERVICE:
        # Only a number and an email, no question of their own: the current topic with that order
        # ("what about KW…?"), or, with no topic yet, the order and what can be done with it.
        if conversation.last_intent not in SELF_SERVICE:
            DETAILS_ONLY(turn)
            return
        intent = conversation.last_intent
    elif intent != conversation.last_intent and FOLLOW_UPS.get(conversation.last_intent, _NEVER).search(text):
        intent = conversation.last_intent  # "was I charged?" right after the decline was explained
    elif conversation.step.get("awaiting_codes") and _only_codes(text, understanding.entities):
        intent = conversation.last_intent
    elif intent == OUT_OF_SCOPE or _OTHER_PACKAGE.search(text):
        intent = _in_context(turn, filled) if intent == OUT_OF_SCOPE or len(text) <= 80 else intent
    turn.answer.intent = intent
    if intent == OUT_OF_SCOPE:
        conversation.unsure_count += 1
        if conversation.unsure_count >= 2:
            turn.answer.say("I'm sorry, I'm not understanding you well.")
            _handoff(turn, HandoffReason.NOT_UNDERSTOOD)
        else:
            out_of_scope(turn)
        return
    conversation.unsure_count = 0
    _run_intent(turn, intent)


# The topics that show the order's emails and the address they went to ("check that … is right").
_EMAIL_INTENTS = ("confirmation_email_missing", "delivery_email_missing")


def _email_corrected(turn: Turn, entities: list[Any]) -> bool:
    """Only another email address, right after the order's emails were shown on a verified order: the
    address the order should have had (mistyped at checkout). Its change is previewed for a yes,
    instead of the address being taken as a new lookup, which would drop the verification and find
    nothing. False when the message is anything else (it is then read as usual)."""
    conversation = turn.conversation
    if conversation.last_intent not in _EMAIL_INTENTS or conversation.access_session_id is None:
        return False
    emails = [entity for entity in entities if entity.type == "email"]
    if len(emails) != 1 or any(entity.type == "order_number" for entity in entities):
        return False
    new_email = email_normalise(emails[0].value)
    if new_email == conversation.email or not _only_details(turn.text, entities):
        return False
    if access_get(conversation) is None:  # the session ended: the address is a lookup again
        return False
    turn.answer.intent = conversation.last_intent
    order = _order_or_ask(turn, conversation.last_intent)
    if order is not None:
        turn.answer.say(f"Your order's emails go to {conversation.email}.")
        preview_action(turn, order, "change_email", {"new_email": new_email})
    return True


def _only_codes(text: str, entities: list[Any]) -> bool:
    """A short answer naming a promotion code ("SAVE15", "it's save15"), after we asked which code."""
    named = any(e.type == "promo_code" for e in entities) or bool(codes_in_reply(text))
    return named and len(text.split()) <= 6


def _only_details(text: str, entities: list[Any]) -> bool:
    """True when, without its order number and email, the message is a few words at most."""
    return len(re.findall(r"[^\W\d_]{2,}", without_order_details(text, entities))) <= 4


def _in_context(turn: Turn, filled: bool) -> str:
    """A fragment read in the conversation's context: the other package, or the details just asked for."""
    conversation = turn.conversation
    if _OTHER_PACKAGE.search(turn.text) and conversation.last_intent in _PACKAGE_INTENTS:
        step = conversation.step
        conversation.step = {**step, "package": "other", "previous_package": step.get("package")}
        return conversation.last_intent
    if _OTHER_ONE.search(turn.text) and conversation.last_intent in SELF_SERVICE:
        # "and the other one?" after the refunds, returns or items of the order: the same topic, not
        # its packages (the question says "one", not "package").
        return conversation.last_intent
    awaiting = conversation.step.get("awaiting")
    if filled and awaiting in SELF_SERVICE:
        return str(awaiting)
    understood = turn.understanding.intent if turn.understanding else OUT_OF_SCOPE
    return understood


def _run_intent(turn: Turn, intent: str) -> None:
    conversation = turn.conversation
    if intent == "contact_support":
        _handoff(turn, HandoffReason.REQUESTED)
        return
    if intent == "greeting":
        greeting(turn)
        return
    if intent == "goodbye":
        goodbye(turn)
        return
    if intent != conversation.last_intent:
        # A new topic: forget the previous flow's step, keep the package the customer was looking at
        # and the orders verified in this conversation.
        conversation.step = {
            "package": conversation.step.get("package"),
            "orders": conversation.step.get("orders") or [],
        }
    conversation.last_intent = intent
    if intent not in SELF_SERVICE:
        article_answer(turn, intent, country=_billing_country(turn) if intent == "payment_methods" else None)
        turn.answer.offer(*HANDOFF_BUTTON)
        return
    if intent in PROMOTION_INTENTS and not _promotion_codes_known(turn, intent):
        return
    if intent in INTENT_GATES and not INTENT_GATES[intent](turn, intent):
        return
    if intent in RETURN_INTENTS:
        # "I want to exchange it, too small": the reason and the wish wait while the order is verified.
        return_wishes_remember(turn)
    order = _order_or_ask(turn, intent)
    if order is None:
        if intent in PROMOTION_INTENTS:
            codes_question(turn, list(conversation.step.get("codes") or []))
        return
    _resolve_other_package(turn, order)
    if intent in ADDRESS_ACTIONS:
        address_start(turn, order, intent)
    elif intent in RETURN_INTENTS:
        returns_flow(turn, order, intent)
    elif intent in RETURN_STATUS_INTENTS:
        return_status_flow(turn, order, intent)
    elif intent in PROMOTION_INTENTS:
        promotions_flow(turn, order, intent)
    elif intent in POINTS_INTENTS:
        points_flow(turn, order, intent)
    elif intent in INTENT_FLOWS:
        INTENT_FLOWS[intent](turn, order, intent)
    else:
        order_flow_run(turn, order, intent)


def _billing_country(turn: Turn) -> str | None:
    """The verified order's billing country: the methods its customer can pay with, when no country is
    named. None before verification (no order data) or without a billing country."""
    conversation = turn.conversation
    if conversation.access_session_id is None or not conversation.order_number:
        return None
    access = access_get(conversation)
    if access is None:
        return None
    return verified_order(conversation, access).billing_address.country or None


def _promotion_codes_known(turn: Turn, intent: str) -> bool:
    """Codes named so far; without one, the article and the question which code (no order needed yet)."""
    conversation = turn.conversation
    codes = codes_remember(turn)
    if codes:
        return True
    if conversation.step.get("awaiting") != intent:
        article_answer(turn, intent)
    codes_question(turn, [])
    conversation.step = {**conversation.step, "awaiting": intent}
    turn.answer.offer(*HANDOFF_BUTTON)
    return False


def _answered_in_flow(turn: Turn) -> bool:
    """The answer to the question the flow asked (a return's reason); False to read the message afresh."""
    conversation = turn.conversation
    access = access_get(conversation)
    if access is None or conversation.last_intent != "return_item":
        return False
    turn.answer.intent = conversation.last_intent
    return return_reason_answer(turn, verified_order(conversation, access))


_PACKAGE_IDS = PreparedValues(
    lambda order: Shipment.objects.filter(order_id=order).order_by("id").values_list("id")
)


def _resolve_other_package(turn: Turn, order: Order) -> None:
    step = turn.conversation.step
    if step.get("package") != "other":
        return
    packages = [package for (package,) in _PACKAGE_IDS.all(order.pk)]
    previous = step.get("previous_package") or (packages[0] if packages else None)
    others = [p for p in packages if p != previous] or packages
    step["package"] = others[0] if len(packages) > 1 else None
    turn.conversation.step = step


def _order_or_ask(turn: Turn, intent: str) -> Order | None:
    """The verified order; otherwise the article, what is missing and a sign-in link offer (no order data)."""
    conversation = turn.conversation
    first_ask = conversation.step.get("awaiting") != intent
    live = access_get(conversation)
    was_verified = live is not None
    # `verify` would look the live session up again: with one, it is the verification.
    verification = Verification(live) if live is not None else verify(conversation, client_ip=turn.client_ip)
    if verification.access is not None and not conversation.order_number:
        # Signed in for every order of the email: the one order, or the customer picks one.
        number = order_chosen_or_listed(turn, verification.access, intent)
        if number is None:
            return None
        conversation.order_number = number
        was_verified = False
    if verification.access is not None:
        if not was_verified:
            turn.answer.say(f"Thank you, I found order {conversation.order_number}.")
        step = {k: v for k, v in conversation.step.items() if k != "awaiting"}
        orders = list(step.get("orders") or [])
        if conversation.order_number not in orders:
            step["orders"] = [*orders, conversation.order_number][-10:]
        conversation.step = step
        return verified_order(conversation, verification.access)
    if first_ask and intent in SELF_SERVICE and not verification.problem:
        article_answer(turn, intent)
    if verification.problem:
        turn.answer.say(verification.problem)
    turn.answer.say(missing_identity_question(conversation))
    conversation.step = {**conversation.step, "awaiting": intent}
    if conversation.email or verification.problem:
        turn.answer.offer("Email me a sign-in link instead", "magic_link")
    turn.answer.offer(*HANDOFF_BUTTON)
    return None


def _choice_named(conversation: Conversation, text: str) -> str | None:
    """The one choice offered in this topic that a short correction names ("no, the blue one")."""
    choices = conversation.step.get("choices") or []
    if not choices or not _CORRECTION.search(text) or len(text.split()) > CORRECTION_WORDS:
        return None
    words = {w for w in re.findall(r"[^\W\d_]{3,}|\d+", text.lower()) if w not in _CHOICE_STOPWORDS}
    if not words:
        return None
    named = [
        payload for payload, label in choices if words & set(re.findall(r"[^\W\d_]{3,}|\d+", label.lower()))
    ]
    return named[0] if len(named) == 1 else None


def _other_order(turn: Turn) -> None:
    """ "Not that order, the other one": another order verified here, a choice of them, or its number."""
    conversation = turn.conversation
    others = [n for n in conversation.step.get("orders") or [] if n != conversation.order_number]
    conversation.pending_action = {}
    if len(others) == 1:
        _switch_order(turn, others[0])
        return
    if others:
        turn.answer.add(
            Reply(
                "choices",
                "Which order do you mean?",
                {"choices": [{"order": number, "label": f"Order {number}"} for number in others]},
            )
        )
        for number in others:
            turn.answer.offer(f"Order {number}", f"order:{number}")
        return
    intent = conversation.last_intent if conversation.last_intent in SELF_SERVICE else "track_order"
    conversation.order_number = ""
    conversation.access_session_id = None
    conversation.step = {**conversation.step, "awaiting": intent}
    conversation.last_intent = intent
    turn.answer.intent = intent
    turn.answer.say(
        f"Which order do you mean? Tell me its number (I'll keep {conversation.email}), or I can email you a "
        "sign-in link that shows all your orders."
    )
    turn.answer.offer("Email me a sign-in link instead", "magic_link")
    turn.answer.offer(*HANDOFF_BUTTON)


def _switch_order(turn: Turn, number: str) -> None:
    """Carry on the current topic with another order verified in this conversation (looked up again)."""
    conversation = turn.conversation
    conversation.order_number = number
    access = access_get(conversation)
    if access is None or not access.all_orders:
        conversation.access_session_id = None  # a lookup proves one order: look the other one up
    intent = conversation.last_intent if conversation.last_intent in SELF_SERVICE else "track_order"
    turn.answer.intent = intent
    conversation.step = {"orders": conversation.step.get("orders") or []}
    conversation.last_intent = intent
    _run_intent(turn, intent)


def _confirmed(turn: Turn) -> None:
    conversation = turn.conversation
    pending = conversation.pending_action
    if pending.get("action") in PENDING_REQUESTS:
        PENDING_REQUESTS[pending["action"]](turn)
        return
    access = access_get(conversation)
    if access is None or pending.get("order_number") != conversation.order_number:
        conversation.pending_action = {}
        turn.answer.say(
            "For your safety I need to check your order number and email again before I change anything."
        )
        turn.answer.say(missing_identity_question(conversation))
        return
    pending_perform(turn, verified_order(conversation, access))


def _declined(turn: Turn) -> None:
    turn.conversation.pending_action = {}
    turn.answer.say("All right: I haven't changed anything. What else can I do for you?")
    turn.tried("declined the change previewed")


def _answer_button(turn: Turn, payload: str) -> None:
    conversation = turn.conversation
    turn.answer.intent = conversation.last_intent or OUT_OF_SCOPE
    turn.text = ""
    if payload == YES:
        if conversation.pending_action:
            _confirmed(turn)
        else:
            turn.answer.say("There is nothing waiting for a yes any more: nothing was changed.")
        return
    if payload == NO:
        _declined(turn)
        return
    if payload == "handoff":
        turn.answer.intent = "contact_support"
        _handoff(turn, HandoffReason.REQUESTED)
        return
    if payload == "magic_link":
        turn.answer.say(magic_link_send(conversation, client_ip=turn.client_ip))
        return
    kind, _, value = payload.partition(":")
    if kind in CHOICE_BUTTONS:
        chosen = CHOICE_BUTTONS[kind](turn, value)
        if chosen is not None:
            turn.answer.intent = chosen
            _run_intent(turn, chosen)
        return
    if kind == "order" and value in (conversation.step.get("orders") or []):
        _switch_order(turn, value)
        return
    if kind == "intent" and value in SELF_SERVICE:
        turn.answer.intent = value
        _run_intent(turn, value)
        return
    intent = conversation.last_intent
    order = _order_or_ask(turn, intent) if intent in SELF_SERVICE else None
    if order is None:
        return
    if kind == "package" and value.isdigit():
        conversation.step = {**conversation.step, "package": int(value)}
        order_flow_run(turn, order, intent if intent in _PACKAGE_INTENTS else "track_order")
    elif kind == "act" and value.isdigit():
        offers = conversation.step.get("offers") or []
        if int(value) < len(offers):
            action_id, params = offers[int(value)]
            preview_action(turn, order, action_id, params)
    elif kind == "line":
        cancel_lines_chosen(turn, order, value)
    elif kind == "ret":
        return_line_chosen(turn, order, value)
    elif kind == "reason":
        return_reason_chosen(turn, order, value)
    elif kind in ORDER_BUTTONS:
        ORDER_BUTTONS[kind](turn, order, value)
