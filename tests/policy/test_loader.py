from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.policy import PolicyError, get_policy, load_policy_file
from shopdesk.policy.loader import DEFAULT_POLICY_FILE


def test_the_demo_store_policy_is_valid():
    policy = get_policy()
    assert policy.store.name == "KWOKING"
    assert policy.format_order_number(10023456) == "KW10023456"
    assert len(policy.shipping.zones) >= 7
    assert len(policy.store.warehouses) >= 2
    assert len(policy.shipping.carriers) >= 3
    duties = {zone.duties for zone in policy.shipping.zones}
    assert {"store_pays", "collected_on_delivery"} <= duties


def test_zones_and_payment_methods_depend_on_the_country():
    policy = get_policy()
    assert policy.zone_for_country("de").code == "eu"
    assert policy.zone_for_country("BR").code == "row"  # the rest of the world
    assert "ideal" in [m.code for m in policy.payment_methods_for("NL")]
    assert "ideal" not in [m.code for m in policy.payment_methods_for("US")]
    assert policy.points_value(500) == Decimal("5.00")


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_POLICY_FILE.read_text()
    assert old in text
    path = tmp_path / "store.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_a_misspelt_key_names_the_key_and_the_file(tmp_path):
    path = _write(tmp_path, "window_days = 30", "window_dayz = 30")
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert "returns.window_dayz: unknown key" in message
    assert "returns.window_days: missing" in message


def test_a_wrong_type_names_the_key(tmp_path):
    path = _write(tmp_path, "window_days = 30", 'window_days = "thirty"')
    with pytest.raises(PolicyError, match=r"returns\.window_days"):
        load_policy_file(path)


def test_an_unknown_country_is_refused(tmp_path):
    path = _write(tmp_path, 'countries = ["CA"]', 'countries = ["XX"]')
    with pytest.raises(PolicyError, match="'XX' is not an ISO 3166"):
        load_policy_file(path)


def test_a_zone_naming_an_unknown_carrier_is_refused(tmp_path):
    path = _write(tmp_path, 'carrier = "usps"', 'carrier = "pigeon"')
    with pytest.raises(PolicyError, match="unknown carrier 'pigeon'"):
        load_policy_file(path)


def test_broken_toml_and_missing_files_are_clear(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[store\nname=")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy_file(bad)
    with pytest.raises(PolicyError, match="does not exist"):
        load_policy_file(tmp_path / "nope.toml")


def test_the_order_number_format_comes_from_the_policy():
    policy = get_policy()
    assert policy.is_order_number("KW10023456")
    assert not policy.is_order_number("KW1002345")  # a digit short
    assert not policy.is_order_number("10023456")  # no prefix
    assert not policy.is_order_number("KW10023456X")
