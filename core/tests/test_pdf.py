from core.http import file_response
from core.pdf import html_to_pdf


def test_a_pdf_fetches_nothing_over_the_network(monkeypatch):
    fetched = []
    monkeypatch.setattr(
        "urllib.request.OpenerDirector.open", lambda self, url, *a, **k: fetched.append(url)
    )
    content = html_to_pdf('<p>Tournée</p><img src="https://example.org/tracker.png">')
    assert content.startswith(b"%PDF")
    assert fetched == []


def test_a_file_is_downloaded_under_its_name_and_kept_by_no_cache():
    response = file_response(b"a;b\n", filename="relevé-mars.csv", content_type="text/csv")
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''relev%C3%A9-mars.csv")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"a;b\n"


def test_a_printable_file_opens_in_the_browser():
    response = file_response(
        b"%PDF", filename="tickets.pdf", content_type="application/pdf", inline=True
    )
    assert response["Content-Disposition"] == 'inline; filename="tickets.pdf"'
