"""Forms of the order portal: lookup, magic-link request, tracking-number check. Lengths cap what we accept."""

from __future__ import annotations

from typing import Any

from django import forms

from shopdesk.orders.selectors import order_number_normalise
from shopdesk.policy import get_policy


class LookupForm(forms.Form):
    order_number = forms.CharField(
        label="Order number",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you used for the order.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The example follows the store's own number format (prefix and digits from the policy).
        example = get_policy().format_order_number(12345)
        self.fields[
            "order_number"
        ].help_text = f"In your confirmation email, e.g. {example}. Spaces, # and lower case are fine."

    def clean_order_number(self) -> str:
        number = order_number_normalise(self.cleaned_data["order_number"])
        if number is None:
            example = get_policy().format_order_number(12345)
            raise forms.ValidationError(f"That does not look like one of our order numbers (like {example}).")
        return number


class MagicLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class TrackingNumberForm(forms.Form):
    number = forms.CharField(
        label="Tracking number",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
