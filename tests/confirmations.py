"""Reading a confirmation page (consortium/confirmation.py) as its reader does."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html


@dataclass
class Confirmation:
    title: str
    record: str
    consequences: list[str]
    action: str
    button: str
    cancel: str
    text: str


def read_confirmation(client, url: str) -> Confirmation:
    """GET the confirmation page and read what it asks, names and promises."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.location)
    tree = html.fromstring(response.get_data(as_text=True))
    main = tree.get_element_by_id("main")
    form = main.xpath(".//form[@method='post']")[0]
    return Confirmation(
        title=main.xpath(".//h1")[0].text_content().strip(),
        record=main.xpath(".//p[@class='confirm-record']")[0].text_content().strip(),
        consequences=[
            li.text_content().strip() for li in main.xpath(".//ul[@class='consequences']/li")
        ],
        action=form.get("action"),
        button=form.xpath(".//button[@type='submit']")[0].text_content().strip(),
        cancel=form.xpath(".//a[contains(@class, 'button-secondary')]")[0].get("href"),
        text=" ".join(main.text_content().split()),
    )
