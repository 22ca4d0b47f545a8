"""``shopdesk nlu predict`` and ``shopdesk nlu eval``: what a user sees on the command line."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shopdesk.assistant.nlu.classifier import IntentModel


def run(*args: str, stdin: bytes = b"") -> str:
    out = io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        call_command("nlu", *args, stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def test_predict_survives_a_tracking_number_with_a_letter_check_digit(intent_model: IntentModel) -> None:
    lines = [b"1Z3DRCJV132819482O ends with a letter O", b"where is my order KW10023456?"]
    output = run("predict", stdin=b"\n".join(lines) + b"\n").splitlines()
    assert len(output) == 2
    assert json.loads(output[1])["intent"] == "track_order"


def test_predict_prints_one_json_object_per_input_line(intent_model: IntentModel) -> None:
    lines = [b"where is my order KW10023456?", b"", b"\xff\xfe not utf-8", "merci 😀".encode()]
    output = run("predict", "--now", "2025-06-11", stdin=b"\n".join(lines) + b"\n").splitlines()
    assert len(output) == len(lines)
    first = json.loads(output[0])
    assert set(first) == {"intent", "confidence", "entities", "alternatives"}
    assert first["intent"] == "track_order"
    assert first["entities"][0] == {
        "type": "order_number",
        "value": "KW10023456",
        "text": "KW10023456",
        "start": 18,
        "end": 28,
        "valid": True,
    }
    assert all(set(a) == {"intent", "confidence"} for a in first["alternatives"])
    assert json.loads(output[1])["intent"] == "out_of_scope"


def test_predict_rejects_a_bad_now() -> None:
    with pytest.raises(CommandError, match="ISO"):
        run("predict", "--now", "last tuesday")


def test_eval_prints_the_figures_and_the_confusions(intent_model: IntentModel, tmp_path: Path) -> None:
    oos = ["out_of_scope", "contact_support", "greeting", "goodbye"]
    rows = [
        {"text": "I want to cancel the order I placed this morning", "accept": ["cancel_order"]},
        {"text": "has my parcel been sent yet", "accept": ["track_order", "shipping_time"]},
        {"text": "how many moons does Jupiter have", "accept": oos},
        {"text": "please cancel my order", "accept": ["wholesale"]},  # a deliberate miss
    ]
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    output = run("eval", str(data))
    assert "in-scope accuracy     0.667  (2/3)" in output
    assert "out-of-scope recall   1.000  (1/1)" in output
    assert "false-reject rate     0.000  (0/3)" in output
    assert "weakest groups" in output
    assert "wholesale -> cancel_order" in output


def test_eval_reports_a_malformed_file_by_line(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "hi", "accept": ["greeting"]}\n{"text": "no accept"}\n')
    with pytest.raises(CommandError, match=r"bad.jsonl:2"):
        run("eval", str(data))


def test_eval_needs_a_file() -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("eval", "/nonexistent/set.jsonl")
