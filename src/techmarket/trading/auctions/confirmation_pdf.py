"""The 成交确认书 (confirmation of the deal) as PDF, with the CJK font the statements use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from techmarket.core.clock import to_local
from techmarket.core.pdf_fonts import cjk_document
from techmarket.trading.auctions.constants import MODE_LABELS
from techmarket.trading.auctions.results import Confirmation


def pdf(facts: Confirmation, config: Mapping[str, Any]) -> bytes:
    auction = facts.auction
    doc = cjk_document(config, title=f"auction-{auction.id}-confirmation",
                       missing=_("The server lacks a font with Chinese characters, so the PDF cannot be made. Ask "
                                 "the operator to install fonts-noto-cjk or set TECHMARKET_PDF_FONT."))
    doc.set_font("cjk", size=18)
    doc.cell(0, 14, _("Confirmation of the deal (成交确认书)"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=10.5)
    closed = to_local(auction.closed_at).strftime("%Y-%m-%d %H:%M:%S") if auction.closed_at else "—"
    rows = [
        (_("Auction number"), f"#{auction.id}"),
        (_("Subject"), auction.listing.title),
        (_("Auction mode"), str(MODE_LABELS.get(auction.mode, auction.mode))),
        (_("Seller (transferor)"), f"{facts.seller.name}（{facts.seller.credit_code or '—'}）"),
        (_("Buyer (transferee)"), f"{facts.buyer.name}（{facts.buyer.credit_code or '—'}）"),
        (_("Winning bidder"), _("Bidder %(code)s", code=facts.winner.pseudonym)),
        (_("Final price"), f"{facts.amount:,.2f} " + _("yuan")),
        (_("Closed at (China time)"), closed),
        (_("Result in publicity until"), str(auction.publicity_until or "—")),
    ]
    with doc.table(col_widths=(35, 65), line_height=7, wrapmode="CHAR", padding=1.5,
                   first_row_as_headings=False) as table:
        for label, value in rows:
            table.row([label, value])
    doc.ln(6)
    doc.multi_cell(0, 6, _("The parties sign the technology contract at the final price. The winner's deposit "
                           "counts toward the price; a winner who does not sign forfeits it. The draft contract "
                           "is ready in the contracts section of the platform."), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
