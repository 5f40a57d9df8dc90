"""Demo data: the CCHC steering committee meeting of quận Hồng Bàng, Hải Phòng (26/4/2022).

The units are the district's departments and its eleven wards as they were in 2022; the tasks
are the directives of the meeting's conclusion. Every date is relative to the meeting date, and
the history (reports, submissions, confirmations, a return) is replayed through
tracker/workflow.py at past instants, so the audit trail reads as if people had done the work.
The year the texts speak of ("{year}": the meeting's title, the plans of the year) is the year
the meeting is moved to, and every account carries a person's name, as a real office's would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from tracker.assignments import handlers, workflow
from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.followup import drafts, submission_flow
from tracker.models import MODELS, Assignment, Meeting, Task, Unit, UnitGroup, UnitKind, User
from tracker.models.audit import record

PASSWORD = "demo"
EMAIL_DOMAIN = "hongbang.example"
# The history covers the two weeks after the meeting; "today" is the day after it ends.
DAYS_AFTER_MEETING = 14

# (code, name, short name)
DEPARTMENTS = [
    ("vanphong", "Văn phòng HĐND và UBND quận", "Văn phòng HĐND-UBND"),
    ("noivu", "Phòng Nội vụ", "Phòng Nội vụ"),
    ("tuphap", "Phòng Tư pháp", "Phòng Tư pháp"),
    ("tckh", "Phòng Tài chính - Kế hoạch", "Phòng TC-KH"),
    ("vhtt", "Phòng Văn hóa và Thông tin", "Phòng VH-TT"),
    ("kinhte", "Phòng Kinh tế", "Phòng Kinh tế"),
    ("qldt", "Phòng Quản lý đô thị", "Phòng QLĐT"),
    ("tnmt", "Phòng Tài nguyên và Môi trường", "Phòng TN-MT"),
    ("gddt", "Phòng Giáo dục và Đào tạo", "Phòng GD-ĐT"),
    ("ldtbxh", "Phòng Lao động - Thương binh và Xã hội", "Phòng LĐ-TB&XH"),
    ("yte", "Phòng Y tế", "Phòng Y tế"),
    ("thanhtra", "Thanh tra quận", "Thanh tra quận"),
]
AGENCIES = [("buudien", "Bưu điện quận Hồng Bàng", "Bưu điện quận")]
# Other names the notices use (read by the notice parser, tracker/notice).
ALIASES = {
    "vanphong": "Văn phòng UBND quận; Văn phòng HĐND-UBND quận",
    "buudien": "Bưu điện Hồng Bàng",
}
# The eleven wards of quận Hồng Bàng before the 2024 rearrangement.
WARDS = [
    ("hoangvanthu", "Hoàng Văn Thụ"),
    ("minhkhai", "Minh Khai"),
    ("phanboichau", "Phan Bội Châu"),
    ("quangtrung", "Quang Trung"),
    ("phamhongthai", "Phạm Hồng Thái"),
    ("sodau", "Sở Dầu"),
    ("thuongly", "Thượng Lý"),
    ("haly", "Hạ Lý"),
    ("traichuoi", "Trại Chuối"),
    ("hungvuong", "Hùng Vương"),
    ("quantoan", "Quán Toan"),
]
DEPARTMENTS_GROUP = "Các phòng, ban chuyên môn"
WARDS_GROUP = "UBND các phường"

CHAIR_NAME = "Đỗ Việt Hưng"
# The people behind the other accounts (made-up names): what history and mail show.
PEOPLE = {
    "admin": "Trần Quang Minh",
    "tonghop": "Lê Thị Thu Hà",
    "theodoi": "Phạm Văn Thắng",
    "vanphong": "Lý Thị Bích Ngọc",
    "noivu": "Vũ Đức Anh",
    "tuphap": "Hoàng Thị Mai",
    "tckh": "Bùi Văn Toàn",
    "vhtt": "Đặng Thị Hồng Nhung",
    "kinhte": "Ngô Văn Hải",
    "qldt": "Đinh Quốc Bảo",
    "tnmt": "Lương Thị Hạnh",
    "gddt": "Phan Thị Ngọc Anh",
    "ldtbxh": "Trịnh Văn Long",
    "yte": "Đoàn Thị Thu Trang",
    "thanhtra": "Mai Xuân Trường",
    "buudien": "Tạ Thị Phương",
    "hoangvanthu": "Nguyễn Văn Hùng",
    "minhkhai": "Lê Thị Hương",
    "phanboichau": "Trần Văn Đức",
    "quangtrung": "Phạm Thị Thu Thảo",
    "phamhongthai": "Vũ Minh Tuấn",
    "sodau": "Nguyễn Thị Lan",
    "thuongly": "Hà Văn Khánh",
    "haly": "Dương Thị Yến",
    "traichuoi": "Chu Văn Nam",
    "hungvuong": "Kiều Thị Loan",
    "quantoan": "Tô Văn Thành",
}
# Phòng Nội vụ has a head (Lãnh đạo đơn vị) who gives task 2 to a handler (chuyên viên xử lý),
# and its handlers' reports wait for the head's approval ("work inside a unit").
HEAD = ("ld.noivu", "Trương Thị Minh Nguyệt", "noivu")
HANDLER = ("cv.noivu", "Lưu Quang Vinh")
CHAIR_TITLE = (
    "Phó Chủ tịch Thường trực UBND quận, Phó Trưởng ban Thường trực "
    "Ban Chỉ đạo Cải cách hành chính quận"
)
MEETING_TITLE = (
    "Họp Ban Chỉ đạo Cải cách hành chính quận đánh giá thực trạng CCHC "
    "và triển khai nhiệm vụ năm {year}"
)
ATTENDEES = (
    "Đồng chí Nguyễn Thị Thanh Vân - UVBTVQU, Trưởng ban Ban Dân vận Quận ủy, Chủ tịch "
    "Ủy ban MTTQVN quận; Đồng chí Cao Thị Thanh Xuân - UVBTVQU, Trưởng ban Ban Tuyên giáo "
    "Quận ủy; các đồng chí thành viên Ban Chỉ đạo Cải cách hành chính quận; Chủ tịch UBND "
    "các phường thuộc quận."
)
# The conclusion paragraph of the source article, verbatim (line break and spacing included).
CONCLUSION = (
    "Phát biểu kết luận cuộc họp, Đồng chí Đỗ Việt Hưng - Phó Chủ tịch\n"
    "Thường trực UBND huyện, Phó Trưởng ban Thường trực Ban Chỉ đạo Cải cách hành chính quận "
    "yêu cầu các phòng, ban, cơ quan, đơn vị, UBND các phường trong thời gian tới cần tiếp tục "
    "tăng cường công tác chỉ đạo, điều hành thực hiện các nhiệm vụ trong công tác cải cách hành "
    "chính; tăng cường công tác theo dõi, kiểm tra, đánh giá kết quả thực hiện cải cách hành "
    "chính. Đặc biệt chú trọng công tác tuyên truyền đối với người dân, tổ chức, doanh nghiệp "
    "trên địa bàn quận về cải cách hành chính, về chuyển đổi số với nhiều hình thức đa dạng, "
    "phong phú, hiệu quả. Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện "
    "để thực hiện chuyển đổi số, xây dựng Chính quyền số quận, phường; tăng cường ứng dụng các "
    "phần mềm ứng dụng công nghệ thông tin trong hoạt động của cơ quan hành chính; tăng cường số"
    "  lượng, chất  lượng, hiệu quả cung ứng  dịch vụ công  trực  tuyến  mức  độ  3, 4 cho người "
    "dân, tổ chức; phối hợp với Bưu điện quận khai thác, sử dụng hiệu quả dịch vụ Bưu chính công "
    "ích trong tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính nhằm xây dựng cơ quan "
    "hành chính hoạt động hiệu lực, hiệu quả, phục vụ tốt nhất cho người dân và doanh nghiệp./."
)

ALL_WARDS = "@wards"  # in TASKS: every unit of the group "UBND các phường"

# Each task: title, content, field, deadline kind, deadline (days after the meeting),
# lead unit codes, coordinating unit codes.
TASKS = [
    (
        "Tăng cường công tác chỉ đạo, điều hành thực hiện nhiệm vụ cải cách hành chính",
        "Quán triệt CCHC là nhiệm vụ chính trị trọng tâm, xuyên suốt; cụ thể hóa Kế hoạch CCHC "
        "năm {year} của quận thành nhiệm vụ của từng cơ quan, đơn vị và UBND các phường; báo cáo "
        "kết quả định kỳ hằng tháng về Phòng Nội vụ.",
        "khac",
        "ongoing",
        None,
        ["noivu"],
        ["vanphong"],
    ),
    (
        "Tăng cường công tác theo dõi, kiểm tra, đánh giá kết quả thực hiện cải cách hành chính",
        "Xây dựng và thực hiện Kế hoạch kiểm tra công tác CCHC năm {year} tại các phòng chuyên "
        "môn và UBND các phường; theo dõi, chấm điểm Chỉ số CCHC, kịp thời chấn chỉnh các tồn "
        "tại, hạn chế.",
        "khac",
        "ongoing",
        None,
        ["noivu"],
        ["thanhtra", "vanphong"],
    ),
    (
        "Đẩy mạnh tuyên truyền về cải cách hành chính và chuyển đổi số",
        "Xây dựng và triển khai Kế hoạch tuyên truyền về CCHC, chuyển đổi số năm {year} đến người "
        "dân, tổ chức, doanh nghiệp với nhiều hình thức đa dạng, phong phú (pano, áp phích, hệ "
        "thống truyền thanh cơ sở, trang thông tin điện tử, mạng xã hội); UBND các phường tổ "
        "chức tuyên truyền tại khu dân cư và báo cáo kết quả về Phòng Văn hóa và Thông tin.",
        "khac",
        "date",
        9,
        ["vhtt"],
        [ALL_WARDS],
    ),
    (
        "Nâng cấp hạ tầng và nền tảng số, xây dựng Chính quyền số quận, phường",
        "Rà soát hiện trạng hạ tầng mạng, máy trạm, đường truyền tại quận và các phường; đề xuất "
        "danh mục đầu tư, nâng cấp bảo đảm điều kiện thực hiện chuyển đổi số. Thời hạn hoàn "
        "thành xác định sau khi cân đối nguồn kinh phí.",
        "chinh_quyen_so",
        "none",
        None,
        ["vhtt"],
        ["tckh", "vanphong"],
    ),
    (
        "Tăng cường ứng dụng công nghệ thông tin trong hoạt động của cơ quan hành chính",
        "Sử dụng thường xuyên phần mềm quản lý văn bản và điều hành, chữ ký số, hộp thư điện tử "
        "công vụ; rà soát, báo cáo tỷ lệ văn bản điện tử được ký số và gửi, nhận trên môi trường "
        "mạng tại phường.",
        "chinh_quyen_so",
        "date",
        15,
        [ALL_WARDS],
        [],
    ),
    (
        "Nâng cao số lượng, chất lượng, hiệu quả cung ứng dịch vụ công trực tuyến mức độ 3, 4",
        "Rà soát danh mục thủ tục hành chính cung cấp trực tuyến mức độ 3, 4; bố trí cán bộ "
        "hướng dẫn người dân, tổ chức nộp hồ sơ trực tuyến tại Bộ phận Một cửa quận, phường; "
        "phấn đấu nâng tỷ lệ hồ sơ được tiếp nhận và giải quyết trực tuyến.",
        "thu_tuc",
        "date",
        90,
        ["vanphong", ALL_WARDS],
        ["tuphap", "tnmt", "ldtbxh", "qldt"],
    ),
    (
        "Phối hợp với Bưu điện quận sử dụng hiệu quả dịch vụ Bưu chính công ích",
        "Phối hợp với Bưu điện quận khai thác, sử dụng hiệu quả dịch vụ Bưu chính công ích trong "
        "tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính; niêm yết, hướng dẫn người "
        "dân sử dụng dịch vụ tại Bộ phận Một cửa quận, phường.",
        "thu_tuc",
        "date",
        35,
        ["vanphong"],
        ["buudien", ALL_WARDS],
    ),
]


def _in_year(text: str, year: int) -> str:
    """``text`` with "{year}" replaced by the year the meeting is held in."""
    return text.replace("{year}", str(year))


def _report(day: int, hour: int, progress: int, text: str, hard: str = "", ask: str = "") -> tuple:
    """A progress report by the unit's officer (text, difficulties, proposals)."""
    return (day, hour, "report", progress, text, hard, ask)


