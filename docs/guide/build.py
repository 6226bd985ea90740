#!/usr/bin/python3
"""docs/guide.md -> docs/guide.pdf with Debian's python3-markdown and weasyprint (no network:
images are the PNGs beside the guide, fonts the system's). Run by `make guide`."""
import pathlib
import sys

import markdown
from weasyprint import HTML

CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-center { content: counter(page); font-size: 9pt; color: #666; } }
body { font-family: 'DejaVu Sans', 'Noto Sans', sans-serif; font-size: 10.5pt; line-height: 1.45; color: #222; }
h1 { font-size: 20pt; margin: 0 0 8pt; }
h2 { font-size: 14pt; margin: 16pt 0 6pt; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; page-break-after: avoid; }
img { width: 100%; border: 1px solid #999; margin: 4pt 0 10pt; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 6pt 0; }
th, td { border: 1px solid #bbb; padding: 3pt 5pt; text-align: left; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 9.5pt; }
"""


def main() -> int:
    docs = pathlib.Path(__file__).resolve().parent.parent
    source = docs / "guide.md"
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else docs / "guide.pdf"
    body = markdown.markdown(source.read_text(encoding="utf-8"), extensions=["tables"])
    html = f"<!doctype html><html><head><meta charset='utf-8'><title>Holdspace: a guide for the therapist</title><style>{CSS}</style></head><body>{body}</body></html>"
    HTML(string=html, base_url=str(docs)).write_pdf(str(out))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
