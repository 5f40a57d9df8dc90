"""The notice review without friction: the meeting's own conclusion is offered for parsing,
units are chosen from the unit list (the parser's guess preselected, its "Có phải …?"
suggestions one click away), drafts take working days like the task form, and a long title is
shown whole."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from notice_support import review_form

from tracker.models import Meeting, NoticeDraft, Task

CONCLUSION = """Đồng chí Phó Chủ tịch UBND quận kết luận như sau:
1. Giao Phòng Nội vụ chủ trì, phối hợp với UBND các phường rà soát thủ tục hành chính, \
hoàn thành trước ngày 30/6/2026.
2. Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện để thực hiện \
chuyển đổi số, xây dựng Chính quyền số quận, phường; Phòng Nội vụ chủ trì.
3. Phòng Văn hoá Thông tn xây dựng kế hoạch trong 10 ngày làm việc.
"""
LONG_TITLE = (
    "Nâng cấp hạ tầng và nền tảng số tại quận, phường đảm bảo các điều kiện để thực hiện "
    "chuyển đổi số, xây dựng Chính quyền số quận, phường"
)


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def meeting(world):
    Meeting.update(notice_date=date(2026, 5, 15), conclusion=CONCLUSION).where(
        Meeting.id == world.meeting.id
    ).execute()
    return Meeting.get_by_id(world.meeting.id)


@pytest.fixture
def culture(factory):
    return factory.unit("Phòng Văn hóa và Thông tin", kind="department", code="vhtt")


def _review(meeting) -> NoticeDraft:
    return NoticeDraft.get(NoticeDraft.meeting == meeting)


def _from_conclusion(client, meeting) -> NoticeDraft:
    response = client.post(f"/meetings/{meeting.id}/notice", data={"source": "conclusion"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#drafts")
    return _review(meeting)


def _paste(client, meeting) -> NoticeDraft:
    """The same notice pasted, as before there was anything to offer."""
    response = client.post(f"/meetings/{meeting.id}/notice", data={"text": CONCLUSION})
    assert response.status_code == 302
    return _review(meeting)


def _select(page: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, name
    return match.group(0)


def _selected(select: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', select)


# --- a. the conclusion typed on the meeting form -------------------------------------------


def test_the_typed_conclusion_is_offered_for_parsing(client, auth, world, meeting):
    auth.login("tonghop")
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert "Tạo nhiệm vụ từ kết luận đã nhập" in page
    form = re.search(r'<form[^>]*action="/meetings/\d+/notice"[^>]*>.*?</form>', page, re.S)
    assert form and 'name="source" value="conclusion"' in form.group(0)
    assert 'name="csrf_token"' in form.group(0)

    review = _from_conclusion(client, meeting)
    assert len(review.drafts) == 3 and review.source == CONCLUSION.strip()
    assert review.drafts[0]["lead"] == "Phòng Nội vụ"
    # Offered again while its review goes on: the corrections are kept, not read over.
    client.post(
        f"/meetings/{meeting.id}/notice/save", data=review_form(review, **{"d-0-title": "Sửa"})
    )
    _from_conclusion(client, meeting)
    assert _review(meeting).drafts[0]["title"] == "Sửa"
    # The import page opened afresh offers the conclusion rather than an empty box.
    NoticeDraft.delete().execute()
    page = html.unescape(_text(client.get(f"/meetings/{meeting.id}/notice")))
    assert "Phòng Văn hoá Thông tn xây dựng kế hoạch" in page


def test_no_offer_without_a_conclusion_or_for_viewers(client, auth, world, meeting):
    auth.login("theodoi")
    assert "Tạo nhiệm vụ từ kết luận đã nhập" not in _text(client.get(f"/meetings/{meeting.id}"))
    auth.logout()
    auth.login("tonghop")
    Meeting.update(conclusion="").where(Meeting.id == meeting.id).execute()
    assert "Tạo nhiệm vụ từ kết luận đã nhập" not in _text(client.get(f"/meetings/{meeting.id}"))
    response = client.post(f"/meetings/{meeting.id}/notice", data={"source": "conclusion"})
    assert response.status_code == 400
    assert "Cuộc họp chưa có nội dung kết luận." in _text(response)


# --- b. units from the unit list ------------------------------------------------------------


def test_units_are_chosen_from_the_list_with_the_guess_preselected(
    client, auth, world, meeting, culture
):
    auth.login("tonghop")
    review = _paste(client, meeting)
    page = _text(client.get(f"/meetings/{meeting.id}/notice"))
    lead = _select(page, "d-0-lead")
    assert "multiple" in lead and f'value="u{world.dept.id}"' in lead
    assert _selected(lead) == [f"u{world.dept.id}"]
    assert _selected(_select(page, "d-0-coordinating")) == ["g:UBND các phường"]
    assert f'value="u{culture.id}"' in lead and f'value="u{world.ward_a.id}"' in lead

    # Chosen from the list: the keys the select posts.
    form = review_form(review)
    form["d-2-lead"] = [f"u{culture.id}", f"u{world.ward_a.id}"]
    form["d-0-coordinating"] = [f"u{world.ward_b.id}"]
    response = client.post(f"/meetings/{meeting.id}/notice/create", data=form)
    assert response.status_code == 302
    third = Task.get(Task.meeting == meeting, Task.title.contains("kế hoạch"))
    assert {(a.unit.code, a.role) for a in third.assignments} == {
        ("vhtt", "lead"),
        ("sodau", "lead"),
    }
    first = Task.get(Task.meeting == meeting, Task.title.contains("thủ tục"))
    assert {(a.unit.code, a.role) for a in first.assignments} == {
        ("noivu", "lead"),
        ("hoangvanthu", "coordinating"),
    }


def test_a_suggestion_is_one_click_without_javascript(client, auth, world, meeting, culture):
    auth.login("tonghop")
    review = _paste(client, meeting)
    assert review.drafts[2]["lead"] == ""
    page = _text(client.get(f"/meetings/{meeting.id}/notice"))
    pick = f"2:lead:u{culture.id}"
    button = re.search(rf'<button[^>]*name="pick" value="{pick}"[^>]*>([^<]*)</button>', page)
    assert button and button.group(1).strip() == "Phòng Văn hóa và Thông tin"
    # The button submits the review form (to "save"): the unit is chosen, the rest kept.
    form = review_form(review, pick=pick, **{"d-1-title": "Nâng cấp hạ tầng số"})
    response = client.post(f"/meetings/{meeting.id}/notice/save", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("#draft-2")
    drafts = _review(meeting).drafts
    assert drafts[2]["lead"] == "Phòng Văn hóa và Thông tin"
    assert drafts[1]["title"] == "Nâng cấp hạ tầng số"
    page = _text(client.get(f"/meetings/{meeting.id}/notice"))
    assert _selected(_select(page, "d-2-lead")) == [f"u{culture.id}"]
    assert f'value="{pick}"' not in page  # the name is settled: no more question


def test_a_suggestion_through_htmx_answers_its_draft(client, auth, world, meeting, culture):
    auth.login("tonghop")
    review = _paste(client, meeting)
    pick = f"2:lead:u{culture.id}"
    form = review_form(review, pick=pick)
    response = client.post(f"/meetings/{meeting.id}/notice/save?draft=3", data=form, htmx=True)
    fragment = _text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert (
        fragment.lstrip().startswith('<article class="notice-draft') and 'id="draft-2"' in fragment
    )
    assert _selected(_select(fragment, "d-2-lead")) == [f"u{culture.id}"]


def test_an_unknown_unit_is_refused_beside_its_field(client, auth, world, meeting):
    auth.login("tonghop")
    review = _paste(client, meeting)
    form = review_form(review, **{"d-2-lead": "u999999"})
    response = client.post(f"/meetings/{meeting.id}/notice/create", data=form)
    assert response.status_code == 400 and not Task.select().where(Task.title.contains("kế hoạch"))
    page = _text(response)
    draft = page[page.index('id="draft-2"') :]
    label = re.search(r"<label[^>]*>\s*Đơn vị chủ trì.*?</label>", draft, re.S)
    assert label and "Đơn vị không hợp lệ hoặc đã ngừng hoạt động." in label.group(0)


# --- c. working days --------------------------------------------------------------------------


def _input(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


def test_drafts_offer_working_days_like_the_task_form(client, auth, world, meeting):
    auth.login("tonghop")
    review = _paste(client, meeting)
    page = _text(client.get(f"/meetings/{meeting.id}/notice"))
    # The parsed "trong 10 ngày làm việc" is shown as 10 working days, the date left empty.
    assert 'value="10"' in _input(page, "d-2-working_days")
    assert 'value=""' in _input(page, "d-2-deadline")
    assert "29/05/2026" in page  # the date they give, counted from the notice (15/05/2026)

    # A number of working days typed instead of a date: counted from the notice.
    form = review_form(
        review, **{"d-0-deadline": "", "d-0-working_days": "5", "d-2-lead": "Phòng Nội vụ"}
    )
    response = client.post(f"/meetings/{meeting.id}/notice/create", data=form)
    assert response.status_code == 302
    first = Task.get(Task.meeting == meeting, Task.title.contains("thủ tục"))
    assert (first.deadline, first.working_days) == (date(2026, 5, 22), 5)
    third = Task.get(Task.meeting == meeting, Task.title.contains("kế hoạch"))
    assert (third.deadline, third.working_days) == (date(2026, 5, 29), 10)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"d-0-deadline": "2026-06-30", "d-0-working_days": "5"},
            "Vui lòng chỉ nhập một trong hai: hạn hoàn thành hoặc số ngày làm việc.",
        ),
        ({"d-0-deadline": "", "d-0-working_days": "0"}, "Số ngày làm việc phải là số nguyên"),
        ({"d-0-deadline": "", "d-0-working_days": "mười"}, "Số ngày làm việc phải là số nguyên"),
    ],
)
def test_bad_working_days_are_refused_beside_the_field(
    client, auth, world, meeting, changes, message
):
    auth.login("tonghop")
    review = _paste(client, meeting)
    form = review_form(review, **{"d-2-lead": "Phòng Nội vụ", **changes})
    before = Task.select().count()
    response = client.post(f"/meetings/{meeting.id}/notice/create", data=form)
    assert response.status_code == 400 and Task.select().count() == before
    page = _text(response)
    label = re.search(r"<label[^>]*>[^<]*ngày làm việc.*?</label>", page, re.S)
    assert label and message in label.group(0)
    assert f'value="{changes["d-0-working_days"]}"' in label.group(0)  # nothing lost


# --- d. a long title shown whole ------------------------------------------------------------


def test_a_long_title_is_shown_whole_and_wraps(client, auth, world, meeting):
    auth.login("tonghop")
    review = _paste(client, meeting)
    assert review.drafts[1]["title"] == LONG_TITLE
    page = _text(client.get(f"/meetings/{meeting.id}/notice"))
    title = re.search(r'<textarea[^>]*name="d-1-title"[^>]*>([^<]*)</textarea>', page)
    assert title and html.unescape(title.group(1)).strip() == LONG_TITLE
