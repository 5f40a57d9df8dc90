"""Subjects and display names arrive exactly as written, long and Vietnamese as they are.

Each message goes through the real SMTP server of the tests and is parsed back as a mail client
reads it: ``email`` with ``policy.default`` decodes RFC 2047 as clients do, dropping the
whitespace between two encoded-words. A header folded with the space between two words outside
the encoded-words then reads "tìnhhình", which is what users saw.
"""

from __future__ import annotations

import email
import email.policy
import random
import re
import unicodedata
from datetime import date, timedelta
from email.utils import quote

import pytest
from conftest import NOW
from smtp_support import SmtpServer

from tracker.assignments import workflow
from tracker.mail.outbox import enqueue
from tracker.mail.sender import build_email, send_pending
from tracker.models import OutboxMessage, User
from tracker.reminders import digest, summary

LONG_SUBJECTS = [
    # 120+ characters of accented words, the shape of every reminder's subject.
    "[Giao việc] Báo cáo tổng hợp tình hình thực hiện nhiệm vụ được giao của các cơ quan, "
    "đơn vị, địa phương tuần 20/2026: 148 nhiệm vụ, 37 quá hạn",
    "[Giao việc] Tổng hợp nhiệm vụ tuần 20/2026 – UBND phường Sở Dầu: 2 quá hạn, "
    "3 đến hạn trong tuần, 1 đến hạn tuần sau, 1 chưa cập nhật",
    "[Giao việc] Nhiệm vụ mới được giao: Triển khai cung cấp dịch vụ công trực tuyến toàn "
    "trình đối với các thủ tục hành chính đủ điều kiện – UBND phường Sở Dầu",
    # The longest subject the outbox keeps (300 characters), every word accented.
    ("Ủy ban nhân dân phường Sở Dầu đôn đốc thực hiện nhiệm vụ được giao đúng thời hạn " * 4)[
        :300
    ].strip(),
    # ASCII words between accented ones, punctuation, quotes, a URL-like long word.
    '[Giao việc] Đôn đốc: "Số hóa hồ sơ" – UBND phường Sở Dầu (ref. 45/TB-UBND, '
    "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html) – hạn 30/05/2026",
    # Only ASCII, long: folded at spaces, never encoded.
    "[Giao viec] Bao cao tong hop tinh hinh thuc hien nhiem vu duoc giao tuan 20/2026: "
    "148 nhiem vu, 37 qua han, 12 den han trong tuan",
    # Text that looks like an encoded-word must stay text.
    "[Giao việc] Ghi chú =?utf-8?q?kh=C3=B4ng?= phải mã hóa – giữ nguyên như người dùng nhập",
]

# (name, whether each run of accented words fits one encoded-word of 75 characters)
DISPLAY_NAMES = [
    ("Hệ thống Giao việc", True),
    ("Văn phòng HĐND và UBND phường Sở Dầu – Hệ thống Giao việc", True),
    ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường Sở Dầu", True),
    ("Giao việc, UBND phường Sở Dầu", True),
    ("Giao viec (UBND phuong So Dau)", True),
    # 47 bytes of accented words in a row: one longer encoded-word, never two in a row (Python's
    # address parser would read the space between two as part of the name).
    ('Bộ phận "Một cửa" phường Sở Dầu', False),
]

ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


@pytest.fixture
def smtp(app_ctx):
    with SmtpServer() as server:
        app_ctx.config["SMTP_URL"] = server.url()
        yield server


def _delivered(app, smtp: SmtpServer) -> list[email.message.EmailMessage]:
    """Send what is queued; the messages as a mail client parses them, with their raw bytes."""
    send_pending(app)
    assert OutboxMessage.select().where(OutboxMessage.status != "sent").count() == 0
    return [
        email.message_from_bytes(received.data, policy=email.policy.default)
        for received in smtp.received
    ]


