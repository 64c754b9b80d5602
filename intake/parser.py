"""Read a notice: an e-mail (.eml, any charset Taiwan uses, plain or HTML-only, forwarded, with
the notice as a PDF attachment), a PDF, or pasted text, into a `Reading` whose every field says
which rule of intake.rules found it. No database here: pure functions over bytes and text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from email.utils import parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

from cases.choices import DeadlineRule, PlatformTab, RequestingBody
from cases.deadlines import TAIPEI
from intake import rules

EMAIL = "message/rfc822"
PDF = "application/pdf"
TEXT = "text/plain"


class Unreadable(Exception):
    """The file is no e-mail, PDF or text this reader can open; nothing is created for it."""


@dataclass(frozen=True)
class Found:
    """One extracted field and the rule that found it."""

    value: Any
    source: str

    def as_dict(self) -> dict[str, str]:
        value = self.value.isoformat() if isinstance(self.value, dt.date) else str(self.value)
        return {"value": value, "source": self.source}


@dataclass
class Reading:
    content_type: str
    text: str
    is_notice: bool
    seems: str = ""  # what a mail that is no notice seems to be
    message_id: str = ""
    subject: str = ""
    sender: str = ""
    fields: dict[str, Found] = field(default_factory=dict)
    comments: list[tuple[str, str]] = field(default_factory=list)

    def value(self, name: str) -> Any:
        found = self.fields.get(name)
        return found.value if found else None

    def fields_as_dict(self) -> dict[str, dict[str, str]]:
        return {name: found.as_dict() for name, found in self.fields.items()}


# --- Opening the file ------------------------------------------------------------------------
def kind_of(data: bytes, name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if data[:5] == b"%PDF-" or suffix == ".pdf":
        return PDF
    if suffix in (".eml", ".msg", "") or data[:200].lower().find(b"from:") >= 0:
        return EMAIL
    if suffix == ".txt":
        return TEXT
    raise Unreadable(f"not an e-mail (.eml) or PDF: {name}")


def read_notice(data: bytes, name: str) -> Reading:
    """Read `data` (an e-mail or a PDF) named `name`; raise Unreadable when it cannot be opened."""
    if not data:
        raise Unreadable("empty file")
    kind = kind_of(data, name)
    if kind == PDF:
        return read_text(pdf_text(data), content_type=PDF)
    if kind == TEXT:
        return read_text(_decode(data, None), content_type=TEXT)
    return read_email(data)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # the well-kept reader the project's stack notes name
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("the PDF is encrypted")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(f"the PDF cannot be read ({exc.__class__.__name__})") from exc


def _decode(payload: bytes, charset: str | None) -> str:
    """Taiwan's mail says big5 but often holds cp950's extra characters; try the wider one too."""
    candidates = [charset] if charset else []
    if charset and charset.lower().replace("-", "") in ("big5", "big5hkscs", "cp950"):
        candidates.insert(0, "cp950")
    candidates += ["utf-8", "cp950"]
    for candidate in candidates:
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


class _HTMLText(HTMLParser):
    """HTML-only mail to text (the stdlib parser suffices: the notices carry no scripts to run)."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    return "".join(parser.parts)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return _decode(payload, part.get_content_charset())


def read_email(data: bytes) -> Reading:
    message = message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    if not message.get("From") or not (message.get("Subject") or message.get("Date")):
        raise Unreadable("not an e-mail: no sender, subject or date")
    plain: list[str] = []
    html: list[str] = []
    pdfs: list[str] = []
    inner_headers: list[str] = []
    inner_dates: list[str] = []
    for part in message.walk():
        content_type = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if content_type == EMAIL:
            continue  # walk() goes into it; its headers are read below
        if part is not message and part.get("From"):
            inner_headers.append(f"From: {part.get('From')}")
            if part.get("Date"):
                inner_dates.append(str(part.get("Date")))
        if content_type == PDF or filename.endswith(".pdf"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                # An unreadable attachment: the mail's own text may still do.
                with contextlib.suppress(Unreadable):
                    pdfs.append(pdf_text(payload))
        elif content_type == "text/plain" and part.get_content_disposition() != "attachment":
            plain.append(_part_text(part))
        elif content_type == "text/html" and part.get_content_disposition() != "attachment":
            html.append(html_text(_part_text(part)))
    body = "\n".join(plain) if plain else "\n".join(html)
    text = "\n".join([*inner_headers, body, *pdfs])
    reading = read_text(text, content_type=EMAIL, subject=str(message.get("Subject", "")))
    reading.message_id = str(message.get("Message-ID", "")).strip()[:300]
    reading.subject = str(message.get("Subject", ""))[:300]
    reading.sender = str(message.get("From", ""))[:300]
    _sender_from_header(reading, reading.sender)
    # No date in the text: the forwarded original's Date header (an attached message), else the
    # mail's own. Never the forward's when the original is there: the clock runs from the notice.
    dated = [(date, "the forwarded original's Date header") for date in inner_dates]
    if message.get("Date"):
        dated.append((str(message["Date"]), "the mail's Date header"))
    for header, where in dated:
        if "notice_date" in reading.fields:
            break
        try:
            sent = parsedate_to_datetime(header)
            if sent.tzinfo is None:
                sent = sent.replace(tzinfo=dt.UTC)
            day = sent.astimezone(TAIPEI).date()
        except (TypeError, ValueError, OverflowError):  # year 9999 at -1200 is past date.max
            continue
        reading.fields["notice_date"] = Found(day, f"{where} (Taipei date)")
    return reading


# --- Reading the text ----------------------------------------------------------------------------
def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # Forwarded and replied mail quote the original with "> ": read it as the text it is.
    return re.sub(r"^(?:\s*>)+ ?", "", text, flags=re.MULTILINE)


def find_date(snippet: str) -> tuple[dt.date, str] | None:
    """The first date in `snippet`, ROC or Western, and the form it was written in."""
    best: tuple[int, dt.date, str] | None = None
    for form in rules.DATE_FORMS:
        for match in form.regex.finditer(snippet):
            try:
                year = int(match["y"]) + (1911 if form.roc else 0)
                month = rules.MONTHS[match["m"].lower()] if form.month_names else int(match["m"])
                day = int(match["d"])
                value = dt.date(year, month, day)
            except (ValueError, KeyError):
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), value, form.name)
            break
    return (best[1], best[2]) if best else None


