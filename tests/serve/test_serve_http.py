"""The dev server over HTTP: what it serves, what it refuses, and what it adds to pages."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.reload import CLIENT_PATH, inject
from sitegen.serve import DevServer
from tests.conftest import FIXTURE_SITE, copy_site
from tests.serve.conftest import DAY, Running

SECRET = "top-secret-marker-7c1e"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server for the read-only tests, with bait outside its output folder and symlinks pointing at it."""
    site = copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("shared") / "site")
    logs: list[str] = []
    server = DevServer(site, port=0, log=logs.append)
    server.start()
    (site / "secret.txt").write_text(SECRET)
    (site.parent / "secret.txt").write_text(SECRET)
    (site / "public" / "leak.txt").symlink_to(site / "secret.txt")
    (site / "public" / "outside").symlink_to(site, target_is_directory=True)
    (site / "public" / "same.html").symlink_to(site / "public" / "404.html")
    (site / "public" / "trap").mkdir()
    (site / "public" / "trap" / "index.html").symlink_to(site / "secret.txt")
    try:
        yield Running(server, logs)
    finally:
        server.stop()


def test_serves_the_built_site_with_the_reload_client(shared: Running) -> None:
    running = shared
    page = running.get(f"/{DAY}")
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Islamic State of Iraq Bombings Tonight" in page.text
    assert page.text.count(CLIENT_PATH) == 1
    assert page.text.index(CLIENT_PATH) < page.text.rindex("</body>")
    assert int(page.headers["content-length"]) == len(page.body)
    assert page.headers["cache-control"] == "no-store"
    client = running.get(CLIENT_PATH)
    assert client.status == 200
    assert "EventSource" in client.text


def test_pages_link_to_the_local_server(shared: Running) -> None:
    running = shared
    home = running.get("/")
    assert f"http://127.0.0.1:{running.port}/" in home.text
    assert "https://example.org/" not in home.text


def test_only_html_gets_the_client(running: Running, fixture_site: Path) -> None:
    css = next((fixture_site / "public" / "static").glob("style.*.css")).name
    response = running.get(f"/static/{css}")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/css")
    assert response.body == (fixture_site / "public" / "static" / css).read_bytes()
    assert "immutable" in response.headers["cache-control"], "a content-hashed asset may be cached"
    assert running.get(f"/{DAY}").headers["cache-control"] == "no-store"
    assert running.get("/feed.xml").headers["cache-control"] == "no-store"
    feed = running.get("/feed.xml")
    assert feed.status == 200
    assert b"__sitegen" not in feed.body


def test_missing_pages_get_the_sites_404_with_status_404(running: Running, fixture_site: Path) -> None:
    response = running.get("/no/such/page/")
    assert response.status == 404
    own = (fixture_site / "public" / "404.html").read_bytes()
    assert response.body.startswith(own[: own.lower().rfind(b"</body>")])
    assert CLIENT_PATH in response.text


def test_folder_without_slash_redirects(shared: Running) -> None:
    running = shared
    response = running.get("/2014/01/08?x=1")
    assert response.status == 301
    assert response.headers["location"] == "/2014/01/08/?x=1"


def test_head_has_no_body(shared: Running) -> None:
    running = shared
    response = running.get(f"/{DAY}", method="HEAD")
    assert response.status == 200
    assert response.body == b""
    assert int(response.headers["content-length"]) > 0


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/static/..%2f..%2fsecret.txt",
        "/static/../../secret.txt",
        "/etc/passwd",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/..%5c..%5csecret.txt",
        "/.%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/2014/..%00/secret.txt",
        "http://127.0.0.1/../secret.txt",
        "/leak.txt",
        "/outside/secret.txt",
        "/outside/",
        "/trap/",
        "/trap/index.html",
    ],
)
def test_never_serves_files_outside_the_output_folder(shared: Running, path: str) -> None:
    response = shared.get(path)
    assert response.status in (301, 302, 400, 403, 404)
    assert SECRET not in response.text
    assert "root:" not in response.text
    if response.status in (301, 302):
        assert not response.headers["location"].startswith("//")


def test_symlinks_inside_the_output_folder_are_served(shared: Running) -> None:
    assert shared.get("/same.html").status == 200


def test_build_output_has_no_reload_client(fixture_site: Path) -> None:
    build(fixture_site)
    public = fixture_site / "public"
    files = [path for path in public.rglob("*") if path.is_file()]
    assert files
    for path in files:
        assert b"__sitegen" not in path.read_bytes(), path


def test_serve_leaves_no_reload_client_on_disk(running: Running, fixture_site: Path) -> None:
    assert CLIENT_PATH in running.get(f"/{DAY}").text
    for path in (fixture_site / "public").rglob("*"):
        if path.is_file():
            assert b"__sitegen" not in path.read_bytes(), path


def test_inject_places_the_client_before_the_last_body_end() -> None:
    html = b"<html><body><p>see </BODY> in text</p></BODY></html>"
    assert inject(html, "t-1").endswith(b'data-token="t-1"></script></BODY></html>')
    assert inject(b"<p>fragment", "t-1").startswith(b"<p>fragment<script")


def test_site_under_a_sub_path_is_served_there(start_server: Callable[..., Running], fixture_site: Path) -> None:
    toml = fixture_site / "site.toml"
    toml.write_text(
        toml.read_text().replace('base_url = "https://example.org/"', 'base_url = "https://x.org/archive/"')
    )
    running = start_server(fixture_site)
    assert running.server.url == f"http://127.0.0.1:{running.port}/archive/"
    root = running.get("/")
    assert root.status == 302
    assert root.headers["location"] == "/archive/"
    day = running.get(f"/archive/{DAY}")
    assert day.status == 200
    assert 'href="/archive/' in day.text
    assert running.get(f"/{DAY}").status == 404


def test_user_base_url_wins(start_server: Callable[..., Running], fixture_site: Path) -> None:
    running = start_server(fixture_site, base_url="https://preview.example.net/sub/")
    assert running.get("/sub/").status == 200
    assert "https://preview.example.net/sub/" in running.get("/sub/").text


def test_port_in_use_is_a_user_error(running: Running, fixture_site: Path) -> None:
    from sitegen.errors import SitegenError
    from sitegen.serve import DevServer

    with pytest.raises(SitegenError, match="cannot listen"):
        DevServer(fixture_site, port=running.port)


def test_not_a_site_is_a_user_error(tmp_path: Path) -> None:
    from sitegen.errors import SitegenError
    from sitegen.serve import DevServer

    with pytest.raises(SitegenError, match=r"site\.toml"):
        DevServer(tmp_path, port=0)


def test_cli_serve_options_are_unchanged() -> None:
    from sitegen.cli import make_parser

    args = make_parser().parse_args(["serve"])
    assert (args.host, args.port, args.poll) == ("127.0.0.1", 8000, False)
    assert os.fspath(args.site) == "."


def test_serve_help_says_where_it_builds(capsys: pytest.CaptureFixture[str]) -> None:
    from sitegen.cli import make_parser

    with pytest.raises(SystemExit):
        make_parser().parse_args(["serve", "--help"])
    assert "default: SITE/.sitegen/preview" in " ".join(capsys.readouterr().out.split())
