"""Every PDF helhed makes, from one place: a Django template rendered to HTML and then to a
tagged PDF by WeasyPrint.

Tagged (PDF/UA-1) means headings, paragraphs, tables and reading order are marked in the
file, so a screen reader reads a letter, a payment order or a report as a sighted reader
sees it (the brief: "Letters are tagged PDFs"; webtilgængelighedsloven covers documents
published by public authorities). The templates carry ``<html lang="da">`` and a
``<title>``, which become the document's language and title.
"""

from __future__ import annotations

from django.template.loader import render_to_string


def render(template_name: str, context: dict, *, request=None) -> bytes:
    """``template_name`` rendered with ``context`` as a tagged A4 PDF (the page size is the
    template's ``@page`` rule)."""
    from weasyprint import HTML  # imported here: loading Pango costs time no other page needs

    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
