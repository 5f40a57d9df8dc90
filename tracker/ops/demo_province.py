"""Demo profile ``province``: the People's Committee of the (fictional) tỉnh Hòa Sơn.

The names are those of the province notice in tests/fixtures/notices (19-province-conclusion):
its departments (sở, ban, ngành: officers ``s.<code>``) and ten communes, wards and the special
zone Hòn Ngọc (officers ``x.<code>``). The meeting is the monthly one on running two-tier local
government, administrative reform and digital transformation; its conclusion is the fixture's,
with dates moved with the meeting ("{due:N}": N days after it). Sở Khoa học và Công nghệ's
reports wait for its head's approval (``ld.khcn``, handler ``cv.khcn``). Every status shows:
new, in progress, submitted, done on time and late, overdue, returned, an extension asked,
ongoing (monthly reports) and a task whose deadline is still to be set.
"""

from __future__ import annotations

from tracker.ops.demo import _confirm, _report, _return, _submit
from tracker.ops.demo_level import Profile

S, X = "sector", "commune"
UNITS = [
    ("vp", "Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", S, "s.vp", "Nguyễn Thị Thu Hằng"),
    ("noivu", "Sở Nội vụ", "Sở Nội vụ", S, "s.noivu", "Trần Văn Quý"),
    ("taichinh", "Sở Tài chính", "Sở Tài chính", S, "s.taichinh", "Lê Thị Kim Oanh"),
    ("khcn", "Sở Khoa học và Công nghệ", "Sở KH-CN", S, "s.khcn", "Phạm Đức Thịnh"),
    ("xaydung", "Sở Xây dựng", "Sở Xây dựng", S, "s.xaydung", "Hoàng Văn Lực"),
    ("nnmt", "Sở Nông nghiệp và Môi trường", "Sở NN-MT", S, "s.nnmt", "Đỗ Thị Minh Thu"),
    ("gddt", "Sở Giáo dục và Đào tạo", "Sở GD-ĐT", S, "s.gddt", "Vũ Thị Lan Anh"),
    ("yte", "Sở Y tế", "Sở Y tế", S, "s.yte", "Bùi Quang Huy"),
    ("thanhtra", "Thanh tra tỉnh", "Thanh tra tỉnh", S, "s.thanhtra", "Ngô Minh Khoa"),
    ("binhminh", "UBND phường Bình Minh", "Phường Bình Minh", X, "x.binhminh", "Đặng Văn Sơn"),
    ("donggiang", "UBND phường Đông Giang", "Phường Đông Giang", X, "x.donggiang", "Lý Thị Hoa"),
    ("namson", "UBND phường Nam Sơn", "Phường Nam Sơn", X, "x.namson", "Trịnh Quốc Việt"),
    ("hoaphu", "UBND phường Hòa Phú", "Phường Hòa Phú", X, "x.hoaphu", "Mai Thị Ngọc Bích"),
    ("tanlap", "UBND xã Tân Lập", "Xã Tân Lập", X, "x.tanlap", "Hà Văn Tiến"),
    ("hoabinh", "UBND xã Hòa Bình", "Xã Hòa Bình", X, "x.hoabinh", "Cao Thị Thảo"),
    ("yenlac", "UBND xã Yên Lạc", "Xã Yên Lạc", X, "x.yenlac", "Lương Văn Bình"),
    ("phulam", "UBND xã Phú Lâm", "Xã Phú Lâm", X, "x.phulam", "Tạ Thị Hồng"),
    ("dongtam", "UBND xã Đồng Tâm", "Xã Đồng Tâm", X, "x.dongtam", "Kiều Văn Phúc"),
    ("honngoc", "UBND đặc khu Hòn Ngọc", "Đặc khu Hòn Ngọc", X, "x.honngoc", "Chu Thị Diệu Linh"),
]

