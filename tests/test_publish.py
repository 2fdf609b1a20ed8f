"""`ctpairs publish`: dry run, offline mode, and the real huggingface_hub upload path against a fake Hub.

The fake Hub on 127.0.0.1 implements the routes the calls take in huggingface_hub 2.4:
``POST /api/repos/create``, ``GET /api/datasets/{id}/refs``, ``GET .../tree/{rev}``,
``POST /api/validate-yaml``, ``POST .../preupload/{rev}`` (it answers ``regular`` for every
file, so no LFS/Xet transfer is exercised), ``POST .../commit/{rev}`` (NDJSON, base64 contents)
and ``POST .../tag/{rev}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ctpairs.build import build_pairs
from ctpairs.cli import main
from ctpairs.inputs import open_input
from ctpairs.package import MANIFEST_NAME, package_pairs
from ctpairs.publish import PublishError, publish_folder
from ctpairs.schema import PAIR_SCHEMA

TOKEN = "hf_fake_token_never_printed_123"


class FakeHub:
    """A minimal in-memory Hub: repos with files, one commit chain on main, and tags."""

    def __init__(self) -> None:
        self.repos: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.auth: set[tuple[str, str | None]] = set()  # (path, Authorization header)
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                hub._route(self, "GET")

            def do_POST(self) -> None:
                hub._route(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeHub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _route(self, h, method: str) -> None:  # noqa: ANN001 - the handler class above
        path = urlparse(h.path).path
        self.requests.append((method, path))
        self.auth.add((path, h.headers.get("Authorization")))
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if method == "POST" and path == "/api/repos/create":
            body = json.loads(h._body())
            repo_id = f"{body['organization']}/{body['name']}"
            if repo_id in self.repos:
                return h._send(
                    409, {"error": "You already created this dataset repo", "url": f"{self.url}/datasets/{repo_id}"}
                )
            self.repos[repo_id] = {
                "files": {},
                "commits": [],
                "tags": {},
                "private": body.get("visibility") == "private",
            }
            return h._send(200, {"url": f"{self.url}/datasets/{repo_id}"})
        if method == "POST" and path == "/api/validate-yaml":
            content = json.loads(h._body())["content"]
            ok = content.startswith("---\n") and "license:" in content
            return h._send(200 if ok else 400, {"errors": [] if ok else [{"message": "bad yaml"}], "warnings": []})
        if len(parts) < 5 or parts[:2] != ["api", "datasets"] or f"{parts[2]}/{parts[3]}" not in self.repos:
            return h._send(404, {"error": "Repository not found"})
        repo = self.repos[f"{parts[2]}/{parts[3]}"]
        action = parts[4]
        if method == "GET" and action == "refs":
            head = repo["commits"][-1] if repo["commits"] else "0" * 40
            return h._send(
                200,
                {
                    "branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": head}],
                    "converts": [],
                    "pullRequests": [],
                    "tags": [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": c} for t, c in repo["tags"].items()],
                },
            )
        if method == "GET" and action == "tree":
            return h._send(
                200,
                [
                    {"type": "file", "path": p, "size": len(b), "oid": hashlib.sha1(b).hexdigest()}
                    for p, b in sorted(repo["files"].items())
                ],
            )
        if method == "POST" and action == "preupload":
            files = json.loads(h._body())["files"]
            return h._send(
                200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]}
            )
        if method == "POST" and action == "commit":
            for line in h._body().splitlines():
                item = json.loads(line)
                if item["key"] == "file":
                    repo["files"][item["value"]["path"]] = base64.b64decode(item["value"]["content"])
                elif item["key"] == "deletedFile":
                    repo["files"].pop(item["value"]["path"])
            oid = hashlib.sha1(repr(sorted(repo["files"].items())).encode()).hexdigest()
            repo["commits"].append(oid)
            return h._send(
                200,
                {
                    "commitUrl": f"{self.url}/datasets/{parts[2]}/{parts[3]}/commit/{oid}",
                    "commitOid": oid,
                    "pullRequestUrl": None,
                },
            )
        if method == "POST" and action == "tag":
            tag = json.loads(h._body())["tag"]
            if tag in repo["tags"]:
                return h._send(409, {"error": "Tag already exists"})
            repo["tags"][tag] = repo["commits"][-1]
            return h._send(200, {})
        return h._send(404, {"error": f"no route {method} {path}"})


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A packaged folder from a few studies of the bundled sample."""
    pairs = tmp_path_factory.mktemp("pairs")
    build_pairs(islice(open_input(source="sample"), 40), ["dose", "outcome"], pairs, inputs=["sample"], progress=False)
    out = tmp_path_factory.mktemp("repo") / "ds"
    package_pairs(pairs, out, "1.0.0")
    return out


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """The fake Hub, with huggingface_hub online against it (for this test only) and a fake token."""
    from huggingface_hub import constants

    with FakeHub() as fake:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(constants, "ENDPOINT", fake.url)
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        monkeypatch.setenv("HF_TOKEN", TOKEN)
        yield fake