def _submit(day: int, hour: int) -> tuple:
    """The unit's officer reports the work done."""
    return (day, hour, "submit")


def _confirm(day: int, hour: int) -> tuple:
    """The leader confirms completion."""
    return (day, hour, "done")


def _return(day: int, hour: int, reason: str) -> tuple:
    """The leader sends the work back."""
    return (day, hour, "return", reason)


def _handler(day: int, hour: int, due_day: int) -> tuple:
    """The unit's head gives the work to the handler, internal deadline ``due_day``."""
    return (day, hour, "handler", due_day)


def _draft(day: int, hour: int, progress: int, text: str) -> tuple:
    """The handler's progress report, waiting for the head's approval."""
    return (day, hour, "draft", progress, text)


def _approve(day: int, hour: int) -> tuple:
    """The unit's head approves the handler's waiting draft: it goes up as a report."""
    return (day, hour, "approve")


# What each unit did on each task, replayed in order: (task number, unit code) → steps, each
# at (day after the meeting, hour).
HISTORY: dict[tuple[int, str], list[tuple]] = {
    (1, "noivu"): [
        _report(5, 9, 30, "Đã tham mưu ban hành Kế hoạch CCHC năm {year}, phân công từng đơn vị."),
        _report(12, 15, 45, "Đã tham mưu văn bản đôn đốc thực hiện kết luận của Ban Chỉ đạo."),
    ],
    (1, "vanphong"): [
        _report(8, 10, 30, "Đã đưa nội dung CCHC vào chương trình công tác tháng của UBND quận."),
    ],
    (2, "noivu"): [
        _handler(3, 9, 12),
        _report(
            9,
            14,
            20,
            "Đã xây dựng dự thảo Kế hoạch kiểm tra công tác CCHC năm {year}.",
            "Cán bộ làm công tác CCHC còn mỏng, phải kiêm nhiệm nhiều việc.",
            "Đề nghị Thanh tra quận, Phòng Tư pháp cử cán bộ tham gia Đoàn kiểm tra.",
        ),
        _draft(10, 16, 35, "Đã lấy ý kiến Thanh tra quận, Phòng Tư pháp về dự thảo Kế hoạch."),
        _approve(11, 8),
        _draft(13, 15, 50, "Đã hoàn thiện dự thảo Kế hoạch kiểm tra, trình lãnh đạo phòng."),
    ],
    (3, "vhtt"): [
        _report(4, 9, 60, "Đã dự thảo Kế hoạch tuyên truyền, xin ý kiến các phòng liên quan."),
        _report(7, 10, 100, "Kế hoạch tuyên truyền đã ban hành, gửi các phường triển khai."),
        _submit(7, 11),
        _confirm(8, 15),
    ],
    (3, "hoangvanthu"): [
        _report(5, 10, 100, "Đã treo 12 băng rôn, phát thanh 3 buổi/tuần trên loa phường."),
        _submit(5, 11),
        _confirm(7, 9),
    ],
    (3, "sodau"): [
        _report(6, 14, 70, "Đã tuyên truyền trên loa truyền thanh và nhóm Zalo tổ dân phố."),
        _report(9, 9, 100, "Hoàn thành tuyên truyền tại 100% tổ dân phố."),
        _submit(9, 10),
        _confirm(9, 16),
    ],
    (3, "quangtrung"): [
        _report(8, 9, 100, "Đã tổ chức tuyên truyền tại 8 tổ dân phố."),
        _submit(8, 10),
        _confirm(9, 11),
    ],
    (3, "minhkhai"): [
        _report(6, 15, 50, "Đang in ấn tài liệu tuyên truyền."),
        _report(10, 9, 100, "Đã phát 2.000 tờ rơi hướng dẫn nộp hồ sơ trực tuyến."),
        _submit(10, 10),
        _confirm(11, 14),
    ],
    (3, "phanboichau"): [
        _report(
            8,
            9,
            40,
            "Đang triển khai tuyên truyền tại khu dân cư.",
            "Hệ thống loa truyền thanh tại một số tổ dân phố bị hư hỏng.",
        ),
        _report(11, 9, 100, "Đã sửa chữa loa và hoàn thành tuyên truyền."),
        _submit(11, 10),
        _confirm(12, 9),
    ],
    (3, "quantoan"): [
        _report(7, 10, 50, "Đã xây dựng kế hoạch tuyên truyền của phường."),
        _report(12, 10, 100, "Đã hoàn thành các nội dung tuyên truyền."),
        _submit(12, 11),
    ],
    (3, "hungvuong"): [
        _report(9, 15, 100, "Đã tuyên truyền trên hệ thống truyền thanh phường."),
        _submit(10, 9),
        _return(11, 10, "Báo cáo chưa kèm hình ảnh, số liệu minh chứng; đề nghị bổ sung."),
    ],
    (3, "thuongly"): [
        _report(
            8,
            14,
            60,
            "Đã tuyên truyền trên hệ thống truyền thanh phường.",
            "Kinh phí in ấn pano, áp phích chưa được bố trí.",
            "Đề nghị Phòng Tài chính - Kế hoạch hướng dẫn nguồn kinh phí tuyên truyền.",
        ),
    ],
    (3, "haly"): [_report(10, 10, 50, "Đang triển khai tuyên truyền tại các tổ dân phố.")],
    (3, "phamhongthai"): [
        _report(6, 9, 30, "Đã xây dựng kế hoạch tuyên truyền của phường."),
        _report(11, 15, 80, "Đã tuyên truyền tại 6/8 tổ dân phố."),
    ],
    (4, "vhtt"): [
        _report(
            10,
            14,
            10,
            "Đã rà soát hạ tầng mạng, máy trạm tại các phường; nhiều máy tính đã cũ.",
            "Chưa có nguồn kinh phí nâng cấp hạ tầng năm {year}.",
            "Đề nghị xác định thời hạn sau khi Phòng TC-KH cân đối, bổ sung dự toán kinh phí.",
        ),
    ],
    (5, "hoangvanthu"): [
        _report(10, 9, 100, "100% văn bản đi được ký số và gửi trên môi trường mạng."),
        _submit(10, 10),
        _confirm(11, 9),
    ],
    (5, "sodau"): [
        _report(8, 10, 60, "Đã rà soát, hướng dẫn cán bộ sử dụng chữ ký số."),
        _report(12, 14, 100, "Tỷ lệ văn bản điện tử được ký số đạt 95%."),
        _submit(13, 9),
    ],
    (5, "minhkhai"): [_report(9, 10, 70, "Đang rà soát số liệu văn bản điện tử.")],
    (5, "phanboichau"): [
        _report(
            11,
            9,
            40,
            "Đang rà soát việc sử dụng phần mềm quản lý văn bản.",
            "Một số cán bộ chưa được cấp chứng thư số cá nhân.",
            "Đề nghị Phòng VH-TT hướng dẫn thủ tục cấp chứng thư số.",
        ),
    ],
    (5, "hungvuong"): [_report(12, 9, 50, "Đang tổng hợp số liệu.")],
    (5, "haly"): [_report(10, 15, 80, "Đã hoàn thành rà soát, đang lập báo cáo.")],
    (5, "traichuoi"): [_report(11, 14, 30, "Đang rà soát.")],
    (5, "quangtrung"): [_report(12, 10, 90, "Đang hoàn thiện báo cáo.")],
    (6, "vanphong"): [
        _report(
            11,
            9,
            25,
            "Đã rà soát danh mục TTHC mức độ 3, 4 tại Bộ phận Một cửa quận.",
            "Người dân chưa quen nộp hồ sơ trực tuyến.",
            "Đề nghị các phòng chuyên môn cử công chức hướng dẫn tại Bộ phận Một cửa.",
        ),
    ],
    (6, "sodau"): [
        _report(13, 10, 15, "Đã bố trí máy tính, cán bộ hướng dẫn nộp hồ sơ trực tuyến.")
    ],
    (6, "tuphap"): [_report(12, 9, 20, "Đã hướng dẫn nộp hồ sơ chứng thực, hộ tịch trực tuyến.")],
    (6, "qldt"): [_report(13, 14, 10, "Đang rà soát TTHC lĩnh vực xây dựng.")],
    (7, "vanphong"): [
        _report(10, 10, 30, "Đã thống nhất với Bưu điện quận quy trình tiếp nhận, trả kết quả."),
    ],
    (7, "buudien"): [
        _report(
            11,
            14,
            40,
            "Đã bố trí nhân viên bưu điện tại Bộ phận Một cửa quận.",
            "",
            "Đề nghị UBND các phường bố trí vị trí cho nhân viên bưu điện tại Bộ phận Một cửa.",
        ),
    ],
    (7, "sodau"): [_report(12, 9, 20, "Đã niêm yết hướng dẫn sử dụng dịch vụ.")],
    (7, "hoangvanthu"): [_report(12, 15, 30, "Đã niêm yết hướng dẫn sử dụng dịch vụ.")],
}


