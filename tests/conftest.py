"""Shared fixtures. Named after the state they build; each area adds its own in its test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.orders.models import Order
from tests import factories
from tests.situations import *  # noqa: F403 (fixtures named after the order state they build)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and cached pages never leak from one test into the next."""
    from django.core.cache import cache

    from shopdesk.orderview.cached import order_view_forget
    from shopdesk.promotions.public_codes import public_codes_forget

    cache.clear()
    order_view_forget()
    public_codes_forget()


@pytest.fixture(scope="session", autouse=True)
def nlu_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """SHOPDESK_CACHE_DIR for the whole session.

    Kept beside pytest's numbered temp dirs (not inside one) so xdist workers and later sessions
    share it: the model is keyed by content hash, so a cached one is always the right one.
    An already-set SHOPDESK_CACHE_DIR (CI restoring a cache) wins.
    """
    from shopdesk.assistant.nlu.cache import CACHE_ENV

    previous = os.environ.get(CACHE_ENV)
    path = Path(previous) if previous else tmp_path_factory.getbasetemp().parent / "shopdesk-nlu-cache"
    path.mkdir(parents=True, exist_ok=True)
    os.environ[CACHE_ENV] = str(path)
    yield path
    if previous is None:
        os.environ.pop(CACHE_ENV, None)


@pytest.fixture
def unfulfilled_order(db: None) -> Order:
    """A paid order of two items, nothing shipped yet."""
    order = factories.OrderFactory(subtotal=Decimal("98.00"), total=Decimal("98.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("49.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("49.00"))
    factories.PaymentFactory(order=order)
    return order


# --- browser tests ---------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    import os
    import shutil

    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh phone-sized browser tab; `page.base_url` is the live server's address."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
