"""GET /api/v2/search, as megalodon and Mastodon.py call it."""

from datetime import UTC, datetime

from plerome.domain.statuses import Status
from plerome.domain.usecases.search import query_hashtags


def post(api, account, id_, text, visibility="public", mentioned=()):
    status = Status(
        id=id_,
        account_id=account.id,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        visibility=visibility,
        source=text,
        content_type="text/plain",
        content=f"<p>{text}</p>",
        context_id=id_,
        mentioned_ids=tuple(mentioned),
    )
    api.client.portal.call(api.svc.ctx.stores.statuses.add, status)


def test_accounts_statuses_and_hashtags_come_back_together(client, api):
    _, headers = api.login("alice")
    carla = api.user("carla")
    post(api, carla, "s1", "cats are great")
    r = client.get("/api/v2/search", params={"q": "carl", "resolve": "0"}, headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert [a["username"] for a in body["accounts"]] == ["carla"]
    assert body["statuses"] == []
    assert body["hashtags"] == [{"name": "carl", "url": "http://127.0.0.1:4000/tag/carl", "history": []}]
    r = client.get("/api/v2/search", params={"q": "cats", "type": "statuses"}, headers=headers)
    assert [s["id"] for s in r.json()["statuses"]] == ["s1"]
    assert r.json()["accounts"] == [] and r.json()["hashtags"] == []


def test_statuses_the_viewer_may_not_see_are_not_found(client, api):
    _, headers = api.login("alice")
    carla = api.user("carla")
    dave = api.user("dave")
    post(api, carla, "s1", "secret plans", visibility="direct", mentioned=[dave.id])
    post(api, carla, "s2", "secret recipe")
    r = client.get("/api/v2/search", params={"q": "secret", "type": "statuses"}, headers=headers)
    assert [s["id"] for s in r.json()["statuses"]] == ["s2"]
    anonymous = client.get("/api/v2/search", params={"q": "secret", "type": "statuses"})
    assert [s["id"] for s in anonymous.json()["statuses"]] == ["s2"]


def test_a_query_is_required_and_the_type_must_be_known(client):
    assert client.get("/api/v2/search").json() == {"error": "Missing field: q."}
    r = client.get("/api/v2/search", params={"q": "x", "type": "everything"})
    assert r.status_code == 400


def test_hashtags_are_the_query_words_that_can_be_tags():
    assert query_hashtags("#Cats and dogs 2026 #cats", 10) == ["cats", "and", "dogs"]
    assert query_hashtags("a-b", 10) == []