class DemoError(RuntimeError):
    """The demo cannot be loaded here (no schema, or data already present)."""


def missing_tables() -> list[str]:
    """The tables of the models that the database lacks (migrations not applied)."""
    return [m._meta.table_name for m in MODELS if not m.table_exists()]


def has_data() -> bool:
    """Whether the database already holds users or units."""
    return User.select().exists() or Unit.select().exists()


@contextmanager
def _clock_at(instant: datetime) -> Iterator[None]:
    """Run the real code paths as if it were ``instant`` (their audit events get that time)."""
    clock = get_clock()
    saved = clock.now_fn
    clock.now_fn = lambda: instant
    try:
        yield
    finally:
        clock.now_fn = saved


def load(meeting_date: date | None = None) -> list[User]:
    """Create the demo units, users, meeting, tasks and history; return the accounts."""
    if missing_tables():
        raise DemoError("The database has no schema: run `tracker init-db` first.")
    if has_data():
        raise DemoError("The database already holds data; the demo loads only into an empty one.")
    clock = get_clock()
    latest = clock.today() - timedelta(days=DAYS_AFTER_MEETING)
    held_on = meeting_date or latest
    if held_on > latest:
        raise DemoError(
            f"The meeting date must be {latest:%Y-%m-%d} or earlier: the demo replays the "
            f"{DAYS_AFTER_MEETING} days after the meeting, which must lie in the past."
        )

    def at(day: int, hour: int) -> datetime:
        return datetime.combine(held_on + timedelta(days=day), time(hour), tzinfo=clock.tz)

    with database.atomic():
        units = _units()
        users = _users(units, at(-30, 8))
        with _clock_at(at(2, 9)):
            meeting = _meeting(held_on, users["tonghop"])
        wards = list(UnitGroup.get(UnitGroup.name == WARDS_GROUP).units())
        for number, spec in enumerate(TASKS, start=1):
            with _clock_at(at(2, 10)):
                task = _task(meeting, number, spec, users["tonghop"], wards, units)
            _replay(task, number, users, at)
    return sorted(users.values(), key=_account_order)


