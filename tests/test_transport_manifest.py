"""deploy/: the Slack manifest asks for exactly what the code uses; the deploy files agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.slack_contract import BOT_EVENTS, BOT_SCOPES
from bot.vocabulary import ActionId
from tests.conftest import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


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
    assert features["assistant_view"]["assistant_description"]
    assert features["assistant_view"]["suggested_prompts"]
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True


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
