"""Static files are linked under fingerprinted names, cached for a year and sent compressed."""

from __future__ import annotations

import gzip
import re
import shutil

import pytest

from tracker import create_app
from tracker.core import db
from tracker.core.paths import resource_dir

ASSET = re.compile(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"')
FINGERPRINTED = re.compile(r"^/static/.+\.[0-9a-f]{10}\.[a-z]+$")


def _asset_links(client) -> list[str]:
    return ASSET.findall(client.get("/login").get_data(as_text=True))


def test_every_asset_link_is_fingerprinted_and_immutable(client):
    links = _asset_links(client)
    assert any("/vendor/pico-" in link for link in links)
    assert any("/vendor/htmx-" in link for link in links)
    assert any("/css/app." in link for link in links)
    for link in links:
        assert FINGERPRINTED.match(link), link
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


def test_compressed_when_the_browser_accepts_it(client):
    link = next(link for link in _asset_links(client) if "/vendor/pico-" in link)
    plain = client.get(link)
    zipped = client.get(link, headers={"Accept-Encoding": "gzip, deflate"})
    assert plain.headers.get("Content-Encoding") is None
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"] == "Accept-Encoding"
    body = zipped.get_data()
    assert len(body) < len(plain.get_data()) / 3
    assert gzip.decompress(body) == plain.get_data()
    assert plain.headers["Content-Type"].startswith("text/css")


def test_an_unknown_or_stale_hash_is_not_found(client):
    link = next(link for link in _asset_links(client) if "/css/app." in link)
    stale = re.sub(r"\.[0-9a-f]{10}\.css$", ".0123456789.css", link)
    assert client.get(stale).status_code == 404
    assert client.get("/static/css/app.css").status_code == 200  # the plain name still works


@pytest.fixture
def static_copy(tmp_path):
    """A copy of static/ an application can serve, and change."""
    folder = tmp_path / "static"
    shutil.copytree(resource_dir("static"), folder)
    return folder


def _app_serving(static_folder, database_url, build, monkeypatch):
    """An application whose static/ is ``static_folder``."""
    monkeypatch.setattr(
        "tracker.resource_dir",
        lambda name: static_folder if name == "static" else resource_dir(name),
    )
    return create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "STATIC_BUILD_DIR": str(build)}
    )


def _stylesheet(app) -> str:
    with app.test_client() as client:
        links = _asset_links(client)
    db.close_all()
    return next(link for link in links if "/css/app." in link)


def test_the_url_changes_when_the_file_changes(database_url, tmp_path, static_copy, monkeypatch):
    build = tmp_path / "build"
    before = _stylesheet(_app_serving(static_copy, database_url, build, monkeypatch))
    again = _stylesheet(_app_serving(static_copy, database_url, build, monkeypatch))
    assert again == before
    app_css = static_copy / "css" / "app.css"
    app_css.write_text(app_css.read_text() + "\n.changed { color: red; }\n")
    app = _app_serving(static_copy, database_url, build, monkeypatch)
    after = _stylesheet(app)
    assert after != before and FINGERPRINTED.match(after)
    with app.test_client() as client:
        assert client.get(after).get_data(as_text=True).endswith(".changed { color: red; }\n")
        assert client.get(before).status_code == 404  # the old name is not served any more
    db.close_all()


def test_a_stylesheet_links_other_assets_by_their_fingerprinted_names(tmp_path, static_copy):
    from tracker.web import assets

    (static_copy / "css" / "icons.css").write_text(
        '.logo { background: url("../img/favicon.svg"); }\n'
        ".x { background: url(data:image/png;base64,AAAA); }\n"
        ".y { background: url(/elsewhere.png); }\n"
    )
    manifest = assets.build(static_copy, tmp_path / "build")
    built = (tmp_path / "build" / manifest["css/icons.css"]).read_text()
    assert f'url("../{manifest["img/favicon.svg"]}")' in built
    assert "url(data:image/png;base64,AAAA)" in built
    assert "url(/elsewhere.png)" in built