def _units() -> dict[str, Unit]:
    rows = [(code, name, short, "department") for code, name, short in DEPARTMENTS]
    rows += [(code, name, short, "agency") for code, name, short in AGENCIES]
    rows += [(code, f"UBND phường {name}", f"Phường {name}", "ward") for code, name in WARDS]
    units = {}
    for order, (code, name, short, kind) in enumerate(rows, start=1):
        units[code] = Unit.create(
            name=name,
            short_name=short,
            code=code,
            kind=kind,
            email=f"{code}@{EMAIL_DOMAIN}",
            sort_order=order,
            aliases=ALIASES.get(code, ""),
            requires_head_approval=code == HEAD[2],
        )
    departments = UnitGroup.create(
        name=DEPARTMENTS_GROUP, description="Các phòng, ban chuyên môn thuộc UBND quận"
    )
    departments.set_units([units[code].id for code, _, _ in DEPARTMENTS])
    wards = UnitGroup.create(name=WARDS_GROUP, description="UBND 11 phường thuộc quận Hồng Bàng")
    wards.set_units([units[code].id for code, _ in WARDS])
    # The kinds' own groups: the two above are taken over (same names), the agencies get theirs.
    UnitKind.sync_groups()
    return units


def _users(units: dict[str, Unit], created_at: datetime) -> dict[str, User]:
    """One account per role, one officer per unit, and Phòng Nội vụ's head and handler, each
    password hashed on its own.

    All share the password "demo", yet each gets its own salt: one hash reused for every row
    would tell whoever reads the table that the accounts share a password. The method is the
    application's (``User.set_password``), so a demo site's logins are hashed as real ones.
    """
    rows = [
        ("admin", PEOPLE["admin"], "admin", None),
        ("lanhdao", CHAIR_NAME, "leader", None),
        ("tonghop", PEOPLE["tonghop"], "secretary", None),
        ("theodoi", PEOPLE["theodoi"], "viewer", None),
        (HEAD[0], HEAD[1], "unit_head", units[HEAD[2]]),
        (HANDLER[0], HANDLER[1], "officer", units[HEAD[2]]),
    ]
    for code, unit in units.items():
        prefix = "p" if unit.kind == "ward" else "pb"
        rows.append((f"{prefix}.{code}", PEOPLE[code], "officer", unit))
    users = {}
    for username, full_name, role, unit in rows:
        user = User(
            username=username,
            full_name=full_name,
            email=f"{username}@{EMAIL_DOMAIN}",
            role=role,
            unit=unit,
            created_at=created_at,
        )
        user.set_password(PASSWORD)
        user.save()
        users[username] = user
    return users