def _raw_header_lines(data: bytes, name: str) -> list[str]:
    """The physical lines of header ``name`` as they went over the wire."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    lines, inside = [], False
    for line in head.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            inside = True
        elif not line.startswith((" ", "\t")):
            inside = False
        if inside:
            lines.append(line)
    return lines


def _check_wire_format(data: bytes, name: str) -> None:
    """RFC 5322 and 2047 limits: lines of at most 78 characters (unless one word is longer),
    encoded-words of at most 75."""
    lines = _raw_header_lines(data, name)
    assert lines
    for line in lines:
        words = ENCODED_WORD.findall(line)
        assert all(len(word) <= 75 for word in words), line
        if words or " " in line.strip():
            assert len(line) <= 78, line


@pytest.mark.parametrize("text", LONG_SUBJECTS, ids=range(len(LONG_SUBJECTS)))
def test_a_long_subject_reads_exactly_as_written(app, smtp, text):
    enqueue(
        key="test:subject",
        kind="weekly_digest",
        recipients=["ubnd.sodau@hongbang.example"],
        subject=text,
        body_text="Kính gửi UBND phường Sở Dầu,\n",
    )
    (parsed,) = _delivered(app, smtp)
    assert parsed["Subject"] == text
    _check_wire_format(smtp.received[0].data, "Subject")
    if text.isascii() and "=?" not in text:
        raw = " ".join(_raw_header_lines(smtp.received[0].data, "Subject"))
        assert not ENCODED_WORD.search(raw)


@pytest.mark.parametrize(("name", "fits"), DISPLAY_NAMES, ids=range(len(DISPLAY_NAMES)))
def test_the_senders_display_name_reads_exactly_as_written(app, smtp, name, fits):
    # As an administrator writes it in TRACKER_MAIL_FROM: quoted, quotes inside escaped.
    app.config["MAIL_FROM"] = f'"{quote(name)}" <giaoviec@hongbang.example>'
    enqueue(
        key="test:from",
        kind="weekly_digest",
        recipients=["ubnd.sodau@hongbang.example"],
        subject="[Giao việc] Thử tên người gửi",
        body_text="Kính gửi UBND phường Sở Dầu,\n",
    )
    (parsed,) = _delivered(app, smtp)
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "giaoviec@hongbang.example")
    assert smtp.received[0].mail_from == "giaoviec@hongbang.example"
    if fits:
        _check_wire_format(smtp.received[0].data, "From")


def test_subjects_of_every_mail_kind_read_exactly_as_written(app, smtp, factory, world):
    """The weekly summary, a ward's digest and a new assignment with a long title, each built
    by its own code, queued, delivered and read back."""
    User.update(email="lanhdao@hongbang.example").where(User.id == world.leader.id).execute()
    world.ward_a.email = "ubnd.sodau@hongbang.example"
    world.ward_a.save()
    for title, deadline in [
        ("Chỉnh trang vỉa hè, lòng đường trên các tuyến phố chính", date(2026, 5, 5)),
        ("Rà soát hồ sơ một cửa", date(2026, 5, 15)),
        ("Tổng hợp ý kiến cử tri", date(2026, 5, 17)),
        ("Báo cáo chuyển đổi số", date(2026, 5, 24)),
    ]:
        factory.assignment(factory.task(world.meeting, title, deadline=deadline), world.ward_a)
    expected = []
    for mail in summary.build(NOW):
        if mail.user.id == world.leader.id:
            mail.queue()
            expected.append(mail.subject)
    for mail in digest.build(NOW):
        if mail.unit.id == world.ward_a.id:
            mail.queue()
            expected.append(mail.subject)
    task = factory.task(
        world.meeting,
        "Triển khai cung cấp dịch vụ công trực tuyến toàn trình đối với các thủ tục hành chính "
        "đủ điều kiện trên Cổng dịch vụ công quốc gia",
        deadline=NOW.date() + timedelta(days=30),
    )
    workflow.assign(task, world.leader, [world.ward_a], "lead")
    expected.append(OutboxMessage.get(OutboxMessage.kind == "new_assignment").subject)
    assert [s[:40] for s in expected] == [
        "[Giao việc] Báo cáo tổng hợp tình hình t",
        "[Giao việc] Tổng hợp nhiệm vụ tuần 20/20",
        "[Giao việc] Nhiệm vụ mới được giao: Triể",
    ]
    assert all(len(s) > 90 for s in expected)  # folded over two lines or more
    parsed = _delivered(app, smtp)
    assert sorted(p["Subject"] for p in parsed) == sorted(expected)
    for received in smtp.received:
        _check_wire_format(received.data, "Subject")


WORDS = (
    "[Giao việc] Báo cáo tổng hợp tình hình thực hiện nhiệm vụ được giao UBND phường Sở Dầu "
    "Hoàng Văn Thụ – dịch vụ công trực tuyến toàn trình 20/2026: 148 37 quá hạn, đến hạn (lần 2) "
    '"Một cửa" Ủy ban nhân dân đôn đốc Đ ư ở ĩ ỹ 𝔘 😀 a-b_c ref.45/TB-UBND =?x?= ? = _ '
    "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html Chuyểnđổisốtoànbộcácthủtụchànhchính"
).split(" ")


@pytest.mark.parametrize("seed", range(4))
def test_any_subject_or_name_reads_as_written(app_ctx, seed):
    """Many subjects and names of random words (accented, 4-byte, decomposed, ASCII, long
    without a space) survive writing and reading, within the line limits."""
    rng = random.Random(seed)
    words = WORDS + [unicodedata.normalize("NFD", w) for w in WORDS[:12]]
    for _ in range(150):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 45)))[:300].strip()
        name = " ".join(rng.choice(words[:30]) for _ in range(rng.randint(1, 4)))
        message = OutboxMessage(key=f"k:{text}", subject=text, recipients="a@hongbang.example")
        message.body_text = "x\n"
        sender = f'"{quote(name)}" <giaoviec@hongbang.example>'
        raw = build_email(message, sender, NOW).as_bytes(policy=email.policy.SMTP)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["Subject"] == text
        assert parsed["From"].addresses[0].display_name == name
        if any(len(word) > 60 for word in text.split(" ") if word.isascii()):
            continue  # one ASCII word longer than a line stays whole, on a line of its own
        _check_wire_format(raw, "Subject")
