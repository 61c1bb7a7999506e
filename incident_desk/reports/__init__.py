"""Reports: closure reports, postmortems and the monthly review as Markdown, HTML and PDF (Qt's text document)."""
