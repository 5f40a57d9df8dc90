"""Demo profile ``commune``: the People's Committee of the (fictional) phường Bình Minh.

The names are those of the ward notice in tests/fixtures/notices (21-commune-ward-conclusion):
its offices (officers ``p.<code>``), public service units (``dv.<code>``), police and military
command (``ca.congan``, ``qs.quansu``) and six residential groups (``t.<code>``). The meeting is
the monthly "họp giao ban"; its conclusion is the fixture's, with dates moved with the meeting
("{due:N}": N days after it). Phòng Văn hóa - Xã hội's reports wait for its head's approval
(``ld.vhxh``, handler ``cv.vhxh``). Every status shows, as in the province profile.
"""

from __future__ import annotations

from tracker.ops.demo import _confirm, _report, _return, _submit
from tracker.ops.demo_level import Profile

OFFICE, PUBLIC, SECURITY, HAMLET = "office", "public_service", "security", "hamlet"
UNITS = [
    (
        "vanphong",
        "Văn phòng HĐND và UBND phường",
        "Văn phòng HĐND-UBND",
        OFFICE,
        "p.vanphong",
        "Nguyễn Thị Hải Yến",
    ),
    (
        "kinhte",
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        "Phòng KT-HT-ĐT",
        OFFICE,
        "p.kinhte",
        "Trần Minh Đức",
    ),
    ("vhxh", "Phòng Văn hóa - Xã hội", "Phòng VH-XH", OFFICE, "p.vhxh", "Lê Thị Phương Thảo"),
    (
        "pvhcc",
        "Trung tâm Phục vụ hành chính công",
        "Trung tâm PVHCC",
        PUBLIC,
        "dv.pvhcc",
        "Phạm Thị Ngọc Hân",
    ),
    ("tramyte", "Trạm Y tế phường", "Trạm Y tế", PUBLIC, "dv.tramyte", "Vũ Văn Tâm"),
    ("congan", "Công an phường", "Công an phường", SECURITY, "ca.congan", "Hoàng Anh Tuấn"),
    (
        "quansu",
        "Ban Chỉ huy quân sự phường",
        "Ban CHQS phường",
        SECURITY,
        "qs.quansu",
        "Đỗ Văn Cường",
    ),
    ("to1", "Tổ dân phố số 1", "TDP số 1", HAMLET, "t.to1", "Bùi Văn Lộc"),
    ("to2", "Tổ dân phố số 2", "TDP số 2", HAMLET, "t.to2", "Ngô Thị Hạnh"),
    ("to3", "Tổ dân phố số 3", "TDP số 3", HAMLET, "t.to3", "Đặng Văn Tư"),
    ("to4", "Tổ dân phố số 4", "TDP số 4", HAMLET, "t.to4", "Phan Thị Dung"),
    ("to5", "Tổ dân phố số 5", "TDP số 5", HAMLET, "t.to5", "Trịnh Văn Kha"),
    ("benda", "Tổ dân phố Bến Đá", "TDP Bến Đá", HAMLET, "t.benda", "Lý Văn Sáu"),
]

CONCLUSION = (
    "Ngày {due:0}, đồng chí Chủ tịch UBND phường chủ trì cuộc họp giao ban đánh giá kết quả "
    "thực hiện nhiệm vụ, triển khai nhiệm vụ thời gian tới. Đồng chí Chủ tịch UBND "
    "phường kết luận như sau:\n"
    "1. Phòng Kinh tế, Hạ tầng và Đô thị chủ trì, phối hợp Công an phường kiểm tra, xử lý dứt "
    "điểm việc lấn chiếm vỉa hè trên các tuyến đường chính, hoàn thành trước ngày {due:10}.\n"
    "2. Phòng Văn hóa - Xã hội phối hợp Trạm Y tế tổ chức chiến dịch tiêm vắc xin sởi cho trẻ "
    "em trên địa bàn, hoàn thành trước ngày {due:40}.\n"
    "3. Trung tâm Phục vụ hành chính công rút ngắn thời gian giải quyết hồ sơ đất đai, không "
    "để hồ sơ quá hạn, thực hiện thường xuyên.\n"
    "4. Công an phường và Ban Chỉ huy quân sự phường xây dựng phương án bảo đảm an ninh, trật "
    "tự dịp cuối năm, trình Chủ tịch UBND phường trước ngày {due:8}.\n"
    "5. Các tổ dân phố vận động nhân dân ra quân tổng vệ sinh môi trường vào sáng Chủ nhật "
    "hằng tuần.\n"
    "6. Giao Phòng Văn hóa - Xã hội chủ trì, phối hợp với các tổ dân phố rà soát hộ nghèo, hộ "
    "cận nghèo năm {year}, hoàn thành trước ngày {due:12}.\n"
    "7. Văn phòng HĐND và UBND phường theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo "
    "Chủ tịch UBND phường trước ngày {due:17}.\n"
    "8. Phòng Kinh tế, Hạ tầng và Đô thị nghiên cứu bố trí điểm sinh hoạt cộng đồng cho Tổ dân "
    "phố Bến Đá; thời hạn xác định sau khi có quy hoạch chi tiết khu dân cư.\n"
    "Văn phòng HĐND và UBND phường thông báo để các cơ quan, đơn vị, tổ dân phố biết, thực "
    "hiện./."
)

