"""The general answer to every intent: the help article's short answer, rendered from the store policy.

Each intent id of the contract names one article (`INTENT_ARTICLES`); the answer is the article's first
paragraph, or, when the customer named a country and the article has a part per zone or per country,
that part. The text always comes from the article, so the assistant can't say what the help center doesn't.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db import connection

from shopdesk.assistant.conversations.replies import Reply
from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.rendering import RENDERER_VERSION, render_article, render_source
from shopdesk.helpcenter.templating import policy_context, registry_fingerprint
from shopdesk.policy import get_policy

INTENT_ARTICLES: dict[str, str] = {
    # orders
    "track_order": "where-is-my-order",
    "ordering_help": "ordering-guidance",
    "shipping_time": "when-will-my-order-ship",
    "change_order": "change-my-order",
    "delivery_email_missing": "shipping-email-missing",
    "cancel_order": "cancel-my-order",
    "change_billing_address": "change-billing-address",
    "confirmation_email_missing": "confirmation-email-missing",
    # shipping
    "shipping_info": "shipping-info",
    "shipping_destinations": "countries-we-ship-to",
    "package_not_received": "package-not-received",
    "package_returned": "package-returned-to-sender",
    "split_shipment": "order-in-several-packages",
    "tracking_not_updated": "tracking-not-updated",
    "not_at_address": "not-at-my-address",
    "shipping_fees": "shipping-fees",
    "customs_duties": "refusing-customs-duties",
    "tracking_invalid": "tracking-number-invalid",
    "shipping_address": "shipping-addresses",
    # returns and refunds
    "return_policy": "return-policy",
    "guarantees": "our-guarantees",
    "refund_timing": "when-will-i-get-my-refund",
    "return_item": "return-an-item",
    "refund_wrong": "refund-is-wrong",
    "non_returnable": "non-returnable-items",
    "partial_refund": "partial-refund",
    "return_received": "return-received",
    # payments, points and promotions
    "payment_methods": "payment-methods-by-country",
    "payment_declined": "payment-declined",
    "payment_verification": "payment-verification",
    "pay_with_points": "pay-with-points",
    "coupon_stacking": "combine-coupons",
    "points_refund_timing": "points-refund-timing",
    "price_adjustment": "price-adjustment",
    "promo_code_problem": "promo-code-not-working",
    # company
    "terms_of_use": "terms-of-use",
    "privacy_policy": "privacy-policy",
    "copyright": "copyright-notice",
    "contact_support": "contact-customer-care",
    "about_us": "about-us",
    "ships_from": "where-we-ship-from",
    "wholesale": "wholesale-discount",
    "new_arrivals": "new-arrivals",
}
SHORT_ANSWER_CHARS = 600


@dataclass(frozen=True, slots=True)
class ArticleText:
    slug: str
    title: str
    text: str  # the whole article, rendered with the policy, as plain text

    @property
    def url(self) -> str:
        return f"/help/articles/{self.slug}/"


# Article texts rendered in this process, per published revision of the article and per policy: a turn
# reads the article's small revision row, not its body, and renders nothing it rendered before.
_texts: dict[tuple[Any, ...], ArticleText] = {}
_texts_lock = threading.Lock()
TEXTS_KEPT = 256


def _published_revision(slug: str) -> tuple[Any, ...] | None:
    """(id, title, revision, updated_at) of the published article `slug`, or None: one indexed read."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('id')}, {quote('title')}, {quote('revision')}, {quote('updated_at')} "  # noqa: S608
        f"FROM {quote(Article._meta.db_table)} WHERE {quote('slug')} = %s AND {quote('is_published')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, True])
        row = cursor.fetchone()
    return tuple(row) if row else None


def article_text(slug: str) -> ArticleText:
    """The published article (the store may have edited it); the packaged one when it isn't in the database.

    The text is rendered once per revision of the article (its id, revision and time of last change), the
    policy and the actions that exist."""
    revision = _published_revision(slug)
    _, policy_fingerprint = policy_context(get_policy())
    key = (slug, revision, policy_fingerprint, registry_fingerprint(), RENDERER_VERSION)
    with _texts_lock:
        found = _texts.get(key)
    if found is None:
        found = _article_text_rendered(slug, published=revision is not None)
        with _texts_lock:
            if len(_texts) >= TEXTS_KEPT:
                _texts.clear()
            _texts[key] = found
    return found


def _article_text_rendered(slug: str, *, published: bool) -> ArticleText:
    article = Article.objects.filter(slug=slug, is_published=True).first() if published else None
    if article is not None:
        return ArticleText(slug, article.title, render_article(article).text)
    source = next(a for a in load_content()[1] if a.slug == slug)
    return ArticleText(slug, source.title, render_source(source.body, get_policy()).text)


def _first_paragraph(text: str) -> str:
    lines = text.splitlines()
    answer = lines[0] if lines else ""
    # A lead-in that announces a list ("In short:") needs the list to make sense.
    for line in lines[1:]:
        if not answer.rstrip().endswith(":") or len(answer) > SHORT_ANSWER_CHARS:
            break
        answer += "\n" + line
        if len(answer) > SHORT_ANSWER_CHARS:
            break
    return answer


def _country_part(text: str, country: str) -> str | None:
    """The lines of the article about `country` (an ISO code): its zone's section, or the lines naming it."""
    import pycountry

    policy = get_policy()
    zone = policy.zone_for_country(country)
    found = pycountry.countries.get(alpha_2=country.upper())
    names = {name for name in (getattr(found, "name", ""), getattr(found, "common_name", "")) if name}
    lines = text.splitlines()
    zone_names = {z.name for z in policy.shipping.zones}
    if zone is not None and zone.name in lines:
        # The zone has a section of its own: its heading line up to the next zone's heading.
        start = lines.index(zone.name)
        end = next((i for i in range(start + 1, len(lines)) if lines[i] in zone_names), len(lines))
        return "\n".join(lines[start:end])
    wanted = [line for line in lines if any(name in line for name in names)]
    if zone is not None:
        wanted += [line for line in lines if line.startswith(zone.name + ":") and line not in wanted]
    return "\n".join(wanted) or None


def general_answer(intent: str, *, country: str | None = None) -> Reply | None:
    """The article reply for an intent (None for the conversation intents, which have no article)."""
    slug = INTENT_ARTICLES.get(intent)
    if slug is None:
        return None
    article = article_text(slug)
    part = _country_part(article.text, country) if country else None
    text = part or _first_paragraph(article.text)
    return Reply(
        "article",
        text,
        {
            "slug": article.slug,
            "title": article.title,
            "url": article.url,
            "country": country if part else None,
        },
    )
