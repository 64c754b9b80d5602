"""The reading rules of notices, as data: who sends them, and the patterns per language that find
each field (issue 13). The parser (intake.parser) only applies these; a new sender or wording is a
new row here. Every rule has a name, which the extracted field carries as its source: no field is
ever guessed silently.

Texts are normalised (NFKC: full-width digits and colons become ASCII) before these run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.choices import DeadlineRule, PlatformTab, RequestingBody


@dataclass(frozen=True)
class Sender:
    """A body that sends supplement notices, known by its mail domains or its name in the text."""

    key: str
    requesting_body: str
    domains: tuple[str, ...]
    names: tuple[str, ...]
    authority_code: str = ""


SENDERS: tuple[Sender, ...] = (
    Sender(
        "nia",
        RequestingBody.NIA_INITIAL,
        ("immigration.gov.tw",),
        ("內政部移民署", "移民署", "National Immigration Agency"),
    ),
    Sender(
        "wda",
        RequestingBody.WDA,
        ("wda.gov.tw", "mol.gov.tw"),
        ("勞動力發展署", "勞動部", "Workforce Development Agency"),
    ),
    Sender(
        "nstc",
        RequestingBody.COMPETENT_AUTHORITY,
        ("nstc.gov.tw",),
        ("國家科學及技術委員會", "國科會", "National Science and Technology Council"),
        "NSTC",
    ),
    Sender(
        "moea",
        RequestingBody.COMPETENT_AUTHORITY,
        ("moea.gov.tw",),
        ("經濟部", "Ministry of Economic Affairs"),
        "MOEA",
    ),
    Sender(
        "moe",
        RequestingBody.COMPETENT_AUTHORITY,
        ("moe.gov.tw", "edu.tw"),
        ("教育部", "Ministry of Education"),
        "MOE",
    ),
    Sender(
        "moc",
        RequestingBody.COMPETENT_AUTHORITY,
        ("moc.gov.tw",),
        ("文化部", "Ministry of Culture"),
        "MOC",
    ),
    Sender(
        "fsc",
        RequestingBody.COMPETENT_AUTHORITY,
        ("fsc.gov.tw",),
        ("金融監督管理委員會", "金管會", "Financial Supervisory Commission"),
        "FSC",
    ),
    Sender(
        "moda",
        RequestingBody.COMPETENT_AUTHORITY,
        ("moda.gov.tw",),
        ("數位發展部", "Ministry of Digital Affairs"),
        "MODA",
    ),
    Sender(
        "boca",
        RequestingBody.BOCA,
        ("boca.gov.tw",),
        ("領事事務局", "Bureau of Consular Affairs"),
    ),
    Sender(
        "mission",
        RequestingBody.MISSION,
        ("mofa.gov.tw",),
        (
            "駐外館處",
            "代表處",
            "Taipei Economic and Cultural Office",
            "Taipei Representative Office",
        ),
    ),
)

# The NIA's initial and final reviews send alike; the text says which.
FINAL_REVIEW = re.compile(r"複審|final review", re.IGNORECASE)


@dataclass(frozen=True)
class Pattern:
    """One named pattern; group 1 (or the named groups) holds the value."""

    name: str
    regex: re.Pattern[str]


def _p(name: str, pattern: str) -> Pattern:
    return Pattern(name, re.compile(pattern, re.IGNORECASE | re.MULTILINE))


# --- What kind of mail it is -----------------------------------------------------------------
# A notice asks for a supplement; anything else is filed as "not a notice" with what it seems to be.
SUPPLEMENT_WORDS = _p(
    "supplement wording",
    r"補正|補件|補充資料|supplementary documents|supplement request|submit a supplement"
    r"|request(?:s|ed)? (?:a )?supplement|additional documents",
)
NOT_A_NOTICE: tuple[tuple[str, Pattern], ...] = (
    ("payment reminder", _p("payment wording", r"繳費|繳納|規費|payment|pay the fee")),
    ("approval", _p("approval wording", r"核准|已通過|approved|has been granted")),
    ("refusal", _p("refusal wording", r"不予許可|駁回|refused|rejected")),
    ("card ready", _p("card wording", r"領證|製證|card is ready|collect your card")),
)

# --- The application number (申請案號), 12 digits ------------------------------------------------
APPLICATION_NUMBER: tuple[Pattern, ...] = (
    _p("申請案號 label", r"申請案號\s*[:：]?\s*(\d{12})(?!\d)"),
    _p("案號 label", r"案號\s*[:：]?\s*(\d{12})(?!\d)"),
    _p(
        "'Application No.' label",
        r"application\s*(?:no\.?|number|#)\s*[:：]?\s*(\d{12})(?!\d)",
    ),
    _p("case number label", r"case\s*(?:no\.?|number)\s*[:：]?\s*(\d{12})(?!\d)"),
)
# A bare 12-digit number starting like the platform's (1155xxxxxxxx): used, but said so.
BARE_NUMBER = _p("bare 12-digit number", r"(?<!\d)(1\d{11})(?!\d)")

# --- The applicant's names ---------------------------------------------------------------------
NAME_ZH: tuple[Pattern, ...] = (
    _p("中文姓名 label", r"中文姓名\s*[:：]\s*([\u4e00-\u9fff·．]{2,10})"),
    _p("申請人 label", r"申請人\s*[:：]\s*([\u4e00-\u9fff·．]{2,10})"),
)
NAME_EN: tuple[Pattern, ...] = (
    _p("英文姓名 label", r"英文姓名\s*[:：]\s*([A-Za-z][A-Za-z ,.'-]{1,80}[A-Za-z.])"),
    _p(
        "'Applicant' label",
        r"applicant(?:'s)?(?: name)?\s*[:：]\s*([A-Za-z][A-Za-z ,.'-]{1,80}[A-Za-z.])",
    ),
    _p("'Name' label", r"^\s*name\s*[:：]\s*([A-Za-z][A-Za-z ,.'-]{1,80}[A-Za-z.])"),
)


# --- Dates -------------------------------------------------------------------------------------
# Each date pattern has groups y, m, d; `roc` says the year is a Republic of China year (+1911).
@dataclass(frozen=True)
class DateForm:
    name: str
    regex: re.Pattern[str]
    roc: bool
    month_names: bool = False


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<m>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

DATE_FORMS: tuple[DateForm, ...] = (
    DateForm(
        "ROC date 民國Y年M月D日",
        re.compile(r"民國\s*(?P<y>\d{2,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        roc=True,
    ),
    DateForm(
        "Western date YYYY年M月D日",
        re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        roc=False,
    ),
    DateForm(
        "ROC date Y年M月D日",
        re.compile(r"(?<!\d)(?P<y>\d{2,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        roc=True,
    ),
    DateForm(
        "Western date YYYY-MM-DD",
        re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
        roc=False,
    ),
    DateForm(
        "ROC date Y/M/D",
        re.compile(r"(?<![\d/])(?P<y>\d{2,3})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?![\d/])"),
        roc=True,
    ),
    DateForm(
        "English date D Month YYYY",
        re.compile(r"(?<!\d)(?P<d>\d{1,2})\s+" + _MONTH + r",?\s+(?P<y>\d{4})", re.IGNORECASE),
        roc=False,
        month_names=True,
    ),
    DateForm(
        "English date Month D, YYYY",
        re.compile(_MONTH + r"\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})", re.IGNORECASE),
        roc=False,
        month_names=True,
    ),
)

# Where the notice's own date stands: a label, then a date within the same line.
NOTICE_DATE_LABELS: tuple[Pattern, ...] = (
    _p("發文日期 label", r"發文日期\s*[:：]?\s*(.{0,30})"),
    _p("通知日期 label", r"通知日期\s*[:：]?\s*(.{0,30})"),
    _p("'Date of notice' label", r"(?:date of (?:this )?notice|notice date)\s*[:：]?\s*(.{0,40})"),
    _p("日期 label", r"^\s*日期\s*[:：]\s*(.{0,30})"),
    _p("'Date' label", r"^\s*date\s*[:：]\s*(.{0,40})"),
)

# --- The rule and a date written in the notice ---------------------------------------------
# A deadline written in the notice wins (the notice is authoritative, domain.md).
WRITTEN_DEADLINE: tuple[Pattern, ...] = (
    _p("請於…前 (date written in the notice)", r"請於\s*(.{4,30}?)\s*(?:以)?前"),
    _p("補正期限 label", r"(?:補正|補件)期限\s*[:：]?\s*(.{4,30})"),
    _p(
        "'no later than' (date written in the notice)",
        r"(?:no later than|not later than|on or before|deadline\s*[:：]?)\s*(.{4,40})",
    ),
)
# Several may be named ("30 days, or 6 months for documents from abroad"): the parser takes the
# shortest, the safe side, and says so; staff confirm. Dates like 11月30日 never read as "30 days".
RULES: tuple[tuple[str, Pattern], ...] = (
    (DeadlineRule.DAYS_15, _p("15 days", r"(?:15|十五)\s*[日天]\s*內|(?:15|fifteen)\s+days")),
    (DeadlineRule.DAYS_30, _p("30 days", r"(?:30|三十)\s*[日天]\s*內|(?:30|thirty)\s+days")),
    (DeadlineRule.MONTHS_3, _p("3 months", r"(?:3|三)\s*個\s*月|(?:3|three)\s+months")),
    (DeadlineRule.MONTHS_6, _p("6 months", r"(?:6|六)\s*個\s*月|(?:6|six)\s+months")),
)
ABROAD = _p("documents from abroad", r"國外|境外|海外|abroad|overseas|outside Taiwan")

# --- Reviewer's comments (審核意見) per platform tab --------------------------------------------
# A line starting with a tab's name, then ":" or "】", carries that tab's comment.
TAB_NAMES: dict[str, tuple[str, ...]] = {
    PlatformTab.BASIC: ("基本資料", "Basic data"),
    PlatformTab.PASSPORT: ("護照資料", "Passport"),
    PlatformTab.VISA: ("簽證申請(繳驗護照)", "簽證申請", "Visa application"),
    PlatformTab.RESIDENCE: ("居留申請", "Residence application", "Residence"),
    PlatformTab.FIELD: ("領域專長", "Field of expertise"),
    PlatformTab.UPLOAD: ("文件上傳", "Document upload"),
    PlatformTab.SUBMIT: ("完成送出", "Finish and submit"),
}


def tab_line(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(
        r"^\s*(?:[-*•\d.]+\s*)?[【\[]?\s*(?:"
        + alternatives
        + r")\s*(?:[】\]]\s*[:：]?|[:：])\s*(.+)$",
        re.IGNORECASE | re.MULTILINE,
    )


TAB_LINES: dict[str, re.Pattern[str]] = {tab: tab_line(names) for tab, names in TAB_NAMES.items()}

# Forwarded mail: the quoted original's "From:" line names the real sender.
FORWARDED_FROM = _p("forwarded 'From:' line", r"^\s*(?:from|寄件者)\s*[:：]\s*(.+)$")
