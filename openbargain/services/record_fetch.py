"""Fetching roll calls from the sources' own APIs with the chapter's key, for
`flask openbargain import-votes --fetch` in production: the same bytes a downloaded file holds,
read by roll_call_formats as a file would be."""
from __future__ import annotations

import json
from typing import Callable
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from flask_babel import gettext

from openbargain.models.roll_call import Source
from openbargain.services.errors import ValidationFailed

OPENSTATES = "https://v3.openstates.org"
LEGISCAN = "https://api.legiscan.com/"
LEGISTAR = "https://webapi.legistar.com/v1"
TIMEOUT = 30  # seconds a source may take to answer one request

Get = Callable[[str, dict[str, str]], bytes]  # (url, headers) → the body


def _get(url: str, headers: dict[str, str]) -> bytes:
    with urlopen(Request(url, headers={"Accept": "application/json", **headers}), timeout=TIMEOUT) as response:
        return response.read()


def fetch(source: Source, what: str, key: str, get: Get | None = None) -> bytes:
    """`what`: an Open States bill id (ocd-bill/…), a LegiScan roll_call_id, or a Legistar
    `client/event_id` (e.g. `nyc/1185`). Returns the file import-votes would read."""
    get = get or _get
    if source == Source.OPENSTATES:
        return get(f"{OPENSTATES}/bills/{quote(what, safe='/:')}?include=votes", {"X-API-KEY": key})
    if source == Source.LEGISCAN:
        return get(f"{LEGISCAN}?{urlencode({'key': key, 'op': 'getRollCall', 'id': what})}", {})
    if source == Source.LEGISTAR:
        client, _, event_id = what.partition("/")
        if not client or not event_id.isdigit():
            raise ValidationFailed.on("fetch", gettext("For Legistar, give client/event id, e.g. nyc/1185."))
        token = f"?{urlencode({'token': key})}" if key else ""
        base = f"{LEGISTAR}/{quote(client)}"
        items = json.loads(get(f"{base}/events/{event_id}/eventitems{token}", {}))
        return json.dumps({
            "event": json.loads(get(f"{base}/events/{event_id}{token}", {})),
            "eventitems": items,
            "votes": {str(item["EventItemId"]): json.loads(get(f"{base}/eventitems/{item['EventItemId']}/votes{token}",
                                                               {}))
                      for item in items if item.get("EventItemRollCallFlag")},
        }).encode()
    raise ValidationFailed.on("source", gettext("A clerk's CSV is imported from a file, not fetched."))