ALL_GROUPS = "@hamlet"  # every tổ dân phố
TASKS = [
    (
        "Kiểm tra, xử lý dứt điểm việc lấn chiếm vỉa hè trên các tuyến đường chính",
        "Lập đoàn kiểm tra liên ngành, xử lý dứt điểm việc lấn chiếm vỉa hè, lòng đường trên các "
        "tuyến đường chính của phường, hoàn thành trước ngày {due:10}.",
        "khac", "date", 10, ["kinhte"], ["congan"],
    ),
    (
        "Tổ chức chiến dịch tiêm vắc xin sởi cho trẻ em trên địa bàn",
        "Lập danh sách trẻ em trong độ tuổi, tổ chức tiêm vắc xin sởi tại Trạm Y tế và các điểm "
        "tiêm lưu động, hoàn thành trước ngày {due:40}.",
        "khac", "date", 40, ["vhxh"], ["tramyte"],
    ),
    (
        "Rút ngắn thời gian giải quyết hồ sơ đất đai, không để hồ sơ quá hạn",
        "Rà soát hồ sơ đất đai đang giải quyết, công khai tiến độ, không để hồ sơ quá hạn; báo "
        "cáo kết quả hằng tháng.",
        "thu_tuc", "ongoing", None, ["pvhcc"], ["kinhte"],
    ),
    (
        "Xây dựng phương án bảo đảm an ninh, trật tự dịp cuối năm",
        "Công an phường và Ban Chỉ huy quân sự phường xây dựng phương án bảo đảm an ninh, trật tự "
        "dịp cuối năm, trình Chủ tịch UBND phường trước ngày {due:8}.",
        "khac", "date", 8, ["congan", "quansu"], [],
    ),
    (
        "Vận động nhân dân tổng vệ sinh môi trường sáng Chủ nhật hằng tuần",
        "Các tổ dân phố vận động nhân dân ra quân tổng vệ sinh môi trường vào sáng Chủ nhật hằng "
        "tuần; báo cáo kết quả về Phòng Kinh tế, Hạ tầng và Đô thị hằng tháng.",
        "khac", "ongoing", None, [ALL_GROUPS], ["kinhte"],
    ),
    (
        "Rà soát hộ nghèo, hộ cận nghèo năm {year}",
        "Phòng Văn hóa - Xã hội chủ trì, phối hợp với các tổ dân phố rà soát hộ nghèo, hộ cận "
        "nghèo năm {year} theo chuẩn nghèo đa chiều, hoàn thành trước ngày {due:12}.",
        "khac", "date", 12, ["vhxh"], [ALL_GROUPS],
    ),
    (
        "Theo dõi, đôn đốc, tổng hợp kết quả thực hiện kết luận giao ban",
        "Theo dõi, đôn đốc các cơ quan, đơn vị, tổ dân phố; tổng hợp kết quả, báo cáo Chủ tịch "
        "UBND phường trước ngày {due:17}.",
        "khac", "date", 17, ["vanphong"], [],
    ),
    (
        "Nghiên cứu bố trí điểm sinh hoạt cộng đồng cho Tổ dân phố Bến Đá",
        "Khảo sát quỹ đất công, đề xuất vị trí điểm sinh hoạt cộng đồng; thời hạn xác định sau "
        "khi có quy hoạch chi tiết khu dân cư.",
        "khac", "none", None, ["kinhte"], ["benda"],
    ),
]  # fmt: skip