def _meeting(held_on: date, author: User) -> Meeting:
    now = get_clock().now()
    meeting = Meeting.create(
        title=_in_year(MEETING_TITLE, held_on.year),
        held_on=held_on,
        place="Trụ sở UBND quận Hồng Bàng, số 6 đường Hồng Bàng, phường Sở Dầu",
        chair_name=CHAIR_NAME,
        chair_title=CHAIR_TITLE,
        attendees=ATTENDEES,
        notice_number="45/TB-UBND",
        notice_date=held_on + timedelta(days=2),
        conclusion=CONCLUSION,
        created_by=author,
        created_at=now,
        updated_at=now,
    )
    record(author, "create", meeting, after={"title": meeting.title})
    return meeting


def create_task(
    meeting: Meeting,
    number: int,
    title: str,
    content: str,
    task_field: str,
    kind: str,
    due_day: int | None,
    author: User,
) -> Task:
    """One directive of a demo meeting, due ``due_day`` days after it (audited)."""
    now = get_clock().now()
    task = Task.create(
        meeting=meeting,
        number=number,
        title=title,
        content=content,
        field=task_field,
        deadline_kind=kind,
        deadline=meeting.held_on + timedelta(days=due_day) if due_day is not None else None,
        # Ongoing directives report monthly, as the conclusion asks ("báo cáo định kỳ hằng tháng").
        report_cadence="monthly" if kind == "ongoing" else "",
        created_by=author,
        created_at=now,
        updated_at=now,
    )
    record(author, "create", task, after={"title": title, "meeting": meeting.id})
    return task


