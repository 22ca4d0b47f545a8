"""Shoppers don't type the seed's words: three paraphrases per article must find it in the top three."""

from __future__ import annotations

import pytest

from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.search.service import current_index
from tests.helpcenter.paraphrases import PARAPHRASES

pytestmark = pytest.mark.usefixtures("help_content")


def test_every_article_has_three_paraphrases() -> None:
    _, articles = load_content()
    assert set(PARAPHRASES) == {a.slug for a in articles}
    assert all(len(set(p)) == 3 for p in PARAPHRASES.values())


def test_paraphrases_find_their_article_in_the_top_three() -> None:
    index = current_index()
    misses = []
    total = 0
    for slug, questions in PARAPHRASES.items():
        for question in questions:
            total += 1
            top = [hit.document.slug for hit in index.search(question, limit=3)]
            if slug not in top:
                misses.append(f"{question!r} → {top} (wanted {slug})")
    rate = 1 - len(misses) / total
    print(f"\nparaphrase top-3 rate: {rate:.3f} ({total - len(misses)}/{total})")
    for miss in misses:
        print("  miss:", miss)
    assert rate >= 0.90


@pytest.mark.parametrize(
    ("typo", "slug"),
    [
        ("refnd tiem", "when-will-i-get-my-refund"),
        ("cancle my ordr", "cancel-my-order"),
        ("promo cdoe not wokring", "promo-code-not-working"),
        ("whoelsale", "wholesale-discount"),
        ("traking number invlaid", "tracking-number-invalid"),
    ],
)
def test_typos_still_find_the_article(typo: str, slug: str) -> None:
    top = [hit.document.slug for hit in current_index().search(typo, limit=3)]
    assert slug in top, top
