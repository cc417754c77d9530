"""The campaign composer's steps: channel, sender, content, audience, schedule. Each step
is a small form over the draft campaign; only what the account's routes can carry is
accepted (the router picks a connection per message when the campaign sends)."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.encoding import analyze
from campaigns.forms.fields import ObjectsField
from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Campaign, ContactList, MediaAsset, SenderID, Template, VoiceRecording
from campaigns.models.campaigns import CAP_MODES
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.rendering import FALLBACK_HINT, account_fields, placeholders, problems
from campaigns.services.channel_offers import VOICE_KINDS, WHATSAPP_TYPES, carrying_connections
from campaigns.services.routing import sender_connection_ids, usable_senders
from campaigns.services.send_rules.caps import cap_help

MAX_SMS_SEGMENTS = 10


class ChannelStepForm(forms.Form):
    """Name, channel and the channel's option; what is offered is what the account's routes
    can carry (campaigns/services/channel_offers.py). No connection: the router picks it."""

    name = forms.CharField(max_length=150, help_text="For you and your reports; recipients never see it.")
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, widget=forms.RadioSelect)
    flash = forms.BooleanField(required=False, label="Flash SMS (shown on screen, not stored)")
    voice_kind = forms.ChoiceField(choices=[(k, label) for k, label, _ in VOICE_KINDS], required=False, widget=forms.RadioSelect)
    whatsapp_type = forms.ChoiceField(choices=[(k, label) for k, label, _ in WHATSAPP_TYPES], required=False, widget=forms.RadioSelect)

    def __init__(self, *args, offers: dict[str, dict[str, Any]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offers = offers
        if not offers.get("sms", {}).get("flash"):  # shown as it is before the page's script runs
            self.fields["flash"].widget.attrs["disabled"] = True

    def clean(self) -> dict:
        data = super().clean()
        channel = data.get("channel")
        if not channel:
            return data
        offer, label = self.offers[channel], dict(CHANNEL_CHOICES)[channel]
        if not offer["available"]:
            self.add_error("channel", f"Your account cannot send {label} yet. An account admin can set it up.")
            return data
        if channel == "sms" and data.get("flash") and not offer["flash"]:
            self.add_error("flash", "Flash SMS is not available on your account.")
        if channel == "voice":
            self._check_option(data, "voice_kind", offer["voice"], {k: lbl for k, lbl, _ in VOICE_KINDS})
        if channel == "whatsapp":
            self._check_option(data, "whatsapp_type", offer["whatsapp"], {k: lbl for k, lbl, _ in WHATSAPP_TYPES})
        return data

    def _check_option(self, data: dict, field: str, offered: list[str], labels: dict) -> None:
        value = data.get(field) or (offered[0] if offered else "")
        if value not in offered:
            self.add_error(field, f"“{labels.get(value, value)}” is not available on your account.")
        data[field] = value

    def apply(self, campaign: Campaign) -> None:
        data = self.cleaned_data
        if campaign.channel != data["channel"]:
            campaign.sender = None  # a sender belongs to one channel
            campaign.content = {}
        campaign.name, campaign.channel = data["name"], data["channel"]
        campaign.connection = None  # routing decides, per message
        campaign.flash = data["channel"] == "sms" and data.get("flash", False)
        content = dict(campaign.content or {})
        content.pop("kind", None)
        content.pop("type", None)
        if data["channel"] == "voice":
            content["kind"] = data["voice_kind"]
        if data["channel"] == "whatsapp":
            content["type"] = data["whatsapp_type"]
        campaign.content = content


def sender_connections(campaign: Campaign) -> list[int]:
    """The connections the campaign can go through: those carrying its channel, narrowed to
    where its sender is approved (a WhatsApp number lives on one). WhatsApp templates and
    media live on a connection, so the content step offers theirs."""
    carrying = [c.pk for c in carrying_connections(campaign.account, campaign.channel, campaign.subaccount)]
    allowed = sender_connection_ids(campaign.sender) if campaign.sender_id else None
    return [pk for pk in carrying if allowed is None or pk in allowed]


def senders_for(campaign: Campaign, scoped_senders: QuerySet) -> QuerySet:
    """Approved senders of the campaign's channel that the routes can carry."""
    usable = usable_senders(campaign.account, campaign.channel, campaign.subaccount)
    return scoped_senders.filter(pk__in=usable.values("pk"))


