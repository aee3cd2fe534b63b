"""A reference answer service for `LASTMILE_PROVIDER=http` (contract v1, docs/http-provider.md).

Standard library only. It answers from a folder of Markdown or text files by word overlap,
streams Server-Sent Events when asked (`Accept: text/event-stream`), else returns one JSON
object. Replace `answer()` with your RAG pipeline or agent; keep the wire format.

    python examples/reference_service.py --knowledge bot/demo/knowledge/people --port 8787
    LASTMILE_PROVIDER=http LASTMILE_HTTP_URL=http://127.0.0.1:8787/answer lastmile run
"""

from __future__ import annotations

import argparse
import json
import os
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

VERSION, MODEL = "reference-1", "keyword-overlap"
WORD = re.compile(r"[a-z0-9]{3,}")
COMMON = {"the", "and", "for", "how", "what", "can", "does", "with", "you", "are", "our", "who"}


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower())) - COMMON


def load(folder: Path, base_url: str) -> list[dict[str, str]]:
    """One entry per paragraph: its file's title and URL, and its text."""
    found = []
    for path in sorted([*folder.rglob("*.md"), *folder.rglob("*.txt")]):
        text = path.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+)$", text, re.MULTILINE)
        title = heading.group(1) if heading else path.stem.replace("-", " ").capitalize()
        url = base_url + path.relative_to(folder).as_posix()
        for paragraph in re.split(r"\n\s*\n", re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)):
            if paragraph.strip() and not paragraph.lstrip().startswith("#"):
                found.append({"title": title, "url": url, "text": paragraph.strip()})
    return found


def answer(body: dict[str, object], paragraphs: list[dict[str, str]]) -> dict[str, object]:
    """The best paragraph for the question (ours first, then lastmile's passages)."""
    asked = words(str(body.get("question", "")))
    context = [p for p in body.get("context") or [] if isinstance(p, dict)]  # type: ignore[attr-defined]
    for pool in (paragraphs, context):
        scored = [(len(asked & words(str(p.get("text", "")))), p) for p in pool]
        share, best = max(scored, key=lambda pair: pair[0], default=(0, {}))
        if share:
            source = {"title": best.get("title", ""), "url": best.get("url")}
            confidence = round(min(1.0, share / max(len(asked), 1) + 0.2), 2)
            return {"text": best["text"], "sources": [source], "confidence": confidence}
    return {"text": "I don't know: nothing I have covers that.", "sources": [], "confidence": 0.0}


def handler(paragraphs: list[dict[str, str]], token: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                return self.send_error(401)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            result = answer(body, paragraphs) | {"model": MODEL, "version": VERSION}
            streaming = "text/event-stream" in self.headers.get("Accept", "")
            self.send_response(200)
            self.send_header(
                "Content-Type", "text/event-stream" if streaming else "application/json"
            )
            self.end_headers()
            if not streaming:
                self.wfile.write(json.dumps(result).encode())
                return
            for piece in re.findall(r"\S+\s*", str(result.pop("text"))):
                self.wfile.write(f"event: delta\ndata: {json.dumps({'text': piece})}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(f"event: done\ndata: {json.dumps(result)}\n\n".encode())

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet: questions are personal data."""

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--base-url", default="https://wiki.example.com/")
    args = parser.parse_args()
    token = os.environ.get("REFERENCE_SERVICE_TOKEN", "")
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port), handler(load(args.knowledge, args.base_url), token)
    )
    print(
        f"reference service answering at http://127.0.0.1:{server.server_port}/answer", flush=True
    )
    server.serve_forever()


if __name__ == "__main__":
    main()
