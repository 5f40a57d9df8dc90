"""The notice review form as the browser posts it, and a notice with its header and signer
(printed to PDF by the upload tests), for the tests of notice drafts."""

from __future__ import annotations

from tracker.models import NoticeDraft


def review_form(review: NoticeDraft, **changes) -> dict:
    """The review form as the browser posts it (every draft, every field), with ``changes``."""
    data = {"count": str(len(review.drafts))}
    for i, d in enumerate(review.drafts):
        p = f"d-{i}-"
        if d["include"]:
            data[p + "include"] = "1"
        for name in ("title", "content", "lead", "coordinating", "deadline_kind", "deadline"):
            data[p + name] = d[name] or ""
        data[p + "cadence"] = d["cadence"]
        data[p + "field"] = d["field"]
        # As the page shows it: N working days instead of the date they give.
        days = d.get("working_days")
        data[p + "working_days"] = str(days) if days else ""
        if days:
            data[p + "deadline"] = ""
    data.update(changes)
    return data


# A notice as it is signed: header, three numbered directives, "Nơi nhận" and the signer.
ITEMS = [
    "Giao Phòng Nội vụ chủ trì, phối hợp với UBND các phường rà soát thủ tục hành chính "
    "thuộc thẩm quyền giải quyết của quận, hoàn thành trước ngày 30/6/2026.",
    "UBND phường Sở Dầu thường xuyên tuyên truyền về chuyển đổi số, cải cách hành chính "
    "đến người dân, doanh nghiệp trên địa bàn phường.",
    "Phòng Nội vụ xây dựng kế hoạch kiểm tra công vụ năm 2026 trong 10 ngày làm việc.",
]
NOTICE = "\n".join(
    [
        "ỦY BAN NHÂN DÂN",
        "QUẬN HỒNG BÀNG",
        "Số: 45/TB-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hồng Bàng, ngày 15 tháng 5 năm 2026",
        "",
        "THÔNG BÁO",
        "Kết luận của Phó Chủ tịch UBND quận",
        "",
        "Đồng chí Phó Chủ tịch UBND quận kết luận như sau:",
        *[f"{i}. {item}" for i, item in enumerate(ITEMS, start=1)],
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "(Đã ký)",
        "Nguyễn Văn An",
    ]
)