def _task(
    meeting: Meeting,
    number: int,
    spec: tuple,
    author: User,
    wards: list[Unit],
    units: dict[str, Unit],
) -> Task:
    title, content, field, kind, due_day, leads, coordinating = spec
    title, content = (_in_year(text, meeting.held_on.year) for text in (title, content))
    task = create_task(meeting, number, title, content, field, kind, due_day, author)

    def expand(codes: list[str]) -> list[Unit]:
        return [u for c in codes for u in (wards if c == ALL_WARDS else [units[c]])]

    workflow.assign(task, author, expand(leads), "lead")
    workflow.assign(task, author, expand(coordinating), "coordinating")
    return task


def _replay(task: Task, number: int, users: dict[str, User], at) -> None:
    leader, head, handler = users["lanhdao"], users[HEAD[0]], users[HANDLER[0]]
    year = task.meeting.held_on.year
    for assignment in task.assignments.order_by(Assignment.id):
        unit = assignment.unit
        officer = users[f"{'p' if unit.kind == 'ward' else 'pb'}.{unit.code}"]
        for day, hour, action, *args in HISTORY.get((number, unit.code), []):
            with _clock_at(at(day, hour)):
                if action == "report":
                    progress, *texts = args
                    text, difficulties, proposals = (_in_year(t, year) for t in texts)
                    workflow.post_report(
                        assignment, officer, text, progress, difficulties, proposals
                    )
                elif action == "submit":
                    today = get_clock().today()
                    submission_flow.submit(
                        assignment,
                        officer,
                        "Đã hoàn thành nhiệm vụ; kết quả nêu tại báo cáo kèm theo.",
                        doc_number=f"{10 + number}/BC-UBND",
                        doc_date=today,
                    )
                elif action == "done":
                    submission_flow.confirm(assignment, leader)
                elif action == "return":
                    submission_flow.return_submission(assignment, leader, args[0])
                elif action == "handler":
                    due = task.meeting.held_on + timedelta(days=args[0])
                    handlers.assign_handlers(assignment, head, [handler.id], due)
                elif action == "draft":
                    progress, text = args
                    drafts.draft_report(assignment, handler, text, progress)
                elif action == "approve":
                    drafts.approve(drafts.pending(assignment).get(), head)


def _account_order(user: User) -> tuple:
    roles = ["admin", "leader", "secretary", "viewer", "unit_head", "officer"]
    return (roles.index(user.role), user.unit.sort_order if user.unit else 0, user.username)


def accounts_table(users: list[User]) -> str:
    """The demo accounts as a plain-text table (username, role, unit)."""
    rows = [(u.username, u.role_label, u.unit.name if u.unit else "—") for u in users]
    width = max(len(r[0]) for r in rows)
    role_width = max(len(r[1]) for r in rows)
    lines = [f"Demo accounts (password: {PASSWORD})"]
    lines += [f"  {name:<{width}}  {role:<{role_width}}  {unit}" for name, role, unit in rows]
    return "\n".join(lines)