class SenderStepForm(forms.Form):
    sender = forms.ModelChoiceField(queryset=SenderID.objects.none(), required=False, empty_label="Choose a sender…")

    def __init__(self, *args, senders: QuerySet, required: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sender"].queryset = senders
        self.fields["sender"].required = required
        self.fields["sender"].help_text = "Only sender IDs your admin approved for this channel are listed."

    def apply(self, campaign: Campaign) -> None:
        campaign.sender = self.cleaned_data.get("sender")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# A menu line: a key (digits, * or #), then ".", ")", ":" or a dash, then the label.
# "." or ":" followed by a digit is a decimal or a time ("1.5GB", "10:30"), not a menu line.
MENU_LINE = re.compile(r"^\s*(\d{1,3}|[*#])\s*(?:[.:](?!\d)|\)|-|–)\s*(\S.*?)\s*$")
# Options written on one line ("Pick 1) A 2) B"): a number and ")" before each label.
INLINE_OPTION = re.compile(r"(?:^|\s)(\d{1,3})\)\s*(.+?)(?=\s+\d{1,3}\)|$)")


def menu_options(step_text: str) -> dict[str, str]:
    """The answers a USSD screen offers, key to label: {"1": "Data", "2": "Minutes"}.

    One option per line ("1. Data", "1) Data", "1 - Data"); failing that, options
    numbered 1, 2, ... on one line ("Pick 1) A 2) B"). The first of a repeated key wins."""
    options: dict[str, str] = {}
    for line in (step_text or "").splitlines():
        match = MENU_LINE.match(line)
        if match:
            options.setdefault(match.group(1), match.group(2))
    if options:
        return options
    inline = INLINE_OPTION.findall(" ".join((step_text or "").split()))
    if len(inline) >= 2 and [key for key, _ in inline] == [str(n) for n in range(1, len(inline) + 1)]:
        return {key: label.strip() for key, label in inline}
    return {}


def repeated_menu_keys(step_text: str) -> list[str]:
    keys = [m.group(1) for m in map(MENU_LINE.match, (step_text or "").splitlines()) if m]
    return sorted({k for k in keys if keys.count(k) > 1})


class ContentStepForm(forms.Form):
    """Every channel's content fields; the page shows the ones of the campaign's channel."""

    template = forms.ModelChoiceField(queryset=Template.objects.none(), required=False, empty_label="No template (free text)")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Message",
        help_text=f"Placeholders take the contact's field; for a field that may be empty give a fallback: {FALLBACK_HINT}.",
    )
    track_links = forms.BooleanField(
        required=False,
        label="Track links",
        help_text="Each recipient gets their own short link, so you see who tapped. Put ! before a link to send it as it is.",
    )
    variables = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Template variables",
        help_text="One per line, in order; placeholders allowed.",
    )
    media_asset = forms.ModelChoiceField(
        queryset=MediaAsset.objects.none(),
        required=False,
        empty_label="From a link below…",
        label="From the media library",
        help_text="Registered once with the provider (WhatsApp > Media).",
    )
    media_url = forms.URLField(required=False, label="Media link (https://…)", assume_scheme="https")
    caption = forms.CharField(required=False, max_length=1000)
    filename = forms.CharField(required=False, max_length=200, label="File name (documents)")
    recording = forms.ModelChoiceField(queryset=VoiceRecording.objects.none(), required=False, empty_label="Choose a recording…")
    call_parameters = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Call parameters", help_text="var1, var2… one per line, in order."
    )
    max_voice_repeat = forms.IntegerField(required=False, min_value=0, max_value=5, initial=1, label="Repeat the recording")
    max_call_attempts = forms.IntegerField(required=False, min_value=1, max_value=5, initial=1, label="Call attempts")
    ussd_steps = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Which offer?\n1. Data\n2. Minutes\n---\nThank you, we will text you."}),
        label="Menu steps",
        help_text="One screen per step, separated by a line holding only ---. Each answer on its own line "
        "(1. Data, 1) Data or 1 - Data). The last step ends the session.",
    )

    def __init__(
        self, *args, campaign: Campaign, templates: QuerySet, recordings: QuerySet, known_fields: list[str] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.known_fields = known_fields if known_fields is not None else account_fields(campaign.account_id)
        kind = {"sms": "sms", "whatsapp": "whatsapp", "voice": "voice"}.get(campaign.channel, "sms")
        tpl = templates.filter(kind=kind)
        conns = sender_connections(campaign)
        if kind == "whatsapp":
            tpl = tpl.filter(connection_id__in=conns)
        self.fields["template"].queryset = tpl
        self.fields["recording"].queryset = recordings.filter(status=VoiceRecording.Status.APPROVED)
        self.fields["media_asset"].queryset = MediaAsset.objects.filter(
            account_id=campaign.account_id, connection_id__in=conns, status=MediaAsset.Status.READY, kind=self.option
        )
        if campaign.channel == "voice" and self.option == "call":
            self.fields["template"].label = "Call template"
            self.fields["template"].empty_label = "No call template"

    @property
    def option(self) -> str:
        content = self.campaign.content or {}
        return content.get("kind") or content.get("type") or ""

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        content = campaign.content or {}
        media = content.get("media") or {}
        steps = content.get("steps") or []
        return {
            "template": campaign.template_id,
            "text": campaign.text,
            "track_links": campaign.track_links,
            "variables": "\n".join(content.get("variables") or []),
            "media_url": media.get("link", ""),
            "media_asset": content.get("media_asset"),
            "caption": media.get("caption", ""),
            "filename": media.get("filename", ""),
            "recording": content.get("recording_id"),
            "call_parameters": "\n".join((content.get("call_parameters") or {}).values()),
            "max_voice_repeat": content.get("max_voice_repeat", 1),
            "max_call_attempts": content.get("max_call_attempts", 1),
            "ussd_steps": "\n---\n".join(s.get("text", "") if isinstance(s, dict) else str(s) for s in steps),
        }

    def clean(self) -> dict:
        data = super().clean()
        check = getattr(self, f"_clean_{self.campaign.channel}", None)
        if check:
            check(data)
        self._check_placeholders(data)
        return data

    def _check_placeholders(self, data: dict) -> None:
        """Unknown fields, tags and broken braces block the step, named in the field's error."""
        fields = {name: [data.get(name) or ""] for name in ("text", "caption", "call_parameters", "ussd_steps")}
        fields["variables"] = list(data.get("variable_values") or [])
        for name, values in fields.items():
            for problem in dict.fromkeys(p for value in values for p in problems(value, self.known_fields)):
                self.add_error(name, problem)

    def variable_groups(self) -> list[dict[str, Any]]:
        """For each WhatsApp template: one labelled input per variable, filled for the chosen one."""
        chosen = str(self["template"].value() or "")
        stored = (self.campaign.content or {}).get("variables") or []
        groups = []
        for template in self.fields["template"].queryset:
            posted = self.data.getlist(f"variables_{template.pk}") if self.is_bound and hasattr(self.data, "getlist") else []
            values = posted or (stored if template.pk == self.campaign.template_id else [])
            names = [str(v) for v in template.variables or []]
            inputs = [
                {
                    "name": f"variables_{template.pk}",
                    "id": f"var_{template.pk}_{i}",
                    "label": f"{{{{{n}}}}}",
                    "value": values[i] if i < len(values) else "",
                }
                for i, n in enumerate(names)
            ]
            groups.append({"template": template, "inputs": inputs, "chosen": str(template.pk) == chosen})
        return groups

    def _template_variables(self, template: Template) -> list[str]:
        key = f"variables_{template.pk}"
        if hasattr(self.data, "getlist") and key in self.data:
            return [v.strip() for v in self.data.getlist(key)]
        return _lines(self.data.get("variables", ""))

    def _clean_sms(self, data: dict) -> None:
        template = data.get("template")
        if template and not data.get("text"):
            data["text"] = template.body
        text = data.get("text", "")
        if not text.strip():
            self.add_error("text", "Write the message (or choose a template).")
            return
        info = analyze(text)
        if info.segments > MAX_SMS_SEGMENTS:
            self.add_error("text", f"Too long: {info.segments} SMS segments; at most {MAX_SMS_SEGMENTS} are allowed.")

    def _clean_voice(self, data: dict) -> None:
        if self.option == "otp":
            if not data.get("text", "").strip():
                self.add_error("text", "Write the text to read out (e.g. Your code is {{ code }}).")
            return
        if not data.get("recording"):
            self.add_error("recording", "Choose an approved recording (upload one under Recordings).")

    def _clean_whatsapp(self, data: dict) -> None:
        option = self.option
        if option == "template":
            template = data.get("template")
            if not template:
                self.add_error("template", "Choose a WhatsApp template (sync them under Templates).")
                return
            values = self._template_variables(template)
            data["variable_values"] = values
            names = [str(v) for v in template.variables or []]
            empty = [f"{{{{{n}}}}}" for n, v in zip(names, values, strict=False) if not v]
            if names and len(values) != len(names):
                self.add_error("variables", f"This template has {len(names)} variable(s); you gave {len(values)}.")
            elif empty:
                self.add_error("variables", f"Fill every variable of the template: {', '.join(empty)} is empty.")
            if template.has_media and not data.get("media_url"):
                self.add_error("media_url", "This template shows media: give its link.")
        elif option == "text":
            if not data.get("text", "").strip():
                self.add_error("text", "Write the message.")
        elif not data.get("media_url") and not data.get("media_asset"):
            self.add_error("media_url", f"Choose the {option} from the media library or give its link.")

    def _clean_ussd(self, data: dict) -> None:
        steps = self.split_steps(data.get("ussd_steps", ""))
        if not steps:
            self.add_error("ussd_steps", "Write at least one menu step.")
        for n, step in enumerate(steps, start=1):
            if len(step) > 182:
                self.add_error("ussd_steps", f"Step {n} has {len(step)} characters; a USSD screen holds 182.")
            repeated = repeated_menu_keys(step)
            if repeated:
                self.add_error("ussd_steps", f"Step {n} offers {', '.join(repeated)} more than once; each answer needs its own key.")

    @staticmethod
    def split_steps(text: str) -> list[str]:
        blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n---\n")]
        return [b for b in blocks if b]

    def apply(self, campaign: Campaign) -> None:
        data = self.cleaned_data
        content = {k: v for k, v in (campaign.content or {}).items() if k in ("kind", "type")}
        campaign.template = data.get("template")
        campaign.text = data.get("text", "") if campaign.channel in ("sms", "voice", "whatsapp") else ""
        if campaign.channel in ("sms", "whatsapp"):
            campaign.track_links = bool(data.get("track_links"))
        if campaign.channel == "whatsapp":
            content["variables"] = list(data.get("variable_values") or _lines(data.get("variables", "")))
            if data.get("template"):
                content["template_id"] = data["template"].provider_template_id
            if data.get("media_asset") and self.option != "template":
                asset = data["media_asset"]
                content["media_asset"] = asset.pk
                content["media"] = {"id": asset.provider_media_id, "caption": data.get("caption", ""), "filename": data.get("filename", "")}
            elif data.get("media_url"):
                content["media_urls"] = [data["media_url"]]
                content["media"] = {"link": data["media_url"], "caption": data.get("caption", ""), "filename": data.get("filename", "")}
        elif campaign.channel == "voice" and self.option == "call":
            recording = data["recording"]
            content.update(
                recording_id=recording.pk,
                recording=recording.provider_reference,
                call_parameters={f"var{i}": v for i, v in enumerate(_lines(data.get("call_parameters", "")), start=1)},
                max_voice_repeat=data.get("max_voice_repeat") or 1,
                max_call_attempts=data.get("max_call_attempts") or 1,
            )
            if data.get("template"):
                content["call_template"] = data["template"].provider_template_id
        elif campaign.channel == "ussd":
            content["steps"] = [self.ussd_step(s) for s in self.split_steps(data.get("ussd_steps", ""))]
        campaign.content = content

    @staticmethod
    def ussd_step(text: str) -> dict[str, Any]:
        """A stored USSD step; its options let the answers be shown by their labels."""
        options = menu_options(text)
        return {"text": text, "options": options} if options else {"text": text}

    def used_placeholders(self) -> list[str]:
        return placeholders(self.cleaned_data.get("text", ""))


class AudienceStepForm(forms.Form):
    lists = ObjectsField(queryset=ContactList.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label="Send to lists")
    segments = ObjectsField(
        queryset=ContactList.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label="…and to segments"
    )
    exclude_lists = ObjectsField(
        queryset=ContactList.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label="Leave out anyone on"
    )
    exclude_segments = ObjectsField(
        queryset=ContactList.objects.none(), widget=forms.CheckboxSelectMultiple, required=False, label="…or in segments"
    )

    def __init__(self, *args, lists: QuerySet, segments: QuerySet | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lists"].queryset = lists
        self.fields["exclude_lists"].queryset = lists
        self.fields["segments"].queryset = segments if segments is not None else lists.none()
        self.fields["exclude_segments"].queryset = self.fields["segments"].queryset

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("lists") and not data.get("segments") and not self.errors:
            self.add_error("lists", "Choose at least one list or segment.")
        return data

    def apply(self, campaign: Campaign) -> None:
        campaign.audience = {
            "lists": [cl.pk for cl in self.cleaned_data["lists"]],
            "exclude_lists": [cl.pk for cl in self.cleaned_data["exclude_lists"]],
        }
        for key in ("segments", "exclude_segments"):
            if self.cleaned_data[key]:
                campaign.audience[key] = [s.pk for s in self.cleaned_data[key]]


COMMON_ZONES = [
    "UTC",
    "Asia/Karachi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Riyadh",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Cairo",
    "Europe/London",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Los_Angeles",
]


def zone_or_utc(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def timezone_choices(extra: str = "") -> list[tuple[str, str]]:
    zones = list(dict.fromkeys([extra, *COMMON_ZONES] if extra else COMMON_ZONES))
    others = sorted(z for z in zoneinfo.available_timezones() if z not in zones and "/" in z and not z.startswith("Etc"))
    return [(z, z.replace("_", " ")) for z in zones + others]


class ScheduleStepForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("now", "As soon as I launch"), ("later", "At a date and time")], widget=forms.RadioSelect, initial="now"
    )
    send_at = forms.DateTimeField(required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Send at")
    timezone = forms.ChoiceField(label="Time zone", help_text="For the send time, the allowed hours and the expiry.")
    allowed_start = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="Send only after")
    allowed_end = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}), label="...and before")
    expires_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        label="Give up at",
        help_text="What is not sent by then expires.",
    )
    mps = forms.IntegerField(
        required=False, min_value=1, label="At most messages per second", help_text="Empty: as fast as sending allows."
    )
    local_send_time = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="Deliver at this time in each recipient's zone",
        help_text="E.g. 10:00: each recipient gets it at the first 10:00 in their own time zone after the campaign starts "
        "(from the contact's timezone field, else their number). Empty: everyone at once.",
    )
    cap_mode = forms.ChoiceField(
        choices=CAP_MODES, widget=forms.RadioSelect, initial="skip", required=False, label="Recipients over the frequency cap"
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["timezone"].choices = timezone_choices(campaign.timezone)
        self.fields["cap_mode"].help_text = cap_help(campaign.account)

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        tz = zone_or_utc(campaign.timezone)
        local = lambda dt: dt.astimezone(tz).replace(tzinfo=None) if dt else None  # noqa: E731
        return {
            "when": "later" if campaign.send_at else "now",
            "send_at": local(campaign.send_at),
            "timezone": campaign.timezone,
            "allowed_start": campaign.allowed_start,
            "allowed_end": campaign.allowed_end,
            "expires_at": local(campaign.expires_at),
            "mps": campaign.mps,
            "local_send_time": campaign.local_send_time,
            "cap_mode": campaign.cap_mode,
        }

    def _aware(self, value: datetime | None, tz: zoneinfo.ZoneInfo) -> datetime | None:
        if value is None:
            return None
        # The form read the wall-clock time in the server's zone; it means that time in ``tz``.
        naive = value if timezone.is_naive(value) else timezone.make_naive(value)
        return naive.replace(tzinfo=tz)

    def clean(self) -> dict:
        data = super().clean()
        tz = zone_or_utc(data.get("timezone"))
        now = timezone.now()
        send_at = self._aware(data.get("send_at"), tz) if data.get("when") == "later" else None
        if data.get("when") == "later" and send_at is None and "send_at" not in self.errors:
            self.add_error("send_at", "Choose the date and time to send.")
        elif send_at and send_at < now:
            self.add_error("send_at", "This time has passed.")
        expires = self._aware(data.get("expires_at"), tz)
        if expires and expires <= (send_at or now):
            self.add_error("expires_at", "The expiry must be after the send time.")
        if bool(data.get("allowed_start")) != bool(data.get("allowed_end")):
            self.add_error("allowed_end", "Give both ends of the allowed hours, or neither.")
        elif data.get("allowed_start") and data["allowed_start"] == data["allowed_end"]:
            self.add_error("allowed_end", "The allowed hours are empty (start equals end).")
        data["send_at_aware"], data["expires_at_aware"] = send_at, expires
        return data

    def clean_mps(self) -> int | None:
        mps = self.cleaned_data.get("mps")
        conn = self.campaign.connection
        if mps and conn and mps > conn.mps:
            raise forms.ValidationError(f"The connection allows at most {conn.mps} messages per second.")
        return mps

    def apply(self, campaign: Campaign) -> None:
        data = self.cleaned_data
        campaign.send_at, campaign.expires_at = data["send_at_aware"], data["expires_at_aware"]
        campaign.timezone = data["timezone"]
        campaign.allowed_start, campaign.allowed_end = data.get("allowed_start"), data.get("allowed_end")
        campaign.mps = data.get("mps")
        campaign.local_send_time, campaign.cap_mode = data.get("local_send_time"), data.get("cap_mode") or "skip"


class TestSendForm(forms.Form):
    to = forms.CharField(max_length=30, label="Send a test to", help_text="Your own number, with the country code.")
    sample = forms.CharField(
        max_length=30,
        required=False,
        label="Personalised as",
        help_text="A contact's number: the test carries their name and fields. Empty: the contact with the test number, "
        "else the audience's first.",
    )

    def __init__(self, *args, variants: list[str] | None = None, **kwargs) -> None:
        """``variants``: an A/B campaign's variant labels; the marketer picks one, or all of them."""
        super().__init__(*args, **kwargs)
        if variants:
            choices = [(label, f"Variant {label}") for label in variants] + [("all", f"All {len(variants)} variants, one test each")]
            self.fields["variant"] = forms.ChoiceField(
                choices=choices, initial=variants[0], label="Variant", help_text="Which content of the A/B test the test carries."
            )

    def clean_to(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["to"])
        except PhoneError as exc:
            raise forms.ValidationError(str(exc))

    def clean_sample(self) -> str:
        value = self.cleaned_data.get("sample", "").strip()
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except PhoneError as exc:
            raise forms.ValidationError(str(exc))
