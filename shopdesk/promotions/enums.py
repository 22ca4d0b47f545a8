"""Stable reason codes of a promo-code check. Clients switch on them: never rename one (docs/promotions.md)."""

from django.db import models


class CodeReason(models.TextChoices):
    APPLIED = "applied", "Applied"  # part of the best combination
    NOT_FOUND = "not_found", "Not found"  # no such code, a retired one, or a private code probed anonymously
    NOT_STARTED = "not_started", "Not started yet"
    EXPIRED = "expired", "Expired"
    MINIMUM_NOT_MET = "minimum_not_met", "Minimum not met"  # the message names the amount still missing
    NO_ELIGIBLE_ITEMS = "no_eligible_items", "No eligible items"  # names each excluded item and why
    COUNTRY_NOT_ELIGIBLE = "country_not_eligible", "Not valid for the destination"
    FIRST_ORDER_ONLY = "first_order_only", "First order only"
    ALREADY_USED_BY_CUSTOMER = "already_used_by_customer", "Already used by this customer"
    USAGE_LIMIT_REACHED = "usage_limit_reached", "Usage limit reached"
    NOT_COMBINABLE = "not_combinable", "Cannot be combined"  # names the code it conflicts with
    TOO_MANY_CODES = "too_many_codes", "Too many codes"
    NO_EXTRA_SAVING = "no_extra_saving", "No extra saving"  # combinable, but the total is lower without it
    CASE_OR_TYPO = "case_or_typo", "Case or typo"  # suggests the intended public code
