"""The Link header every paginated list carries."""

from starlette.requests import Request

from plerome.entrypoints.http.pagination import PageParams, link_header, page_of


def request(path, query="", root=""):
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "root_path": root,
            "query_string": query.encode(),
            "headers": [],
            "server": ("testserver", 80),
            "scheme": "http",
        }
    )


def test_next_points_below_the_last_item_and_prev_above_the_first_keeping_other_params():
    links = link_header(
        request("/api/v1/timelines/home", "limit=5&max_id=zzz&types[]=a"), "https://s.example", ["9", "5"]
    )
    assert links["Link"] == (
        '<https://s.example/api/v1/timelines/home?limit=5&types%5B%5D=a&max_id=5>; rel="next", '
        '<https://s.example/api/v1/timelines/home?limit=5&types%5B%5D=a&min_id=9>; rel="prev"'
    )


def test_an_empty_page_has_no_link_header():
    assert link_header(request("/x"), "https://s.example", []) == {}


def test_a_mounted_app_links_through_its_base_url_once():
    links = link_header(request("/social/api/v1/blocks", root="/social"), "https://h.example/social", ["2"])
    assert links["Link"].startswith("<https://h.example/social/api/v1/blocks?max_id=2>")


def test_page_params_follow_pleromas_limits():
    assert page_of(PageParams(limit=500)).limit == 40
    assert page_of(PageParams()).limit == 20
    assert page_of(PageParams(limit=80), default=20, maximum=80).limit == 80
