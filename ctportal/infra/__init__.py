"""Infrastructure: database, files, jobs, logs, headers, Markdown.

Knows nothing of the domain; everything else stands on it.
"""