def read_text(text: str, *, content_type: str = TEXT, subject: str = "") -> Reading:
    text = normalise(text)
    whole = f"{normalise(subject)}\n{text}"
    reading = Reading(content_type=content_type, text=text.strip(), is_notice=False)
    if not rules.SUPPLEMENT_WORDS.regex.search(whole):
        reading.seems = next(
            (seems for seems, pattern in rules.NOT_A_NOTICE if pattern.regex.search(whole)),
            "no supplement request found",
        )
    else:
        reading.is_notice = True
    fields = reading.fields
    _application_number(whole, fields)
    _first(rules.NAME_ZH, text, fields, "name_zh")
    _first(rules.NAME_EN, text, fields, "name_en")
    for pattern in rules.NOTICE_DATE_LABELS:
        match = pattern.regex.search(text)
        found = find_date(match.group(1)) if match else None
        if found:
            fields["notice_date"] = Found(found[0], f"{pattern.name}, {found[1]}")
            break
    _rule(text, fields)
    _sender_from_text(text, fields)
    if reading.is_notice:
        for tab in PlatformTab.values:
            for match in rules.TAB_LINES[tab].finditer(text):
                comment = match.group(1).strip()
                if comment:
                    reading.comments.append((tab, comment))
    return reading


def _first(patterns: tuple[rules.Pattern, ...], text: str, fields: dict[str, Found], name: str):
    for pattern in patterns:
        match = pattern.regex.search(text)
        if match:
            fields[name] = Found(match.group(1).strip(), pattern.name)
            return


def _application_number(text: str, fields: dict[str, Found]) -> None:
    _first(rules.APPLICATION_NUMBER, text, fields, "application_number")
    if "application_number" not in fields:
        numbers = set(rules.BARE_NUMBER.regex.findall(text))
        if len(numbers) == 1:  # several bare numbers: none is taken
            fields["application_number"] = Found(numbers.pop(), rules.BARE_NUMBER.name)


def _rule(text: str, fields: dict[str, Found]) -> None:
    for pattern in rules.WRITTEN_DEADLINE:
        match = pattern.regex.search(text)
        found = find_date(match.group(1)) if match else None
        if found:
            fields["rule"] = Found(DeadlineRule.CUSTOM, pattern.name)
            fields["deadline"] = Found(found[0], f"{pattern.name}, {found[1]}")
            return
    named = [(rule, pattern) for rule, pattern in rules.RULES if pattern.regex.search(text)]
    if not named:
        return
    rule, pattern = named[0]  # RULES runs shortest first: the safe side
    source = pattern.name
    if len(named) > 1:
        source += " (the notice names " + ", ".join(p.name for _r, p in named) + "; the shortest)"
    elif rule in (DeadlineRule.MONTHS_6, DeadlineRule.MONTHS_3) and rules.ABROAD.regex.search(text):
        source += ", documents from abroad"
    fields["rule"] = Found(rule, source)


def _sender_by_domain(address: str) -> rules.Sender | None:
    domain = parseaddr(address)[1].rpartition("@")[2].lower()
    for sender in rules.SENDERS:
        if any(domain == d or domain.endswith("." + d) for d in sender.domains):
            return sender
    return None


def _set_sender(fields: dict[str, Found], sender: rules.Sender, source: str, text: str) -> None:
    body = sender.requesting_body
    if body == RequestingBody.NIA_INITIAL and rules.FINAL_REVIEW.search(text):
        body, source = RequestingBody.NIA_FINAL, f"{source}; 複審 / final review in the text"
    fields["requesting_body"] = Found(body, source)
    if sender.authority_code:
        fields["authority_code"] = Found(sender.authority_code, source)


def _sender_from_text(text: str, fields: dict[str, Found]) -> None:
    for match in rules.FORWARDED_FROM.regex.finditer(text):
        sender = _sender_by_domain(match.group(1).strip())
        if sender:
            _set_sender(fields, sender, f"{rules.FORWARDED_FROM.name} ({sender.key})", text)
            return
    for sender in rules.SENDERS:
        for name in sender.names:
            if name.lower() in text.lower():
                _set_sender(fields, sender, f"sender's name in the text: {name}", text)
                return


def _sender_from_header(reading: Reading, address: str) -> None:
    """The mail's own From wins over names in the text (a notice cites other bodies too)."""
    sender = _sender_by_domain(address)
    if sender:
        _set_sender(reading.fields, sender, f"the mail's From header ({sender.key})", reading.text)
