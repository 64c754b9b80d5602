"""Writes the notice corpus (tests/intake/corpus/) in the platform's style, both languages, in the
encodings Taiwan's mail uses. Run it again to regenerate: `python tests/intake/make_corpus.py`.
The notices are written for the test world's cases (tests/conftest.py): 115551035401 is Priya
Sharma's (Acme, Formosa agency), 115551035404 another agency's."""

from __future__ import annotations

from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

HERE = Path(__file__).parent / "corpus"

ZH_NOTICE = """{name_zh}君您好：

內政部移民署通知：您申請之就業金卡案件，經審核需資料補正，請於文到30日內至外國專業人才申辦窗口平臺補正；
如需自國外取得文件者，得於6個月內補正。

申請案號：{number}
中文姓名：{name_zh}
英文姓名：{name_en}
狀態：初審資料補正
發文日期：民國115年11月24日

審核意見：
【基本資料】英文姓氏與護照不符，請更正。
【文件上傳】請補附最近三個月之在職證明。

內政部移民署 敬啟
"""

EN_NOTICE = """Dear applicant,

The National Immigration Agency has reviewed your Employment Gold Card application and requests a
supplement (補正). Please submit the supplementary documents on the Foreign Professionals Online
Application Platform within 30 days of this notice.

Application No.: {number}
Applicant: {name_en}
Date of notice: 24 November 2026

Reviewer's comments:
Passport: The passport copy is unreadable; upload a clear scan.
Field of expertise: Provide the employment certificate showing the monthly salary.

National Immigration Agency
"""


def write(name: str, message) -> None:
    (HERE / name).write_bytes(bytes(message))


