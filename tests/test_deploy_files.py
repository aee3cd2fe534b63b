"""deploy/: compose, Kubernetes, systemd and the image all give the bot its knowledge and owners.

A bot without LASTMILE_KNOWLEDGE_DIR answers from nothing, and one without LASTMILE_OWNERS_FILE
sends no digest; each deploy file must set both to a path it actually provides, and all four
must agree on the paths so they can't drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from bot.answering.markdown import read_passages
from bot.owners import load_owners_file
from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
KNOWLEDGE, OWNERS = "LASTMILE_KNOWLEDGE_DIR", "LASTMILE_OWNERS_FILE"
PATHS = {KNOWLEDGE: "/etc/lastmile/knowledge", OWNERS: "/etc/lastmile/owners.toml"}
BOT_SERVICES = ("bot", "serve-1", "serve-2")


def kubernetes() -> list[Any]:
    """Every document of the Kubernetes manifest."""
    return list(yaml.safe_load_all((DEPLOY / "kubernetes" / "lastmile.yaml").read_text()))


def kube_container() -> Any:
    """The lastmile container of the Deployment."""
    [deployment] = [d for d in kubernetes() if d["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    return container


def config_map(name: str) -> dict[str, str]:
    """The data of one ConfigMap in the Kubernetes manifest."""
    [found] = [
        d for d in kubernetes() if d["kind"] == "ConfigMap" and d["metadata"]["name"] == name
    ]
    data: dict[str, str] = found["data"]
    return data


def systemd_service() -> dict[str, list[str]]:
    """The [Service] section of the unit: key -> every value given (keys may repeat)."""
    section: dict[str, list[str]] = {}
    current = ""
    for line in (DEPLOY / "lastmile.service").read_text().splitlines():
        if line.startswith("["):
            current = line.strip()
        elif current == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            section.setdefault(key.strip(), []).append(value.strip())
    return section


def dockerfile_env() -> dict[str, str]:
    """NAME=value pairs of the Dockerfile's ENV instructions (continuation lines joined)."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S*)", line))
    return env


def test_compose_mounts_knowledge_and_owners_read_only_where_the_env_points() -> None:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for name in BOT_SERVICES:
        service = services[name]
        binds = {v["target"]: v for v in service["volumes"] if v["type"] == "bind"}
        for variable, path in PATHS.items():
            assert service["environment"][variable] == path, (name, variable)
            mount = binds[path]
            assert mount["read_only"] is True, (name, path)
            # A missing source must stop compose, not become an empty directory.
            assert mount["bind"]["create_host_path"] is False, (name, path)
        assert binds[PATHS[OWNERS]]["source"].endswith("owners.toml")


def test_kubernetes_mounts_both_config_maps_where_the_env_points() -> None:
    container = kube_container()
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    [deployment] = [d for d in kubernetes() if d["kind"] == "Deployment"]
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    for variable, path in PATHS.items():
        assert env[variable] == path
        assert mounts[path]["readOnly"] is True
    knowledge = volumes[mounts[PATHS[KNOWLEDGE]]["name"]]["configMap"]["name"]
    # The knowledge folder is mounted whole (no subPath), so edits reach the running pods.
    assert "subPath" not in mounts[PATHS[KNOWLEDGE]]
    assert config_map(knowledge)
    owners = mounts[PATHS[OWNERS]]
    assert owners["subPath"] in config_map(volumes[owners["name"]]["configMap"]["name"])


def test_kubernetes_keeps_the_click_spool_on_a_volume_that_outlives_a_container_restart() -> None:
    container = kube_container()
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    [deployment] = [d for d in kubernetes() if d["kind"] == "Deployment"]
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    spool = mounts[env["LASTMILE_SPOOL_DIR"]]
    assert "emptyDir" in volumes[spool["name"]] and not spool.get("readOnly")


def test_kubernetes_examples_are_a_valid_owners_file_and_markdown_pages(tmp_path: Path) -> None:
    owners_file = tmp_path / "owners.toml"
    owners_file.write_text(config_map("lastmile-owners")["owners.toml"], encoding="utf-8")
    specs = load_owners_file(owners_file)
    assert len(specs) >= 1
    for name, text in config_map("lastmile-knowledge").items():
        page = tmp_path / name
        page.write_text(text, encoding="utf-8")
        passages = read_passages(page, tmp_path)
        assert passages and all(p.url for p in passages), name


def test_systemd_sets_both_paths_inside_what_the_unit_may_read() -> None:
    service = systemd_service()
    env = dict(value.split("=", 1) for value in service["Environment"])
    readable = [
        PurePosixPath(p) for key in ("ReadOnlyPaths", "ReadWritePaths") for p in service[key]
    ]
    for variable, path in PATHS.items():
        assert env[variable] == path
        assert any(PurePosixPath(path).is_relative_to(root) for root in readable), path
    unit = (DEPLOY / "lastmile.service").read_text()
    # Its install steps create the folder and put the owners file in place.
    assert f"install -d -m 755 {PATHS[KNOWLEDGE]}" in unit
    assert f"owners.toml {PurePosixPath(PATHS[OWNERS]).parent}/" in unit


def test_image_defaults_to_the_paths_the_deploy_files_mount() -> None:
    env = dockerfile_env()
    for variable, path in PATHS.items():
        assert env[variable] == path
    assert f"mkdir -p {PATHS[KNOWLEDGE]}" in (DEPLOY / "Dockerfile").read_text()


@pytest.mark.parametrize("copied", ["pyproject.toml", "README.md", "LICENSE"])
def test_image_build_copies_what_the_package_metadata_names(copied: str) -> None:
    """pyproject.toml names README.md as readme and LICENSE as a licence file."""
    copies = [line for line in (DEPLOY / "Dockerfile").read_text().splitlines() if "COPY " in line]
    assert any(copied in line.split() for line in copies)