def _manifest_files(repo: Path) -> list[str]:
    return sorted([*json.loads((repo / MANIFEST_NAME).read_text())["files"], MANIFEST_NAME])


def test_dry_run_lists_the_exact_files_and_sizes_without_network(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", str(repo), "--repo-id", "org/ctpairs", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "version 1.0.0, tag v1.0.0" in out
    listed = [line.split()[1] for line in out.splitlines()[1:]]
    assert listed == _manifest_files(repo)
    assert f"{(repo / 'README.md').stat().st_size:>12}  README.md" in out


def test_offline_mode_gives_a_clear_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", str(repo), "--repo-id", "org/ctpairs"]) == 2
    err = capsys.readouterr().err
    assert "offline mode (HF_HUB_OFFLINE is set)" in err and "--dry-run" in err


def test_a_folder_edited_after_packaging_is_refused(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ds"
    shutil.copytree(repo, copy)
    with (copy / "README.md").open("a") as f:
        f.write("edited\n")
    with pytest.raises(PublishError, match="changed since it was packaged"):
        publish_folder(copy, "org/ctpairs", dry_run=True)


def test_publish_uploads_tags_and_refuses_the_same_version(
    repo: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", str(repo), "--repo-id", "org/ctpairs", "--private"]) == 0
    out = capsys.readouterr()
    assert "published version 1.0.0" in out.out and "tagged v1.0.0" in out.out
    assert TOKEN not in out.out + out.err
    remote = hub.repos["org/ctpairs"]
    assert remote["private"] and list(remote["tags"]) == ["v1.0.0"]
    assert sorted(remote["files"]) == _manifest_files(repo)
    for path, data in remote["files"].items():
        assert data == (repo / path).read_bytes(), path
    # every Hub call carries the token (huggingface_hub's own anonymous fetch of its agent registry aside)
    assert {auth for path, auth in hub.auth if path != "/api/agent-harnesses"} == {f"Bearer {TOKEN}"}
    actions = [(m, p.split("/")[-2] if p.startswith("/api/datasets/") else p) for m, p in hub.requests]
    assert ("POST", "/api/validate-yaml") in actions and ("POST", "commit") in actions and ("POST", "tag") in actions

    hub.requests.clear()
    assert main(["publish", str(repo), "--repo-id", "org/ctpairs"]) == 2
    assert "already has tag 'v1.0.0'" in capsys.readouterr().err
    assert not any("commit" in p for _, p in hub.requests)


def test_a_new_version_deletes_files_it_no_longer_has(repo: Path, hub: FakeHub, tmp_path: Path) -> None:
    result = publish_folder(repo, "org/ds")
    assert result.tag == "v1.0.0" and result.deleted == []
    hub.repos["org/ds"]["files"]["data/old/train-00000-of-00001.parquet"] = b"stale"
    manifest = json.loads((repo / MANIFEST_NAME).read_text())
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    tables = [pq.read_table(p) for p in sorted((repo / "data" / "dose").glob("*.parquet"))]
    pq.write_table(pa.concat_tables(tables).select(PAIR_SCHEMA.names), pairs / "dose.parquet")
    out = tmp_path / "ds"
    package_pairs(pairs, out, "1.1.0")
    second = publish_folder(out, "org/ds")
    assert manifest["version"] == "1.0.0" and second.tag == "v1.1.0"
    assert "data/old/train-00000-of-00001.parquet" in second.deleted
    assert not any(p.startswith("data/outcome/") for p in hub.repos["org/ds"]["files"])
    assert set(hub.repos["org/ds"]["tags"]) == {"v1.0.0", "v1.1.0"}
