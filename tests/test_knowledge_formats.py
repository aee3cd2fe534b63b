"""Knowledge in the formats companies keep it: plain text, HTML and PDF beside Markdown.

Each format is read from real files (PDFs drawn by fpdf2), its metadata (`url`, `updated`,
`owner`) kept; a PDF page is an anchor (`#page=N`, cited "p. N"); a file that can't be read is
named and skipped, never stopping the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from bot.answering.documents import knowledge_files
from bot.answering.knowledge import ParsedFiles, load_folder
from bot.answering.reload import fingerprint
from bot.answering.types import Source
from bot.doctor.knowledge import check_knowledge
from bot.doctor.report import render
from tests.fakes import FakeSlackApi, payloads
from tests.fakes.documents import Document, pdf_bytes, write_document
from tests.test_http_provider_process import asked_in_dm, markdown_digest, thumbs_down
from tests.test_transport_cli import serving

HANDBOOK = Document(
    title="Expense handbook",
    sections=(
        ("Meals", ("Meals are refunded up to 30 EUR per day with a receipt.",)),
        ("Hotels", ("Hotels are booked through Navan. The nightly hotel cap is 150 EUR.",)),
    ),
    meta={"url": "https://wiki.example.com/handbook.pdf", "updated": "2023-01-10",
          "owner": "finance-team"},
)  # fmt: skip


def test_a_pdf_gives_passages_per_page_with_the_page_as_anchor(tmp_path: Path) -> None:
    write_document(tmp_path / "finance" / "handbook.pdf", HANDBOOK)
    load = load_folder(tmp_path)
    assert load.broken == ()
    [hit, *_] = load.knowledge.search("what is the nightly hotel cap?")
    passage = hit.passage
    assert (passage.path, passage.page) == ("finance/handbook.pdf", 2)
    assert passage.title == "Expense handbook"
    assert passage.url == "https://wiki.example.com/handbook.pdf#page=2"
    assert (passage.updated, passage.owner) == ("2023-01-10", "finance-team")
    assert "150 EUR" in passage.text
    assert Source.of(passage).label == "Expense handbook, p. 2"
    assert {p.page for p in load.knowledge.passages} == {1, 2}


def test_a_pdf_without_metadata_is_titled_by_its_file_name_and_links_nowhere(
    tmp_path: Path,
) -> None:
    plain = Document("ignored", HANDBOOK.sections)
    (tmp_path / "travel-rules.pdf").write_bytes(_without_title(pdf_bytes(plain)))
    [first, *_] = load_folder(tmp_path).knowledge.passages
    assert (first.title, first.url, first.owner, first.page) == ("Travel rules", None, None, 1)


def test_an_html_page_keeps_its_sections_and_metadata_and_drops_the_chrome(tmp_path: Path) -> None:
    doc = Document(
        "Wifi guide",
        (("Office wifi", ("Connect to CorpNet with your badge number.",)),
         ("Guests", ("Guests use the CorpGuest network; the password is at reception.",))),
        {"url": "https://wiki.example.com/wifi", "updated": "2024-05-01", "owner": "U0IT"},
    )  # fmt: skip
    write_document(tmp_path / "it" / "wifi.html", doc)
    passages = load_folder(tmp_path).knowledge.passages
    by_heading = {p.heading: p for p in passages}
    guests = "Guests use the CorpGuest network; the password is at reception."
    assert by_heading["Guests"].text == guests
    assert by_heading["Guests"].title == "Wifi guide"
    assert by_heading["Guests"].url == "https://wiki.example.com/wifi"
    assert (by_heading["Guests"].updated, by_heading["Guests"].owner) == ("2024-05-01", "U0IT")
    everything = " ".join(p.text + p.heading for p in passages)
    for chrome in ("tracking code", "Search the intranet", "all rights reserved"):
        assert chrome not in everything


def test_an_html_page_in_a_declared_legacy_encoding_is_read_in_that_encoding(
    tmp_path: Path,
) -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body>'
    page += "<p>The caf\xe9 opens at 8.</p></body></html>"
    (tmp_path / "cafe.htm").write_bytes(page.encode("latin-1"))
    [passage] = load_folder(tmp_path).knowledge.passages
    assert (passage.title, passage.text) == ("Café", "The café opens at 8.")


def test_plain_text_takes_front_matter_and_a_title_line(tmp_path: Path) -> None:
    text = "---\nowner: it-team\nurl: https://wiki.example.com/printers\n---\nPrinters\n\n"
    text += "Print from any floor with your badge.\n\nScans go to your email."
    (tmp_path / "printers.txt").write_text(text, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Lunch is served at noon. Bring a mug.", encoding="utf-8")
    passages = {p.path: p for p in load_folder(tmp_path).knowledge.passages}
    printers = passages["printers.txt"]
    assert (printers.title, printers.owner) == ("Printers", "it-team")
    assert printers.url == "https://wiki.example.com/printers"
    assert printers.text == "Print from any floor with your badge.\n\nScans go to your email."
    assert passages["notes.txt"].title == "Notes"  # a sentence is no title line
    assert passages["notes.txt"].text == "Lunch is served at noon. Bring a mug."


def _encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scanned() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)  # a drawing, no text layer: what a scan looks like to a parser
    return bytes(pdf.output())


def _without_title(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BROKEN: dict[str, tuple[Callable[[], bytes], str]] = {
    "truncated.pdf": (lambda: pdf_bytes(HANDBOOK)[:400], "not a readable PDF"),
    "random.pdf": (lambda: bytes(range(256)) * 4, "not a readable PDF"),
    "locked.pdf": (lambda: _encrypted(pdf_bytes(HANDBOOK)), "an encrypted PDF"),
    "scan.pdf": (_scanned, "no text layer"),
    "binary.html": (lambda: b"\x00\x01\x02<html>", "a binary file"),
    "latin1.txt": (lambda: "caf\xe9".encode("latin-1"), "not UTF-8 text"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_file_that_cannot_be_parsed_is_named_and_skipped(tmp_path: Path, name: str) -> None:
    make, reason = BROKEN[name]
    (tmp_path / name).write_bytes(make())
    write_document(tmp_path / "good.pdf", HANDBOOK)
    load = load_folder(tmp_path)
    [broken] = load.broken
    assert broken.path == name
    assert reason in broken.reason
    assert {p.path for p in load.knowledge.passages} == {"good.pdf"}  # the rest still loads


def test_doctor_names_each_skipped_file_and_still_passes_the_folder(tmp_path: Path) -> None:
    write_document(tmp_path / "handbook.pdf", HANDBOOK)
    (tmp_path / "scan.pdf").write_bytes(_scanned())
    (tmp_path / "old.html").write_bytes(b"\x00binary")
    ok_line, warning = (render(c)[0] for c in check_knowledge(tmp_path))
    assert ok_line == f"[ok  ] knowledge: {tmp_path}: 1 document(s), 2 passage(s)"
    assert warning.startswith("[warn] knowledge: 2 file(s) skipped (old.html: a binary file")
    assert "scan.pdf: a PDF with no text layer (a scan?)" in warning


def test_only_known_formats_are_knowledge_and_the_watcher_sees_every_one(tmp_path: Path) -> None:
    for name in ("a.md", "b.markdown", "c.txt", "d.html", "e.HTM", "f.pdf", "g.docx", "h.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("x", encoding="utf-8")
    names = [p.name for p in knowledge_files(tmp_path)]
    assert names == ["a.md", "b.markdown", "c.txt", "d.html", "e.HTM", "f.pdf"]
    assert sorted(fingerprint(tmp_path)) == names


def test_serve_answers_from_a_pdf_page_links_it_and_the_digest_names_the_page_owner(
    database_url: str, slack: FakeSlackApi, tmp_path: Path
) -> None:
    """As deployed: `lastmile serve` over a folder holding a PDF (and a broken file), a signed
    DM, a thumbs-down reaction, then `lastmile digest --markdown`."""
    knowledge = tmp_path / "kb"
    write_document(knowledge / "finance" / "handbook.pdf", HANDBOOK)
    (knowledge / "scan.pdf").write_bytes(_scanned())  # skipped, named in the log, not fatal
    owners = tmp_path / "owners.toml"
    owners.write_text('[[owner]]\nname = "Finance"\nslack = "U0FIN"\ndefault = true\n', "utf-8")
    question = payloads.dm("what is the nightly hotel cap?")
    extra = {"LASTMILE_KNOWLEDGE_DIR": str(knowledge), "LASTMILE_OWNERS_FILE": str(owners)}
    with serving(database_url, slack, tmp_path, **extra) as sender:
        answer = asked_in_dm(sender, slack, database_url, question)
        thumbs_down(sender, database_url, answer)
    final = slack.messages("D111", thread_ts=str(question["event"]["ts"]))[-1]
    assert "150 EUR" in str(final["text"])
    assert "<https://wiki.example.com/handbook.pdf#page=2|Expense handbook, p. 2>" in str(
        final["blocks"]
    )
    assert answer.sources == [
        {"title": "Expense handbook", "path": "finance/handbook.pdf",
         "url": "https://wiki.example.com/handbook.pdf#page=2", "page": 2}
    ]  # fmt: skip
    digest = markdown_digest(database_url, slack, tmp_path, **extra)
    assert "what is the nightly hotel cap?" in digest
    row = "| `finance/handbook.pdf` ⚠️ stale: updated 10 Jan 2023, owner finance-team | 1 "
    assert row in digest


def test_a_reload_parses_only_the_files_that_changed(tmp_path: Path) -> None:
    for n in range(3):
        write_document(tmp_path / f"handbook{n}.pdf", HANDBOOK)
    (tmp_path / "scan.pdf").write_bytes(_scanned())
    parsed = ParsedFiles()
    first = load_folder(tmp_path, parsed)
    assert (parsed.parses, len(first.broken)) == (4, 1)
    write_document(tmp_path / "scan.pdf", HANDBOOK)  # the scan replaced by a readable file
    (tmp_path / "handbook0.pdf").unlink()
    again = load_folder(tmp_path, parsed)
    assert parsed.parses == 5  # only scan.pdf was parsed again
    assert again.broken == ()
    assert {p.path for p in again.knowledge.passages} == {
        "handbook1.pdf", "handbook2.pdf", "scan.pdf",
    }  # fmt: skip


def test_front_matter_with_windows_line_ends_is_read(tmp_path: Path) -> None:
    page = "---\r\ntitle: Bike policy\r\nurl: https://wiki.example.com/bikes\r\nowner: U0FAC\r\n"
    page += "---\r\n# Bikes and parking\r\n\r\nBikes go in the basement rack.\r\n"
    (tmp_path / "bikes.md").write_bytes(page.encode())
    (tmp_path / "desks.txt").write_bytes(
        b"---\r\ntitle: Desks\r\n---\r\nBook a desk in Deskly.\r\n"
    )
    passages = {p.path: p for p in load_folder(tmp_path).knowledge.passages}
    bikes = passages["bikes.md"]
    assert (bikes.title, bikes.url, bikes.owner) == (
        "Bike policy", "https://wiki.example.com/bikes", "U0FAC",
    )  # fmt: skip
    assert bikes.text == "Bikes go in the basement rack."
    assert (passages["desks.txt"].title, passages["desks.txt"].text) == (
        "Desks",
        "Book a desk in Deskly.",
    )


CMS_PAGE = """<!doctype html><html><head><title>VPN setup | Acme Intranet</title></head><body>
<header class="site-header">Acme Intranet <a href="/">Home</a></header>
<div role="navigation">Departments Teams Tools</div>
<div class="cookie-banner">We use cookies. Accept all</div>
<main>
<ol class="breadcrumbs"><li>Home</li><li>IT</li><li>VPN</li></ol>
<h1>VPN setup</h1>
<p># of devices: you can connect two devices at once.</p>
<h2>Linux</h2>
<pre><code># add the repository
sudo add-apt-repository ppa:acme/vpn</code></pre>
<aside>Related pages: Wifi, Printers</aside>
</main>
<div class="footer">Acme Corp 2026</div>
</body></html>"""


def test_an_html_page_gives_only_its_main_content_and_never_reads_text_as_markdown(
    tmp_path: Path,
) -> None:
    (tmp_path / "vpn.html").write_text(CMS_PAGE, encoding="utf-8")
    passages = load_folder(tmp_path).knowledge.passages
    by_heading = {p.heading: p.text for p in passages}
    assert passages[0].title == "VPN setup"  # the h1, not the site's <title> suffix
    assert by_heading["VPN setup"] == "# of devices: you can connect two devices at once."
    assert by_heading["Linux"] == "# add the repository sudo add-apt-repository ppa:acme/vpn"
    everything = " ".join(p.heading + " " + p.text for p in passages)
    for chrome in ("Acme Intranet", "Departments", "cookies", "Home", "Related pages", "Acme Corp"):
        assert chrome not in everything


def test_a_pdf_that_only_restricts_printing_opens_and_a_pdf_date_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(HANDBOOK)))
    writer.add_metadata({"/Updated": "D:20250301120000Z"})
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "restricted.pdf").write_bytes(out.getvalue())
    load = load_folder(tmp_path)
    assert load.broken == ()
    assert {(p.page, p.updated) for p in load.knowledge.passages} == {
        (1, "2025-03-01"), (2, "2025-03-01"),
    }  # fmt: skip


def test_doctor_names_up_to_ten_skipped_files(tmp_path: Path) -> None:
    write_document(tmp_path / "good.md", HANDBOOK)
    for n in range(12):
        (tmp_path / f"bad{n:02}.txt").write_bytes(b"\xff\xfe bad")
    [_, warning] = (render(c)[0] for c in check_knowledge(tmp_path))
    assert all(f"bad{n:02}.txt" in warning for n in range(10))
    assert warning.endswith("; and 2 more, each named in the log)")