def simple(subject: str, sender: str, body: str, charset: str, cte: str | None, msgid: str):
    message = MIMEText(body, "plain", charset)
    if cte == "qp":
        from email import charset as cs

        c = cs.Charset(charset)
        c.body_encoding = cs.QP
        message = MIMEText(body, "plain", c)
    message["From"] = sender
    message["To"] = "notices@formosa.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 24 Nov 2026 09:12:00 +0800"
    message["Message-ID"] = msgid
    return message


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text (hand-written: no PDF writer with text is installed)."""
    text = (
        "BT /F1 11 Tf 50 780 Td 14 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        )
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text.encode()) + text.encode() + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF_LINES = [
    "National Immigration Agency, Ministry of the Interior",
    "Notice of supplement (supplementary documents required)",
    "Application No.: 115551035401",
    "Applicant: SHARMA, PRIYA",
    "Date of notice: 2026-11-24",
    "The documents come from abroad: submit them within 6 months of this notice.",
    "Document upload: The degree certificate must be authenticated by the mission.",
]


def main() -> None:
    HERE.mkdir(exist_ok=True)
    nia = formataddr(("移民署", "notice@immigration.gov.tw"))
    priya = {"number": "115551035401", "name_zh": "夏普莉", "name_en": "SHARMA, PRIYA"}
    # 1. UTF-8, Chinese, 8bit.
    write(
        "nia_utf8_zh.eml",
        simple(
            "就業金卡案件資料補正通知",
            nia,
            ZH_NOTICE.format(**priya),
            "utf-8",
            None,
            "<n1-utf8@immigration.gov.tw>",
        ),
    )
    # 2. Big5 (base64 body), a date written in the notice, ROC slashes for the notice date.
    big5 = (
        "申請案號：115551035402\n英文姓名：WANG, DAVID\n發文日期：115/11/24\n"
        "本案經審核需補件，請於115年12月10日前至平臺補正。\n【護照資料】護照影本模糊。\n"
    )
    write(
        "nia_big5_zh.eml",
        simple("補件通知", nia, big5, "big5", None, "<n2-big5@immigration.gov.tw>"),
    )
    # 3. English, quoted-printable, from the WDA.
    write(
        "wda_qp_en.eml",
        simple(
            "Supplement request: Employment Gold Card",
            "WDA <goldcard@wda.gov.tw>",
            EN_NOTICE.format(number="115551035402", name_en="WANG, DAVID").replace(
                "National Immigration Agency has", "Workforce Development Agency has"
            ),
            "utf-8",
            "qp",
            "<n3-qp@wda.gov.tw>",
        ),
    )
    # 4. HTML only, base64.
    html = (
        "<html><body><p>就業金卡 補正通知</p><table><tr><td>申請案號：</td><td>115551035401</td></tr>"
        "<tr><td>發文日期：</td><td>115年11月24日</td></tr></table>"
        "<p>請於文到30日內補正。</p><p>【居留申請】居留地址請填寫完整。</p></body></html>"
    )
    message = MIMEText(html, "html", "utf-8")
    message["From"], message["Subject"] = nia, "=?utf-8?b?6KOc5q2j6YCa55+l?="
    message["Date"], message["Message-ID"] = (
        "Tue, 24 Nov 2026 10:00:00 +0800",
        "<n4-html@immigration.gov.tw>",
    )
    write("nia_html_only.eml", message)
    # 5. Forwarded by agency staff, original quoted.
    quoted = "\n".join(
        "> " + line
        for line in EN_NOTICE.format(number="115551035401", name_en="SHARMA, PRIYA").splitlines()
    )
    body = (
        "FYI, please handle.\n\n---------- Forwarded message ---------\n"
        "> From: NIA Notice <notice@immigration.gov.tw>\n> Date: Tue, 24 Nov 2026 09:12\n"
        f"> Subject: Supplement request\n>\n{quoted}\n"
    )
    write(
        "forwarded_en.eml",
        simple(
            "Fwd: Supplement request",
            "Staff <staff@formosa.example>",
            body,
            "utf-8",
            None,
            "<n5-fwd@formosa.example>",
        ),
    )
    # 6. The notice as a PDF attachment.
    pdf = tiny_pdf(PDF_LINES)
    (HERE / "notice_en.pdf").write_bytes(pdf)
    multi = MIMEMultipart()
    multi["From"], multi["Subject"] = nia, "Notice (see attachment)"
    multi["Date"], multi["Message-ID"] = (
        "Tue, 24 Nov 2026 11:00:00 +0800",
        "<n6-pdf@immigration.gov.tw>",
    )
    multi.attach(MIMEText("Please see the attached notice.\n", "plain", "utf-8"))
    attachment = MIMEApplication(pdf, "pdf")
    attachment.add_header("Content-Disposition", "attachment", filename="notice.pdf")
    multi.attach(attachment)
    write("nia_pdf_attachment.eml", multi)
    # 7. Not notices: a payment reminder and an approval.
    write(
        "payment_reminder_zh.eml",
        simple(
            "繳費提醒",
            nia,
            "申請案號：115551035401\n您的就業金卡申請尚未繳納規費，請儘速繳費。\n",
            "utf-8",
            None,
            "<n7-pay@immigration.gov.tw>",
        ),
    )
    write(
        "approval_en.eml",
        simple(
            "Application approved",
            nia,
            "Application No.: 115551035401\nYour Employment Gold Card application has been approved.\n",
            "utf-8",
            None,
            "<n8-ok@immigration.gov.tw>",
        ),
    )
    # 8. Another agency's case; and a notice without a number (name only).
    write(
        "other_agency_zh.eml",
        simple(
            "補正通知",
            nia,
            ZH_NOTICE.format(number="115551035404", name_zh="林小明", name_en="LIN, MING"),
            "utf-8",
            None,
            "<n9-other@immigration.gov.tw>",
        ),
    )
    write(
        "name_only_en.eml",
        simple(
            "Supplement request",
            nia,
            EN_NOTICE.format(number="", name_en="SHARMA, PRIYA").replace("Application No.: \n", ""),
            "utf-8",
            None,
            "<n10-name@immigration.gov.tw>",
        ),
    )
    # 9. Something that is no e-mail or PDF at all.
    (HERE / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf at all")


if __name__ == "__main__":
    main()
