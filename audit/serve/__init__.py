"""``clinic-audit serve``: check a draft in the browser, on this machine only.

``draft`` turns pasted text or an upload into a Document and audits it in process; ``page`` renders the page
with the report's post view; ``app`` is the Starlette app run by uvicorn.  Only ``clinic-audit serve``
imports this package, so the web framework never loads on the ``check`` path.
"""