CONCLUSION = (
    "Ngày {due:0}, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp giao ban tháng về vận hành "
    "chính quyền địa phương hai cấp, cải cách hành chính và chuyển đổi số. Sau khi nghe báo "
    "cáo và ý kiến của các đại biểu, đồng chí Chủ tịch UBND tỉnh kết luận như sau:\n"
    "1. Các sở, ban, ngành và UBND các xã, phường, đặc khu tiếp tục rà soát, chuẩn hóa quy "
    "trình giải quyết thủ tục hành chính, không để hồ sơ trễ hạn, thực hiện thường xuyên.\n"
    "2. Sở Nội vụ chủ trì, phối hợp Sở Tài chính tham mưu phương án sắp xếp đơn vị sự nghiệp "
    "công lập thuộc UBND tỉnh, trình UBND tỉnh trước ngày {due:40}.\n"
    "3. Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Sở Nông nghiệp và Môi trường rà soát, "
    "điều chuyển vốn đầu tư công của các dự án chậm giải ngân, hoàn thành trước ngày {due:12}.\n"
    "4. UBND các xã, phường, đặc khu hoàn thành việc bàn giao, tiếp nhận trụ sở, tài sản dôi "
    "dư sau sắp xếp, báo cáo Sở Tài chính trước ngày {due:10}.\n"
    "5. Sở Khoa học và Công nghệ bảo đảm hạ tầng số, đường truyền cho các Trung tâm Phục vụ "
    "hành chính công cấp xã, hoàn thành trước ngày {due:37}.\n"
    "6. UBND đặc khu Hòn Ngọc phối hợp Sở Nông nghiệp và Môi trường hoàn thiện phương án bảo "
    "vệ rừng phòng hộ ven biển trước ngày {due:17}.\n"
    "7. Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện Thông báo này, tổng hợp báo cáo "
    "Chủ tịch UBND tỉnh định kỳ hằng tháng.\n"
    "8. Sở Khoa học và Công nghệ nghiên cứu, đề xuất xây dựng kho dữ liệu dùng chung của tỉnh; "
    "thời hạn xác định sau khi có hướng dẫn của Bộ Khoa học và Công nghệ.\n"
    "Văn phòng UBND tỉnh thông báo để các sở, ban, ngành và UBND các xã, phường, đặc khu biết, "
    "thực hiện./."
)

ALL_SECTORS, ALL_COMMUNES = "@sector", "@commune"
TASKS = [
    (
        "Rà soát, chuẩn hóa quy trình giải quyết thủ tục hành chính, không để hồ sơ trễ hạn",
        "Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính trên Hệ thống giải "
        "quyết thủ tục hành chính của tỉnh; không để hồ sơ trễ hạn; báo cáo hằng tháng.",
        "thu_tuc",
        "ongoing",
        None,
        [ALL_SECTORS, ALL_COMMUNES],
        [],
    ),
    (
        "Tham mưu phương án sắp xếp đơn vị sự nghiệp công lập thuộc UBND tỉnh",
        "Sở Nội vụ chủ trì, phối hợp Sở Tài chính tham mưu phương án sắp xếp đơn vị sự nghiệp "
        "công lập thuộc UBND tỉnh, trình UBND tỉnh trước ngày {due:40}.",
        "bo_may",
        "date",
        40,
        ["noivu"],
        ["taichinh"],
    ),
    (
        "Rà soát, điều chuyển vốn đầu tư công của các dự án chậm giải ngân",
        "Rà soát từng dự án có tỷ lệ giải ngân dưới 30%, đề xuất điều chuyển vốn sang các dự án "
        "có khả năng giải ngân tốt, hoàn thành trước ngày {due:12}.",
        "tai_chinh",
        "date",
        12,
        ["taichinh"],
        ["xaydung", "nnmt"],
    ),
    (
        "Hoàn thành bàn giao, tiếp nhận trụ sở, tài sản dôi dư sau sắp xếp",
        "UBND các xã, phường, đặc khu hoàn thành việc bàn giao, tiếp nhận trụ sở, tài sản dôi dư "
        "sau sắp xếp đơn vị hành chính, báo cáo Sở Tài chính trước ngày {due:10}.",
        "tai_chinh",
        "date",
        10,
        [ALL_COMMUNES],
        [],
    ),
    (
        "Bảo đảm hạ tầng số, đường truyền cho các Trung tâm Phục vụ hành chính công cấp xã",
        "Rà soát máy trạm, máy quét, đường truyền số liệu chuyên dùng tại Trung tâm Phục vụ hành "
        "chính công của các xã, phường, đặc khu; nâng cấp, hoàn thành trước ngày {due:37}.",
        "chinh_quyen_so",
        "date",
        37,
        ["khcn"],
        ["vp"],
    ),
    (
        "Hoàn thiện phương án bảo vệ rừng phòng hộ ven biển",
        "UBND đặc khu Hòn Ngọc phối hợp Sở Nông nghiệp và Môi trường hoàn thiện phương án bảo "
        "vệ rừng phòng hộ ven biển, trình UBND tỉnh trước ngày {due:17}.",
        "khac",
        "date",
        17,
        ["honngoc"],
        ["nnmt"],
    ),
    (
        "Theo dõi, đôn đốc thực hiện Thông báo kết luận, báo cáo định kỳ hằng tháng",
        "Văn phòng UBND tỉnh theo dõi, đôn đốc các cơ quan, địa phương thực hiện Thông báo này, "
        "tổng hợp báo cáo Chủ tịch UBND tỉnh định kỳ hằng tháng.",
        "khac",
        "ongoing",
        None,
        ["vp"],
        [],
    ),
    (
        "Nghiên cứu, đề xuất xây dựng kho dữ liệu dùng chung của tỉnh",
        "Khảo sát dữ liệu của các sở, ngành và UBND cấp xã; đề xuất kiến trúc kho dữ liệu dùng "
        "chung. Thời hạn xác định sau khi có hướng dẫn của Bộ Khoa học và Công nghệ.",
        "chinh_quyen_so",
        "none",
        None,
        ["khcn"],
        ["noivu"],
    ),
]

