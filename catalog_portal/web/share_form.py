"""The form that shares a collection from its page, shown to its owner and administrators."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy


class ShareForm(forms.Form):
    """Share with a user or a group, until a date if given."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Share with"),
        choices=[("user", gettext_lazy("a user")), ("group", gettext_lazy("a group"))],
        widget=forms.RadioSelect,
        initial="user",
    )
    name = forms.CharField(
        label=gettext_lazy("Username or group name"),
        max_length=150,
        # Suggestions while typing (static/js/share-lookup.js fills the list).
        widget=forms.TextInput(attrs={"list": "share-names", "autocomplete": "off"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Access ends at the end of this day (UTC)."),
    )

    def expires(self) -> dt.datetime | None:
        until = self.cleaned_data.get("until")
        if until is None:
            return None
        # The last second of that day, so the access list shows the day that was chosen.
        return dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)

    def focus_first_error(self) -> ShareForm:
        """Put the focus, when the form is shown again, on the first field it refused."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["autofocus"] = True
                break
        return self
