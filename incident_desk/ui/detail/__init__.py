"""The incident detail editor and its parts: header, form, SLA panel, timeline, links, own window."""