HISTORY = {
    (1, "kinhte"): [
        _report(4, 9, 40, "Đã kiểm tra 3 tuyến đường, lập biên bản 17 trường hợp lấn chiếm."),
        _report(11, 15, 100, "Đã xử lý dứt điểm 42 trường hợp, trả lại vỉa hè thông thoáng."),
        _submit(12, 9),
        _confirm(13, 10),
    ],
    (1, "congan"): [
        _report(6, 10, 60, "Đã bố trí lực lượng phối hợp kiểm tra ban đêm."),
        _report(9, 15, 100, "Đã phối hợp xử lý 42 trường hợp, lập biên bản 9 trường hợp."),
        _submit(9, 16),
        _confirm(10, 9),
    ],
    (2, "vhxh"): [_report(9, 9, 20, "Đã lập danh sách 312 trẻ em trong độ tuổi tiêm.")],
    (2, "tramyte"): [
        _report(
            8,
            14,
            15,
            "Đã tiêm cho 46 trẻ tại Trạm Y tế.",
            "Chưa nhận đủ vắc xin theo kế hoạch.",
            "Đề nghị Trung tâm Kiểm soát bệnh tật tỉnh cấp bổ sung vắc xin.",
        ),
        (11, 10, "extend", 55, "Vắc xin được cấp bổ sung chậm, cần thêm thời gian tổ chức tiêm."),
    ],
    (3, "pvhcc"): [
        _report(
            10, 16, 30, "Tháng này giải quyết 186 hồ sơ đất đai, 2 hồ sơ quá hạn do chờ đo đạc."
        ),
    ],
    (4, "congan"): [
        _report(6, 9, 100, "Đã xây dựng phương án, trình Chủ tịch UBND phường."),
        _submit(7, 9),
        _confirm(8, 8),
    ],
    (4, "quansu"): [
        _report(7, 9, 100, "Đã xây dựng kế hoạch trực sẵn sàng chiến đấu."),
        _submit(7, 10),
        _return(9, 10, "Chưa nêu phương án phối hợp với Công an phường; đề nghị bổ sung."),
    ],
    (5, "to1"): [_report(7, 9, 50, "Ra quân 2 buổi, 85 hộ tham gia.")],
    (5, "to2"): [_report(8, 9, 50, "Ra quân 2 buổi, thu gom 3 tấn rác thải.")],
    (6, "vhxh"): [
        (3, 9, "handler", 9),
        (8, 16, "draft", 60, "Đã rà soát 4/6 tổ dân phố, dự kiến 23 hộ nghèo, 41 hộ cận nghèo."),
        (9, 8, "approve"),
    ],
    (6, "to1"): [
        _report(7, 10, 100, "Đã rà soát xong, gửi danh sách về Phòng VH-XH."),
        _submit(8, 9),
        _confirm(9, 14),
    ],
    (6, "to2"): [_report(9, 10, 100, "Đã rà soát xong."), _submit(11, 9)],
    (6, "to3"): [_report(10, 15, 70, "Đang họp tổ bình xét.")],
    (6, "benda"): [
        _report(
            13,
            9,
            100,
            "Đã rà soát xong, có 5 hộ nghèo.",
            "Nhiều hộ đi làm ăn xa, khó xác minh.",
        ),
        _submit(13, 10),
    ],
    (7, "vanphong"): [_report(12, 10, 30, "Đã có văn bản đôn đốc các đơn vị.")],
}

PROFILE = Profile(
    level="commune",
    email_domain="binhminh.example",
    units=UNITS,
    people={"admin": "Vũ Quang Hiếu", "tonghop": "Trần Thị Mỹ Linh", "theodoi": "Nguyễn Đình Khôi"},
    chair=("Lê Văn Hòa", "Chủ tịch UBND phường Bình Minh"),
    head=("ld.vhxh", "Phạm Thị Hồng Vân", "vhxh"),
    handler=("cv.vhxh", "Đoàn Minh Quân"),
    meeting={
        "title": "Họp giao ban tháng {month}/{year} của UBND phường Bình Minh",
        "place": "Hội trường UBND phường Bình Minh",
        "attendees": "Các đồng chí Phó Chủ tịch UBND phường; Chánh Văn phòng HĐND và UBND "
        "phường; trưởng các phòng chuyên môn, đơn vị sự nghiệp; Trưởng Công an phường, Chỉ huy "
        "trưởng Ban Chỉ huy quân sự phường; tổ trưởng các tổ dân phố.",
        "notice_number": "57/TB-UBND",
        "conclusion": CONCLUSION,
    },
    tasks=TASKS,
    history=HISTORY,
)
