"""Forms of the action pages: they only parse; every rule lives in the services."""

from __future__ import annotations

from typing import Any

import pycountry
from django import forms

from shopdesk.core.errors import InvalidInput


def _countries() -> list[tuple[str, str]]:
    names = sorted((getattr(c, "common_name", None) or c.name, c.alpha_2) for c in pycountry.countries)
    return [("", "Choose a country")] + [(code, name) for name, code in names]


class AccessibleForm(forms.Form):
    """Points each invalid input at its error list (aria-describedby), so screen readers read the reason."""

    def __getitem__(self, name: str) -> forms.BoundField:
        bound = super().__getitem__(name)
        # Errors may be added after validation (from the service), so this runs at render time.
        if self.is_bound and name in self.errors:
            bound.field.widget.attrs["aria-describedby"] = f"{bound.auto_id}-errors"
        return bound


class ReasonForm(AccessibleForm):
    reason = forms.CharField(
        required=False,
        max_length=200,
        label="Reason (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    lines = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple, label="Items to cancel"
    )

    def __init__(self, *args: Any, line_choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = line_choices or []  # type: ignore[attr-defined]


class AddressForm(AccessibleForm):
    # Bounds a little above the service's, so the service's clearer message is the one shown.
    name = forms.CharField(
        max_length=120, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    company = forms.CharField(max_length=120, required=False, label="Company (optional)")
    line1 = forms.CharField(
        max_length=120,
        label="Street address",
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        max_length=120,
        required=False,
        label="Apartment, suite, floor (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        max_length=80, label="City", widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    region = forms.CharField(
        max_length=80,
        required=False,
        label="State, province or region",
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postcode = forms.CharField(
        max_length=20,
        required=False,
        label="Postcode / ZIP",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.ChoiceField(label="Country", widget=forms.Select(attrs={"autocomplete": "country"}))
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Phone (for the carrier)",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _countries()  # type: ignore[attr-defined]

    def add_service_errors(self, error: InvalidInput) -> None:
        fields = error.details.get("fields") if isinstance(error.details, dict) else None
        if fields:
            for name, message in fields.items():
                self.add_error(name if name in self.fields else None, message)
        else:
            self.add_error(None, error.message)


class LineChangeForm(AccessibleForm):
    size = forms.ChoiceField(required=False, label="Size")
    colour = forms.ChoiceField(required=False, label="Colour")
    quantity = forms.TypedChoiceField(coerce=int, label="Quantity")

    def __init__(
        self, *args: Any, sizes: list[str], colours: list[str], quantities: list[int], **kwargs: Any
    ) -> None:
        # The choices come from the action (ChangeItemsAction.line_options): the form only parses.
        super().__init__(*args, **kwargs)
        self.fields["size"].choices = [(s, s) for s in sizes]  # type: ignore[attr-defined]
        self.fields["colour"].choices = [(c, c) for c in colours]  # type: ignore[attr-defined]
        self.fields["quantity"].choices = [(n, str(n)) for n in quantities]  # type: ignore[attr-defined]


class EmailChangeForm(AccessibleForm):
    new_email = forms.EmailField(
        max_length=254,
        label="Correct email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ResendForm(AccessibleForm):
    action = forms.ChoiceField()

    def __init__(self, *args: Any, actions: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(action_id, action_id) for action_id in actions]  # type: ignore[attr-defined]
