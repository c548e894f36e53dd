"""The consolidated PDF: print templates, CSS, bundled fonts, a locked-down URL fetcher, a renderer
running WeasyPrint in size- and time-limited worker processes, and pypdf assembly of parts.

See docs/pdf.md for the design.
"""