HISTORY = {
    (1, "noivu"): [
        _report(9, 9, 30, "Đã rà soát quy trình nội bộ của 42 thủ tục lĩnh vực nội vụ.")
    ],
    (1, "binhminh"): [
        _report(8, 14, 40, "Tháng này tiếp nhận 1.215 hồ sơ, không có hồ sơ trễ hạn."),
    ],
    (1, "tanlap"): [
        _report(
            10,
            10,
            25,
            "Đã rà soát quy trình, còn 3 hồ sơ đất đai trễ hạn do chờ đo đạc.",
            "Thiếu công chức địa chính sau sắp xếp.",
            "Đề nghị Sở Nông nghiệp và Môi trường hỗ trợ nghiệp vụ đo đạc.",
        ),
    ],
    (2, "noivu"): [
        _report(6, 9, 20, "Đã có văn bản đề nghị các sở báo cáo số liệu đơn vị sự nghiệp."),
        _report(12, 15, 45, "Đã tổng hợp số liệu của 14/17 sở, đang xây dựng dự thảo phương án."),
    ],
    (2, "taichinh"): [
        _report(7, 9, 30, "Đã rà soát định mức chi của các đơn vị sự nghiệp thuộc diện sắp xếp."),
        (8, 10, "extend", 47, "Chờ số liệu quyết toán năm trước của các đơn vị sự nghiệp."),
        (9, 15, "extended", "Đồng ý gia hạn; phối hợp chặt chẽ với Sở Nội vụ."),
    ],
    (3, "taichinh"): [
        _report(
            7,
            10,
            50,
            "Đã rà soát 64 dự án, xác định 11 dự án giải ngân dưới 30%.",
            "Một số chủ đầu tư chậm gửi báo cáo giải ngân.",
            "Đề nghị UBND tỉnh phê bình các chủ đầu tư chậm báo cáo.",
        ),
        _report(13, 9, 70, "Đã dự thảo phương án điều chuyển vốn, đang xin ý kiến các sở."),
    ],
    (3, "xaydung"): [
        _report(8, 9, 100, "Đã gửi danh mục dự án giao thông chậm giải ngân."),
        _submit(8, 10),
        _confirm(9, 14),
    ],
    (3, "nnmt"): [
        _report(6, 15, 40, "Đang rà soát các dự án thủy lợi, đê điều."),
        (10, 9, "extend", 30, "Cần thêm thời gian xác minh khối lượng thực hiện tại hiện trường."),
    ],
    (4, "binhminh"): [
        _report(5, 9, 100, "Đã bàn giao 2 trụ sở dôi dư cho Trung tâm Phát triển quỹ đất."),
        _submit(6, 10),
        _confirm(7, 9),
    ],
    (4, "donggiang"): [
        _report(9, 14, 60, "Đang kiểm kê tài sản tại trụ sở cũ của phường."),
        _report(12, 9, 100, "Đã hoàn thành bàn giao, có biên bản kèm theo."),
        _submit(12, 10),
        _confirm(13, 15),
    ],
    (4, "tanlap"): [
        _report(11, 9, 100, "Đã bàn giao trụ sở xã cũ làm nhà văn hóa thôn."),
        _submit(13, 9),
    ],
    (4, "hoabinh"): [
        _report(8, 10, 100, "Đã hoàn thành bàn giao tài sản."),
        _submit(9, 9),
        _return(11, 10, "Chưa có biên bản bàn giao và danh mục tài sản; đề nghị bổ sung."),
    ],
    (4, "honngoc"): [
        _report(
            9,
            15,
            50,
            "Đã kiểm kê tài sản, đang chờ phương án tiếp nhận.",
            "Trụ sở cũ ở đảo xa, việc vận chuyển tài sản phụ thuộc thời tiết.",
        ),
    ],
    (4, "namson"): [_report(8, 11, 30, "Đang lập danh mục tài sản dôi dư.")],
    (4, "yenlac"): [
        _report(7, 9, 100, "Đã bàn giao trụ sở cũ cho trường mầm non sử dụng."),
        _submit(7, 10),
        _confirm(8, 9),
    ],
    (4, "phulam"): [
        _report(6, 14, 100, "Đã bàn giao 14 máy tính, 3 xe công dôi dư về Sở Tài chính."),
        _submit(6, 15),
        _confirm(8, 10),
    ],
    (4, "dongtam"): [_report(9, 16, 40, "Đã kiểm kê, đang chờ Sở Tài chính thẩm định giá.")],
    (5, "khcn"): [
        (3, 9, "handler", 12),
        (6, 16, "draft", 30, "Đã khảo sát hạ tầng tại 6/10 Trung tâm Phục vụ hành chính công."),
        (7, 8, "approve"),
        (13, 15, "draft", 55, "Đã lập dự toán nâng cấp đường truyền cho 10 Trung tâm."),
    ],
    (7, "vp"): [_report(12, 10, 20, "Đã ban hành văn bản đôn đốc các cơ quan, địa phương.")],
}

PROFILE = Profile(
    level="province",
    email_domain="hoason.example",
    units=UNITS,
    people={"admin": "Đinh Văn Khải", "tonghop": "Phan Thị Thanh Tâm", "theodoi": "Lâm Quốc Hưng"},
    chair=("Nguyễn Văn Thành", "Chủ tịch UBND tỉnh Hòa Sơn"),
    head=("ld.khcn", "Vương Thị Ngọc Diệp", "khcn"),
    handler=("cv.khcn", "Hồ Minh Nhật"),
    meeting={
        "title": "Họp giao ban tháng {month}/{year} về vận hành chính quyền địa phương hai "
        "cấp, cải cách hành chính và chuyển đổi số",
        "place": "Phòng họp số 1, trụ sở UBND tỉnh Hòa Sơn",
        "attendees": "Các đồng chí Phó Chủ tịch UBND tỉnh; Giám đốc các sở, ban, ngành; Chủ "
        "tịch UBND các xã, phường, đặc khu (dự trực tuyến tại điểm cầu cấp xã).",
        "notice_number": "412/TB-UBND",
        "conclusion": CONCLUSION,
    },
    tasks=TASKS,
    history=HISTORY,
)
