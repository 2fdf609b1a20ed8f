"""Publish a packaged dataset folder to the Hugging Face Hub as one tagged commit.

``publish_folder(repo_dir, repo_id)`` uploads exactly the files that ``ctpairs-manifest.json``
lists (after checking their SHA-256) plus the manifest, in one commit made with
:meth:`huggingface_hub.HfApi.create_commit`, deletes ``data/`` and ``images/`` files of older
versions that this one no longer has, and tags the commit ``v<version>``. It refuses when that
tag already exists. The token is read the usual ``huggingface_hub`` way (``HF_TOKEN`` or the
``hf auth login`` cache) and is never printed. ``dry_run=True`` only lists what would be
uploaded and makes no request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ctpairs.errors import PublishError
from ctpairs.package import MANIFEST_NAME, file_sha256, read_manifest

REPO_TYPE = "dataset"
MANAGED_PREFIXES = ("data/", "images/")  # remote files here that this version lacks are deleted


@dataclass(frozen=True)
class UploadFile:
    """One file of the commit: where it goes in the repo, where it is here, its size in bytes."""

    path_in_repo: str
    local_path: Path
    size: int


@dataclass
class PublishResult:
    """What :func:`publish_folder` did (or, with ``dry_run``, would do)."""

    repo_id: str
    version: str
    tag: str | None
    files: list[UploadFile]
    deleted: list[str] = field(default_factory=list)
    commit_url: str | None = None
    pr_url: str | None = None
    dry_run: bool = False


def upload_plan(repo_dir: str | Path) -> tuple[dict, list[UploadFile]]:
    """The manifest of ``repo_dir`` and the files to upload, sorted by path.

    Raises :class:`PublishError` when the folder has no manifest, or when a listed file is
    missing or differs from its recorded SHA-256 (edited after ``ctpairs package``).
    """
    repo_dir = Path(repo_dir)
    manifest = read_manifest(repo_dir)
    if manifest is None:
        raise PublishError(f"{repo_dir} has no {MANIFEST_NAME}; create it with `ctpairs package --out {repo_dir}`")
    files = []
    for rel, info in sorted(manifest.get("files", {}).items()):
        path = repo_dir / rel
        if not path.is_file():
            raise PublishError(f"{rel} is listed in {MANIFEST_NAME} but missing from {repo_dir}; package again")
        if file_sha256(path) != info["sha256"]:
            raise PublishError(
                f"{rel} changed since it was packaged (SHA-256 differs from {MANIFEST_NAME}); "
                "package again instead of editing the folder"
            )
        files.append(UploadFile(rel, path, path.stat().st_size))
    manifest_path = repo_dir / MANIFEST_NAME
    files.append(UploadFile(MANIFEST_NAME, manifest_path, manifest_path.stat().st_size))
    return manifest, sorted(files, key=lambda f: f.path_in_repo)


def resolve_tag(revision_tag: str | None, version: str) -> str | None:
    """``"auto"`` -> ``v<version>``; ``None`` or ``"none"`` -> no tag; anything else is the tag itself."""
    if revision_tag is None or revision_tag.lower() == "none":
        return None
    return f"v{version}" if revision_tag == "auto" else revision_tag


def publish_folder(
    repo_dir: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    create_pr: bool = False,
    revision_tag: str | None = "auto",
    dry_run: bool = False,
    token: str | None = None,
    endpoint: str | None = None,
) -> PublishResult:
    """Upload the packaged folder ``repo_dir`` to the dataset repo ``repo_id`` and tag it.

    Args:
        repo_dir: a folder written by :func:`ctpairs.package.package_pairs`.
        repo_id: ``"org/name"`` of the dataset repo; created when missing.
        private: create the repo private (an existing repo keeps its visibility).
        create_pr: open a pull request instead of committing to ``main``; no tag is made then
            (tag the merge commit once the PR is merged).
        revision_tag: ``"auto"`` tags ``v<version>``; ``"none"`` makes no tag; another value is the tag.
        dry_run: only list the files; no network at all.
        token: Hub token; default: ``HF_TOKEN`` or the ``hf auth login`` cache.
        endpoint: Hub URL; default: ``HF_ENDPOINT`` or https://huggingface.co.

    Raises:
        PublishError: not a packaged folder, offline mode, no token, the tag exists, Hub errors.
    """
    manifest, files = upload_plan(repo_dir)
    version = manifest["version"]
    tag = None if create_pr else resolve_tag(revision_tag, version)
    result = PublishResult(repo_id, version, tag, files, dry_run=dry_run)
    if dry_run:
        return result

    import httpx2
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, constants, get_token
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if constants.is_offline_mode():
        raise PublishError(
            "cannot publish: huggingface_hub is in offline mode (HF_HUB_OFFLINE is set). "
            "Unset HF_HUB_OFFLINE to upload, or use --dry-run to list the files only."
        )
    if not (token or get_token()):
        raise PublishError("no Hugging Face token: set HF_TOKEN or run `hf auth login` (a token with write access)")
    api = HfApi(endpoint=endpoint, token=token)
    try:
        api.create_repo(repo_id, repo_type=REPO_TYPE, private=private, exist_ok=True)
        if tag is not None:
            existing = {ref.name for ref in api.list_repo_refs(repo_id, repo_type=REPO_TYPE).tags}
            if tag in existing:
                raise PublishError(
                    f"{repo_id} already has tag {tag!r}: version {version} is published. "
                    "Package a greater version (`ctpairs package --version ...`) and publish that."
                )
        local = {f.path_in_repo for f in files}
        remote = api.list_repo_files(repo_id, repo_type=REPO_TYPE)
        result.deleted = sorted(p for p in remote if p.startswith(MANAGED_PREFIXES) and p not in local)
        operations = [CommitOperationAdd(path_in_repo=f.path_in_repo, path_or_fileobj=str(f.local_path)) for f in files]
        operations += [CommitOperationDelete(path_in_repo=p) for p in result.deleted]
        info = api.create_commit(
            repo_id,
            operations,
            commit_message=f"ctpairs dataset v{version}",
            commit_description=f"Packaged by ctpairs {manifest.get('ctpairs_version')}; "
            f"data timestamp {manifest.get('data_timestamp')}. See CHANGELOG.md.",
            repo_type=REPO_TYPE,
            create_pr=create_pr,
        )
        result.commit_url, result.pr_url = info.commit_url, info.pr_url
        if tag is not None:
            api.create_tag(
                repo_id, tag=tag, revision=info.oid, repo_type=REPO_TYPE, tag_message=f"ctpairs dataset v{version}"
            )
    except OfflineModeIsEnabled as exc:
        raise PublishError(f"cannot publish: huggingface_hub is in offline mode ({exc})") from None
    except HfHubHTTPError as exc:
        raise PublishError(f"the Hub refused the upload to {repo_id}: {exc}") from None
    except httpx2.TransportError as exc:
        raise PublishError(
            f"could not reach the Hub at {api.endpoint}: {exc}. Check the network and HF_ENDPOINT."
        ) from None
    return result
