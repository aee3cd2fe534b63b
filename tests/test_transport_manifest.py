"""deploy/: the Slack manifest asks for exactly what the code uses; the deploy files agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.slack_contract import BOT_EVENTS, BOT_SCOPES
from bot.vocabulary import ActionId
from bot.workspace import default_workspace_config
from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
SCHEMA_DIR = PROJECT_ROOT / "tests" / "data" / "slack-manifest"


def load(path: Path) -> Any:
    """One YAML document."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_scopes_and_events_equal_the_contract() -> None:
    manifest = load(DEPLOY / "slack-manifest.yaml")
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(BOT_EVENTS)


def test_commands_shortcut_and_features_match_the_handlers() -> None:
    manifest = load(DEPLOY / "slack-manifest.yaml")
    features = manifest["features"]
    commands = sorted(c["command"] for c in features["slash_commands"])
    assert commands == sorted([ActionId.ASK_COMMAND, ActionId.ADMIN_COMMAND])
    [shortcut] = features["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", ActionId.REPORT_SHORTCUT)
    assert shortcut["name"] == "Report AI answer"
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["agent_view"]["agent_description"]  # the agent messaging experience
    assert "assistant_view" not in features  # the older pane Slack will deprecate
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True


def manifest_errors(manifest: Any) -> list[str]:
    """Every way `manifest` breaks Slack's manifest schema (tests/data/slack-manifest)."""
    schema = json.loads((SCHEMA_DIR / "manifest.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]


def test_the_manifest_validates_against_slacks_manifest_schema() -> None:
    assert manifest_errors(load(DEPLOY / "slack-manifest.yaml")) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("features", "agent_view", "agent_descripton"), "typo"),
        (("features", "assistant_view"), {"assistant_description": "both experiences at once"}),
        (("display_information", "name"), "a name far longer than the thirty-five allowed"),
        (("features", "agent_view", "suggested_prompts"), [{"title": "t", "message": "m"}] * 5),
    ],
)
def test_the_schema_refuses_what_slack_refuses(path: tuple[str, ...], value: object) -> None:
    manifest = load(DEPLOY / "slack-manifest.yaml")
    target = manifest
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert manifest_errors(manifest)


def test_manifest_prompts_equal_the_packaged_workspace_defaults() -> None:
    """What a new app's manifest shows and what lastmile sets on the Messages tab agree."""
    manifest = load(DEPLOY / "slack-manifest.yaml")
    listed = manifest["features"]["agent_view"]["suggested_prompts"]
    agent = default_workspace_config().agent
    assert listed == [{"title": p.title, "message": p.message} for p in agent.prompts]


def test_kubernetes_probes_use_the_health_endpoints() -> None:
    docs = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "lastmile.yaml").read_text()))
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["args"][:1] == ["serve"]
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == ["ConfigMap", "ConfigMap", "Deployment", "Secret", "Service"]


def test_compose_runs_the_bot_on_postgresql() -> None:
    compose = load(DEPLOY / "compose.yaml")
    services = compose["services"]
    assert "postgres" in services["db"]["image"]
    assert services["bot"]["command"][:1] == ["run"]
    for replica in ("serve-1", "serve-2"):
        assert services[replica]["command"][:1] == ["serve"]
