"""Every asset a page links to is served by the app itself (no CDN), the icon included."""

from __future__ import annotations

import re


def test_every_linked_asset_is_local_and_served(client, auth, world):
    auth.login("p.sodau")
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"', page)
    # No /favicon.ico 404 in the log (the icon is linked under its fingerprinted name).
    assert any(re.search(r"/favicon\.[0-9a-f]+\.svg$", link) for link in links)
    for link in links:
        assert link.startswith("/static/"), link
        response = client.get(link)
        assert response.status_code == 200, link
        response.close()
