"""Search ignores accents and case, stays inside what the user may see, escapes and marks."""

from __future__ import annotations

from conftest import NOW
from markupsafe import Markup
from test_migrations import two_databases  # noqa: F401, F811  (a fixture)

from tracker.core.textfold import fold, highlight, terms
from tracker.models import Meeting, ProgressReport, Task


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Cải cách HÀNH CHÍNH") == "cai cach hanh chinh"
    assert fold("Đường Đông  Hải—45/TB-UBND") == "duong dong hai 45 tb ubnd"
    # Decomposed input (NFD) folds like precomposed.
    assert fold("Ca\u0309i ca\u0301ch") == "cai cach"
    assert terms("  DUONG đường duong ") == ["duong"]


def test_highlight_marks_accented_words_and_escapes():
    out = highlight("<b>Cải cách</b> hành chính & đường", ["cai", "duong"])
    assert isinstance(out, Markup)
    assert out == ("&lt;b&gt;<mark>Cải</mark> cách&lt;/b&gt; hành chính &amp; <mark>đường</mark>")
    # Only at the start of a word: "anh" is not in "hành".
    assert "<mark>" not in highlight("hành chính", ["anh"])
    long = "mở đầu " * 50 + "cải cách " + "kết thúc " * 50
    excerpt = highlight(long, ["cai"], 80)
    assert "<mark>cải</mark>" in excerpt and excerpt.startswith("…") and len(excerpt) < 200


def _report(assignment, author, text, **kw):
    return ProgressReport.create(
        assignment=assignment, author=author, text=text, progress=10, created_at=NOW, **kw
    )


def test_search_text_follows_saves(app_ctx, world):
    meeting = Meeting.get_by_id(world.meeting.id)
    assert meeting.search_text == "hop ban chi dao cchc"
    meeting.conclusion = "Đẩy mạnh CẢI CÁCH"
    meeting.save()
    assert Meeting.get_by_id(meeting.id).search_text.endswith("day manh cai cach")
    task = Task.get_by_id(world.task.id)
    task.title = "Sửa đường"
    task.save(only=[Task.title])
    assert Task.get_by_id(task.id).search_text == "sua duong"


def test_unaccented_query_finds_accented_text(client, auth, world, factory):
    factory.meeting("Họp về cải cách hành chính", conclusion="Nâng cấp ĐƯỜNG Lạch Tray")
    factory.task(world.meeting, "Rà soát thủ tục cải cách hành chính")
    _report(world.assignment_a, world.officer_a, "Đã sửa đường ống <script>x</script>")
    auth.login("lanhdao")
    page = client.get("/search?q=cai+cach+hanh+chinh").get_data(as_text=True)
    assert "Họp về <mark>cải</mark> <mark>cách</mark> <mark>hành</mark> <mark>chính</mark>" in page
    assert "Rà soát thủ tục <mark>cải</mark>" in page
    page = client.get("/search?q=DUONG").get_data(as_text=True)
    assert "<mark>ĐƯỜNG</mark> Lạch Tray" in page
    assert "<mark>đường</mark> ống &lt;script&gt;" in page and "<script>x" not in page
    # "d" finds words starting with đ.
    page = client.get("/search?q=d&kind=report").get_data(as_text=True)
    assert "<mark>Đ</mark>ã" in page
    page = client.get("/search?q=khongcotu").get_data(as_text=True)
    assert "Không tìm thấy kết quả nào" in page


def test_ward_officer_never_finds_another_wards_report(client, auth, world):
    _report(world.assignment_a, world.officer_a, "Sở Dầu đã tuyên truyền xong")
    _report(world.assignment_b, world.officer_b, "Hoàng Văn Thụ đã tuyên truyền một phần")
    auth.login("p.sodau")
    page = client.get("/search?q=tuyen+truyen&kind=report").get_data(as_text=True)
    assert "Sở Dầu đã" in page and "Hoàng Văn Thụ đã" not in page
    # The department's task is not his either.
    page = client.get("/search?q=ha+tang").get_data(as_text=True)
    assert "Nâng cấp" not in page
    client.post("/logout")
    auth.login("theodoi")
    page = client.get("/search?q=tuyen+truyen&kind=report").get_data(as_text=True)
    assert "Sở Dầu đã" in page and "Hoàng Văn Thụ đã" in page


def test_grouped_preview_and_pages(client, auth, world, factory, app):
    app.config["PAGE_SIZE"] = 4
    for n in range(7):
        factory.meeting(f"Họp đường giao thông số {n}")
    auth.login("tonghop")
    page = client.get("/search?q=giao+thong").get_data(as_text=True)
    assert page.count('class="search-hit"') == 5 and "Xem tất cả 7 kết quả" in page
    fragment = client.hx_get("/search?q=giao+thong&kind=meeting&page=2").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="search-results">')
    assert fragment.count('class="search-hit"') == 3 and "Trang 2 / 2" in fragment


def test_migration_fills_search_text_of_existing_rows(two_databases):  # noqa: F811
    from playhouse.migrations import Runner
    from test_migrations import insert_base_rows

    from tracker.core import db
    from tracker.ops.migrate import MIGRATIONS_DIR

    db.bind(two_databases[0])
    database = db.database.obj
    with db.database.connection_context():
        runner = Runner(database, directory=str(MIGRATIONS_DIR))
        # Rows as the first migration wrote them, then every later one, 0006 among them.
        runner.up(runner.migrations()[0].name)
        insert_base_rows(database)
        runner.up()
        assert Meeting.get_by_id(1).search_text == "hop ban chi dao cchc 45 tb ubnd"
        assert Task.get_by_id(1).search_text == "tuyen truyen cchc"
        assert ProgressReport.get_by_id(1).search_text == "da trien khai"


def test_counts_stop_at_the_cap(client, auth, world, factory, monkeypatch):
    from tracker.search import views as search

    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(5):
        factory.meeting(f"Họp đường giao thông số {n}")
    auth.login("lanhdao")
    page = client.get("/search?q=giao+thong").get_data(as_text=True)
    assert "Cuộc họp (3+)" in page and "Có hơn 3 kết quả" in page
    page = client.get("/search?q=giao+thong&kind=meeting").get_data(as_text=True)
    assert page.count('class="search-hit"') == 3
