import pytest
from test_query_counts import Pages
@pytest.mark.parametrize(("name","user","path"), [p for p in Pages.PAGES if "queue" in p[0]])
def test_print(client, auth, factory, world, name, user, path):
    p = Pages(factory, world); p.grow(30); auth.login(user)
    body = client.get(path.format(**p.ids())).get_data()
    open(f"/tmp/page-{name.replace(' ','_')}.html","wb").write(body); print("SIZE", name, len(body))
