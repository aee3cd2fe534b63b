"""LASTMILE_PROMPTS_DIR: the company's prompt files replace the packaged ones, file by file.

As deployed: `lastmile serve` with the Anthropic SDK pointed at the fake Anthropic server sends
the company's answer prompt as the system prompt and records its content hash as the answer's
prompt version. Settings refuse an unusable file; the doctor lists every version and from where.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from bot.answering.prompt import PROMPT_NAMES, load_prompt, load_prompts
from bot.doctor import render
from bot.doctor.prompts import check_prompts
from bot.settings import Settings, SettingsError
from storage import Store, make_engine
from tests.conftest import PROJECT_ROOT
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.slack_app import stored_answers
from tests.test_transport_cli import linked_within, serving

OURS = "You are ACME's helpdesk assistant. Answer from <context> only and cite [n].\n"
NO_DOTENV = Path("/nonexistent/.env")


def _version(name: str, text: str) -> str:
    return f"{name}@{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def test_serve_sends_the_companys_prompt_and_records_its_version(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "answer.md").write_text(OURS, encoding="utf-8")
    with FakeAnthropicServer() as llm:
        llm.reply_with("Reset it in the VPN portal.")
        extra = {
            "LASTMILE_PROVIDER": "anthropic",
            "ANTHROPIC_API_KEY": "sk-test",
            "ANTHROPIC_BASE_URL": llm.base_url,
            "LASTMILE_PROMPTS_DIR": str(prompts),
        }
        with serving(database_url, slack, tmp_path, **extra) as sender:
            assert sender.send_event(payloads.dm("how do I reset my VPN password?")).status == 200
            [stopped] = slack.wait_for("chat.stopStream")
            linked_within(database_url, "D111", str(stopped.params["ts"]), seconds=20)
        assert llm.requests[-1].body["system"] == OURS
    engine = make_engine(database_url)
    try:
        [answer] = stored_answers(Store(engine))
    finally:
        engine.dispose()
    assert answer.prompt_version == _version("answer", OURS)


def test_each_prompt_falls_back_to_the_packaged_one(tmp_path: Path) -> None:
    (tmp_path / "theme_label.md").write_text("Name the theme in five words.\n", "utf-8")
    prompts = load_prompts(tmp_path)
    assert set(prompts) == set(PROMPT_NAMES)
    assert prompts["theme_label"].text == "Name the theme in five words.\n"
    assert prompts["theme_label"].origin == str(tmp_path / "theme_label.md")
    assert prompts["answer"] == load_prompt("answer")  # not in the folder: packaged
    assert prompts["answer"].origin == "packaged"


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"  \n", "is empty"), (b"\xff\xfe bad", "is not UTF-8 text")],
)
def test_an_unusable_prompt_file_stops_the_start_with_its_reason(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    (tmp_path / "answer.md").write_bytes(content)
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"LASTMILE_PROMPTS_DIR": str(tmp_path)}, NO_DOTENV)
    assert f"LASTMILE_PROMPTS_DIR: {tmp_path / 'answer.md'} {problem}." in error.value.problems


def test_doctor_lists_every_version_and_warns_about_a_misnamed_file(tmp_path: Path) -> None:
    (tmp_path / "answer.md").write_text(OURS, "utf-8")
    (tmp_path / "anwser.md").write_text("typo", "utf-8")
    lines = [
        line for check in check_prompts(Settings(prompts_dir=tmp_path)) for line in render(check)
    ]
    packaged = load_prompts()
    assert lines[0] == (
        f"[ok  ] prompts: {_version('answer', OURS)} (yours), "
        f"{packaged['eval_judge'].version} (packaged), {packaged['theme_label'].version} "
        f"(packaged), {packaged['theme_review'].version} (packaged), "
        f"{packaged['verified_match'].version} (packaged); 1 from {tmp_path}"
    )
    assert (
        lines[1]
        == f"[warn] prompts: {tmp_path / 'anwser.md'} is not read: no prompt is called 'anwser'"
    )


def test_the_documented_prompt_repo_job_runs_the_eval_against_a_baseline() -> None:
    text = (PROJECT_ROOT / "docs" / "eval.md").read_text(encoding="utf-8")
    [workflow] = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    steps = yaml.safe_load(workflow)["jobs"]["eval"]["steps"]
    [replay] = [step for step in steps if "lastmile eval" in step.get("run", "")]
    assert replay["env"]["LASTMILE_PROMPTS_DIR"] == "prompts"
    command = replay["run"].replace("\\\n", " ")
    assert "--baseline eval/baseline.json" in command and "--no-verified" in command
